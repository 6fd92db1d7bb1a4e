#pragma once
/// The embedded default and our rehearsal mode, in the spirit of Hubot's shell adapter: each
/// input line is a message by the current user in the current channel; lines starting with ':'
/// are meta commands (switch speaker or channel, move a simulated clock, pin a message). Bot
/// messages are printed with their channel and audience. Piped, only the bot's messages are
/// printed, so scripted drills and tests can read them.

#include "bot/adapters/adapter_api.hpp"
#include "bot/log/log.hpp"

#include <boost/asio/awaitable.hpp>

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace coolhead::console {

struct options {
    std::string as = "you";          ///< the first speaker
    std::string channel = "incident";///< the first channel (without '#')
    bool color = false;              ///< ANSI styling (a terminal)
};

/// Renders one bot message for a terminal: a header line "[#channel to everyone]" (or
/// "[#channel to @bob only]") and the text as readable markdown, ending with a blank line.
/// Control characters in user text are replaced so nobody can drive the terminal.
std::string render(commands::outbound const& msg, bool color);

class console_adapter final : public adapters::chat_adapter {
public:
    /// The simulated clock, if the console runs on one: `:wait` moves it and then awaits
    /// `moved` (the app fires the reminders that fell due).
    struct time_control {
        std::function<void(commands::duration)> advance;
        std::function<boost::asio::awaitable<void>()> moved;
    };

    /// `now` gives the current time; `write` receives finished output (the caller prints it;
    /// any thread).
    console_adapter(adapters::inbound_handler& app, std::function<commands::timestamp()> now,
                    std::optional<time_control> time, options opts, std::function<void(std::string const&)> write,
                    log::logger_ptr log);

    /// Prints the message. Any thread.
    void post(commands::outbound message) override;

    /// Handles one input line on the io executor; false once the user asked to quit.
    boost::asio::awaitable<bool> line(std::string text);

    /// "alice in #db-outage> " for an interactive prompt.
    std::string prompt() const;

private:
    struct seen_message {
        std::string id;
        commands::user_ref author;
        std::string text;
        commands::timestamp at;
    };

    boost::asio::awaitable<void> say(std::string text, std::string delivery_id);
    boost::asio::awaitable<void> pin(std::size_t back, bool added);
    void print_handled(adapters::handled const& h);
    void note(std::string const& text); ///< a console-only line, e.g. usage of meta commands
    commands::user_ref me() const;

    adapters::inbound_handler& app_;
    std::function<commands::timestamp()> now_;
    std::optional<time_control> time_;
    options opts_;
    std::function<void(std::string const&)> write_;
    log::logger_ptr log_;
    std::string user_;
    std::string channel_;
    std::uint64_t next_message_ = 1;
    std::map<std::string, std::deque<seen_message>> recent_; ///< plain messages per channel, newest last
    std::map<std::string, std::string> last_pinned_;         ///< per channel
};

} // namespace coolhead::console

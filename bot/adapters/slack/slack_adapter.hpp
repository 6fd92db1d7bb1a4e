#pragma once
/// Slack as a chat platform for the app (PROTOCOLS.md section 1 and its checklist): Socket Mode
/// links in, the Web API out.
///
/// - `connections` slots each keep one link open: apps.connections.open for a fresh URL every
///   time, connect, wait for `hello`, then read envelopes. `disconnect` with `warning` or
///   `refresh_requested` opens the new link before closing the old one (make before break);
///   `too_many_websockets` and `link_disabled` back off slowly with an operator message; a
///   dropped link reconnects with jittered exponential back-off.
/// - Every envelope is acked; an envelope whose work must be stored is acked only after the
///   app stored it, within the ack deadline, and a slash command's reply travels in the ack.
///   Envelopes are handled side by side (a few per link), so one waiting for the store does
///   not hold up the next past Slack's 3 s.
///   Events that could not be stored are not acked, so Slack delivers them again; redeliveries
///   are recognised by the app (event_id / trigger_id) and change nothing.
/// - Messages that are not an immediate reply go through a per-channel ordered, paced outbox
///   (chat.postMessage / chat.postEphemeral), split under the message limit.
///
/// Threading: everything on one io executor. Tokens and Socket Mode URLs are secrets and never
/// logged.

#include "bot/adapters/adapter_api.hpp"
#include "bot/adapters/common/outbox.hpp"
#include "bot/adapters/slack/socket_mode.hpp"
#include "bot/adapters/slack/web_api_client.hpp"
#include "bot/log/log.hpp"
#include "bot/net/backoff.hpp"
#include "bot/net/endpoint.hpp"
#include "bot/net/https_client.hpp"
#include "bot/net/websocket_client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace coolhead::slack {

struct slack_options {
    net::endpoint api_base; ///< e.g. https://slack.com/api/
    log::secret app_token;  ///< xapp-…: apps.connections.open
    log::secret bot_token;  ///< xoxb-…: everything else
    int connections = 2;    ///< Socket Mode links (1–10; Slack spreads envelopes over them)
    std::chrono::milliseconds ack_deadline{2000};   ///< Slack allows 3 s; keep a margin
    std::chrono::milliseconds hello_timeout{10000}; ///< after connecting, hello must come within this
    std::chrono::milliseconds lookup_timeout{1000}; ///< a message look-up for a 📌 may take this long
    net::websocket_options websocket;               ///< idle timeout (30 s, pings at half), frame cap (1 MiB)
    net::https_client_options http;
    adapters::outbox_options outbox; ///< ~1 message per second per channel, short bursts
    net::backoff_policy backoff = net::slack_backoff;
    /// For `too_many_websockets` and `link_disabled`: an operator has to act, so retry slowly.
    net::backoff_policy slow_backoff{std::chrono::seconds{30}, std::chrono::minutes{10}, 2.0};
    std::function<double()> random;   ///< back-off jitter source; empty: seeded from the system
    std::size_t message_limit = 4000; ///< characters per message (PROTOCOLS.md 1.11)
};

class slack_adapter final : public adapters::chat_adapter {
  public:
    slack_adapter(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, slack_options options,
                  adapters::inbound_handler& app, log::logger_ptr log);
    ~slack_adapter() override;

    /// Learns the bot's own user id (auth.test, retried with back-off unless the token is
    /// refused) and starts the connection slots. An error means the tokens or the app need an
    /// operator (logged with Slack's code).
    boost::asio::awaitable<boost::system::error_code> start();

    /// Stops taking envelopes, closes every link with "going away" once its envelope in hand is
    /// acked, and sends what the outbox still holds (bounded).
    boost::asio::awaitable<void> stop();

    /// Queues a message (prompt, reminder, post-mortem) for its channel.
    void post(commands::outbound message) override;

    /// Links with a hello, right now (for tests and health).
    std::size_t open_links() const noexcept;
    /// Links opened since start (for tests).
    std::size_t links_opened() const noexcept { return links_opened_; }
    std::string const& bot_user_id() const noexcept { return bot_user_id_; }

  private:
    struct link;
    struct pending_reply;

    boost::asio::awaitable<void> run_slot(int slot);
    /// apps.connections.open, connect, hello. On failure: nullptr, what went wrong, and the
    /// Retry-After when Slack rate limited the call.
    boost::asio::awaitable<std::shared_ptr<link>> open_link(int slot, std::string& failure,
                                                            std::chrono::milliseconds& retry_after);
    boost::asio::awaitable<void> read_link(std::shared_ptr<link> l);
    boost::asio::awaitable<void> retire(std::shared_ptr<link> l);
    boost::asio::awaitable<void> on_envelope(std::shared_ptr<link> l, envelope e);
    boost::asio::awaitable<void> on_slash_command(std::shared_ptr<link> l, envelope const& e,
                                                  slash_command const& sc);
    boost::asio::awaitable<void> on_event(std::shared_ptr<link> l, envelope const& e,
                                          events_api_payload const& p);
    /// Hands `in` to the app and waits at most the ack deadline; the app's work goes on past it.
    boost::asio::awaitable<std::optional<adapters::handled>> handle_in_time(adapters::inbound in,
                                                                            bool post_late_reply);
    boost::asio::awaitable<void> finish_handling(std::shared_ptr<pending_reply> p, adapters::inbound in);
    boost::asio::awaitable<adapters::send_outcome> send(std::string const& channel,
                                                        adapters::outgoing const& msg);
    void queue(commands::outbound const& message, std::size_t skip_chunks = 0);
    void remember(std::string const& channel, std::string const& ts, std::string const& user,
                  std::string const& text);
    void ack(link& l, std::string text);

    boost::asio::any_io_executor ex_;
    boost::asio::ssl::context& tls_;
    slack_options options_;
    adapters::inbound_handler& app_;
    log::logger_ptr log_;
    web_api_client api_;
    adapters::outbox outbox_;
    std::string bot_user_id_;
    std::string bot_id_;
    bool stopping_ = false;
    std::size_t links_opened_ = 0;
    std::vector<std::shared_ptr<link>> links_; ///< current link per slot (nullptr while reconnecting)
    /// Per slot: cancelled when its link changes or the adapter stops.
    std::vector<std::shared_ptr<boost::asio::steady_timer>> signals_;
    std::size_t slots_running_ = 0;
    struct seen {
        std::string user;
        std::string text;
    };
    std::map<std::string, std::deque<std::pair<std::string, seen>>> recent_; ///< per channel: ts → message
    /// Channels conversations.join refused (private ones): the bot waits to be invited there.
    std::set<std::string> join_refused_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace coolhead::slack

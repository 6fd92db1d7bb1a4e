#pragma once
/// The Mattermost adapter's integration harness: a fake_mattermost, and the real app on an
/// io_context of its own thread (sqlite_event_store on a temp-dir database behind a decorator
/// that can fail or delay commits, incident_cache, dispatcher behind a recorder of every
/// delivery, reminder_scheduler on a simulated clock) with the real mattermost_adapter
/// configured from the fake (its URL, CA, bot token; verification on; the command endpoint on
/// 127.0.0.1 port 0 with tokens the test knows). Every option that decides a delay is short and
/// every random draw is fixed, so tests are fast and deterministic. Logs of every component go
/// to a capturing sink (dumped to stderr when the test failed).
///
/// The fake lacks two routes the adapter uses (`POST /api/v4/channels/direct`, `GET
/// /api/v4/posts/{id}`); the harness adds them with on_rest(): a direct channel per user of the
/// fake's table, and serve_post() for a post a test wants the adapter to be able to read.
///
/// Everything here is synchronous and bounded: calls that need the io thread wait at most a
/// few seconds and throw if it does not answer. Asio stays in mattermost_harness.cpp.

#include "commands/decide.hpp"
#include "commands/event.hpp"
#include "tests/support/app/flaky_store.hpp"
#include "tests/support/mattermost/fake_mattermost.hpp"

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace coolhead::mattermost_it {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady_time = std::chrono::steady_clock::time_point;

/// The adapter's settings a test may change (the rest keeps the harness's fast values).
struct tuning {
    std::size_t message_limit = 16383;
    milliseconds reply_timeout{1500};
    milliseconds lookup_timeout{1000};
    milliseconds ws_idle_timeout{3000};
    milliseconds http_timeout{2000};
    milliseconds outbox_interval{5};
    std::size_t outbox_burst = 50;
    std::size_t outbox_max_attempts = 8;
    milliseconds backoff_initial{100};
    milliseconds backoff_max{800};
    /// Every back-off draw (0..1): the wait is this share of the current ceiling.
    double random = 0.5;
    /// Attempts at storing a websocket event when the store fails, and the wait between them.
    int event_attempts = 3;
    milliseconds event_retry_wait{50};
    /// False: the adapter trusts only the system store, so the fake's test certificate fails.
    bool trust_test_ca = true;
    /// False: the adapter gets no command tokens (every command must be refused).
    bool command_tokens = true;
    /// Level of every component logger ("trace" for the redaction test).
    std::string log_level = "debug";
};

/// The fake's settings the harness uses unless a test overrides them: five people (alice, bob,
/// carol, dana, erin) with a direct channel each, pings every 300 ms, short call timeouts.
testing::fake_mattermost_options fast_fake();

using test::commit_seen;

/// One delivery the adapter handed to the app, and what the app made of it.
struct delivery_seen {
    std::string delivery_id; ///< "post:<id>", "trg:<id>", ...
    std::string kind;        ///< "command", "message", "reaction", "edit", "delete"
    std::string user_id;
    std::string user_name;
    std::string channel_id;
    std::string text;        ///< command text, message text, reaction's message text, new text
    std::string result;      ///< "applied", "answered", "refused", "duplicate", "not_recorded", "ignored"
};

class harness {
  public:
    explicit harness(tuning t = {}, testing::fake_mattermost_options fake = fast_fake(), bool start = true);
    ~harness();
    harness(harness const&) = delete;
    harness& operator=(harness const&) = delete;

    testing::fake_mattermost mm;

    /// mattermost_adapter::start() (GET /users/me, the endpoint, the websocket loop).
    boost::system::error_code start();
    /// mattermost_adapter::stop() (bounded).
    void stop();

    // ---- the adapter -----------------------------------------------------------------------

    std::size_t connections_opened();
    std::size_t resyncs();
    std::string bot_user_id();
    std::string connection_id();
    std::uint16_t callback_port();
    /// "http://127.0.0.1:<port>/mattermost/command".
    std::string callback_url();
    /// The command token the adapter was given for `trigger` ("incident", ...).
    std::string token_for(std::string const& trigger) const;
    /// The direct channel of the bot and `user_id` (made by the harness).
    std::string dm_channel(std::string const& user_id) const;
    /// Lets the adapter read `post` with GET /api/v4/posts/{id} (the fake lacks that route).
    void serve_post(testing::mattermost_post const& post);

    // ---- slash commands ------------------------------------------------------------------

    /// An invocation of `command` `text` by `user_id` in `channel` (default: the incident
    /// channel) at the adapter's endpoint, with the registered token.
    testing::command_invocation invocation(std::string const& user_id, std::string command, std::string text,
                                           std::string channel = {});
    /// invoke_command(invocation(...)).
    testing::command_result command(std::string const& user_id, std::string command, std::string text,
                                    std::string channel = {});

    // ---- the store -----------------------------------------------------------------------

    /// The next `n` commits fail (nothing written; the dispatcher answers "not recorded").
    void fail_commits(int n);
    /// The next `n` commits wait `d` before they reach the database.
    void delay_commits(int n, milliseconds d);
    /// Every commit so far, in completion order.
    std::vector<commit_seen> commits();
    /// The first commit of `delivery_id` ("mattermost:trg:…", "mattermost:post:…") that was
    /// committed.
    std::optional<commit_seen> committed(std::string const& delivery_id);
    /// Incident `n`'s events, read back through the sqlite_event_store.
    std::vector<commands::event> events(std::uint64_t incident = 1);

    // ---- the app -------------------------------------------------------------------------

    /// Every delivery the adapter handed to the app so far, in order.
    std::vector<delivery_seen> deliveries() const;
    /// Deliveries of `kind` (and, if given, with `text`).
    std::vector<delivery_seen> deliveries(std::string_view kind, std::string_view text = {}) const;
    /// Waits until at least `n` deliveries of `kind` arrived.
    bool wait_for_deliveries(std::string_view kind, std::size_t n, milliseconds timeout = 5s) const;
    /// Moves the simulated clock and posts the reminders then due; returns how many. The
    /// fake's clock follows, so post times match the app's.
    std::size_t advance(commands::duration d);
    /// The simulated clock (2026-11-23T03:00:00Z at the start) in ms since the epoch.
    std::int64_t now_ms() const;
    /// Queues a message through the adapter (chat_adapter::post).
    void post(commands::outbound m);

    // ---- logs ----------------------------------------------------------------------------

    std::string logs() const;
    std::size_t log_count(std::string_view needle) const;
    bool wait_for_log(std::string_view needle, milliseconds timeout = 5s) const;

    struct impl;

  private:
    std::unique_ptr<impl> impl_;
};

/// Every text the bot sent to Mattermost: command answers (the whole JSON bodies) and the
/// messages of every POST /api/v4/posts (refused ones too).
std::vector<std::string> everything_sent(testing::fake_mattermost const& mm);

/// The JSON texts of a command answer: `text` and each `extra_responses[].text`.
std::vector<std::string> answer_texts(testing::command_result const& r);

/// True if `markdown` has an `@` outside code spans that is not a ping of a valid username
/// from `allowed` (and so could mention someone the bot did not mean to).
std::optional<std::string> unsafe_mention(std::string_view markdown, std::vector<std::string> const& allowed = {});

/// Strips Mattermost markdown to words: code spans, emphasis, heading and list markers,
/// backslash escapes and entities go; runs of white space become one space per line.
std::string plain(std::string_view markdown);

} // namespace coolhead::mattermost_it

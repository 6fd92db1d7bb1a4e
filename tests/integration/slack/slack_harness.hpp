#pragma once
/// The Slack adapter's integration harness: a fake_slack, and the real app on an io_context of
/// its own thread (sqlite_event_store on a temp-dir database behind a decorator that can fail
/// or delay commits, incident_cache, dispatcher, reminder_scheduler on a simulated clock) with
/// the real slack_adapter configured from the fake (its CA, tokens and API URL; verification
/// on). Every option that decides a delay is short and every random draw is fixed, so tests
/// are fast and deterministic. Logs of every component go to a capturing sink (dumped to
/// stderr when the test failed).
///
/// Everything here is synchronous and bounded: calls that need the io thread wait at most a
/// few seconds and throw if it does not answer. Asio stays in slack_harness.cpp.

#include "commands/decide.hpp"
#include "commands/event.hpp"
#include "tests/support/app/flaky_store.hpp"
#include "tests/support/slack/fake_slack.hpp"

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace coolhead::slack_it {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady_time = std::chrono::steady_clock::time_point;

/// The adapter's settings a test may change (the rest of slack_options keeps the harness's
/// fast, deterministic values).
struct tuning {
    int connections = 1;
    milliseconds ack_deadline{1500};
    milliseconds hello_timeout{2000};
    milliseconds lookup_timeout{1000};
    milliseconds ws_idle_timeout{3000};
    milliseconds http_timeout{2000};
    milliseconds outbox_interval{10};
    std::size_t outbox_burst = 20;
    std::size_t outbox_max_attempts = 8;
    milliseconds backoff_initial{100};
    milliseconds backoff_max{800};
    milliseconds slow_initial{500};
    milliseconds slow_max{4000};
    /// Every back-off draw (0..1): the wait is this share of the current ceiling.
    double random = 0.5;
    std::size_t message_limit = 4000;
    /// False: the adapter trusts only the system store, so the fake's test certificate fails.
    bool trust_test_ca = true;
    /// Level of every component logger ("trace" for the redaction test).
    std::string log_level = "debug";
};

/// The fake's settings the harness uses unless a test overrides them: pings every 300 ms,
/// disconnect closes after a short delay.
testing::fake_slack_options fast_fake();

using test::commit_seen;

class harness {
  public:
    explicit harness(tuning t = {}, testing::fake_slack_options fake = fast_fake(), bool start = true);
    ~harness();
    harness(harness const&) = delete;
    harness& operator=(harness const&) = delete;

    testing::fake_slack slack;

    /// slack_adapter::start() (auth.test, then the connection slots).
    boost::system::error_code start();
    /// slack_adapter::stop() (bounded).
    void stop();

    /// The adapter's counters (read on the io thread).
    std::size_t open_links();
    std::size_t links_opened();
    std::string bot_user_id();

    // ---- the store -----------------------------------------------------------------------

    /// The next `n` commits fail (nothing written; the dispatcher answers "not recorded").
    void fail_commits(int n);
    /// The next `n` commits wait `d` before they reach the database.
    void delay_commits(int n, milliseconds d);
    /// Every commit so far, in completion order.
    std::vector<commit_seen> commits();
    /// The first commit of `delivery_id` ("slack:trg:…", "slack:ev:…") that was committed.
    std::optional<commit_seen> committed(std::string const& delivery_id);
    /// Incident `n`'s events, read back through the sqlite_event_store.
    std::vector<commands::event> events(std::uint64_t incident = 1);

    // ---- the app -------------------------------------------------------------------------

    /// Moves the simulated clock and posts the reminders then due; returns how many.
    std::size_t advance(commands::duration d);
    /// Queues a message through the adapter (chat_adapter::post).
    void post(commands::outbound m);

    // ---- logs ----------------------------------------------------------------------------

    /// Everything logged so far, every component.
    std::string logs() const;
    /// Lines containing `needle`.
    std::size_t log_count(std::string_view needle) const;
    /// Waits until a line contains `needle`.
    bool wait_for_log(std::string_view needle, milliseconds timeout = 5s) const;

    // ---- helpers over the fake -------------------------------------------------------------

    /// The trigger_id of a slash command envelope the fake sent.
    std::string trigger_of(std::string const& envelope_id) const;
    /// When the app's commit of the slash command `envelope_id` (its trigger_id) or of the
    /// events_api envelope (its event_id) came back committed; the epoch if it did not.
    steady_time commit_time_of(std::string const& envelope_id);
    /// The ack of `envelope_id`'s payload text ("" if none).
    static std::string ack_text(testing::ack const& a);

    struct impl;

  private:
    std::unique_ptr<impl> impl_;
};

/// Every text the bot sent to Slack: acks' payload texts and every message (refused ones too).
std::vector<std::string> everything_sent(testing::fake_slack const& slack);

} // namespace coolhead::slack_it

// Socket Mode links against the fake Slack: start-up (auth.test, a fresh apps.connections.open
// per link, hello, pings), make-before-break on disconnect, slow back-off with operator lines
// for too_many_websockets / link_disabled / refused tokens, reconnects after drops and stalls,
// malformed, binary, oversized and large frames, TLS verification, stop.
// PROTOCOLS.md section 4, items 1, 2, 4, 5, 7, 27, 28.
#include "tests/integration/slack/slack_harness.hpp"
#include "tests/support/wait.hpp"

#include <gtest/gtest.h>

#include <set>

namespace coolhead::slack_it {
namespace {

using namespace coolhead::testing;
using coolhead::test::wait_until;
using std::chrono::duration_cast;

milliseconds ms_between(steady_time a, steady_time b)
{
    return duration_cast<milliseconds>(b - a);
}

/// A slash command on link `l` that the app answers without needing an incident.
std::string ping_command(slack_link l)
{
    return l.slash_command("/incident", "help");
}

void expect_acked(fake_slack& slack, std::string const& id, std::size_t link = 0)
{
    auto a = slack.wait_for_ack(id);
    ASSERT_TRUE(a) << "envelope " << id << " was not acked";
    EXPECT_LT(a->latency.value(), 3s);
    if (link) {
        EXPECT_EQ(a->link, link);
    }
}

std::vector<steady_time> open_call_times(fake_slack const& slack)
{
    std::vector<steady_time> out;
    for (auto const& c : slack.calls("apps.connections.open"))
        out.push_back(c.received_at);
    return out;
}

} // namespace

// Checklist 1: auth.test first, then one apps.connections.open (xapp token as Bearer) per link,
// each link from its own ticket; hello; links stay up because pings are answered.
TEST(slack_links, start_opens_every_link_from_a_fresh_ticket_and_keeps_it_up)
{
    tuning t;
    t.connections = 2;
    t.ws_idle_timeout = 1000ms; // the adapter pings too; a link that misses pongs would drop
    harness h(t);
    ASSERT_TRUE(h.slack.wait_for_open_connections(2));
    ASSERT_TRUE(wait_until([&] { return h.open_links() == 2; })) << "both links said hello";
    EXPECT_EQ(h.bot_user_id(), "U0FAKEBOT");

    auto calls = h.slack.calls();
    ASSERT_GE(calls.size(), 3u);
    EXPECT_EQ(calls[0].method, "auth.test") << "the bot learns who it is before it opens links";
    EXPECT_EQ(calls[0].auth, token_check::ok);
    EXPECT_EQ(calls[0].header("Authorization"), "Bearer " + h.slack.options().bot_token);
    auto opens = h.slack.calls("apps.connections.open");
    ASSERT_EQ(opens.size(), 2u);
    for (auto const& c : opens) {
        EXPECT_EQ(c.http_method, "POST");
        EXPECT_EQ(c.auth, token_check::ok);
        EXPECT_EQ(c.header("Authorization"), "Bearer " + h.slack.options().app_token);
        EXPECT_FALSE(c.params.contains("token")) << "the token goes in the header only";
    }
    auto tickets = h.slack.tickets();
    ASSERT_EQ(tickets.size(), 2u);
    EXPECT_NE(tickets[0], tickets[1]);
    EXPECT_TRUE(h.slack.refused_upgrades().empty()) << "no ticket was reused";
    std::set<std::string> used;
    for (auto const& l : h.slack.links()) {
        used.insert(l.ticket);
        EXPECT_TRUE(l.hello_sent);
        EXPECT_FALSE(net::find_header(l.upgrade_headers, "Origin")) << "never an Origin header";
        EXPECT_FALSE(net::find_header(l.upgrade_headers, "Authorization")) << "the ticket is the credential";
    }
    EXPECT_EQ(used.size(), 2u);

    // Three idle timeouts later both links are still the first two: pings were answered.
    ASSERT_TRUE(wait_until(
        [&] {
            auto ls = h.slack.links();
            return ls.size() == 2 && ls[0].pings_sent >= 7 && ls[1].pings_sent >= 7;
        },
        10s));
    EXPECT_EQ(h.slack.connections_opened(), 2u);
    EXPECT_EQ(h.slack.open_connections(), 2u);
    EXPECT_EQ(h.open_links(), 2u);
    EXPECT_EQ(h.links_opened(), 2u);
    expect_acked(h.slack, ping_command(h.slack.link(1)), 1);
    expect_acked(h.slack, ping_command(h.slack.link(2)), 2);
}

// Checklist 2: a refused bot token is not retried; start() fails with an operator line.
TEST(slack_links, a_refused_bot_token_fails_start_without_retrying)
{
    harness h({}, fast_fake(), false);
    h.slack.fail_next("auth.test", 1, "invalid_auth");
    auto ec = h.start();
    EXPECT_TRUE(ec);
    EXPECT_EQ(h.slack.call_count("auth.test"), 1u) << "invalid_auth is never retried";
    EXPECT_EQ(h.slack.call_count("apps.connections.open"), 0u);
    EXPECT_EQ(h.log_count("event=slack_auth_failed error=invalid_auth"), 1u) << h.logs();
    EXPECT_NE(h.logs().find("SLACK_BOT_TOKEN"), std::string::npos)
        << "the line tells the operator what to check";
}

// Checklist 2: `ratelimited` waits Retry-After.
TEST(slack_links, a_rate_limited_auth_test_waits_retry_after)
{
    harness h({}, fast_fake(), false);
    h.slack.rate_limit_next("auth.test", 1, 1s);
    ASSERT_FALSE(h.start());
    auto calls = h.slack.calls("auth.test");
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_GE(ms_between(calls[0].received_at, calls[1].received_at), 1000ms);
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
}

// Checklist 2: apps.connections.open is Tier 1; when Slack rate limits it, the adapter waits
// Retry-After before the next attempt.
TEST(slack_links, a_rate_limited_connections_open_waits_retry_after)
{
    harness h({}, fast_fake(), false);
    h.slack.rate_limit_next("apps.connections.open", 1, 1s);
    ASSERT_FALSE(h.start());
    ASSERT_TRUE(h.slack.wait_for_open_connections(1, 5s));
    auto times = open_call_times(h.slack);
    ASSERT_EQ(times.size(), 2u);
    EXPECT_GE(ms_between(times[0], times[1]), 1000ms);
}

// Checklist 2 and 5: a refused app token backs off slowly (growing) with an operator line.
TEST(slack_links, a_refused_app_token_backs_off_slowly_with_an_operator_line)
{
    tuning t;
    t.slow_initial = 400ms;
    harness h(t, fast_fake(), false);
    h.slack.fail_next("apps.connections.open", 3, "invalid_auth");
    ASSERT_FALSE(h.start());
    ASSERT_TRUE(h.slack.wait_for_open_connections(1, 10s));
    auto times = open_call_times(h.slack);
    ASSERT_EQ(times.size(), 4u);
    // random = 0.5: 200 ms, 400 ms, 800 ms (the quick policy would wait 50, 100, 200).
    EXPECT_GE(ms_between(times[0], times[1]), 200ms);
    EXPECT_GE(ms_between(times[1], times[2]), 400ms);
    EXPECT_GE(ms_between(times[2], times[3]), 800ms);
    EXPECT_EQ(h.log_count("event=slack_connect_refused"), 3u) << h.logs();
    EXPECT_NE(h.logs().find("SLACK_APP_TOKEN"), std::string::npos);
}

// Checklist 4: `warning` and `refresh_requested` are make-before-break.
void make_before_break(std::string const& reason)
{
    tuning t;
    t.connections = 2;
    harness h(t);
    ASSERT_TRUE(h.slack.wait_for_open_connections(2));
    auto old = h.slack.link(1);
    // The new link takes a while, so the old one must go on serving meanwhile.
    h.slack.delay_next("apps.connections.open", 1, 500ms);
    old.disconnect(reason, std::nullopt); // the fake never closes it: the adapter must
    auto during = old.slash_command("/incident", "start Checkout fails");
    auto a = h.slack.wait_for_ack(during);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->link, old.number()) << "an envelope on the old link after the warning is still acked there";
    EXPECT_EQ(h.ack_text(*a).find("INC-1") != std::string::npos, true) << h.ack_text(*a);

    ASSERT_TRUE(h.slack.wait_for_connections(3));
    ASSERT_TRUE(old.wait_closed());
    // The fake sees the close frame a moment before the adapter writes its line about it.
    ASSERT_TRUE(h.wait_for_log("event=slack_link_closed "));
    auto before = old.info();
    auto fresh = h.slack.link(3).info();
    EXPECT_EQ(before.end, link_end::closed_by_client);
    EXPECT_EQ(before.client_close_code, std::optional<std::uint16_t>{1001}) << "going away";
    EXPECT_TRUE(fresh.hello_sent);
    ASSERT_TRUE(before.closed_at);
    EXPECT_LT(fresh.opened_at, *before.closed_at) << "the new link said hello before the old one closed";
    EXPECT_LT(a->received_at, *before.closed_at);
    auto logs = h.logs();
    auto opened = logs.rfind("event=slack_link_open ");
    auto closed = logs.find("event=slack_link_closed ");
    ASSERT_NE(opened, std::string::npos) << logs;
    ASSERT_NE(closed, std::string::npos) << logs;
    EXPECT_LT(opened, closed);

    ASSERT_TRUE(h.slack.wait_for_open_connections(2));
    EXPECT_EQ(h.open_links(), 2u);
    EXPECT_EQ(h.slack.tickets().size(), 3u);
    EXPECT_TRUE(h.slack.refused_upgrades().empty());
    expect_acked(h.slack, ping_command(h.slack.link(3)), 3);
}

TEST(slack_links, warning_is_make_before_break)
{
    make_before_break("warning");
}

TEST(slack_links, refresh_requested_is_make_before_break)
{
    make_before_break("refresh_requested");
}

// Checklist 5: more links than Slack allows: slow, growing back-off and an operator line; the
// link that works keeps working.
TEST(slack_links, too_many_websockets_backs_off_slowly_with_an_operator_line)
{
    auto fake = fast_fake();
    fake.max_connections = 1;
    tuning t;
    t.connections = 2;
    t.slow_initial = 400ms;
    harness h(t, fake);
    // Slot 2 is refused again and again: 200, 400, 800 ms apart at least.
    ASSERT_TRUE(wait_until([&] { return h.slack.call_count("apps.connections.open") >= 5; }, 5s));
    auto times = open_call_times(h.slack);
    ASSERT_GE(times.size(), 5u);
    // The first two are both slots starting at once; the rest are the refused slot's retries.
    EXPECT_GE(ms_between(times[1], times[2]), 200ms);
    EXPECT_GE(ms_between(times[2], times[3]), 400ms);
    EXPECT_GE(ms_between(times[3], times[4]), 800ms);
    EXPECT_GE(h.log_count("event=slack_too_many_websockets"), 2u) << h.logs();
    EXPECT_NE(h.logs().find("other coolhead instances"), std::string::npos);
    EXPECT_TRUE(h.slack.wait_for_open_connections(1)) << "refused links do not stay open";
    EXPECT_EQ(h.open_links(), 1u);
    expect_acked(h.slack, ping_command(h.slack.link(1)), 1);
}

// Checklist 5: link_disabled (and too_many_websockets) after hello: slow back-off that keeps
// growing while Slack keeps refusing, and an operator line each time.
TEST(slack_links, link_disabled_backs_off_slowly_and_the_wait_grows)
{
    tuning t;
    t.slow_initial = 400ms;
    harness h(t);
    std::vector<steady_time> disconnected;
    for (std::size_t n = 1; n <= 3; ++n) {
        ASSERT_TRUE(h.slack.wait_for_connections(n, 5s));
        ASSERT_TRUE(wait_until([&] { return h.slack.link(n).is_open(); }));
        disconnected.push_back(std::chrono::steady_clock::now());
        h.slack.link(n).disconnect(n == 2 ? "too_many_websockets" : "link_disabled", std::nullopt);
    }
    ASSERT_TRUE(h.slack.wait_for_connections(4, 5s));
    auto ls = h.slack.links();
    // random = 0.5 of a ceiling growing 400, 800, 1600 ms.
    EXPECT_GE(ms_between(disconnected[0], ls[1].opened_at), 200ms);
    EXPECT_GE(ms_between(disconnected[1], ls[2].opened_at), 400ms);
    EXPECT_GE(ms_between(disconnected[2], ls[3].opened_at), 800ms) << "the slow back-off keeps growing";
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(ls[i].end, link_end::closed_by_client);
        EXPECT_EQ(ls[i].client_close_code, std::optional<std::uint16_t>{1001});
    }
    EXPECT_EQ(h.log_count("event=slack_link_disabled"), 2u) << h.logs();
    EXPECT_EQ(h.log_count("event=slack_too_many_websockets"), 1u);
    EXPECT_NE(h.logs().find("an admin must turn it back on"), std::string::npos);
    expect_acked(h.slack, ping_command(h.slack.link(4)), 4);
}

// Checklist 1 and 7: a dropped link reconnects after a back-off with a fresh ticket.
TEST(slack_links, a_dropped_link_reconnects_with_a_fresh_ticket)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    for (std::size_t n = 1; n <= 2; ++n) {
        h.slack.link(n).drop();
        ASSERT_TRUE(h.slack.wait_for_connections(n + 1));
        auto ls = h.slack.links();
        ASSERT_TRUE(ls[n - 1].closed_at);
        EXPECT_GE(ms_between(*ls[n - 1].closed_at, ls[n].opened_at), 50ms)
            << "back-off: 0.5 x 100 ms at least";
    }
    auto tickets = h.slack.tickets();
    ASSERT_EQ(tickets.size(), 3u);
    EXPECT_EQ(std::set<std::string>(tickets.begin(), tickets.end()).size(), 3u);
    EXPECT_TRUE(h.slack.refused_upgrades().empty());
    expect_acked(h.slack, ping_command(h.slack.link(3)), 3);
    EXPECT_EQ(h.open_links(), 1u);
}

// Checklist 7: a silent link (no pings, no pongs) is found dead by the idle timeout.
TEST(slack_links, a_stalled_link_is_found_dead_and_replaced)
{
    tuning t;
    t.ws_idle_timeout = 600ms;
    harness h(t);
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    auto stalled_at = std::chrono::steady_clock::now();
    h.slack.link(1).stall();
    ASSERT_TRUE(h.slack.wait_for_connections(2, 5s));
    EXPECT_GE(ms_between(stalled_at, h.slack.link(2).info().opened_at), 300ms)
        << "not before the idle timeout's first half passed";
    EXPECT_NE(h.logs().find("event=slack_link_lost slot=0 link=1"), std::string::npos) << h.logs();
    expect_acked(h.slack, ping_command(h.slack.link(2)), 2);
    EXPECT_EQ(h.open_links(), 1u);
}

// Malformed frames are logged (without their content) and skipped; the link stays up.
TEST(slack_links, malformed_frames_are_skipped_and_the_link_stays_up)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    auto l = h.slack.link(1);
    l.send_raw("MARKERTEXT not json {");
    l.send_raw(R"(["MARKERTEXT", 1, 2])");
    l.send_raw(R"({"type":"events_api","payload":{"text":"MARKERTEXT"}})"); // no envelope_id
    l.send_raw(R"({"type":"mystery_frame","text":"MARKERTEXT"})");
    l.send_raw(R"({"envelope_id":"env-wrong-types","type":"slash_commands","accepts_response_payload":true,)"
               R"("payload":{"command":5,"text":"MARKERTEXT","channel_id":"C1","user_id":"U1"}})");
    l.send_binary("\x01\x02MARKERTEXT");
    // An envelope type nobody knows yet, and an interactive one: acked, not used.
    l.send_raw(
        R"({"envelope_id":"env-unknown-type","type":"brand_new_type","payload":{"text":"MARKERTEXT"}})");
    auto interactive = l.interactive_event();
    auto after = ping_command(l);

    expect_acked(h.slack, after, 1);
    auto wrong = h.slack.wait_for_ack("env-wrong-types");
    ASSERT_TRUE(wrong) << "a broken envelope with a usable id is acked so Slack stops sending it";
    EXPECT_FALSE(wrong->payload);
    auto unknown = h.slack.wait_for_ack("env-unknown-type");
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(unknown->payload);
    auto inter = h.slack.wait_for_ack(interactive);
    ASSERT_TRUE(inter);
    EXPECT_FALSE(inter->payload) << "interactive envelopes are acked and ignored";
    EXPECT_EQ(h.slack.connections_opened(), 1u);
    EXPECT_TRUE(l.is_open());
    EXPECT_EQ(h.log_count("event=slack_frame_malformed"), 5u) << h.logs();
    EXPECT_EQ(h.log_count("event=ws_binary_message_dropped"), 1u);
    EXPECT_EQ(h.logs().find("MARKERTEXT"), std::string::npos) << "frames never reach the log";
    EXPECT_TRUE(h.slack.messages().empty());
}

// Checklist 28 and STYLE.md 5.4: 200 KB is accepted; 2 MiB ends the link with 1009 and the
// adapter reconnects.
TEST(slack_links, a_200_kb_frame_is_accepted_and_a_2_mib_frame_ends_the_link)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    message_event_args big;
    big.channel = "C0QUIET";
    big.user = "U0BOB";
    big.text = std::string(200 * 1024, 'x');
    auto id = h.slack.link(1).message_event(big);
    expect_acked(h.slack, id, 1);

    try {
        h.slack.link(1).send_oversized();
    } catch (std::runtime_error const&) {
        // The adapter may refuse the frame (close 1009) before the fake finished writing it.
    }
    ASSERT_TRUE(h.slack.link(1).wait_closed());
    EXPECT_EQ(h.slack.link(1).info().client_close_code, std::optional<std::uint16_t>{1009});
    ASSERT_TRUE(h.slack.wait_for_connections(2));
    expect_acked(h.slack, ping_command(h.slack.link(2)), 2);
    EXPECT_NE(h.logs().find("event=ws_message_too_large"), std::string::npos);
}

// Checklist 27: verification stays on: without the test CA the fake's certificate is refused.
TEST(slack_links, an_untrusted_certificate_is_refused)
{
    tuning t;
    t.trust_test_ca = false;
    t.backoff_initial = 20ms;
    t.backoff_max = 40ms;
    harness h(t, fast_fake(), false);
    EXPECT_TRUE(h.start());
    EXPECT_EQ(h.slack.call_count("auth.test"), 0u) << "no request ever reached the server";
    EXPECT_NE(h.logs().find("event=tls_certificate_rejected host=localhost"), std::string::npos) << h.logs();
}

// stop(): links close with "going away" and stay closed.
TEST(slack_links, stop_closes_every_link_going_away)
{
    tuning t;
    t.connections = 2;
    harness h(t);
    ASSERT_TRUE(h.slack.wait_for_open_connections(2));
    h.stop();
    ASSERT_TRUE(h.slack.wait_for_open_connections(0));
    for (auto const& l : h.slack.links()) {
        EXPECT_EQ(l.end, link_end::closed_by_client);
        EXPECT_EQ(l.client_close_code, std::optional<std::uint16_t>{1001});
    }
    EXPECT_EQ(h.open_links(), 0u);
    EXPECT_EQ(h.slack.connections_opened(), 2u) << "no reconnect after stop";
}

// stop() during a reconnect back-off does not sit out the back-off (SIGTERM has a grace
// period) and opens nothing more.
TEST(slack_links, stop_during_a_back_off_returns_at_once)
{
    tuning t;
    t.slow_initial = 10s;
    harness h(t, fast_fake(), false);
    h.slack.fail_next("apps.connections.open", 1, "invalid_auth");
    ASSERT_FALSE(h.start());
    ASSERT_TRUE(h.wait_for_log("event=slack_connect_failed"));
    auto before = std::chrono::steady_clock::now();
    h.stop();
    EXPECT_LT(ms_between(before, std::chrono::steady_clock::now()), 1000ms);
    EXPECT_EQ(h.slack.call_count("apps.connections.open"), 1u);
    EXPECT_EQ(h.slack.connections_opened(), 0u);
}

} // namespace coolhead::slack_it

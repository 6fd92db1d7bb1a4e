// The websocket side of the Mattermost adapter against the fake: Bearer auth on the upgrade,
// hello, its own posts ignored, the double-encoded post, resume without loss, resync after a new
// connection id, sequence gaps, pins/edits/deletions, stalls and back-off, malformed, large and
// oversized frames, and events the store could not take.
// PROTOCOLS.md section 4, items 13–19, 25 (client frames), 27, 28.
#include "tests/integration/mattermost/mattermost_harness.hpp"
#include "tests/support/wait.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace coolhead::mattermost_it {
namespace {

using namespace coolhead::testing;
using coolhead::test::wait_until;
using std::chrono::duration_cast;

/// How many deliveries reached the app with `id`.
std::size_t delivered(harness const& h, std::string const& id)
{
    auto all = h.deliveries();
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [&](auto const& d) { return d.delivery_id == id; }));
}

bool wait_delivered(harness const& h, std::string const& id, milliseconds timeout = 5s)
{
    return wait_until([&] { return delivered(h, id) >= 1; }, timeout);
}

template <class E>
std::size_t count_events(std::vector<commands::event> const& events)
{
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [](auto const& e) { return std::holds_alternative<E>(e.what); }));
}

/// Starts INC-1 in the incident channel as alice and waits until the bot's own posts that follow
/// (the phase prompt) came back over the websocket, so later counts are about the test's posts.
void start_incident(harness& h, std::string const& title = "Checkout fails for EU customers")
{
    auto r = h.command(h.mm.alice(), "/incident", "start " + title);
    ASSERT_EQ(r.status, 200u) << r.body;
    ASSERT_TRUE(h.mm.wait_for_bot_posts(h.mm.incident_channel(), 1));
    ASSERT_TRUE(wait_until([&] {
        auto bot_posts = h.mm.bot_posts(h.mm.incident_channel());
        auto events = h.mm.events();
        return std::all_of(bot_posts.begin(), bot_posts.end(), [&](auto const& p) {
            return std::any_of(events.begin(), events.end(), [&](auto const& e) {
                return e.event == "posted" && e.frame.find(p.id) != std::string::npos && e.socket != 0;
            });
        });
    }));
}

tuning slow_reconnect()
{
    // Long enough that the test's posts land while the adapter is away (the wait is half the
    // ceiling: 500 ms), short enough for a fast suite.
    tuning t;
    t.backoff_initial = 1000ms;
    t.backoff_max = 4000ms;
    return t;
}

std::size_t queued_for_resume(fake_mattermost const& mm, std::string const& post_id)
{
    auto events = mm.events();
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](auto const& e) {
        return e.frame.find(post_id) != std::string::npos && e.socket == 0;
    }));
}

} // namespace

// Checklist 13, 14: the Bearer token on the upgrade (no challenge), the first connection asks
// for a fresh one, hello tells the bot's id and the connection id; a response frame is not an
// event (no gap, no reconnect).
TEST(mattermost_socket, authenticates_with_bearer_on_the_upgrade_and_learns_who_it_is_from_hello)
{
    harness h;
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    ASSERT_TRUE(wait_until([&] { return h.mm.connections().at(0).hello_sent; }));
    auto c = h.mm.connections().at(0);
    EXPECT_EQ(c.auth, socket_auth::bearer);
    auto auth = net::find_header(c.upgrade_headers, "Authorization");
    ASSERT_TRUE(auth);
    EXPECT_EQ(*auth, "Bearer " + h.mm.options().bot_token);
    EXPECT_FALSE(net::find_header(c.upgrade_headers, "Origin")) << "never Origin (PROTOCOLS.md 2.5)";
    EXPECT_EQ(c.requested_connection_id.value_or("absent"), "");
    EXPECT_EQ(c.requested_sequence_number.value_or("absent"), "0");
    EXPECT_FALSE(c.resumed);
    for (auto const& f : h.mm.client_frames()) {
        EXPECT_NE(f.action, "authentication_challenge") << f.data;
        EXPECT_LE(f.data.size(), 8u * 1024) << "client frames stay under 8 KB (checklist 25)";
    }
    ASSERT_TRUE(wait_until([&] { return h.connection_id() == c.connection_id; }));
    EXPECT_EQ(h.bot_user_id(), h.mm.bot());
    EXPECT_EQ(h.mm.me_lookups(), 1u);

    // A reply to a request we never sent, then a live post: still one connection, no gap.
    h.mm.newest().send_raw(R"({"status":"OK","seq_reply":7,"data":{"text":"pong"}})");
    start_incident(h);
    auto p = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "db is slow");
    ASSERT_TRUE(wait_delivered(h, "post:" + p.id));
    EXPECT_EQ(h.connections_opened(), 1u);
    EXPECT_EQ(h.log_count("event=mattermost_seq_gap"), 0u);
}

// Checklist 19: the bot's own posts (its REST posts come back as `posted`), in_channel command
// answers (posted as the invoking user from a webhook), webhook and system posts never reach the
// app as messages.
TEST(mattermost_socket, its_own_posts_webhook_posts_and_system_posts_never_reach_the_app)
{
    harness h;
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    start_incident(h);
    h.mm.post_message(h.mm.incident_channel(), h.mm.bot(), "honestly this looks like user error");
    post_args hook;
    hook.channel_id = h.mm.incident_channel();
    hook.user_id = h.mm.bob();
    hook.message = "user error, says the webhook";
    hook.props = {{"from_webhook", "true"}};
    h.mm.post_message(hook);
    post_args join;
    join.channel_id = h.mm.incident_channel();
    join.user_id = h.mm.bob();
    join.message = "bob joined the channel.";
    join.type = "system_join_channel";
    h.mm.post_message(join);
    auto marker = h.mm.post_message(h.mm.incident_channel(), h.mm.alice(), "marker");
    ASSERT_TRUE(wait_delivered(h, "post:" + marker.id));

    auto messages = h.deliveries("message");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].text, "marker");
    EXPECT_EQ(messages[0].user_name, "alice");
    for (auto const& d : h.deliveries()) EXPECT_NE(d.user_id, h.mm.bot()) << d.kind << " " << d.text;
    EXPECT_TRUE(h.mm.bot_posts(h.dm_channel(h.mm.bob())).empty()) << "no nudge for the webhook's or the bot's blame";
}

// Checklist 15: data.post is a JSON string inside the event; the app gets the text as typed.
TEST(mattermost_socket, the_double_encoded_post_reaches_the_app_as_typed)
{
    harness h;
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    std::string const typed = "He said \"it's \\ broken\" — ünïcode 🚒 {\"json\": [1, 2]}\nline two\ttab";
    post_args a;
    a.channel_id = h.mm.incident_channel();
    a.user_id = h.mm.bob();
    a.message = typed;
    a.mentions = std::vector<std::string>{h.mm.alice()};
    auto p = h.mm.post_message(a);
    ASSERT_TRUE(wait_delivered(h, "post:" + p.id));
    auto m = h.deliveries("message").at(0);
    EXPECT_EQ(m.text, typed);
    EXPECT_EQ(m.user_id, h.mm.bob());
    EXPECT_EQ(m.user_name, "bob");
    EXPECT_EQ(m.channel_id, h.mm.incident_channel());
    auto frame = h.mm.events().back().frame;
    auto j = nlohmann::json::parse(frame);
    EXPECT_TRUE(j["data"]["post"].is_string()) << "the fake sends the post as a string";
    EXPECT_EQ(h.mm.user_lookups(h.mm.bob()), 0u) << "the name came with the event (sender_name)";
}

// Checklist 16, 18: a dropped socket comes back after the back-off with connection_id and the
// next sequence number; the fake replays what happened meanwhile (no new hello) and every post
// reaches the app exactly once: Erin's blame gets exactly one private nudge, as a DM.
TEST(mattermost_socket, a_dropped_socket_resumes_and_every_missed_post_reaches_the_app_once)
{
    harness h(slow_reconnect());
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    start_incident(h);
    auto first = h.mm.connections().at(0);
    h.mm.newest().drop();
    ASSERT_TRUE(h.mm.socket(1).wait_closed());
    auto p1 = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "error rate on /pay is 30%");
    auto p2 = h.mm.post_message(h.mm.incident_channel(), h.mm.user_id("erin"), "honestly this looks like user error");
    auto p3 = h.mm.post_message(h.mm.incident_channel(), h.mm.user_id("carol"), "checking the pool");
    for (auto const& p : {p1, p2, p3}) EXPECT_EQ(queued_for_resume(h.mm, p.id), 1u) << "posted while the adapter was away";

    ASSERT_TRUE(h.mm.wait_for_connections(2));
    auto second = h.mm.connections().at(1);
    EXPECT_TRUE(second.resumed);
    EXPECT_FALSE(second.hello_sent);
    EXPECT_EQ(second.connection_id, first.connection_id);
    EXPECT_EQ(second.requested_connection_id.value_or(""), first.connection_id);
    auto first_now = h.mm.connections().at(0);
    EXPECT_EQ(second.requested_sequence_number.value_or(""), std::to_string(first_now.last_seq + 1));
    EXPECT_EQ(second.disconnect_err_code.value_or(""), "1006");
    EXPECT_GE(second.replayed, 3u);
    ASSERT_TRUE(first_now.closed_at);
    EXPECT_GE(duration_cast<milliseconds>(second.opened_at - *first_now.closed_at), 400ms) << "the back-off was waited";

    for (auto const& p : {p1, p2, p3}) ASSERT_TRUE(wait_delivered(h, "post:" + p.id));
    auto p4 = h.mm.post_message(h.mm.incident_channel(), h.mm.alice(), "after the resume");
    ASSERT_TRUE(wait_delivered(h, "post:" + p4.id));
    for (auto const& p : {p1, p2, p3, p4}) EXPECT_EQ(delivered(h, "post:" + p.id), 1u) << p.message;
    EXPECT_EQ(h.resyncs(), 0u);
    ASSERT_TRUE(h.mm.wait_for_bot_posts(h.dm_channel(h.mm.user_id("erin")), 1));
    EXPECT_EQ(count_events<commands::nudge_sent>(h.events(1)), 1u);
    EXPECT_EQ(h.mm.bot_posts(h.dm_channel(h.mm.user_id("erin"))).size(), 1u);
}

// Checklist 17: after a server restart the resume is impossible: a new connection id and hello.
// The adapter reads the channels it had seen over REST since the last post it saw there, and
// the posts and the edit of a pinned post made in the gap reach the app once; nothing earlier
// is handed over again.
TEST(mattermost_socket, a_new_connection_id_resyncs_the_channels_it_had_seen_since_the_last_post)
{
    harness h(slow_reconnect());
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    start_incident(h);
    auto pinned = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "pool at 100/100");
    ASSERT_TRUE(wait_delivered(h, "post:" + pinned.id));
    h.mm.add_reaction(h.mm.alice(), pinned.id, "pushpin");
    ASSERT_TRUE(h.wait_for_deliveries("reaction", 1));
    auto before = h.mm.post_message(h.mm.incident_channel(), h.mm.alice(), "last post before the restart");
    ASSERT_TRUE(wait_delivered(h, "post:" + before.id));
    auto delivered_before = h.deliveries().size();

    h.mm.server_restart();
    auto gap1 = h.mm.post_message(h.mm.incident_channel(), h.mm.user_id("erin"), "it's the network, surely");
    auto edited = h.mm.edit_post(pinned.id, "pool at 100/100 since 02:55");
    auto gap2 = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "rolling back");

    ASSERT_TRUE(h.mm.wait_for_connections(2));
    ASSERT_TRUE(wait_until([&] { return h.mm.connections().at(1).hello_sent; })) << "a fresh connection";
    auto second = h.mm.connections().at(1);
    EXPECT_FALSE(second.resumed);
    EXPECT_NE(second.connection_id, h.mm.connections().at(0).connection_id);
    for (auto const& p : {gap1, gap2}) ASSERT_TRUE(wait_delivered(h, "post:" + p.id)) << p.message;
    ASSERT_TRUE(wait_until([&] { return h.deliveries("edit").size() >= 1; }));
    EXPECT_EQ(h.resyncs(), 1u);

    auto reads = h.mm.requests("/api/v4/channels/" + h.mm.incident_channel() + "/posts");
    ASSERT_EQ(reads.size(), 1u);
    auto since = testing::mattermost::query_param(reads[0].target, "since");
    ASSERT_TRUE(since);
    EXPECT_GE(std::stoll(*since), before.create_at) << "since the last post seen";
    EXPECT_LT(std::stoll(*since), gap1.create_at);

    auto all = h.deliveries();
    EXPECT_EQ(all.size(), delivered_before + 3) << "two posts and one edit, nothing earlier again";
    for (auto const& p : {gap1, gap2}) EXPECT_EQ(delivered(h, "post:" + p.id), 1u);
    EXPECT_EQ(h.deliveries("edit").at(0).text, edited.message);
    auto events = h.events(1);
    EXPECT_EQ(count_events<commands::pinned_message_edited>(events), 1u);
    EXPECT_EQ(count_events<commands::nudge_sent>(events), 1u) << "Erin's blame in the gap was seen";

    // And events after the resync flow on the new connection.
    auto after = h.mm.post_message(h.mm.incident_channel(), h.mm.alice(), "after the resync");
    ASSERT_TRUE(wait_delivered(h, "post:" + after.id));
    EXPECT_EQ(delivered(h, "post:" + after.id), 1u);
}

// Checklist 16: a sequence gap closes the socket with 4001 and resumes from the missing event
// (which the fake cannot replay: a new connection id, so a resync); nothing lost or doubled.
TEST(mattermost_socket, a_sequence_gap_closes_with_4001_and_resumes_without_loss_or_repeats)
{
    harness h;
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    start_incident(h);
    auto p1 = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "before the gap");
    ASSERT_TRUE(wait_delivered(h, "post:" + p1.id));
    auto expected = h.mm.connections().at(0).last_seq + 1;
    h.mm.newest().skip_seq(1);
    ASSERT_TRUE(h.mm.socket(1).wait_closed());
    ASSERT_TRUE(h.mm.wait_for_connections(2));
    auto first = h.mm.connections().at(0);
    EXPECT_EQ(first.client_close_code.value_or(0), 4001) << "closed by the adapter with 4001";
    auto second = h.mm.connections().at(1);
    EXPECT_EQ(second.requested_connection_id.value_or(""), first.connection_id);
    EXPECT_EQ(second.requested_sequence_number.value_or(""), std::to_string(expected)) << "the missing event";
    EXPECT_EQ(second.disconnect_err_code.value_or(""), "4001");
    EXPECT_TRUE(h.wait_for_log("event=mattermost_seq_gap expected=" + std::to_string(expected)));

    auto p2 = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "after the gap");
    ASSERT_TRUE(wait_delivered(h, "post:" + p2.id));
    EXPECT_EQ(delivered(h, "post:" + p1.id), 1u);
    EXPECT_EQ(delivered(h, "post:" + p2.id), 1u);
    EXPECT_EQ(h.connections_opened(), 2u);
}

// A pinned post keeps its original on the timeline when edited or deleted; 📌 reactions pin and
// unpin, with the post's text from the recent cache or, for a post the adapter never saw, from
// GET /api/v4/posts/{id}. Other reactions and the bot's own do nothing.
TEST(mattermost_socket, pins_edits_and_deletions_reach_the_timeline_and_keep_the_original)
{
    harness h;
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    start_incident(h);
    auto seen = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "p99 latency is 4s on checkout-db");
    ASSERT_TRUE(wait_delivered(h, "post:" + seen.id));
    h.mm.add_reaction(h.mm.alice(), seen.id, "eyes");
    h.mm.add_reaction(h.mm.bot(), seen.id, "pushpin");
    h.mm.add_reaction(h.mm.alice(), seen.id, "pushpin");
    ASSERT_TRUE(h.wait_for_deliveries("reaction", 1));
    EXPECT_TRUE(h.mm.requests("/api/v4/posts/" + seen.id).empty()) << "the text came from the recent cache";

    // A post the adapter never saw (the bot was not a member yet).
    h.mm.set_member(h.mm.incident_channel(), false);
    auto unseen = h.mm.post_message(h.mm.incident_channel(), h.mm.user_id("carol"), "the 02:55 config push changed the pool size");
    h.mm.set_member(h.mm.incident_channel(), true);
    h.serve_post(unseen);
    h.mm.add_reaction(h.mm.user_id("dana"), unseen.id, "pushpin");
    ASSERT_TRUE(h.wait_for_deliveries("reaction", 2));
    EXPECT_EQ(h.mm.requests("/api/v4/posts/" + unseen.id).size(), 1u);

    h.mm.edit_post(seen.id, "p99 latency is 40s on checkout-db");
    h.mm.delete_post(unseen.id, h.mm.user_id("carol"));
    ASSERT_TRUE(h.wait_for_deliveries("edit", 1));
    ASSERT_TRUE(h.wait_for_deliveries("delete", 1));
    h.mm.remove_reaction(h.mm.alice(), seen.id, "pushpin");
    ASSERT_TRUE(h.wait_for_deliveries("reaction", 3));

    auto reactions = h.deliveries("reaction");
    ASSERT_EQ(reactions.size(), 3u) << "the 👀 and the bot's own 📌 are not deliveries";
    EXPECT_EQ(reactions[0].text, "p99 latency is 4s on checkout-db");
    EXPECT_EQ(reactions[1].text, "the 02:55 config push changed the pool size");
    auto events = h.events(1);
    EXPECT_EQ(count_events<commands::message_pinned>(events), 2u);
    EXPECT_EQ(count_events<commands::pinned_message_edited>(events), 1u);
    EXPECT_EQ(count_events<commands::pinned_message_deleted>(events), 1u);
    EXPECT_EQ(count_events<commands::message_unpinned>(events), 1u);
    for (auto const& e : events)
        if (auto const* p = std::get_if<commands::message_pinned>(&e.what); p && p->message_id == unseen.id) {
            EXPECT_EQ(p->author.id, h.mm.user_id("carol"));
            EXPECT_EQ(p->author.name, "carol");
            EXPECT_EQ(commands::to_millis(p->posted_at), unseen.create_at);
        }

    // The timeline (the /postmortem preview) keeps the original and marks the change.
    auto preview = h.command(h.mm.alice(), "/postmortem", "");
    ASSERT_EQ(preview.status, 200u);
    auto text = plain(preview.text);
    EXPECT_NE(text.find("the 02:55 config push changed the pool size"), std::string::npos) << text;
    EXPECT_NE(text.find("A pinned message was deleted on the platform"), std::string::npos) << text;
}

// Checklist 18: a socket that goes silent (no frames, no pongs) is given up after the idle
// timeout and resumed; the posts made meanwhile arrive once.
TEST(mattermost_socket, a_stalled_socket_is_given_up_after_the_idle_timeout_and_resumed)
{
    tuning t;
    t.ws_idle_timeout = 600ms;
    harness h(t);
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    start_incident(h);
    h.mm.newest().stall();
    auto stalled_at = std::chrono::steady_clock::now();
    auto p = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "posted while the socket was silent");
    ASSERT_TRUE(h.mm.wait_for_connections(2, 5s));
    auto second = h.mm.connections().at(1);
    EXPECT_GE(duration_cast<milliseconds>(second.opened_at - stalled_at), 500ms) << "not before the idle timeout";
    EXPECT_TRUE(second.resumed);
    ASSERT_TRUE(wait_delivered(h, "post:" + p.id));
    EXPECT_EQ(delivered(h, "post:" + p.id), 1u);
}

// Checklist 18: the back-off grows while reconnecting fails and starts again from its first
// step once a connection is up (a resumed one too): a bot on a link that drops now and then must
// not drift towards 5-minute waits.
TEST(mattermost_socket, the_back_off_starts_over_after_each_successful_connection)
{
    tuning t;
    t.backoff_initial = 600ms;
    t.backoff_max = 4800ms;
    harness h(t);
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    for (std::size_t n = 1; n <= 3; ++n) {
        h.mm.newest().drop();
        ASSERT_TRUE(h.mm.wait_for_connections(n + 1, 5s));
        auto conns = h.mm.connections();
        auto gone = conns.at(n - 1), back = conns.at(n);
        ASSERT_TRUE(gone.closed_at);
        auto waited = duration_cast<milliseconds>(back.opened_at - *gone.closed_at);
        EXPECT_GE(waited, 280ms) << "drop " << n;
        EXPECT_LT(waited, 500ms) << "drop " << n << ": the first step again (half of 600 ms), not 600 or 1200 ms";
        EXPECT_TRUE(back.resumed);
    }
}

// Checklist 28 and the frame rules: malformed frames are skipped (the connection stays, the
// sequence goes on), a post of more than 100 KB is read, and a frame over the read limit ends
// the connection, which is resumed without losing what followed.
TEST(mattermost_socket, malformed_frames_are_skipped_large_ones_read_and_oversized_ones_survived)
{
    harness h;
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    start_incident(h);
    auto s = h.mm.newest();
    s.send_raw("this is not json");
    s.send_raw("[1,2,3]");
    s.send_raw(R"({"seq_reply":"x"})");
    s.send_binary(std::string("\x81\xa3" "abc", 5));
    s.send_event("posted", {{"post", "{not json"}}, testing::mattermost::broadcast({}, h.mm.incident_channel()));
    s.send_event("posted", {{"post", 5}}, testing::mattermost::broadcast({}, h.mm.incident_channel()));
    s.send_event("some_future_event", {{"x", 1}});
    auto p = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "after the garbage");
    ASSERT_TRUE(wait_delivered(h, "post:" + p.id));
    EXPECT_EQ(h.connections_opened(), 1u) << "no reconnect for bad frames";
    EXPECT_EQ(h.log_count("event=mattermost_seq_gap"), 0u) << "unusable events still count in the sequence";
    EXPECT_GE(h.log_count("event=mattermost_frame_malformed"), 4u);
    EXPECT_EQ(h.logs().find("this is not json"), std::string::npos) << "frames are not logged";

    // A post whose frame is well over 100 KB (large props, as integrations send).
    post_args big;
    big.channel_id = h.mm.incident_channel();
    big.user_id = h.mm.bob();
    big.message = "a big one";
    big.props = {{"attachments", std::string(150'000, 'x')}};
    auto large = h.mm.post_message(big);
    ASSERT_GT(h.mm.events().back().frame.size(), 100'000u);
    ASSERT_TRUE(wait_delivered(h, "post:" + large.id));
    EXPECT_EQ(h.connections_opened(), 1u);

    // Over the 1 MiB read limit: the connection ends (1009) and is resumed.
    try {
        h.mm.newest().send_oversized();
    } catch (std::runtime_error const&) {
        // The fake reports a failed write when the adapter closes (1009) before the frame is
        // out, which is the point.
    }
    ASSERT_TRUE(h.mm.wait_for_connections(2, 5s));
    EXPECT_TRUE(h.mm.connections().at(1).resumed);
    auto q = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "after the oversized frame");
    ASSERT_TRUE(wait_delivered(h, "post:" + q.id));
    EXPECT_EQ(delivered(h, "post:" + q.id), 1u);
    EXPECT_EQ(delivered(h, "post:" + large.id), 1u);
}

// Durability of websocket events: Mattermost never sends an event twice, so one the store
// could not take is handed to the app again; after the last attempt it is logged as lost.
TEST(mattermost_socket, an_event_the_store_could_not_take_is_tried_again_and_then_logged_as_lost)
{
    harness h;
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    start_incident(h);
    h.fail_commits(1);
    auto blame = h.mm.post_message(h.mm.incident_channel(), h.mm.user_id("erin"), "honestly this looks like user error");
    ASSERT_TRUE(wait_until([&] { return h.committed("mattermost:post:" + blame.id).has_value(); }));
    EXPECT_EQ(count_events<commands::nudge_sent>(h.events(1)), 1u);
    ASSERT_TRUE(h.mm.wait_for_bot_posts(h.dm_channel(h.mm.user_id("erin")), 1));
    EXPECT_EQ(h.log_count("event=mattermost_event_retry delivery=post:" + blame.id + " attempt=1"), 1u);

    // Beyond the attempts (3): lost, and said so in the log.
    h.mm.post_message(h.mm.incident_channel(), h.mm.alice(), "a marker");
    auto seen = h.mm.bot_posts(h.mm.incident_channel()).size();
    h.fail_commits(3);
    auto lost = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "user error, clearly");
    ASSERT_TRUE(h.wait_for_log("event=mattermost_event_not_recorded delivery=post:" + lost.id));
    EXPECT_FALSE(h.committed("mattermost:post:" + lost.id));
    EXPECT_EQ(h.mm.bot_posts(h.mm.incident_channel()).size(), seen) << "nothing said in the channel";
}

// Checklist 27: verification stays on. An adapter that does not trust the fake's CA refuses it
// (GET /users/me never gets through, nothing connects) and says so.
TEST(mattermost_socket, a_server_whose_certificate_is_not_trusted_is_refused)
{
    tuning t;
    t.trust_test_ca = false;
    t.backoff_initial = 20ms;
    t.backoff_max = 40ms;
    harness h(t, fast_fake(), false);
    auto ec = h.start();
    EXPECT_TRUE(ec) << "started against an untrusted certificate";
    EXPECT_EQ(h.mm.me_lookups(), 0u);
    EXPECT_EQ(h.mm.connections().size(), 0u);
    EXPECT_TRUE(h.wait_for_log("event=mattermost_unreachable"));
}

} // namespace coolhead::mattermost_it

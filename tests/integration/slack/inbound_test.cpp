// Envelopes through the adapter into the real app and store: slash commands acked after their
// events are durable, with the reply in the ack; long replies split; events_api messages and
// reactions (nudges, pins from the recent cache and from conversations.history, the bot's own
// posts, edits); redeliveries; a store that fails or is slower than the ack deadline; the user
// name cache. PROTOCOLS.md section 4, items 3, 6, 11, 19, 20.
#include "tests/integration/slack/slack_harness.hpp"
#include "tests/support/wait.hpp"

#include <gtest/gtest.h>

namespace coolhead::slack_it {
namespace {

using namespace coolhead::testing;
using coolhead::test::wait_until;
using std::chrono::duration_cast;

constexpr char const* incident_channel = "C0INCIDENT1";

milliseconds ms_between(steady_time a, steady_time b)
{
    return duration_cast<milliseconds>(b - a);
}

std::string response_type(ack const& a)
{
    return a.payload && a.payload->is_object() ? a.payload->value("response_type", std::string{})
                                               : std::string{};
}

/// Sends a slash command on the newest link and waits for its ack.
ack command(harness& h, std::string const& cmd, std::string const& text, std::string const& user = "U0ALICE",
            std::string const& name = "alice")
{
    auto id = h.slack.newest().slash_command(cmd, text, incident_channel, user, name);
    auto a = h.slack.wait_for_ack(id);
    if (!a) throw std::runtime_error("no ack for " + cmd + " " + text);
    return *a;
}

/// Waits until everything queued for `channel` before now has been posted: the outbox keeps
/// per-channel order, so a marker posted now arrives after it.
void flush(harness& h, std::string const& channel = incident_channel)
{
    static int n = 0;
    auto marker = "flush marker " + std::to_string(++n);
    commands::outbound m;
    m.channel = {channel, ""};
    m.to = commands::visibility::everyone;
    m.kind = commands::message_kind::announcement;
    m.body = commands::markup::document{{commands::markup::paragraph{{commands::markup::t(marker)}}}};
    h.post(m);
    ASSERT_TRUE(wait_until(
        [&] {
            for (auto const& msg : h.slack.messages(channel))
                if (msg.text == marker) return true;
            return false;
        },
        5s))
        << marker;
}

std::vector<posted_message> ephemerals_to(harness const& h, std::string const& user)
{
    std::vector<posted_message> out;
    for (auto const& m : h.slack.messages(incident_channel))
        if (m.method == "chat.postEphemeral" && m.user == user) out.push_back(m);
    return out;
}

template <class E>
std::size_t count_events(std::vector<commands::event> const& events)
{
    std::size_t n = 0;
    for (auto const& e : events)
        if (std::holds_alternative<E>(e.what)) ++n;
    return n;
}

template <class E>
E const* find_event(std::vector<commands::event> const& events)
{
    for (auto const& e : events)
        if (auto const* x = std::get_if<E>(&e.what)) return x;
    return nullptr;
}

void start_incident(harness& h)
{
    auto a = command(h, "/incident", "start Checkout fails for EU customers");
    ASSERT_NE(harness::ack_text(a).find("INC-1"), std::string::npos) << harness::ack_text(a);
}

} // namespace

// Checklist 3: acked once, after the events are durable, within 3 s, the reply in the ack;
// the phase prompt follows through chat.postMessage.
TEST(slack_commands, a_command_is_acked_after_its_events_are_stored_with_the_reply_in_the_ack)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    h.delay_commits(1, 300ms); // an observably slow (but not too slow) disk
    auto id = h.slack.newest().slash_command("/incident", "start Checkout fails for EU customers");
    auto a = h.slack.wait_for_ack(id);
    ASSERT_TRUE(a);
    EXPECT_LT(a->latency.value(), 3s);
    EXPECT_GE(a->latency.value(), 300ms);
    auto stored = h.committed("slack:trg:" + h.trigger_of(id));
    ASSERT_TRUE(stored) << "the command's events were committed under its trigger_id";
    EXPECT_LE(stored->done_at, a->received_at) << "acked only after the commit";
    EXPECT_EQ(response_type(*a), "in_channel");
    EXPECT_NE(harness::ack_text(*a).find("INC-1"), std::string::npos) << harness::ack_text(*a);
    EXPECT_EQ(a->frame.size(), 2u) << a->raw;

    ASSERT_TRUE(h.slack.wait_for_messages(1, 5s, incident_channel));
    auto prompt = h.slack.messages(incident_channel).front();
    EXPECT_EQ(prompt.method, "chat.postMessage");
    // After the commit. (After the ack too, as the adapter sends them, but the ack and the post
    // travel on two connections, and under load the fake has seen them the other way round.)
    EXPECT_GT(prompt.received_at, stored->done_at) << "effects come after the commit";
    flush(h);
    EXPECT_EQ(h.slack.acks_for(id).size(), 1u) << "acked exactly once";
    auto events = h.events(1);
    ASSERT_EQ(events.size(), 1u);
    auto const* started = find_event<commands::incident_started>(events);
    ASSERT_TRUE(started);
    EXPECT_EQ(started->channel.id, incident_channel);
    EXPECT_EQ(events[0].by.id, "U0ALICE");
}

// Checklist 3: a private reply is an ephemeral ack payload; nothing else is posted.
TEST(slack_commands, a_refusal_is_an_ephemeral_ack)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    auto a = command(h, "/rootcause", "confirm #7");
    EXPECT_EQ(response_type(a), "ephemeral");
    EXPECT_FALSE(harness::ack_text(a).empty());
    auto usage = command(h, "/incident", "frobnicate the database");
    EXPECT_EQ(response_type(usage), "ephemeral");
    flush(h);
    EXPECT_EQ(h.slack.messages(incident_channel).size(), 1u) << "only the flush marker";
    EXPECT_TRUE(h.events(1).empty());
}

// Checklist 3: `payload` only if accepts_response_payload: otherwise a plain ack, and the
// reply goes through the Web API.
TEST(slack_commands, without_accepts_response_payload_the_reply_is_posted)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    slash_command_args args;
    args.text = "start Checkout fails";
    args.envelope_id = "env-no-payload";
    args.trigger_id = "1111.2222.no-payload";
    args.response_url = "https://localhost/commands/T0/1/no-payload";
    auto env = make_slash_command_envelope(h.slack.options().workspace, args);
    env["accepts_response_payload"] = false;
    h.slack.newest().send_envelope(env);
    auto a = h.slack.wait_for_ack("env-no-payload");
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->payload) << a->raw;
    ASSERT_TRUE(h.slack.wait_for_messages(2, 5s, incident_channel));
    auto msgs = h.slack.messages(incident_channel);
    EXPECT_EQ(msgs[0].method, "chat.postMessage");
    EXPECT_NE(msgs[0].text.find("INC-1"), std::string::npos) << "the reply first: " << msgs[0].text;
    EXPECT_NE(msgs[1].text.find("Discovery"), std::string::npos) << "then the prompt: " << msgs[1].text;
}

// Checklist 11: a long private reply: the first chunk in the ack, the rest as ephemerals in
// order, every message at most 4000 characters.
TEST(slack_commands, a_long_private_reply_is_split_across_the_ack_and_ephemerals)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    start_incident(h);
    std::string filler;
    for (int w = 0; w < 30; ++w)
        filler += " lorem" + std::to_string(w);
    for (int i = 10; i < 50; ++i)
        command(h, "/incident", "note N" + std::to_string(i) + "N" + filler);
    flush(h);
    auto before = ephemerals_to(h, "U0ALICE").size();
    auto a = command(h, "/postmortem", "preview");
    EXPECT_EQ(response_type(a), "ephemeral");
    auto first = harness::ack_text(a);
    EXPECT_LE(first.size(), 4000u);
    EXPECT_GT(first.size(), 3000u) << "the first chunk is nearly full";
    flush(h);
    auto rest = ephemerals_to(h, "U0ALICE");
    ASSERT_GT(rest.size(), before + 1) << "the preview needs several messages";
    std::vector<std::string> chunks{first};
    for (auto i = before; i < rest.size(); ++i) {
        EXPECT_LE(rest[i].text_length, 4000u);
        EXPECT_GT(rest[i].received_at, h.slack.sent_envelopes().back().sent_at);
        chunks.push_back(rest[i].text);
    }
    // The notes appear once each, in order, across the chunks.
    std::string all;
    for (auto const& c : chunks)
        all += c + "\n";
    std::size_t pos = 0;
    for (int i = 10; i < 50; ++i) {
        auto at = all.find("N" + std::to_string(i) + "N", pos);
        ASSERT_NE(at, std::string::npos) << "note " << i << " missing or out of order";
        pos = at;
    }
}

// Checklist 3 and 6: the same trigger_id twice gets the same reply and applies once.
TEST(slack_commands, a_slash_command_delivered_twice_applies_once_and_is_answered_the_same)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    slash_command_args args;
    args.text = "start Checkout fails";
    args.trigger_id = "1234.5678.same-trigger";
    auto first = h.slack.newest().slash_command(args);
    auto a1 = h.slack.wait_for_ack(first);
    ASSERT_TRUE(a1);
    auto second = h.slack.newest().slash_command(args); // a fresh envelope id, the same trigger
    auto a2 = h.slack.wait_for_ack(second);
    ASSERT_TRUE(a2);
    EXPECT_NE(first, second);
    EXPECT_EQ(harness::ack_text(*a1), harness::ack_text(*a2));
    EXPECT_EQ(response_type(*a1), response_type(*a2));
    flush(h);
    EXPECT_EQ(h.events(1).size(), 1u);
    EXPECT_EQ(h.slack.messages(incident_channel).size(), 2u) << "one phase prompt and the marker";
}

// Checklist 19 and the humility rules: a person's blame gets a private nudge; the bot's own
// posts, other bots and edits are acked and ignored.
TEST(slack_events, blame_gets_a_private_nudge_and_bot_posts_and_edits_are_ignored)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    start_incident(h);
    flush(h);
    auto l = h.slack.newest();
    std::vector<std::string> ignored;
    {
        message_event_args own;
        own.user = "U0FAKEBOT";
        own.bot_id = "B0FAKEBOT";
        own.text = "honestly this looks like user error";
        ignored.push_back(l.message_event(own));
        message_event_args other_bot;
        other_bot.user = "";
        other_bot.bot_id = "B0OTHER";
        other_bot.subtype = "bot_message";
        other_bot.text = "honestly this looks like user error";
        ignored.push_back(l.message_event(other_bot));
        message_event_args edit;
        edit.user = "U0BOB";
        edit.subtype = "message_changed";
        edit.text = "honestly this looks like user error";
        ignored.push_back(l.message_event(edit));
        message_event_args gone;
        gone.user = "U0BOB";
        gone.subtype = "message_deleted";
        ignored.push_back(l.message_event(gone));
    }
    for (auto const& id : ignored) {
        auto a = h.slack.wait_for_ack(id);
        ASSERT_TRUE(a) << id;
        EXPECT_FALSE(a->payload) << "events_api envelopes take no payload";
    }
    auto blame = l.message_event(incident_channel, "U0BOB", "honestly this looks like user error");
    auto a = h.slack.wait_for_ack(blame);
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->payload);
    ASSERT_TRUE(wait_until([&] { return ephemerals_to(h, "U0BOB").size() == 1; }));
    auto nudge = ephemerals_to(h, "U0BOB").front();
    EXPECT_NE(nudge.text.find("user error"), std::string::npos) << nudge.text;
    EXPECT_GT(nudge.received_at, h.commit_time_of(blame)) << "after the nudge_sent event was stored";
    flush(h);
    EXPECT_EQ(ephemerals_to(h, "U0BOB").size(), 1u);
    auto events = h.events(1);
    EXPECT_EQ(count_events<commands::nudge_sent>(events), 1u);
    EXPECT_EQ(events.size(), 2u) << "started, one nudge";
}

// Checklist 6: a redelivered event is acked and changes nothing. The first delivery only had
// effects (a nudge), so the store holds it without a reply: it must still be recognised.
TEST(slack_events, a_redelivered_event_is_acked_and_changes_nothing)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    start_incident(h);
    auto id =
        h.slack.newest().message_event(incident_channel, "U0BOB", "honestly this looks like user error");
    ASSERT_TRUE(h.slack.wait_for_ack(id));
    h.slack.redeliver(id);
    auto acks = h.slack.wait_for_acks(id, 2, 2s);
    ASSERT_EQ(acks.size(), 2u) << "the redelivery (retry_attempt 1) is acked too";
    auto sent = h.slack.sent_envelopes();
    EXPECT_EQ(sent.back().retry_attempt, 1);
    flush(h);
    EXPECT_EQ(ephemerals_to(h, "U0BOB").size(), 1u) << "no second nudge";
    EXPECT_EQ(count_events<commands::nudge_sent>(h.events(1)), 1u);
    EXPECT_NE(h.logs().find("event=redelivery platform=slack"), std::string::npos)
        << "recognised by its event_id";
}

// 📌 pins the message (text from the recent cache), removing it unpins; other reactions and
// the bot's own 📌 are ignored; all acked.
TEST(slack_events, a_pushpin_pins_a_seen_message_and_removing_it_unpins)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    start_incident(h);
    auto l = h.slack.newest();
    message_event_args said;
    said.user = "U0BOB";
    said.text = "Error rate on /pay jumped to 30% at 02:58 &amp; only in eu-west";
    said.ts = "1795402900.000100";
    ASSERT_TRUE(h.slack.wait_for_ack(l.message_event(said)));
    auto own = l.reaction_event(true, "pushpin", incident_channel, said.ts, "U0FAKEBOT", "U0BOB");
    ASSERT_TRUE(h.slack.wait_for_ack(own));
    EXPECT_EQ(h.events(1).size(), 1u) << "the bot's own 📌 is ignored";
    auto eyes = l.reaction_event(true, "eyes", incident_channel, said.ts, "U0ALICE", "U0BOB");
    auto pin = l.reaction_event(true, "pushpin", incident_channel, said.ts, "U0ALICE", "U0BOB");
    ASSERT_TRUE(h.slack.wait_for_ack(eyes));
    ASSERT_TRUE(h.slack.wait_for_ack(pin));
    auto events = h.events(1);
    ASSERT_EQ(count_events<commands::message_pinned>(events), 1u);
    auto const* p = find_event<commands::message_pinned>(events);
    EXPECT_EQ(p->message_id, said.ts);
    EXPECT_EQ(p->author.id, "U0BOB");
    EXPECT_EQ(p->author.name, "Bob");
    EXPECT_EQ(p->text, said.text);
    EXPECT_EQ(h.slack.call_count("conversations.history"), 0u) << "the adapter had seen the message";

    auto unpin = l.reaction_event(false, "pushpin", incident_channel, said.ts, "U0ALICE", "U0BOB");
    ASSERT_TRUE(h.slack.wait_for_ack(unpin));
    events = h.events(1);
    EXPECT_EQ(count_events<commands::message_unpinned>(events), 1u);
    EXPECT_EQ(events.size(), 3u) << "started, pinned, unpinned";
}

// A 📌 on a message the adapter never saw (sent before it connected) reads it from
// conversations.history.
// An edit of a pinned message is marked on the timeline and the original kept; an edit that
// does not change the text (an unfurl), and edits of messages nobody pinned, change nothing; a
// deletion is marked too.
TEST(slack_events, edits_and_deletions_of_a_pinned_message_are_marked_on_the_timeline)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    start_incident(h);
    auto l = h.slack.newest();
    message_event_args said;
    said.user = "U0BOB";
    said.text = "pool size went from 50 to 5 at 02:55";
    said.ts = "1795402900.000100";
    ASSERT_TRUE(h.slack.wait_for_ack(l.message_event(said)));
    ASSERT_TRUE(h.slack.wait_for_ack(l.reaction_event(true, "pushpin", incident_channel, said.ts, "U0ALICE", "U0BOB")));

    message_change_args unfurl;
    unfurl.ts = said.ts;
    unfurl.user = "U0BOB";
    unfurl.old_text = said.text;
    unfurl.new_text = said.text;
    ASSERT_TRUE(h.slack.wait_for_ack(l.message_change(unfurl)));
    message_change_args other = unfurl;
    other.ts = "1795402800.000050";
    other.new_text = "something else entirely";
    ASSERT_TRUE(h.slack.wait_for_ack(l.message_change(other)));
    EXPECT_EQ(count_events<commands::pinned_message_edited>(h.events(1)), 0u);

    message_change_args edit = unfurl;
    edit.new_text = "pool size went from 50 to 10 at 02:55";
    ASSERT_TRUE(h.slack.wait_for_ack(l.message_change(edit)));
    auto events = h.events(1);
    ASSERT_EQ(count_events<commands::pinned_message_edited>(events), 1u);
    auto const* e = find_event<commands::pinned_message_edited>(events);
    EXPECT_EQ(e->message_id, said.ts);
    EXPECT_EQ(e->text, edit.new_text);
    EXPECT_EQ(find_event<commands::message_pinned>(events)->text, said.text) << "the original is kept";

    message_change_args gone = unfurl;
    gone.deleted = true;
    auto del = l.message_change(gone);
    ASSERT_TRUE(h.slack.wait_for_ack(del));
    events = h.events(1);
    ASSERT_EQ(count_events<commands::pinned_message_deleted>(events), 1u);
    EXPECT_EQ(find_event<commands::pinned_message_deleted>(events)->message_id, said.ts);
    h.slack.redeliver(del);
    ASSERT_EQ(h.slack.wait_for_acks(del, 2, 2s).size(), 2u);
    EXPECT_EQ(count_events<commands::pinned_message_deleted>(h.events(1)), 1u) << "a redelivery changes nothing";
}

TEST(slack_events, a_pushpin_on_an_unseen_message_reads_it_from_history)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    start_incident(h);
    history_message old;
    old.channel = incident_channel;
    old.ts = "1795402000.000300";
    old.user = "U0BOB";
    old.text = "the 02:55 config push changed the pool size";
    h.slack.add_history(old);
    auto pin = h.slack.newest().reaction_event(true, "pushpin", incident_channel, old.ts, "U0ALICE", "U0BOB");
    ASSERT_TRUE(h.slack.wait_for_ack(pin));
    auto events = h.events(1);
    auto const* p = find_event<commands::message_pinned>(events);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->text, old.text);
    EXPECT_EQ(p->author.id, "U0BOB");
    auto calls = h.slack.calls("conversations.history");
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].param("channel"), std::optional<std::string>{incident_channel});
    EXPECT_EQ(calls[0].param("latest"), std::optional<std::string>{old.ts});
    EXPECT_EQ(calls[0].auth, token_check::ok);
}

// Checklist 3 (durability): an event that cannot be stored is not acked (Slack retries); its
// retry is stored once and acked.
TEST(slack_durability, an_event_that_cannot_be_stored_is_not_acked_and_its_retry_is)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    start_incident(h);
    h.fail_commits(1);
    auto id =
        h.slack.newest().message_event(incident_channel, "U0BOB", "honestly this looks like user error");
    ASSERT_TRUE(h.wait_for_log("event=slack_event_not_acked"));
    EXPECT_TRUE(h.slack.acks_for(id).empty());
    h.slack.redeliver(id);
    ASSERT_TRUE(h.slack.wait_for_ack(id));
    flush(h);
    EXPECT_EQ(ephemerals_to(h, "U0BOB").size(), 1u);
    EXPECT_EQ(count_events<commands::nudge_sent>(h.events(1)), 1u);
}

// Checklist 3 (durability): a command that cannot be stored is acked with the plain "nothing
// was recorded" reply, and no prompt follows.
TEST(slack_durability, a_command_that_cannot_be_stored_is_answered_that_nothing_changed)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    h.fail_commits(1);
    auto a = command(h, "/incident", "start Checkout fails");
    EXPECT_EQ(response_type(a), "ephemeral");
    EXPECT_NE(harness::ack_text(a).find("nothing has changed"), std::string::npos) << harness::ack_text(a);
    flush(h);
    EXPECT_EQ(h.slack.messages(incident_channel).size(), 1u) << "only the marker: no phase prompt";
    EXPECT_TRUE(h.events(1).empty());
    start_incident(h); // trying again works
}

// Checklist 3 (deadline): a store slower than the ack deadline: no ack, and the late outcome
// (reply, then the prompt) is posted through the Web API.
TEST(slack_durability, a_store_slower_than_the_deadline_gets_no_ack_and_the_outcome_is_posted_late)
{
    tuning t;
    t.ack_deadline = 400ms;
    harness h(t);
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    h.delay_commits(1, 1000ms);
    auto id = h.slack.newest().slash_command("/incident", "start Checkout fails");
    ASSERT_TRUE(h.slack.wait_for_messages(2, 5s, incident_channel));
    auto sent_at = h.slack.sent_envelopes().back().sent_at;
    auto msgs = h.slack.messages(incident_channel);
    EXPECT_EQ(msgs[0].method, "chat.postMessage");
    EXPECT_NE(msgs[0].text.find("INC-1"), std::string::npos) << "the reply first: " << msgs[0].text;
    EXPECT_GE(ms_between(sent_at, msgs[0].received_at), 1000ms);
    EXPECT_TRUE(h.slack.acks_for(id).empty()) << "not acked after the deadline";
    EXPECT_EQ(h.events(1).size(), 1u) << "the late commit still counts";
    EXPECT_EQ(h.log_count("event=slack_ack_deadline_missed"), 1u);
}

// The same for an event: not acked, its effect (the nudge) posted late; Slack's retry is then
// acked without a second nudge (the late commit stored its event_id).
TEST(slack_durability, an_event_slower_than_the_deadline_is_not_acked_and_its_retry_changes_nothing)
{
    tuning t;
    t.ack_deadline = 400ms;
    harness h(t);
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    start_incident(h);
    h.delay_commits(1, 1000ms);
    auto ev =
        h.slack.newest().message_event(incident_channel, "U0BOB", "honestly this looks like user error");
    ASSERT_TRUE(wait_until([&] { return ephemerals_to(h, "U0BOB").size() == 1; }, 5s));
    EXPECT_TRUE(h.slack.acks_for(ev).empty());
    h.slack.redeliver(ev);
    ASSERT_TRUE(h.slack.wait_for_ack(ev, 2s));
    flush(h);
    EXPECT_EQ(ephemerals_to(h, "U0BOB").size(), 1u);
    EXPECT_EQ(count_events<commands::nudge_sent>(h.events(1)), 1u);
}

// Checklist 3 (deadline): Slack's 3 s run from when it sent the envelope. Envelopes that
// arrive together behind a slow store must not queue up behind each other and be acked after
// Slack gave up (their replies, carried by the ack, would be lost): every ack is in time, and
// whatever is not acked in time has its outcome posted.
TEST(slack_durability, envelopes_that_arrive_together_are_all_answered_in_time)
{
    tuning t;
    t.ack_deadline = 1500ms;
    harness h(t);
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    h.delay_commits(3, 1000ms);
    auto l = h.slack.newest();
    std::vector<std::pair<std::string, std::string>> sent;
    for (std::string ch : {"C0Q1", "C0Q2", "C0Q3"})
        sent.emplace_back(ch, l.slash_command("/incident", "start Checkout fails in " + ch, ch));
    for (auto const& [ch, id] : sent) {
        ASSERT_TRUE(
            wait_until([&] { return !h.slack.acks_for(id).empty() || !h.slack.messages(ch).empty(); }, 5s))
            << ch;
        auto acks = h.slack.acks_for(id);
        if (acks.empty()) {
            EXPECT_NE(h.slack.messages(ch).front().text.find("declared"), std::string::npos)
                << "not acked: the reply is posted instead";
            continue;
        }
        EXPECT_LT(acks.front().latency.value(), 1500ms + 500ms)
            << ch << ": acked within the adapter's deadline";
    }
    for (std::uint64_t n = 1; n <= 3; ++n)
        EXPECT_EQ(h.events(n).size(), 1u);
}

// users.info once per user: the adapter caches names.
TEST(slack_names, users_info_is_called_once_per_user)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    auto l = h.slack.newest();
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(
            h.slack.wait_for_ack(l.message_event("C0QUIET", "U0BOB", "message " + std::to_string(i))));
    auto pin = l.reaction_event(true, "pushpin", "C0QUIET", "1795402000.000100", "U0BOB", "U0BOB");
    ASSERT_TRUE(h.slack.wait_for_ack(pin));
    EXPECT_EQ(h.slack.users_info_calls("U0BOB"), 1u);
    // A user Slack does not know is asked about once too.
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(h.slack.wait_for_ack(l.message_event("C0QUIET", "U0GHOST", "boo " + std::to_string(i))));
    EXPECT_EQ(h.slack.users_info_calls("U0GHOST"), 1u);
    for (auto const& c : h.slack.calls("users.info"))
        EXPECT_EQ(c.auth, token_check::ok);
}

} // namespace coolhead::slack_it

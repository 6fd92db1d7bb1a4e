// A whole incident call, decided by the real core, stored as records and read back: the replayed
// state must be the one the call built, and every reply it sent must survive the reply codec.
#include "bot/store/json/event_json.hpp"
#include "bot/store/json/reply_json.hpp"

#include "tests/unit/commands/call.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace coolhead::store::testing {
namespace {

using namespace std::chrono_literals;
namespace c = commands;
using c::testing::alice;
using c::testing::bob;
using c::testing::carol;
using c::testing::dana;

/// Plays a realistic call and returns every message the bot sent (replies and effects).
std::vector<c::outbound> play(c::testing::call& call)
{
    std::vector<c::outbound> sent;
    auto keep = [&](c::decision const& d) {
        sent.push_back(d.reply);
        for (auto const& e : d.effects)
            sent.push_back(e);
    };
    call.in("C-checkout");
    keep(call.incident(alice, "start Checkout fails for EU customers sev=2 reporter=@dana"));
    call.wait(1min);
    keep(call.incident(alice, "role comms @carol"));
    call.wait(2min);
    keep(call.incident(alice, "remind 15m"));
    call.wait(2min);
    keep(call.incident(bob, "note error rate on /pay jumped to 30% at 02:58"));
    call.wait(10min);
    keep(call.rootcause(bob, "connection pool exhausted on checkout-db after the 02:55 config push"));
    call.wait(2min);
    keep(call.rootcause(dana, "the EU tax rule release"));
    call.wait(1min);
    keep(call.rootcause(carol, "reject #2 the tax rule shipped yesterday"));
    call.wait(2min);
    keep(call.rootcause(carol, "confirm #1"));
    call.wait(2min);
    keep(call.mitigation(
        bob, "roll back the 02:55 config push impact=\"2 min of failed checkouts\" recovery=10m"));
    keep(call.mitigation(dana, "restart checkout-db"));
    call.wait(1min);
    keep(call.mitigation(carol, "pro #1 the previous config ran for six weeks"));
    keep(call.mitigation(dana, "con #1 the EU tax rule ships again later"));
    keep(call.mitigation(bob, "veto #2 a restart drops every open cart"));
    call.wait(1min);
    keep(call.mitigation(alice, "choose #1"));
    call.wait(10min);
    keep(call.mitigation(bob, "done"));
    call.wait(5min);
    keep(call.incident(carol, "update Checkout restored at 03:35; post-mortem to follow"));
    call.wait(60min);
    for (auto const& d : call.fire_due())
        keep(d);
    keep(call.postmortem(bob, "tollgate unit tests: no test ran the service with the new pool size"));
    keep(call.postmortem(bob, "tollgate uat n/a: config pushes do not pass through UAT today"));
    keep(call.postmortem(bob, "tollgate production checkout: the post-push probe used a warm pool"));
    call.wait(3min);
    keep(call.postmortem(
        bob, "followup Add a config test with the pushed pool size tollgate=unit-tests owner=@bob"));
    keep(call.postmortem(
        carol, "followup Make the probe open fresh connections tollgate=#3 owner=@carol ticket=OPS-102"));
    keep(call.postmortem(alice, "followup Route config pushes through UAT owner=@alice ticket=OPS-103"));
    keep(call.postmortem(bob, "followup #1 ticket=OPS-101"));
    call.wait(5min);
    keep(call.postmortem(alice, "publish"));
    return sent;
}

TEST(event_json_replay, a_stored_call_replays_to_the_same_state)
{
    c::testing::call call;
    auto sent = play(call);
    auto const& original = call.state();
    ASSERT_TRUE(original.closed) << "the call should end published";
    ASSERT_GE(original.log.size(), 25u);

    // Store: one record per event, seq assigned as the store would.
    std::vector<record> records;
    std::set<std::string> types;
    for (auto const& e : original.log) {
        auto r = to_record(e);
        r.seq = records.size() + 1;
        types.insert(r.type);
        records.push_back(std::move(r));
    }
    for (auto const* t :
         {"incident_started", "role_assigned", "reminder_interval_set", "note_added", "hypothesis_proposed",
          "hypothesis_rejected", "hypothesis_confirmed", "option_proposed", "option_tradeoff_added",
          "option_vetoed", "option_chosen", "mitigation_completed", "phase_entered", "status_update_posted",
          "tollgate_recorded", "followup_added", "followup_updated", "incident_closed"})
        EXPECT_TRUE(types.contains(t)) << "the call should produce " << t;

    // Load and replay.
    std::vector<c::event> loaded;
    for (auto const& r : records) {
        auto e = from_record(r);
        ASSERT_TRUE(e) << "seq " << r.seq << ": " << e.error().message();
        loaded.push_back(std::move(*e));
    }
    EXPECT_EQ(loaded, original.log);
    auto replayed = c::replay(loaded);

    // incident_state has no operator==: compare the log, the counters and everything rendered.
    EXPECT_EQ(replayed.log, original.log);
    EXPECT_EQ(replayed.number, original.number);
    EXPECT_EQ(replayed.seq, original.seq);
    EXPECT_EQ(replayed.current, original.current);
    EXPECT_EQ(replayed.severity, original.severity);
    EXPECT_EQ(replayed.reporter, original.reporter);
    EXPECT_EQ(replayed.status_interval, original.status_interval);
    EXPECT_EQ(replayed.reminders_sent, original.reminders_sent);
    EXPECT_EQ(replayed.hypotheses.size(), original.hypotheses.size());
    EXPECT_EQ(replayed.options.size(), original.options.size());
    EXPECT_EQ(replayed.followups.size(), original.followups.size());
    for (std::size_t i = 0; i < original.followups.size() && i < replayed.followups.size(); ++i) {
        EXPECT_EQ(replayed.followups[i].owner, original.followups[i].owner);
        EXPECT_EQ(replayed.followups[i].ticket, original.followups[i].ticket);
    }
    ASSERT_TRUE(replayed.closed);
    EXPECT_EQ(replayed.closed->how, original.closed->how);

    c::policy p;
    auto now = call.now();
    EXPECT_EQ(c::markup::to_plain(c::render_status(replayed, now, p)),
              c::markup::to_plain(c::render_status(original, now, p)));
    EXPECT_EQ(c::markup::to_plain(c::render_postmortem(replayed, now, p)),
              c::markup::to_plain(c::render_postmortem(original, now, p)));
    EXPECT_EQ(c::markup::to_plain(c::render_options(replayed)),
              c::markup::to_plain(c::render_options(original)));
    EXPECT_EQ(c::markup::to_plain(c::render_hypotheses(replayed, now)),
              c::markup::to_plain(c::render_hypotheses(original, now)));
}

TEST(reply_json_codec_replay, every_message_of_a_call_survives_the_reply_codec)
{
    c::testing::call call;
    auto sent = play(call);
    ASSERT_GE(sent.size(), 25u);
    bool saw_postmortem = false;
    for (auto const& o : sent) {
        auto back = reply_from_json(reply_to_json(o));
        ASSERT_TRUE(back) << back.error().message();
        EXPECT_EQ(*back, o) << c::markup::to_plain(o.body);
        saw_postmortem = saw_postmortem || o.kind == c::message_kind::postmortem;
    }
    EXPECT_TRUE(saw_postmortem);
}

} // namespace
} // namespace coolhead::store::testing

#include "call.hpp"

namespace coolhead::commands::testing {
namespace {

std::vector<reminder_kind> kinds(std::vector<decision> const& ds)
{
    std::vector<reminder_kind> out;
    for (auto const& d : ds)
        for (auto const& e : d.events)
            if (auto const* r = std::get_if<reminder_sent>(&e.what)) out.push_back(r->kind);
    return out;
}

TEST(reminders, a_status_update_is_asked_for_every_interval_and_pings_comms)
{
    call c;
    c.rules().no_rootcause_after = 10h;
    c.incident(alice, "start Checkout fails");
    c.incident(alice, "role comms @carol");
    c.wait(29min);
    EXPECT_TRUE(c.fire_due().empty());
    c.wait(1min);
    auto fired = c.fire_due();
    ASSERT_EQ(kinds(fired), std::vector<reminder_kind>{reminder_kind::status_update});
    auto const& msg = fired[0].effects.at(0);
    EXPECT_EQ(msg.kind, message_kind::reminder);
    EXPECT_EQ(msg.to, visibility::everyone);
    bool pinged_carol = false;
    for (auto const& b : msg.body.blocks)
        if (auto const* p = std::get_if<markup::paragraph>(&b))
            for (auto const& s : p->content)
                if (auto const* who = std::get_if<markup::person>(&s)) pinged_carol |= who->notify && same_person(who->who, carol);
    EXPECT_TRUE(pinged_carol);
    EXPECT_TRUE(c.fire_due().empty()) << "not twice";
    c.wait(30min);
    EXPECT_EQ(kinds(c.fire_due()), std::vector<reminder_kind>{reminder_kind::status_update}) << "again after another interval";
}

TEST(reminders, missed_status_reminders_collapse_into_one)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.incident(alice, "remind off");
    c.incident(alice, "remind 30m");
    c.wait(95min); // the bot was down for three intervals
    auto fired = c.fire_due();
    auto k = kinds(fired);
    EXPECT_EQ(std::count(k.begin(), k.end(), reminder_kind::status_update), 1);
    auto pending = pending_reminders(c.state(), c.now(), c.rules());
    auto it = std::find_if(pending.begin(), pending.end(), [](auto const& r) { return r.kind == reminder_kind::status_update; });
    ASSERT_NE(it, pending.end());
    EXPECT_EQ(it->due, t0 + 120min);
}

TEST(reminders, an_update_resets_the_cadence_and_off_silences_it)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(25min);
    c.incident(carol, "update investigating");
    c.wait(10min);
    EXPECT_TRUE(c.fire_due().empty()) << "35 minutes in, 10 after the update";
    c.incident(alice, "remind off");
    c.wait(2h);
    auto k = kinds(c.fire_due());
    EXPECT_EQ(std::count(k.begin(), k.end(), reminder_kind::status_update), 0);
}

TEST(reminders, no_confirmed_root_cause_after_45_minutes_suggests_help_once)
{
    call c;
    c.rules().status_interval = 10h;
    c.incident(alice, "start Checkout fails");
    c.wait(44min);
    EXPECT_TRUE(c.fire_due().empty());
    c.wait(1min);
    auto fired = c.fire_due();
    ASSERT_EQ(kinds(fired), std::vector<reminder_kind>{reminder_kind::no_rootcause});
    auto text = text_of(fired[0].effects[0].body);
    EXPECT_NE(text.find("breakout"), std::string::npos);
    EXPECT_NE(text.find("subject-matter expert"), std::string::npos);
    c.wait(2h);
    EXPECT_TRUE(c.fire_due().empty()) << "once";
}

TEST(reminders, a_hypothesis_waiting_for_a_second_person_is_raised_once)
{
    call c;
    c.rules().status_interval = 10h;
    c.rules().no_rootcause_after = 10h;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    c.rootcause(bob, "pool exhausted");
    c.wait(15min);
    auto fired = c.fire_due();
    ASSERT_EQ(kinds(fired), std::vector<reminder_kind>{reminder_kind::unconfirmed_hypothesis});
    EXPECT_NE(text_of(fired[0].effects[0].body).find("#1"), std::string::npos);
    c.wait(1h);
    EXPECT_TRUE(c.fire_due().empty());
}

TEST(reminders, confirmed_or_rejected_hypotheses_need_no_reminder)
{
    call c;
    c.rules().status_interval = 10h;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    c.rootcause(bob, "pool exhausted");
    c.rootcause(carol, "confirm #1");
    c.wait(1h);
    EXPECT_TRUE(c.fire_due().empty());
}

TEST(reminders, follow_ups_without_a_ticket_are_raised_a_day_after_publishing)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    c.rootcause(bob, "pool exhausted");
    c.rootcause(carol, "confirm #1");
    c.mitigation(bob, "roll back");
    c.mitigation(alice, "choose #1");
    c.mitigation(bob, "done");
    c.postmortem(bob, "tollgate unit tests: none");
    c.postmortem(bob, "tollgate uat n/a: none");
    c.postmortem(bob, "tollgate production checkout n/a: none");
    c.postmortem(bob, "followup Test the pool tollgate=#1 owner=@dana");
    c.postmortem(bob, "followup Document the pool owner=@carol ticket=OPS-2");
    c.postmortem(alice, "publish");
    c.wait(23h);
    EXPECT_TRUE(c.fire_due().empty());
    c.wait(1h);
    auto fired = c.fire_due();
    ASSERT_EQ(kinds(fired), std::vector<reminder_kind>{reminder_kind::followup_ticket}) << "only the one without a ticket";
    EXPECT_NE(text_of(fired[0].effects[0].body).find("INC-1#1"), std::string::npos);
    c.wait(48h);
    EXPECT_TRUE(c.fire_due().empty());
}

TEST(reminders, a_replayed_log_has_the_same_pending_reminders)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(31min);
    c.fire_due();
    c.rootcause(bob, "pool exhausted");
    auto const& live = c.state();
    auto replayed = replay(live.log);
    EXPECT_EQ(pending_reminders(replayed, c.now(), c.rules()), pending_reminders(live, c.now(), c.rules()));
    EXPECT_EQ(next_due(replayed, c.now(), c.rules()), next_due(live, c.now(), c.rules()));
}

TEST(reminders, nothing_is_pending_for_a_resolved_incident)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.incident(alice, "resolve false alarm");
    EXPECT_TRUE(pending_reminders(c.state(), c.now() + 10h, c.rules()).empty());
}

} // namespace
} // namespace coolhead::commands::testing

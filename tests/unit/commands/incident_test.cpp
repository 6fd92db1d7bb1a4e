#include "call.hpp"

namespace coolhead::commands::testing {
namespace {

TEST(incident, start_declares_the_incident_with_the_starter_as_lead)
{
    call c;
    auto d = c.incident(alice, "start Checkout fails for EU customers sev=2");
    EXPECT_EQ(d.incident, 1u);
    auto const& s = c.state();
    EXPECT_EQ(s.number, 1u);
    EXPECT_EQ(s.title, "Checkout fails for EU customers");
    EXPECT_EQ(s.severity, 2);
    EXPECT_EQ(s.current, phase::discovery);
    EXPECT_TRUE(same_person(lead_of(s), alice));
    EXPECT_TRUE(same_person(s.reporter, alice));
    EXPECT_EQ(d.reply.to, visibility::everyone);
    EXPECT_NE(plain(d.reply.body).find("INC-1"), std::string::npos);
    ASSERT_EQ(d.effects.size(), 1u);
    EXPECT_EQ(d.effects[0].kind, message_kind::phase_prompt) << "Discovery's prompt follows";
    EXPECT_NE(text_of(d.effects[0].body).find("/rootcause"), std::string::npos);
}

TEST(incident, severity_defaults_to_three_and_the_reporter_can_be_someone_else)
{
    call c;
    c.incident(alice, "start DB latency reporter=@dana");
    EXPECT_EQ(c.state().severity, 3);
    EXPECT_TRUE(same_person(c.state().reporter, dana));
    EXPECT_TRUE(same_person(lead_of(c.state()), alice));
}

TEST(incident, a_second_start_in_the_same_channel_is_refused_naming_the_open_one)
{
    call c;
    c.incident(alice, "start DB latency");
    auto r = c.no(bob, family::incident, "start Another thing");
    EXPECT_EQ(r.why, errc::already_active);
    EXPECT_EQ(r.reply.to, visibility::one_user);
    EXPECT_TRUE(same_person(r.reply.user, bob));
    EXPECT_NE(plain(r.reply.body).find("INC-1"), std::string::npos);
    EXPECT_NE(plain(r.reply.body).find("DB latency"), std::string::npos);

    c.in("C-other");
    auto d = c.incident(bob, "start Another thing");
    EXPECT_EQ(d.incident, 2u) << "another channel may have its own";
}

TEST(incident, a_channel_can_start_again_once_its_incident_is_closed)
{
    call c;
    c.incident(alice, "start False alarm");
    c.incident(alice, "resolve the alert threshold was wrong");
    auto d = c.incident(alice, "start Real outage");
    EXPECT_EQ(d.incident, 2u);
}

TEST(incident, commands_without_an_incident_say_how_to_start_one)
{
    call c;
    for (auto text : {"note x", "update x", "remind 15m", "lead @bob", "severity 2", "breakout x", "resolve x"}) {
        auto r = c.no(alice, family::incident, text);
        EXPECT_EQ(r.why, errc::no_incident) << text;
        EXPECT_NE(plain(r.reply.body).find("/incident start"), std::string::npos) << text;
    }
    EXPECT_EQ(c.no(alice, family::incident, "status").why, errc::no_incident);
}

TEST(incident, notes_and_updates_go_on_the_record_and_updates_reset_the_cadence)
{
    call c;
    c.incident(alice, "start DB latency");
    c.wait(10min);
    c.incident(bob, "note p99 at 4s on the primary");
    c.wait(5min);
    auto d = c.incident(carol, "update EU checkout degraded; next update in 30m");
    EXPECT_EQ(d.reply.to, visibility::everyone);
    auto const& s = c.state();
    ASSERT_TRUE(s.last_status_update);
    EXPECT_EQ(*s.last_status_update, t0 + 15min);
    auto pending = pending_reminders(s, c.now(), c.rules());
    auto it = std::find_if(pending.begin(), pending.end(), [](auto const& r) { return r.kind == reminder_kind::status_update; });
    ASSERT_NE(it, pending.end());
    EXPECT_EQ(it->due, t0 + 15min + 30min) << "the next update is due 30 minutes after this one";
}

TEST(incident, remind_changes_or_silences_the_cadence_within_bounds)
{
    call c;
    c.incident(alice, "start DB latency");
    c.incident(alice, "remind 15m");
    EXPECT_EQ(c.state().status_interval, duration{15min});
    c.incident(alice, "remind off");
    EXPECT_TRUE(c.state().reminders_off);
    auto pending = pending_reminders(c.state(), c.now(), c.rules());
    EXPECT_TRUE(std::none_of(pending.begin(), pending.end(), [](auto const& r) { return r.kind == reminder_kind::status_update; }));
    EXPECT_EQ(c.no(alice, family::incident, "remind 1m").why, errc::invalid);
    EXPECT_EQ(c.no(alice, family::incident, "remind 2d").why, errc::invalid);
}

TEST(incident, roles_are_recorded_with_who_assigned_them)
{
    call c;
    c.incident(alice, "start DB latency");
    c.wait(2min);
    auto d = c.incident(bob, "role comms @carol");
    EXPECT_NE(plain(d.reply.body).find("@carol is now the comms"), std::string::npos);
    auto const& s = c.state();
    ASSERT_TRUE(s.comms);
    EXPECT_TRUE(same_person(s.comms->user, carol));
    EXPECT_TRUE(same_person(s.comms->assigned.by, bob));
    EXPECT_EQ(s.comms->assigned.at, t0 + 2min);
    c.incident(alice, "role decider @dana");
    c.incident(alice, "role scribe @bob");
    c.incident(alice, "role sme @carol");
    c.incident(alice, "role sme @dana");
    EXPECT_EQ(c.state().smes.size(), 2u) << "several experts may join";
    EXPECT_EQ(c.no(alice, family::incident, "role sme @dana").why, errc::invalid) << "already an expert";
}

TEST(incident, the_lead_can_be_handed_over)
{
    call c;
    c.incident(alice, "start DB latency");
    auto d = c.incident(alice, "lead @bob");
    EXPECT_NE(plain(d.reply.body).find("before: @alice"), std::string::npos);
    EXPECT_TRUE(same_person(lead_of(c.state()), bob));
    EXPECT_EQ(c.no(carol, family::incident, "lead @bob").why, errc::invalid) << "already the lead";
}

TEST(incident, severity_can_change_but_not_to_the_same_value)
{
    call c;
    c.incident(alice, "start DB latency sev=3");
    c.incident(bob, "severity 1");
    EXPECT_EQ(c.state().severity, 1);
    EXPECT_EQ(c.no(bob, family::incident, "severity 1").why, errc::invalid);
}

TEST(incident, breakouts_open_with_an_owner_and_members_show_in_status_and_close_with_a_finding)
{
    call c;
    c.incident(alice, "start DB latency");
    auto d = c.incident(bob, "breakout connection pool @carol @dana");
    auto const& b = c.state().breakouts.at(0);
    EXPECT_EQ(b.id, 1u);
    EXPECT_TRUE(same_person(b.opened.by, bob)) << "the caller owns it";
    EXPECT_EQ(b.members.size(), 2u);
    // Members the bot names on purpose are notified.
    bool pings = false;
    for (auto const& blk : d.reply.body.blocks)
        if (auto const* p = std::get_if<markup::paragraph>(&blk))
            for (auto const& sp : p->content)
                if (auto const* pr = std::get_if<markup::person>(&sp)) pings |= pr->notify;
    EXPECT_TRUE(pings);
    c.wait(10min);
    auto status = plain(render_status(c.state(), c.now(), c.rules()));
    EXPECT_NE(status.find("Open breakouts"), std::string::npos);
    EXPECT_NE(status.find("connection pool"), std::string::npos);

    c.incident(carol, "breakout report #1 pool maxed at 100 since 02:51");
    EXPECT_TRUE(c.state().breakouts[0].reported);
    EXPECT_EQ(c.state().breakouts[0].finding, "pool maxed at 100 since 02:51");
    EXPECT_EQ(plain(render_status(c.state(), c.now(), c.rules())).find("Open breakouts"), std::string::npos);
    EXPECT_EQ(c.no(carol, family::incident, "breakout report #1 again").why, errc::invalid);
    EXPECT_EQ(c.no(carol, family::incident, "breakout report #9 x").why, errc::not_found);
}

TEST(incident, only_the_lead_or_decider_may_resolve_without_a_post_mortem)
{
    call c;
    c.incident(alice, "start Flapping alert");
    EXPECT_EQ(c.no(bob, family::incident, "resolve false alarm").why, errc::not_allowed);
    c.incident(alice, "role decider @dana");
    auto d = c.incident(dana, "resolve false alarm: threshold too tight");
    ASSERT_TRUE(c.state().closed);
    EXPECT_EQ(c.state().closed->how, closure::resolved);
    EXPECT_EQ(c.state().current, phase::closed);
    EXPECT_NE(text_of(d.reply.body).find("threshold too tight"), std::string::npos);
    EXPECT_EQ(c.no(alice, family::incident, "note too late").why, errc::no_incident) << "closed";
}

TEST(incident, list_shows_open_incidents_everywhere_and_followups_shows_open_followups)
{
    call c;
    c.incident(alice, "start DB latency");
    c.in("C-pay");
    c.incident(bob, "start Payments timing out");
    auto l = c.incident(carol, "list");
    EXPECT_EQ(l.reply.to, visibility::one_user);
    auto text = plain(l.reply.body);
    EXPECT_NE(text.find("INC-1"), std::string::npos);
    EXPECT_NE(text.find("INC-2"), std::string::npos);
    c.postmortem(bob, "followup Add timeout alerts owner=@carol");
    auto f = plain(c.incident(alice, "followups").reply.body);
    EXPECT_NE(f.find("INC-2#1"), std::string::npos);
    EXPECT_NE(f.find("Add timeout alerts"), std::string::npos);
}

TEST(incident, help_explains_every_command_and_each_subcommand)
{
    call c;
    for (auto f : {family::incident, family::rootcause, family::mitigation, family::postmortem}) {
        auto d = c.ok(alice, f, "help");
        EXPECT_EQ(d.reply.to, visibility::one_user);
        for (auto const& h : help_table(f)) EXPECT_NE(plain(d.reply.body).find(h.usage), std::string::npos) << h.usage;
    }
    auto one = plain(c.incident(alice, "help remind").reply.body);
    EXPECT_NE(one.find("/incident remind <interval|off>"), std::string::npos);
    EXPECT_EQ(one.find("/incident start"), std::string::npos) << "only the one subcommand";
}

TEST(incident, a_new_incident_names_earlier_ones_with_open_followups_that_share_words)
{
    call c;
    c.incident(alice, "start Checkout timeouts in EU");
    c.rootcause(bob, "connection pool exhausted on checkout database");
    c.rootcause(carol, "confirm #1");
    c.mitigation(bob, "raise pool size impact=none recovery=5m");
    c.mitigation(alice, "choose #1");
    c.mitigation(bob, "done");
    c.postmortem(bob, "followup Alert on pool saturation owner=@bob ticket=OPS-1");

    c.in("C-new");
    c.wait(24h);
    auto d = c.incident(dana, "start Checkout timeout spike");
    auto const& s = c.state();
    ASSERT_EQ(s.related.size(), 1u);
    EXPECT_EQ(s.related[0].earlier, 1u);
    EXPECT_EQ(s.related[0].open_followups, std::vector<std::uint64_t>{1});
    auto reply = plain(d.reply.body);
    EXPECT_NE(reply.find("INC-1"), std::string::npos);
    EXPECT_NE(reply.find("Alert on pool saturation"), std::string::npos);
    EXPECT_NE(plain(render_postmortem(s, c.now(), c.rules())).find("Related incidents"), std::string::npos);

    c.in("C-third");
    c.incident(dana, "start Login page slow");
    EXPECT_TRUE(c.state().related.empty()) << "nothing in common";
}

TEST(incident, recurrence_ignores_incidents_whose_followups_are_done)
{
    call c;
    c.incident(alice, "start Checkout timeouts");
    c.postmortem(alice, "followup Add alert owner=@bob");
    c.postmortem(bob, "followup done #1");
    c.in("C-2");
    c.incident(alice, "start Checkout timeouts again");
    EXPECT_TRUE(c.state().related.empty());
}

TEST(incident, significant_words_drop_stop_words_and_fold_plurals)
{
    EXPECT_EQ(significant_words("The checkout timeouts are failing for users"), (std::vector<std::string>{"checkout", "timeout"}));
    EXPECT_TRUE(significant_words("an outage, errors!").empty());
}

} // namespace
} // namespace coolhead::commands::testing

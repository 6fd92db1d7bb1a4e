#include "call.hpp"

namespace coolhead::commands::testing {
namespace {

/// A call in Mitigation: root cause #1 by bob, confirmed by carol.
call in_mitigation()
{
    call c;
    c.incident(alice, "start Checkout fails sev=2");
    c.wait(20min);
    c.rootcause(bob, "connection pool exhausted after the config push");
    c.rootcause(carol, "confirm #1");
    return c;
}

TEST(mitigation, options_carry_impact_recovery_pros_and_cons)
{
    auto c = in_mitigation();
    c.mitigation(bob, "roll back the config push impact=\"5 min of failed checkouts\" recovery=10m");
    c.mitigation(carol, "pro #1 the old config ran for months");
    c.mitigation(dana, "con #1 loses the new EU tax rule");
    auto const& o = c.state().options.at(0);
    EXPECT_EQ(o.text, "roll back the config push");
    EXPECT_EQ(o.impact, "5 min of failed checkouts");
    EXPECT_EQ(o.recovery, "10m");
    ASSERT_EQ(o.tradeoffs.size(), 2u);
    EXPECT_TRUE(o.tradeoffs[0].pro);
    EXPECT_FALSE(o.tradeoffs[1].pro);
    EXPECT_TRUE(same_person(o.tradeoffs[1].added.by, dana));
    EXPECT_EQ(c.no(dana, family::mitigation, "pro #5 x").why, errc::not_found);
}

TEST(mitigation, an_option_without_impact_or_recovery_is_accepted_with_a_hint)
{
    auto c = in_mitigation();
    auto d = c.mitigation(bob, "restart the pods");
    EXPECT_NE(plain(d.reply.body).find("impact="), std::string::npos);
}

TEST(mitigation, options_may_be_proposed_during_discovery)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.mitigation(bob, "fail over to the standby");
    EXPECT_EQ(c.state().options.size(), 1u);
    EXPECT_EQ(c.state().current, phase::discovery);
}

TEST(mitigation, only_the_lead_or_decider_may_choose)
{
    auto c = in_mitigation();
    c.mitigation(bob, "roll back");
    auto r = c.no(bob, family::mitigation, "choose #1");
    EXPECT_EQ(r.why, errc::not_allowed);
    EXPECT_NE(plain(r.reply.body).find("@alice"), std::string::npos) << "names who may";
    c.incident(alice, "role decider @dana");
    c.mitigation(dana, "choose #1");
    ASSERT_TRUE(current_choice(c.state()));
    EXPECT_TRUE(same_person(current_choice(c.state())->made.by, dana));
    EXPECT_FALSE(current_choice(c.state())->before_rootcause);
    EXPECT_EQ(c.no(alice, family::mitigation, "choose #1").why, errc::invalid) << "already chosen";
    EXPECT_EQ(c.no(alice, family::mitigation, "choose #4").why, errc::not_found);
}

TEST(mitigation, anyone_may_veto_and_a_vetoed_option_cannot_be_chosen)
{
    auto c = in_mitigation();
    c.mitigation(bob, "fail over to the standby");
    auto d = c.mitigation(dana, "veto #1 the standby has the old schema");
    EXPECT_TRUE(d.effects.empty()) << "a veto with a reason needs no reminder";
    auto r = c.no(alice, family::mitigation, "choose #1");
    EXPECT_EQ(r.why, errc::vetoed_option);
    EXPECT_NE(plain(r.reply.body).find("old schema"), std::string::npos);
}

TEST(mitigation, a_veto_without_a_reason_is_recorded_and_its_author_asked_for_one)
{
    auto c = in_mitigation();
    c.mitigation(bob, "fail over");
    auto d = c.mitigation(dana, "veto #1");
    ASSERT_EQ(d.effects.size(), 1u);
    EXPECT_EQ(d.effects[0].kind, message_kind::humility);
    EXPECT_EQ(d.effects[0].to, visibility::one_user);
    EXPECT_TRUE(same_person(d.effects[0].user, dana));
    EXPECT_TRUE(c.state().options[0].vetoed());
    // Vetoing again with a reason replaces the first veto.
    c.mitigation(dana, "veto #1 standby lags 2h");
    ASSERT_EQ(c.state().options[0].vetoes.size(), 1u);
    EXPECT_EQ(c.state().options[0].vetoes[0].why, "standby lags 2h");
}

TEST(mitigation, vetoing_the_chosen_option_blocks_done_until_someone_chooses_again)
{
    auto c = in_mitigation();
    c.mitigation(bob, "roll back");
    c.mitigation(bob, "scale the pool");
    c.mitigation(alice, "choose #1");
    c.mitigation(dana, "veto #1 the rollback drops queued orders");
    EXPECT_EQ(c.no(bob, family::mitigation, "done").why, errc::vetoed_option);
    c.mitigation(alice, "choose #2");
    c.mitigation(bob, "done");
    EXPECT_EQ(c.state().current, phase::postmortem);
    EXPECT_EQ(c.state().mitigated_option, 2u);
    EXPECT_EQ(c.state().decisions.size(), 2u) << "both decisions stay on the record";
}

TEST(mitigation, choosing_before_a_confirmed_root_cause_is_allowed_and_flagged)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.mitigation(bob, "fail over to the standby");
    auto d = c.mitigation(alice, "choose #1");
    EXPECT_TRUE(current_choice(c.state())->before_rootcause);
    EXPECT_NE(plain(d.reply.body).find("not confirmed yet"), std::string::npos);
    auto pm = plain(render_postmortem(c.state(), c.now(), c.rules()));
    EXPECT_NE(pm.find("Chosen before a root cause was confirmed"), std::string::npos);
}

TEST(mitigation, done_needs_a_chosen_option_and_moves_the_call_to_the_post_mortem)
{
    auto c = in_mitigation();
    auto r = c.no(bob, family::mitigation, "done");
    EXPECT_EQ(r.why, errc::wrong_phase);
    EXPECT_NE(plain(r.reply.body).find("/mitigation choose"), std::string::npos);
    c.mitigation(bob, "roll back");
    c.mitigation(alice, "choose #1");
    c.wait(12min);
    auto d = c.mitigation(bob, "done");
    auto const& s = c.state();
    EXPECT_EQ(s.current, phase::postmortem);
    ASSERT_TRUE(s.mitigation_done);
    EXPECT_TRUE(same_person(s.mitigation_done->by, bob));
    ASSERT_EQ(d.effects.size(), 1u);
    EXPECT_EQ(d.effects[0].kind, message_kind::phase_prompt);
    auto prompt = text_of(d.effects[0].body);
    EXPECT_NE(prompt.find("/postmortem tollgate"), std::string::npos);
    EXPECT_NE(prompt.find("unit tests, UAT, production checkout"), std::string::npos) << "names the team's tollgates";
}

TEST(mitigation, mitigation_commands_after_done_say_where_prevention_ideas_go)
{
    auto c = in_mitigation();
    c.mitigation(bob, "roll back");
    c.mitigation(alice, "choose #1");
    c.mitigation(bob, "done");
    for (auto text : {"another option", "pro #1 x", "veto #1 x", "choose #1", "done"}) {
        auto r = c.no(bob, family::mitigation, text);
        EXPECT_EQ(r.why, errc::wrong_phase) << text;
        EXPECT_NE(plain(r.reply.body).find("Post-mortem"), std::string::npos) << text;
    }
}

TEST(mitigation, list_shows_options_with_their_details)
{
    auto c = in_mitigation();
    c.mitigation(bob, "roll back impact=5m recovery=10m");
    c.mitigation(dana, "veto #1");
    auto text = plain(c.mitigation(carol, "").reply.body);
    EXPECT_NE(text.find("Impact: 5m"), std::string::npos);
    EXPECT_NE(text.find("no reason given"), std::string::npos);
}

} // namespace
} // namespace coolhead::commands::testing

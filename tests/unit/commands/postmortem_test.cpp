#include "call.hpp"

namespace coolhead::commands::testing {
namespace {

/// A call in the Post-mortem: cause #1 confirmed, option #1 done.
call in_postmortem()
{
    call c;
    c.incident(alice, "start Checkout fails sev=2");
    c.wait(20min);
    c.rootcause(bob, "connection pool exhausted after the config push");
    c.rootcause(carol, "confirm #1");
    c.mitigation(bob, "roll back the config push");
    c.mitigation(alice, "choose #1");
    c.wait(10min);
    c.mitigation(bob, "done");
    return c;
}

TEST(postmortem, tollgates_are_for_the_post_mortem_phase)
{
    call c;
    c.incident(alice, "start Checkout fails");
    auto r = c.no(bob, family::postmortem, "tollgate unit tests: none covered it");
    EXPECT_EQ(r.why, errc::wrong_phase);
    EXPECT_NE(plain(r.reply.body).find("Discovery"), std::string::npos);
    EXPECT_NE(plain(r.reply.body).find("/incident note"), std::string::npos);
}

TEST(postmortem, a_missed_tollgate_records_how_the_issue_got_past_it)
{
    auto c = in_postmortem();
    auto d = c.postmortem(bob, "tollgate Unit-Tests: no test exercised the pool limit");
    auto const& tg = c.state().tollgates.at(0);
    EXPECT_EQ(tg.name, "unit tests") << "the team's spelling";
    EXPECT_TRUE(tg.applicable);
    EXPECT_EQ(tg.how, "no test exercised the pool limit");
    EXPECT_NE(plain(d.reply.body).find("needs a follow-up"), std::string::npos);
    c.postmortem(bob, "tollgate unit tests: the pool limit was mocked out");
    ASSERT_EQ(c.state().tollgates.size(), 1u) << "recording again amends";
    EXPECT_EQ(c.state().tollgates[0].how, "the pool limit was mocked out");
}

TEST(postmortem, a_name_close_to_a_known_tollgate_is_a_typo_and_a_new_name_is_a_new_tollgate)
{
    auto c = in_postmortem();
    auto r = c.no(bob, family::postmortem, "tollgate unit test: x");
    EXPECT_EQ(r.why, errc::usage);
    EXPECT_NE(plain(r.reply.body).find("unit tests"), std::string::npos);
    auto d = c.postmortem(bob, "tollgate code review: the change was approved without the config diff");
    EXPECT_NE(plain(d.reply.body).find("new for this incident"), std::string::npos);
    EXPECT_EQ(c.state().tollgates.at(0).name, "code review");
}

TEST(postmortem, a_follow_up_has_an_owner_and_may_name_a_recorded_tollgate)
{
    auto c = in_postmortem();
    auto d = c.postmortem(bob, "followup Load-test the pool limit");
    auto const& f = c.state().followups.at(0);
    EXPECT_TRUE(same_person(f.owner, bob)) << "the caller by default";
    EXPECT_NE(plain(d.reply.body).find("change with owner="), std::string::npos);
    EXPECT_EQ(c.no(bob, family::postmortem, "followup x tollgate=uat").why, errc::not_found) << "tollgate not recorded yet";
    c.postmortem(bob, "tollgate uat: UAT has a smaller pool than production");
    c.postmortem(bob, "followup Match UAT's pool to production tollgate=UAT owner=@carol ticket=OPS-7");
    auto const& g = c.state().followups.at(1);
    EXPECT_EQ(g.tollgate, 1u);
    EXPECT_TRUE(same_person(g.owner, carol));
    EXPECT_EQ(g.ticket, "OPS-7");
    c.postmortem(bob, "followup Document pool sizing tollgate=#1");
    EXPECT_EQ(c.state().followups.at(2).tollgate, 1u);
}

TEST(postmortem, follow_ups_may_be_noted_during_the_call)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.postmortem(bob, "followup Alert on pool saturation");
    EXPECT_EQ(c.state().followups.size(), 1u);
}

TEST(postmortem, publish_is_refused_with_the_list_of_what_is_missing)
{
    auto c = in_postmortem();
    auto r = c.no(alice, family::postmortem, "publish");
    EXPECT_EQ(r.why, errc::publish_incomplete);
    auto text = plain(r.reply.body);
    EXPECT_NE(text.find("unit tests"), std::string::npos);
    EXPECT_NE(text.find("UAT"), std::string::npos);
    EXPECT_NE(text.find("production checkout"), std::string::npos);
    EXPECT_NE(text.find("At least one follow-up"), std::string::npos);

    c.postmortem(bob, "tollgate unit tests: no test exercised the pool limit");
    c.postmortem(bob, "tollgate uat n/a: config pushes skip UAT by design");
    c.postmortem(bob, "tollgate production checkout: the checkout probe uses a warm pool");
    auto gaps = publish_gaps(c.state(), c.rules());
    ASSERT_EQ(gaps.size(), 2u) << "a follow-up for each missed tollgate (UAT is n/a), and nothing else";
    EXPECT_NE(markup::to_plain(gaps[0]).find("unit tests"), std::string::npos);
    EXPECT_NE(markup::to_plain(gaps[1]).find("production checkout"), std::string::npos);

    c.postmortem(bob, "followup Pool-limit test tollgate=unit-tests owner=@bob ticket=OPS-1");
    EXPECT_EQ(c.no(alice, family::postmortem, "publish").why, errc::publish_incomplete) << "one missed tollgate still uncovered";
    c.postmortem(bob, "followup Cold-pool checkout probe tollgate=#3 owner=@carol");
    EXPECT_TRUE(publish_gaps(c.state(), c.rules()).empty());
}

TEST(postmortem, publish_needs_a_confirmed_root_cause_even_when_mitigation_came_first)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.mitigation(bob, "fail over");
    c.mitigation(alice, "choose #1");
    c.mitigation(bob, "done");
    auto gaps = publish_gaps(c.state(), c.rules());
    ASSERT_FALSE(gaps.empty());
    EXPECT_NE(markup::to_plain(gaps[0]).find("confirmed root cause"), std::string::npos);
}

TEST(postmortem, publish_is_for_the_lead_decider_or_scribe_and_only_in_the_post_mortem)
{
    call c;
    c.incident(alice, "start Checkout fails");
    auto early = c.no(alice, family::postmortem, "publish");
    EXPECT_EQ(early.why, errc::wrong_phase);
    EXPECT_NE(plain(early.reply.body).find("Discovery"), std::string::npos);

    auto p = in_postmortem();
    EXPECT_EQ(p.no(dana, family::postmortem, "publish").why, errc::not_allowed);
    p.incident(alice, "role scribe @dana");
    EXPECT_EQ(p.no(dana, family::postmortem, "publish").why, errc::publish_incomplete) << "allowed, but incomplete";
}

TEST(postmortem, publishing_closes_the_incident_and_follow_ups_stay_open_until_done)
{
    auto c = in_postmortem();
    c.postmortem(bob, "tollgate unit tests: no test exercised the pool limit");
    c.postmortem(bob, "tollgate uat n/a: config pushes skip UAT");
    c.postmortem(bob, "tollgate production checkout n/a: the probe cannot see pool size");
    c.postmortem(bob, "followup Pool-limit test tollgate=unit-tests owner=@bob");
    auto d = c.postmortem(alice, "publish");
    auto const& s = c.state();
    ASSERT_TRUE(s.closed);
    EXPECT_EQ(s.closed->how, closure::published);
    EXPECT_EQ(s.current, phase::closed);
    ASSERT_EQ(d.effects.size(), 2u);
    EXPECT_EQ(d.effects[0].kind, message_kind::postmortem);
    EXPECT_NE(plain(d.effects[0].body).find("Published"), std::string::npos);
    EXPECT_EQ(plain(d.effects[0].body).find("Still missing"), std::string::npos) << "not a draft";

    EXPECT_EQ(c.no(bob, family::postmortem, "followup another one").why, errc::no_incident);
    auto list = plain(c.incident(bob, "followups").reply.body);
    EXPECT_NE(list.find("INC-1#1"), std::string::npos) << "still listed after publishing";
    c.postmortem(bob, "followup #1 ticket=OPS-9");
    EXPECT_EQ(c.state().followups[0].ticket, "OPS-9");
    c.postmortem(bob, "followup done #1");
    EXPECT_TRUE(c.state().followups[0].done);
    EXPECT_EQ(c.no(bob, family::postmortem, "followup done #1").why, errc::invalid);
    EXPECT_NE(plain(c.incident(bob, "followups").reply.body).find("No follow-ups are open"), std::string::npos);
}

TEST(postmortem, a_qualified_reference_reaches_a_follow_up_from_another_channel)
{
    auto c = in_postmortem();
    c.postmortem(bob, "followup Pool-limit test owner=@bob");
    c.in("C-elsewhere");
    c.postmortem(carol, "followup done INC-1#1");
    EXPECT_TRUE(c.incident(1).followups[0].done);
    EXPECT_EQ(c.no(carol, family::postmortem, "followup done INC-9#1").why, errc::no_incident);
}

TEST(postmortem, the_preview_lists_what_is_still_missing)
{
    auto c = in_postmortem();
    auto d = c.postmortem(carol, "");
    EXPECT_EQ(d.reply.to, visibility::one_user);
    auto text = plain(d.reply.body);
    EXPECT_NE(text.find("Status: draft"), std::string::npos);
    EXPECT_NE(text.find("Still missing before publishing"), std::string::npos);
}

} // namespace
} // namespace coolhead::commands::testing

#include "call.hpp"

namespace coolhead::commands::testing {
namespace {

TEST(rootcause, a_hypothesis_is_recorded_with_its_author_and_a_new_id)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    auto d = c.rootcause(bob, "payment provider outage");
    auto d2 = c.rootcause(carol, "connection pool exhausted");
    auto const& s = c.state();
    ASSERT_EQ(s.hypotheses.size(), 2u);
    EXPECT_EQ(s.hypotheses[0].id, 1u);
    EXPECT_EQ(s.hypotheses[1].id, 2u);
    EXPECT_TRUE(same_person(s.hypotheses[0].proposed.by, bob));
    EXPECT_EQ(s.hypotheses[0].state, hypothesis::status::open);
    EXPECT_EQ(d.reply.to, visibility::everyone);
    EXPECT_TRUE(d2.effects.empty()) << "no reminder 20 minutes in";
}

TEST(rootcause, confirming_someone_elses_hypothesis_moves_the_call_to_mitigation)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    c.rootcause(bob, "connection pool exhausted");
    c.wait(5min);
    auto d = c.rootcause(carol, "confirm #1");
    auto const& s = c.state();
    EXPECT_EQ(s.current, phase::mitigation);
    ASSERT_TRUE(confirmed_hypothesis(s));
    EXPECT_TRUE(same_person(confirmed_hypothesis(s)->confirmed->by, carol));
    ASSERT_EQ(d.effects.size(), 1u);
    EXPECT_EQ(d.effects[0].kind, message_kind::phase_prompt);
    EXPECT_NE(text_of(d.effects[0].body).find("/mitigation"), std::string::npos) << "Mitigation's prompt";
}

TEST(rootcause, confirming_your_own_hypothesis_is_refused)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    c.rootcause(bob, "connection pool exhausted");
    auto r = c.no(bob, family::rootcause, "confirm #1");
    EXPECT_EQ(r.why, errc::own_hypothesis);
    EXPECT_EQ(r.reply.to, visibility::one_user);
    EXPECT_NE(text_of(r.reply.body).find("someone else"), std::string::npos) << "the humility text says why";
    EXPECT_EQ(c.state().current, phase::discovery);
    // Identity is compared by id when both sides have one, so a changed display name doesn't help.
    auto out = c.run(user_ref{"bob", "Bobby"}, confirm_rootcause{1});
    EXPECT_TRUE(std::holds_alternative<rejection>(out));
}

TEST(rootcause, confirm_without_an_id_takes_the_only_open_hypothesis_or_asks)
{
    call c;
    c.incident(alice, "start Checkout fails");
    EXPECT_EQ(c.no(bob, family::rootcause, "confirm").why, errc::not_found) << "nothing to confirm";
    c.wait(20min);
    c.rootcause(bob, "A");
    c.rootcause(carol, "B");
    auto r = c.no(dana, family::rootcause, "confirm");
    EXPECT_EQ(r.why, errc::usage);
    EXPECT_NE(plain(r.reply.body).find("/rootcause confirm #1"), std::string::npos);
    EXPECT_NE(plain(r.reply.body).find("/rootcause confirm #2"), std::string::npos);
    c.rootcause(dana, "reject #1 errors began before the deploy");
    c.rootcause(dana, "confirm");
    EXPECT_EQ(confirmed_hypothesis(c.state())->id, 2u);
}

TEST(rootcause, rejected_hypotheses_stay_in_the_record_and_cannot_be_confirmed)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    c.rootcause(bob, "payment provider outage");
    c.rootcause(carol, "reject #1 provider status page is green and other regions are fine");
    auto const& h = c.state().hypotheses.at(0);
    EXPECT_EQ(h.state, hypothesis::status::rejected);
    EXPECT_EQ(h.rejected_why, "provider status page is green and other regions are fine");
    EXPECT_EQ(c.no(dana, family::rootcause, "confirm #1").why, errc::invalid);
    EXPECT_EQ(c.no(dana, family::rootcause, "reject #1 again").why, errc::invalid);
    EXPECT_EQ(c.no(dana, family::rootcause, "confirm #7").why, errc::not_found);
    auto pm = plain(render_postmortem(c.state(), c.now(), c.rules()));
    EXPECT_NE(pm.find("Rejected hypotheses"), std::string::npos);
    EXPECT_NE(pm.find("payment provider outage"), std::string::npos);
}

TEST(rootcause, rejecting_the_confirmed_cause_during_mitigation_reopens_discovery)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    c.rootcause(bob, "cache stampede");
    c.rootcause(carol, "confirm #1");
    ASSERT_EQ(c.state().current, phase::mitigation);
    auto d = c.rootcause(dana, "reject #1 hit rate was normal the whole time");
    EXPECT_EQ(c.state().current, phase::discovery);
    EXPECT_FALSE(confirmed_hypothesis(c.state()));
    ASSERT_EQ(d.effects.size(), 1u);
    EXPECT_NE(text_of(d.effects[0].body).find("Back to Discovery"), std::string::npos);
    // The id-less form reaches the confirmed cause when nothing else is open.
    c.rootcause(bob, "pool exhausted");
    c.rootcause(carol, "confirm");
    c.rootcause(dana, "reject not it either");
    EXPECT_EQ(c.state().current, phase::discovery);
}

TEST(rootcause, a_new_hypothesis_during_mitigation_is_refused_with_the_way_back)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    c.rootcause(bob, "cache stampede");
    c.rootcause(carol, "confirm #1");
    auto r = c.no(dana, family::rootcause, "maybe it is DNS");
    EXPECT_EQ(r.why, errc::wrong_phase);
    auto text = plain(r.reply.body);
    EXPECT_NE(text.find("Mitigation"), std::string::npos) << "names the phase";
    EXPECT_NE(text.find("/rootcause reject #1"), std::string::npos) << "says what would move it";
    EXPECT_EQ(c.no(dana, family::rootcause, "confirm #1").why, errc::invalid) << "already confirmed";
}

TEST(rootcause, a_root_cause_in_the_first_minutes_gets_one_public_humility_reminder)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(3min);
    auto d = c.rootcause(bob, "it's the deploy from 02:40");
    ASSERT_EQ(d.effects.size(), 1u);
    EXPECT_EQ(d.effects[0].kind, message_kind::humility);
    EXPECT_EQ(d.effects[0].to, visibility::everyone);
    EXPECT_NE(text_of(d.effects[0].body).find("3m into the call"), std::string::npos);
    c.wait(1min);
    EXPECT_TRUE(c.rootcause(carol, "or the cache").effects.empty()) << "once per incident";
}

TEST(rootcause, a_hypothesis_that_blames_others_gets_a_private_nudge)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    auto d = c.rootcause(bob, "User error, they typed the wrong card number");
    ASSERT_EQ(d.effects.size(), 1u);
    EXPECT_EQ(d.effects[0].kind, message_kind::humility);
    EXPECT_EQ(d.effects[0].to, visibility::one_user);
    EXPECT_TRUE(same_person(d.effects[0].user, bob));
    EXPECT_NE(text_of(d.effects[0].body).find("user error"), std::string::npos);
    EXPECT_EQ(c.state().hypotheses.size(), 1u) << "the hypothesis is still recorded";
}

TEST(rootcause, root_cause_work_continues_in_the_post_mortem_when_mitigation_came_first)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(15min);
    c.mitigation(bob, "fail over to the standby impact=2m read-only recovery=5m");
    c.mitigation(alice, "choose #1");
    c.mitigation(bob, "done");
    ASSERT_EQ(c.state().current, phase::postmortem);
    c.rootcause(bob, "primary disk filled with WAL");
    auto d = c.rootcause(carol, "confirm #1");
    EXPECT_EQ(c.state().current, phase::postmortem) << "the phase stays";
    EXPECT_TRUE(d.effects.empty());
    EXPECT_TRUE(confirmed_hypothesis(c.state()));
    EXPECT_EQ(c.no(dana, family::rootcause, "another idea").why, errc::wrong_phase) << "cause confirmed";
}

TEST(rootcause, list_shows_the_hypotheses_privately)
{
    call c;
    c.incident(alice, "start Checkout fails");
    EXPECT_NE(plain(c.rootcause(bob, "").reply.body).find("No hypotheses yet"), std::string::npos);
    c.wait(20min);
    c.rootcause(bob, "cache stampede");
    auto d = c.rootcause(carol, "list");
    EXPECT_EQ(d.reply.to, visibility::one_user);
    EXPECT_NE(plain(d.reply.body).find("cache stampede"), std::string::npos);
}

} // namespace
} // namespace coolhead::commands::testing

#include "call.hpp"

namespace coolhead::commands::testing {
namespace {

pin_message pin(std::string id, user_ref author, std::string text) { return pin_message{std::move(id), std::move(author), std::move(text), t0 + 5min}; }

TEST(observe, a_pinned_message_joins_the_timeline_once)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(6min);
    auto out = c.run(carol, pin("m1", bob, "p99 is 4s on db-1 only"));
    auto const& d = std::get<decision>(out);
    ASSERT_EQ(d.events.size(), 1u);
    EXPECT_TRUE(d.reply.body.empty()) << "a reaction needs no answer";
    ASSERT_EQ(c.state().pins.size(), 1u);
    EXPECT_TRUE(std::get<decision>(c.run(carol, pin("m1", bob, "p99 is 4s on db-1 only"))).events.empty()) << "already pinned";
    auto pm = plain(render_postmortem(c.state(), c.now(), c.rules()));
    EXPECT_NE(pm.find("Pinned a message from @bob"), std::string::npos);
    EXPECT_NE(pm.find("p99 is 4s on db-1 only"), std::string::npos);
}

TEST(observe, unpinning_marks_the_pin_removed_and_keeps_the_record)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.run(carol, pin("m1", bob, "x"));
    c.run(carol, unpin_message{"m1"});
    EXPECT_TRUE(c.state().pins[0].removed);
    EXPECT_TRUE(std::get<decision>(c.run(carol, unpin_message{"m1"})).events.empty());
    EXPECT_EQ(std::get<decision>(c.run(carol, pin("m1", bob, "x"))).events.size(), 1u) << "pinning again counts";
}

TEST(observe, pins_and_messages_outside_an_open_incident_are_ignored)
{
    call c;
    auto out = c.run(carol, pin("m1", bob, "x"));
    EXPECT_TRUE(std::get<decision>(out).events.empty());
    EXPECT_TRUE(std::get<decision>(c.run(carol, observe_message{"works on my machine"})).effects.empty());
}

TEST(observe, a_message_that_blames_gets_a_private_nudge_at_most_once_per_cooldown)
{
    call c;
    c.incident(alice, "start Checkout fails");
    auto d = std::get<decision>(c.run(bob, observe_message{"Honestly this is their bug, not our problem"}));
    ASSERT_EQ(d.effects.size(), 1u);
    EXPECT_EQ(d.effects[0].to, visibility::one_user);
    EXPECT_TRUE(same_person(d.effects[0].user, bob));
    ASSERT_EQ(d.events.size(), 1u) << "the nudge is recorded so a restart doesn't repeat it";
    c.wait(10min);
    EXPECT_TRUE(std::get<decision>(c.run(bob, observe_message{"works on my machine"})).effects.empty()) << "cooldown";
    EXPECT_EQ(std::get<decision>(c.run(carol, observe_message{"works on my machine"})).effects.size(), 1u) << "per person";
    c.wait(25min);
    EXPECT_EQ(std::get<decision>(c.run(bob, observe_message{"PEBKAC"})).effects.size(), 1u) << "after the cooldown";
    EXPECT_TRUE(std::get<decision>(c.run(bob, observe_message{"the pool is at 100%"})).effects.empty());
}

TEST(observe, nudges_stay_out_of_the_post_mortem)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.run(bob, observe_message{"user error surely"});
    auto pm = plain(render_postmortem(c.state(), c.now(), c.rules()));
    EXPECT_EQ(pm.find("Reminder sent"), std::string::npos);
    EXPECT_EQ(pm.find("blame"), std::string::npos);
}

} // namespace
} // namespace coolhead::commands::testing

namespace coolhead::commands::testing {
namespace {

TEST(observe, an_edited_or_deleted_pinned_message_keeps_its_original_on_the_timeline)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.run(carol, pin_message{"m1", bob, "p99 is 4s on db-1", t0});
    c.wait(2min);
    auto edited = std::get<decision>(c.run(bob, edit_message{"m1", "p99 is 4s on db-1 and db-2"}));
    ASSERT_EQ(edited.events.size(), 1u);
    EXPECT_TRUE(std::get<decision>(c.run(bob, edit_message{"m1", "p99 is 4s on db-1 and db-2"})).events.empty()) << "no change";
    EXPECT_TRUE(std::get<decision>(c.run(bob, edit_message{"m9", "not pinned"})).events.empty()) << "only pinned messages matter";
    c.run(bob, delete_message{"m1"});
    auto const& p = c.state().pins.at(0);
    EXPECT_EQ(p.text, "p99 is 4s on db-1") << "the original stays";
    ASSERT_EQ(p.edits.size(), 1u);
    EXPECT_TRUE(p.deleted);
    auto pm = plain(render_postmortem(c.state(), c.now(), c.rules()));
    EXPECT_NE(pm.find("Pinned a message from @bob (2026-11-23T03:00:00Z): p99 is 4s on db-1"), std::string::npos);
    EXPECT_NE(pm.find("A pinned message was edited; it now says: p99 is 4s on db-1 and db-2"), std::string::npos);
    EXPECT_NE(pm.find("A pinned message was deleted"), std::string::npos);
    EXPECT_TRUE(std::get<decision>(c.run(bob, delete_message{"m1"})).events.empty()) << "once";
}

} // namespace
} // namespace coolhead::commands::testing

#include "tests/unit/bot/app/fake_store.hpp"

#include "bot/app/dispatcher.hpp"
#include "bot/app/reminder_scheduler.hpp"
#include "commands/markup.hpp"
#include "commands/reminders.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

namespace coolhead::app::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using adapters::handled;

struct harness {
    asio::io_context io;
    fake_store store;
    incident_cache cache{store};
    simulated_clock clk{commands::from_millis(1'795'402'800'000)};
    dispatcher d{store, cache, commands::policy{}, clk, log::component("app")};
    std::vector<commands::outbound> posted;
    reminder_scheduler reminders{io.get_executor(), store, cache, d.policy(), clk,
                                 [this](commands::outbound m) { posted.push_back(std::move(m)); }, commands::user_ref{"bot", "coolhead"},
                                 log::component("app")};
    int commits_seen = 0;

    harness() { d.on_commit = [this](std::uint64_t) { ++commits_seen; }; }

    template <class T>
    T run(asio::awaitable<T> a)
    {
        auto f = asio::co_spawn(io, std::move(a), asio::use_future);
        io.restart();
        io.run();
        return f.get();
    }

    handled say(std::string who, std::string text, std::string delivery = {}, std::string channel = "C1")
    {
        adapters::inbound in;
        in.platform = "test";
        in.delivery_id = std::move(delivery);
        in.channel = {channel, channel};
        in.user = {who, who};
        in.received = clk.now();
        if (text.starts_with("/")) {
            auto sp = text.find(' ');
            in.what = adapters::slash_command{text.substr(0, sp), sp == std::string::npos ? "" : text.substr(sp + 1)};
        } else {
            in.what = adapters::channel_message{"m1", text};
        }
        return run(d.handle(std::move(in)));
    }
};

std::string text(std::optional<commands::outbound> const& o) { return o ? commands::markup::to_plain(o->body) : std::string{}; }

TEST(dispatcher, a_command_is_stored_before_it_is_answered)
{
    harness h;
    auto r = h.say("alice", "/incident start Checkout fails", "d1");
    EXPECT_EQ(r.result, handled::status::applied);
    EXPECT_EQ(h.store.commits, 1);
    EXPECT_EQ(h.store.logs[1].size(), 1u);
    EXPECT_NE(text(r.reply).find("INC-1"), std::string::npos);
    EXPECT_EQ(r.effects.size(), 1u) << "the phase prompt";
    EXPECT_EQ(h.commits_seen, 1);
    EXPECT_TRUE(h.store.replies.contains("test:d1")) << "the reply is stored with the events";
}

TEST(dispatcher, when_the_store_fails_the_caller_hears_that_nothing_was_recorded)
{
    harness h;
    h.store.fail_commits = 1;
    auto r = h.say("alice", "/incident start Checkout fails", "d1");
    EXPECT_EQ(r.result, handled::status::not_recorded);
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->to, commands::visibility::one_user);
    EXPECT_NE(text(r.reply).find("nothing has changed"), std::string::npos);
    EXPECT_TRUE(r.effects.empty()) << "no prompt for something that didn't happen";
    EXPECT_TRUE(h.store.logs[1].empty());
    EXPECT_EQ(h.commits_seen, 0);
    // The cache didn't take the unrecorded events either: trying again works.
    EXPECT_EQ(h.say("alice", "/incident start Checkout fails", "d1").result, handled::status::applied);
}

TEST(dispatcher, a_failed_read_is_not_recorded_either)
{
    harness h;
    h.store.fail_reads = true;
    auto r = h.say("alice", "/incident status");
    EXPECT_EQ(r.result, handled::status::not_recorded);
}

TEST(dispatcher, a_concurrent_append_is_decided_again_on_the_new_state)
{
    harness h;
    h.say("alice", "/incident start Checkout fails");
    h.clk.advance(20min);
    // Another replica records bob's hypothesis #1 while carol's is being decided.
    h.store.before_commit = [&](fake_store& s) {
        s.logs[1].push_back(commands::event{h.clk.now(), {"bob", "bob"}, commands::hypothesis_proposed{1, "pool exhausted"}});
    };
    auto r = h.say("carol", "/rootcause cache stampede");
    EXPECT_EQ(r.result, handled::status::applied);
    EXPECT_EQ(h.store.commits, 3) << "one conflict, then the retry";
    auto const& log = h.store.logs[1];
    ASSERT_EQ(log.size(), 3u);
    auto const* mine = std::get_if<commands::hypothesis_proposed>(&log[2].what);
    ASSERT_TRUE(mine);
    EXPECT_EQ(mine->id, 2u) << "decided again: the id follows the other writer's";
    EXPECT_NE(text(r.reply).find("#2"), std::string::npos);
}

// Two coroutines bringing the same incident up to date at once (a command and the reminder
// timers, in the daemon) must not apply the same events twice: a state is a prefix of the log.
TEST(incident_cache, concurrent_reads_apply_each_event_once)
{
    harness h;
    h.say("alice", "/incident start Checkout fails");
    h.store.yield_in_load = true;
    for (int i = 0; i < 3; ++i)
        h.store.logs[1].push_back(commands::event{h.clk.now(), {"bob", "bob"}, commands::note_added{"note " + std::to_string(i)}});
    std::vector<std::uint64_t> seqs;
    auto read = [&]() -> asio::awaitable<void> {
        auto s = co_await h.cache.get(1);
        if (s && *s) seqs.push_back((*s)->seq);
    };
    for (int i = 0; i < 3; ++i) asio::co_spawn(h.io, read(), asio::detached);
    h.io.restart();
    h.io.run();
    EXPECT_EQ(seqs, (std::vector<std::uint64_t>{4, 4, 4}));
    // And the next command is decided on that state and commits without a conflict.
    auto commits = h.store.commits;
    EXPECT_EQ(h.say("carol", "/incident note pool is full").result, handled::status::applied);
    EXPECT_EQ(h.store.commits, commits + 1);
    EXPECT_EQ(h.store.logs[1].size(), 5u);
}

// A commit reported after a concurrent read already brought the state past it is not applied
// again; one reported for an incident nobody cached leaves it to the next read.
TEST(incident_cache, a_commit_the_state_already_has_is_not_applied_again)
{
    harness h;
    h.say("alice", "/incident start Checkout fails");
    commands::event note{h.clk.now(), {"bob", "bob"}, commands::hypothesis_proposed{1, "pool is full"}};
    h.store.logs[1].push_back(note); // the commit landed...
    auto read = h.run(h.cache.get(1)); // ...and a read saw it before the committer reported it
    ASSERT_TRUE(read && *read);
    EXPECT_EQ((*read)->seq, 2u);
    h.cache.committed(1, 1, {note});
    EXPECT_EQ((*read)->seq, 2u) << "applied once";
    EXPECT_EQ((*read)->hypotheses.size(), 1u);

    h.cache.committed(7, 3, {note}); // never read: nothing cached, nothing invented
    auto none = h.run(h.cache.get(7));
    ASSERT_TRUE(none);
    EXPECT_EQ(*none, nullptr);
}

TEST(dispatcher, a_redelivered_message_that_got_only_a_nudge_applies_once_and_says_nothing)
{
    harness h;
    h.say("alice", "/incident start Checkout fails", "env-1");
    auto first = h.say("bob", "honestly this looks like user error", "ev-2");
    EXPECT_EQ(first.result, handled::status::applied);
    EXPECT_FALSE(first.reply) << "a nudge is an effect, not a reply";
    EXPECT_EQ(first.effects.size(), 1u);
    auto again = h.say("bob", "honestly this looks like user error", "ev-2");
    EXPECT_EQ(again.result, handled::status::duplicate);
    EXPECT_FALSE(again.reply);
    EXPECT_TRUE(again.effects.empty()) << "no second nudge";
    EXPECT_EQ(h.store.logs[1].size(), 2u) << "started, one nudge";
}

TEST(dispatcher, a_redelivery_gets_the_stored_reply_and_applies_nothing)
{
    harness h;
    auto first = h.say("alice", "/incident start Checkout fails", "env-1");
    auto second = h.say("alice", "/incident start Checkout fails", "env-1");
    EXPECT_EQ(second.result, handled::status::duplicate);
    EXPECT_EQ(text(second.reply), text(first.reply));
    EXPECT_TRUE(second.effects.empty());
    EXPECT_EQ(h.store.logs[1].size(), 1u);
    // Same id on another platform is another delivery.
    adapters::inbound in;
    in.platform = "other";
    in.delivery_id = "env-1";
    in.channel = {"C2", "C2"};
    in.user = {"bob", "bob"};
    in.what = adapters::slash_command{"/incident", "start Something else"};
    EXPECT_EQ(h.run(h.d.handle(in)).result, handled::status::applied);
}

TEST(dispatcher, bad_input_is_answered_privately_and_reactions_other_than_pins_are_ignored)
{
    harness h;
    auto unknown = h.say("alice", "/deploy now");
    EXPECT_EQ(unknown.result, handled::status::refused);
    EXPECT_EQ(unknown.reply->to, commands::visibility::one_user);
    auto usage = h.say("alice", "/rootcause confrim #1");
    EXPECT_EQ(usage.result, handled::status::refused);
    EXPECT_NE(text(usage.reply).find("/rootcause confirm #1"), std::string::npos);

    h.say("alice", "/incident start Checkout fails");
    adapters::inbound in;
    in.platform = "test";
    in.channel = {"C1", "C1"};
    in.user = {"bob", "bob"};
    in.what = adapters::reaction{"thumbsup", true, "m1", {"bob", "bob"}, "x", h.clk.now()};
    auto r = h.run(h.d.handle(in));
    EXPECT_EQ(r.result, handled::status::ignored);
    EXPECT_FALSE(r.reply);
    in.what = adapters::reaction{"pushpin", true, "m1", {"bob", "bob"}, "p99 at 4s", h.clk.now()};
    EXPECT_EQ(h.run(h.d.handle(in)).result, handled::status::applied);
    EXPECT_EQ(h.store.logs[1].size(), 2u);
}

TEST(dispatcher, a_plain_message_that_blames_gets_a_private_nudge)
{
    harness h;
    h.say("alice", "/incident start Checkout fails");
    auto r = h.say("bob", "works on my machine");
    EXPECT_EQ(r.result, handled::status::applied) << "the nudge is recorded";
    EXPECT_FALSE(r.reply);
    ASSERT_EQ(r.effects.size(), 1u);
    EXPECT_EQ(r.effects[0].to, commands::visibility::one_user);
    EXPECT_EQ(h.say("carol", "the pool is full").result, handled::status::ignored);
}

TEST(reminder_scheduler, posts_due_reminders_once_and_remembers_them_across_a_restart)
{
    harness h;
    h.say("alice", "/incident start Checkout fails");
    h.clk.advance(29min);
    EXPECT_EQ(h.run(h.reminders.fire_due()), 0u);
    h.clk.advance(1min);
    EXPECT_EQ(h.run(h.reminders.fire_due()), 1u);
    ASSERT_EQ(h.posted.size(), 1u);
    EXPECT_EQ(h.posted[0].kind, commands::message_kind::reminder);
    EXPECT_EQ(h.run(h.reminders.fire_due()), 0u) << "not twice";

    // A new process: a fresh cache over the same store finds the reminder already sent.
    incident_cache cache2{h.store};
    std::vector<commands::outbound> posted2;
    reminder_scheduler again{h.io.get_executor(), h.store, cache2, h.d.policy(), h.clk,
                             [&](commands::outbound m) { posted2.push_back(std::move(m)); }, {"bot", "coolhead"}, log::component("app")};
    EXPECT_EQ(h.run(again.fire_due()), 0u);
    auto due = h.run(again.next_due());
    ASSERT_TRUE(due);
    EXPECT_EQ(*due, h.clk.now() + 15min) << "the no-root-cause reminder at 45 minutes is next";
}

TEST(reminder_scheduler, a_reminder_another_replica_posted_first_is_not_posted_again)
{
    harness h;
    h.say("alice", "/incident start Checkout fails");
    h.clk.advance(30min);
    h.store.before_commit = [&](fake_store& s) {
        auto pending = commands::pending_reminders(commands::replay(s.logs[1]), h.clk.now(), h.d.policy());
        s.logs[1].push_back(commands::event{h.clk.now(), {"bot", "coolhead"}, commands::reminder_sent{pending[0].kind, pending[0].key}});
    };
    EXPECT_EQ(h.run(h.reminders.fire_due()), 0u);
    EXPECT_TRUE(h.posted.empty());
}

} // namespace
} // namespace coolhead::app::testing

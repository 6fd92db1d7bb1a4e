#include "bot/adapters/common/outbox.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

namespace coolhead::adapters {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

struct sent {
    std::string channel, body;
    steady::time_point at;
};

/// Runs the io_context until `done` or a bound passes.
void run_until(asio::io_context& io, std::function<bool()> done, std::chrono::milliseconds bound = 10s)
{
    auto deadline = steady::now() + bound;
    while (!done() && steady::now() < deadline) {
        io.restart();
        io.run_for(5ms);
    }
}

TEST(outbox, keeps_order_per_channel_and_paces_after_the_burst)
{
    asio::io_context io;
    std::vector<sent> log;
    outbox box(io.get_executor(),
               [&](std::string const& ch, outgoing const& m) -> asio::awaitable<send_outcome> {
                   log.push_back({ch, m.body, steady::now()});
                   co_return send_outcome{};
               },
               outbox_options{.interval = 40ms, .burst = 2}, log::component("test"));
    for (int i = 0; i < 5; ++i) box.push("C1", {"chat.postMessage", "a" + std::to_string(i)});
    for (int i = 0; i < 2; ++i) box.push("C2", {"chat.postMessage", "b" + std::to_string(i)});
    run_until(io, [&] { return log.size() == 7; });
    ASSERT_EQ(log.size(), 7u);
    std::vector<sent> c1;
    for (auto const& s : log)
        if (s.channel == "C1") c1.push_back(s);
    ASSERT_EQ(c1.size(), 5u);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(c1[static_cast<std::size_t>(i)].body, "a" + std::to_string(i));
    // The third message waits for a token: at least one interval after the burst. This is a
    // lower bound the outbox guarantees, not a timing race.
    EXPECT_GE(c1[2].at - c1[0].at, 35ms);
    EXPECT_GE(c1[4].at - c1[0].at, 3 * 35ms);
    // C2 is its own lane: its burst is not held up behind C1's backlog.
    auto first_b = std::find_if(log.begin(), log.end(), [](sent const& s) { return s.channel == "C2"; });
    EXPECT_LT(first_b->at, c1[2].at);
}

TEST(outbox, waits_retry_after_and_resends_the_same_message_in_order)
{
    asio::io_context io;
    std::vector<std::string> bodies;
    int calls = 0;
    outbox box(io.get_executor(),
               [&](std::string const&, outgoing const& m) -> asio::awaitable<send_outcome> {
                   ++calls;
                   if (calls == 2) co_return send_outcome{send_outcome::kind::retry_after, 30ms};
                   bodies.push_back(m.body);
                   co_return send_outcome{};
               },
               outbox_options{.interval = 1ms, .burst = 10}, log::component("test"));
    for (auto b : {"one", "two", "three"}) box.push("C1", {"m", b});
    run_until(io, [&] { return bodies.size() == 3; });
    EXPECT_EQ(bodies, (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_EQ(calls, 4);
}

TEST(outbox, drops_a_permanent_failure_and_gives_up_after_bounded_retries)
{
    asio::io_context io;
    std::vector<std::string> bodies;
    outbox box(io.get_executor(),
               [&](std::string const&, outgoing const& m) -> asio::awaitable<send_outcome> {
                   if (m.body == "gone") co_return send_outcome{send_outcome::kind::failed};
                   if (m.body == "flaky") co_return send_outcome{send_outcome::kind::retry};
                   bodies.push_back(m.body);
                   co_return send_outcome{};
               },
               outbox_options{.interval = 1ms, .burst = 10, .max_attempts = 3, .max_wait = 2ms}, log::component("test"));
    for (auto b : {"gone", "flaky", "after"}) box.push("C1", {"m", b});
    run_until(io, [&] { return !bodies.empty(); });
    EXPECT_EQ(bodies, std::vector<std::string>{"after"});
}

TEST(outbox, a_full_lane_refuses_more_and_drain_waits_for_the_rest)
{
    asio::io_context io;
    std::size_t delivered = 0;
    outbox box(io.get_executor(),
               [&](std::string const&, outgoing const&) -> asio::awaitable<send_outcome> {
                   ++delivered;
                   co_return send_outcome{};
               },
               outbox_options{.interval = 1ms, .burst = 1, .capacity = 3}, log::component("test"));
    EXPECT_TRUE(box.push("C1", {"m", "1"}));
    EXPECT_TRUE(box.push("C1", {"m", "2"}));
    EXPECT_TRUE(box.push("C1", {"m", "3"}));
    EXPECT_FALSE(box.push("C1", {"m", "4"})) << "bounded";
    EXPECT_TRUE(box.push("C2", {"m", "x"})) << "per channel";
    auto f = asio::co_spawn(io, box.drain(5s), asio::use_future);
    run_until(io, [&] { return f.wait_for(0s) == std::future_status::ready; });
    EXPECT_EQ(delivered, 4u);
    EXPECT_EQ(box.pending(), 0u);
    EXPECT_FALSE(box.push("C1", {"m", "late"})) << "stopping";
}

} // namespace
} // namespace coolhead::adapters

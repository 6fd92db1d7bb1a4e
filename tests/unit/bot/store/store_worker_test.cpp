#include "bot/store/store_worker.hpp"

#include "tests/unit/bot/store/store_test_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <thread>

namespace coolhead::store {
namespace {

namespace asio = boost::asio;
using namespace test_support;
using namespace std::chrono_literals;

/// What one committer saw.
struct outcome {
    bool done = false;
    commit_result result;
    bool resumed_on_its_executor = false;
};

/// Commits `a` and records the result and whether it resumed on the io_context it started on.
asio::awaitable<void> commit_and_record(store_worker& worker, append a, asio::io_context& home, outcome& out)
{
    out.result = co_await worker.commit(std::move(a));
    out.resumed_on_its_executor = home.get_executor().running_in_this_thread();
    out.done = true;
}

/// Runs `ioc` until it has no work left, for at most `limit`; true if it ran out of work.
bool run_bounded(asio::io_context& ioc, std::chrono::seconds limit = 30s)
{
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!ioc.stopped() && std::chrono::steady_clock::now() < deadline)
        ioc.run_for(100ms);
    return ioc.stopped();
}

void rethrow(std::exception_ptr e)
{
    if (e) std::rethrow_exception(e);
}

/// Holds the store thread inside a run() job until release(), so that commits pile up
/// behind it: batching becomes a certainty rather than a race.
class store_thread_gate {
  public:
    store_thread_gate(store_worker& worker, asio::io_context& ioc)
    {
        auto opened = opened_.get_future().share();
        asio::co_spawn(ioc, worker.run([opened](sqlite_store&) -> boost::system::result<void> {
            opened.wait_for(30s); // bounded: a broken test must not hang forever
            return {};
        }),
                       [this](std::exception_ptr e, boost::system::result<void>) {
                           rethrow(e);
                           finished_ = true;
                       });
    }
    void release() { opened_.set_value(); }
    bool finished() const { return finished_; }

  private:
    std::promise<void> opened_;
    bool finished_ = false;
};

TEST(store_worker, groups_concurrent_commits_into_one_transaction)
{
    temp_dir dir;
    asio::io_context ioc;
    {
        // Every other delivery was processed before; its caller must get that stored reply.
        auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
        std::vector<append> earlier;
        for (std::uint64_t i = 1; i <= 64; i += 2) {
            append d;
            d.delivery_id = "env-" + std::to_string(i);
            d.at_ms = now_ms;
            d.reply = "stored-" + std::to_string(i);
            earlier.push_back(std::move(d));
        }
        for (auto const& r : s.commit(earlier))
            ASSERT_EQ(r.status, commit_status::committed);
    }
    store_worker worker(sqlite_store::open(dir.file("coolhead.db"), test_options()));
    auto const before = worker.transactions();

    store_thread_gate gate(worker, ioc);
    std::vector<outcome> outcomes(64);
    for (std::uint64_t i = 1; i <= 64; ++i) {
        auto a = opening("env-" + std::to_string(i), i, "C-" + std::to_string(i), "new-" + std::to_string(i));
        asio::co_spawn(ioc, commit_and_record(worker, std::move(a), ioc, outcomes[i - 1]), rethrow);
    }
    ioc.poll(); // every coroutine starts and submits; the store thread is held by the gate
    EXPECT_EQ(worker.queued(), 64u);
    gate.release();
    ASSERT_TRUE(run_bounded(ioc));

    EXPECT_TRUE(gate.finished());
    EXPECT_EQ(worker.transactions() - before, 1u) << "64 commits should share one transaction";
    for (std::uint64_t i = 1; i <= 64; ++i) {
        auto const& o = outcomes[i - 1];
        ASSERT_TRUE(o.done) << i;
        EXPECT_TRUE(o.resumed_on_its_executor) << i;
        if (i % 2 == 1) {
            EXPECT_EQ(o.result.status, commit_status::duplicate_delivery) << i;
            EXPECT_EQ(o.result.reply, "stored-" + std::to_string(i));
        } else {
            EXPECT_EQ(o.result.status, commit_status::committed) << i;
        }
    }
    auto open = asio::co_spawn(ioc, worker.incidents(true), asio::use_future);
    ioc.restart();
    ASSERT_TRUE(run_bounded(ioc));
    EXPECT_EQ(open.get().value().size(), 32u);
}

TEST(store_worker, many_committers_on_two_threads_each_get_their_own_result)
{
    temp_dir dir;
    store_worker worker(sqlite_store::open(dir.file("coolhead.db"), test_options()));
    constexpr std::uint64_t per_thread = 200;
    asio::io_context a_ctx;
    asio::io_context b_ctx;
    std::vector<outcome> a_out(per_thread);
    std::vector<outcome> b_out(per_thread);
    // Thread A opens incidents 1..200; thread B opens 201..400 and then also tries to open
    // incident 1, which A owns: those must come back as conflicts, to B and only to B.
    for (std::uint64_t i = 0; i < per_thread; ++i) {
        asio::co_spawn(a_ctx,
                       commit_and_record(worker,
                                         opening("a-" + std::to_string(i), i + 1, "A-" + std::to_string(i)),
                                         a_ctx, a_out[i]),
                       rethrow);
        auto number = i % 10 == 0 ? 1 : per_thread + i + 1;
        asio::co_spawn(b_ctx,
                       commit_and_record(worker,
                                         opening("b-" + std::to_string(i), number, "B-" + std::to_string(i)),
                                         b_ctx, b_out[i]),
                       rethrow);
    }
    // Incident 1 must exist before B's attempts on it, so A's first commit goes first.
    a_ctx.run_one();
    bool a_ran_dry = false;
    bool b_ran_dry = false;
    std::thread a_thread([&] { a_ran_dry = run_bounded(a_ctx); });
    std::thread b_thread([&] { b_ran_dry = run_bounded(b_ctx); });
    a_thread.join();
    b_thread.join();
    ASSERT_TRUE(a_ran_dry);
    ASSERT_TRUE(b_ran_dry);

    std::size_t conflicts = 0;
    for (std::uint64_t i = 0; i < per_thread; ++i) {
        ASSERT_TRUE(a_out[i].done && b_out[i].done) << i;
        EXPECT_TRUE(a_out[i].resumed_on_its_executor) << i;
        EXPECT_TRUE(b_out[i].resumed_on_its_executor) << i;
        EXPECT_EQ(a_out[i].result.status, commit_status::committed) << i;
        if (i % 10 == 0) {
            EXPECT_EQ(b_out[i].result.status, commit_status::conflict) << i;
            ++conflicts;
        } else {
            EXPECT_EQ(b_out[i].result.status, commit_status::committed) << i;
        }
    }
    EXPECT_EQ(conflicts, 20u);
    // Batching here depends on timing, so only the bound is certain.
    EXPECT_LE(worker.transactions(), 2 * per_thread);
    RecordProperty("transactions", std::to_string(worker.transactions()));
}

TEST(store_worker, reads_run_on_the_store_thread_and_resume_the_caller)
{
    temp_dir dir;
    store_worker worker(sqlite_store::open(dir.file("coolhead.db"), test_options()));
    asio::io_context ioc;
    bool checked = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            auto next = co_await worker.next_incident_number();
            EXPECT_EQ(next.value(), 1u);
            auto r = co_await worker.commit(opening("d1", 1, "C-ops", "reply-1"));
            EXPECT_EQ(r.status, commit_status::committed);
            EXPECT_EQ((co_await worker.load(1)).value().size(), 1u);
            EXPECT_EQ((co_await worker.incident(1)).value()->channel, "C-ops");
            EXPECT_EQ((co_await worker.incident_for_channel("C-ops", true)).value()->number, 1u);
            EXPECT_EQ((co_await worker.find_delivery("d1")).value()->reply, "reply-1");
            auto store_thread =
                co_await worker.run([](sqlite_store&) -> boost::system::result<std::thread::id> {
                    return std::this_thread::get_id();
                });
            EXPECT_NE(store_thread.value(), std::this_thread::get_id());
            EXPECT_TRUE(ioc.get_executor().running_in_this_thread());
            checked = true;
        },
        rethrow);
    ASSERT_TRUE(run_bounded(ioc));
    EXPECT_TRUE(checked);
}

TEST(store_worker, stop_drains_submitted_commits_then_refuses_new_work)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    asio::io_context ioc;
    std::vector<outcome> outcomes(20);
    {
        store_worker worker(sqlite_store::open(path, test_options()));
        store_thread_gate gate(worker, ioc);
        for (std::uint64_t i = 1; i <= 20; ++i) {
            auto a = opening("env-" + std::to_string(i), i, "C-" + std::to_string(i));
            asio::co_spawn(ioc, commit_and_record(worker, std::move(a), ioc, outcomes[i - 1]), rethrow);
        }
        ioc.poll();
        ASSERT_EQ(worker.queued(), 20u);
        gate.release();
        worker.stop(); // blocks until the 20 are committed and the store is closed
        EXPECT_EQ(worker.queued(), 0u);

        outcome late;
        asio::co_spawn(ioc, commit_and_record(worker, opening("late", 99, "C-late"), ioc, late), rethrow);
        auto read = asio::co_spawn(ioc, worker.incidents(false), asio::use_future);
        ASSERT_TRUE(run_bounded(ioc));
        EXPECT_EQ(late.result.status, commit_status::failed);
        EXPECT_EQ(read.get().error(), make_error_code(errc::shut_down));
    }
    for (auto const& o : outcomes) {
        ASSERT_TRUE(o.done);
        EXPECT_EQ(o.result.status, commit_status::committed);
    }
    auto s = sqlite_store::open(path, test_options());
    EXPECT_EQ(s.incidents(false).value().size(), 20u);
    EXPECT_FALSE(s.incident(99).value());
}

} // namespace
} // namespace coolhead::store

// Commits per second through store_worker with 1, 8 and 64 concurrent committers. Each commit is
// one delivery appending one record (a ~200-byte body) to its committer's incident, durable
// (WAL, synchronous=FULL) before the committer goes on. With group commit, the commits that
// wait while a transaction runs share the next one, so commits/s should grow with committers
// while transactions/s stays near the disk's fsync rate.
//
//   cmake --preset bench && cmake --build --preset bench
//   build/bench/coolhead_store_bench                  # database under $TMPDIR (or /tmp)
//   TMPDIR=/var/tmp build/bench/coolhead_store_bench  # another file system
//
// Counters: items_per_second = commits/s; commits_per_txn = commits per transaction (fsync).
#include "bot/log/log.hpp"
#include "bot/store/store_worker.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace {

namespace asio = boost::asio;
using namespace coolhead;

constexpr std::int64_t now_ms = 1'800'000'000'000;

class temp_dir {
  public:
    temp_dir()
    {
        auto pattern = (std::filesystem::temp_directory_path() / "coolhead-bench-XXXXXX").string();
        if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;
    ~temp_dir()
    {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    std::filesystem::path const& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

struct committer {
    std::uint64_t incident = 0;
    std::uint64_t seq = 0; // last seq of its incident
};

asio::awaitable<void> commit_once(store::store_worker& worker, committer& c, std::string delivery_id,
                                  bool& ok)
{
    store::append a;
    a.delivery_id = std::move(delivery_id);
    a.at_ms = now_ms;
    a.incident = c.incident;
    a.expected_seq = c.seq;
    a.records.push_back(store::record{0, now_ms, "note_added",
                                      R"({"by":"U012ABCDEF","text":")" + std::string(160, 'x') + R"("})"});
    a.reply = R"({"text":"noted","response_type":"in_channel"})";
    auto r = co_await worker.commit(std::move(a));
    if (r.status == store::commit_status::committed) {
        ++c.seq;
    } else {
        ok = false;
    }
}

void store_worker_commits(benchmark::State& state)
{
    auto const committers = static_cast<std::size_t>(state.range(0));
    log::setup({.level = "warn", .levels = std::nullopt, .sink = nullptr});
    temp_dir dir;
    if (dir.path().empty()) {
        state.SkipWithError("cannot create a temporary directory");
        return;
    }
    auto path = (dir.path() / "bench.db").string();

    // Each committer owns one incident, so no commit conflicts with another.
    std::vector<committer> cs(committers);
    {
        auto s = store::sqlite_store::open(path);
        std::vector<store::append> opens;
        for (std::size_t i = 0; i < committers; ++i) {
            store::append a;
            a.incident = i + 1;
            a.records.push_back(store::record{0, now_ms, "incident_started", "{}"});
            a.opens_channel = "C" + std::to_string(i);
            opens.push_back(std::move(a));
            cs[i] = committer{i + 1, 1};
        }
        s.commit(opens);
    }
    store::store_worker worker(store::sqlite_store::open(path));
    asio::io_context ioc;
    auto const txns_before = worker.transactions();
    std::uint64_t next_delivery = 0;
    bool ok = true;

    // One round = every committer commits once, concurrently; the round ends when all have
    // their answer. The batch of `committers` iterations is one round.
    while (state.KeepRunningBatch(static_cast<benchmark::IterationCount>(committers))) {
        for (auto& c : cs) {
            asio::co_spawn(ioc, commit_once(worker, c, "env-" + std::to_string(next_delivery++), ok),
                           [](std::exception_ptr e) {
                               if (e) std::rethrow_exception(e);
                           });
        }
        ioc.restart();
        ioc.run();
        if (!ok) {
            state.SkipWithError("a commit did not succeed");
            break;
        }
    }
    auto const txns = worker.transactions() - txns_before;
    state.SetItemsProcessed(state.iterations());
    state.counters["commits_per_txn"] =
        txns == 0 ? 0.0 : static_cast<double>(state.iterations()) / static_cast<double>(txns);
    state.counters["txn_per_second"] =
        benchmark::Counter(static_cast<double>(txns), benchmark::Counter::kIsRate);
}

BENCHMARK(store_worker_commits)
    ->ArgName("committers")
    ->Arg(1)
    ->Arg(8)
    ->Arg(64)
    ->UseRealTime() // the work happens on the store thread; CPU time of this one means little
    ->MinTime(2.0)
    ->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();

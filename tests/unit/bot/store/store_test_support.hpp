#pragma once
/// Helpers for the store tests: a real temporary directory (WAL and fsync need a real file
/// system), fixed times, and appends shaped like the dispatcher's.

#include "bot/store/record.hpp"
#include "bot/store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace coolhead::store {

/// Readable statuses in test failures.
inline void PrintTo(commit_status s, std::ostream* os)
{
    switch (s) {
    case commit_status::committed:
        *os << "committed";
        return;
    case commit_status::duplicate_delivery:
        *os << "duplicate_delivery";
        return;
    case commit_status::conflict:
        *os << "conflict";
        return;
    case commit_status::failed:
        *os << "failed";
        return;
    }
    *os << "commit_status(" << static_cast<int>(s) << ")";
}

} // namespace coolhead::store

namespace coolhead::store::test_support {

/// 2027-01-15T08:00:00Z: "now" for every test, so pruning never depends on the real clock.
inline constexpr std::int64_t now_ms = 1'800'000'000'000;

/// A fresh directory under the system temp dir, removed (with its contents) at scope exit.
class temp_dir {
  public:
    temp_dir()
    {
        auto pattern = (std::filesystem::temp_directory_path() / "coolhead-store-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;
    ~temp_dir()
    {
        std::error_code ec;
        // A test may have made it read-only; removal needs write permission back.
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
        std::filesystem::remove_all(path_, ec);
    }
    std::filesystem::path const& path() const noexcept { return path_; }
    std::string file(std::string const& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

/// Options with a fixed clock.
inline sqlite_options test_options()
{
    sqlite_options o;
    o.now_ms = now_ms;
    return o;
}

inline record make_record(std::string type, std::string body, std::int64_t at_ms = now_ms)
{
    return record{0, at_ms, std::move(type), std::move(body)};
}

/// A delivery that opens incident `number` in `channel` with one record.
inline append opening(std::string delivery_id, std::uint64_t number, std::string channel,
                      std::string reply = R"({"text":"opened"})")
{
    append a;
    a.delivery_id = std::move(delivery_id);
    a.at_ms = now_ms;
    a.incident = number;
    a.expected_seq = 0;
    a.records.push_back(make_record("incident_started", R"({"title":"db down"})"));
    a.reply = std::move(reply);
    a.opens_channel = std::move(channel);
    return a;
}

/// A delivery that appends `records` to incident `number` after `expected_seq`.
inline append appending(std::string delivery_id, std::uint64_t number, std::uint64_t expected_seq,
                        std::vector<record> records, std::string reply = R"({"text":"ok"})")
{
    append a;
    a.delivery_id = std::move(delivery_id);
    a.at_ms = now_ms;
    a.incident = number;
    a.expected_seq = expected_seq;
    a.records = std::move(records);
    a.reply = std::move(reply);
    return a;
}

/// Commits one append and returns its result.
inline commit_result commit_one(sqlite_store& s, append a)
{
    std::vector<append> batch;
    batch.push_back(std::move(a));
    auto results = s.commit(batch);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? commit_result{} : results.front();
}

} // namespace coolhead::store::test_support

#pragma once
// Test support: the real-shaped Mattermost payloads in tests/data/mattermost/, a deterministic
// generator, and (markdown_scan.hpp) a model of how the server finds mentions in markdown.

#include "markdown_scan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::mattermost::testing {

inline std::filesystem::path data_dir()
{
    return std::filesystem::path(COOLHEAD_SOURCE_DIR) / "tests" / "data" / "mattermost";
}

/// The bytes of tests/data/mattermost/<name>; fails the test if the file is missing.
inline std::string data(std::string const& name)
{
    std::ifstream in(data_dir() / name, std::ios::binary);
    EXPECT_TRUE(in) << "missing test data " << (data_dir() / name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The names of every file in tests/data/mattermost/ starting with `prefix`, sorted.
inline std::vector<std::string> data_files(std::string const& prefix)
{
    std::vector<std::string> names;
    for (auto const& e : std::filesystem::directory_iterator(data_dir())) {
        auto n = e.path().filename().string();
        if (n.starts_with(prefix)) names.push_back(n);
    }
    std::sort(names.begin(), names.end());
    return names;
}

/// A small deterministic generator (xorshift64*): the same sequence on every run.
class rng {
  public:
    explicit rng(std::uint64_t seed) : s_(seed ? seed : 1) {}
    std::uint64_t next()
    {
        s_ ^= s_ >> 12;
        s_ ^= s_ << 25;
        s_ ^= s_ >> 27;
        return s_ * 2685821657736338717ULL;
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

  private:
    std::uint64_t s_;
};

} // namespace coolhead::mattermost::testing

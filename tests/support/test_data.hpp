#pragma once
/// Test support shared by the codec tests: files under tests/data/<area>/ and a small
/// deterministic generator for property tests. Header-only; needs GoogleTest.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace coolhead::test {

/// tests/data/<area> in the source tree.
inline std::filesystem::path test_data_dir(std::string const& area)
{
    return std::filesystem::path(COOLHEAD_SOURCE_DIR) / "tests" / "data" / area;
}

/// The bytes of tests/data/<area>/<name>; fails the test if the file is missing.
inline std::string test_data(std::string const& area, std::string const& name)
{
    auto path = test_data_dir(area) / name;
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "missing test data " << path;
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The names of the files in tests/data/<area>/ that `keep` accepts, sorted.
inline std::vector<std::string> test_data_files(std::string const& area, std::function<bool(std::string const&)> const& keep)
{
    std::vector<std::string> names;
    for (auto const& e : std::filesystem::directory_iterator(test_data_dir(area))) {
        auto n = e.path().filename().string();
        if (keep(n)) names.push_back(n);
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

} // namespace coolhead::test

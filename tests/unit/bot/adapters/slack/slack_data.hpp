#pragma once
// Test support: the real-shaped Slack payloads in tests/data/slack/ (tests/support/test_data.hpp).

#include "tests/support/test_data.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace coolhead::slack::testing {

using test::rng;

inline std::filesystem::path data_dir() { return test::test_data_dir("slack"); }

/// The bytes of tests/data/slack/<name>; fails the test if the file is missing.
inline std::string data(std::string const& name) { return test::test_data("slack", name); }

/// The names of every file in tests/data/slack/ with the given suffix, sorted.
inline std::vector<std::string> data_files(std::string const& suffix = ".json")
{
    return test::test_data_files("slack", [&](std::string const& n) { return n.ends_with(suffix); });
}

} // namespace coolhead::slack::testing

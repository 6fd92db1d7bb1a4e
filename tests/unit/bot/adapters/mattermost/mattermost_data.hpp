#pragma once
// Test support: the real-shaped Mattermost payloads in tests/data/mattermost/
// (tests/support/test_data.hpp), and (markdown_scan.hpp) a model of how the server finds
// mentions in markdown.

#include "markdown_scan.hpp"
#include "tests/support/test_data.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace coolhead::mattermost::testing {

using test::rng;

inline std::filesystem::path data_dir() { return test::test_data_dir("mattermost"); }

/// The bytes of tests/data/mattermost/<name>; fails the test if the file is missing.
inline std::string data(std::string const& name) { return test::test_data("mattermost", name); }

/// The names of every file in tests/data/mattermost/ starting with `prefix`, sorted.
inline std::vector<std::string> data_files(std::string const& prefix)
{
    return test::test_data_files("mattermost", [&](std::string const& n) { return n.starts_with(prefix); });
}

} // namespace coolhead::mattermost::testing

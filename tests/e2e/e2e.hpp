#pragma once
// Shared bits of the end-to-end tests: where the binary is, a scratch directory, counting.

#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace coolhead::testing {

inline std::string coolhead_binary() { return std::string(COOLHEAD_BINARY_DIR) + "/coolhead"; }

inline std::string read_file(std::filesystem::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A fresh directory under the temp dir, removed at the end of the test.
class scratch_dir {
public:
    scratch_dir()
    {
        auto tmpl = (std::filesystem::temp_directory_path() / "coolhead-e2e-XXXXXX").string();
        path_ = ::mkdtemp(tmpl.data());
    }
    ~scratch_dir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::filesystem::path const& path() const { return path_; }
    std::string operator/(std::string const& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

inline std::size_t count(std::string const& hay, std::string const& needle)
{
    std::size_t n = 0;
    for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + needle.size())) ++n;
    return n;
}

/// The console on a simulated clock starting at 03:00Z, with its own store.
inline std::vector<std::string> console_args(std::string const& db, std::string const& as = "alice")
{
    return {"console", "--clock", "simulated", "--start", "2026-11-23T03:00:00Z", "--store", db, "--as", as, "--channel", "ops"};
}

} // namespace coolhead::testing

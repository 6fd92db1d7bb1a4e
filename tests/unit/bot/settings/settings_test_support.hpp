#pragma once
/// Helpers for the settings tests: a real temporary directory for config, prompts and secret
/// files, and a fixed environment so no test reads or changes the process environment.

#include "bot/settings/settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace coolhead::settings::test_support {

/// A fresh directory under the system temp dir, removed (with its contents) at scope exit.
class temp_dir {
  public:
    temp_dir()
    {
        auto pattern = (std::filesystem::temp_directory_path() / "coolhead-settings-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;
    ~temp_dir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::filesystem::path const& path() const noexcept { return path_; }

    /// Writes `text` to `name` (subdirectories are created) and returns the full path.
    std::filesystem::path write(std::string const& name, std::string_view text) const
    {
        auto p = path_ / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out) throw std::runtime_error("cannot write " + p.string());
        return p;
    }

  private:
    std::filesystem::path path_;
};

/// No variables at all.
inline environment no_env()
{
    return fixed_environment({});
}

/// Loads `text` as "coolhead.json" in `base` with no environment.
inline load_result load(std::string_view text, std::filesystem::path const& base = "/etc/coolhead",
                        environment const& env = no_env())
{
    return load_text(text, "coolhead.json", base, env);
}

/// The repository's config/ directory.
inline std::filesystem::path config_dir()
{
    return std::filesystem::path(COOLHEAD_SOURCE_DIR) / "config";
}

} // namespace coolhead::settings::test_support

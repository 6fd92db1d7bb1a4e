#pragma once
/// Reading small files and parsing untrusted JSON for the settings loader: errors are values,
/// never exceptions (STYLE.md section 4), and positions are given as line and column.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::settings::detail {

/// A file's bytes, or why it could not be read ("no such file", "it is a directory", ...).
struct file_text {
    std::optional<std::string> text; ///< the bytes, when read
    std::string error;               ///< why not, otherwise
};

/// Reads a regular file of at most `max_bytes`. Refuses directories, devices and FIFOs, so a
/// path such as /dev/zero cannot hang start-up. Blocking; never throws for I/O problems.
file_text read_small_file(std::filesystem::path const& path, std::size_t max_bytes);

/// A parsed document, or the reasons it is not usable, without the display-name prefix.
struct parsed_json {
    std::optional<nlohmann::ordered_json> value; ///< keeps the file's key order for messages
    std::vector<std::string> errors;             ///< "not valid JSON at line 3, column 7", duplicates
};

/// Parses `text` strictly (no comments). Besides syntax errors it reports keys that appear
/// twice in one object, which JSON parsers otherwise resolve silently; the value is still
/// returned in that case so that the caller can report its own errors too.
parsed_json parse_json(std::string_view text);

/// "a string", "a number", "an object", "an array", "true", "false" or "null": the kind of
/// a value, for "expected …, got …" messages. Never contains the value of a string.
std::string kind_of(nlohmann::ordered_json const& value);

/// Appends `key` to a key path: "policy" + "status_interval" → "policy.status_interval". A
/// key that is empty or has characters other than letters, digits, '_', '-' and '.' is
/// quoted, so that a message never carries control characters.
std::string join_path(std::string_view path, std::string_view key);

} // namespace coolhead::settings::detail

#pragma once
/// Validation rules for settings fields. A rule is a small function object that looks at a
/// value which already has the right type and returns what is wrong with it, in words the
/// operator reads (`problems`, empty when the value is fine). The loader adds the file and key
/// path in front. Rules are pure: no I/O, no logging; any thread.

#include "commands/time.hpp"

#include <concepts>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::settings {

/// One thing wrong with a value. `at` is appended to the key path (e.g. "[2]" for an item of
/// a list, "" for the value itself); `what` says what is wrong, without the path.
struct problem {
    std::string at;   ///< appended to the key path: "" or "[2]"
    std::string what; ///< e.g. "expected at least one tollgate, got an empty array"
    friend bool operator==(problem const&, problem const&) = default;
};

/// Everything a rule found; empty when the value is fine.
using problems = std::vector<problem>;

/// A duration as the config file writes it: "30m", "1h30m", "7d", "0s". Whole seconds; the
/// output always parses back with commands::parse_duration (except "0s", which parses to zero).
std::string duration_text(commands::duration d);

/// A string quoted for a message, JSON-style ("say \"hi\""), cut to about 60 bytes.
std::string quote_value(std::string_view text);

namespace rules {

/// A spdlog level name: trace, debug, info, warn (or warning), error (or err), critical, off.
struct level_name {
    /// The problems with `value`; none when it is fine.
    problems operator()(std::string const& value) const;
};

/// spdlog's SPDLOG_LEVEL syntax as bot/log applies it: comma-separated items, each a level
/// ("info") or component=level ("slack=debug"). No spaces. Component names are not checked
/// against a list: a component added later must not make old files invalid.
struct level_spec {
    /// The problems with `value`; none when it is fine.
    problems operator()(std::string const& value) const;
    /// The problems with `value`; none when it is fine.
    problems operator()(std::optional<std::string> const& value) const;
};

/// Strictly longer than `limit`; `because` explains why, e.g. "Slack redelivers for up to
/// about 5 minutes".
struct longer_than {
    commands::duration limit; ///< the value must be longer than this
    std::string_view because; ///< the reason, shown in the message
    /// The problems with `value`; none when it is fine.
    problems operator()(commands::duration value) const;
};

/// A non-empty list of non-empty names, distinct after commands::normalise_name (case, '-',
/// '_' and spaces folded). `noun` names one item in messages ("tollgate").
struct distinct_names {
    std::string_view noun; ///< one item, for messages
    /// The problems with `value`; none when it is fine.
    problems operator()(std::vector<std::string> const& value) const;
};

/// Every item is a non-empty string (after trimming spaces). The list itself may be empty.
/// `noun` names one item in messages ("phrase").
struct non_empty_items {
    std::string_view noun; ///< one item, for messages
    /// The problems with `value`; none when it is fine.
    problems operator()(std::vector<std::string> const& value) const;
};

/// A cross-field check for visit()'s `check`: `value` (the field being checked) must not be
/// longer than `limit`, which is the field named `limit_key`.
struct not_longer_than {
    commands::duration value;   ///< the checked field's value
    commands::duration limit;   ///< the other field's value
    std::string_view limit_key; ///< the other field's key, for the message
    /// The problem, if `value` is longer than `limit`.
    problems operator()() const;
};

/// An integer in [lo, hi], for counts and ports.
template <std::integral T>
struct between {
    T lo; ///< smallest allowed
    T hi; ///< largest allowed
    /// The problems with `value`; none when it is in range.
    problems operator()(T value) const
    {
        if (value >= lo && value <= hi) return {};
        return {{"", "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
                         ", got " + std::to_string(value)}};
    }
};

} // namespace rules
} // namespace coolhead::settings

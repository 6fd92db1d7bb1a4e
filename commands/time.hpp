#pragma once
/// Time as values: the core never reads a clock. Timestamps are UTC milliseconds since the
/// Unix epoch; durations are milliseconds. Formatting is pure and locale-free.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coolhead::commands {

using duration = std::chrono::milliseconds;
using timestamp = std::chrono::sys_time<duration>;

/// Milliseconds since the epoch, for storage and wire formats.
constexpr std::int64_t to_millis(timestamp t) noexcept { return t.time_since_epoch().count(); }
constexpr timestamp from_millis(std::int64_t ms) noexcept { return timestamp{duration{ms}}; }

/// "2026-11-23T03:14:07Z" (seconds precision, UTC, ISO 8601).
std::string format_iso8601(timestamp t);

/// "03:14Z" — the time of day, for short messages.
std::string format_clock(timestamp t);

/// A human duration, largest units first: "45s", "12m", "1h 05m", "2d 3h". Negative values
/// are shown as zero.
std::string format_duration(duration d);

/// Parses "90s", "15m", "1h", "1h30m", "2d" (units s, m, h, d; at least one; no sign, no
/// spaces). Returns nothing for anything else.
std::optional<duration> parse_duration(std::string_view text);

} // namespace coolhead::commands

#pragma once
/// Slack message timestamps ("ts", "1610241741.000200": seconds, a dot, six digits) and the
/// core's commands::timestamp (UTC milliseconds). A ts is also a message's id within its
/// channel, so keep the string for API calls; the conversion to milliseconds is lossy (the
/// last three digits are dropped). Pure functions; any thread.

#include "commands/time.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace coolhead::slack {

/// "1610241741.000200" → 1610241741000 ms (sub-millisecond digits dropped). Accepts 1 to 11
/// digits of seconds and, optionally, a dot and 1 to 9 digits; nothing else (no sign, no
/// spaces). Nothing for anything else.
std::optional<commands::timestamp> parse_ts(std::string_view ts) noexcept;

/// 1610241741123 ms → "1610241741.123000", the form Slack uses. Times before the epoch are
/// written as "0.000000".
std::string format_ts(commands::timestamp t);

} // namespace coolhead::slack

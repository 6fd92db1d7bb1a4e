#include "commands/time.hpp"

#include <gtest/gtest.h>

namespace coolhead::commands {
namespace {

using namespace std::chrono_literals;

TEST(time, formats_utc_iso8601_with_seconds)
{
    auto t = from_millis(1'795'317'247'123); // 2026-11-22T03:14:07.123Z
    EXPECT_EQ(format_iso8601(t), "2026-11-22T03:14:07Z");
    EXPECT_EQ(format_clock(t), "03:14Z");
}

TEST(time, formats_durations_largest_units_first)
{
    EXPECT_EQ(format_duration(45s), "45s");
    EXPECT_EQ(format_duration(12min), "12m");
    EXPECT_EQ(format_duration(65min), "1h 05m");
    EXPECT_EQ(format_duration(51h), "2d 3h");
    EXPECT_EQ(format_duration(-5s), "0s");
}

TEST(time, parses_compact_durations_and_refuses_the_rest)
{
    EXPECT_EQ(parse_duration("15m"), duration{15min});
    EXPECT_EQ(parse_duration("1h30m"), duration{90min});
    EXPECT_EQ(parse_duration("2d"), duration{48h});
    EXPECT_EQ(parse_duration("90s"), duration{90s});
    EXPECT_FALSE(parse_duration(""));
    EXPECT_FALSE(parse_duration("15"));
    EXPECT_FALSE(parse_duration("m"));
    EXPECT_FALSE(parse_duration("15 m"));
    EXPECT_FALSE(parse_duration("-5m"));
    EXPECT_FALSE(parse_duration("99999999h"));
}

} // namespace
} // namespace coolhead::commands

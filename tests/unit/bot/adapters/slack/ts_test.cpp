// Slack ts strings ↔ commands::timestamp.
#include "bot/adapters/slack/ts.hpp"

#include <gtest/gtest.h>

namespace coolhead::slack {
namespace {

using commands::from_millis;

TEST(slack_ts, parses_slack_timestamps_to_milliseconds)
{
    EXPECT_EQ(parse_ts("1610241741.000200"), from_millis(1'610'241'741'000));
    EXPECT_EQ(parse_ts("1610241741.123456"), from_millis(1'610'241'741'123));
    EXPECT_EQ(parse_ts("1610241741.999999"), from_millis(1'610'241'741'999));
    EXPECT_EQ(parse_ts("1610241741"), from_millis(1'610'241'741'000));
    EXPECT_EQ(parse_ts("1610241741.5"), from_millis(1'610'241'741'500));
    EXPECT_EQ(parse_ts("0.000000"), from_millis(0));
    EXPECT_EQ(parse_ts("99999999999.999999999"), from_millis(99'999'999'999'999));
}

TEST(slack_ts, refuses_anything_else)
{
    for (auto bad : {"", ".", "1.", ".5", "-1.000000", "+1.0", " 1.0", "1.0 ", "1,5", "1.2.3", "abc", "1e9",
                     "123456789012.0", "1.0000000001", "1610241741.00020x"})
        EXPECT_FALSE(parse_ts(bad)) << bad;
}

TEST(slack_ts, formats_milliseconds_as_slack_does)
{
    EXPECT_EQ(format_ts(from_millis(1'610'241'741'123)), "1610241741.123000");
    EXPECT_EQ(format_ts(from_millis(1'610'241'741'000)), "1610241741.000000");
    EXPECT_EQ(format_ts(from_millis(1'610'241'741'007)), "1610241741.007000");
    EXPECT_EQ(format_ts(from_millis(0)), "0.000000");
    EXPECT_EQ(format_ts(from_millis(-5)), "0.000000");
}

TEST(slack_ts, round_trips_at_millisecond_precision)
{
    for (std::int64_t ms : {0LL, 1LL, 999LL, 1'000LL, 1'795'402'980'200LL, 99'999'999'999'999LL})
        EXPECT_EQ(parse_ts(format_ts(from_millis(ms))), from_millis(ms)) << ms;
}

} // namespace
} // namespace coolhead::slack

#include "bot/net/backoff.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

namespace net = coolhead::net;
using std::chrono::milliseconds;

namespace {

// A repeating sequence of "random" values.
net::backoff::random_source sequence(std::vector<double> values)
{
    return [values, i = std::size_t{0}]() mutable { return values[i++ % values.size()]; };
}

} // namespace

TEST(backoff, the_sequence_is_deterministic_under_an_injected_random_source)
{
    net::backoff b(net::slack_backoff, sequence({0.5}));
    std::vector<milliseconds> waits;
    for (int i = 0; i < 9; ++i) waits.push_back(b.next());
    std::vector<milliseconds> const expected{milliseconds(500),   milliseconds(1000),  milliseconds(2000),
                                             milliseconds(4000),  milliseconds(8000),  milliseconds(16000),
                                             milliseconds(30000), milliseconds(30000), milliseconds(30000)};
    EXPECT_EQ(waits, expected);
    EXPECT_EQ(b.attempts(), 9u);
}

TEST(backoff, full_jitter_spans_zero_to_the_ceiling)
{
    net::backoff b({milliseconds(1000), milliseconds(60'000), 2.0}, sequence({0.0, 0.25, 0.999}));
    EXPECT_EQ(b.next(), milliseconds(0));   // ceiling 1000
    EXPECT_EQ(b.next(), milliseconds(500)); // ceiling 2000
    EXPECT_EQ(b.next(), milliseconds(3996)); // ceiling 4000
}

TEST(backoff, the_wait_never_exceeds_the_policy_maximum)
{
    net::backoff b(net::mattermost_backoff, sequence({0.9999999}));
    milliseconds longest{0};
    for (int i = 0; i < 200; ++i) longest = std::max(longest, b.next());
    EXPECT_LE(longest, milliseconds(300'000));
    EXPECT_GE(longest, milliseconds(299'000));
    EXPECT_EQ(b.ceiling(), milliseconds(300'000));
}

TEST(backoff, the_mattermost_ceiling_grows_from_three_seconds_to_five_minutes)
{
    net::backoff b(net::mattermost_backoff, sequence({0.0}));
    std::vector<milliseconds> ceilings;
    for (int i = 0; i < 8; ++i) {
        ceilings.push_back(b.ceiling());
        b.next();
    }
    std::vector<milliseconds> const expected{milliseconds(3000),  milliseconds(6000),   milliseconds(12000),
                                             milliseconds(24000), milliseconds(48000),  milliseconds(96000),
                                             milliseconds(192000), milliseconds(300000)};
    EXPECT_EQ(ceilings, expected);
}

TEST(backoff, reset_starts_again_from_the_initial_ceiling)
{
    net::backoff b(net::slack_backoff, sequence({1.0 - 1e-12}));
    b.next();
    b.next();
    b.next();
    EXPECT_EQ(b.ceiling(), milliseconds(8000));
    b.reset();
    EXPECT_EQ(b.ceiling(), milliseconds(1000));
    EXPECT_EQ(b.attempts(), 0u);
    EXPECT_EQ(b.next(), milliseconds(999));
}

TEST(backoff, random_values_outside_zero_to_one_are_clamped)
{
    net::backoff b(net::slack_backoff, sequence({-3.0, 7.0}));
    EXPECT_EQ(b.next(), milliseconds(0));
    EXPECT_EQ(b.next(), milliseconds(2000));
}

TEST(backoff, the_default_random_source_stays_within_the_ceiling)
{
    net::backoff b(net::slack_backoff);
    for (int i = 0; i < 50; ++i) {
        auto const ceiling = b.ceiling();
        auto const wait = b.next();
        EXPECT_GE(wait, milliseconds(0));
        EXPECT_LE(wait, ceiling);
    }
}

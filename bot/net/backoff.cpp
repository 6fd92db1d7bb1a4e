#include "bot/net/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace coolhead::net {
namespace {

backoff_policy sanitised(backoff_policy p)
{
    using std::chrono::milliseconds;
    p.initial = std::max(p.initial, milliseconds(0));
    p.max = std::max(p.max, p.initial);
    if (!(p.multiplier >= 1.0)) p.multiplier = 1.0; // also catches NaN
    return p;
}

} // namespace

backoff::backoff(backoff_policy policy, random_source random)
    : policy_(sanitised(policy)), random_(std::move(random)), ceiling_(policy_.initial)
{
}

backoff::backoff(backoff_policy policy)
    : backoff(policy, [engine = std::make_shared<std::mt19937_64>(std::random_device{}())] {
          return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
      })
{
}

std::chrono::milliseconds backoff::next()
{
    double r = random_ ? random_() : 0.5;
    if (!(r >= 0.0)) r = 0.0; // also catches NaN
    r = std::min(r, 1.0);
    auto const ceiling_ms = static_cast<double>(ceiling_.count());
    auto const wait = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(std::floor(r * ceiling_ms)));

    // Grow in floating point and clamp before converting back, so large multipliers or long
    // runs cannot overflow.
    double const grown = std::min(ceiling_ms * policy_.multiplier, static_cast<double>(policy_.max.count()));
    ceiling_ = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(grown));
    ++attempts_;
    return wait;
}

void backoff::reset() noexcept
{
    ceiling_ = policy_.initial;
    attempts_ = 0;
}

} // namespace coolhead::net

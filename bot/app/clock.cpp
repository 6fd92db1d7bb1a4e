#include "bot/app/clock.hpp"

#include <chrono>

namespace coolhead::app {

commands::timestamp system_clock::now() const
{
    return std::chrono::floor<commands::duration>(std::chrono::system_clock::now());
}

void simulated_clock::catch_up(commands::timestamp t)
{
    auto want = commands::to_millis(t);
    auto cur = now_.load();
    while (cur < want && !now_.compare_exchange_weak(cur, want)) {
    }
}

} // namespace coolhead::app

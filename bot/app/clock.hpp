#pragma once
/// Where "now" comes from. The daemon uses the system clock; the console can run on a
/// simulated clock that only moves when told (`:wait 30m`), so drills and tests are repeatable.

#include "commands/time.hpp"

#include <atomic>

namespace coolhead::app {

class clock {
public:
    virtual ~clock() = default;
    /// The current time, UTC, in milliseconds. Any thread.
    virtual commands::timestamp now() const = 0;
    /// True if time only moves when advanced (no real timers should wait on it).
    virtual bool simulated() const noexcept = 0;
};

/// The system clock.
class system_clock final : public clock {
public:
    commands::timestamp now() const override;
    bool simulated() const noexcept override { return false; }
};

/// A clock that starts at a given time and moves only through advance() and set(). Any thread.
class simulated_clock final : public clock {
public:
    explicit simulated_clock(commands::timestamp start) : now_(commands::to_millis(start)) {}
    commands::timestamp now() const override { return commands::from_millis(now_.load()); }
    bool simulated() const noexcept override { return true; }
    void advance(commands::duration d) { now_ += d.count(); }
    /// Moves to `t` if it is later; time never goes backwards.
    void catch_up(commands::timestamp t);

private:
    std::atomic<std::int64_t> now_;
};

} // namespace coolhead::app

#pragma once
/// Jittered exponential back-off for reconnect loops (STYLE.md 5.6): the ceiling grows from
/// `initial` by `multiplier` up to `max`, and each wait is drawn uniformly from [0, ceiling]
/// ("full jitter"). The random source is injected so tests are deterministic. Not thread-safe;
/// one instance per reconnect loop.

#include <chrono>
#include <functional>

namespace coolhead::net {

/// How the ceiling grows. Both platforms are just policies: see `slack_backoff` and
/// `mattermost_backoff`.
struct backoff_policy {
    std::chrono::milliseconds initial{1000}; ///< the first ceiling
    std::chrono::milliseconds max{60'000};   ///< the ceiling never grows past this
    double multiplier = 2.0;                 ///< ceiling growth per attempt; values below 1 count as 1
};

/// Slack Socket Mode: 1 s growing to 60 s (STYLE.md 5.6).
inline constexpr backoff_policy slack_backoff{std::chrono::seconds(1), std::chrono::seconds(60), 2.0};
/// Mattermost websocket: 3 s growing to 5 min, like the official client (PROTOCOLS.md 2.4).
inline constexpr backoff_policy mattermost_backoff{std::chrono::seconds(3), std::chrono::minutes(5), 2.0};

/// The back-off state of one reconnect loop.
class backoff {
public:
    /// Returns a uniformly distributed value in [0, 1). Values outside are clamped.
    using random_source = std::function<double()>;

    /// Uses `random`, e.g. a fixed sequence in tests (an empty function always gives 0.5).
    backoff(backoff_policy policy, random_source random);
    /// Uses a `std::mt19937_64` seeded from `std::random_device`.
    explicit backoff(backoff_policy policy);

    /// The wait before the next attempt, in [0, ceiling()]; then grows the ceiling.
    std::chrono::milliseconds next();
    /// Back to `initial`, after a connection proved healthy (Slack: `hello` received).
    void reset() noexcept;
    /// The upper bound of the next wait.
    std::chrono::milliseconds ceiling() const noexcept { return ceiling_; }
    /// Waits handed out since construction or the last `reset()`.
    unsigned attempts() const noexcept { return attempts_; }

private:
    backoff_policy policy_;
    random_source random_;
    std::chrono::milliseconds ceiling_;
    unsigned attempts_ = 0;
};

} // namespace coolhead::net

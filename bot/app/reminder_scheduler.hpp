#pragma once
/// Posts the reminders the core derives from each incident's state (stakeholder updates, no
/// root cause yet, a hypothesis waiting for a second opinion, follow-ups without a ticket).
/// Timers are recomputed from the stored events, never remembered: after a restart the same
/// reminders are due, and one already posted (a reminder_sent event) is not posted again.
/// With a real clock one steady_timer waits for the earliest due reminder; with a simulated
/// clock nothing waits and the console calls fire_due() after moving time. Io executor only.

#include "bot/app/clock.hpp"
#include "bot/app/incident_cache.hpp"
#include "bot/log/log.hpp"
#include "bot/store/event_store.hpp"
#include "commands/prompts.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>

namespace coolhead::app {

class reminder_scheduler {
public:
    using deliver_fn = std::function<void(commands::outbound)>;

    reminder_scheduler(boost::asio::any_io_executor ex, store::event_store& store, incident_cache& cache,
                       commands::policy const& policy, clock const& clk, deliver_fn deliver, commands::user_ref bot,
                       log::logger_ptr log);

    /// With a real clock, starts the timer loop (which first fires anything overdue).
    void start();
    /// Something changed: recompute the earliest due time.
    void poke();
    /// Stops the timer loop; a reminder being posted finishes.
    void stop();

    /// Posts every reminder due at the clock's current time; returns how many were posted.
    boost::asio::awaitable<std::size_t> fire_due();

    /// The earliest time a reminder is due among the incidents in the cache, if any.
    boost::asio::awaitable<std::optional<commands::timestamp>> next_due();

private:
    boost::asio::awaitable<void> loop();

    boost::asio::any_io_executor ex_;
    store::event_store& store_;
    incident_cache& cache_;
    commands::policy const& policy_;
    clock const& clock_;
    deliver_fn deliver_;
    commands::user_ref bot_;
    log::logger_ptr log_;
    boost::asio::steady_timer timer_;
    bool running_ = false;
    bool stopped_ = false;
};

} // namespace coolhead::app

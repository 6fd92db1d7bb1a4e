#pragma once
/// The thin shell between adapters and the core: inbound → command → load state → decide →
/// store the events durably → reply. The reply exists only once the events are stored; if they
/// can't be, the caller is told plainly that nothing was recorded. A redelivered platform
/// message is answered from the stored reply and changes nothing. Runs on the io executor.

#include "bot/app/clock.hpp"
#include "bot/adapters/adapter_api.hpp"
#include "bot/app/incident_cache.hpp"
#include "bot/log/log.hpp"
#include "bot/store/event_store.hpp"
#include "commands/decide.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <vector>

namespace coolhead::app {

using adapters::handled;
using adapters::inbound;

class dispatcher final : public adapters::inbound_handler {
public:
    dispatcher(store::event_store& store, incident_cache& cache, commands::policy policy, clock const& clk, log::logger_ptr log);

    /// Handles one inbound delivery. Never throws for bad input.
    boost::asio::awaitable<handled> handle(inbound in) override;

    /// Called after every successful commit with the incident number (the reminder scheduler
    /// uses it to recompute its timer).
    std::function<void(std::uint64_t)> on_commit;

    commands::policy const& policy() const noexcept { return policy_; }

private:
    boost::asio::awaitable<handled> decide_and_commit(inbound const& in, std::string const& delivery, commands::command cmd);

    store::event_store& store_;
    incident_cache& cache_;
    commands::policy policy_;
    clock const& clock_;
    log::logger_ptr log_;
};

/// The private reply when the store could not record a command.
commands::outbound not_recorded_reply(inbound const& in);

} // namespace coolhead::app

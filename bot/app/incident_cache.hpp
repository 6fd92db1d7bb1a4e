#pragma once
/// The states of the incidents this process has seen, rebuilt from the store's events and kept
/// fresh by reading only what was appended since the last look (so several replicas sharing one
/// database stay correct). Not thread-safe: use it on the io executor only.

#include "bot/store/event_store.hpp"
#include "commands/state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <map>
#include <vector>

namespace coolhead::app {

class incident_cache {
public:
    explicit incident_cache(store::event_store& store) : store_(store) {}

    /// Incident `number`, brought up to date; nullptr if the store has no such incident.
    boost::asio::awaitable<boost::system::result<commands::incident_state const*>> get(std::uint64_t number);

    /// The newest incident in a channel (open or closed), up to date; nullptr if none.
    boost::asio::awaitable<boost::system::result<commands::incident_state const*>> latest_in(std::string channel);

    /// Every incident that is open or still has open follow-ups, up to date, by number.
    boost::asio::awaitable<boost::system::result<std::vector<commands::incident_state const*>>> overview();

    /// Applies events the caller has just committed at `expected_seq`, saving a read. A cached
    /// state elsewhere is left as it is: it is a prefix of the log, and get() brings it up to date.
    /// Safe to use from several coroutines on the cache's one thread; states are never dropped
    /// while they exist, so pointers from get() stay valid.
    void committed(std::uint64_t number, std::uint64_t expected_seq, std::vector<commands::event> const& events);

private:
    store::event_store& store_;
    std::map<std::uint64_t, commands::incident_state> states_;
};

} // namespace coolhead::app

#pragma once
/// The durable incident log as the app sees it: typed events in, typed events out. The app
/// links only this interface; bot/main.cpp picks the implementation (SQLite today, PostgreSQL
/// for several replicas later). Coroutines resume on the caller's executor.

#include "bot/store/record.hpp"
#include "commands/decide.hpp"
#include "commands/event.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coolhead::store {

/// One decision to store atomically: its events, the delivery it answered and the reply.
struct commit_request {
    std::string delivery_id;            ///< "" for internal work (reminders)
    commands::timestamp received;       ///< when the delivery arrived
    std::uint64_t incident = 0;         ///< 0: no events, only the delivery
    std::uint64_t expected_seq = 0;     ///< the state's seq the decision was made on
    std::vector<commands::event> events;
    std::optional<commands::outbound> reply; ///< stored to answer a redelivery the same way
    std::optional<std::string> opens_channel;
    std::optional<commands::timestamp> closes_at;
};

class event_store {
public:
    virtual ~event_store() = default;

    /// The reply stored for a delivery already handled: nullopt when the delivery is new. A
    /// delivery handled without a reply (a nudge, a pin: effects only) gives an outbound with an
    /// empty body, so a redelivery of it is still recognised.
    virtual boost::asio::awaitable<boost::system::result<std::optional<commands::outbound>>>
    find_reply(std::string delivery_id) = 0;

    /// An incident's events after `after_seq`, in order. A record that cannot be decoded is an
    /// error (logged with the incident and seq, never its body).
    virtual boost::asio::awaitable<boost::system::result<std::vector<commands::event>>>
    load(std::uint64_t incident, std::uint64_t after_seq) = 0;

    /// The newest incident in a channel, open or closed.
    virtual boost::asio::awaitable<boost::system::result<std::optional<incident_row>>> latest_in(std::string channel) = 0;

    /// Every incident (or every open one), by number.
    virtual boost::asio::awaitable<boost::system::result<std::vector<incident_row>>> incidents(bool open_only) = 0;

    /// The number a new incident gets.
    virtual boost::asio::awaitable<boost::system::result<std::uint64_t>> next_number() = 0;

    /// Stores one decision durably (grouped with concurrent ones). `conflict` means another
    /// writer moved the incident on: reload and decide again.
    virtual boost::asio::awaitable<commit_result> commit(commit_request request) = 0;
};

} // namespace coolhead::store

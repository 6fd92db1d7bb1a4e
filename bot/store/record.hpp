#pragma once
/// The store's vocabulary: opaque records appended to an incident's log, the incident index, the
/// delivery log that answers redeliveries, and the outcome of a commit. Plain values; no I/O.
/// The store never interprets `type`, `body` or `reply`: another layer turns events into them.

#include <boost/system/error_code.hpp>
#include <boost/system/is_error_code_enum.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace coolhead::store {

/// One stored event of an incident. `seq` starts at 1 and has no gaps; `at_ms` is UTC
/// milliseconds since the epoch; `body` is JSON text that may carry chat text (never logged).
struct record {
    std::uint64_t seq = 0;
    std::int64_t at_ms = 0;
    std::string type;
    std::string body;

    friend bool operator==(record const&, record const&) = default;
};

/// An incident as indexed by the store. `last_seq` is the seq of its newest record.
struct incident_row {
    std::uint64_t number = 0;
    std::string channel;
    std::int64_t opened_at_ms = 0;
    std::optional<std::int64_t> closed_at_ms;
    std::uint64_t last_seq = 0;

    friend bool operator==(incident_row const&, incident_row const&) = default;
};

/// A processed platform delivery and the reply it was answered with.
struct delivery {
    std::string delivery_id;
    std::optional<std::uint64_t> incident;
    std::string reply;
    std::int64_t at_ms = 0;

    friend bool operator==(delivery const&, delivery const&) = default;
};

/// One command's outcome to store atomically: its records, the delivery it answered and the reply.
struct append {
    /// The platform's delivery id; "" for internal work (e.g. a reminder): nothing to remember.
    std::string delivery_id;
    /// When the delivery was received (UTC ms); stored with the delivery, drives its pruning.
    std::int64_t at_ms = 0;
    /// The incident the records belong to; 0 = none (a delivery alone, e.g. a rejection).
    std::uint64_t incident = 0;
    /// The last seq the decision saw; the records get expected_seq+1, +2, ... in order.
    std::uint64_t expected_seq = 0;
    /// The records to append; their `seq` is ignored and assigned by the store.
    std::vector<record> records;
    /// Opaque outcome (JSON text) that answers a redelivery of `delivery_id`.
    std::string reply;
    /// Set when these records open incident `incident` in this channel (expected_seq must be 0).
    std::optional<std::string> opens_channel;
    /// Set when these records close incident `incident` at this time (UTC ms).
    std::optional<std::int64_t> closes_at_ms;
};

/// What became of one append. Expected outcomes are values, not exceptions.
enum class commit_status {
    committed,          ///< durable: the transaction holding it has committed
    duplicate_delivery, ///< the delivery id was already stored; nothing written; `reply` is the stored one
    conflict, ///< the stored state moved on (seq taken, number taken, channel busy); nothing written
    failed,   ///< nothing written: invalid append or database failure; see `error`
};

/// The outcome of one append. `reply` is set for duplicate_delivery; `error` says why for
/// conflict and failed (SQLite's message or the store's; never record bodies or replies).
struct commit_result {
    commit_status status = commit_status::failed;
    std::string reply;
    std::string error;
};

/// Errors of the store's reads (SQLite's own codes use sqlite::category()).
enum class errc {
    shut_down = 1, ///< the store_worker has stopped; nothing ran
    out_of_range,  ///< a number does not fit the database's 64-bit signed integers
};

/// The category of store::errc ("coolhead.store").
boost::system::error_category const& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), category()};
}

/// Thrown by open() only, at start-up: the message names the path and says what is wrong, in
/// words meant for the operator.
class open_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

} // namespace coolhead::store

template <>
struct boost::system::is_error_code_enum<coolhead::store::errc> : std::true_type {
};

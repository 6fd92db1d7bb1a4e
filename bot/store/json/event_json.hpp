#pragma once
/// The JSON codec between the core's events and the store's opaque records. Pure functions on
/// plain values: no I/O, any thread; decoding never throws on bad input (only std::bad_alloc).
///
/// Record format (stable: stored logs must stay readable by every later version)
/// -----------------------------------------------------------------------------
/// - `type`  = the event struct's name in snake_case ("incident_started", "hypothesis_confirmed").
/// - `at_ms` = commands::to_millis(event.at); `seq` is 0 here (the store assigns it).
/// - `body`  = one compact JSON object (keys sorted, UTF-8, no spaces) holding "by" and the
///   event's fields under their struct names:
///       {"by":{"id":"U1","name":"alice"},"id":3,"text":"pool exhausted"}
///   * people and channels are {"id":…,"name":…} (both always written);
///   * unsigned ids and numbers are JSON integers; durations and timestamps integer ms;
///   * enums are stable names: role_name(), phase_name(), reminder_name(), nudge_name(), and
///     closure "published" | "resolved";
///   * std::optional fields are omitted when empty (followup_updated.owner/ticket,
///     reminder_interval_set.interval: absent = off); a present "" ticket stays present.
///
/// Reading is strict where a default would corrupt the history and lenient where it can't:
///   * required (missing → codec_errc::missing_field): "by", every integer (ids, numbers,
///     severity, tollgate, timestamps), every enum name, every person or channel field, and
///     the booleans whose struct default is true (option_tradeoff_added.pro,
///     tollgate_recorded.applicable);
///   * optional: strings and lists (missing = empty), option_chosen.before_rootcause (missing =
///     false), the std::optional fields; JSON null counts as missing for optional fields;
///   * a wrong JSON type (a float or a string where an integer belongs) → wrong_type; a negative
///     or too large integer, or an enum name that is not exactly a known one → bad_value;
///   * unknown extra keys are ignored, so a newer version may add fields.
/// Compatibility rules for later versions: never rename or remove a type, key or enum name;
/// add new keys as optional; a change old readers must not misread needs a new type name.

#include "bot/store/record.hpp"
#include "commands/event.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/is_error_code_enum.hpp>
#include <boost/system/result.hpp>

#include <span>
#include <string_view>
#include <type_traits>

namespace coolhead::store {

/// Why a stored record or reply could not be decoded. The messages never quote the input, so
/// callers may log them next to the incident and seq.
enum class codec_errc {
    not_json = 1,  ///< the text is not valid JSON
    unknown_type,  ///< the record type, or a block or span "type", is not one this version knows
    missing_field, ///< a required field is absent
    wrong_type,    ///< a value has the wrong JSON type (e.g. a string where an integer belongs)
    bad_value,     ///< an integer out of range, or an unknown enum name
};

/// The category of codec_errc ("coolhead.store.codec").
boost::system::error_category const& codec_category() noexcept;

/// Lets a codec_errc convert to boost::system::error_code.
inline boost::system::error_code make_error_code(codec_errc e) noexcept
{
    return {static_cast<int>(e), codec_category()};
}

/// The stable record type of an event ("incident_started", …). Never changes for a given struct.
std::string_view event_type(commands::event_data const& e) noexcept;

/// Every record type this version reads and writes, in the order of commands::event_data.
std::span<std::string_view const> event_types() noexcept;

/// Encodes an event as a record (seq = 0; the store assigns it). Strings that are not valid
/// UTF-8 are written with U+FFFD in place of the bad bytes rather than failing.
record to_record(commands::event const& e);

/// Decodes a record written by this or an earlier version. Never throws for bad input: an
/// unknown type, malformed JSON, a missing required field, a wrong type or a bad value is a
/// codec_errc.
boost::system::result<commands::event> from_record(record const& r);

} // namespace coolhead::store

template <>
struct boost::system::is_error_code_enum<coolhead::store::codec_errc> : std::true_type {
};

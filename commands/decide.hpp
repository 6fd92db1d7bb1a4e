#pragma once
/// The decision function: command + state → events and replies, or a rejection. Pure: no I/O,
/// no clock (`now` comes in the request), no logging, no exceptions for expected outcomes.
///
/// The app asks what_to_load(cmd), loads that, calls decide(), stores decision.events durably
/// (appending to incident decision.incident after state seq), and only then sends
/// decision.reply (the platform ack) and decision.effects (prompts, reminders).

#include "commands/command.hpp"
#include "commands/markup.hpp"
#include "commands/prompts.hpp"
#include "commands/state.hpp"

#include <boost/system/error_code.hpp>

#include <span>
#include <string>
#include <variant>
#include <vector>

namespace coolhead::commands {

enum class errc {
    usage = 1,          ///< the text did not parse
    no_incident,        ///< no (open) incident where the command needs one
    already_active,     ///< start while another incident is open in the channel
    wrong_phase,        ///< the command does not fit the incident's phase
    not_found,          ///< no such hypothesis, option, tollgate, follow-up or breakout
    not_allowed,        ///< the caller lacks the role (choose, resolve, publish)
    own_hypothesis,     ///< confirming your own hypothesis
    vetoed_option,      ///< choosing or completing a vetoed option
    publish_incomplete, ///< publish with sections or follow-ups missing
    invalid,            ///< a value out of range, or a no-op that is worth saying
};

boost::system::error_category const& error_category() noexcept;
boost::system::error_code make_error_code(errc e) noexcept;

enum class visibility : unsigned char { everyone, one_user };

/// What a message is, so adapters can pick the right channel (ack, post) and tests can find it.
enum class message_kind : unsigned char { reply, phase_prompt, humility, reminder, postmortem, announcement };

/// A message for a channel, seen by everyone or by one user only.
struct outbound {
    channel_ref channel;
    visibility to = visibility::everyone;
    user_ref user; ///< who sees it when to == one_user
    message_kind kind = message_kind::reply;
    markup::document body; ///< empty: nothing to say
    friend bool operator==(outbound const&, outbound const&) = default;
};

struct decision {
    std::uint64_t incident = 0; ///< where the events go (a new number when starting one)
    std::vector<event> events;  ///< facts to store, in order; may be empty (queries)
    outbound reply;             ///< the immediate answer; the platform ack carries it
    std::vector<outbound> effects; ///< after the ack: phase prompts, humility reminders, the post-mortem
};

struct rejection {
    errc why = errc::invalid;
    outbound reply; ///< always private to the caller: what the situation is and what would work
};

using outcome = std::variant<decision, rejection>;

struct request {
    command cmd;
    user_ref who;
    channel_ref channel;
    timestamp now;
};

/// What the app must load before deciding.
struct lookup {
    /// A specific incident (INC-7, or INC-7#3); otherwise the channel's latest incident.
    std::optional<std::uint64_t> incident;
    /// Also every open incident and every incident with open follow-ups (list, followups, and
    /// the recurrence check on start).
    bool overview = false;
};
lookup what_to_load(command const& cmd) noexcept;

/// What the app loaded.
struct world {
    incident_state const* incident = nullptr; ///< per lookup; nullptr when there is none
    std::uint64_t next_number = 1;            ///< the number a new incident would get
    std::span<incident_state const* const> overview; ///< per lookup.overview
};

outcome decide(world const& w, request const& r, policy const& p);

/// What still stands between the incident and a published post-mortem, one line each, saying
/// what would fill the gap; empty when it can be published.
std::vector<markup::inlines> publish_gaps(incident_state const& s, policy const& p);

/// Earlier incidents with open follow-ups whose title or root cause shares significant words
/// with `title` (at least two, or one when the title itself has at most two).
std::vector<recurrence_linked> find_recurrences(std::string_view title, std::span<incident_state const* const> earlier);

/// The words of `text` that carry meaning for the recurrence check (lower-case, no stop words,
/// light plural folding).
std::vector<std::string> significant_words(std::string_view text);

} // namespace coolhead::commands

template <>
struct boost::system::is_error_code_enum<coolhead::commands::errc> : std::true_type {};

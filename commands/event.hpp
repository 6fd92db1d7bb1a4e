#pragma once
/// Events are the facts of an incident, in the order they happened. An incident's state is
/// nothing but these events applied in order (state.hpp); the store keeps only events.
/// Every event carries who caused it and when (passed in; the core never reads a clock).

#include "commands/command.hpp"
#include "commands/time.hpp"
#include "commands/user.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace coolhead::commands {

enum class phase : unsigned char { discovery, mitigation, postmortem, closed };

/// How an incident was closed: with a published post-mortem, or resolved without one.
enum class closure : unsigned char { published, resolved };

/// Reminders derived from state and time; each is posted at most once per key.
enum class reminder_kind : unsigned char {
    status_update,          ///< a stakeholder update is due
    no_rootcause,           ///< no confirmed root cause a while into the call
    unconfirmed_hypothesis, ///< a hypothesis waits for someone else to confirm or reject it
    followup_ticket,        ///< after publishing, a follow-up still has no ticket
};

/// Private nudges and public humility reminders triggered by what happens.
enum class nudge_kind : unsigned char { blame, early_rootcause, veto_without_reason };

struct incident_started {
    std::uint64_t number = 0;
    channel_ref channel;
    std::string title;
    int severity = 3;
    user_ref reporter;
    friend bool operator==(incident_started const&, incident_started const&) = default;
};
struct severity_changed {
    int severity = 3;
    friend bool operator==(severity_changed const&, severity_changed const&) = default;
};
struct role_assigned {
    role what = role::lead;
    user_ref user;
    friend bool operator==(role_assigned const&, role_assigned const&) = default;
};
struct note_added {
    std::string text;
    friend bool operator==(note_added const&, note_added const&) = default;
};
struct status_update_posted {
    std::string text;
    friend bool operator==(status_update_posted const&, status_update_posted const&) = default;
};
struct reminder_interval_set {
    std::optional<duration> interval; ///< nothing = off
    friend bool operator==(reminder_interval_set const&, reminder_interval_set const&) = default;
};
struct breakout_opened {
    std::uint64_t id = 0;
    std::string topic;
    std::vector<user_ref> members; ///< the owner is the event's author
    friend bool operator==(breakout_opened const&, breakout_opened const&) = default;
};
struct breakout_reported {
    std::uint64_t id = 0;
    std::string finding;
    friend bool operator==(breakout_reported const&, breakout_reported const&) = default;
};
struct hypothesis_proposed {
    std::uint64_t id = 0;
    std::string text;
    friend bool operator==(hypothesis_proposed const&, hypothesis_proposed const&) = default;
};
struct hypothesis_confirmed {
    std::uint64_t id = 0;
    friend bool operator==(hypothesis_confirmed const&, hypothesis_confirmed const&) = default;
};
struct hypothesis_rejected {
    std::uint64_t id = 0;
    std::string why;
    friend bool operator==(hypothesis_rejected const&, hypothesis_rejected const&) = default;
};
struct option_proposed {
    std::uint64_t id = 0;
    std::string text;
    std::string impact;
    std::string recovery;
    friend bool operator==(option_proposed const&, option_proposed const&) = default;
};
struct option_tradeoff_added {
    std::uint64_t id = 0;
    bool pro = true;
    std::string text;
    friend bool operator==(option_tradeoff_added const&, option_tradeoff_added const&) = default;
};
struct option_vetoed {
    std::uint64_t id = 0;
    std::string why;
    friend bool operator==(option_vetoed const&, option_vetoed const&) = default;
};
struct option_chosen {
    std::uint64_t id = 0;
    bool before_rootcause = false; ///< chosen while no root cause was confirmed
    friend bool operator==(option_chosen const&, option_chosen const&) = default;
};
struct mitigation_completed {
    std::uint64_t id = 0; ///< the chosen option that was put in place
    friend bool operator==(mitigation_completed const&, mitigation_completed const&) = default;
};
struct phase_entered {
    phase to = phase::discovery;
    friend bool operator==(phase_entered const&, phase_entered const&) = default;
};
struct tollgate_recorded {
    std::uint64_t id = 0;   ///< recording the same tollgate again amends it under the same id
    std::string name;
    bool applicable = true; ///< missed (true) or could not have caught it (false)
    std::string how;
    friend bool operator==(tollgate_recorded const&, tollgate_recorded const&) = default;
};
struct followup_added {
    std::uint64_t id = 0;
    std::string text;
    std::uint64_t tollgate = 0; ///< 0 = general prevention, not tied to a tollgate
    user_ref owner;
    std::string ticket;
    friend bool operator==(followup_added const&, followup_added const&) = default;
};
struct followup_updated {
    std::uint64_t id = 0;
    std::optional<user_ref> owner;
    std::optional<std::string> ticket;
    friend bool operator==(followup_updated const&, followup_updated const&) = default;
};
struct followup_completed {
    std::uint64_t id = 0;
    friend bool operator==(followup_completed const&, followup_completed const&) = default;
};
struct incident_closed {
    closure how = closure::published;
    std::string reason; ///< why it was resolved without a post-mortem
    friend bool operator==(incident_closed const&, incident_closed const&) = default;
};
/// On start: an earlier incident with open follow-ups looks like this one.
struct recurrence_linked {
    std::uint64_t earlier = 0;
    std::string earlier_title;
    std::vector<std::uint64_t> open_followups;
    std::vector<std::string> shared_words;
    friend bool operator==(recurrence_linked const&, recurrence_linked const&) = default;
};
struct message_pinned {
    std::string message_id;
    user_ref author;
    std::string text;
    timestamp posted_at;
    friend bool operator==(message_pinned const&, message_pinned const&) = default;
};
struct message_unpinned {
    std::string message_id;
    friend bool operator==(message_unpinned const&, message_unpinned const&) = default;
};
/// A pinned message was edited: the timeline keeps the original and shows the new text too.
struct pinned_message_edited {
    std::string message_id;
    std::string text;
    friend bool operator==(pinned_message_edited const&, pinned_message_edited const&) = default;
};
/// A pinned message was deleted: the timeline keeps what it said and marks it deleted.
struct pinned_message_deleted {
    std::string message_id;
    friend bool operator==(pinned_message_deleted const&, pinned_message_deleted const&) = default;
};
struct reminder_sent {
    reminder_kind kind = reminder_kind::status_update;
    std::string key; ///< what makes this reminder unique, e.g. the due time or the item id
    friend bool operator==(reminder_sent const&, reminder_sent const&) = default;
};
struct nudge_sent {
    nudge_kind kind = nudge_kind::blame;
    user_ref to;
    friend bool operator==(nudge_sent const&, nudge_sent const&) = default;
};

using event_data = std::variant<
    incident_started, severity_changed, role_assigned, note_added, status_update_posted,
    reminder_interval_set, breakout_opened, breakout_reported, hypothesis_proposed,
    hypothesis_confirmed, hypothesis_rejected, option_proposed, option_tradeoff_added,
    option_vetoed, option_chosen, mitigation_completed, phase_entered, tollgate_recorded,
    followup_added, followup_updated, followup_completed, incident_closed, recurrence_linked,
    message_pinned, message_unpinned, reminder_sent, nudge_sent, pinned_message_edited, pinned_message_deleted>;

struct event {
    timestamp at;
    user_ref by;
    event_data what;
    friend bool operator==(event const&, event const&) = default;
};

/// "Discovery", "Mitigation", "Post-mortem", "Closed"
std::string_view phase_title(phase p) noexcept;
std::string_view phase_name(phase p) noexcept; ///< "discovery", … (stable, for storage)
std::optional<phase> phase_from_name(std::string_view) noexcept;
std::string_view reminder_name(reminder_kind k) noexcept;
std::optional<reminder_kind> reminder_from_name(std::string_view) noexcept;
std::string_view nudge_name(nudge_kind k) noexcept;
std::optional<nudge_kind> nudge_from_name(std::string_view) noexcept;

} // namespace coolhead::commands

#pragma once
/// Timed reminders, derived from an incident's state: the app asks which are due and when,
/// sets timers, and at the due time asks for the reminder's message and the event that marks it
/// sent. Because "sent" is an event, a restart recomputes the same timers from the log and a
/// reminder already posted is never posted again.

#include "commands/decide.hpp"

#include <optional>
#include <string>
#include <vector>

namespace coolhead::commands {

struct due_reminder {
    reminder_kind kind = reminder_kind::status_update;
    std::string key; ///< unique per kind within the incident
    timestamp due;
    friend bool operator==(due_reminder const&, due_reminder const&) = default;
};

/// Every reminder of this incident that is not yet sent, with its due time (which may be in the
/// past: then it is due now). Several missed status-update reminders collapse into one.
std::vector<due_reminder> pending_reminders(incident_state const& s, timestamp now, policy const& p);

/// The earliest pending reminder's due time, if any.
std::optional<timestamp> next_due(incident_state const& s, timestamp now, policy const& p);

/// At `now`, the decision for a reminder that is due: a reminder_sent event (by `bot`) and the
/// message as an effect. Nothing if it is not due yet, was sent already, or no longer applies.
std::optional<decision> fire_reminder(incident_state const& s, due_reminder const& r, timestamp now, policy const& p,
                                      user_ref const& bot);

} // namespace coolhead::commands

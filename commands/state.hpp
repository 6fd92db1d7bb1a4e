#pragma once
/// An incident's state is the fold of its events (apply). Nothing here is stored: the store
/// keeps the events and every process rebuilds the state by replaying them.

#include "commands/event.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace coolhead::commands {

/// Who did something, and when.
struct attribution {
    user_ref by;
    timestamp at;
};

struct hypothesis {
    enum class status : unsigned char { open, confirmed, rejected };
    std::uint64_t id = 0;
    std::string text;
    attribution proposed;
    status state = status::open;
    std::optional<attribution> confirmed;
    std::optional<attribution> rejected;
    std::string rejected_why;
};

struct tradeoff {
    bool pro = true;
    std::string text;
    attribution added;
};

struct veto {
    std::string why;
    attribution made;
};

struct option {
    std::uint64_t id = 0;
    std::string text;
    std::string impact;
    std::string recovery;
    attribution proposed;
    std::vector<tradeoff> tradeoffs;
    std::vector<veto> vetoes;
    bool vetoed() const noexcept { return !vetoes.empty(); }
};

struct choice {
    std::uint64_t option = 0;
    attribution made;
    bool before_rootcause = false;
};

struct tollgate_entry {
    std::uint64_t id = 0;
    std::string name;
    bool applicable = true;
    std::string how;
    attribution recorded; ///< the latest recording (an amendment replaces the text)
};

struct followup {
    std::uint64_t id = 0;
    std::string text;
    std::uint64_t tollgate = 0;
    user_ref owner;
    std::string ticket;
    attribution added;
    std::optional<attribution> done;
};

struct breakout {
    std::uint64_t id = 0;
    std::string topic;
    std::vector<user_ref> members;
    attribution opened; ///< opened.by is the owner
    std::optional<attribution> reported;
    std::string finding;
};

struct role_holder {
    user_ref user;
    attribution assigned;
};

struct pin {
    std::string message_id;
    user_ref author;
    std::string text;
    timestamp posted_at;
    attribution pinned;
    bool removed = false;
    std::vector<std::pair<std::string, timestamp>> edits; ///< later texts, in order; `text` stays the original
    std::optional<timestamp> deleted;
};

struct phase_visit {
    phase to = phase::discovery;
    timestamp entered;
};

struct nudge_record {
    nudge_kind kind = nudge_kind::blame;
    user_ref to;
    timestamp at;
};

struct closed_info {
    closure how = closure::published;
    std::string reason;
    attribution made;
};

/// Everything known about one incident. `number == 0` means "no incident".
struct incident_state {
    std::uint64_t number = 0;
    std::uint64_t seq = 0; ///< number of events applied; the next event gets seq + 1
    channel_ref channel;
    std::string title;
    int severity = 3;
    user_ref reporter;
    attribution started;

    phase current = phase::discovery;
    std::vector<phase_visit> phases;

    std::optional<role_holder> lead, decider, scribe, comms;
    std::vector<role_holder> smes;

    std::vector<hypothesis> hypotheses;
    std::vector<option> options;
    std::vector<choice> decisions; ///< every decision; the last one stands
    std::optional<attribution> mitigation_done;
    std::uint64_t mitigated_option = 0;

    std::vector<tollgate_entry> tollgates;
    std::vector<followup> followups;
    std::vector<breakout> breakouts;

    bool reminders_off = false;
    std::optional<duration> status_interval; ///< set by `remind`; else the policy's default
    std::optional<timestamp> last_status_update;

    std::vector<recurrence_linked> related;
    std::vector<pin> pins;
    std::set<std::pair<reminder_kind, std::string>> reminders_sent;
    std::vector<nudge_record> nudges;
    std::optional<closed_info> closed;

    std::vector<event> log; ///< every event in order, for the timeline

    bool exists() const noexcept { return number != 0; }
    bool is_open() const noexcept { return number != 0 && !closed; }
};

/// Applies one event. Events are facts: apply never refuses one (decide() already did).
void apply(incident_state& s, event const& e);

/// Replays a whole log.
incident_state replay(std::span<event const> events);

// Queries shared by the rules and the renderers -------------------------------------------
hypothesis const* find_hypothesis(incident_state const& s, std::uint64_t id) noexcept;
hypothesis const* confirmed_hypothesis(incident_state const& s) noexcept;
std::vector<hypothesis const*> open_hypotheses(incident_state const& s);
option const* find_option(incident_state const& s, std::uint64_t id) noexcept;
choice const* current_choice(incident_state const& s) noexcept;
followup const* find_followup(incident_state const& s, std::uint64_t id) noexcept;
breakout const* find_breakout(incident_state const& s, std::uint64_t id) noexcept;
tollgate_entry const* find_tollgate(incident_state const& s, std::string_view name) noexcept;
tollgate_entry const* find_tollgate(incident_state const& s, std::uint64_t id) noexcept;
/// The current lead: the last one assigned, or whoever started the incident.
user_ref const& lead_of(incident_state const& s) noexcept;
/// The lead, or a holder of the decider role.
bool may_decide(incident_state const& s, user_ref const& who) noexcept;
std::size_t open_followup_count(incident_state const& s) noexcept;
/// When the incident entered `p` the last time, if it ever did.
std::optional<timestamp> entered(incident_state const& s, phase p) noexcept;

/// "Unit tests", "unit-tests", "unit_tests" → "unit tests" (for comparing tollgate names).
std::string normalise_name(std::string_view name);

} // namespace coolhead::commands

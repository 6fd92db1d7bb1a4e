#pragma once
/// Commands are requests ("confirm this hypothesis"); decide() turns them into events (facts)
/// or a rejection. The grammar produces them from slash-command text; adapters produce the
/// platform-driven ones (a pinned message, an observed message).

#include "commands/time.hpp"
#include "commands/user.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace coolhead::commands {

/// The four slash commands.
enum class family : unsigned char { incident, rootcause, mitigation, postmortem };

enum class role : unsigned char { lead, decider, scribe, comms, sme };

/// "#3" (in the channel's incident) or "INC-7#3" (in incident 7).
struct item_ref {
    std::optional<std::uint64_t> incident;
    std::uint64_t id = 0;
    friend bool operator==(item_ref const&, item_ref const&) = default;
};

// /incident ----------------------------------------------------------------------------------
struct start_incident {
    std::string title;
    int severity = 3;
    std::optional<user_ref> reporter; ///< who reported the issue; the caller if not given
    friend bool operator==(start_incident const&, start_incident const&) = default;
};
struct show_status {
    std::optional<std::uint64_t> incident; ///< another incident than the channel's
    friend bool operator==(show_status const&, show_status const&) = default;
};
struct add_note {
    std::string text;
    friend bool operator==(add_note const&, add_note const&) = default;
};
struct post_update {
    std::string text;
    friend bool operator==(post_update const&, post_update const&) = default;
};
struct set_reminder {
    std::optional<duration> interval; ///< nothing = off
    friend bool operator==(set_reminder const&, set_reminder const&) = default;
};
struct assign_role {
    role what = role::lead;
    user_ref user;
    friend bool operator==(assign_role const&, assign_role const&) = default;
};
struct set_severity {
    int severity = 3;
    friend bool operator==(set_severity const&, set_severity const&) = default;
};
struct open_breakout {
    std::string topic;
    std::vector<user_ref> members;
    friend bool operator==(open_breakout const&, open_breakout const&) = default;
};
struct report_breakout {
    std::uint64_t id = 0;
    std::string finding;
    friend bool operator==(report_breakout const&, report_breakout const&) = default;
};
struct resolve_incident {
    std::string reason;
    friend bool operator==(resolve_incident const&, resolve_incident const&) = default;
};
struct list_incidents {
    friend bool operator==(list_incidents const&, list_incidents const&) = default;
};
struct list_followups {
    friend bool operator==(list_followups const&, list_followups const&) = default;
};
struct show_help {
    family of = family::incident;
    std::string topic; ///< a subcommand, or empty for the whole command
    friend bool operator==(show_help const&, show_help const&) = default;
};

// /rootcause ---------------------------------------------------------------------------------
struct propose_rootcause {
    std::string text;
    friend bool operator==(propose_rootcause const&, propose_rootcause const&) = default;
};
struct confirm_rootcause {
    std::optional<std::uint64_t> id; ///< the only open hypothesis if not given
    friend bool operator==(confirm_rootcause const&, confirm_rootcause const&) = default;
};
struct reject_rootcause {
    std::optional<std::uint64_t> id;
    std::string why;
    friend bool operator==(reject_rootcause const&, reject_rootcause const&) = default;
};
struct list_hypotheses {
    friend bool operator==(list_hypotheses const&, list_hypotheses const&) = default;
};

// /mitigation --------------------------------------------------------------------------------
struct propose_option {
    std::string text;
    std::string impact;
    std::string recovery;
    friend bool operator==(propose_option const&, propose_option const&) = default;
};
struct add_tradeoff {
    std::uint64_t id = 0;
    bool pro = true; ///< a pro, or a con
    std::string text;
    friend bool operator==(add_tradeoff const&, add_tradeoff const&) = default;
};
struct veto_option {
    std::uint64_t id = 0;
    std::string why; ///< may be empty: allowed, but the bot asks for a reason
    friend bool operator==(veto_option const&, veto_option const&) = default;
};
struct choose_option {
    std::uint64_t id = 0;
    friend bool operator==(choose_option const&, choose_option const&) = default;
};
struct complete_mitigation {
    friend bool operator==(complete_mitigation const&, complete_mitigation const&) = default;
};
struct list_options {
    friend bool operator==(list_options const&, list_options const&) = default;
};

// /postmortem --------------------------------------------------------------------------------
struct preview_postmortem {
    std::optional<std::uint64_t> incident;
    friend bool operator==(preview_postmortem const&, preview_postmortem const&) = default;
};
struct record_tollgate {
    std::string name;
    bool applicable = true; ///< false: "n/a", the tollgate could not have caught this
    std::string how;        ///< how the issue got past it (or why it does not apply)
    friend bool operator==(record_tollgate const&, record_tollgate const&) = default;
};
struct add_followup {
    std::string text;
    std::string tollgate; ///< a tollgate name or "#id"; empty = general prevention
    std::optional<user_ref> owner;
    std::string ticket;
    friend bool operator==(add_followup const&, add_followup const&) = default;
};
struct update_followup {
    item_ref ref;
    std::optional<user_ref> owner;
    std::optional<std::string> ticket;
    friend bool operator==(update_followup const&, update_followup const&) = default;
};
struct complete_followup {
    item_ref ref;
    friend bool operator==(complete_followup const&, complete_followup const&) = default;
};
struct publish_postmortem {
    friend bool operator==(publish_postmortem const&, publish_postmortem const&) = default;
};

// Platform-driven ----------------------------------------------------------------------------
/// Someone pinned a message (📌) in an incident channel.
struct pin_message {
    std::string message_id;
    user_ref author;
    std::string text;
    timestamp posted_at;
    friend bool operator==(pin_message const&, pin_message const&) = default;
};
struct unpin_message {
    std::string message_id;
    friend bool operator==(unpin_message const&, unpin_message const&) = default;
};
/// A message was edited on the platform (the timeline keeps the original of a pinned one).
struct edit_message {
    std::string message_id;
    std::string text;
    friend bool operator==(edit_message const&, edit_message const&) = default;
};
/// A message was deleted on the platform.
struct delete_message {
    std::string message_id;
    friend bool operator==(delete_message const&, delete_message const&) = default;
};
/// A plain (non-command) message seen in an incident channel.
struct observe_message {
    std::string text;
    friend bool operator==(observe_message const&, observe_message const&) = default;
};

using command = std::variant<
    // /incident
    start_incident, show_status, add_note, post_update, set_reminder, assign_role, set_severity,
    open_breakout, report_breakout, resolve_incident, list_incidents, list_followups, show_help,
    // /rootcause
    propose_rootcause, confirm_rootcause, reject_rootcause, list_hypotheses,
    // /mitigation
    propose_option, add_tradeoff, veto_option, choose_option, complete_mitigation, list_options,
    // /postmortem
    preview_postmortem, record_tollgate, add_followup, update_followup, complete_followup,
    publish_postmortem,
    // platform-driven
    pin_message, unpin_message, observe_message, edit_message, delete_message>;

/// "incident", "rootcause", …
std::string_view family_name(family f) noexcept;
/// "lead", "decider", "scribe", "comms", "sme"
std::string_view role_name(role r) noexcept;
/// "Lead", "Decider", "Scribe", "Comms", "Subject-matter expert"
std::string_view role_title(role r) noexcept;
std::optional<role> role_from_name(std::string_view name) noexcept;
/// "INC-7"
std::string incident_label(std::uint64_t number);

} // namespace coolhead::commands

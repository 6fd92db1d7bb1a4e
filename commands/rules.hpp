#pragma once
// Internal to commands/: the context shared by the per-command rule files.

#include "commands/decide.hpp"
#include "commands/render.hpp"

namespace coolhead::commands::detail {

struct ctx {
    world const& w;
    request const& r;
    policy const& p;

    incident_state const& s() const noexcept { return *w.incident; }
    bool has_incident() const noexcept { return w.incident != nullptr && w.incident->exists(); }

    event ev(event_data d) const { return event{r.now, r.who, std::move(d)}; }

    outbound everyone(markup::document body, message_kind k = message_kind::reply) const
    {
        return outbound{r.channel, visibility::everyone, {}, k, std::move(body)};
    }
    outbound caller(markup::document body, message_kind k = message_kind::reply) const
    {
        return outbound{r.channel, visibility::one_user, r.who, k, std::move(body)};
    }
    rejection reject(errc why, markup::document body) const { return rejection{why, caller(std::move(body))}; }
    rejection reject(errc why, markup::inlines line) const
    {
        return reject(why, markup::document{{markup::paragraph{std::move(line)}}});
    }

    /// A decision about the current incident with these events and a public reply.
    decision publicly(std::vector<event> events, markup::document body) const
    {
        return decision{has_incident() ? s().number : 0, std::move(events), everyone(std::move(body)), {}};
    }
    decision privately(markup::document body) const
    {
        return decision{has_incident() ? s().number : 0, {}, caller(std::move(body)), {}};
    }
};

/// The incident must exist and be open; otherwise the rejection to send.
std::optional<rejection> need_open(ctx const& c);
/// The incident must exist (open or closed).
std::optional<rejection> need_incident(ctx const& c);
/// Adds a private blame nudge (and its event) when `text` blames someone else and the caller
/// was not nudged recently.
void nudge_on_blame(ctx const& c, std::string_view text, decision& d);

inline markup::document doc(markup::inlines line) { return markup::document{{markup::paragraph{std::move(line)}}}; }

// One overload per command; defined in incident.cpp, rootcause.cpp, mitigation.cpp,
// postmortem.cpp and observe.cpp.
outcome handle(ctx const&, start_incident const&);
outcome handle(ctx const&, show_status const&);
outcome handle(ctx const&, add_note const&);
outcome handle(ctx const&, post_update const&);
outcome handle(ctx const&, set_reminder const&);
outcome handle(ctx const&, assign_role const&);
outcome handle(ctx const&, set_severity const&);
outcome handle(ctx const&, open_breakout const&);
outcome handle(ctx const&, report_breakout const&);
outcome handle(ctx const&, resolve_incident const&);
outcome handle(ctx const&, list_incidents const&);
outcome handle(ctx const&, list_followups const&);
outcome handle(ctx const&, show_help const&);
outcome handle(ctx const&, propose_rootcause const&);
outcome handle(ctx const&, confirm_rootcause const&);
outcome handle(ctx const&, reject_rootcause const&);
outcome handle(ctx const&, list_hypotheses const&);
outcome handle(ctx const&, propose_option const&);
outcome handle(ctx const&, add_tradeoff const&);
outcome handle(ctx const&, veto_option const&);
outcome handle(ctx const&, choose_option const&);
outcome handle(ctx const&, complete_mitigation const&);
outcome handle(ctx const&, list_options const&);
outcome handle(ctx const&, preview_postmortem const&);
outcome handle(ctx const&, record_tollgate const&);
outcome handle(ctx const&, add_followup const&);
outcome handle(ctx const&, update_followup const&);
outcome handle(ctx const&, complete_followup const&);
outcome handle(ctx const&, publish_postmortem const&);
outcome handle(ctx const&, pin_message const&);
outcome handle(ctx const&, unpin_message const&);
outcome handle(ctx const&, observe_message const&);
outcome handle(ctx const&, edit_message const&);
outcome handle(ctx const&, delete_message const&);

} // namespace coolhead::commands::detail

// /postmortem: tollgates, follow-ups, publishing.
//
// | subcommand                 | allowed when                                              | records              |
// |----------------------------|-----------------------------------------------------------|----------------------|
// | (preview) [INC-n]          | an incident exists                                        | nothing              |
// | tollgate <name>: <how>     | open; Post-mortem                                         | tollgate_recorded    |
// | tollgate <name> n/a: <why> | open; Post-mortem                                         | tollgate_recorded    |
// | followup <action> [opts]   | open (any phase); tollgate= names a recorded tollgate     | followup_added       |
// | followup #id owner=/ticket=| the incident exists, even when closed                     | followup_updated     |
// | followup done #id          | the incident exists, even when closed; not already done   | followup_completed   |
// | publish                    | open; Post-mortem; lead, decider or scribe; no gaps       | incident_closed      |
//
// Every tollgate of the team (defaults: unit tests, UAT, production checkout) must be walked:
// missed (how the issue got past it) or not applicable (why it could not have caught it).
// A team may add a tollgate for one incident by naming it; a name close to a known one is
// refused with "did you mean", so a typo doesn't create a tollgate. Each missed tollgate needs
// at least one follow-up; a follow-up has an owner (the caller unless owner= says otherwise).
// Publishing closes the incident; follow-ups stay open and listable until they are done.
#include "commands/rules.hpp"

#include <algorithm>

namespace coolhead::commands {
namespace {

using namespace markup;

std::string hash(std::uint64_t id) { return "#" + std::to_string(id); }

/// The team's spelling of a configured tollgate that `name` means, if any.
std::optional<std::string> configured(policy const& p, std::string_view name)
{
    auto want = normalise_name(name);
    for (auto const& g : p.tollgates)
        if (normalise_name(g) == want) return g;
    return std::nullopt;
}

} // namespace

std::vector<inlines> publish_gaps(incident_state const& s, policy const& p)
{
    std::vector<inlines> gaps;
    bool asked_for_followup = false;
    if (!confirmed_hypothesis(s))
        gaps.push_back({t("A confirmed root cause: propose one with "), code("/rootcause <text>"),
                        t(", and someone other than its author confirms it with "), code("/rootcause confirm #id"), t(".")});
    if (!s.mitigation_done)
        gaps.push_back({t("A completed mitigation: "), code("/mitigation choose #id"), t(", then "), code("/mitigation done"), t(".")});
    for (auto const& g : p.tollgates)
        if (!find_tollgate(s, g))
            gaps.push_back({t("The "), strong(g), t(" tollgate: "), code("/postmortem tollgate " + g + ": <how the issue got past it>"), t(", or "),
                            code("/postmortem tollgate " + g + " n/a: <why it could not have caught this>"), t(".")});
    for (auto const& tg : s.tollgates) {
        if (!tg.applicable) continue;
        bool covered = std::any_of(s.followups.begin(), s.followups.end(), [&](followup const& f) { return f.tollgate == tg.id; });
        if (covered) continue;
        asked_for_followup = true;
        gaps.push_back({t("A follow-up for the missed tollgate "), u(tg.name), t(" ("), t(hash(tg.id)), t("): "),
                            code("/postmortem followup <action> tollgate=" + hash(tg.id) + " owner=@someone"), t(".")});
    }
    // Only worth saying on its own: a missed tollgate's gap already asks for a follow-up.
    if (s.followups.empty() && !asked_for_followup)
        gaps.push_back({t("At least one follow-up that will prevent a repeat: "), code("/postmortem followup <action> owner=@someone"), t(".")});
    return gaps;
}

namespace detail {

outcome handle(ctx const& c, preview_postmortem const& cmd)
{
    if (!c.has_incident()) {
        if (cmd.incident)
            return c.reject(errc::not_found, inlines{t("I have no record of "), strong(incident_label(*cmd.incident)), t(".")});
        return *need_incident(c);
    }
    return c.privately(render_postmortem(c.s(), c.r.now, c.p));
}

outcome handle(ctx const& c, record_tollgate const& cmd)
{
    if (auto r = need_open(c)) return *r;
    auto const& s = c.s();
    if (s.current != phase::postmortem)
        return c.reject(errc::wrong_phase,
                        inlines{t("Tollgates are for the Post-mortem, once service is restored; "), strong(incident_label(s.number)), t(" is in "),
                                strong(std::string(phase_title(s.current))), t(". For now, keep it on the timeline with "), code("/incident note <text>"),
                                t(".")});
    std::string name = cmd.name;
    bool is_new = false;
    if (auto known = configured(c.p, cmd.name)) {
        name = *known;
    } else if (auto const* rec = find_tollgate(s, cmd.name)) {
        name = rec->name;
    } else {
        std::vector<std::string> normalised;
        for (auto const& g : c.p.tollgates) normalised.push_back(normalise_name(g));
        std::vector<std::string_view> views(normalised.begin(), normalised.end());
        if (auto near = closest(normalise_name(cmd.name), views)) {
            auto idx = static_cast<std::size_t>(std::find(views.begin(), views.end(), *near) - views.begin());
            return c.reject(errc::usage, inlines{t("Did you mean the "), strong(c.p.tollgates[idx]), t(" tollgate? Write "),
                                                 code("/postmortem tollgate " + c.p.tollgates[idx] + ": …"),
                                                 t(". To add a different tollgate for this incident, give it a name that is not so close.")});
        }
        is_new = true;
    }
    auto const* existing = find_tollgate(s, name);
    auto id = existing ? existing->id : s.tollgates.size() + 1;
    inlines line{t("Tollgate "), strong(hash(id)), t(" "), u(name)};
    if (cmd.applicable) append(line, {t(", how the issue got past it: "), u(cmd.how), t(".")});
    else append(line, {t(", not applicable: "), u(cmd.how), t(".")});
    if (existing) line.push_back(t(" (This replaces the earlier entry.)"));
    if (is_new) line.push_back(t(" This tollgate is new for this incident."));
    if (cmd.applicable && !std::any_of(s.followups.begin(), s.followups.end(), [&](followup const& f) { return f.tollgate == id; }))
        append(line, {t(" It needs a follow-up: "), code("/postmortem followup <action> tollgate=" + hash(id) + " owner=@someone"), t(".")});
    auto d = c.publicly({c.ev(tollgate_recorded{id, name, cmd.applicable, cmd.how})}, doc(std::move(line)));
    nudge_on_blame(c, cmd.how, d);
    return d;
}

outcome handle(ctx const& c, add_followup const& cmd)
{
    if (auto r = need_open(c)) return *r;
    auto const& s = c.s();
    std::uint64_t gate = 0;
    if (!cmd.tollgate.empty()) {
        tollgate_entry const* tg = nullptr;
        if (cmd.tollgate.starts_with("#")) {
            std::uint64_t id = 0;
            for (char ch : std::string_view(cmd.tollgate).substr(1)) {
                if (ch < '0' || ch > '9' || id > 1'000'000) { id = 0; break; }
                id = id * 10 + static_cast<std::uint64_t>(ch - '0');
            }
            tg = find_tollgate(s, id);
        } else {
            tg = find_tollgate(s, cmd.tollgate);
        }
        if (!tg)
            return c.reject(errc::not_found, inlines{t("No tollgate "), u(cmd.tollgate), t(" is recorded for "), strong(incident_label(s.number)),
                                                     t(" yet. In the Post-mortem, record it first with "),
                                                     code("/postmortem tollgate <name>: <how it got past>"), t(".")});
        gate = tg->id;
    }
    auto owner = cmd.owner.value_or(c.r.who);
    auto id = s.followups.size() + 1;
    inlines line{t("Follow-up "), strong(hash(id)), t(" for "), strong(incident_label(s.number)), t(": "), u(cmd.text), t(". Owner: "), who(owner)};
    if (!cmd.owner) line.push_back(t(" (you; change with owner=@someone)"));
    if (!cmd.ticket.empty()) append(line, {t(". Ticket: "), u(cmd.ticket)});
    if (gate) append(line, {t(". Tollgate: "), u(find_tollgate(s, gate)->name)});
    line.push_back(t("."));
    auto d = c.publicly({c.ev(followup_added{id, cmd.text, gate, owner, cmd.ticket})}, doc(std::move(line)));
    nudge_on_blame(c, cmd.text, d);
    return d;
}

namespace {

std::optional<rejection> need_followup(ctx const& c, item_ref const& ref, followup const*& out)
{
    if (auto r = need_incident(c)) return r;
    out = find_followup(c.s(), ref.id);
    if (out) return std::nullopt;
    return c.reject(errc::not_found, inlines{t("There is no follow-up " + hash(ref.id) + " in "), strong(incident_label(c.s().number)), t(". "),
                                             code("/incident followups"), t(" lists the open ones.")});
}

} // namespace

outcome handle(ctx const& c, update_followup const& cmd)
{
    followup const* f = nullptr;
    if (auto r = need_followup(c, cmd.ref, f)) return *r;
    inlines line{t("Follow-up "), strong(incident_label(c.s().number) + hash(f->id)), t(" updated by "), who(c.r.who), t(":")};
    if (cmd.owner) append(line, {t(" owner "), who(*cmd.owner)});
    if (cmd.ticket) append(line, {t(cmd.owner ? "," : ""), t(" ticket "), u(*cmd.ticket)});
    line.push_back(t("."));
    return c.publicly({c.ev(followup_updated{f->id, cmd.owner, cmd.ticket})}, doc(std::move(line)));
}

outcome handle(ctx const& c, complete_followup const& cmd)
{
    followup const* f = nullptr;
    if (auto r = need_followup(c, cmd.ref, f)) return *r;
    if (f->done)
        return c.reject(errc::invalid, inlines{t("Follow-up " + hash(f->id) + " was already marked done by "), who(f->done->by), t(" at " + format_iso8601(f->done->at) + ".")});
    auto remaining = open_followup_count(c.s()) - 1;
    inlines line{t("Follow-up "), strong(incident_label(c.s().number) + hash(f->id)), t(" ("), u(f->text), t(") is done, marked by "), who(c.r.who), t(". ")};
    line.push_back(t(remaining == 0 ? "No follow-ups remain open for this incident." : std::to_string(remaining) + " still open for this incident."));
    return c.publicly({c.ev(followup_completed{f->id})}, doc(std::move(line)));
}

outcome handle(ctx const& c, publish_postmortem const&)
{
    if (auto r = need_open(c)) return *r;
    auto const& s = c.s();
    if (s.current != phase::postmortem)
        return c.reject(errc::wrong_phase,
                        inlines{t("Publishing comes at the end of the Post-mortem; "), strong(incident_label(s.number)), t(" is in "),
                                strong(std::string(phase_title(s.current))), t(". "),
                                t(s.current == phase::discovery ? "Confirming a root cause (" : "Once an option is chosen, "),
                                code(s.current == phase::discovery ? "/rootcause confirm #id" : "/mitigation done"),
                                t(s.current == phase::discovery ? ") moves it to Mitigation, and a completed mitigation to the Post-mortem."
                                                                : " moves it to the Post-mortem.")});
    bool allowed = may_decide(s, c.r.who) || (s.scribe && same_person(s.scribe->user, c.r.who));
    if (!allowed)
        return c.reject(errc::not_allowed, inlines{t("Publishing is for the lead ("), who(lead_of(s)), t("), the decider or the scribe. Preview it with "),
                                                   code("/postmortem"), t(".")});
    auto gaps = publish_gaps(s, c.p);
    if (!gaps.empty()) {
        document body{{paragraph{{t("The post-mortem for "), strong(incident_label(s.number)), t(" can't be published yet. Still missing:")}}}};
        bullet_list list;
        for (auto& g : gaps) list.items.push_back({std::move(g), {}});
        body.blocks.push_back(std::move(list));
        return rejection{errc::publish_incomplete, c.caller(std::move(body))};
    }
    auto closing = c.ev(incident_closed{closure::published, {}});
    auto d = c.publicly({closing}, doc({t("Post-mortem for "), strong(incident_label(s.number)), t(" published by "), who(c.r.who), t(".")}));
    // The published document is rendered from the state as it will be after closing.
    incident_state after = s;
    apply(after, closing);
    d.effects.push_back(c.everyone(render_postmortem(after, c.r.now, c.p), message_kind::postmortem));
    d.effects.push_back(c.everyone(document{say(c.p.prompts, "phase.published",
                                                {{"incident", {strong(incident_label(s.number))}},
                                                 {"open", {t(std::to_string(open_followup_count(s)))}}})},
                                   message_kind::phase_prompt));
    return d;
}

} // namespace detail
} // namespace coolhead::commands

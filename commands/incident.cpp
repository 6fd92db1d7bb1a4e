// /incident: the call's housekeeping.
//
// | subcommand          | allowed when                                   | records                     | answer   |
// |---------------------|------------------------------------------------|-----------------------------|----------|
// | start <title>       | no open incident in the channel                | incident_started, links     | everyone |
// | status [INC-n]      | always                                         | nothing                     | caller   |
// | note <text>         | open                                           | note_added                  | everyone |
// | update <text>       | open                                           | status_update_posted        | everyone |
// | remind <i|off>      | open; interval within the policy's bounds      | reminder_interval_set       | everyone |
// | lead/role @user     | open; not already holding that role            | role_assigned               | everyone |
// | severity <1-4>      | open; a different severity                     | severity_changed            | everyone |
// | breakout <topic>    | open                                           | breakout_opened             | everyone |
// | breakout report #id | open; the breakout exists and is not reported  | breakout_reported           | everyone |
// | resolve <reason>    | open; the lead or the decider                  | incident_closed (resolved)  | everyone |
// | list / followups    | always                                         | nothing                     | caller   |
// | help [sub]          | always                                         | nothing                     | caller   |
//
// The starter is the lead until `lead @user` hands it over; the reporter is the starter unless
// `reporter=@user` says otherwise. Severity is 1 (most severe) to 4, default 3.
#include "commands/rules.hpp"

namespace coolhead::commands::detail {
namespace {

using namespace markup;

inlines sev_label(int sev) { return {strong("SEV" + std::to_string(sev))}; }

template <class... Blocks>
document blocks_doc(Blocks&&... b)
{
    document d;
    (d.blocks.push_back(std::forward<Blocks>(b)), ...);
    return d;
}

void append_blocks(document& d, std::vector<block> more)
{
    for (auto& b : more) d.blocks.push_back(std::move(b));
}

} // namespace

outcome handle(ctx const& c, start_incident const& cmd)
{
    if (c.has_incident() && c.s().is_open()) {
        auto const& s = c.s();
        return c.reject(errc::already_active,
                        inlines{strong(incident_label(s.number)), t(" (\""), u(s.title), t("\") is still open in this channel, in "),
                                t(phase_title(s.current)), t(". One incident per channel keeps the call readable: finish or "),
                                code("/incident resolve <reason>"), t(" that one first, or start the new one in another channel.")});
    }
    auto number = c.w.next_number;
    user_ref reporter = cmd.reporter.value_or(c.r.who);
    std::vector<event> events{c.ev(incident_started{number, c.r.channel, cmd.title, cmd.severity, reporter})};
    auto links = find_recurrences(cmd.title, c.w.overview);
    for (auto& l : links) events.push_back(c.ev(l));

    inlines head{strong(incident_label(number)), t(" declared: "), u(cmd.title), t(" (")};
    append(head, sev_label(cmd.severity));
    append(head, {t("). Lead: "), who(c.r.who), t(".")});
    if (!same_person(reporter, c.r.who)) append(head, {t(" Reported by "), who(reporter), t(".")});
    document body = blocks_doc(paragraph{head});
    if (!links.empty()) {
        body.blocks.push_back(paragraph{{t("This looks like an earlier incident that still has open follow-ups:")}});
        bullet_list list;
        for (auto const& l : links) {
            list_item item{{strong(incident_label(l.earlier)), t(" "), u(l.earlier_title)}, {}};
            auto const* earlier = *std::find_if(c.w.overview.begin(), c.w.overview.end(),
                                                [&](incident_state const* s) { return s && s->number == l.earlier; });
            for (auto id : l.open_followups) {
                auto const* f = find_followup(*earlier, id);
                inlines child{t("follow-up #" + std::to_string(id) + ": "), u(f->text), t(", owner "), who(f->owner)};
                if (!f->ticket.empty()) append(child, {t(", ticket "), u(f->ticket)});
                item.children.push_back(std::move(child));
            }
            list.items.push_back(std::move(item));
        }
        body.blocks.push_back(std::move(list));
        body.blocks.push_back(paragraph{{t("The link is recorded and the post-mortem will show it.")}});
    }
    decision d{number, std::move(events), c.everyone(std::move(body), message_kind::announcement), {}};
    document prompt;
    append_blocks(prompt, say(c.p.prompts, "phase.discovery", {{"incident", {strong(incident_label(number))}}}));
    d.effects.push_back(c.everyone(std::move(prompt), message_kind::phase_prompt));
    nudge_on_blame(c, cmd.title, d);
    return d;
}

outcome handle(ctx const& c, show_status const& cmd)
{
    if (!c.has_incident()) {
        if (cmd.incident)
            return c.reject(errc::not_found, inlines{t("I have no record of "), strong(incident_label(*cmd.incident)), t(".")});
        return c.reject(errc::no_incident,
                        inlines{t("There is no incident in this channel. Start one with "), code("/incident start <title>"),
                                t(", or see every open one with "), code("/incident list"), t(".")});
    }
    return c.privately(render_status(c.s(), c.r.now, c.p));
}

outcome handle(ctx const& c, add_note const& cmd)
{
    if (auto r = need_open(c)) return *r;
    auto d = c.publicly({c.ev(note_added{cmd.text})},
                        doc({t("Note for "), strong(incident_label(c.s().number)), t(" from "), who(c.r.who), t(": "), u(cmd.text)}));
    nudge_on_blame(c, cmd.text, d);
    return d;
}

outcome handle(ctx const& c, post_update const& cmd)
{
    if (auto r = need_open(c)) return *r;
    auto d = c.publicly({c.ev(status_update_posted{cmd.text})},
                        doc({t("Stakeholder update for "), strong(incident_label(c.s().number)), t(" from "), who(c.r.who), t(": "),
                             u(cmd.text)}));
    nudge_on_blame(c, cmd.text, d);
    return d;
}

outcome handle(ctx const& c, set_reminder const& cmd)
{
    if (auto r = need_open(c)) return *r;
    if (cmd.interval && (*cmd.interval < c.p.min_reminder_interval || *cmd.interval > c.p.max_reminder_interval))
        return c.reject(errc::invalid, inlines{t("Pick an interval from " + format_duration(c.p.min_reminder_interval) + " to " +
                                                 format_duration(c.p.max_reminder_interval) + ", or "),
                                               code("off"), t(".")});
    if (!cmd.interval)
        return c.publicly({c.ev(reminder_interval_set{std::nullopt})},
                          doc({t("Stakeholder update reminders for "), strong(incident_label(c.s().number)), t(" are off ("),
                               who(c.r.who), t("). Turn them back on with "), code("/incident remind 30m"), t(".")}));
    return c.publicly({c.ev(reminder_interval_set{cmd.interval})},
                      doc({t("I'll ask for a stakeholder update on "), strong(incident_label(c.s().number)), t(" every "),
                           strong(format_duration(*cmd.interval)), t(" ("), who(c.r.who), t(").")}));
}

outcome handle(ctx const& c, assign_role const& cmd)
{
    if (auto r = need_open(c)) return *r;
    auto const& s = c.s();
    std::optional<role_holder> const* current = nullptr;
    switch (cmd.what) {
    case role::lead: current = &s.lead; break;
    case role::decider: current = &s.decider; break;
    case role::scribe: current = &s.scribe; break;
    case role::comms: current = &s.comms; break;
    case role::sme: break;
    }
    user_ref previous;
    if (cmd.what == role::lead) previous = lead_of(s);
    else if (current && *current) previous = (*current)->user;
    bool already = cmd.what == role::sme
                       ? std::any_of(s.smes.begin(), s.smes.end(), [&](role_holder const& h) { return same_person(h.user, cmd.user); })
                       : same_person(previous, cmd.user);
    if (already)
        return c.reject(errc::invalid, inlines{who(cmd.user), t(" already has the " + std::string(role_name(cmd.what)) + " role.")});
    inlines line{who(cmd.user), t(" is now ")};
    line.push_back(t(cmd.what == role::sme ? "a subject-matter expert" : "the " + std::string(role_name(cmd.what))));
    append(line, {t(" for "), strong(incident_label(s.number)), t(" (assigned by "), who(c.r.who)});
    if (!previous.id.empty() || !previous.name.empty()) append(line, {t("; before: "), who(previous)});
    line.push_back(t(")."));
    return c.publicly({c.ev(role_assigned{cmd.what, cmd.user})}, doc(std::move(line)));
}

outcome handle(ctx const& c, set_severity const& cmd)
{
    if (auto r = need_open(c)) return *r;
    if (c.s().severity == cmd.severity)
        return c.reject(errc::invalid, inlines{strong(incident_label(c.s().number)), t(" is already "), strong("SEV" + std::to_string(cmd.severity)), t(".")});
    return c.publicly({c.ev(severity_changed{cmd.severity})},
                      doc({strong(incident_label(c.s().number)), t(" is now "), strong("SEV" + std::to_string(cmd.severity)),
                           t(" (was SEV" + std::to_string(c.s().severity) + ", changed by "), who(c.r.who), t(").")}));
}

outcome handle(ctx const& c, open_breakout const& cmd)
{
    if (auto r = need_open(c)) return *r;
    auto id = c.s().breakouts.size() + 1;
    inlines line{t("Breakout "), strong("#" + std::to_string(id)), t(" on "), u(cmd.topic), t(", owned by "), who(c.r.who)};
    if (!cmd.members.empty()) {
        line.push_back(t(", with "));
        for (std::size_t i = 0; i < cmd.members.size(); ++i) {
            if (i > 0) line.push_back(t(i + 1 == cmd.members.size() ? " and " : ", "));
            line.push_back(ping(cmd.members[i]));
        }
    }
    append(line, {t(". Report what it finds with "), code("/incident breakout report #" + std::to_string(id) + " <finding>"), t(".")});
    auto d = c.publicly({c.ev(breakout_opened{id, cmd.topic, cmd.members})}, doc(std::move(line)));
    nudge_on_blame(c, cmd.topic, d);
    return d;
}

outcome handle(ctx const& c, report_breakout const& cmd)
{
    if (auto r = need_open(c)) return *r;
    auto const* b = find_breakout(c.s(), cmd.id);
    if (!b) return c.reject(errc::not_found, inlines{t("There is no breakout #" + std::to_string(cmd.id) + " in "), strong(incident_label(c.s().number)), t(".")});
    if (b->reported)
        return c.reject(errc::invalid, inlines{t("Breakout #" + std::to_string(cmd.id) + " already reported its finding ("), who(b->reported->by),
                                               t("). Add more with "), code("/incident note <text>"), t(".")});
    auto d = c.publicly({c.ev(breakout_reported{cmd.id, cmd.finding})},
                        doc({t("Breakout #" + std::to_string(cmd.id) + " ("), u(b->topic), t(") reports, via "), who(c.r.who), t(": "),
                             u(cmd.finding)}));
    nudge_on_blame(c, cmd.finding, d);
    return d;
}

outcome handle(ctx const& c, resolve_incident const& cmd)
{
    if (auto r = need_open(c)) return *r;
    auto const& s = c.s();
    if (!may_decide(s, c.r.who))
        return c.reject(errc::not_allowed,
                        inlines{t("Closing without a post-mortem is for the lead ("), who(lead_of(s)), t(") or the decider to call. Ask them, or "
                                                                                         "take the lead first with "),
                                code("/incident lead @you"), t(".")});
    auto d = c.publicly({c.ev(incident_closed{closure::resolved, cmd.reason})}, {});
    d.reply = c.everyone(document{say(c.p.prompts, "phase.resolved", {{"incident", {strong(incident_label(s.number))}}, {"reason", {u(cmd.reason)}}})},
                         message_kind::announcement);
    return d;
}

outcome handle(ctx const& c, list_incidents const&) { return c.privately(render_incident_list(c.w.overview, c.r.now)); }

outcome handle(ctx const& c, list_followups const&) { return c.privately(render_followup_list(c.w.overview)); }

outcome handle(ctx const& c, show_help const& cmd) { return c.privately(render_help(cmd.of, cmd.topic)); }

} // namespace coolhead::commands::detail

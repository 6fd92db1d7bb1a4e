#include "commands/render.hpp"

#include "commands/decide.hpp"
#include "commands/reminders.hpp"

#include <algorithm>
#include <map>

namespace coolhead::commands {
namespace {

using namespace markup;

std::string hash(std::uint64_t id) { return "#" + std::to_string(id); }
std::string iso(timestamp t) { return format_iso8601(t); }

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

/// The end of the incident's clock: when it closed, or now.
timestamp end_of(incident_state const& s, timestamp now) { return s.closed ? s.closed->made.at : now; }

void people(inlines& line, std::vector<user_ref> const& users)
{
    for (std::size_t i = 0; i < users.size(); ++i) {
        if (i > 0) line.push_back(t(", "));
        line.push_back(who(users[i]));
    }
}

std::string status_word(hypothesis const& h)
{
    switch (h.state) {
    case hypothesis::status::open: return "open";
    case hypothesis::status::confirmed: return "confirmed";
    case hypothesis::status::rejected: return "rejected";
    }
    return "";
}

list_item hypothesis_item(hypothesis const& h, timestamp now, bool detailed)
{
    list_item item{{strong(hash(h.id)), t(" (" + status_word(h) + ") "), u(h.text)}, {}};
    inlines by{t("proposed by "), who(h.proposed.by)};
    if (detailed) by.push_back(t(" at " + iso(h.proposed.at)));
    else by.push_back(t(", " + format_duration(now - h.proposed.at) + " ago"));
    if (h.confirmed) {
        append(by, {t("; confirmed by "), who(h.confirmed->by)});
        if (detailed) by.push_back(t(" at " + iso(h.confirmed->at)));
    }
    if (h.rejected) {
        append(by, {t("; rejected by "), who(h.rejected->by)});
        if (detailed) by.push_back(t(" at " + iso(h.rejected->at)));
        append(by, {t(": "), u(h.rejected_why)});
    }
    item.children.push_back(std::move(by));
    return item;
}

list_item option_item(incident_state const& s, option const& o, bool detailed)
{
    list_item item{{strong(hash(o.id)), t(" "), u(o.text)}, {}};
    auto const* ch = current_choice(s);
    if (s.mitigation_done && s.mitigated_option == o.id) item.content.push_back(t(" (chosen, done)"));
    else if (ch && ch->option == o.id) item.content.push_back(t(" (chosen)"));
    if (o.vetoed()) item.content.push_back(t(" (vetoed)"));
    item.children.push_back({t("Impact: "), o.impact.empty() ? t("not stated") : u(o.impact)});
    item.children.push_back({t("Recovery time: "), o.recovery.empty() ? t("not stated") : u(o.recovery)});
    for (auto const& tr : o.tradeoffs) item.children.push_back({t(tr.pro ? "Pro (" : "Con ("), who(tr.added.by), t("): "), u(tr.text)});
    for (auto const& v : o.vetoes) {
        inlines line{t("Vetoed by "), who(v.made.by)};
        if (detailed) line.push_back(t(" at " + iso(v.made.at)));
        if (v.why.empty()) line.push_back(t(", no reason given"));
        else append(line, {t(": "), u(v.why)});
        item.children.push_back(std::move(line));
    }
    inlines by{t("Proposed by "), who(o.proposed.by)};
    if (detailed) by.push_back(t(" at " + iso(o.proposed.at)));
    item.children.push_back(std::move(by));
    return item;
}

/// What would move the call on, in one line.
inlines next_step(incident_state const& s, policy const& p)
{
    if (s.closed) {
        auto open = open_followup_count(s);
        return {t(open == 0 ? "Nothing: the incident is closed and its follow-ups are done."
                            : "The incident is closed; " + std::to_string(open) + " follow-up(s) are still open (" ),
                open == 0 ? t("") : code("/incident followups"), t(open == 0 ? "" : ").")};
    }
    auto const* ch = current_choice(s);
    bool chosen_ok = ch && !(find_option(s, ch->option) && find_option(s, ch->option)->vetoed());
    switch (s.current) {
    case phase::discovery: {
        inlines line;
        if (open_hypotheses(s).empty())
            line = {t("Propose a root cause with "), code("/rootcause <what you think happened>"), t(".")};
        else
            line = {t("Someone other than its author confirms a hypothesis with "), code("/rootcause confirm #id"), t(", or rejects it with "),
                    code("/rootcause reject #id <why>"), t(".")};
        if (chosen_ok) append(line, {t(" Option " + hash(ch->option) + " is chosen; when it's in place, "), code("/mitigation done"), t(".")});
        return line;
    }
    case phase::mitigation:
        if (s.options.empty()) return {t("Propose options with "), code("/mitigation <option> impact=… recovery=…"), t(".")};
        if (!chosen_ok) {
            inlines line{t("The lead ("), who(lead_of(s)), t(")")};
            if (s.decider) append(line, {t(" or the decider ("), who(s.decider->user), t(")")});
            append(line, {t(" chooses with "), code("/mitigation choose #id"), t(".")});
            return line;
        }
        return {t("When option " + hash(ch->option) + " is in place: "), code("/mitigation done"), t(".")};
    case phase::postmortem: {
        auto gaps = publish_gaps(s, p);
        if (gaps.empty()) return {t("Ready to publish: "), code("/postmortem publish"), t(".")};
        return {t(std::to_string(gaps.size()) + " thing(s) to fill in before publishing; "), code("/postmortem"), t(" shows them.")};
    }
    case phase::closed: break;
    }
    return {};
}

inlines sev(int n) { return {strong("SEV" + std::to_string(n))}; }

} // namespace

inlines incident_heading(incident_state const& s) { return {strong(incident_label(s.number)), t(" · "), u(s.title)}; }

markup::document render_status(incident_state const& s, timestamp now, policy const& p)
{
    document d;
    d.blocks.push_back(heading{2, incident_heading(s)});
    inlines facts{strong(std::string(phase_title(s.current)))};
    if (s.closed) {
        append(facts, {t(s.closed->how == closure::published ? " (post-mortem published " : " (resolved without a post-mortem "),
                       t(iso(s.closed->made.at) + ")")});
    } else {
        facts.push_back(t(" · " + format_duration(now - s.started.at) + " since the start"));
    }
    facts.push_back(t(" · "));
    append(facts, sev(s.severity));
    append(facts, {t(" · lead "), who(lead_of(s))});
    if (s.decider) append(facts, {t(" · decider "), who(s.decider->user)});
    if (s.comms) append(facts, {t(" · comms "), who(s.comms->user)});
    if (s.scribe) append(facts, {t(" · scribe "), who(s.scribe->user)});
    if (!s.smes.empty()) {
        facts.push_back(t(" · experts "));
        std::vector<user_ref> smes;
        for (auto const& h : s.smes) smes.push_back(h.user);
        people(facts, smes);
    }
    d.blocks.push_back(paragraph{facts});

    if (!s.hypotheses.empty()) {
        d.blocks.push_back(paragraph{{strong("Hypotheses")}});
        bullet_list l;
        for (auto const& h : s.hypotheses) l.items.push_back(hypothesis_item(h, now, false));
        d.blocks.push_back(std::move(l));
    }
    if (!s.options.empty()) {
        d.blocks.push_back(paragraph{{strong("Mitigation options")}});
        bullet_list l;
        for (auto const& o : s.options) {
            auto item = option_item(s, o, false);
            item.children.clear(); // short form in the status; /mitigation shows the details
            if (!o.impact.empty()) append(item.content, {t(" · impact: "), u(o.impact)});
            if (!o.recovery.empty()) append(item.content, {t(" · recovery: "), u(o.recovery)});
            l.items.push_back(std::move(item));
        }
        d.blocks.push_back(std::move(l));
    }
    std::vector<breakout const*> open_breakouts;
    for (auto const& b : s.breakouts)
        if (!b.reported) open_breakouts.push_back(&b);
    if (!open_breakouts.empty()) {
        d.blocks.push_back(paragraph{{strong("Open breakouts")}});
        bullet_list l;
        for (auto const* b : open_breakouts) {
            inlines line{strong(hash(b->id)), t(" "), u(b->topic), t(", owner "), who(b->opened.by)};
            if (!b->members.empty()) {
                line.push_back(t(", with "));
                people(line, b->members);
            }
            line.push_back(t(", opened " + format_duration(now - b->opened.at) + " ago"));
            l.items.push_back({std::move(line), {}});
        }
        d.blocks.push_back(std::move(l));
    }
    if (s.is_open() && (s.current == phase::discovery || s.current == phase::mitigation)) {
        inlines line{strong("Stakeholder updates: ")};
        if (s.reminders_off) {
            append(line, {t("reminders are off ("), code("/incident remind 30m"), t(" turns them on).")});
        } else {
            auto interval = s.status_interval.value_or(p.status_interval);
            auto base = s.last_status_update.value_or(s.started.at);
            auto due = base + interval;
            line.push_back(t(s.last_status_update ? "last one " + format_duration(now - base) + " ago; " : "none yet; "));
            line.push_back(t(due >= now ? "next due in " + format_duration(due - now) : "overdue by " + format_duration(now - due)));
            line.push_back(t(" (every " + format_duration(interval) + ")."));
        }
        d.blocks.push_back(paragraph{line});
    }
    inlines next{strong("Next: ")};
    append(next, next_step(s, p));
    d.blocks.push_back(paragraph{next});
    return d;
}

markup::document render_hypotheses(incident_state const& s, timestamp now)
{
    document d;
    if (s.hypotheses.empty()) {
        d.blocks.push_back(paragraph{{t("No hypotheses yet in "), strong(incident_label(s.number)), t(". Propose one with "),
                                      code("/rootcause <what you think happened>"), t(".")}});
        return d;
    }
    d.blocks.push_back(paragraph{{t("Hypotheses in "), strong(incident_label(s.number)), t(":")}});
    bullet_list l;
    for (auto const& h : s.hypotheses) l.items.push_back(hypothesis_item(h, now, false));
    d.blocks.push_back(std::move(l));
    return d;
}

markup::document render_options(incident_state const& s)
{
    document d;
    if (s.options.empty()) {
        d.blocks.push_back(paragraph{{t("No mitigation options yet in "), strong(incident_label(s.number)), t(". Propose one with "),
                                      code("/mitigation <option> impact=… recovery=…"), t(".")}});
        return d;
    }
    d.blocks.push_back(paragraph{{t("Mitigation options in "), strong(incident_label(s.number)), t(":")}});
    bullet_list l;
    for (auto const& o : s.options) l.items.push_back(option_item(s, o, false));
    d.blocks.push_back(std::move(l));
    return d;
}

markup::inlines describe(event const& e, incident_state const& s)
{
    auto opt_text = [&](std::uint64_t id) -> inlines {
        if (auto const* o = find_option(s, id)) return {t(" ("), u(o->text), t(")")};
        return {};
    };
    return std::visit(
        overloaded{
            [&](incident_started const& x) -> inlines {
                inlines l{t("Incident declared: "), u(x.title), t(" (")};
                append(l, sev(x.severity));
                append(l, {t("), reported by "), who(x.reporter), t(".")});
                return l;
            },
            [&](severity_changed const& x) -> inlines {
                inlines l{t("Severity changed to ")};
                append(l, sev(x.severity));
                l.push_back(t("."));
                return l;
            },
            [&](role_assigned const& x) -> inlines {
                return {who(x.user), t(" assigned as " + std::string(role_name(x.what)) + ".")};
            },
            [&](note_added const& x) -> inlines { return {t("Note: "), u(x.text)}; },
            [&](status_update_posted const& x) -> inlines { return {t("Stakeholder update: "), u(x.text)}; },
            [&](reminder_interval_set const& x) -> inlines {
                if (!x.interval) return {t("Stakeholder update reminders turned off.")};
                return {t("Stakeholder update reminders set to every " + format_duration(*x.interval) + ".")};
            },
            [&](breakout_opened const& x) -> inlines {
                inlines l{t("Breakout " + hash(x.id) + " opened: "), u(x.topic)};
                if (!x.members.empty()) {
                    l.push_back(t(" (with "));
                    people(l, x.members);
                    l.push_back(t(")"));
                }
                l.push_back(t("."));
                return l;
            },
            [&](breakout_reported const& x) -> inlines { return {t("Breakout " + hash(x.id) + " reported: "), u(x.finding)}; },
            [&](hypothesis_proposed const& x) -> inlines { return {t("Hypothesis " + hash(x.id) + " proposed: "), u(x.text)}; },
            [&](hypothesis_confirmed const& x) -> inlines { return {t("Hypothesis " + hash(x.id) + " confirmed as the root cause.")}; },
            [&](hypothesis_rejected const& x) -> inlines { return {t("Hypothesis " + hash(x.id) + " rejected: "), u(x.why)}; },
            [&](option_proposed const& x) -> inlines {
                inlines l{t("Option " + hash(x.id) + " proposed: "), u(x.text)};
                if (!x.impact.empty()) append(l, {t("; impact: "), u(x.impact)});
                if (!x.recovery.empty()) append(l, {t("; recovery time: "), u(x.recovery)});
                return l;
            },
            [&](option_tradeoff_added const& x) -> inlines {
                return {t(std::string(x.pro ? "Pro" : "Con") + " for option " + hash(x.id) + ": "), u(x.text)};
            },
            [&](option_vetoed const& x) -> inlines {
                if (x.why.empty()) return {t("Option " + hash(x.id) + " vetoed, no reason given.")};
                return {t("Option " + hash(x.id) + " vetoed: "), u(x.why)};
            },
            [&](option_chosen const& x) -> inlines {
                inlines l{t("Option " + hash(x.id) + " chosen")};
                append(l, opt_text(x.id));
                l.push_back(t(x.before_rootcause ? ", before a root cause was confirmed." : "."));
                return l;
            },
            [&](mitigation_completed const& x) -> inlines {
                inlines l{t("Mitigation done: option " + hash(x.id))};
                append(l, opt_text(x.id));
                l.push_back(t("."));
                return l;
            },
            [&](phase_entered const& x) -> inlines { return {t("Phase: " + std::string(phase_title(x.to)) + ".")}; },
            [&](tollgate_recorded const& x) -> inlines {
                if (!x.applicable) return {t("Tollgate " + hash(x.id) + " "), u(x.name), t(" not applicable: "), u(x.how)};
                return {t("Tollgate " + hash(x.id) + " "), u(x.name), t(" missed: "), u(x.how)};
            },
            [&](followup_added const& x) -> inlines {
                inlines l{t("Follow-up " + hash(x.id) + " added: "), u(x.text), t(" (owner "), who(x.owner)};
                if (!x.ticket.empty()) append(l, {t(", ticket "), u(x.ticket)});
                if (x.tollgate) l.push_back(t(", tollgate " + hash(x.tollgate)));
                l.push_back(t(")."));
                return l;
            },
            [&](followup_updated const& x) -> inlines {
                inlines l{t("Follow-up " + hash(x.id) + " updated:")};
                if (x.owner) append(l, {t(" owner "), who(*x.owner)});
                if (x.ticket) append(l, {t(x.owner ? ", ticket " : " ticket "), u(*x.ticket)});
                l.push_back(t("."));
                return l;
            },
            [&](followup_completed const& x) -> inlines { return {t("Follow-up " + hash(x.id) + " done.")}; },
            [&](incident_closed const& x) -> inlines {
                if (x.how == closure::published) return {t("Post-mortem published; incident closed.")};
                return {t("Resolved without a post-mortem: "), u(x.reason)};
            },
            [&](recurrence_linked const& x) -> inlines {
                inlines l{t("Linked to earlier incident " + incident_label(x.earlier) + " ("), u(x.earlier_title), t(")")};
                if (!x.open_followups.empty()) {
                    std::string ids;
                    for (auto id : x.open_followups) ids += (ids.empty() ? "" : ", ") + hash(id);
                    l.push_back(t(", whose follow-ups " + ids + " were still open"));
                }
                l.push_back(t("."));
                return l;
            },
            [&](message_pinned const& x) -> inlines {
                return {t("Pinned a message from "), who(x.author), t(" (" + iso(x.posted_at) + "): "), u(x.text)};
            },
            [&](message_unpinned const&) -> inlines { return {t("Removed a pin from the timeline.")}; },
            [&](pinned_message_edited const& x) -> inlines {
                return {t("A pinned message was edited; it now says: "), u(x.text)};
            },
            [&](pinned_message_deleted const&) -> inlines {
                return {t("A pinned message was deleted on the platform; what it said stays above.")};
            },
            [&](reminder_sent const& x) -> inlines { return {t("Reminder sent (" + std::string(reminder_name(x.kind)) + ").")}; },
            [&](nudge_sent const& x) -> inlines { return {t("Reminder sent (" + std::string(nudge_name(x.kind)) + ").")}; },
        },
        e.what);
}

markup::document render_postmortem(incident_state const& s, timestamp now, policy const& p)
{
    document d;
    auto end = end_of(s, now);
    bool draft = !s.closed;

    d.blocks.push_back(heading{1, {t("Post-mortem: "), strong(incident_label(s.number)), t(" · "), u(s.title)}});
    inlines title;
    append(title, sev(s.severity));
    append(title, {t(" · Lead: "), who(lead_of(s)), t(" · Started: " + iso(s.started.at))});
    if (s.mitigation_done) title.push_back(t(" · Duration: " + format_duration(s.mitigation_done->at - s.started.at) + " (start to mitigation done)"));
    else title.push_back(t(" · Duration: " + format_duration(end - s.started.at) + ", not mitigated"));
    if (!s.closed) title.push_back(t(" · Status: draft"));
    else if (s.closed->how == closure::published) append(title, {t(" · Published " + iso(s.closed->made.at) + " by "), who(s.closed->made.by)});
    else append(title, {t(" · Resolved without a post-mortem " + iso(s.closed->made.at) + " by "), who(s.closed->made.by), t(": "), u(s.closed->reason)});
    d.blocks.push_back(paragraph{title});

    // 1. The issue reported
    d.blocks.push_back(heading{2, {t("1. The issue reported")}});
    inlines reported{t("Reported by "), who(s.reporter), t(" at " + iso(s.started.at) + ": "), u(s.title), t(".")};
    if (!same_person(s.reporter, s.started.by)) append(reported, {t(" Declared by "), who(s.started.by), t(".")});
    d.blocks.push_back(paragraph{reported});

    // 2. Root cause
    d.blocks.push_back(heading{2, {t("2. Root cause")}});
    if (auto const* h = confirmed_hypothesis(s)) {
        d.blocks.push_back(paragraph{{strong(hash(h->id)), t(" "), u(h->text)}});
        d.blocks.push_back(paragraph{{t("Proposed by "), who(h->proposed.by), t(" at " + iso(h->proposed.at) + "; confirmed by "), who(h->confirmed->by),
                                      t(" at " + iso(h->confirmed->at) + ".")}});
    } else {
        d.blocks.push_back(paragraph{{t("No root cause has been confirmed.")}});
    }
    bullet_list rejected, left_open;
    for (auto const& h : s.hypotheses) {
        if (h.state == hypothesis::status::rejected) rejected.items.push_back(hypothesis_item(h, now, true));
        else if (h.state == hypothesis::status::open) left_open.items.push_back(hypothesis_item(h, now, true));
    }
    if (!rejected.items.empty()) {
        d.blocks.push_back(paragraph{{strong("Rejected hypotheses")}});
        d.blocks.push_back(std::move(rejected));
    }
    if (!left_open.items.empty()) {
        d.blocks.push_back(paragraph{{strong("Hypotheses neither confirmed nor rejected")}});
        d.blocks.push_back(std::move(left_open));
    }
    if (!s.breakouts.empty()) {
        d.blocks.push_back(paragraph{{strong("Breakouts")}});
        bullet_list l;
        for (auto const& b : s.breakouts) {
            list_item item{{strong(hash(b.id)), t(" "), u(b.topic), t(", owner "), who(b.opened.by)}, {}};
            if (!b.members.empty()) {
                item.content.push_back(t(", with "));
                people(item.content, b.members);
            }
            if (b.reported) item.children.push_back({t("Finding (" + iso(b.reported->at) + "): "), u(b.finding)});
            else item.children.push_back({t("No finding reported.")});
            l.items.push_back(std::move(item));
        }
        d.blocks.push_back(std::move(l));
    }

    // 3. Mitigation
    d.blocks.push_back(heading{2, {t("3. Mitigation")}});
    if (s.options.empty()) {
        d.blocks.push_back(paragraph{{t("No mitigation options were recorded.")}});
    } else {
        d.blocks.push_back(paragraph{{strong("Options considered")}});
        bullet_list l;
        for (auto const& o : s.options) l.items.push_back(option_item(s, o, true));
        d.blocks.push_back(std::move(l));
    }
    if (!s.decisions.empty()) {
        bullet_list l;
        for (auto const& ch : s.decisions) {
            inlines line{t("Option " + hash(ch.option) + " chosen by "), who(ch.made.by), t(" at " + iso(ch.made.at) + ".")};
            if (ch.before_rootcause) {
                // Chosen before a confirmed root cause: state the order of events, nothing more.
                line.push_back(t(" Chosen before a root cause was confirmed"));
                auto const* h = confirmed_hypothesis(s);
                if (h && h->confirmed) line.push_back(t(" (root cause confirmed at " + iso(h->confirmed->at) + ")."));
                else line.push_back(t("."));
            }
            l.items.push_back({std::move(line), {}});
        }
        d.blocks.push_back(paragraph{{strong(s.decisions.size() == 1 ? "Decision" : "Decisions, in order")}});
        d.blocks.push_back(std::move(l));
    }
    if (s.mitigation_done)
        d.blocks.push_back(paragraph{{t("Mitigation done: option " + hash(s.mitigated_option) + ", marked done by "), who(s.mitigation_done->by),
                                      t(" at " + iso(s.mitigation_done->at) + ".")}});
    else
        d.blocks.push_back(paragraph{{t("Mitigation not completed.")}});

    // 4. Prevention
    d.blocks.push_back(heading{2, {t("4. Prevention")}});
    table tb{{"Tollgate", "How it got past", "Follow-up", "Owner", "Ticket"}, {}};
    auto followup_cells = [&](followup const& f) {
        inlines fu{t(hash(f.id) + " "), u(f.text)};
        if (f.done) fu.push_back(t(" (done " + iso(f.done->at) + ")"));
        return std::vector<inlines>{fu, {who(f.owner)}, {f.ticket.empty() ? t("none") : u(f.ticket)}};
    };
    for (auto const& tg : s.tollgates) {
        inlines name{u(tg.name)};
        inlines how = tg.applicable ? inlines{u(tg.how)} : inlines{t("Not applicable: "), u(tg.how)};
        bool any = false;
        for (auto const& f : s.followups) {
            if (f.tollgate != tg.id) continue;
            std::vector<inlines> row{name, how};
            for (auto& cell : followup_cells(f)) row.push_back(std::move(cell));
            tb.rows.push_back(std::move(row));
            any = true;
        }
        if (!any) tb.rows.push_back({name, how, {t(tg.applicable ? "missing" : "none needed")}, {t("")}, {t("")}});
    }
    for (auto const& f : s.followups) {
        if (f.tollgate != 0) continue;
        std::vector<inlines> row{{t("(general)")}, {t("")}};
        for (auto& cell : followup_cells(f)) row.push_back(std::move(cell));
        tb.rows.push_back(std::move(row));
    }
    if (tb.rows.empty()) d.blocks.push_back(paragraph{{t("No tollgates or follow-ups recorded.")}});
    else d.blocks.push_back(std::move(tb));
    std::vector<std::string> unwalked;
    for (auto const& g : p.tollgates)
        if (!find_tollgate(s, g)) unwalked.push_back(g);
    if (!unwalked.empty()) {
        inlines line{t("Tollgates not yet walked: ")};
        for (std::size_t i = 0; i < unwalked.size(); ++i) line.push_back(t((i ? ", " : "") + unwalked[i]));
        line.push_back(t("."));
        d.blocks.push_back(paragraph{line});
    }

    if (!s.related.empty()) {
        d.blocks.push_back(heading{2, {t("Related incidents")}});
        bullet_list l;
        for (auto const& r : s.related) {
            inlines line{strong(incident_label(r.earlier)), t(" "), u(r.earlier_title)};
            if (!r.open_followups.empty()) {
                std::string ids;
                for (auto id : r.open_followups) ids += (ids.empty() ? "" : ", ") + hash(id);
                line.push_back(t(": follow-ups " + ids + " were still open when this incident started"));
            }
            std::string words;
            for (auto const& w : r.shared_words) words += (words.empty() ? "" : ", ") + w;
            line.push_back(t(" (shared words: " + words + ")."));
            l.items.push_back({std::move(line), {}});
        }
        d.blocks.push_back(std::move(l));
    }

    // Timeline
    d.blocks.push_back(heading{2, {t("Timeline (UTC)")}});
    bullet_list tl;
    for (auto const& e : s.log) {
        if (std::holds_alternative<reminder_sent>(e.what) || std::holds_alternative<nudge_sent>(e.what)) continue;
        inlines line{t(iso(e.at) + " · "), who(e.by), t(" · ")};
        append(line, describe(e, s));
        tl.items.push_back({std::move(line), {}});
    }
    d.blocks.push_back(std::move(tl));

    // Metrics
    d.blocks.push_back(heading{2, {t("Metrics")}});
    bullet_list m;
    if (auto const* h = confirmed_hypothesis(s))
        m.items.push_back({{t("Time to confirmed root cause: " + format_duration(h->confirmed->at - s.started.at))}, {}});
    else
        m.items.push_back({{t("Time to confirmed root cause: not confirmed")}, {}});
    if (s.mitigation_done) m.items.push_back({{t("Time to mitigation: " + format_duration(s.mitigation_done->at - s.started.at))}, {}});
    else m.items.push_back({{t("Time to mitigation: not mitigated")}, {}});
    std::map<phase, duration> in_phase;
    for (std::size_t i = 0; i < s.phases.size(); ++i) {
        if (s.phases[i].to == phase::closed) continue;
        auto until = i + 1 < s.phases.size() ? s.phases[i + 1].entered : end;
        in_phase[s.phases[i].to] += until - s.phases[i].entered;
    }
    for (auto ph : {phase::discovery, phase::mitigation, phase::postmortem})
        if (in_phase.contains(ph))
            m.items.push_back({{t("Time in " + std::string(phase_title(ph)) + ": " + format_duration(in_phase[ph]))}, {}});
    m.items.push_back({{t(std::string(draft ? "Total so far: " : "Total: ") + format_duration(end - s.started.at))}, {}});
    d.blocks.push_back(std::move(m));

    if (draft) {
        auto gaps = publish_gaps(s, p);
        d.blocks.push_back(heading{2, {t("Still missing before publishing")}});
        if (gaps.empty()) {
            d.blocks.push_back(paragraph{{t("Nothing. "), code("/postmortem publish"), t(" publishes it.")}});
        } else {
            bullet_list l;
            for (auto& g : gaps) l.items.push_back({std::move(g), {}});
            d.blocks.push_back(std::move(l));
        }
    }
    return d;
}

markup::document render_incident_list(std::span<incident_state const* const> incidents, timestamp now)
{
    document d;
    bullet_list l;
    for (auto const* s : incidents) {
        if (!s || !s->is_open()) continue;
        inlines line{strong(incident_label(s->number)), t(" "), u(s->title), t(" · "), where(s->channel), t(" · ")};
        append(line, sev(s->severity));
        append(line, {t(" · " + std::string(phase_title(s->current)) + " · " + format_duration(now - s->started.at) + " · lead "), who(lead_of(*s))});
        l.items.push_back({std::move(line), {}});
    }
    if (l.items.empty()) {
        d.blocks.push_back(paragraph{{t("No incidents are open. Calm seas.")}});
        return d;
    }
    d.blocks.push_back(paragraph{{t("Open incidents:")}});
    d.blocks.push_back(std::move(l));
    return d;
}

markup::document render_followup_list(std::span<incident_state const* const> incidents)
{
    document d;
    bullet_list l;
    for (auto const* s : incidents) {
        if (!s) continue;
        for (auto const& f : s->followups) {
            if (f.done) continue;
            inlines line{strong(incident_label(s->number) + hash(f.id)), t(" "), u(f.text), t(" · owner "), who(f.owner), t(" · ticket "),
                         f.ticket.empty() ? t("none yet") : u(f.ticket)};
            if (f.tollgate)
                if (auto const* tg = find_tollgate(*s, f.tollgate)) append(line, {t(" · tollgate "), u(tg->name)});
            line.push_back(t(s->closed ? " · incident closed" : " · incident open"));
            l.items.push_back({std::move(line), {}});
        }
    }
    if (l.items.empty()) {
        d.blocks.push_back(paragraph{{t("No follow-ups are open.")}});
        return d;
    }
    d.blocks.push_back(paragraph{{t("Open follow-ups (close one with "), code("/postmortem followup done INC-n#id"), t("):")}});
    d.blocks.push_back(std::move(l));
    return d;
}

markup::document render_help(family f, std::string_view topic)
{
    document d;
    auto table = help_table(f);
    if (!topic.empty()) {
        for (auto const& h : table)
            if (h.name == topic) {
                d.blocks.push_back(paragraph{{code(h.usage)}});
                d.blocks.push_back(paragraph{{t(h.summary)}});
                return d;
            }
    }
    d.blocks.push_back(paragraph{{strong("/" + std::string(family_name(f))), t(" can do this:")}});
    bullet_list l;
    for (auto const& h : table) l.items.push_back({{code(h.usage)}, {{t(h.summary)}}});
    d.blocks.push_back(std::move(l));
    return d;
}

markup::document render_usage_error(usage_error const& e)
{
    document d;
    auto line = fill_inline(e.message, {{"input", {ucode(e.input)}}});
    if (!e.suggestion.empty()) append(line, {t(" Did you mean "), ucode(e.suggestion), t("?")});
    d.blocks.push_back(paragraph{line});
    if (!e.usage.empty()) d.blocks.push_back(paragraph{{t("Usage: "), code(e.usage)}});
    return d;
}

} // namespace coolhead::commands

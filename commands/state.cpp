#include "commands/state.hpp"

#include <algorithm>

namespace coolhead::commands {
namespace {

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

template <class T>
T* by_id(std::vector<T>& items, std::uint64_t id) noexcept
{
    for (auto& x : items)
        if (x.id == id) return &x;
    return nullptr;
}

template <class T>
T const* by_id(std::vector<T> const& items, std::uint64_t id) noexcept
{
    for (auto const& x : items)
        if (x.id == id) return &x;
    return nullptr;
}

} // namespace

void apply(incident_state& s, event const& e)
{
    attribution who{e.by, e.at};
    std::visit(
        overloaded{
            [&](incident_started const& x) {
                s.number = x.number;
                s.channel = x.channel;
                s.title = x.title;
                s.severity = x.severity;
                s.reporter = x.reporter;
                s.started = who;
                s.current = phase::discovery;
                s.phases.push_back({phase::discovery, e.at});
            },
            [&](severity_changed const& x) { s.severity = x.severity; },
            [&](role_assigned const& x) {
                role_holder h{x.user, who};
                switch (x.what) {
                case role::lead: s.lead = h; break;
                case role::decider: s.decider = h; break;
                case role::scribe: s.scribe = h; break;
                case role::comms: s.comms = h; break;
                case role::sme:
                    if (std::none_of(s.smes.begin(), s.smes.end(),
                                     [&](role_holder const& r) { return same_person(r.user, x.user); }))
                        s.smes.push_back(h);
                    break;
                }
            },
            [&](note_added const&) {},
            [&](status_update_posted const&) { s.last_status_update = e.at; },
            [&](reminder_interval_set const& x) {
                s.reminders_off = !x.interval.has_value();
                s.status_interval = x.interval;
            },
            [&](breakout_opened const& x) { s.breakouts.push_back({x.id, x.topic, x.members, who, {}, {}}); },
            [&](breakout_reported const& x) {
                if (auto* b = by_id(s.breakouts, x.id)) {
                    b->reported = who;
                    b->finding = x.finding;
                }
            },
            [&](hypothesis_proposed const& x) {
                s.hypotheses.push_back({x.id, x.text, who, hypothesis::status::open, {}, {}, {}});
            },
            [&](hypothesis_confirmed const& x) {
                if (auto* h = by_id(s.hypotheses, x.id)) {
                    h->state = hypothesis::status::confirmed;
                    h->confirmed = who;
                }
            },
            [&](hypothesis_rejected const& x) {
                if (auto* h = by_id(s.hypotheses, x.id)) {
                    h->state = hypothesis::status::rejected;
                    h->rejected = who;
                    h->rejected_why = x.why;
                }
            },
            [&](option_proposed const& x) {
                s.options.push_back({x.id, x.text, x.impact, x.recovery, who, {}, {}});
            },
            [&](option_tradeoff_added const& x) {
                if (auto* o = by_id(s.options, x.id)) o->tradeoffs.push_back({x.pro, x.text, who});
            },
            [&](option_vetoed const& x) {
                // Vetoing again replaces your own earlier veto (e.g. to add the reason).
                if (auto* o = by_id(s.options, x.id)) {
                    auto it = std::find_if(o->vetoes.begin(), o->vetoes.end(),
                                           [&](veto const& v) { return same_person(v.made.by, e.by); });
                    if (it != o->vetoes.end()) *it = {x.why, who};
                    else o->vetoes.push_back({x.why, who});
                }
            },
            [&](option_chosen const& x) { s.decisions.push_back({x.id, who, x.before_rootcause}); },
            [&](mitigation_completed const& x) {
                s.mitigation_done = who;
                s.mitigated_option = x.id;
            },
            [&](phase_entered const& x) {
                s.current = x.to;
                s.phases.push_back({x.to, e.at});
            },
            [&](tollgate_recorded const& x) {
                if (auto* t = by_id(s.tollgates, x.id)) {
                    t->applicable = x.applicable;
                    t->how = x.how;
                    t->recorded = who;
                } else {
                    s.tollgates.push_back({x.id, x.name, x.applicable, x.how, who});
                }
            },
            [&](followup_added const& x) {
                s.followups.push_back({x.id, x.text, x.tollgate, x.owner, x.ticket, who, {}});
            },
            [&](followup_updated const& x) {
                if (auto* f = by_id(s.followups, x.id)) {
                    if (x.owner) f->owner = *x.owner;
                    if (x.ticket) f->ticket = *x.ticket;
                }
            },
            [&](followup_completed const& x) {
                if (auto* f = by_id(s.followups, x.id)) f->done = who;
            },
            [&](incident_closed const& x) {
                s.closed = closed_info{x.how, x.reason, who};
                s.current = phase::closed;
                s.phases.push_back({phase::closed, e.at});
            },
            [&](recurrence_linked const& x) { s.related.push_back(x); },
            [&](message_pinned const& x) {
                auto it = std::find_if(s.pins.begin(), s.pins.end(),
                                       [&](pin const& p) { return p.message_id == x.message_id; });
                if (it != s.pins.end()) {
                    it->removed = false;
                    it->pinned = who;
                } else {
                    s.pins.push_back({x.message_id, x.author, x.text, x.posted_at, who, false, {}, {}});
                }
            },
            [&](message_unpinned const& x) {
                for (auto& p : s.pins)
                    if (p.message_id == x.message_id) p.removed = true;
            },
            [&](pinned_message_edited const& x) {
                for (auto& p : s.pins)
                    if (p.message_id == x.message_id) p.edits.emplace_back(x.text, e.at);
            },
            [&](pinned_message_deleted const& x) {
                for (auto& p : s.pins)
                    if (p.message_id == x.message_id) p.deleted = e.at;
            },
            [&](reminder_sent const& x) { s.reminders_sent.emplace(x.kind, x.key); },
            [&](nudge_sent const& x) { s.nudges.push_back({x.kind, x.to, e.at}); },
        },
        e.what);
    s.log.push_back(e);
    ++s.seq;
}

incident_state replay(std::span<event const> events)
{
    incident_state s;
    for (auto const& e : events) apply(s, e);
    return s;
}

hypothesis const* find_hypothesis(incident_state const& s, std::uint64_t id) noexcept { return by_id(s.hypotheses, id); }

hypothesis const* confirmed_hypothesis(incident_state const& s) noexcept
{
    for (auto const& h : s.hypotheses)
        if (h.state == hypothesis::status::confirmed) return &h;
    return nullptr;
}

std::vector<hypothesis const*> open_hypotheses(incident_state const& s)
{
    std::vector<hypothesis const*> out;
    for (auto const& h : s.hypotheses)
        if (h.state == hypothesis::status::open) out.push_back(&h);
    return out;
}

option const* find_option(incident_state const& s, std::uint64_t id) noexcept { return by_id(s.options, id); }

choice const* current_choice(incident_state const& s) noexcept
{
    return s.decisions.empty() ? nullptr : &s.decisions.back();
}

followup const* find_followup(incident_state const& s, std::uint64_t id) noexcept { return by_id(s.followups, id); }

breakout const* find_breakout(incident_state const& s, std::uint64_t id) noexcept { return by_id(s.breakouts, id); }

tollgate_entry const* find_tollgate(incident_state const& s, std::string_view name) noexcept
{
    auto want = normalise_name(name);
    for (auto const& t : s.tollgates)
        if (normalise_name(t.name) == want) return &t;
    return nullptr;
}

tollgate_entry const* find_tollgate(incident_state const& s, std::uint64_t id) noexcept { return by_id(s.tollgates, id); }

user_ref const& lead_of(incident_state const& s) noexcept { return s.lead ? s.lead->user : s.started.by; }

bool may_decide(incident_state const& s, user_ref const& who) noexcept
{
    return same_person(lead_of(s), who) || (s.decider && same_person(s.decider->user, who));
}

std::size_t open_followup_count(incident_state const& s) noexcept
{
    return static_cast<std::size_t>(
        std::count_if(s.followups.begin(), s.followups.end(), [](followup const& f) { return !f.done; }));
}

std::optional<timestamp> entered(incident_state const& s, phase p) noexcept
{
    for (auto it = s.phases.rbegin(); it != s.phases.rend(); ++it)
        if (it->to == p) return it->entered;
    return std::nullopt;
}

std::string normalise_name(std::string_view name)
{
    std::string out;
    bool space = false;
    for (char c : name) {
        if (c == '-' || c == '_' || c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

} // namespace coolhead::commands

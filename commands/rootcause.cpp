// /rootcause: hypotheses, and the second pair of eyes that confirms one.
//
// | subcommand        | allowed when                                               | records                         |
// |-------------------|------------------------------------------------------------|---------------------------------|
// | <text>            | open; Discovery, or Post-mortem without a confirmed cause  | hypothesis_proposed             |
// | confirm [#id]     | as above; the hypothesis is open; caller is NOT its author | hypothesis_confirmed (+ phase)  |
// | reject [#id] <why>| open; the hypothesis is not already rejected               | hypothesis_rejected (+ phase)   |
// | list              | an incident exists                                         | nothing                         |
//
// Confirming in Discovery moves the call to Mitigation. Rejecting the confirmed cause during
// Mitigation sends the call back to Discovery. After a mitigation that came first, the call is
// in Post-mortem already: confirming there records the cause and the phase stays.
// Humility: a hypothesis in the call's first minutes gets a public reminder (once per
// incident); blame language gets a private nudge; confirming your own gets the reason why not.
#include "commands/rules.hpp"

namespace coolhead::commands::detail {
namespace {

using namespace markup;

std::string hash(std::uint64_t id) { return "#" + std::to_string(id); }

/// The hypothesis an id-less confirm/reject means: the only open one.
std::variant<hypothesis const*, rejection> pick(ctx const& c, std::optional<std::uint64_t> id, std::string_view verb)
{
    auto const& s = c.s();
    if (id) {
        if (auto const* h = find_hypothesis(s, *id)) return h;
        return c.reject(errc::not_found, inlines{t("There is no hypothesis " + hash(*id) + " in "), strong(incident_label(s.number)),
                                                 t(". "), code("/rootcause"), t(" lists them.")});
    }
    auto open = open_hypotheses(s);
    if (open.size() == 1) return open.front();
    if (open.empty())
        return c.reject(errc::not_found, inlines{t("There is no open hypothesis to " + std::string(verb) + ". Propose one with "),
                                                 code("/rootcause <what you think happened>"), t(".")});
    inlines line{t("Several hypotheses are open; which one? ")};
    for (std::size_t i = 0; i < open.size(); ++i) {
        if (i > 0) line.push_back(t(", "));
        line.push_back(code("/rootcause " + std::string(verb) + " " + hash(open[i]->id)));
    }
    return c.reject(errc::usage, std::move(line));
}

/// Root-cause work fits Discovery, and Post-mortem while no cause is confirmed (mitigation
/// came first). In Mitigation the confirmed cause stands unless someone rejects it.
std::optional<rejection> need_search_phase(ctx const& c)
{
    auto const& s = c.s();
    auto const* confirmed = confirmed_hypothesis(s);
    if (s.current == phase::discovery) return std::nullopt;
    if (s.current == phase::postmortem && !confirmed) return std::nullopt;
    inlines line{t("We're in "), strong(std::string(phase_title(s.current))), t(" for "), strong(incident_label(s.number))};
    if (confirmed) {
        append(line, {t(", and root cause " + hash(confirmed->id) + " (\""), u(confirmed->text), t("\") is confirmed. If it turns out wrong, "),
                      code("/rootcause reject " + hash(confirmed->id) + " <why>")});
        line.push_back(t(s.current == phase::mitigation ? " takes the call back to Discovery." : " reopens the search."));
    } else {
        line.push_back(t("."));
    }
    return c.reject(errc::wrong_phase, std::move(line));
}

} // namespace

outcome handle(ctx const& c, propose_rootcause const& cmd)
{
    if (auto r = need_open(c)) return *r;
    if (auto r = need_search_phase(c)) return *r;
    auto const& s = c.s();
    auto id = s.hypotheses.size() + 1;
    auto d = c.publicly({c.ev(hypothesis_proposed{id, cmd.text})},
                        doc({t("Hypothesis "), strong(hash(id)), t(" from "), who(c.r.who), t(": "), u(cmd.text), t(". It needs someone else to "),
                             code("/rootcause confirm " + hash(id)), t(" or "), code("/rootcause reject " + hash(id) + " <why>"), t(".")}));
    auto elapsed = c.r.now - s.started.at;
    bool reminded = std::any_of(s.nudges.begin(), s.nudges.end(), [](nudge_record const& n) { return n.kind == nudge_kind::early_rootcause; });
    if (elapsed < c.p.early_rootcause && !reminded) {
        d.events.push_back(c.ev(nudge_sent{nudge_kind::early_rootcause, c.r.who}));
        d.effects.push_back(c.everyone(document{say(c.p.prompts, "humility.early_rootcause",
                                                    {{"elapsed", {t(format_duration(elapsed))}}, {"id", {t(std::to_string(id))}}})},
                                       message_kind::humility));
    }
    nudge_on_blame(c, cmd.text, d);
    return d;
}

outcome handle(ctx const& c, confirm_rootcause const& cmd)
{
    if (auto r = need_open(c)) return *r;
    auto const& s = c.s();
    if (auto const* confirmed = confirmed_hypothesis(s)) {
        if (!cmd.id || *cmd.id == confirmed->id)
            return c.reject(errc::invalid, inlines{t("Root cause " + hash(confirmed->id) + " is already confirmed by "),
                                                   who(confirmed->confirmed->by), t(".")});
    }
    if (auto r = need_search_phase(c)) return *r;
    auto picked = pick(c, cmd.id, "confirm");
    if (auto* r = std::get_if<rejection>(&picked)) return *r;
    auto const* h = std::get<hypothesis const*>(picked);
    if (h->state == hypothesis::status::rejected)
        return c.reject(errc::invalid, inlines{t("Hypothesis " + hash(h->id) + " was rejected by "), who(h->rejected->by), t(" ("), u(h->rejected_why),
                                               t("). If the evidence changed, propose it again with "), code("/rootcause <text>"), t(".")});
    if (same_person(h->proposed.by, c.r.who))
        return c.reject(errc::own_hypothesis, document{say(c.p.prompts, "humility.self_confirm", {{"id", {t(std::to_string(h->id))}}})});

    std::vector<event> events{c.ev(hypothesis_confirmed{h->id})};
    bool moves_on = s.current == phase::discovery;
    if (moves_on) events.push_back(c.ev(phase_entered{phase::mitigation}));
    inlines line{t("Root cause "), strong(hash(h->id)), t(" confirmed by "), who(c.r.who), t(" (proposed by "), who(h->proposed.by), t("): "),
                 u(h->text), t(".")};
    if (moves_on) line.push_back(t(" On to Mitigation."));
    auto d = c.publicly(std::move(events), doc(std::move(line)));
    if (moves_on) {
        inlines deciders{who(lead_of(s))};
        if (s.decider && !same_person(s.decider->user, lead_of(s))) append(deciders, {t(" or "), who(s.decider->user)});
        d.effects.push_back(c.everyone(document{say(c.p.prompts, "phase.mitigation",
                                                    {{"incident", {strong(incident_label(s.number))}},
                                                     {"id", {t(std::to_string(h->id))}},
                                                     {"deciders", deciders}})},
                                       message_kind::phase_prompt));
    }
    return d;
}

outcome handle(ctx const& c, reject_rootcause const& cmd)
{
    if (auto r = need_open(c)) return *r;
    auto const& s = c.s();
    // Rejecting the confirmed cause is how a wrong one is undone, so the id-less form also
    // reaches it when no hypothesis is open.
    std::variant<hypothesis const*, rejection> picked = static_cast<hypothesis const*>(nullptr);
    if (!cmd.id && open_hypotheses(s).empty() && confirmed_hypothesis(s)) picked = confirmed_hypothesis(s);
    else picked = pick(c, cmd.id, "reject");
    if (auto* r = std::get_if<rejection>(&picked)) return *r;
    auto const* h = std::get<hypothesis const*>(picked);
    if (h->state == hypothesis::status::rejected)
        return c.reject(errc::invalid, inlines{t("Hypothesis " + hash(h->id) + " was already rejected by "), who(h->rejected->by), t(".")});
    bool was_confirmed = h->state == hypothesis::status::confirmed;

    std::vector<event> events{c.ev(hypothesis_rejected{h->id, cmd.why})};
    bool back = was_confirmed && s.current == phase::mitigation;
    if (back) events.push_back(c.ev(phase_entered{phase::discovery}));
    inlines line{t("Hypothesis "), strong(hash(h->id)), t(" ("), u(h->text), t(") rejected by "), who(c.r.who), t(": "), u(cmd.why), t(".")};
    if (was_confirmed && !back) line.push_back(t(" There is no confirmed root cause now; the post-mortem needs one before it can be published."));
    auto d = c.publicly(std::move(events), doc(std::move(line)));
    if (back)
        d.effects.push_back(c.everyone(document{say(c.p.prompts, "phase.rediscovery",
                                                    {{"incident", {strong(incident_label(s.number))}}, {"id", {t(std::to_string(h->id))}}})},
                                       message_kind::phase_prompt));
    nudge_on_blame(c, cmd.why, d);
    return d;
}

outcome handle(ctx const& c, list_hypotheses const&)
{
    if (auto r = need_incident(c)) return *r;
    return c.privately(render_hypotheses(c.s(), c.r.now));
}

} // namespace coolhead::commands::detail

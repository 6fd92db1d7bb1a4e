// /mitigation: options, trade-offs, vetoes, the decision, and completion.
//
// | subcommand          | allowed when                                          | records                          |
// |---------------------|-------------------------------------------------------|----------------------------------|
// | <text> [impact=…]   | open; Discovery or Mitigation                         | option_proposed                  |
// | pro/con #id <text>  | as above; the option exists                           | option_tradeoff_added            |
// | veto #id [why]      | as above; the option exists                           | option_vetoed                    |
// | choose #id          | as above; caller is the lead or decider; not vetoed   | option_chosen (flag: before RC)  |
// | done                | as above; a chosen option that is not vetoed          | mitigation_completed, phase      |
// | list                | an incident exists                                    | nothing                          |
//
// Options may come during Discovery: restoring service first is sometimes right. Choosing
// before a confirmed root cause is allowed and recorded, and the post-mortem says so. Anyone
// may veto; a veto without a reason is recorded and its author is asked, privately, for one.
// Vetoing again replaces your earlier veto's reason. A vetoed option cannot be chosen or done.
#include "commands/rules.hpp"

namespace coolhead::commands::detail {
namespace {

using namespace markup;

std::string hash(std::uint64_t id) { return "#" + std::to_string(id); }

std::optional<rejection> need_live_phase(ctx const& c)
{
    auto const& s = c.s();
    if (s.current == phase::discovery || s.current == phase::mitigation) return std::nullopt;
    inlines line{t("We're in "), strong(std::string(phase_title(s.current))), t(" for "), strong(incident_label(s.number)), t(": mitigation ")};
    if (s.mitigation_done) {
        auto const* o = find_option(s, s.mitigated_option);
        append(line, {t("is done (option " + hash(s.mitigated_option) + ", "), u(o ? o->text : ""), t(", marked done by "), who(s.mitigation_done->by),
                      t("). Ideas to prevent a repeat belong in "), code("/postmortem followup <action> owner=@someone"), t(".")});
    } else {
        line.push_back(t("is over."));
    }
    return c.reject(errc::wrong_phase, std::move(line));
}

std::variant<option const*, rejection> need_option(ctx const& c, std::uint64_t id)
{
    if (auto const* o = find_option(c.s(), id)) return o;
    return c.reject(errc::not_found, inlines{t("There is no option " + hash(id) + " in "), strong(incident_label(c.s().number)), t(". "),
                                             code("/mitigation"), t(" lists them.")});
}

} // namespace

outcome handle(ctx const& c, propose_option const& cmd)
{
    if (auto r = need_open(c)) return *r;
    if (auto r = need_live_phase(c)) return *r;
    auto id = c.s().options.size() + 1;
    inlines line{t("Option "), strong(hash(id)), t(" from "), who(c.r.who), t(": "), u(cmd.text)};
    if (!cmd.impact.empty()) append(line, {t(". Impact: "), u(cmd.impact)});
    if (!cmd.recovery.empty()) append(line, {t(". Recovery time: "), u(cmd.recovery)});
    line.push_back(t("."));
    if (cmd.impact.empty() || cmd.recovery.empty())
        append(line, {t(" Add what's missing with "), code("/mitigation pro|con " + hash(id) + " <text>"),
                      t(", or propose it again with impact=… and recovery=…")});
    auto d = c.publicly({c.ev(option_proposed{id, cmd.text, cmd.impact, cmd.recovery})}, doc(std::move(line)));
    nudge_on_blame(c, cmd.text, d);
    return d;
}

outcome handle(ctx const& c, add_tradeoff const& cmd)
{
    if (auto r = need_open(c)) return *r;
    if (auto r = need_live_phase(c)) return *r;
    auto o = need_option(c, cmd.id);
    if (auto* r = std::get_if<rejection>(&o)) return *r;
    auto d = c.publicly({c.ev(option_tradeoff_added{cmd.id, cmd.pro, cmd.text})},
                        doc({t(cmd.pro ? "Pro" : "Con"), t(" for option "), strong(hash(cmd.id)), t(" from "), who(c.r.who), t(": "), u(cmd.text)}));
    nudge_on_blame(c, cmd.text, d);
    return d;
}

outcome handle(ctx const& c, veto_option const& cmd)
{
    if (auto r = need_open(c)) return *r;
    if (auto r = need_live_phase(c)) return *r;
    auto o = need_option(c, cmd.id);
    if (auto* r = std::get_if<rejection>(&o)) return *r;
    auto const& s = c.s();
    inlines line{t("Option "), strong(hash(cmd.id)), t(" vetoed by "), who(c.r.who)};
    if (cmd.why.empty()) line.push_back(t(" (no reason given yet)."));
    else append(line, {t(": "), u(cmd.why), t(".")});
    if (auto const* ch = current_choice(s); ch && ch->option == cmd.id)
        append(line, {t(" It was the chosen option, so it can't be carried out now; "), who(lead_of(s)), t(" chooses again with "),
                      code("/mitigation choose #id"), t(".")});
    auto d = c.publicly({c.ev(option_vetoed{cmd.id, cmd.why})}, doc(std::move(line)));
    if (cmd.why.empty())
        d.effects.push_back(c.caller(document{say(c.p.prompts, "humility.veto_without_reason", {{"id", {t(std::to_string(cmd.id))}}})},
                                     message_kind::humility));
    nudge_on_blame(c, cmd.why, d);
    return d;
}

outcome handle(ctx const& c, choose_option const& cmd)
{
    if (auto r = need_open(c)) return *r;
    if (auto r = need_live_phase(c)) return *r;
    auto const& s = c.s();
    if (!may_decide(s, c.r.who)) {
        inlines line{t("Choosing is for the lead ("), who(lead_of(s)), t(")")};
        if (s.decider) append(line, {t(" or the decider ("), who(s.decider->user), t(")")});
        append(line, {t(". You can argue for it with "), code("/mitigation pro " + hash(cmd.id) + " <why>"), t(".")});
        return c.reject(errc::not_allowed, std::move(line));
    }
    auto o = need_option(c, cmd.id);
    if (auto* r = std::get_if<rejection>(&o)) return *r;
    auto const* opt = std::get<option const*>(o);
    if (opt->vetoed()) {
        auto const& v = opt->vetoes.front();
        inlines line{t("Option " + hash(cmd.id) + " was vetoed by "), who(v.made.by)};
        if (!v.why.empty()) append(line, {t(": "), u(v.why)});
        line.push_back(t(". A vetoed option can't be chosen; pick another, or propose a changed version as a new option."));
        return c.reject(errc::vetoed_option, std::move(line));
    }
    if (auto const* ch = current_choice(s); ch && ch->option == cmd.id)
        return c.reject(errc::invalid, inlines{t("Option " + hash(cmd.id) + " is already the chosen one. When it's in place: "), code("/mitigation done"), t(".")});
    bool early = confirmed_hypothesis(s) == nullptr;
    inlines line{t("Decision: option "), strong(hash(cmd.id)), t(" ("), u(opt->text), t("), chosen by "), who(c.r.who), t(".")};
    if (early) line.push_back(t(" The root cause is not confirmed yet; that is allowed, and the post-mortem will record it."));
    append(line, {t(" When it's in place, run "), code("/mitigation done"), t(".")});
    return c.publicly({c.ev(option_chosen{cmd.id, early})}, doc(std::move(line)));
}

outcome handle(ctx const& c, complete_mitigation const&)
{
    if (auto r = need_open(c)) return *r;
    if (auto r = need_live_phase(c)) return *r;
    auto const& s = c.s();
    auto const* ch = current_choice(s);
    if (!ch)
        return c.reject(errc::wrong_phase, inlines{t("We're in "), strong(std::string(phase_title(s.current))), t(" and no option is chosen yet. "),
                                                   who(lead_of(s)), t(" chooses with "), code("/mitigation choose #id"),
                                                   t(", then it can be marked done.")});
    auto const* opt = find_option(s, ch->option);
    if (opt && opt->vetoed())
        return c.reject(errc::vetoed_option, inlines{t("The chosen option " + hash(ch->option) + " was vetoed after it was chosen. Choose again with "),
                                                     code("/mitigation choose #id"), t(".")});
    std::vector<event> events{c.ev(mitigation_completed{ch->option}), c.ev(phase_entered{phase::postmortem})};
    inlines line{t("Mitigation done: option "), strong(hash(ch->option)), t(" ("), u(opt ? opt->text : ""), t("), marked done by "), who(c.r.who),
                 t(". On to the Post-mortem.")};
    if (!confirmed_hypothesis(s))
        append(line, {t(" The root cause is still to be confirmed; "), code("/rootcause"), t(" keeps working in this phase.")});
    auto d = c.publicly(std::move(events), doc(std::move(line)));
    std::string gates;
    for (std::size_t i = 0; i < c.p.tollgates.size(); ++i) gates += (i ? ", " : "") + c.p.tollgates[i];
    d.effects.push_back(c.everyone(document{say(c.p.prompts, "phase.postmortem",
                                                {{"incident", {strong(incident_label(s.number))}}, {"tollgates", {t(gates)}}})},
                                   message_kind::phase_prompt));
    return d;
}

outcome handle(ctx const& c, list_options const&)
{
    if (auto r = need_incident(c)) return *r;
    return c.privately(render_options(c.s()));
}

} // namespace coolhead::commands::detail

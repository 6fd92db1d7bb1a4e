#include "commands/decide.hpp"

#include "commands/rules.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace coolhead::commands {
namespace {

class category_impl final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "coolhead.commands"; }
    std::string message(int ev) const override
    {
        switch (static_cast<errc>(ev)) {
        case errc::usage: return "the command did not parse";
        case errc::no_incident: return "no open incident here";
        case errc::already_active: return "an incident is already open in this channel";
        case errc::wrong_phase: return "the command does not fit the incident's phase";
        case errc::not_found: return "no such item";
        case errc::not_allowed: return "the caller lacks the role for this";
        case errc::own_hypothesis: return "a hypothesis needs someone other than its author to confirm it";
        case errc::vetoed_option: return "the option was vetoed";
        case errc::publish_incomplete: return "the post-mortem is not complete";
        case errc::invalid: return "invalid value";
        }
        return "unknown";
    }
};

constexpr std::array<std::string_view, 64> stop_words{
    "the",     "and",      "for",      "with",     "from",    "that",     "this",    "into",
    "after",   "before",   "when",     "while",    "over",    "under",    "some",    "all",
    "not",     "are",      "was",      "were",     "has",     "have",     "had",     "been",
    "our",     "their",    "its",      "can",      "cannot",  "cant",     "wont",    "does",
    "doesnt",  "isnt",     "arent",    "error",    "errors",  "issue",    "issues",  "problem",
    "problems","failing",  "fails",    "failed",   "failure", "outage",   "down",    "broken",
    "slow",    "incident", "users",    "customers","service", "services", "high",    "low",
    "very",    "again",    "still",    "intermittent","partial","degraded","some",   "many",
};

} // namespace

boost::system::error_category const& error_category() noexcept
{
    static category_impl instance;
    return instance;
}

boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

lookup what_to_load(command const& cmd) noexcept
{
    return std::visit(
        [](auto const& c) -> lookup {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, start_incident>) return {std::nullopt, true};
            else if constexpr (std::is_same_v<T, list_incidents> || std::is_same_v<T, list_followups>) return {std::nullopt, true};
            else if constexpr (std::is_same_v<T, show_status> || std::is_same_v<T, preview_postmortem>) return {c.incident, false};
            else if constexpr (std::is_same_v<T, update_followup> || std::is_same_v<T, complete_followup>) return {c.ref.incident, false};
            else return {std::nullopt, false};
        },
        cmd);
}

outcome decide(world const& w, request const& r, policy const& p)
{
    detail::ctx c{w, r, p};
    return std::visit([&](auto const& cmd) { return detail::handle(c, cmd); }, r.cmd);
}

std::vector<std::string> significant_words(std::string_view text)
{
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        if (word.size() >= 3 && std::find(stop_words.begin(), stop_words.end(), word) == stop_words.end()) {
            // Light plural folding so "timeouts" meets "timeout".
            if (word.size() > 4 && word.back() == 's' && word[word.size() - 2] != 's') word.pop_back();
            if (std::find(stop_words.begin(), stop_words.end(), word) == stop_words.end() &&
                std::find(out.begin(), out.end(), word) == out.end())
                out.push_back(word);
        }
        word.clear();
    };
    for (char ch : text) {
        auto uc = static_cast<unsigned char>(ch);
        if ((uc >= 'a' && uc <= 'z') || (uc >= '0' && uc <= '9') || uc >= 0x80) word += ch;
        else if (uc >= 'A' && uc <= 'Z') word += static_cast<char>(uc - 'A' + 'a');
        else if (uc == '\'') continue; // "doesn't" → "doesnt"
        else flush();
    }
    flush();
    return out;
}

std::vector<recurrence_linked> find_recurrences(std::string_view title, std::span<incident_state const* const> earlier)
{
    std::vector<recurrence_linked> out;
    auto mine = significant_words(title);
    if (mine.empty()) return out;
    std::size_t needed = mine.size() <= 2 ? 1 : 2;
    for (auto const* s : earlier) {
        if (!s || !s->exists() || open_followup_count(*s) == 0) continue;
        auto theirs = significant_words(s->title);
        if (auto const* h = confirmed_hypothesis(*s))
            for (auto& w : significant_words(h->text))
                if (std::find(theirs.begin(), theirs.end(), w) == theirs.end()) theirs.push_back(w);
        std::vector<std::string> shared;
        for (auto const& w : mine)
            if (std::find(theirs.begin(), theirs.end(), w) != theirs.end()) shared.push_back(w);
        if (shared.size() < needed) continue;
        recurrence_linked link{s->number, s->title, {}, shared};
        for (auto const& f : s->followups)
            if (!f.done) link.open_followups.push_back(f.id);
        out.push_back(std::move(link));
    }
    std::sort(out.begin(), out.end(), [](auto const& a, auto const& b) { return a.earlier < b.earlier; });
    return out;
}

namespace detail {

std::optional<rejection> need_incident(ctx const& c)
{
    if (c.has_incident()) return std::nullopt;
    using namespace markup;
    return c.reject(errc::no_incident, inlines{t("There is no incident in this channel yet. Start one with "),
                                               code("/incident start <title>"), t(".")});
}

std::optional<rejection> need_open(ctx const& c)
{
    if (auto r = need_incident(c)) return r;
    if (c.s().is_open()) return std::nullopt;
    using namespace markup;
    auto const& closed = *c.s().closed;
    inlines line{strong(incident_label(c.s().number)), t(" in this channel is closed (")};
    line.push_back(t(closed.how == closure::published ? "post-mortem published " : "resolved "));
    line.push_back(t(format_iso8601(closed.made.at) + "). To track something new, start an incident with "));
    line.push_back(code("/incident start <title>"));
    line.push_back(t("."));
    return c.reject(errc::no_incident, std::move(line));
}

void nudge_on_blame(ctx const& c, std::string_view text, decision& d)
{
    auto phrase = find_blame(text, c.p.prompts.blame_phrases);
    if (!phrase) return;
    if (c.has_incident()) {
        for (auto const& n : c.s().nudges)
            if (n.kind == nudge_kind::blame && same_person(n.to, c.r.who) && c.r.now - n.at < c.p.nudge_cooldown) return;
    }
    d.events.push_back(c.ev(nudge_sent{nudge_kind::blame, c.r.who}));
    markup::document body;
    for (auto& b : say(c.p.prompts, "humility.blame", {{"phrase", {markup::u(*phrase)}}})) body.blocks.push_back(std::move(b));
    d.effects.push_back(c.caller(std::move(body), message_kind::humility));
}

} // namespace detail
} // namespace coolhead::commands

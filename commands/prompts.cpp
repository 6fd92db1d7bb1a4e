#include "commands/prompts.hpp"

#include <array>

namespace coolhead::commands {
namespace {

// Our own words: calm, plain, friendly. Keep them short enough to read at 3 a.m.
constexpr std::array specs{
    prompt_spec{"phase.discovery",
                "*Discovery:* let's find the root cause of {incident}.\n"
                "- Take the report at face value: something is really wrong, and the people who hit it are "
                "our best witnesses.\n"
                "- Listen and look before naming a cause. When you have one, propose it with "
                "`/rootcause <what you think happened>`.\n"
                "- A hypothesis counts once someone other than its author confirms it with "
                "`/rootcause confirm #id`.\n"
                "- Stuck, or too many threads at once? Split up with `/incident breakout <topic> @people`, or "
                "bring in an expert with `/incident role sme @someone`.\n"
                "- Restoring service first is allowed: propose an option any time with "
                "`/mitigation <option> impact=… recovery=…`.",
                "incident"},
    prompt_spec{"phase.rediscovery",
                "*Back to Discovery:* root cause #{id} was rejected, so {incident} needs a new one. Ruling "
                "something out is progress. Propose the next hypothesis with `/rootcause <text>`.",
                "incident id"},
    prompt_spec{"phase.mitigation",
                "*Mitigation:* root cause #{id} is confirmed. Now restore service, or decide on purpose not to "
                "yet.\n"
                "- Put each option on the table with `/mitigation <option> impact=… recovery=…`, and its "
                "trade-offs with `/mitigation pro #id <text>` and `/mitigation con #id <text>`.\n"
                "- If an option simply won't work, say why: `/mitigation veto #id <reason>`.\n"
                "- {deciders} chooses with `/mitigation choose #id`. When the change is in place, run "
                "`/mitigation done`.",
                "incident id deciders"},
    prompt_spec{"phase.postmortem",
                "*Post-mortem:* service is restored. Thank you, everyone. Now let's make sure {incident} "
                "doesn't happen again.\n"
                "- For each tollgate the issue got past, record how: "
                "`/postmortem tollgate <name>: <how it got past>`, or "
                "`/postmortem tollgate <name> n/a: <why it could not have caught this>`. "
                "This team's tollgates: {tollgates}.\n"
                "- Give every missed tollgate a follow-up with an owner: "
                "`/postmortem followup <action> tollgate=<name> owner=@someone ticket=<id>`.\n"
                "- Preview any time with `/postmortem`; publish with `/postmortem publish` once nothing is "
                "missing.",
                "incident tollgates"},
    prompt_spec{"phase.published",
                "{incident} is closed and its post-mortem is published. {open} follow-up(s) stay open until "
                "they are done: list them with `/incident followups` and close each with "
                "`/postmortem followup done #id`.",
                "incident open"},
    prompt_spec{"phase.resolved", "{incident} is resolved without a post-mortem. Reason given: {reason}",
                "incident reason"},
    prompt_spec{"humility.early_rootcause",
                "A root cause {elapsed} into the call is quick. It may well be right; before anyone confirms "
                "#{id}, let's check it against what the reporter saw and look for evidence that would prove it "
                "wrong.",
                "elapsed id"},
    prompt_spec{"humility.blame",
                "A gentle nudge: \"{phrase}\" points away from us. Early in a call it helps to assume the "
                "report is right and look at our own side first. We can come back to it once the evidence "
                "is in.",
                "phrase"},
    prompt_spec{"humility.self_confirm",
                "You proposed #{id}, so it needs someone else to confirm it; a second pair of eyes is the "
                "point. Ask someone on the call to check it and run `/rootcause confirm #{id}`.",
                "id"},
    prompt_spec{"humility.veto_without_reason",
                "You vetoed option #{id} without a reason. A short reason helps everyone weigh the other "
                "options: `/mitigation veto #{id} <why>` adds one.",
                "id"},
    prompt_spec{"reminder.status_update",
                "{comms}: a stakeholder update for {incident} is due ({since} since the last one). Post it "
                "with `/incident update <text>`; change the cadence with `/incident remind <interval|off>`.",
                "comms incident since"},
    prompt_spec{"reminder.no_rootcause",
                "{lead}: {incident} has been looking for its root cause for {elapsed}. This is a good moment "
                "to ask for help: split into breakouts (`/incident breakout <topic> @people`), call in a "
                "subject-matter expert (`/incident role sme @someone`), or restore service first "
                "(`/mitigation <option>`).",
                "lead incident elapsed"},
    prompt_spec{"reminder.unconfirmed_hypothesis",
                "Hypothesis #{id} from {author} has waited {waiting} for a second opinion. Could someone "
                "check it and run `/rootcause confirm #{id}` or `/rootcause reject #{id} <why>`?",
                "id author waiting"},
    prompt_spec{"reminder.followup_ticket",
                "{owner}: follow-up {ref} from {incident} (\"{text}\") has no ticket yet. Add one with "
                "`/postmortem followup {ref} ticket=<id>`.",
                "owner ref incident text"},
};

constexpr std::array<std::string_view, 24> blame_defaults{
    "user error",         "user's fault",        "users' fault",       "customer error",
    "pebkac",             "layer 8",             "not our fault",      "not our problem",
    "not on our side",    "their fault",         "their bug",          "their problem",
    "their side",         "other team's",        "works on my machine","works for me",
    "must be the network","it's the network",    "environment issue",  "environmental issue",
    "it's the environment","cosmic ray",         "operator error",     "someone else's fault",
};

bool is_word_char(unsigned char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// Lower-cases ASCII, folds typographic apostrophes/quotes to ASCII, and collapses whitespace.
std::string fold(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        // U+2018/U+2019 (E2 80 98/99) → '\''; U+201C/U+201D (E2 80 9C/9D) → '"'
        if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
            auto d = static_cast<unsigned char>(s[i + 2]);
            if (d == 0x98 || d == 0x99 || d == 0x9C || d == 0x9D) {
                if (space && !out.empty()) out += ' ';
                space = false;
                out += (d <= 0x99) ? '\'' : '"';
                i += 2;
                continue;
            }
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
    }
    return out;
}

} // namespace

std::span<prompt_spec const> prompt_specs() noexcept { return specs; }

std::span<std::string_view const> default_blame_phrases() noexcept { return blame_defaults; }

std::string_view prompt_book::text(std::string_view key) const noexcept
{
    if (auto it = texts.find(key); it != texts.end()) return it->second;
    for (auto const& s : specs)
        if (s.key == key) return s.text;
    return {};
}

std::optional<std::string> find_blame(std::string_view text, std::span<std::string const> phrases)
{
    auto hay = fold(text);
    for (auto const& p : phrases) {
        auto needle = fold(p);
        if (needle.empty()) continue;
        for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) {
            bool left = pos == 0 || !is_word_char(static_cast<unsigned char>(hay[pos - 1]));
            auto end = pos + needle.size();
            bool right = end >= hay.size() || !is_word_char(static_cast<unsigned char>(hay[end]));
            // "cosmic ray" should also catch "cosmic rays": allow a trailing plural s.
            if (!right && hay[end] == 's') right = end + 1 >= hay.size() || !is_word_char(static_cast<unsigned char>(hay[end + 1]));
            if (left && right) return p;
        }
    }
    return std::nullopt;
}

std::vector<markup::block> say(prompt_book const& book, std::string_view key, markup::template_vars const& vars)
{
    return markup::fill(book.text(key), vars);
}

} // namespace coolhead::commands

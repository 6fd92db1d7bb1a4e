#pragma once
/// What the bot says at the right moments: phase prompts, humility reminders, timed reminders.
/// The texts are data (config/prompts.json, loaded by bot/settings into a prompt_book); the
/// core only chooses which one to say and fills in the facts. Built-in defaults cover every key.

#include "commands/markup.hpp"
#include "commands/time.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::commands {

/// One configurable text: its key, the built-in default and the placeholders it may use.
struct prompt_spec {
    std::string_view key;
    std::string_view text;
    std::string_view placeholders; ///< space-separated, e.g. "incident id"
};

/// Every prompt the core can say, with its built-in default.
std::span<prompt_spec const> prompt_specs() noexcept;

/// The built-in list of phrases that point the blame away from us.
std::span<std::string_view const> default_blame_phrases() noexcept;

struct prompt_book {
    /// Overrides by key; a key that is not here falls back to the built-in default.
    std::map<std::string, std::string, std::less<>> texts;
    /// Phrases that blame users, other teams or "the environment" (matched case-insensitively
    /// on word boundaries). Starts as the built-in list.
    std::vector<std::string> blame_phrases = {default_blame_phrases().begin(), default_blame_phrases().end()};

    /// The text for `key`: the override, else the default; an unknown key gives "".
    std::string_view text(std::string_view key) const noexcept;
};

/// Team policy: the prompts plus the tollgates and the timings the rules use.
struct policy {
    prompt_book prompts;
    /// Tollgates every post-mortem walks through; a team may add its own.
    std::vector<std::string> tollgates{"unit tests", "UAT", "production checkout"};
    duration status_interval = std::chrono::minutes{30};   ///< stakeholder update cadence
    duration early_rootcause = std::chrono::minutes{10};   ///< a root cause sooner than this is "early"
    duration no_rootcause_after = std::chrono::minutes{45}; ///< then suggest help and breakouts
    duration unconfirmed_after = std::chrono::minutes{15};  ///< a hypothesis waiting this long
    duration followup_ticket_after = std::chrono::hours{24};///< after publishing, ask for tickets
    duration nudge_cooldown = std::chrono::minutes{30};     ///< at most one blame nudge per person
    duration min_reminder_interval = std::chrono::minutes{5};
    duration max_reminder_interval = std::chrono::hours{12};
};

/// The first blame phrase found in `text`, if any (case-insensitive, whole words, curly quotes
/// and apostrophes folded).
std::optional<std::string> find_blame(std::string_view text, std::span<std::string const> phrases);

/// Fills prompt `key` from `book` into blocks.
std::vector<markup::block> say(prompt_book const& book, std::string_view key, markup::template_vars const& vars);

} // namespace coolhead::commands

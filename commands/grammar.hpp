#pragma once
/// Slash-command text → a typed command, or a usage error that says what would work.
///
/// Quoting ("two words", and the curly quotes phones insert), key=value options (values may be
/// quoted or a mention), #id references (also INC-7#3 and bare numbers where an id is
/// expected), and user mentions in each platform's form: Slack <@U123|alice>, Mattermost and
/// console @alice. In the Slack dialect the text is in Slack's escaped form: &amp; &lt; &gt; are
/// decoded and <…> tokens (mentions, channels, links, <!here>) become readable text.

#include "commands/command.hpp"

#include <boost/system/result.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace coolhead::commands {

enum class dialect : unsigned char { console, slack, mattermost };

/// Why a command could not be understood, in words we can show the user. `message` is ours, in
/// the light template markup of markup::fill; the user's own words never go into it, only into
/// `input` (shown where the message says {input}) and `suggestion`, which renderers mark as
/// user text.
struct usage_error {
    family of = family::incident;
    std::string message;    ///< what went wrong; may contain {input}
    std::string input;      ///< the part of what the user typed that the message quotes
    std::string suggestion; ///< command text that would work ("/rootcause confirm #2", "severity="), or ""
    std::string usage;      ///< the usage line of the subcommand concerned, or ""
    friend bool operator==(usage_error const&, usage_error const&) = default;
};

/// boost::system::result needs this to report an error through value(); we never call it on
/// purpose (callers test the result first).
[[noreturn]] void throw_exception_from_error(usage_error const& e, boost::source_location const& loc);

using parse_result = boost::system::result<command, usage_error>;

/// Parses the text after the slash command (e.g. "confirm #2" for "/rootcause confirm #2").
/// Never throws for any input; fuzzed.
parse_result parse(family f, std::string_view text, dialect d);

/// "/incident" or "incident" (any case) → family::incident; anything else → nothing.
std::optional<family> family_from_command(std::string_view slash) noexcept;

/// One subcommand, for help and did-you-mean.
struct subcommand_help {
    std::string_view name;    ///< "" for the command's default action (propose, preview, status)
    std::string_view usage;   ///< e.g. "/rootcause confirm [#id]"
    std::string_view summary; ///< one sentence
};

std::span<subcommand_help const> help_table(family f) noexcept;

/// Optimal string alignment distance (Damerau–Levenshtein without repeated edits), for
/// "did you mean". Case-insensitive for ASCII.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The closest candidate within a distance that fits the word's length, if any.
std::optional<std::string_view> closest(std::string_view word, std::span<std::string_view const> candidates);

/// Longest free text kept in one entry (title, hypothesis, note…), in bytes.
inline constexpr std::size_t max_text_bytes = 3000;

} // namespace coolhead::commands

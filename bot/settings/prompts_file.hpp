#pragma once
/// The prompts file (config/prompts.json): the team's own wording for what the bot says.
///   {"texts": {"<key>": "<text>", ...}, "blame_phrases": ["...", ...]}
/// Keys must be ones commands::prompt_specs() lists; a text may use only the {placeholders}
/// its key declares; a key left out keeps its built-in text. `blame_phrases`, when present,
/// replaces the built-in list (an empty list turns blame nudges off). Pure; any thread.

#include "commands/prompts.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::settings {

/// A prompt book when the file is valid, otherwise every error (each prefixed with the
/// display name, like load_result's).
struct prompts_result {
    std::optional<commands::prompt_book> value; ///< set only when `errors` is empty
    std::vector<std::string> errors;            ///< every problem, each on one line
    /// True when the file was valid.
    explicit operator bool() const noexcept { return value.has_value(); }
};

/// Parses and validates the text of a prompts file; `display_name` names it in messages.
/// Never throws for any input.
prompts_result parse_prompts(std::string_view text, std::string_view display_name);

/// The placeholder names `text` uses: each `{name}` whose name is letters, digits, '_', '.'
/// or '-', in order of first use, without repeats.
std::vector<std::string> placeholders_in(std::string_view text);

} // namespace coolhead::settings

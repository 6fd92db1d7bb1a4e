#pragma once
/// Neutral markup (commands/markup.hpp) → Slack mrkdwn text, and splitting long text into
/// messages. Pure functions: no I/O, no state; any thread.
///
/// Escaping (PROTOCOLS.md 1.11; Slack's "Formatting text for app surfaces"): every text is
/// escaped, ours and the user's alike: exactly `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, and
/// nothing else. Escaped text can never form `<!channel>`, `<!here>`, `<!everyone>`,
/// `<!subteam^…>`, `<@U…>`, `<#C…>` or `<http://x|y>`. The only `<…>` tokens in the output are
/// the ones this file writes itself: `<@U…>` for a person with `notify`, `<#C…>` for a channel,
/// and only when the id has the shape of a Slack id. Plain "@here" in user text stays plain
/// text because we never send `link_names` or `parse=full` (see web_api.hpp); it does not ping.
///
/// Invalid UTF-8 in any text becomes U+FFFD, so the output is always valid UTF-8.

#include "commands/markup.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::slack {

/// Slack's advice for one message's `text` (PROTOCOLS.md 1.11; the hard cut is 40,000).
inline constexpr std::size_t message_limit = 4000;

/// The smallest limit split() honours: a UTF-8 sequence is up to 4 bytes, and a chunk must
/// hold at least one. Smaller limits are treated as this.
inline constexpr std::size_t min_split_limit = 4;

/// Escapes `&`, `<`, `>` as Slack entities and replaces invalid UTF-8 with U+FFFD; every other
/// byte is kept.
std::string escape(std::string_view text);

/// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates, ≤ U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

/// True if `id` looks like a Slack user id ("U0123ABCD", "W…" on Enterprise Grid): a mention
/// `<@id>` is written only for such ids.
bool is_user_id(std::string_view id) noexcept;

/// True if `id` looks like a Slack conversation id ("C…", "G…", "D…"): `<#id>` is written only
/// for such ids.
bool is_channel_id(std::string_view id) noexcept;

/// One line of spans as mrkdwn. Styles: strong `*x*`, emphasis `_x_`, code `` `x` `` (escaped
/// inside too; empty styled text is left out). A person with `notify` and a Slack user id is
/// `<@U123>`, any other person `@name` (the name if known, else the id) as escaped text, which
/// pings nobody. A channel with a Slack id is `<#C123>`, otherwise `#name`.
std::string render(commands::markup::inlines const& line);

/// A document as mrkdwn, blocks separated by a blank line, without a trailing newline:
///   heading     `*text*` on its own line (strong spans inside it lose their own markers);
///   paragraph   its line;
///   bullet_list `• item`, children `    ◦ child`;
///   table       a bold header line, cells joined by " · ", then one `• ` line per row with
///               its cells joined by " · " (an empty cell is "—"); mrkdwn has no tables.
/// Line breaks inside headings and table cells become spaces.
std::string render(commands::markup::document const& doc);

/// Cuts `text` into chunks of at most `limit` bytes (at least min_split_limit) whose
/// concatenation is exactly `text`. Where it cuts, by preference: after the last line break
/// that fits; else, in a single line longer than the limit, after the last space that fits;
/// else at the last UTF-8 boundary that fits. A cut never falls inside a UTF-8 sequence (in
/// valid UTF-8), an entity (`&amp;`, `&lt;`, `&gt;`) or a `<…>` token of up to 64 bytes,
/// unless the limit is too small to hold one whole. Empty text gives no chunks.
std::vector<std::string> split(std::string_view text, std::size_t limit = message_limit);

/// render(doc), then split(); each chunk loses the line breaks at its ends (and trailing
/// spaces), and chunks left empty are dropped. One chunk per Slack message, in order.
std::vector<std::string> render_chunks(commands::markup::document const& doc,
                                       std::size_t limit = message_limit);

} // namespace coolhead::slack

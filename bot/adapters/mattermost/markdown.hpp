#pragma once
/// Neutral markup (commands/markup.hpp) → Mattermost markdown, and splitting long text into
/// posts. Pure functions: no I/O, no state; any thread.
///
/// Mention safety (PROTOCOLS.md 2.8). The server finds mentions only in the plain-text nodes of
/// its markdown parse (mm `getExplicitMentions`: it concatenates neighbouring text nodes, then
/// splits words). A backslash escape or a character reference becomes a text node of its own
/// and is glued back to its neighbours, so `\@channel` and `&#64;channel` still mention the
/// channel; a code span is not a text node. Hence:
///   - every word that contains an `@` is written inside a code span, so no `@` outside a code
///     span comes from text (ours or a user's). A word is a run of characters other than space,
///     tab and line breaks; wrapping punctuation at its ends (`( [ { " '` before, `) ] } " ' , ;
///     : ! ? .` after) stays outside the span, escaped;
///   - `&` is always written `&amp;`, so text can never spell a character reference (`&#64;`);
///   - the one `@` outside a code span is a person with `notify` whose name is a valid
///     Mattermost username (`@alice`): the only place the bot pings. Any other person is shown
///     as `@name` inside a code span, which pings nobody (not even through a user's custom
///     mention keywords) and cannot form `@channel`.
/// Slack's `<!channel>`, which the server's ProcessSlackText would expand, cannot appear: `<`
/// is always `&lt;`, and command responses carry skip_slack_parsing (slash_command.hpp).
///
/// Markdown escaping: text is shown as typed and can never make a link, an image, a heading,
/// a list, a quote, a table, a code block or emphasis, nor break the layout around it. Every
/// text is escaped, ours and the user's alike (ours is plain text too; only the markup's styles
/// and blocks make markdown). Outside code spans:
///   - `` \ ` * _ { } [ ] ( ) # + - . ! | ~ `` get a backslash (CommonMark escapes any ASCII
///     punctuation; these are also all in the web app's marked escape set). A backslash
///     followed by an ASCII letter or digit is left alone: it is no escape anywhere, and marked
///     would show `\\x` as two backslashes;
///   - `<`, `>`, `&` become `&lt;`, `&gt;`, `&amp;`: marked has no `\<` escape (the web app
///     would show the backslash), and entities mean the same to every parser;
///   - a `=` that begins a line becomes `&#61;` (it could underline the line before into a
///     heading), and spaces and tabs that begin a line are dropped (indented code);
///   - line breaks (CR, LF, CRLF, and U+2424, which marked turns into LF) are kept in
///     paragraphs and list items as one line break indented to the item's content (blank lines
///     would end the block), and become spaces in headings, table cells, styled text and code;
///   - NUL and invalid UTF-8 become U+FFFD, so the output is always valid UTF-8.
/// Inside code spans nothing is escaped (it would show): the fence is one backtick longer than
/// the longest backtick run inside (CommonMark), padded with a space when the content starts
/// or ends with a backtick, and in a table cell `|` is written `\|` (GFM splits cells first).
/// A code span never directly follows another one (a space goes between), because two fences
/// of different lengths side by side can cancel each other out. A span that starts a line with
/// a fence of three backticks or more does not open a fenced code block: the rest of its line
/// holds backticks, which a fence's info string may not (CommonMark 4.5; mm fenced_code.go). No code span is longer than
/// max_code_span_runes: longer content becomes several spans, cut at a space if one fits.
///
/// What clients still do with escaped text, and why it is accepted: a bare URL (or `www.…`)
/// becomes a link whose text is the URL itself, `#word` a hashtag search, `~name` a link to
/// that channel if it exists, `:name:` an emoji, `$…$` inline LaTeX where the server enables
/// it. None pings anyone, hides a link target or loads an image from a user-given address.
/// Not preventable in text: a user's own custom mention keywords without `@` (first name,
/// chosen words) also match the bot's post, as they would anyone's.

#include "commands/markup.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::mattermost {

/// Longest post in runes on current servers (mm model/post.go PostMessageMaxRunesV2).
inline constexpr std::size_t message_limit = 16383;

/// Longest post on old servers and old database schemas (PostMessageMaxRunesV1); PROTOCOLS.md
/// checklist 25 advises splitting at this size.
inline constexpr std::size_t legacy_message_limit = 4000;

/// The longest code span render() writes, fences included, in runes.
inline constexpr std::size_t max_code_span_runes = 400;

/// The smallest limit split() honours, in runes: more than the longest unit render() writes (a
/// code span, a ping, a channel reference), so a cut never has to fall inside one. Smaller
/// limits are treated as this.
inline constexpr std::size_t min_split_limit = 1000;

/// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates, ≤ U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

/// Runes in `text` as Mattermost counts them (Go's utf8.RuneCountInString: each byte that
/// starts no well-formed sequence is a rune too).
std::size_t rune_count(std::string_view text) noexcept;

/// True if `name` is a valid Mattermost username (mm model/user.go): 1 to 64 characters,
/// a lower-case ASCII letter first, then lower-case letters, digits, `.`, `-`, `_`; and not one
/// the server reserves or treats as a channel-wide mention (all, channel, here, everyone,
/// matterbot, system), not even with trailing `.`, `-`, `_` (the server drops those when no user
/// has the whole name, so "@channel_" could notify the channel). Only such names are ever
/// written as a ping.
bool is_username(std::string_view name) noexcept;

/// True if `name` looks like a Mattermost channel name (the URL name, not the display name):
/// 1 to 64 of `a-z 0-9 - _`. Only such names are written as `~name`.
bool is_channel_name(std::string_view name) noexcept;

/// `text` as Mattermost markdown on one line, escaped as described above (line breaks become
/// spaces; words with `@` become code spans).
std::string escape(std::string_view text);

/// `text` shown as code: one or more code spans (see above), on one line. Empty or
/// whitespace-only text is written as escaped text instead (a code span of spaces shows
/// differently in every client).
std::string code_span(std::string_view text);

/// One line of spans as markdown. Styles: strong `**x**`, emphasis `_x_`, code `` `x` ``
/// (spaces at the ends of a styled run go outside the markers, which CommonMark needs; empty
/// styled text is left out). A person with `notify` and a username (is_username) is `@name`;
/// any other person is `@name` in a code span (the name if known, else the id, else
/// "unknown"). A channel whose name is a channel name (is_channel_name) is `~name`; otherwise
/// its name (else its id, else "unknown channel") as escaped text.
std::string render(commands::markup::inlines const& line);

/// A document as markdown, blocks separated by a blank line, without a trailing newline:
///   heading     level 1 `### text`, level 2 and deeper `#### text` (Mattermost's larger
///               headings dwarf a chat post);
///   paragraph   its line(s);
///   bullet_list `- item`, children `  - child` (continuation lines indented to match); empty
///               children are left out (a lone `-` under a line underlines it into a heading),
///               and so are items with nothing to show;
///   table       a GFM table: `| a | b |`, `| --- | --- |`, one `| … |` line per row, as many
///               columns as the widest of header and rows (missing cells empty); a table with
///               no columns is left out.
/// Empty blocks (nothing to show) are left out.
std::string render(commands::markup::document const& doc);

/// Cuts `text` into chunks of at most `limit` runes (at least min_split_limit) for separate
/// posts. Empty text gives no chunks. By preference it cuts:
///   1. after the last line break that fits, but not so that a heading line ends a chunk when
///      what follows it could go with it, and not between a table's rows when the table (from
///      its header) fits in the next chunk: then before the table;
///   2. a table longer than a chunk is cut between rows, and the next chunk starts with the
///      table's header and delimiter lines again (when they take at most half the limit), so
///      each part renders as a table;
///   3. a single line longer than the limit is cut after the last space that fits, else at the
///      last unit boundary that fits. Units are never cut: a code span (per CommonMark's
///      backtick rules), a backslash escape, a character reference, a `@name`/`~name` token,
///      a UTF-8 sequence. Only a unit longer than the limit is cut (at a rune boundary); render
///      never writes one, so for rendered text with limit ≥ min_split_limit this never happens.
/// The chunks concatenate to `text` exactly, except for the repeated table headers of 2.
std::vector<std::string> split(std::string_view text, std::size_t limit = message_limit);

/// render(doc), then split(); each chunk loses the spaces and line breaks at its ends, and
/// chunks left empty are dropped. One chunk per Mattermost post, in order.
std::vector<std::string> render_chunks(commands::markup::document const& doc,
                                       std::size_t limit = message_limit);

} // namespace coolhead::mattermost

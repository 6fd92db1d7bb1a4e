#include "bot/adapters/mattermost/markdown.hpp"

#include "bot/adapters/mattermost/detail/utf8.hpp"

#include <algorithm>
#include <array>

namespace coolhead::mattermost {
namespace {

namespace m = commands::markup;
using detail::count_runes;
using detail::replacement_character;
using detail::rune_bytes;
using detail::utf8_length;

/// ASCII punctuation written with a backslash outside code spans (see markdown.hpp).
constexpr std::string_view backslashed = "`*_{}[]()#+-.!|~";
/// Punctuation kept outside the code span of a word with an `@`.
constexpr std::string_view opening_punctuation = "([{\"'";
constexpr std::string_view closing_punctuation = ")]}\"',;:!?.";
constexpr std::string_view symbol_for_newline = "\xE2\x90\xA4"; // U+2424, marked turns it into LF

constexpr std::size_t max_name_length = 64; // usernames and channel names (mm model/user.go, channel.go)

bool is_ascii_alnum(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_blank(char c) noexcept
{
    return c == ' ' || c == '\t';
}

/// Valid UTF-8 without NUL, with every line break (CR, LF, CRLF, U+2424) as one LF.
std::string normalize(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        char const c = s[i];
        if (c == '\r') {
            out += '\n';
            i += (i + 1 < s.size() && s[i + 1] == '\n') ? 2U : 1U;
        } else if (c == '\0') {
            out += replacement_character; // CommonMark's rule for U+0000; databases refuse it
            ++i;
        } else if (static_cast<unsigned char>(c) < 0x80U) {
            out += c;
            ++i;
        } else if (auto n = utf8_length(s, i); n == 0) {
            out += replacement_character; // one U+FFFD per invalid byte
            ++i;
        } else {
            auto seq = s.substr(i, n);
            if (seq == symbol_for_newline)
                out += '\n';
            else
                out.append(seq);
            i += n;
        }
    }
    return out;
}

std::string newlines_to_spaces(std::string s)
{
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

/// How the text of one block is written.
struct context {
    bool one_line = false;   ///< line breaks become spaces (headings, table cells)
    bool in_table = false;   ///< `|` inside code spans is written `\|` (GFM splits cells first)
    std::string_view indent; ///< written after a kept line break (list item continuation)

    static context block(std::string_view indent) { return {false, false, indent}; }
    static context one_line_text() { return {true, false, {}}; }
    static context table_cell() { return {true, true, {}}; }
};

/// Writes the spans of one block into `out`, keeping track of where lines start.
class line_writer {
  public:
    line_writer(std::string& out, context ctx) : out_(out), ctx_(ctx) {}

    void spans(m::inlines const& line)
    {
        for (auto const& s : line) {
            if (auto const* t = std::get_if<m::text>(&s))
                text(*t);
            else if (auto const* p = std::get_if<m::person>(&s))
                person(*p);
            else if (auto const* c = std::get_if<m::channel>(&s))
                channel(*c);
        }
    }

    void text(m::text const& t)
    {
        auto value = normalize(t.value);
        switch (t.look) {
        case m::style::plain:
            plain(value);
            break;
        case m::style::code:
            code(newlines_to_spaces(std::move(value)));
            break;
        case m::style::strong:
            styled(newlines_to_spaces(std::move(value)), "**");
            break;
        case m::style::emphasis:
            styled(newlines_to_spaces(std::move(value)), "_");
            break;
        }
    }

    void person(m::person const& p)
    {
        if (p.notify && is_username(p.who.name)) {
            // The only `@` outside a code span: a real username, checked above, so it needs no
            // escaping (`_` inside a word emphasises nothing, `.` and `-` are not special).
            raw("@");
            raw(p.who.name);
            return;
        }
        auto const& name = commands::display_name(p.who);
        code("@" + newlines_to_spaces(normalize(name.empty() ? std::string_view("unknown") : name)));
    }

    void channel(m::channel const& c)
    {
        if (is_channel_name(c.where.name)) {
            raw("~");
            raw(c.where.name);
            return;
        }
        auto const& name = c.where.name.empty() ? c.where.id : c.where.name;
        words(newlines_to_spaces(normalize(name.empty() ? std::string_view("unknown channel") : name)));
    }

    /// Plain text that may hold line breaks: kept (indented) or spaces, per the context.
    void plain(std::string_view value)
    {
        while (true) {
            auto nl = value.find('\n');
            words(value.substr(0, nl));
            if (nl == std::string_view::npos) break;
            value.remove_prefix(nl + 1);
            if (ctx_.one_line)
                escaped(" ");
            else if (!at_line_start_)
                line_break(); // at a line start already: no blank line, it would end the block
        }
    }

    /// Strong or emphasised text on one line; spaces at its ends go outside the markers.
    void styled(std::string_view value, std::string_view marker)
    {
        auto first = value.find_first_not_of(" \t");
        if (first == std::string_view::npos) {
            escaped(value); // nothing to style; CommonMark would not style "** **" anyway
            return;
        }
        auto last = value.find_last_not_of(" \t");
        escaped(value.substr(0, first));
        raw(marker);
        words(value.substr(first, last + 1 - first));
        raw(marker);
        escaped(value.substr(last + 1));
    }

    /// One line of text (no line breaks): words with an `@` become code spans.
    void words(std::string_view s)
    {
        std::size_t i = 0;
        while (i < s.size()) {
            std::size_t j = i;
            bool const blank = is_blank(s[i]);
            while (j < s.size() && is_blank(s[j]) == blank)
                ++j;
            auto piece = s.substr(i, j - i);
            if (!blank && piece.find('@') != std::string_view::npos)
                at_word(piece);
            else
                escaped(piece);
            i = j;
        }
    }

    /// A word with an `@`: wrapping punctuation stays outside (escaped), the rest is code. The
    /// punctuation sets hold no `@`, so every `@` ends up inside the span.
    void at_word(std::string_view word)
    {
        std::size_t lead = 0;
        while (lead < word.size() && opening_punctuation.find(word[lead]) != std::string_view::npos)
            ++lead;
        std::size_t end = word.size();
        while (end > lead && closing_punctuation.find(word[end - 1]) != std::string_view::npos)
            --end;
        escaped(word.substr(0, lead));
        code(word.substr(lead, end - lead));
        escaped(word.substr(end));
    }

    /// Text escaped for markdown (no line breaks inside).
    void escaped(std::string_view s)
    {
        for (std::size_t i = 0; i < s.size(); ++i) {
            char const c = s[i];
            if (at_line_start_) {
                if (is_blank(c)) continue; // leading spaces could make an indented code block
                if (c == '=') {
                    raw("&#61;"); // a line of `=` would turn the line above into a heading
                    continue;
                }
            }
            if (c == '&') {
                raw("&amp;");
            } else if (c == '<') {
                raw("&lt;");
            } else if (c == '>') {
                raw("&gt;");
            } else if (c == '\\') {
                // Before a letter or digit a backslash escapes nothing in any parser; doubling it
                // there would show two in the web app (marked only unescapes `\\` before a
                // non-word character).
                bool const literal = i + 1 < s.size() && is_ascii_alnum(s[i + 1]);
                raw(literal ? "\\" : "\\\\");
            } else if (backslashed.find(c) != std::string_view::npos) {
                char const pair[2] = {'\\', c};
                raw(std::string_view(pair, 2));
            } else {
                raw(std::string_view(&c, 1));
            }
        }
    }

    /// `content` (one line) as code: one or more code spans of at most max_code_span_runes.
    void code(std::string_view content)
    {
        if (content.find_first_not_of(" \t") == std::string_view::npos) {
            escaped(content);
            return;
        }
        // Units that a piece boundary never separates: runes, and the `\|` pairs of table cells.
        std::string body;
        std::vector<std::size_t> ends; // end offset of each unit in `body`
        for (std::size_t i = 0; i < content.size();) {
            auto n = rune_bytes(content, i);
            if (ctx_.in_table && content[i] == '|') body += '\\';
            body.append(content.substr(i, n));
            ends.push_back(body.size());
            i += n;
        }
        auto unit = [&](std::size_t k) {
            std::size_t const b = k == 0 ? 0 : ends[k - 1];
            return std::string_view(body).substr(b, ends[k] - b);
        };
        std::size_t start = 0;
        while (start < ends.size()) {
            std::size_t runes = 0, run = 0, longest = 0, k = start, last_space = start;
            for (; k < ends.size(); ++k) {
                auto u = unit(k);
                std::size_t const next_run = u == "`" ? run + 1 : 0;
                std::size_t const next_longest = std::max(longest, next_run);
                std::size_t const u_runes = u.size() == 2 && u[0] == '\\' ? 2 : 1;
                // Content, two fences one longer than the longest run, and padding.
                std::size_t const cost = runes + u_runes + 2 * (next_longest + 1) + 2;
                if (cost > max_code_span_runes && k > start) break;
                runes += u_runes;
                run = next_run;
                longest = next_longest;
                if (u == " " && k > start) last_space = k;
            }
            std::size_t end = k, next = k;
            if (k < ends.size() && last_space > start) {
                end = last_space; // cut at the space; it becomes the separator
                next = last_space + 1;
            }
            std::size_t const b = start == 0 ? 0 : ends[start - 1];
            one_code_span(std::string_view(body).substr(b, ends[end - 1] - b));
            if (next < ends.size()) raw(" ");
            start = next;
        }
    }

    void one_code_span(std::string_view piece)
    {
        std::size_t longest = 0, run = 0;
        for (char c : piece) {
            run = c == '`' ? run + 1 : 0;
            longest = std::max(longest, run);
        }
        bool const pad = piece.front() == '`' || piece.back() == '`' || (piece.front() == ' ' && piece.back() == ' ');
        // A fence right after a backtick would lengthen that run instead of opening a span.
        if (!out_.empty() && out_.back() == '`') raw(" ");
        std::string const fence(longest + 1, '`');
        raw(fence);
        if (pad) raw(" ");
        raw(piece);
        if (pad) raw(" ");
        raw(fence);
    }

    void raw(std::string_view s)
    {
        if (s.empty()) return;
        out_ += s;
        at_line_start_ = false;
    }

    void line_break()
    {
        out_ += '\n';
        out_ += ctx_.indent;
        at_line_start_ = true;
    }

  private:
    std::string& out_;
    context ctx_;
    bool at_line_start_ = true;
};

bool only_blanks(std::string_view s) noexcept
{
    return s.find_first_not_of(" \t") == std::string_view::npos;
}

void write_block(std::string& out, m::paragraph const& p)
{
    line_writer(out, context::block({})).spans(p.content);
}

void write_block(std::string& out, m::heading const& h)
{
    std::string content;
    line_writer(content, context::one_line_text()).spans(h.content);
    if (only_blanks(content)) return;
    out += h.level <= 1 ? "### " : "#### ";
    out += content;
}

void write_block(std::string& out, m::bullet_list const& l)
{
    bool first = true;
    for (auto const& item : l.items) {
        std::string content;
        line_writer(content, context::block("  ")).spans(item.content);
        std::vector<std::string> children;
        for (auto const& child : item.children) {
            std::string c;
            line_writer(c, context::block("    ")).spans(child);
            // An empty child would be a lone "-" under the item's text: a setext heading underline.
            if (!only_blanks(c)) children.push_back(std::move(c));
        }
        if (only_blanks(content) && children.empty()) continue;
        if (!first) out += '\n';
        first = false;
        out += "- ";
        out += content;
        for (auto const& c : children) {
            out += "\n  - ";
            out += c;
        }
    }
}

std::string cell(m::inlines const& content)
{
    std::string out;
    line_writer(out, context::table_cell()).spans(content);
    return out;
}

void write_block(std::string& out, m::table const& t)
{
    std::size_t columns = t.header.size();
    for (auto const& row : t.rows)
        columns = std::max(columns, row.size());
    if (columns == 0) return;
    auto write_row = [&](auto const& cells, auto&& render_cell) {
        out += '|';
        for (std::size_t i = 0; i < columns; ++i) {
            out += ' ';
            if (i < cells.size()) out += render_cell(cells[i]);
            out += " |";
        }
    };
    write_row(t.header, [](std::string const& h) { return cell({m::t(h)}); });
    out += "\n|";
    for (std::size_t i = 0; i < columns; ++i)
        out += " --- |";
    for (auto const& row : t.rows) {
        out += '\n';
        write_row(row, [](m::inlines const& c) { return cell(c); });
    }
}

// Splitting -----------------------------------------------------------------------------------

/// The end of the unit that starts at s[i] (see split() in markdown.hpp).
std::size_t unit_end(std::string_view s, std::size_t i) noexcept
{
    char const c = s[i];
    if (c == '\\') return i + 1 < s.size() ? i + 1 + rune_bytes(s, i + 1) : i + 1;
    if (c == '&') {
        std::size_t j = i + 1;
        while (j < s.size() && j - i <= 32 && (is_ascii_alnum(s[j]) || s[j] == '#'))
            ++j;
        return j < s.size() && s[j] == ';' && j > i + 1 ? j + 1 : i + 1;
    }
    if (c == '`') {
        std::size_t run = 0;
        while (i + run < s.size() && s[i + run] == '`')
            ++run;
        // The closing fence is the next run of exactly the same length (CommonMark 6.1).
        for (std::size_t j = i + run; j < s.size();) {
            if (s[j] != '`') {
                ++j;
                continue;
            }
            std::size_t r = 0;
            while (j + r < s.size() && s[j + r] == '`')
                ++r;
            if (r == run) return j + r;
            j += r;
        }
        return i + run; // no closing fence: the run is literal backticks
    }
    if (c == '@' || c == '~') {
        std::size_t j = i + 1;
        while (j < s.size() && (is_ascii_alnum(s[j]) || s[j] == '.' || s[j] == '_' || s[j] == '-'))
            ++j;
        return j;
    }
    return i + rune_bytes(s, i);
}

/// Where to cut `s` (longer than `limit` runes) so the first part has at most `limit` runes.
std::size_t cut_point(std::string_view s, std::size_t limit) noexcept
{
    // A unit that could be kept whole starts and ends within 2 * limit runes (≤ 8 bytes each):
    // looking further only costs time (a backtick run with no closing fence scans to the end).
    s = s.substr(0, std::min(s.size(), 8 * limit + 8));
    std::size_t runes = 0, i = 0, after_space = 0, after_unit = 0;
    while (i < s.size()) {
        auto const end = unit_end(s, i);
        auto const r = count_runes(s.substr(i, end - i));
        if (runes + r > limit) break;
        runes += r;
        if (is_blank(s[i])) after_space = end;
        after_unit = end;
        i = end;
    }
    if (after_space > 0) return after_space;
    if (after_unit > 0) return after_unit;
    // A single unit longer than the limit: the last rune boundary that fits.
    std::size_t p = 0;
    for (std::size_t k = 0; k < limit && p < s.size(); ++k)
        p += rune_bytes(s, p);
    return p;
}

std::string_view without_newline(std::string_view line) noexcept
{
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    return line;
}

std::string_view after_indent(std::string_view line) noexcept
{
    std::size_t i = 0;
    while (i < line.size() && i < 3 && line[i] == ' ')
        ++i;
    return line.substr(i);
}

bool is_table_line(std::string_view line) noexcept
{
    return after_indent(line).starts_with('|');
}

bool is_delimiter_row(std::string_view line) noexcept
{
    auto s = without_newline(after_indent(line));
    return s.starts_with('|') && s.find('-') != std::string_view::npos &&
           s.find_first_not_of("|-: \t") == std::string_view::npos;
}

bool is_heading_line(std::string_view line) noexcept
{
    auto s = without_newline(after_indent(line));
    std::size_t n = 0;
    while (n < s.size() && s[n] == '#')
        ++n;
    return n >= 1 && n <= 6 && (n == s.size() || is_blank(s[n]));
}

bool is_blank_line(std::string_view line) noexcept
{
    return without_newline(line).find_first_not_of(" \t") == std::string_view::npos;
}

enum class table_role : unsigned char { none, header, delimiter, row };

struct line_info {
    std::string_view text; ///< with its '\n', if any
    std::size_t runes = 0;
    table_role role = table_role::none;
    std::size_t header = 0; ///< the table's header line, for header, delimiter and row
};

std::vector<line_info> lines_of(std::string_view text)
{
    std::vector<line_info> lines;
    for (std::size_t i = 0; i < text.size();) {
        auto nl = text.find('\n', i);
        auto end = nl == std::string_view::npos ? text.size() : nl + 1;
        auto line = text.substr(i, end - i);
        lines.push_back({line, count_runes(line), table_role::none, 0});
        i = end;
    }
    for (std::size_t k = 0; k + 1 < lines.size(); ++k) {
        if (!is_table_line(lines[k].text) || !is_delimiter_row(lines[k + 1].text)) continue;
        lines[k].role = table_role::header;
        lines[k].header = k;
        lines[k + 1].role = table_role::delimiter;
        lines[k + 1].header = k;
        std::size_t r = k + 2;
        for (; r < lines.size() && is_table_line(lines[r].text); ++r) {
            lines[r].role = table_role::row;
            lines[r].header = k;
        }
        k = r - 1;
    }
    return lines;
}

/// A piece of the chunk being built: a whole line, or part of a line too long for a chunk.
struct segment {
    std::string_view text;
    std::size_t runes = 0;
    std::size_t line = 0;
    bool whole = true;
};

class splitter {
  public:
    splitter(std::string_view text, std::size_t limit) : lines_(lines_of(text)), limit_(limit) {}

    std::vector<std::string> run()
    {
        for (std::size_t k = 0; k < lines_.size(); ++k) {
            auto const& line = lines_[k];
            while (!cur_.empty() && runes_ + line.runes > limit_)
                end_chunk(k);
            if (runes_ + line.runes <= limit_) {
                cur_.push_back({line.text, line.runes, k, true});
                runes_ += line.runes;
                continue;
            }
            // Alone in a chunk and still too long (a repeated header is dropped first).
            prefix_.clear();
            runes_ = 0;
            auto rest = line.text;
            auto rest_runes = line.runes;
            while (rest_runes > limit_) {
                auto cut = cut_point(rest, limit_);
                chunks_.emplace_back(rest.substr(0, cut));
                rest_runes -= count_runes(rest.substr(0, cut));
                rest.remove_prefix(cut);
            }
            if (!rest.empty()) {
                cur_.push_back({rest, rest_runes, k, false});
                runes_ = rest_runes;
            }
        }
        if (!cur_.empty()) flush(cur_.size());
        return std::move(chunks_);
    }

  private:
    std::size_t runes_from(std::size_t pos) const noexcept
    {
        std::size_t r = 0;
        for (std::size_t j = pos; j < cur_.size(); ++j)
            r += cur_[j].runes;
        return r;
    }

    std::size_t position_of(std::size_t line) const noexcept
    {
        for (std::size_t j = 0; j < cur_.size(); ++j)
            if (cur_[j].whole && cur_[j].line == line) return j;
        return cur_.size();
    }

    /// Ends the current chunk because line `k` does not fit after it.
    void end_chunk(std::size_t k)
    {
        auto const& next = lines_[k];
        std::size_t end = cur_.size();
        std::string next_prefix;
        if (next.role == table_role::row || next.role == table_role::delimiter) {
            auto const pos = position_of(next.header);
            if (pos > 0 && pos < cur_.size() && runes_from(pos) + next.runes <= limit_) {
                end = pos; // the table so far fits in the next chunk: keep it whole there
            } else if (next.role == table_role::row) {
                auto const& h = lines_[next.header];
                auto const& d = lines_[next.header + 1];
                if (h.runes + d.runes <= limit_ / 2 && h.runes + d.runes + next.runes <= limit_) {
                    next_prefix.append(h.text);
                    next_prefix.append(d.text);
                }
            }
        } else if (!is_blank_line(next.text)) {
            // Keep a heading (and the blank lines after it) with what follows it.
            std::size_t t = cur_.size();
            while (t > 0 && cur_[t - 1].whole && is_blank_line(cur_[t - 1].text))
                --t;
            if (t > 1 && cur_[t - 1].whole && is_heading_line(cur_[t - 1].text) &&
                runes_from(t - 1) + next.runes <= limit_)
                end = t - 1;
        }
        flush(end);
        prefix_ = std::move(next_prefix);
        runes_ = count_runes(prefix_) + runes_from(0);
    }

    /// Emits the prefix and cur_[0, end) as a chunk and keeps the rest.
    void flush(std::size_t end)
    {
        std::string chunk = std::move(prefix_);
        prefix_.clear();
        for (std::size_t j = 0; j < end; ++j)
            chunk.append(cur_[j].text);
        if (!chunk.empty()) chunks_.push_back(std::move(chunk));
        cur_.erase(cur_.begin(), cur_.begin() + static_cast<std::ptrdiff_t>(end));
        runes_ = runes_from(0);
    }

    std::vector<line_info> lines_;
    std::size_t limit_;
    std::vector<segment> cur_;
    std::string prefix_;
    std::size_t runes_ = 0; ///< runes in prefix_ and cur_
    std::vector<std::string> chunks_;
};

constexpr std::array reserved_usernames{std::string_view{"all"},       std::string_view{"channel"},
                                        std::string_view{"here"},      std::string_view{"everyone"},
                                        std::string_view{"matterbot"}, std::string_view{"system"}};

} // namespace

bool is_valid_utf8(std::string_view text) noexcept
{
    for (std::size_t i = 0; i < text.size();) {
        auto n = utf8_length(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::size_t rune_count(std::string_view text) noexcept
{
    return count_runes(text);
}

bool is_username(std::string_view name) noexcept
{
    if (name.empty() || name.size() > max_name_length) return false;
    if (name.front() < 'a' || name.front() > 'z') return false;
    bool const chars_ok = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    });
    // The server retries a mention without its trailing '.', '-', '_' when no user has the whole
    // name (mm StandardMentionParser.ProcessText), so "@channel_" would become "@channel".
    auto stem = name;
    while (!stem.empty() && (stem.back() == '.' || stem.back() == '-' || stem.back() == '_'))
        stem.remove_suffix(1);
    return chars_ok && std::find(reserved_usernames.begin(), reserved_usernames.end(), stem) == reserved_usernames.end();
}

bool is_channel_name(std::string_view name) noexcept
{
    if (name.empty() || name.size() > max_name_length) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; });
}

std::string escape(std::string_view text)
{
    std::string out;
    line_writer(out, context::one_line_text()).text(m::text{std::string(text), m::style::plain, true});
    return out;
}

std::string code_span(std::string_view text)
{
    std::string out;
    line_writer(out, context::one_line_text()).text(m::text{std::string(text), m::style::code, true});
    return out;
}

std::string render(commands::markup::inlines const& line)
{
    std::string out;
    line_writer(out, context::block({})).spans(line);
    return out;
}

std::string render(commands::markup::document const& doc)
{
    std::string out;
    for (auto const& b : doc.blocks) {
        std::string block;
        std::visit([&](auto const& x) { write_block(block, x); }, b);
        if (only_blanks(block)) continue;
        if (!out.empty()) out += "\n\n";
        out += block;
    }
    return out;
}

std::vector<std::string> split(std::string_view text, std::size_t limit)
{
    return splitter(text, std::max(limit, min_split_limit)).run();
}

std::vector<std::string> render_chunks(commands::markup::document const& doc, std::size_t limit)
{
    std::vector<std::string> out;
    for (auto& chunk : split(render(doc), limit)) {
        std::string_view v = chunk;
        auto first = v.find_first_not_of(" \t\n");
        if (first == std::string_view::npos) continue;
        auto last = v.find_last_not_of(" \t\n");
        out.emplace_back(v.substr(first, last + 1 - first));
    }
    return out;
}

} // namespace coolhead::mattermost

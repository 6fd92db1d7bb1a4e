#include "bot/adapters/slack/mrkdwn.hpp"

#include "bot/adapters/common/utf8.hpp"

#include <algorithm>

namespace coolhead::slack {
namespace {

namespace m = commands::markup;
using adapters::utf8::is_continuation;
using adapters::utf8::utf8_length;

constexpr std::string_view replacement = adapters::utf8::replacement_character;
constexpr std::string_view bullet = "\xE2\x80\xA2 ";         // "• "
constexpr std::string_view sub_bullet = "    \xE2\x97\xA6 "; // "    ◦ "
constexpr std::string_view separator = " \xC2\xB7 ";         // " · "
constexpr std::string_view empty_cell = "\xE2\x80\x94";      // "—"

/// Longest `<…>` token split() keeps whole; our own are at most 2 + 32 + 1 bytes.
constexpr std::size_t max_token_bytes = 64;
/// Longest Slack id we accept in a mention (real ones are 9 to 11 characters).
constexpr std::size_t max_id_bytes = 32;

/// Appends `s` escaped to `out`.
void append_escaped(std::string& out, std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        char const c = s[i];
        if (c == '&') {
            out += "&amp;";
        } else if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else if (static_cast<unsigned char>(c) < 0x80U) {
            out += c;
        } else if (auto n = utf8_length(s, i); n > 0) {
            out.append(s.substr(i, n));
            i += n;
            continue;
        } else {
            out += replacement; // one U+FFFD per invalid byte
        }
        ++i;
    }
}

bool is_id_of(std::string_view id, std::string_view prefixes) noexcept
{
    if (id.size() < 2 || id.size() > max_id_bytes) return false;
    if (prefixes.find(id.front()) == std::string_view::npos) return false;
    return std::all_of(id.begin(), id.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

std::string_view marker_of(m::style s) noexcept
{
    switch (s) {
    case m::style::plain:
        return "";
    case m::style::strong:
        return "*";
    case m::style::emphasis:
        return "_";
    case m::style::code:
        return "`";
    }
    return "";
}

/// How a line is being written: inside a heading (already bold), or in a table cell / heading
/// where line breaks would break the layout.
struct line_context {
    bool in_strong = false;
    bool one_line = false;
};

void write_text(std::string& out, m::text const& t, line_context ctx)
{
    std::string value;
    append_escaped(value, t.value);
    if (ctx.one_line) std::replace(value.begin(), value.end(), '\n', ' ');
    auto look = t.look;
    if (look == m::style::strong && ctx.in_strong) look = m::style::plain; // no "*a *b* c*"
    if (look == m::style::plain) {
        out += value;
        return;
    }
    // Slack only styles "*x*" when the markers touch the text, so spaces at the ends of a styled
    // run go outside the markers; a run of nothing but spaces is written plain.
    auto first = value.find_first_not_of(' ');
    if (first == std::string::npos) {
        out += value;
        return;
    }
    auto last = value.find_last_not_of(' ');
    auto marker = marker_of(look);
    out.append(value, 0, first);
    out += marker;
    out.append(value, first, last + 1 - first);
    out += marker;
    out.append(value, last + 1);
}

void write_person(std::string& out, m::person const& p)
{
    if (p.notify && is_user_id(p.who.id)) {
        out += "<@";
        out += p.who.id;
        out += '>';
        return;
    }
    auto const& name = commands::display_name(p.who);
    out += '@';
    if (name.empty())
        out += "unknown";
    else
        append_escaped(out, name);
}

void write_channel(std::string& out, m::channel const& c)
{
    if (is_channel_id(c.where.id)) {
        out += "<#";
        out += c.where.id;
        out += '>';
        return;
    }
    auto const& name = c.where.name.empty() ? c.where.id : c.where.name;
    out += '#';
    if (name.empty())
        out += "unknown";
    else
        append_escaped(out, name);
}

void write_inlines(std::string& out, m::inlines const& line, line_context ctx)
{
    for (auto const& s : line) {
        if (auto const* t = std::get_if<m::text>(&s))
            write_text(out, *t, ctx);
        else if (auto const* p = std::get_if<m::person>(&s))
            write_person(out, *p);
        else if (auto const* c = std::get_if<m::channel>(&s))
            write_channel(out, *c);
    }
}

std::string_view trim_spaces(std::string_view s) noexcept
{
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

/// `*text*`, or the text alone when there is nothing to make bold.
void write_bold_line(std::string& out, std::string_view text)
{
    text = trim_spaces(text);
    if (text.empty()) return;
    out += '*';
    out += text;
    out += '*';
}

void write_block(std::string& out, m::paragraph const& p)
{
    write_inlines(out, p.content, {});
}

void write_block(std::string& out, m::heading const& h)
{
    std::string line;
    write_inlines(line, h.content, {.in_strong = true, .one_line = true});
    write_bold_line(out, line);
}

void write_block(std::string& out, m::bullet_list const& l)
{
    bool first = true;
    for (auto const& item : l.items) {
        if (!first) out += '\n';
        first = false;
        out += bullet;
        write_inlines(out, item.content, {});
        for (auto const& child : item.children) {
            out += '\n';
            out += sub_bullet;
            write_inlines(out, child, {});
        }
    }
}

void write_block(std::string& out, m::table const& t)
{
    std::string header;
    for (std::size_t i = 0; i < t.header.size(); ++i) {
        if (i > 0) header += separator;
        append_escaped(header, t.header[i]);
    }
    std::replace(header.begin(), header.end(), '\n', ' ');
    write_bold_line(out, header);
    bool first = header.find_first_not_of(' ') == std::string::npos;
    for (auto const& row : t.rows) {
        if (!first) out += '\n';
        first = false;
        out += bullet;
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0) out += separator;
            std::string cell;
            write_inlines(cell, row[i], {.in_strong = false, .one_line = true});
            if (trim_spaces(cell).empty())
                out += empty_cell;
            else
                out += cell;
        }
    }
}

/// A cut at `p` (start < p < end) moved back so it does not fall inside an entity or a `<…>`
/// token that starts after `start`; `p` itself if there is none.
std::size_t keep_units_whole(std::string_view s, std::size_t start, std::size_t p) noexcept
{
    // An entity is at most 5 bytes ("&amp;"), so one covering p starts at most 4 bytes back.
    for (std::size_t q = p - std::min<std::size_t>(4, p - start - 1); q < p; ++q) {
        if (s[q] != '&') continue;
        for (std::string_view e : {"&amp;", "&lt;", "&gt;"})
            if (s.substr(q, e.size()) == e && q + e.size() > p) return q;
    }
    // A '<' before p with no '>' between it and p, closed by a '>' soon after p.
    auto const from = p - std::min<std::size_t>(max_token_bytes - 1, p - start - 1);
    auto const open = s.substr(from, p - from).rfind('<');
    if (open == std::string_view::npos) return p;
    auto const q = from + open;
    if (s.substr(q, p - q).find('>') != std::string_view::npos) return p;
    auto const close = s.substr(p, q + max_token_bytes - p).find('>');
    return close == std::string_view::npos ? p : q;
}

/// Where the chunk starting at `start` ends, given that the rest is longer than `limit`.
std::size_t cut_point(std::string_view s, std::size_t start, std::size_t limit) noexcept
{
    auto const window = s.substr(start, limit);
    // After the last line break that fits.
    if (auto nl = window.rfind('\n'); nl != std::string_view::npos) return start + nl + 1;
    // A single long line: after the last space that fits.
    if (auto sp = window.rfind(' '); sp != std::string_view::npos) return start + sp + 1;
    // No space: the last UTF-8 boundary that fits (a lead byte or ASCII at p). In valid UTF-8
    // one is at most 3 bytes back; in invalid input there may be none, and any cut will do.
    std::size_t p = start + limit;
    for (std::size_t back = 0; back < 4 && p - back > start; ++back) {
        if (!is_continuation(static_cast<unsigned char>(s[p - back]))) {
            p -= back;
            break;
        }
    }
    // Both kinds of units start with an ASCII byte, so moving to one keeps a UTF-8 boundary.
    return keep_units_whole(s, start, p);
}

} // namespace

std::string escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    append_escaped(out, text);
    return out;
}

bool is_valid_utf8(std::string_view text) noexcept
{
    std::size_t i = 0;
    while (i < text.size()) {
        auto n = utf8_length(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

bool is_user_id(std::string_view id) noexcept
{
    return is_id_of(id, "UW");
}

bool is_channel_id(std::string_view id) noexcept
{
    return is_id_of(id, "CGD");
}

std::string render(commands::markup::inlines const& line)
{
    std::string out;
    write_inlines(out, line, {});
    return out;
}

std::string render(commands::markup::document const& doc)
{
    std::string out;
    for (auto const& b : doc.blocks) {
        std::string block;
        std::visit([&](auto const& x) { write_block(block, x); }, b);
        if (block.empty()) continue;
        if (!out.empty()) out += "\n\n";
        out += block;
    }
    return out;
}

std::vector<std::string> split(std::string_view text, std::size_t limit)
{
    limit = std::max(limit, min_split_limit);
    std::vector<std::string> chunks;
    std::size_t start = 0;
    while (start < text.size()) {
        if (text.size() - start <= limit) {
            chunks.emplace_back(text.substr(start));
            break;
        }
        auto end = cut_point(text, start, limit);
        chunks.emplace_back(text.substr(start, end - start));
        start = end;
    }
    return chunks;
}

std::vector<std::string> render_chunks(commands::markup::document const& doc, std::size_t limit)
{
    std::vector<std::string> out;
    for (auto& chunk : split(render(doc), limit)) {
        std::string_view v = chunk;
        while (!v.empty() && v.front() == '\n')
            v.remove_prefix(1);
        while (!v.empty() && (v.back() == '\n' || v.back() == ' '))
            v.remove_suffix(1);
        if (!v.empty()) out.emplace_back(v);
    }
    return out;
}

} // namespace coolhead::slack

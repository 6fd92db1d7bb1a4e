#pragma once
// Test support without GoogleTest (the fuzz targets use it too): a model of how Mattermost reads
// a post's markdown inline, enough to tell text from code spans and to find the mentions the
// server would act on (mm app/notification.go getExplicitMentions, mention_parser_standard.go).

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::mattermost::testing {

inline bool is_ascii_punctuation(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

/// The closing fence of a code span opened by the backtick run at s[i] (CommonMark 6.1: the next
/// run of exactly the same length), searched on the same line only: our code spans never span
/// lines, so one that would is treated as no code span at all (the stricter reading). Returns
/// the end of the span, or npos if the run opens none.
inline std::size_t code_span_end(std::string_view s, std::size_t i)
{
    std::size_t run = 0;
    while (i + run < s.size() && s[i + run] == '`')
        ++run;
    for (std::size_t j = i + run; j < s.size() && s[j] != '\n';) {
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
    return std::string_view::npos;
}

/// One piece of markdown as a parser sees it: text (escapes decoded) or a code span.
struct piece {
    bool code = false;
    std::string text;      ///< decoded text, or the span's raw content
    std::string raw;       ///< as written
};

/// Splits markdown into text and code spans the way CommonMark does inline (and mm's Go
/// parser, server/public/shared/markdown/inlines.go): a backslash before ASCII punctuation
/// escapes it, a backtick run opens a code span if a run of the same length closes it.
/// Character references in text are decoded (&amp; &lt; &gt; &quot; &commat; &#N; &#xH;).
inline std::vector<piece> inline_pieces(std::string_view s)
{
    std::vector<piece> out;
    auto text = [&]() -> piece& {
        if (out.empty() || out.back().code) out.push_back({});
        return out.back();
    };
    for (std::size_t i = 0; i < s.size();) {
        char const c = s[i];
        if (c == '\\' && i + 1 < s.size() && is_ascii_punctuation(s[i + 1])) {
            text().text += s[i + 1];
            text().raw += s.substr(i, 2);
            i += 2;
        } else if (c == '`') {
            auto end = code_span_end(s, i);
            std::size_t run = 0;
            while (i + run < s.size() && s[i + run] == '`')
                ++run;
            if (end == std::string_view::npos) {
                text().text += s.substr(i, run);
                text().raw += s.substr(i, run);
                i += run;
            } else {
                out.push_back({true, std::string(s.substr(i + run, end - run - (i + run))), std::string(s.substr(i, end - i))});
                i = end;
            }
        } else if (c == '&') {
            auto semi = s.find(';', i);
            std::string decoded;
            if (semi != std::string_view::npos && semi - i <= 10) {
                auto name = s.substr(i + 1, semi - i - 1);
                if (name == "amp") decoded = "&";
                else if (name == "lt") decoded = "<";
                else if (name == "gt") decoded = ">";
                else if (name == "quot") decoded = "\"";
                else if (name == "commat") decoded = "@";
                else if (name.size() > 1 && name[0] == '#') {
                    unsigned long v = 0;
                    bool ok = true;
                    bool hex = name[1] == 'x' || name[1] == 'X';
                    for (char d : name.substr(hex ? 2 : 1)) {
                        int digit = d >= '0' && d <= '9' ? d - '0' : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10 : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
                        if (digit < 0) { ok = false; break; }
                        v = v * (hex ? 16 : 10) + static_cast<unsigned long>(digit);
                    }
                    if (ok && v > 0 && v < 128) decoded = std::string(1, static_cast<char>(v));
                }
            }
            if (!decoded.empty()) {
                text().text += decoded;
                text().raw += s.substr(i, semi + 1 - i);
                i = semi + 1;
            } else {
                text().text += c;
                text().raw += c;
                ++i;
            }
        } else {
            text().text += c;
            text().raw += c;
            ++i;
        }
    }
    return out;
}

inline bool is_letter_or_number(unsigned char c)
{
    // ASCII letters and digits, and (conservatively) any non-ASCII byte: Go's unicode.IsLetter.
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/// The mentions the Mattermost server would find in a post's markdown: like mm
/// StandardMentionParser.ProcessText over the concatenated text between non-text nodes
/// (getExplicitMentions), words starting with '@' (lower-cased, trailing ".-:_" trimmed as the
/// server does when looking up keywords). "@here", "@channel", "@all" and any "@name" count.
/// Conservative: links, emphasis and line breaks are not taken as node boundaries.
inline std::set<std::string> server_mentions(std::string_view markdown)
{
    std::set<std::string> found;
    auto scan = [&](std::string const& text) {
        std::string word;
        auto consider = [&](std::string_view w) {
            while (!w.empty() && (w.front() == ':' || w.front() == '.' || w.front() == '-' || w.front() == '_'))
                w.remove_prefix(1);
            while (w.size() > 1 && (w.back() == '.' || w.back() == '-' || w.back() == ':' || w.back() == '_'))
                w.remove_suffix(1);
            if (w.size() > 1 && w.front() == '@') {
                std::string m(w);
                std::transform(m.begin(), m.end(), m.begin(),
                               [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
                found.insert(m);
            }
        };
        auto flush = [&] {
            consider(word);
            // The server also splits a word at '.', '-' and ':' and looks at each part.
            std::string_view rest = word;
            while (!rest.empty()) {
                auto cut = rest.find_first_of(".-:");
                consider(rest.substr(0, cut));
                if (cut == std::string_view::npos) break;
                rest.remove_prefix(cut + 1);
            }
            word.clear();
        };
        for (char c : text) {
            auto u = static_cast<unsigned char>(c);
            if (c == ':' || c == '.' || c == '-' || c == '_' || c == '@' || is_letter_or_number(u))
                word += c;
            else
                flush();
        }
        flush();
    };
    for (auto const& p : inline_pieces(markdown))
        if (!p.code) scan(p.text);
    return found;
}

/// Every '@' outside code spans, counted (escapes and references decoded first).
inline std::size_t at_signs_outside_code(std::string_view markdown)
{
    std::size_t n = 0;
    for (auto const& p : inline_pieces(markdown))
        if (!p.code) n += static_cast<std::size_t>(std::count(p.text.begin(), p.text.end(), '@'));
    return n;
}

/// The characters written raw (not escaped, not in code spans) in `markdown`.
inline std::string raw_outside_code(std::string_view markdown)
{
    std::string out;
    for (auto const& p : inline_pieces(markdown)) {
        if (p.code) continue;
        for (std::size_t i = 0; i < p.raw.size(); ++i) {
            if (p.raw[i] == '\\' && i + 1 < p.raw.size() && is_ascii_punctuation(p.raw[i + 1])) {
                ++i;
                continue;
            }
            if (p.raw[i] == '&') {
                auto semi = p.raw.find(';', i);
                if (semi != std::string::npos && semi - i <= 10) {
                    i = semi;
                    continue;
                }
            }
            out += p.raw[i];
        }
    }
    return out;
}

} // namespace coolhead::mattermost::testing

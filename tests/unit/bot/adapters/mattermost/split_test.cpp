// Splitting long markdown into Mattermost posts by runes: limits, line and space cuts, units that
// are never cut (UTF-8, code spans, escapes, references, @name), headings and tables, and the
// invariants (every chunk fits, nothing is lost, no chunk lets an '@' out of its code span).
#include "bot/adapters/mattermost/markdown.hpp"

#include "mattermost_data.hpp"

#include <gtest/gtest.h>

namespace coolhead::mattermost {
namespace {

namespace m = commands::markup;
using testing::at_signs_outside_code;
using testing::server_mentions;

std::string join(std::vector<std::string> const& chunks)
{
    std::string s;
    for (auto const& c : chunks)
        s += c;
    return s;
}

std::string repeat(std::string_view s, std::size_t n)
{
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += s;
    return out;
}

void expect_fits(std::vector<std::string> const& chunks, std::size_t limit)
{
    for (auto const& c : chunks) {
        EXPECT_FALSE(c.empty());
        EXPECT_LE(rune_count(c), limit);
        EXPECT_TRUE(is_valid_utf8(c));
    }
}

TEST(mattermost_split, short_text_is_one_chunk_and_empty_text_none)
{
    EXPECT_EQ(split("hello"), (std::vector<std::string>{"hello"}));
    EXPECT_TRUE(split("").empty());
}

TEST(mattermost_split, the_limit_counts_runes_not_bytes)
{
    std::string const e = "\xC3\xA9";                // 2 bytes, 1 rune
    std::string const pin = "\xF0\x9F\x93\x8C";      // 4 bytes, 1 rune
    auto text = repeat(e, 600) + repeat(pin, 400);   // 1000 runes, 2800 bytes
    EXPECT_EQ(split(text, 1000).size(), 1U);
    auto more = text + "x";
    auto chunks = split(more, 1000);
    ASSERT_EQ(chunks.size(), 2U);
    EXPECT_EQ(rune_count(chunks[0]), 1000U);
    EXPECT_EQ(chunks[1], "x");
    // The default is Mattermost's 16383 runes; 4000 for old servers.
    auto big = repeat(pin, 16383);
    EXPECT_EQ(split(big).size(), 1U);
    EXPECT_EQ(split(big + "!").size(), 2U);
    auto legacy = split(big, legacy_message_limit);
    ASSERT_EQ(legacy.size(), 5U);
    expect_fits(legacy, legacy_message_limit);
    EXPECT_EQ(join(legacy), big);
}

TEST(mattermost_split, cuts_after_the_last_line_break_that_fits)
{
    auto line = repeat("a", 399) + "\n"; // 400 runes
    auto text = line + line + line + "tail";
    auto chunks = split(text, 1000);
    EXPECT_EQ(chunks, (std::vector<std::string>{line + line, line + "tail"}));
}

TEST(mattermost_split, a_long_line_is_cut_after_the_last_space_that_fits)
{
    auto words = repeat("word ", 500); // 2500 runes
    auto chunks = split(words, 1000);
    ASSERT_EQ(chunks.size(), 3U);
    EXPECT_EQ(chunks[0], repeat("word ", 200));
    EXPECT_EQ(join(chunks), words);
    expect_fits(chunks, 1000);
}

TEST(mattermost_split, without_spaces_it_cuts_at_a_rune_boundary)
{
    std::string const pin = "\xF0\x9F\x93\x8C";
    for (std::size_t pad = 0; pad < 4; ++pad) {
        auto text = std::string(pad, 'a') + repeat(pin, 2500);
        auto chunks = split(text, 1000);
        EXPECT_EQ(join(chunks), text);
        expect_fits(chunks, 1000);
        EXPECT_EQ(rune_count(chunks[0]), 1000U);
    }
}

TEST(mattermost_split, never_cuts_inside_a_code_span_an_escape_a_reference_or_a_name)
{
    struct unit {
        std::string text;
        char const* what;
    };
    for (auto const& u : {unit{"`@here and @channel inside code`", "code span"},
                          unit{"``a`b@all``", "code span with a backtick"}, unit{"\\*", "escape"},
                          unit{"&amp;", "reference"}, unit{"&#61;", "numeric reference"},
                          unit{"@alice.smith", "ping"}, unit{"~incident-42", "channel"}}) {
        // Put the unit across the limit at every offset, on a line without spaces.
        for (std::size_t before = 1000 - u.text.size(); before < 1000; ++before) {
            auto text = std::string(before, 'x') + u.text + std::string(50, 'y');
            auto chunks = split(text, 1000);
            ASSERT_EQ(join(chunks), text) << u.what;
            expect_fits(chunks, 1000);
            bool whole = false;
            for (auto const& c : chunks)
                whole = whole || c.find(u.text) != std::string::npos;
            EXPECT_TRUE(whole) << u.what << " cut at " << before;
        }
    }
}

TEST(mattermost_split, hostile_backticks_do_not_make_it_slow)
{
    // Many backtick runs without closing fences, on one line: each cut looks only so far ahead.
    std::string text;
    for (int i = 0; i < 20000; ++i)
        text += std::string(static_cast<std::size_t>(i % 7 + 1), '`') + "a";
    auto chunks = split(text, 1000);
    EXPECT_EQ(join(chunks), text);
    expect_fits(chunks, 1000);
}

TEST(mattermost_split, tiny_limits_are_raised_to_the_minimum)
{
    auto text = repeat("z", min_split_limit + 1);
    for (std::size_t limit : {std::size_t{0}, std::size_t{1}, std::size_t{4}, min_split_limit}) {
        auto chunks = split(text, limit);
        ASSERT_EQ(chunks.size(), 2U) << limit;
        EXPECT_EQ(chunks[0].size(), min_split_limit);
    }
}

TEST(mattermost_split, invalid_utf8_still_makes_progress)
{
    std::string junk(2500, '\x80');
    auto chunks = split(junk, 1000);
    EXPECT_EQ(join(chunks), junk);
    for (auto const& c : chunks)
        EXPECT_LE(rune_count(c), 1000U);
}

TEST(mattermost_split, a_heading_stays_with_what_follows_it)
{
    // The heading would be the last line of the first chunk: it moves to the second.
    auto para = repeat("p", 979) + "\n";
    auto text = para + "\n#### Timeline\n\n" + repeat("- entry\n", 60);
    auto chunks = split(text, 1000);
    ASSERT_GE(chunks.size(), 2U);
    EXPECT_EQ(chunks[0], para + "\n");
    EXPECT_TRUE(chunks[1].starts_with("#### Timeline\n\n- entry")) << chunks[1];
    EXPECT_EQ(join(chunks), text);
}

std::string table(std::size_t rows, std::size_t width)
{
    std::string t = "| Tollgate | Owner |\n| --- | --- |\n";
    for (std::size_t i = 0; i < rows; ++i)
        t += "| row " + std::to_string(i) + " " + std::string(width, 'w') + " | `@bob` |\n";
    return t;
}

TEST(mattermost_split, a_table_that_fits_in_the_next_chunk_moves_there_whole)
{
    auto intro = repeat("i", 699) + "\n\n";
    auto t = table(10, 30); // ~ 500 runes
    auto text = intro + t + "after";
    auto chunks = split(text, 1000);
    ASSERT_EQ(chunks.size(), 2U);
    EXPECT_EQ(chunks[0], intro);
    EXPECT_TRUE(chunks[1].starts_with("| Tollgate | Owner |\n| --- | --- |\n| row 0 "));
    EXPECT_EQ(join(chunks), text);
}

TEST(mattermost_split, a_long_table_repeats_its_header_in_every_chunk)
{
    auto t = table(80, 40); // ~ 4500 runes
    auto text = "intro\n\n" + t;
    auto chunks = split(text, 1000);
    ASSERT_GT(chunks.size(), 3U);
    expect_fits(chunks, 1000);
    std::string rows;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        auto c = std::string_view(chunks[i]);
        if (i == 0) {
            ASSERT_TRUE(c.starts_with("intro\n\n| Tollgate | Owner |\n| --- | --- |\n"));
            c.remove_prefix(7);
        }
        ASSERT_TRUE(c.starts_with("| Tollgate | Owner |\n| --- | --- |\n")) << c;
        c.remove_prefix(std::string_view("| Tollgate | Owner |\n| --- | --- |\n").size());
        rows += c;
    }
    // Every row once, in order: only the headers were repeated.
    EXPECT_EQ("| Tollgate | Owner |\n| --- | --- |\n" + rows, t);
}

TEST(mattermost_split, property_every_chunk_fits_and_nothing_is_lost)
{
    testing::rng r(16383);
    std::vector<std::string> const pieces{"a",     "bb",          " ",         "\n",       "\n\n",  "\xC3\xA9",
                                          "- ",    "\xF0\x9F\x93\x8C", "&amp;", "\\*",     "`x y`", "``a`b``",
                                          "@bob",  "~chan",       "### head\n", "word ",   "**b**", "\x80"};
    for (int i = 0; i < 300; ++i) {
        std::string text;
        for (std::size_t n = r.below(3000); n > 0; --n)
            text += pieces[r.below(pieces.size())];
        auto limit = min_split_limit + r.below(2000);
        auto chunks = split(text, limit);
        ASSERT_EQ(join(chunks), text);
        for (auto const& c : chunks) {
            ASSERT_FALSE(c.empty());
            ASSERT_LE(rune_count(c), limit);
        }
    }
}

/// A long post-mortem-like document full of hostile user text.
m::document big_document(std::size_t entries)
{
    m::document d;
    d.blocks.push_back(m::heading{1, {m::t("Post-mortem: "), m::strong("INC-7"), m::t(" · "), m::u("@channel <!here>")}});
    m::bullet_list timeline;
    for (std::size_t i = 0; i < entries; ++i) {
        std::string typed = "entry " + std::to_string(i) + " @here `code` [x](http://y) caf\xC3\xA9 \xF0\x9F\x93\x8C " +
                            std::string(i % 40, 'z');
        timeline.items.push_back({{m::t("03:" + std::to_string(i % 60) + " · "), m::who({"", "alice"}), m::t(" · "),
                                   m::u(typed)},
                                  {{m::t("ping "), m::ping({"", "bob"}), m::t(": "), m::ucode(typed)}}});
    }
    d.blocks.push_back(m::heading{2, {m::t("Timeline")}});
    d.blocks.push_back(timeline);
    m::table t;
    t.header = {"Tollgate", "Follow-up", "Owner"};
    for (std::size_t i = 0; i < entries / 2; ++i)
        t.rows.push_back({{m::u("gate " + std::to_string(i))}, {m::u("@all do | this")}, {m::who({"", "carol"})}});
    d.blocks.push_back(t);
    d.blocks.push_back(m::paragraph{{m::u(repeat("long @everyone paragraph `x` ", 300))}});
    return d;
}

TEST(mattermost_render_chunks, every_chunk_fits_and_keeps_user_text_harmless)
{
    auto d = big_document(150);
    auto whole = render(d);
    ASSERT_GT(rune_count(whole), 3 * legacy_message_limit);
    for (std::size_t limit : {message_limit, legacy_message_limit, min_split_limit}) {
        auto chunks = render_chunks(d, limit);
        ASSERT_FALSE(chunks.empty());
        std::string seen;
        std::size_t pings = 0;
        for (auto const& c : chunks) {
            EXPECT_LE(rune_count(c), limit);
            EXPECT_TRUE(is_valid_utf8(c));
            EXPECT_FALSE(c.starts_with("\n") || c.starts_with(" ") || c.ends_with("\n") || c.ends_with(" "));
            // Within each post on its own: the only '@' outside code are the pings of @bob.
            auto mentions = server_mentions(c);
            EXPECT_TRUE(mentions.empty() || mentions == std::set<std::string>{"@bob"}) << c;
            pings += at_signs_outside_code(c);
            seen += c;
        }
        EXPECT_EQ(pings, 150U) << "limit " << limit;
        // Nothing lost but whitespace at the cuts and repeated table headers.
        auto squeeze = [](std::string s) {
            std::erase_if(s, [](char ch) { return ch == '\n' || ch == ' '; });
            return s;
        };
        auto header = squeeze("| Tollgate | Follow\\-up | Owner |\n| --- | --- | --- |\n");
        auto s = squeeze(seen);
        auto w = squeeze(whole);
        std::size_t extra_headers = 0;
        for (auto p = s.find(header); p != std::string::npos; p = s.find(header, p + 1))
            ++extra_headers;
        ASSERT_GE(extra_headers, 1U);
        for (std::size_t k = 1; k < extra_headers; ++k)
            s.erase(s.rfind(header), header.size());
        EXPECT_EQ(s, w) << "limit " << limit;
        if (limit == message_limit) {
            EXPECT_LE(chunks.size(), 3U);
        }
    }
}

TEST(mattermost_render_chunks, drops_line_breaks_at_the_cuts)
{
    m::document d;
    for (int i = 0; i < 60; ++i)
        d.blocks.push_back(m::paragraph{{m::t(repeat("Paragraph number " + std::to_string(i) + " ", 3) + "end.")}});
    auto whole = render(d);
    auto chunks = render_chunks(d, 1000);
    ASSERT_GT(chunks.size(), 1U);
    std::string joined;
    for (auto const& c : chunks) {
        EXPECT_LE(rune_count(c), 1000U);
        joined += c + "\n\n";
    }
    EXPECT_EQ(joined, whole + "\n\n"); // the cuts fell on the blank lines between blocks
}

} // namespace
} // namespace coolhead::mattermost

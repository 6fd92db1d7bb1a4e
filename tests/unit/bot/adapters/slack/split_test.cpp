// Splitting long mrkdwn into Slack-sized messages: limits, line and space cuts, UTF-8 and
// entities at the boundary, and the invariants (every chunk fits, nothing is lost).
#include "bot/adapters/slack/mrkdwn.hpp"

#include "slack_data.hpp"

#include <gtest/gtest.h>

namespace coolhead::slack {
namespace {

std::string join(std::vector<std::string> const& chunks)
{
    std::string s;
    for (auto const& c : chunks)
        s += c;
    return s;
}

void expect_invariants(std::string_view text, std::size_t limit)
{
    auto chunks = split(text, limit);
    EXPECT_EQ(join(chunks), text);
    for (auto const& c : chunks) {
        EXPECT_FALSE(c.empty());
        EXPECT_LE(c.size(), std::max(limit, min_split_limit));
    }
}

TEST(slack_split, short_text_is_one_chunk_and_empty_text_none)
{
    EXPECT_EQ(split("hello", 4000), (std::vector<std::string>{"hello"}));
    EXPECT_TRUE(split("", 4000).empty());
}

TEST(slack_split, text_of_exactly_the_limit_is_one_chunk)
{
    std::string text(4000, 'a');
    EXPECT_EQ(split(text).size(), 1U);
    text += 'b';
    auto chunks = split(text);
    ASSERT_EQ(chunks.size(), 2U);
    EXPECT_EQ(chunks[0].size(), 4000U);
    EXPECT_EQ(chunks[1], "b");
}

TEST(slack_split, cuts_after_the_last_line_break_that_fits)
{
    auto chunks = split("first line\nsecond line\nthird", 24);
    EXPECT_EQ(chunks, (std::vector<std::string>{"first line\nsecond line\n", "third"}));
    // The blank line between blocks stays with the earlier chunk where it fits.
    EXPECT_EQ(split("aaaa\n\nbbbb", 6), (std::vector<std::string>{"aaaa\n\n", "bbbb"}));
}

TEST(slack_split, a_long_line_is_cut_after_the_last_space_that_fits)
{
    auto chunks = split("alpha beta gamma delta", 12);
    EXPECT_EQ(chunks, (std::vector<std::string>{"alpha beta ", "gamma delta"}));
}

TEST(slack_split, a_line_after_a_break_is_cut_on_its_own)
{
    auto chunks = split("short\n" + std::string(10, 'x') + " " + std::string(10, 'y'), 16);
    EXPECT_EQ(chunks,
              (std::vector<std::string>{"short\n", std::string(10, 'x') + " ", std::string(10, 'y')}));
}

TEST(slack_split, without_spaces_it_cuts_at_a_utf8_boundary)
{
    // "é" is 2 bytes, "📌" 4: put them across the limit.
    std::string e = "\xC3\xA9";
    std::string pin = "\xF0\x9F\x93\x8C";
    for (std::size_t pad = 0; pad < 8; ++pad) {
        std::string text = std::string(pad, 'a') + pin + pin + e + e + pin;
        for (std::size_t limit = 4; limit <= text.size(); ++limit) {
            auto chunks = split(text, limit);
            EXPECT_EQ(join(chunks), text);
            for (auto const& c : chunks) {
                EXPECT_LE(c.size(), limit);
                EXPECT_TRUE(is_valid_utf8(c)) << "pad " << pad << " limit " << limit;
            }
        }
    }
}

TEST(slack_split, never_cuts_inside_an_entity)
{
    std::string text = std::string(8, 'x') + "&amp;&lt;&gt;" + std::string(8, 'y');
    for (std::size_t limit = 5; limit < text.size(); ++limit) {
        auto chunks = split(text, limit);
        EXPECT_EQ(join(chunks), text);
        for (auto const& c : chunks) {
            EXPECT_LE(c.size(), limit);
            // Each chunk holds whole entities only: a '&' is followed by the rest of its entity.
            for (auto p = c.find('&'); p != std::string::npos; p = c.find('&', p + 1)) {
                auto at = std::string_view(c).substr(p);
                EXPECT_TRUE(at.starts_with("&amp;") || at.starts_with("&lt;") || at.starts_with("&gt;"))
                    << "limit " << limit << ": " << c;
            }
        }
    }
}

TEST(slack_split, never_cuts_inside_our_mention_tokens)
{
    std::string text = std::string(10, 'x') + "<@U0BOB00001><#C0INCIDENT1>" + std::string(10, 'y');
    for (std::size_t limit = 16; limit < text.size(); ++limit) {
        auto chunks = split(text, limit);
        EXPECT_EQ(join(chunks), text);
        for (auto const& c : chunks) {
            EXPECT_LE(c.size(), limit);
            EXPECT_EQ(std::count(c.begin(), c.end(), '<'), std::count(c.begin(), c.end(), '>')) << c;
        }
    }
}

TEST(slack_split, tiny_limits_are_raised_to_one_utf8_sequence)
{
    auto chunks = split("\xF0\x9F\x93\x8C\xF0\x9F\x93\x8C", 1);
    EXPECT_EQ(chunks, (std::vector<std::string>{"\xF0\x9F\x93\x8C", "\xF0\x9F\x93\x8C"}));
    auto zero = split("abcdefgh", 0);
    EXPECT_EQ(zero, (std::vector<std::string>{"abcd", "efgh"}));
}

TEST(slack_split, invalid_utf8_still_makes_progress)
{
    std::string junk(50, '\x80');
    expect_invariants(junk, 7);
}

TEST(slack_split, property_every_chunk_fits_and_nothing_is_lost)
{
    testing::rng r(4000);
    std::vector<std::string> const pieces{"a",
                                          "bb",
                                          " ",
                                          "\n",
                                          "\n\n",
                                          "\xC3\xA9",
                                          "\xE2\x80\xA2 ",
                                          "\xF0\x9F\x93\x8C",
                                          "&amp;",
                                          "&lt;",
                                          "&gt;",
                                          "<@U0BOB00001>",
                                          "<#C0INC>",
                                          "*bold*",
                                          "word "};
    for (int i = 0; i < 2000; ++i) {
        std::string text;
        for (std::size_t n = r.below(200); n > 0; --n)
            text += pieces[r.below(pieces.size())];
        auto limit = 1 + r.below(120);
        auto chunks = split(text, limit);
        ASSERT_EQ(join(chunks), text);
        for (auto const& c : chunks) {
            ASSERT_LE(c.size(), std::max(limit, min_split_limit));
            ASSERT_TRUE(is_valid_utf8(c)) << "limit " << limit;
        }
    }
}

TEST(slack_render_chunks, drops_line_breaks_at_the_cuts)
{
    namespace m = commands::markup;
    m::document d;
    for (int i = 0; i < 30; ++i)
        d.blocks.push_back(m::paragraph{{m::t("Paragraph number " + std::to_string(i) + ".")}});
    auto whole = render(d);
    auto chunks = render_chunks(d, 100);
    ASSERT_GT(chunks.size(), 1U);
    std::string joined;
    for (auto const& c : chunks) {
        EXPECT_LE(c.size(), 100U);
        EXPECT_FALSE(c.starts_with("\n"));
        EXPECT_FALSE(c.ends_with("\n"));
        joined += c + "\n\n";
    }
    EXPECT_EQ(joined, whole + "\n\n"); // the cuts fell on the blank lines between blocks
}

} // namespace
} // namespace coolhead::slack

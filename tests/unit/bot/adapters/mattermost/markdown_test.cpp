// Neutral markup → Mattermost markdown: mention safety (PROTOCOLS.md 2.8), escaping, styles,
// people, channels, every block type, line breaks, long code, and a property test that no user
// text can put an '@' outside a code span or form markup.
#include "bot/adapters/mattermost/markdown.hpp"

#include "mattermost_data.hpp"

#include <gtest/gtest.h>

namespace coolhead::mattermost {
namespace {

namespace m = commands::markup;
using commands::channel_ref;
using commands::user_ref;
using testing::at_signs_outside_code;
using testing::raw_outside_code;
using testing::server_mentions;

m::document doc(std::vector<m::block> blocks)
{
    return m::document{std::move(blocks)};
}
m::document para(m::inlines line)
{
    return doc({m::paragraph{std::move(line)}});
}

std::set<std::string> const no_mentions;

TEST(mattermost_markdown_escape, backslashes_the_markdown_punctuation)
{
    EXPECT_EQ(escape("a*b_c`d[e]f(g)h#i+j-k.l!m|n~o{p}q"),
              R"(a\*b\_c\`d\[e\]f\(g\)h\#i\+j\-k\.l\!m\|n\~o\{p\}q)");
    // Other punctuation is not special anywhere and stays as typed.
    EXPECT_EQ(escape(R"("quotes" 'and' ^ % $ ? , ; : / =)"), R"("quotes" 'and' ^ % $ ? , ; : / =)");
    EXPECT_EQ(escape(""), "");
    EXPECT_EQ(escape("caf\xC3\xA9 \xF0\x9F\x92\xA5"), "caf\xC3\xA9 \xF0\x9F\x92\xA5");
}

TEST(mattermost_markdown_escape, angle_brackets_and_ampersands_become_entities)
{
    EXPECT_EQ(escape("a & b < c > d"), "a &amp; b &lt; c &gt; d");
    // So no character reference can be spelled: "&#64;channel" would be "@channel" to the server.
    EXPECT_EQ(escape("&#64;channel &commat;here"), "&amp;\\#64;channel &amp;commat;here");
}

TEST(mattermost_markdown_escape, a_backslash_is_doubled_unless_a_letter_or_digit_follows)
{
    EXPECT_EQ(escape(R"(C:\Users\bob\2)"), R"(C:\Users\bob\2)");
    EXPECT_EQ(escape(R"(\*not bold\*)"), R"(\\\*not bold\\\*)");
    EXPECT_EQ(escape(R"(ends with \)"), R"(ends with \\)");
    EXPECT_EQ(escape(R"(\ space \, comma \é)"), "\\\\ space \\\\, comma \\\\\xC3\xA9");
}

TEST(mattermost_markdown_escape, already_escaped_text_is_escaped_again)
{
    // It is user text: what they typed is what everyone sees.
    EXPECT_EQ(render(para({m::u(R"(\*x\* &amp; &lt;!here&gt; \@channel)")})),
              R"(\\\*x\\\* &amp;amp; &amp;lt;\!here&amp;gt; `\@channel`)");
}

TEST(mattermost_markdown_mentions, user_text_never_mentions_anyone)
{
    struct sample {
        char const* typed;
        char const* shown;
    };
    for (auto [typed, shown] : {
             sample{"@channel", "`@channel`"},
             sample{"@here", "`@here`"},
             sample{"@all", "`@all`"},
             sample{"@everyone", "`@everyone`"},
             sample{"@someone", "`@someone`"},
             sample{"hey @here!", "hey `@here`\\!"},
             sample{"(@channel), @all.", "\\(`@channel`\\), `@all`\\."},
             sample{"<!channel>", "&lt;\\!channel&gt;"}, // Slack syntax ProcessSlackText would expand
             sample{"<!here|here>", "&lt;\\!here\\|here&gt;"},
             sample{"&#64;channel", "&amp;\\#64;channel"},
             sample{"@@here", "`@@here`"},
             sample{"x.@here", "`x.@here`"},
             sample{"mail alice@example.com", "mail `alice@example.com`"},
             sample{"@here@channel", "`@here@channel`"},
             sample{"`@here`", "`` `@here` ``"},
             sample{"``@all", "``` ``@all ```"},
             sample{"\\@channel", "`\\@channel`"},
             sample{"@\xC3\xA9quipe", "`@\xC3\xA9quipe`"},
         }) {
        for (auto const& line : {m::inlines{m::u(typed)}, m::inlines{m::t("a "), m::u(typed), m::t(" b")}}) {
            auto out = render(para(line));
            EXPECT_EQ(server_mentions(out), no_mentions) << typed << " → " << out;
            EXPECT_EQ(at_signs_outside_code(out), 0U) << typed << " → " << out;
        }
        EXPECT_EQ(render(para({m::u(typed)})), shown) << typed;
    }
}

TEST(mattermost_markdown_mentions, in_every_style_and_block)
{
    for (std::string typed : {"@channel", "a @here b", "x@all", "<!everyone> @everyone"}) {
        m::bullet_list l;
        l.items.push_back({{m::u(typed)}, {{m::t("child "), m::u(typed)}}});
        m::table t;
        t.header = {typed, "Owner"};
        t.rows.push_back({{m::u(typed)}, {m::ucode(typed)}});
        auto d = doc({m::heading{1, {m::u(typed)}}, m::heading{2, {m::text{typed, m::style::strong, true}}},
                      m::paragraph{{m::text{typed, m::style::emphasis, true}, m::ucode(typed), m::t(typed)}}, l, t});
        auto out = render(d);
        EXPECT_EQ(server_mentions(out), no_mentions) << out;
        EXPECT_EQ(at_signs_outside_code(out), 0U) << out;
    }
}

TEST(mattermost_markdown_escape, user_text_cannot_make_links_images_headings_or_tables)
{
    struct sample {
        char const* typed;
        char const* shown;
    };
    for (auto [typed, shown] : {
             sample{"[link](http://x)", R"(\[link\]\(http://x\))"},
             sample{"![img](x)", R"(\!\[img\]\(x\))"},
             sample{"[ref]: http://x", R"(\[ref\]: http://x)"},
             sample{"<http://x>", "&lt;http://x&gt;"},
             sample{"# heading", R"(\# heading)"},
             sample{"| table |", R"(\| table \|)"},
             sample{"1. item", R"(1\. item)"},
             sample{"1) item", R"(1\) item)"},
             sample{"- item", R"(\- item)"},
             sample{"+ item", R"(\+ item)"},
             sample{"> quote", "&gt; quote"},
             sample{"***", R"(\*\*\*)"},
             sample{"```js", R"(\`\`\`js)"},
             sample{"~~~", R"(\~\~\~)"},
             sample{"~~strike~~", R"(\~\~strike\~\~)"},
             sample{"**bold** _em_", R"(\*\*bold\*\* \_em\_)"},
             sample{"    indented code", "indented code"},
             sample{"<b>html</b>", "&lt;b&gt;html&lt;/b&gt;"},
         }) {
        auto out = render(para({m::u(typed)}));
        EXPECT_EQ(out, shown) << typed;
        auto raw = raw_outside_code(out);
        EXPECT_EQ(raw.find_first_of("[]()!<>#|*_`~"), std::string::npos) << typed << " → " << out;
    }
}

TEST(mattermost_markdown_escape, a_line_of_equals_signs_cannot_underline_the_line_above)
{
    EXPECT_EQ(render(para({m::u("Title\n===")})), "Title\n&#61;==");
    EXPECT_EQ(render(para({m::u("a = b")})), "a = b");
}

TEST(mattermost_markdown_escape, invalid_utf8_and_nul_become_replacement_characters)
{
    EXPECT_EQ(escape("a\xFF"
                     "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(escape(std::string("a\0b", 3)), "a\xEF\xBF\xBD"
                                              "b");
    EXPECT_EQ(escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // a surrogate
    EXPECT_TRUE(is_valid_utf8(render(para({m::u("x\xF4\x90\x80\x80\xC3"), m::ucode("\xE2\x82")}))));
}

TEST(mattermost_markdown_code, backtick_fences_are_longer_than_any_run_inside)
{
    EXPECT_EQ(code_span("x"), "`x`");
    EXPECT_EQ(code_span("a`b"), "``a`b``");
    EXPECT_EQ(code_span("`x`"), "`` `x` ``");
    EXPECT_EQ(code_span("``"), "``` `` ```");
    EXPECT_EQ(code_span("a``b`c"), "```a``b`c```");
    // Nothing is escaped inside (it would show).
    EXPECT_EQ(code_span(R"(x < y && *z* [a](b) \n)"), R"(`x < y && *z* [a](b) \n`)");
    // A code span of spaces shows differently in every client: written as text.
    EXPECT_EQ(code_span("   "), "");
    EXPECT_EQ(render(para({m::t("a"), m::code("  "), m::t("b")})), "a  b");
    // Only spaces at both ends are padded (CommonMark strips one on each side).
    EXPECT_EQ(code_span(" x "), "`  x  `");
    EXPECT_EQ(code_span(" x"), "` x`");
}

TEST(mattermost_markdown_code, line_breaks_in_code_become_spaces)
{
    EXPECT_EQ(render(para({m::ucode("one\ntwo\r\nthree")})), "`one two three`");
}

TEST(mattermost_markdown_code, adjacent_code_spans_are_kept_apart)
{
    // "``a`b``" then "`@bob`" side by side would read as one run of three backticks.
    EXPECT_EQ(render(para({m::ucode("a`b"), m::who(user_ref{"", "bob"})})), "``a`b`` `@bob`");
    EXPECT_EQ(render(para({m::ucode("x"), m::ucode("y")})), "`x` `y`");
}

TEST(mattermost_markdown_code, long_code_becomes_several_spans_that_fit)
{
    std::string words;
    for (int i = 0; i < 200; ++i)
        words += "word" + std::to_string(i) + " ";
    auto out = render(para({m::ucode(words)}));
    auto pieces = testing::inline_pieces(out);
    ASSERT_GT(pieces.size(), 2U);
    std::string joined;
    for (auto const& p : pieces) {
        if (p.code) {
            EXPECT_LE(rune_count(p.raw), max_code_span_runes);
            joined += p.text;
        } else {
            EXPECT_EQ(p.text, " "); // the separators are the spaces the cuts fell on
            joined += p.text;
        }
    }
    EXPECT_EQ(joined, words);

    // One long word with an '@' and backtick runs: still every '@' inside a span that fits.
    std::string word = "@";
    for (int i = 0; i < 300; ++i)
        word += (i % 7 == 0) ? std::string(static_cast<std::size_t>(i % 5 + 1), '`') : "a@";
    auto long_out = render(para({m::u(word)}));
    EXPECT_EQ(at_signs_outside_code(long_out), 0U);
    EXPECT_EQ(server_mentions(long_out), no_mentions);
    for (auto const& p : testing::inline_pieces(long_out)) {
        if (p.code) {
            EXPECT_LE(rune_count(p.raw), max_code_span_runes);
        }
    }

    // A run of backticks longer than a span can hold is spread over several spans.
    auto ticks = render(para({m::ucode(std::string(1000, '`'))}));
    std::size_t seen = 0;
    for (auto const& p : testing::inline_pieces(ticks)) {
        if (!p.code) continue;
        EXPECT_LE(rune_count(p.raw), max_code_span_runes);
        seen += p.text.size() - (p.text.front() == ' ' ? 2 : 0);
    }
    EXPECT_EQ(seen, 1000U);
}

TEST(mattermost_markdown_styles, strong_emphasis_and_code)
{
    EXPECT_EQ(render(para({m::t("a "), m::strong("b"), m::t(" "), m::em("c"), m::t(" "), m::code("d")})),
              "a **b** _c_ `d`");
    EXPECT_EQ(render(para({m::strong("#1"), m::t(" by "), m::em("on_call")})), R"(**\#1** by _on\_call_)");
    EXPECT_EQ(render(para({m::ucode("x < y && z")})), "`x < y && z`");
}

TEST(mattermost_markdown_styles, spaces_at_the_ends_of_a_styled_run_go_outside_the_markers)
{
    EXPECT_EQ(render(para({m::t("a"), m::strong(" b "), m::t("c")})), "a **b** c");
    EXPECT_EQ(render(para({m::t("a"), m::strong("   "), m::t("c")})), "a   c");
    EXPECT_EQ(render(para({m::t("a"), m::em(""), m::t("c")})), "ac");
    EXPECT_EQ(render(para({m::strong("two\nlines")})), "**two lines**");
    EXPECT_EQ(render(para({m::t("a"), m::em("\tb\t"), m::t("c")})), "a\t_b_\tc");
}

TEST(mattermost_markdown_people, only_a_person_with_notify_and_a_username_is_pinged)
{
    user_ref const alice{"a1icea1icea1icea1icea1ice0", "alice"};
    EXPECT_EQ(render(para({m::ping(alice)})), "@alice");
    EXPECT_EQ(server_mentions(render(para({m::t("Reminder for "), m::ping(alice), m::t(": the follow-up")}))),
              (std::set<std::string>{"@alice"}));
    EXPECT_EQ(render(para({m::who(alice)})), "`@alice`");
    EXPECT_EQ(server_mentions(render(para({m::who(alice)}))), no_mentions);
    EXPECT_EQ(render(para({m::ping(user_ref{"", "first.last-2_x"})})), "@first.last-2_x");
    // Ids cannot be mentioned; names that are not usernames are not pinged either.
    EXPECT_EQ(render(para({m::ping(user_ref{"a1icea1icea1icea1icea1ice0", ""})})), "`@a1icea1icea1icea1icea1ice0`");
    EXPECT_EQ(render(para({m::ping(user_ref{"", "Alice"})})), "`@Alice`");
    EXPECT_EQ(render(para({m::ping(user_ref{"", "alice smith"})})), "`@alice smith`");
    EXPECT_EQ(render(para({m::ping(user_ref{"", "1alice"})})), "`@1alice`");
    for (auto reserved : {"here", "channel", "all", "everyone", "channel_", "here-"}) {
        auto out = render(para({m::ping(user_ref{"", reserved})}));
        EXPECT_EQ(out, "`@" + std::string(reserved) + "`");
        EXPECT_EQ(server_mentions(out), no_mentions);
    }
    EXPECT_EQ(render(para({m::who(user_ref{"", "a`b"})})), "``@a`b``");
    EXPECT_EQ(render(para({m::who(user_ref{})})), "`@unknown`");
    EXPECT_EQ(render(para({m::ping(user_ref{"", std::string(65, 'a')})})), "`@" + std::string(65, 'a') + "`");
}

TEST(mattermost_markdown_channels, a_channel_with_a_channel_name_is_a_tilde_reference)
{
    EXPECT_EQ(render(para({m::where(channel_ref{"inc42inc42inc42inc42inc420", "incident-42"})})), "~incident-42");
    EXPECT_EQ(render(para({m::where(channel_ref{"inc42inc42inc42inc42inc420", "Incident 42"})})), "Incident 42");
    EXPECT_EQ(render(para({m::where(channel_ref{"inc42inc42inc42inc42inc420", ""})})), "inc42inc42inc42inc42inc420");
    EXPECT_EQ(render(para({m::where(channel_ref{"", "db-<outage>"})})), R"(db\-&lt;outage&gt;)");
    EXPECT_EQ(render(para({m::where(channel_ref{"", "@here"})})), "`@here`");
    EXPECT_EQ(render(para({m::where(channel_ref{})})), "unknown channel");
}

TEST(mattermost_markdown_blocks, headings_use_levels_that_fit_a_chat_post)
{
    EXPECT_EQ(render(doc({m::heading{1, {m::t("Post-mortem: "), m::strong("INC-1")}}})),
              R"(### Post\-mortem: **INC\-1**)");
    EXPECT_EQ(render(doc({m::heading{2, {m::t("Timeline")}}})), "#### Timeline");
    EXPECT_EQ(render(doc({m::heading{3, {m::t("Deeper")}}})), "#### Deeper");
    EXPECT_EQ(render(doc({m::heading{0, {m::t("Odd")}}})), "### Odd");
    EXPECT_EQ(render(doc({m::heading{2, {m::u("two\nlines #")}}})), R"(#### two lines \#)");
    EXPECT_EQ(render(doc({m::heading{1, {m::t("  ")}}, m::paragraph{{m::t("x")}}})), "x");
}

TEST(mattermost_markdown_blocks, paragraphs_are_separated_by_a_blank_line)
{
    auto d = doc({m::paragraph{{m::t("one")}}, m::paragraph{{m::t("two")}}, m::paragraph{},
                  m::paragraph{{m::t("three")}}});
    EXPECT_EQ(render(d), "one\n\ntwo\n\nthree");
    EXPECT_EQ(render(m::document{}), "");
}

TEST(mattermost_markdown_blocks, bullet_list_with_nested_children)
{
    m::bullet_list l;
    l.items.push_back({{m::strong("#1"), m::t(" roll back "), m::u("the [push]")},
                       {{m::t("Impact: "), m::u("2 min")},
                        {m::t("Pro ("), m::who(user_ref{"car01car01car01car01car010", "carol"}), m::t(")")}}});
    l.items.push_back({{m::t("second")}, {}});
    EXPECT_EQ(render(doc({l})), "- **\\#1** roll back the \\[push\\]\n"
                                "  - Impact: 2 min\n"
                                "  - Pro \\(`@carol`\\)\n"
                                "- second");
}

TEST(mattermost_markdown_blocks, empty_list_entries_are_left_out)
{
    // "- text\n  - " would make "text" a heading (a setext underline of one '-').
    m::bullet_list l;
    l.items.push_back({{m::t("text")}, {{}, {m::u("  ")}, {m::t("child")}}});
    l.items.push_back({{m::u(" ")}, {}});
    l.items.push_back({{}, {{m::t("orphan child")}}});
    EXPECT_EQ(render(doc({l})), "- text\n  - child\n- \n  - orphan child");
    EXPECT_EQ(render(doc({m::bullet_list{{m::list_item{{m::t(" ")}, {{}}}}}})), "");
}

TEST(mattermost_markdown_blocks, line_breaks_in_user_text_stay_inside_their_block)
{
    EXPECT_EQ(render(para({m::u("one\ntwo\r\nthree\rfour")})), "one\ntwo\nthree\nfour");
    // Blank lines would end the block; leading spaces would make code.
    EXPECT_EQ(render(para({m::u("one\n\n\n    # two")})), "one\n\\# two");
    // U+2424 SYMBOL FOR NEWLINE is a line break to the web app's marked.
    EXPECT_EQ(render(para({m::u("one\xE2\x90\xA4two")})), "one\ntwo");
    m::bullet_list l;
    l.items.push_back({{m::t("Pinned: "), m::u("line one\n- line two")}, {{m::u("child\nmore")}}});
    EXPECT_EQ(render(doc({l})), "- Pinned: line one\n  \\- line two\n  - child\n    more");
    // No line break at the very start of a block.
    EXPECT_EQ(render(para({m::u("\n\nx")})), "x");
}

TEST(mattermost_markdown_blocks, table_is_a_real_markdown_table)
{
    m::table t;
    t.header = {"Tollgate", "Owner", "Ticket"};
    t.rows.push_back({{m::u("unit tests")}, {m::who(user_ref{"b0bb0bb0bb0bb0bb0bb0bb0b00", "bob"})}, {m::u("OPS-101")}});
    t.rows.push_back({{m::u("a|b\nc")}, {}, {m::ucode("x|y")}});
    t.rows.push_back({{m::u("short row")}});
    EXPECT_EQ(render(doc({t})), "| Tollgate | Owner | Ticket |\n"
                                "| --- | --- | --- |\n"
                                "| unit tests | `@bob` | OPS\\-101 |\n"
                                "| a\\|b c |  | `x\\|y` |\n"
                                "| short row |  |  |");
    // Rows wider than the header widen the table.
    m::table wide;
    wide.header = {"A"};
    wide.rows.push_back({{m::t("1")}, {m::t("2")}});
    EXPECT_EQ(render(doc({wide})), "| A |  |\n| --- | --- |\n| 1 | 2 |");
    EXPECT_EQ(render(doc({m::table{}})), "");
}

TEST(mattermost_markdown_blocks, every_block_type_in_one_document)
{
    m::bullet_list l;
    l.items.push_back({{m::t("item")}, {{m::t("child")}}});
    m::table t;
    t.header = {"A", "B"};
    t.rows.push_back({{m::t("1")}, {m::t("2")}});
    auto d = doc({m::heading{1, {m::t("Title")}}, m::paragraph{{m::t("Text")}}, l, t});
    EXPECT_EQ(render(d), "### Title\n\nText\n\n- item\n  - child\n\n| A | B |\n| --- | --- |\n| 1 | 2 |");
}

TEST(mattermost_markdown_inlines, one_line_of_spans)
{
    EXPECT_EQ(render(m::inlines{m::t("Hypothesis "), m::strong("#1"), m::t(" by "),
                                m::who(user_ref{"b0bb0bb0bb0bb0bb0bb0bb0b00", "bob"})}),
              "Hypothesis **\\#1** by `@bob`");
}

TEST(mattermost_markdown_names, usernames_and_channel_names_by_shape)
{
    EXPECT_TRUE(is_username("alice"));
    EXPECT_TRUE(is_username("first.last-2_x"));
    EXPECT_TRUE(is_username("a"));
    EXPECT_FALSE(is_username(""));
    EXPECT_FALSE(is_username("Alice"));
    EXPECT_FALSE(is_username("2fast"));
    EXPECT_FALSE(is_username("al ice"));
    EXPECT_FALSE(is_username("al@ice"));
    EXPECT_FALSE(is_username(std::string(65, 'a')));
    EXPECT_TRUE(is_username(std::string(64, 'a')));
    for (auto reserved : {"all", "channel", "here", "everyone", "matterbot", "system", "channel_", "here.", "all-_."})
        EXPECT_FALSE(is_username(reserved)) << reserved;
    EXPECT_TRUE(is_username("channel_x"));
    EXPECT_TRUE(is_username("herewego"));
    EXPECT_TRUE(is_channel_name("incident-42"));
    EXPECT_TRUE(is_channel_name("town_square"));
    EXPECT_FALSE(is_channel_name("Incident 42"));
    EXPECT_FALSE(is_channel_name(""));
    EXPECT_FALSE(is_channel_name("a.b"));
}

TEST(mattermost_markdown_utf8, validator_and_rune_count)
{
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("\xC2\xB7 \xE2\x80\xA2 \xF0\x9F\x93\x8C \xF4\x8F\xBF\xBF"));
    EXPECT_FALSE(is_valid_utf8("\x80"));
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x93"));
    EXPECT_EQ(rune_count(""), 0U);
    EXPECT_EQ(rune_count("abc"), 3U);
    EXPECT_EQ(rune_count("caf\xC3\xA9 \xF0\x9F\x93\x8C"), 6U);
    // Like Go: each byte that starts no sequence is one rune.
    EXPECT_EQ(rune_count("\xF0\x9F\x93"), 3U);
    EXPECT_EQ(rune_count("a\xFF\xFE"
                         "b"),
              4U);
}

// Property: whatever users type, wherever it lands, no '@' outside a code span comes from it,
// the server finds no mention but the one ping, and no markup character is written raw.

std::string random_user_text(testing::rng& r)
{
    static std::vector<std::string> const pieces{
        "@",       "@here",   "@channel", "@all",    "@everyone", "@someone", "here",   "channel", "all",
        "<!channel>", "<!here>", "&#64;",  "&commat;", "&",       "&amp;",    "#",      "\\",      "\\@",
        "`",       "``",      "```",      "[",       "](",        ")",        "![",     "]",       "http://x",
        "!",       "|",       "~",        "~~",      "*",         "**",       "_",      "=",       "-",
        "+",       "1.",      ">",        "<",       " ",         "  ",       "    ",   "\n",      "\r\n",
        "\n\n",    "\t",      "x",        "bob",     ".",         ":",        "(",      "\"",      "'",
        "caf\xC3\xA9", "\xF0\x9F\x93\x8C", "\xFF", "\xE2\x82", std::string(1, '\0'), "\xE2\x90\xA4", "{", "}"};
    std::string s;
    auto n = r.below(14);
    for (std::size_t i = 0; i < n; ++i)
        s += pieces[r.below(pieces.size())];
    return s;
}

struct generated {
    m::document d;
    std::size_t pings = 0;           ///< pings rendered (each is an '@' outside code)
    std::set<std::string> pinged{};  ///< who they ping, as the server would see it ("@bob")
};

m::inlines random_line(testing::rng& r, generated& g)
{
    m::inlines line;
    auto n = 1 + r.below(6);
    for (std::size_t i = 0; i < n; ++i) {
        switch (r.below(9)) {
        case 0:
        case 1:
            line.push_back(m::u(random_user_text(r)));
            break;
        case 2:
            line.push_back(m::ucode(random_user_text(r)));
            break;
        case 3:
            line.push_back(m::text{random_user_text(r), static_cast<m::style>(r.below(4)), true});
            break;
        case 4:
            line.push_back(m::who(user_ref{random_user_text(r), random_user_text(r)}));
            break;
        case 5: {
            // A ping of a random name: only a valid username really pings (e.g. "x", "bob").
            user_ref who{random_user_text(r), random_user_text(r)};
            if (is_username(who.name)) {
                ++g.pings;
                g.pinged.insert("@" + who.name);
                line.push_back(m::t(" "));
            }
            line.push_back(m::ping(who));
            if (is_username(who.name)) line.push_back(m::t(" "));
            break;
        }
        case 6:
            line.push_back(m::where(channel_ref{random_user_text(r), random_user_text(r)}));
            break;
        case 7:
            // The one real ping, with something around it as our templates have.
            line.push_back(m::t(" "));
            line.push_back(m::ping(user_ref{"b0bb0bb0bb0bb0bb0bb0bb0b00", "bob"}));
            line.push_back(m::t(" "));
            ++g.pings;
            g.pinged.insert("@bob");
            break;
        default:
            line.push_back(m::t(random_user_text(r))); // ours is escaped the same way
            break;
        }
    }
    return line;
}

generated random_document(testing::rng& r)
{
    generated g;
    auto blocks = 1 + r.below(5);
    for (std::size_t b = 0; b < blocks; ++b) {
        switch (r.below(4)) {
        case 0:
            g.d.blocks.push_back(m::paragraph{random_line(r, g)});
            break;
        case 1:
            g.d.blocks.push_back(m::heading{1 + static_cast<int>(r.below(2)), random_line(r, g)});
            break;
        case 2: {
            m::bullet_list l;
            for (std::size_t i = 0, n = 1 + r.below(3); i < n; ++i)
                l.items.push_back({random_line(r, g), {random_line(r, g)}});
            g.d.blocks.push_back(l);
            break;
        }
        default: {
            m::table t;
            t.header = {random_user_text(r), "Owner"};
            for (std::size_t i = 0, n = r.below(3); i < n; ++i)
                t.rows.push_back({random_line(r, g), random_line(r, g)});
            g.d.blocks.push_back(t);
            break;
        }
        }
    }
    return g;
}

/// Lines of `md` that start (after indentation) with a '#'.
std::size_t heading_lines(std::string const& md)
{
    std::size_t n = 0;
    std::size_t start = 0;
    while (start <= md.size()) {
        auto end = md.find('\n', start);
        auto line = std::string_view(md).substr(start, end == std::string::npos ? std::string::npos : end - start);
        auto first = line.find_first_not_of(' ');
        if (first != std::string_view::npos && line[first] == '#') {
            EXPECT_TRUE(line.substr(first).starts_with("### ") || line.substr(first).starts_with("#### ")) << md;
            ++n;
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return n;
}

TEST(mattermost_markdown_property, no_user_text_mentions_anyone_or_makes_markup)
{
    testing::rng r(20261123);
    for (int i = 0; i < 3000; ++i) {
        auto g = random_document(r);
        auto out = render(g.d);
        ASSERT_TRUE(is_valid_utf8(out)) << out;
        // Every '@' outside a code span is one of our pings of @bob.
        ASSERT_EQ(at_signs_outside_code(out), g.pings) << out;
        // The server finds exactly the people pinged, no one else and no channel-wide mention.
        ASSERT_EQ(server_mentions(out), g.pinged) << out;
        // Nothing that makes links, images, HTML, autolinks or references is written raw.
        auto raw = raw_outside_code(out);
        ASSERT_EQ(raw.find_first_of("[]()!<>{}+.&"), std::string::npos) << out;
        std::size_t headings = 0;
        for (auto const& b : g.d.blocks)
            if (std::holds_alternative<m::heading>(b)) ++headings;
        ASSERT_LE(heading_lines(out), headings) << out;
    }
}

} // namespace
} // namespace coolhead::mattermost

// Neutral markup → Slack mrkdwn: escaping (PROTOCOLS.md 1.11), styles, people, channels and
// every block type, and a property test that no user text can form a <…> token.
#include "bot/adapters/slack/mrkdwn.hpp"

#include "slack_data.hpp"

#include <gtest/gtest.h>

namespace coolhead::slack {
namespace {

namespace m = commands::markup;
using commands::channel_ref;
using commands::user_ref;

m::document doc(std::vector<m::block> blocks)
{
    return m::document{std::move(blocks)};
}
m::document para(m::inlines line)
{
    return doc({m::paragraph{std::move(line)}});
}

TEST(slack_mrkdwn_escape, escapes_exactly_ampersand_and_angle_brackets)
{
    EXPECT_EQ(escape("a & b < c > d"), "a &amp; b &lt; c &gt; d");
    EXPECT_EQ(escape("\"quotes\" 'and' @here #general *bold* _em_ `code` | ~ ! ^"),
              "\"quotes\" 'and' @here #general *bold* _em_ `code` | ~ ! ^");
    EXPECT_EQ(escape(""), "");
    EXPECT_EQ(escape("caf\xC3\xA9 \xF0\x9F\x92\xA5"), "caf\xC3\xA9 \xF0\x9F\x92\xA5");
}

TEST(slack_mrkdwn_escape, user_text_cannot_form_mentions_or_links)
{
    struct sample {
        char const* typed;
        char const* shown;
    };
    for (auto [typed, shown] : {
             sample{"<!channel>", "&lt;!channel&gt;"},
             sample{"<!here>", "&lt;!here&gt;"},
             sample{"<!everyone>", "&lt;!everyone&gt;"},
             sample{"<!subteam^S0SRE|@sre>", "&lt;!subteam^S0SRE|@sre&gt;"},
             sample{"<@U1>", "&lt;@U1&gt;"},
             sample{"<#C1>", "&lt;#C1&gt;"},
             sample{"<http://x|y>", "&lt;http://x|y&gt;"},
             sample{"@here", "@here"}, // plain text: pings nobody without link_names
             sample{"@channel please", "@channel please"},
         }) {
        EXPECT_EQ(render(para({m::u(typed)})), shown) << typed;
    }
}

TEST(slack_mrkdwn_escape, already_escaped_user_text_is_escaped_again)
{
    // It is user text: "&amp;" as typed must show as "&amp;", not "&".
    EXPECT_EQ(render(para({m::u("&amp; &lt;!here&gt;")})), "&amp;amp; &amp;lt;!here&amp;gt;");
}

TEST(slack_mrkdwn_escape, our_own_text_is_escaped_too)
{
    EXPECT_EQ(render(para({m::t("Usage: "), m::code("/rootcause <text>")})),
              "Usage: `/rootcause &lt;text&gt;`");
}

TEST(slack_mrkdwn_escape, invalid_utf8_becomes_replacement_characters)
{
    EXPECT_EQ(escape("a\xFF"
                     "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong '/'
    EXPECT_EQ(escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // a surrogate
    EXPECT_EQ(escape("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");                 // truncated
    EXPECT_TRUE(is_valid_utf8(escape("x\xF4\x90\x80\x80\xC3")));
}

TEST(slack_mrkdwn_utf8, validator)
{
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain"));
    EXPECT_TRUE(is_valid_utf8("\xC2\xB7 \xE2\x80\xA2 \xF0\x9F\x93\x8C \xF4\x8F\xBF\xBF"));
    EXPECT_FALSE(is_valid_utf8("\x80"));
    EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x93"));
}

TEST(slack_mrkdwn_styles, strong_emphasis_and_code)
{
    EXPECT_EQ(render(para({m::t("a "), m::strong("b"), m::t(" "), m::em("c"), m::t(" "), m::code("d")})),
              "a *b* _c_ `d`");
    EXPECT_EQ(render(para({m::ucode("x < y && z")})), "`x &lt; y &amp;&amp; z`");
}

TEST(slack_mrkdwn_styles, spaces_at_the_ends_of_a_styled_run_go_outside_the_markers)
{
    EXPECT_EQ(render(para({m::t("a"), m::strong(" b "), m::t("c")})), "a *b* c");
    EXPECT_EQ(render(para({m::t("a"), m::strong("   "), m::t("c")})), "a   c");
    EXPECT_EQ(render(para({m::t("a"), m::em(""), m::t("c")})), "ac");
}

TEST(slack_mrkdwn_people, a_person_is_pinged_only_with_notify_and_a_slack_id)
{
    user_ref const bob{"U0BOB00001", "bob"};
    EXPECT_EQ(render(para({m::ping(bob)})), "<@U0BOB00001>");
    EXPECT_EQ(render(para({m::who(bob)})), "@bob");
    EXPECT_EQ(render(para({m::who(user_ref{"U0BOB00001", ""})})), "@U0BOB00001");
    EXPECT_EQ(render(para({m::ping(user_ref{"W0GRID0001", "gina"})})), "<@W0GRID0001>");
    // Not a Slack id (a console user, a name typed as @bob, or junk from a mention): no ping.
    EXPECT_EQ(render(para({m::ping(user_ref{"", "bob"})})), "@bob");
    EXPECT_EQ(render(para({m::ping(user_ref{"bob", "bob"})})), "@bob");
    EXPECT_EQ(render(para({m::ping(user_ref{"here", ""})})), "@here");
    EXPECT_EQ(render(para({m::ping(user_ref{"U1>|<!channel", ""})})), "@U1&gt;|&lt;!channel");
    EXPECT_EQ(render(para({m::ping(user_ref{"u0lower", "x"})})), "@x");
    EXPECT_EQ(render(para({m::who(user_ref{"", "<!here>"})})), "@&lt;!here&gt;");
    EXPECT_EQ(render(para({m::who(user_ref{})})), "@unknown");
}

TEST(slack_mrkdwn_channels, a_channel_with_a_slack_id_is_a_link)
{
    EXPECT_EQ(render(para({m::where(channel_ref{"C0INCIDENT1", "inc-checkout"})})), "<#C0INCIDENT1>");
    EXPECT_EQ(render(para({m::where(channel_ref{"G0PRIVATE1", ""})})), "<#G0PRIVATE1>");
    EXPECT_EQ(render(para({m::where(channel_ref{"incident", "incident"})})), "#incident");
    EXPECT_EQ(render(para({m::where(channel_ref{"", "db-<outage>"})})), "#db-&lt;outage&gt;");
    EXPECT_EQ(render(para({m::where(channel_ref{"C-db", ""})})), "#C-db");
    EXPECT_EQ(render(para({m::where(channel_ref{})})), "#unknown");
}

TEST(slack_mrkdwn_blocks, heading_is_a_bold_line_without_nested_bold)
{
    auto d = doc(
        {m::heading{1, {m::t("Post-mortem: "), m::strong("INC-1"), m::t(" · "), m::u("Checkout <fails>")}}});
    EXPECT_EQ(render(d), "*Post-mortem: INC-1 · Checkout &lt;fails&gt;*");
    EXPECT_EQ(render(doc({m::heading{2, {m::em("Timeline"), m::t(" ")}}})), "*_Timeline_*");
    EXPECT_EQ(render(doc({m::heading{2, {m::u("two\nlines")}}})), "*two lines*");
}

TEST(slack_mrkdwn_blocks, paragraphs_are_separated_by_a_blank_line)
{
    auto d = doc({m::paragraph{{m::t("one")}}, m::paragraph{{m::t("two")}}, m::paragraph{},
                  m::paragraph{{m::t("three")}}});
    EXPECT_EQ(render(d), "one\n\ntwo\n\nthree");
    EXPECT_EQ(render(m::document{}), "");
}

TEST(slack_mrkdwn_blocks, bullet_list_with_nested_children)
{
    m::bullet_list l;
    l.items.push_back({{m::strong("#1"), m::t(" roll back "), m::u("the <push>")},
                       {{m::t("Impact: "), m::u("2 min")},
                        {m::t("Pro ("), m::who(user_ref{"U0CAROL001", "carol"}), m::t(")")}}});
    l.items.push_back({{m::t("second")}, {}});
    EXPECT_EQ(render(doc({l})), "\xE2\x80\xA2 *#1* roll back the &lt;push&gt;\n"
                                "    \xE2\x97\xA6 Impact: 2 min\n"
                                "    \xE2\x97\xA6 Pro (@carol)\n"
                                "\xE2\x80\xA2 second");
}

TEST(slack_mrkdwn_blocks, table_is_a_bold_header_and_one_bullet_per_row)
{
    m::table t;
    t.header = {"Tollgate", "Owner", "Ticket"};
    t.rows.push_back({{m::u("unit tests")}, {m::who(user_ref{"U0BOB00001", "bob"})}, {m::u("OPS-101")}});
    t.rows.push_back({{m::u("UAT")}, {}, {m::u("a|b\nc")}});
    EXPECT_EQ(render(doc({t})), "*Tollgate \xC2\xB7 Owner \xC2\xB7 Ticket*\n"
                                "\xE2\x80\xA2 unit tests \xC2\xB7 @bob \xC2\xB7 OPS-101\n"
                                "\xE2\x80\xA2 UAT \xC2\xB7 \xE2\x80\x94 \xC2\xB7 a|b c");
}

TEST(slack_mrkdwn_blocks, every_block_type_in_one_document)
{
    m::bullet_list l;
    l.items.push_back({{m::t("item")}, {{m::t("child")}}});
    m::table t;
    t.header = {"A", "B"};
    t.rows.push_back({{m::t("1")}, {m::t("2")}});
    auto d = doc({m::heading{1, {m::t("Title")}}, m::paragraph{{m::t("Text")}}, l, t});
    EXPECT_EQ(render(d), "*Title*\n\nText\n\n\xE2\x80\xA2 item\n    \xE2\x97\xA6 child\n\n*A \xC2\xB7 "
                         "B*\n\xE2\x80\xA2 1 \xC2\xB7 2");
}

TEST(slack_mrkdwn_inlines, one_line_of_spans)
{
    EXPECT_EQ(render(m::inlines{m::t("Hypothesis "), m::strong("#1"), m::t(" by "),
                                m::who(user_ref{"U0BOB00001", "bob"})}),
              "Hypothesis *#1* by @bob");
}

// Property: whatever users type, wherever it lands, the only <…> tokens in the output are our
// own <@U…> (a person with notify and a Slack id) and <#C…> (a channel with a Slack id).

/// `s` without the tokens we write ourselves: <@id> for a Slack user id, <#id> for a channel id.
std::string strip_our_tokens(std::string_view s)
{
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '<' && i + 1 < s.size()) {
            auto close = s.find('>', i);
            if (close != std::string_view::npos) {
                auto id = s.substr(i + 2, close - i - 2);
                if ((s[i + 1] == '@' && is_user_id(id)) || (s[i + 1] == '#' && is_channel_id(id))) {
                    i = close + 1;
                    continue;
                }
            }
        }
        out += s[i++];
    }
    return out;
}

std::string random_user_text(testing::rng& r)
{
    static std::vector<std::string> const pieces{"<",
                                                 ">",
                                                 "&",
                                                 "!",
                                                 "@",
                                                 "#",
                                                 "|",
                                                 "^",
                                                 "here",
                                                 "channel",
                                                 "everyone",
                                                 "subteam^S0SRE",
                                                 "<!here>",
                                                 "<!channel>",
                                                 "<!everyone>",
                                                 "<@U1>",
                                                 "<#C1>",
                                                 "<http://x|y>",
                                                 "http://x",
                                                 "U0BOB00001",
                                                 "C0INC",
                                                 "&amp;",
                                                 "&lt;",
                                                 "&gt;",
                                                 "amp;",
                                                 "lt;",
                                                 "gt;",
                                                 " ",
                                                 "\n",
                                                 "*",
                                                 "_",
                                                 "`",
                                                 "~",
                                                 "caf\xC3\xA9",
                                                 "\xF0\x9F\x93\x8C",
                                                 "\xFF",
                                                 "\xE2\x82",
                                                 "<@",
                                                 "<!",
                                                 "<#",
                                                 "@here",
                                                 "!here",
                                                 "\\<",
                                                 "&#60;",
                                                 "%3C"};
    std::string s;
    auto n = r.below(12);
    for (std::size_t i = 0; i < n; ++i)
        s += pieces[r.below(pieces.size())];
    return s;
}

m::inlines random_line(testing::rng& r)
{
    m::inlines line;
    auto n = 1 + r.below(5);
    for (std::size_t i = 0; i < n; ++i) {
        switch (r.below(7)) {
        case 0:
            line.push_back(m::u(random_user_text(r)));
            break;
        case 1:
            line.push_back(m::ucode(random_user_text(r)));
            break;
        case 2:
            line.push_back(m::text{random_user_text(r), static_cast<m::style>(r.below(4)), true});
            break;
        case 3:
            line.push_back(m::who(user_ref{random_user_text(r), random_user_text(r)}));
            break;
        case 4:
            line.push_back(m::ping(user_ref{random_user_text(r), random_user_text(r)}));
            break;
        case 5:
            line.push_back(m::where(channel_ref{random_user_text(r), random_user_text(r)}));
            break;
        default:
            line.push_back(m::t("ours "));
            break;
        }
    }
    return line;
}

m::document random_document(testing::rng& r)
{
    m::document d;
    auto blocks = 1 + r.below(5);
    for (std::size_t b = 0; b < blocks; ++b) {
        switch (r.below(4)) {
        case 0:
            d.blocks.push_back(m::paragraph{random_line(r)});
            break;
        case 1:
            d.blocks.push_back(m::heading{1 + static_cast<int>(r.below(2)), random_line(r)});
            break;
        case 2: {
            m::bullet_list l;
            for (std::size_t i = 0, n = 1 + r.below(3); i < n; ++i)
                l.items.push_back({random_line(r), {random_line(r)}});
            d.blocks.push_back(l);
            break;
        }
        default: {
            m::table t;
            t.header = {random_user_text(r), "Owner"}; // headers are ours, but escape them anyway
            for (std::size_t i = 0, n = r.below(3); i < n; ++i)
                t.rows.push_back({random_line(r), random_line(r)});
            d.blocks.push_back(t);
            break;
        }
        }
    }
    return d;
}

TEST(slack_mrkdwn_property, no_user_text_forms_a_token)
{
    testing::rng r(20261123);
    for (int i = 0; i < 3000; ++i) {
        auto d = random_document(r);
        auto out = render(d);
        auto rest = strip_our_tokens(out);
        ASSERT_EQ(rest.find('<'), std::string::npos) << out;
        ASSERT_EQ(rest.find('>'), std::string::npos) << out;
        ASSERT_EQ(out.find("<!"), std::string::npos) << out;
        ASSERT_TRUE(is_valid_utf8(out));
        // Every '&' starts one of the three entities.
        for (std::size_t p = out.find('&'); p != std::string::npos; p = out.find('&', p + 1)) {
            auto rest_at = std::string_view(out).substr(p);
            ASSERT_TRUE(rest_at.starts_with("&amp;") || rest_at.starts_with("&lt;") ||
                        rest_at.starts_with("&gt;"))
                << out;
        }
        for (auto const& chunk : render_chunks(d, 64 + r.below(200))) {
            ASSERT_EQ(strip_our_tokens(chunk).find('<'), std::string::npos) << chunk;
            ASSERT_TRUE(is_valid_utf8(chunk));
        }
    }
}

TEST(slack_mrkdwn_property, ids_are_recognised_by_shape)
{
    EXPECT_TRUE(is_user_id("U0BOB00001"));
    EXPECT_TRUE(is_user_id("W012A3CDE"));
    EXPECT_FALSE(is_user_id("U"));
    EXPECT_FALSE(is_user_id("B0COOLHEAD"));
    EXPECT_FALSE(is_user_id("U0bob"));
    EXPECT_FALSE(is_user_id("U0BOB|bob"));
    EXPECT_FALSE(is_user_id(std::string(33, 'U')));
    EXPECT_TRUE(is_channel_id("C0INCIDENT1"));
    EXPECT_TRUE(is_channel_id("D0DM000001"));
    EXPECT_FALSE(is_channel_id("C-db"));
    EXPECT_FALSE(is_channel_id("incident"));
}

} // namespace
} // namespace coolhead::slack

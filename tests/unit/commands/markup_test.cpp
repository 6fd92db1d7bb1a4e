#include "commands/markup.hpp"

#include <gtest/gtest.h>

namespace coolhead::commands::markup {
namespace {

TEST(markup, templates_become_paragraphs_lists_and_styled_spans)
{
    auto blocks = fill("*Discovery:* find it.\n- use `/rootcause {x}`\n- ask _twice_\n\nThen {who}.",
                       {{"x", {t("#1")}}, {"who", {who({"u1", "bob"})}}});
    document d{blocks};
    EXPECT_EQ(to_plain(d), "**Discovery:** find it.\n\n- use `/rootcause #1`\n- ask _twice_\n\nThen @bob.\n");
}

TEST(markup, a_lone_marker_stays_literal)
{
    EXPECT_EQ(to_plain(fill_inline("5 * 3 and a_b", {})), "5 * 3 and a_b");
}

TEST(markup, tables_escape_pipes_and_flatten_line_breaks)
{
    document d{{table{{"A", "B"}, {{{u("x|y")}, {u("line\nbreak")}}}}}};
    EXPECT_EQ(to_plain(d), "| A | B |\n| --- | --- |\n| x\\|y | line break |\n");
}

TEST(markup, nested_lists_and_channels_render)
{
    document d{{bullet_list{{list_item{{t("a "), where({"C1", "ops"})}, {{t("b")}}}}}}};
    EXPECT_EQ(to_plain(d), "- a #ops\n  - b\n");
}

} // namespace
} // namespace coolhead::commands::markup

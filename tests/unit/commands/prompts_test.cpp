#include "commands/prompts.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace coolhead::commands {
namespace {

std::vector<std::string> defaults() { return {default_blame_phrases().begin(), default_blame_phrases().end()}; }

TEST(prompts, blame_phrases_match_whole_words_in_any_case)
{
    auto p = defaults();
    EXPECT_EQ(find_blame("Pretty sure this is USER ERROR", p), "user error");
    EXPECT_EQ(find_blame("works   on my\nmachine", p), "works on my machine");
    EXPECT_EQ(find_blame("it\xE2\x80\x99s the network again", p), "it's the network") << "curly apostrophe";
    EXPECT_EQ(find_blame("cosmic rays flipped a bit", p), "cosmic ray");
    EXPECT_FALSE(find_blame("the superuser errors out", p)) << "not inside other words";
    EXPECT_FALSE(find_blame("pool exhausted on db-1", p));
    EXPECT_FALSE(find_blame("", p));
}

TEST(prompts, a_team_can_replace_the_phrase_list)
{
    std::vector<std::string> mine{"vendor problem"};
    EXPECT_TRUE(find_blame("a Vendor problem", mine));
    EXPECT_FALSE(find_blame("user error", mine));
}

TEST(prompts, every_default_text_uses_only_its_declared_placeholders)
{
    std::set<std::string> keys;
    for (auto const& s : prompt_specs()) {
        EXPECT_TRUE(keys.insert(std::string(s.key)).second) << "duplicate key " << s.key;
        EXPECT_FALSE(s.text.empty()) << s.key;
        std::set<std::string> declared;
        std::istringstream in{std::string(s.placeholders)};
        for (std::string w; in >> w;) declared.insert(w);
        std::string_view t = s.text;
        for (auto open = t.find('{'); open != std::string_view::npos; open = t.find('{', open + 1)) {
            auto close = t.find('}', open);
            ASSERT_NE(close, std::string_view::npos) << s.key;
            auto name = std::string(t.substr(open + 1, close - open - 1));
            EXPECT_TRUE(declared.contains(name)) << s.key << " uses {" << name << "}";
        }
    }
    for (auto k : {"phase.discovery", "phase.mitigation", "phase.postmortem", "humility.early_rootcause", "humility.blame",
                   "humility.self_confirm", "humility.veto_without_reason", "reminder.status_update", "reminder.no_rootcause"})
        EXPECT_TRUE(keys.contains(k)) << k;
}

TEST(prompts, overrides_win_and_unknown_keys_fall_back_to_the_default)
{
    prompt_book book;
    book.texts["humility.blame"] = "Let's look at our side first.";
    EXPECT_EQ(book.text("humility.blame"), "Let's look at our side first.");
    EXPECT_NE(book.text("phase.discovery").find("Discovery"), std::string_view::npos);
    EXPECT_EQ(book.text("no.such.key"), "");
}

TEST(prompts, say_fills_user_values_as_user_text)
{
    prompt_book book;
    auto blocks = say(book, "humility.blame", {{"phrase", {markup::u("<!channel>")}}});
    markup::document d{blocks};
    bool found = false;
    for (auto const& b : d.blocks)
        if (auto const* p = std::get_if<markup::paragraph>(&b))
            for (auto const& s : p->content)
                if (auto const* t = std::get_if<markup::text>(&s); t && t->value == "<!channel>") found = t->from_user;
    EXPECT_TRUE(found) << "the phrase stays marked as user text";
}

} // namespace
} // namespace coolhead::commands

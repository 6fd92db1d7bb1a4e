// The prompts file: known keys only, declared placeholders only, blame phrases replacing the
// built-in list, and the texts reaching the core through to_policy().
#include "bot/settings/prompts_file.hpp"
#include "bot/settings/settings.hpp"

#include "settings_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace coolhead::settings {
namespace {

using namespace test_support;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> errors_of(prompts_result const& r)
{
    EXPECT_FALSE(r) << "expected the prompts file to be refused";
    return r.errors;
}

TEST(settings_prompts_file, an_empty_object_keeps_every_built_in_text)
{
    auto r = parse_prompts("{}", "prompts.json");
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    EXPECT_TRUE(r.value->texts.empty());
    commands::prompt_book built_in;
    EXPECT_EQ(r.value->blame_phrases, built_in.blame_phrases);
    for (auto const& s : commands::prompt_specs())
        EXPECT_EQ(r.value->text(s.key), s.text);
}

TEST(settings_prompts_file, an_override_replaces_only_its_own_text)
{
    auto r = parse_prompts(R"({"texts": {"humility.blame": "\"{phrase}\": let's check our side first."}})",
                           "prompts.json");
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    EXPECT_EQ(r.value->text("humility.blame"), "\"{phrase}\": let's check our side first.");
    for (auto const& s : commands::prompt_specs()) {
        if (s.key != "humility.blame") {
            EXPECT_EQ(r.value->text(s.key), s.text) << s.key;
        }
    }
}

TEST(settings_prompts_file, an_unknown_prompt_key_is_an_error_with_a_suggestion)
{
    EXPECT_THAT(
        errors_of(parse_prompts(R"({"texts": {"phase.discovry": "Go."}})", "prompts.json")),
        ElementsAre(
            R"(prompts.json: texts.phase.discovry: unknown prompt key (did you mean "phase.discovery"?))"));
    EXPECT_THAT(
        errors_of(parse_prompts(R"({"texts": {"greeting.morning": "Hi."}})", "prompts.json")),
        ElementsAre("prompts.json: texts.greeting.morning: unknown prompt key (config/prompts.json lists "
                    "every key)"));
}

TEST(settings_prompts_file, an_undeclared_placeholder_names_the_key_and_the_placeholder)
{
    EXPECT_THAT(
        errors_of(parse_prompts(R"({"texts": {"phase.discovery": "Find the cause of {incidnet}."}})",
                                "prompts.json")),
        ElementsAre("prompts.json: texts.phase.discovery: unknown placeholder {incidnet} (did you mean "
                    "{incident}?)"));
    EXPECT_THAT(
        errors_of(parse_prompts(R"({"texts": {"reminder.followup_ticket": "{owner}: {due} {due}"}})",
                                "prompts.json")),
        ElementsAre(
            "prompts.json: texts.reminder.followup_ticket: unknown placeholder {due} (this prompt may "
            "use {owner}, {ref}, {incident} and {text})"))
        << "each unknown placeholder is reported once per text";
    // {incident} is a placeholder of other prompts, not of this one.
    EXPECT_THAT(
        errors_of(
            parse_prompts(R"({"texts": {"humility.self_confirm": "#{id} in {incident}"}})", "prompts.json")),
        ElementsAre("prompts.json: texts.humility.self_confirm: unknown placeholder {incident} (this prompt "
                    "may use {id})"));
}

TEST(settings_prompts_file, braces_that_are_not_placeholders_are_left_alone)
{
    auto r = parse_prompts(R"({"texts": {"humility.blame": "{phrase} {} { phrase } {a b} {{phrase}} {x"}})",
                           "prompts.json");
    EXPECT_TRUE(r) << ::testing::PrintToString(r.errors);
}

TEST(settings_prompts_file, placeholders_in_finds_each_name_once_in_order)
{
    EXPECT_THAT(placeholders_in("{b} and {a}, then {b} again; {} { a } {x-y.z} {unterminated"),
                ElementsAre("b", "a", "x-y.z"));
    EXPECT_THAT(placeholders_in(""), IsEmpty());
}

TEST(settings_prompts_file, a_text_must_be_a_non_empty_string)
{
    EXPECT_THAT(
        errors_of(parse_prompts(R"({"texts": {"humility.blame": ""}})", "prompts.json")),
        ElementsAre(
            "prompts.json: texts.humility.blame: expected the text of the prompt, got an empty string"));
    EXPECT_THAT(errors_of(parse_prompts(R"({"texts": {"humility.blame": 3}})", "prompts.json")),
                ElementsAre("prompts.json: texts.humility.blame: expected a string, got a number"));
    EXPECT_THAT(errors_of(parse_prompts(R"({"texts": ["humility.blame"]})", "prompts.json")),
                ElementsAre("prompts.json: texts: expected an object of strings, got an array"));
}

TEST(settings_prompts_file, an_unknown_top_level_key_is_an_error)
{
    EXPECT_THAT(errors_of(parse_prompts(R"({"blame_phrase": []})", "prompts.json")),
                ElementsAre(R"(prompts.json: blame_phrase: unknown key (did you mean "blame_phrases"?))"));
    EXPECT_THAT(errors_of(parse_prompts("[]", "prompts.json")),
                ElementsAre("prompts.json: expected a JSON object at the top, got an array"));
    EXPECT_THAT(errors_of(parse_prompts("{\"texts\": {", "prompts.json")),
                ElementsAre(::testing::StartsWith("prompts.json: not valid JSON at line 1, column")));
    EXPECT_THAT(errors_of(parse_prompts(R"({"texts": {"humility.blame": "a", "humility.blame": "b"}})",
                                        "prompts.json")),
                ElementsAre("prompts.json: texts.humility.blame: appears more than once; keep only one"));
}

TEST(settings_prompts_file, blame_phrases_replace_the_built_in_list)
{
    auto r = parse_prompts(R"({"blame_phrases": ["vendor problem", "DNS again"]})", "prompts.json");
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    EXPECT_THAT(r.value->blame_phrases, ElementsAre("vendor problem", "DNS again"));
    EXPECT_TRUE(commands::find_blame("probably a Vendor problem", r.value->blame_phrases));
    EXPECT_FALSE(commands::find_blame("user error", r.value->blame_phrases));

    auto off = parse_prompts(R"({"blame_phrases": []})", "prompts.json");
    ASSERT_TRUE(off);
    EXPECT_TRUE(off.value->blame_phrases.empty()) << "an empty list turns nudges off";
}

TEST(settings_prompts_file, blame_phrases_must_be_non_empty_strings)
{
    EXPECT_THAT(errors_of(parse_prompts(R"({"blame_phrases": ["ok", "", "  ", 4]})", "prompts.json")),
                ElementsAre("prompts.json: blame_phrases[3]: expected a string, got a number"));
    EXPECT_THAT(errors_of(parse_prompts(R"({"blame_phrases": ["ok", "", "  "]})", "prompts.json")),
                ElementsAre("prompts.json: blame_phrases[1]: expected a phrase, got an empty string",
                            "prompts.json: blame_phrases[2]: expected a phrase, got \"  \""));
    EXPECT_THAT(errors_of(parse_prompts(R"({"blame_phrases": "user error"})", "prompts.json")),
                ElementsAre("prompts.json: blame_phrases: expected an array of strings, got a string"));
}

TEST(settings_prompts_file, to_policy_uses_the_teams_texts_and_phrases)
{
    temp_dir dir;
    dir.write("prompts.json", R"({
      "texts": {"humility.blame": "\"{phrase}\"? Let's check our own side first."},
      "blame_phrases": ["vendor problem"]
    })");
    auto r = load(R"({"policy": {"prompts": "prompts.json"}})", dir.path());
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    auto p = to_policy(*r.value);
    EXPECT_EQ(p.prompts.text("humility.blame"), "\"{phrase}\"? Let's check our own side first.");
    EXPECT_THAT(p.prompts.blame_phrases, ElementsAre("vendor problem"));

    // The core fills the team's text.
    auto blocks =
        commands::say(p.prompts, "humility.blame", {{"phrase", {commands::markup::u("vendor problem")}}});
    auto text = commands::markup::to_plain(commands::markup::document{blocks});
    EXPECT_EQ(text, "\"vendor problem\"? Let's check our own side first.\n");
}

} // namespace
} // namespace coolhead::settings

// The files shipped in config/ stay in step with the code: prompts.json holds exactly the
// built-in texts and phrases, and coolhead.example.json loads cleanly and lists every key
// with its default.
#include "bot/settings/prompts_file.hpp"
#include "bot/settings/settings.hpp"

#include "settings_test_support.hpp"

#include <nlohmann/json.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace coolhead::settings {
namespace {

using namespace test_support;

std::string read_text(std::filesystem::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    EXPECT_TRUE(in) << "cannot open " << p;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Every key path of a JSON object whose value is not itself an object ("policy.tollgates").
void leaf_keys(nlohmann::json const& j, std::string const& prefix, std::set<std::string>& out)
{
    for (auto it = j.begin(); it != j.end(); ++it) {
        auto path = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object())
            leaf_keys(*it, path, out);
        else
            out.insert(path);
    }
}

TEST(settings_shipped_config, prompts_json_holds_exactly_the_built_in_texts_and_phrases)
{
    auto file = config_dir() / "prompts.json";
    auto r = parse_prompts(read_text(file), file.string());
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    auto const& book = *r.value;

    // Every key is in the file (a team edits a complete file), with the built-in text.
    EXPECT_EQ(book.texts.size(), commands::prompt_specs().size());
    for (auto const& s : commands::prompt_specs()) {
        auto it = book.texts.find(s.key);
        ASSERT_NE(it, book.texts.end()) << "config/prompts.json lacks " << s.key;
        EXPECT_EQ(it->second, s.text) << "config/prompts.json differs from the built-in text of " << s.key;
    }
    std::vector<std::string> phrases(commands::default_blame_phrases().begin(),
                                     commands::default_blame_phrases().end());
    EXPECT_EQ(book.blame_phrases, phrases);
}

TEST(settings_shipped_config, the_example_loads_cleanly)
{
    auto r = load_file(config_dir() / "coolhead.example.json", no_env());
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    EXPECT_EQ(r.value->policy.prompts, config_dir() / "prompts.json");
    EXPECT_EQ(r.value->store.path, config_dir() / "coolhead.db");
}

TEST(settings_shipped_config, the_example_shows_every_key_with_its_default)
{
    auto example = load_file(config_dir() / "coolhead.example.json", no_env());
    ASSERT_TRUE(example) << ::testing::PrintToString(example.errors);
    auto defaults = load_text("{}", "defaults", config_dir(), no_env());
    ASSERT_TRUE(defaults);

    // Same keys as the schema (secrets aside: they never appear in a file).
    auto file = nlohmann::json::parse(read_text(config_dir() / "coolhead.example.json"));
    auto schema = nlohmann::json::parse(describe(*defaults.value));
    std::set<std::string> in_file, in_schema;
    leaf_keys(file, "", in_file);
    leaf_keys(schema, "", in_schema);
    for (auto const* secret : {"slack.app_token", "slack.bot_token", "mattermost.token"})
        in_schema.erase(secret);
    EXPECT_EQ(in_file, in_schema);

    // Same values, except that the example uses the shipped prompts file, whose texts are the
    // built-in ones (previous test).
    auto shown = nlohmann::json::parse(describe(*example.value));
    shown["policy"]["prompts"] = nullptr;
    EXPECT_EQ(shown, schema);
}

TEST(settings_shipped_config, the_readme_documents_every_key)
{
    auto readme = read_text(config_dir() / "README.md");
    auto defaults = load("{}");
    ASSERT_TRUE(defaults);
    std::set<std::string> keys;
    leaf_keys(nlohmann::json::parse(describe(*defaults.value)), "", keys);
    for (auto const* secret : {"slack.app_token", "slack.bot_token", "mattermost.token"})
        keys.erase(secret);
    for (auto const& k : keys)
        EXPECT_NE(readme.find("| `" + k + "` |"), std::string::npos) << k << " is not in config/README.md";
    for (auto const* env : {"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "MATTERMOST_TOKEN", "SPDLOG_LEVEL"})
        EXPECT_NE(readme.find(env), std::string::npos) << env;
}

} // namespace
} // namespace coolhead::settings

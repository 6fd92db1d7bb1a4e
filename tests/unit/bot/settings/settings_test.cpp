// The config file: defaults, every key, every kind of error with its exact text, relative
// paths, SPDLOG_LEVEL, secrets of enabled adapters, describe() and to_policy().
#include "bot/settings/settings.hpp"

#include "settings_test_support.hpp"

#include <nlohmann/json.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace coolhead::settings {
namespace {

using namespace std::chrono_literals;
using namespace test_support;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

/// The errors of a load that must fail.
std::vector<std::string> errors_of(load_result const& r)
{
    EXPECT_FALSE(r) << "expected the load to fail";
    return r.errors;
}

TEST(settings, an_empty_object_gives_every_default)
{
    auto r = load("{}");
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    auto const& s = *r.value;
    EXPECT_EQ(s.log.level, "info");
    EXPECT_EQ(s.log.levels, std::nullopt);
    EXPECT_EQ(s.store.path, std::filesystem::path("/etc/coolhead/coolhead.db"));
    EXPECT_EQ(s.store.delivery_retention, std::chrono::days{7});
    EXPECT_EQ(s.policy.status_interval, 30min);
    EXPECT_EQ(s.policy.early_rootcause, 10min);
    EXPECT_EQ(s.policy.no_rootcause_after, 45min);
    EXPECT_EQ(s.policy.unconfirmed_after, 15min);
    EXPECT_EQ(s.policy.followup_ticket_after, 24h);
    EXPECT_EQ(s.policy.nudge_cooldown, 30min);
    EXPECT_EQ(s.policy.min_reminder_interval, 5min);
    EXPECT_EQ(s.policy.max_reminder_interval, 12h);
    EXPECT_THAT(s.policy.tollgates, ElementsAre("unit tests", "UAT", "production checkout"));
    EXPECT_EQ(s.policy.prompts, std::nullopt);
    EXPECT_TRUE(s.policy.prompt_book.texts.empty());
    EXPECT_FALSE(s.slack.enabled);
    EXPECT_TRUE(s.slack.app_token.empty());
    EXPECT_TRUE(s.slack.bot_token.empty());
    EXPECT_FALSE(s.mattermost.enabled);
    EXPECT_TRUE(s.mattermost.token.empty());
}

TEST(settings, the_defaults_are_the_cores_defaults)
{
    auto r = load("{}");
    ASSERT_TRUE(r);
    auto p = to_policy(*r.value);
    commands::policy core;
    EXPECT_EQ(p.tollgates, core.tollgates);
    EXPECT_EQ(p.status_interval, core.status_interval);
    EXPECT_EQ(p.early_rootcause, core.early_rootcause);
    EXPECT_EQ(p.no_rootcause_after, core.no_rootcause_after);
    EXPECT_EQ(p.unconfirmed_after, core.unconfirmed_after);
    EXPECT_EQ(p.followup_ticket_after, core.followup_ticket_after);
    EXPECT_EQ(p.nudge_cooldown, core.nudge_cooldown);
    EXPECT_EQ(p.min_reminder_interval, core.min_reminder_interval);
    EXPECT_EQ(p.max_reminder_interval, core.max_reminder_interval);
    EXPECT_EQ(p.prompts.texts, core.prompts.texts);
    EXPECT_EQ(p.prompts.blame_phrases, core.prompts.blame_phrases);
}

TEST(settings, every_key_is_read)
{
    temp_dir dir;
    dir.write("team-prompts.json", R"({"texts": {"humility.blame": "Let's look at our side first."}})");
    auto text = R"({
      "log": {"level": "debug", "levels": "info,slack=trace"},
      "store": {"path": "/var/lib/coolhead/incidents.db", "delivery_retention": "2d"},
      "policy": {
        "status_interval": "20m", "early_rootcause": "7m", "no_rootcause_after": "1h",
        "unconfirmed_after": "10m", "followup_ticket_after": "2d", "nudge_cooldown": "1h30m",
        "min_reminder_interval": "1m", "max_reminder_interval": "6h",
        "tollgates": ["code review", "canary"],
        "prompts": "team-prompts.json"
      },
      "slack": {"enabled": true},
      "mattermost": {"enabled": true, "url": "https://mm.example.com"}
    })";
    auto env = fixed_environment({{"SLACK_APP_TOKEN", "xapp-fake-1"},
                                  {"SLACK_BOT_TOKEN", "xoxb-fake-2"},
                                  {"MATTERMOST_TOKEN", "mm-fake-3"}});
    auto r = load_text(text, "coolhead.json", dir.path(), env);
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    auto const& s = *r.value;
    EXPECT_EQ(s.log.level, "debug");
    EXPECT_EQ(s.log.levels, "info,slack=trace");
    EXPECT_EQ(s.store.path, std::filesystem::path("/var/lib/coolhead/incidents.db"));
    EXPECT_EQ(s.store.delivery_retention, std::chrono::days{2});
    EXPECT_EQ(s.policy.status_interval, 20min);
    EXPECT_EQ(s.policy.early_rootcause, 7min);
    EXPECT_EQ(s.policy.no_rootcause_after, 1h);
    EXPECT_EQ(s.policy.unconfirmed_after, 10min);
    EXPECT_EQ(s.policy.followup_ticket_after, 48h);
    EXPECT_EQ(s.policy.nudge_cooldown, 90min);
    EXPECT_EQ(s.policy.min_reminder_interval, 1min);
    EXPECT_EQ(s.policy.max_reminder_interval, 6h);
    EXPECT_THAT(s.policy.tollgates, ElementsAre("code review", "canary"));
    EXPECT_EQ(s.policy.prompts, dir.path() / "team-prompts.json");
    EXPECT_EQ(s.policy.prompt_book.text("humility.blame"), "Let's look at our side first.");
    EXPECT_TRUE(s.slack.enabled);
    EXPECT_EQ(s.slack.app_token.reveal(), "xapp-fake-1");
    EXPECT_EQ(s.slack.bot_token.reveal(), "xoxb-fake-2");
    EXPECT_TRUE(s.mattermost.enabled);
    EXPECT_EQ(s.mattermost.token.reveal(), "mm-fake-3");

    auto p = to_policy(s);
    EXPECT_EQ(p.status_interval, 20min);
    EXPECT_EQ(p.nudge_cooldown, 90min);
    EXPECT_THAT(p.tollgates, ElementsAre("code review", "canary"));
    EXPECT_EQ(p.prompts.text("humility.blame"), "Let's look at our side first.");

    auto o = to_log_options(s.log);
    EXPECT_EQ(o.level, "debug");
    EXPECT_EQ(o.levels, "info,slack=trace");
    EXPECT_EQ(o.sink, nullptr);
}

TEST(settings, null_leaves_an_optional_key_unset)
{
    auto r = load(R"({"log": {"levels": null}, "policy": {"prompts": null}})");
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    EXPECT_EQ(r.value->log.levels, std::nullopt);
    EXPECT_EQ(r.value->policy.prompts, std::nullopt);
}

TEST(settings, an_unknown_key_is_an_error_with_a_suggestion)
{
    EXPECT_THAT(errors_of(load(R"({"polcy": {}})")),
                ElementsAre(R"(coolhead.json: polcy: unknown key (did you mean "policy"?))"));
    EXPECT_THAT(errors_of(load(R"({"store": {"pth": "x.db"}})")),
                ElementsAre(R"(coolhead.json: store.pth: unknown key (did you mean "path"?))"));
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"status_intervall": "1h"}})")),
        ElementsAre(
            R"(coolhead.json: policy.status_intervall: unknown key (did you mean "status_interval"?))"));
    EXPECT_THAT(errors_of(load(R"({"slack": {"enable": true}})")),
                ElementsAre(R"(coolhead.json: slack.enable: unknown key (did you mean "enabled"?))"));
}

TEST(settings, an_unknown_key_with_nothing_close_lists_the_known_keys)
{
    EXPECT_THAT(
        errors_of(load(R"({"metrics": {}})")),
        ElementsAre("coolhead.json: metrics: unknown key (the keys here are log, store, policy, slack and "
                    "mattermost)"));
    EXPECT_THAT(errors_of(load(R"({"log": {"format": "json"}})")),
                ElementsAre("coolhead.json: log.format: unknown key (the keys here are level and levels)"));
}

TEST(settings, an_odd_unknown_key_is_quoted_in_the_message)
{
    EXPECT_THAT(errors_of(load("{\"a b\\n\": 1}")),
                ElementsAre(::testing::StartsWith(R"(coolhead.json: "a b\n": unknown key)")));
    EXPECT_THAT(errors_of(load(R"({"": 1})")),
                ElementsAre(::testing::StartsWith(R"(coolhead.json: "": unknown key)")));
}

TEST(settings, a_value_of_the_wrong_type_is_an_error)
{
    EXPECT_THAT(errors_of(load(R"({"store": {"path": 12}})")),
                ElementsAre("coolhead.json: store.path: expected a string, got a number"));
    EXPECT_THAT(errors_of(load(R"({"slack": {"enabled": "yes"}})")),
                ElementsAre("coolhead.json: slack.enabled: expected true or false, got a string"));
    EXPECT_THAT(errors_of(load(R"({"log": {"level": false}})")),
                ElementsAre("coolhead.json: log.level: expected a string, got false"));
    EXPECT_THAT(errors_of(load(R"({"policy": "strict"})")),
                ElementsAre("coolhead.json: policy: expected an object, got a string"));
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"status_interval": 30}})")),
        ElementsAre(
            R"(coolhead.json: policy.status_interval: expected a duration such as "30m", got a number)"));
    EXPECT_THAT(errors_of(load(R"({"policy": {"tollgates": "UAT"}})")),
                ElementsAre("coolhead.json: policy.tollgates: expected an array of strings, got a string"));
    EXPECT_THAT(errors_of(load(R"({"policy": {"tollgates": ["UAT", 7, null]}})")),
                ElementsAre("coolhead.json: policy.tollgates[1]: expected a string, got a number",
                            "coolhead.json: policy.tollgates[2]: expected a string, got null"));
    EXPECT_THAT(errors_of(load(R"({"store": {"path": ""}})")),
                ElementsAre("coolhead.json: store.path: expected a file path, got an empty string"));
}

TEST(settings, the_top_level_must_be_an_object)
{
    EXPECT_THAT(errors_of(load("[]")),
                ElementsAre("coolhead.json: expected a JSON object at the top, got an array"));
    EXPECT_THAT(errors_of(load("\"x\"")),
                ElementsAre("coolhead.json: expected a JSON object at the top, got a string"));
}

TEST(settings, a_bad_duration_is_an_error)
{
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"status_interval": "soon"}})")),
        ElementsAre(
            R"(coolhead.json: policy.status_interval: expected a duration such as "30m", got "soon")"));
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"nudge_cooldown": "30 m"}})")),
        ElementsAre(
            R"(coolhead.json: policy.nudge_cooldown: expected a duration such as "30m", got "30 m")"));
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"early_rootcause": "0m"}})")),
        ElementsAre(
            R"(coolhead.json: policy.early_rootcause: expected a duration longer than zero, got "0m")"));
}

TEST(settings, a_bad_log_level_is_an_error)
{
    EXPECT_THAT(
        errors_of(load(R"({"log": {"level": "verbose"}})")),
        ElementsAre("coolhead.json: log.level: expected a log level (trace, debug, info, warn, error, "
                    "critical or off), got \"verbose\""));
    EXPECT_THAT(
        errors_of(load(R"({"log": {"levels": "info,slack=loud"}})")),
        ElementsAre("coolhead.json: log.levels: \"loud\" is not a log level (use trace, debug, info, warn, "
                    "error, critical or off)"));
    EXPECT_THAT(
        errors_of(load(R"({"log": {"levels": "=debug"}})")),
        ElementsAre("coolhead.json: log.levels: \"=debug\" names no component before \"=\" (write it as "
                    "\"slack=debug\")"));
    EXPECT_THAT(
        errors_of(load(R"({"log": {"levels": "info, slack=debug"}})")),
        ElementsAre("coolhead.json: log.levels: \" slack=debug\" has spaces; write the items without them, "
                    "as in \"info,slack=debug\""));
    EXPECT_TRUE(load(R"({"log": {"level": "warning", "levels": "err,store=off,,net=critical"}})"));
}

TEST(settings, spdlog_level_in_the_environment_wins_over_the_file)
{
    auto env = fixed_environment({{"SPDLOG_LEVEL", "debug,store=trace"}});
    auto r = load(R"({"log": {"level": "warn", "levels": "info"}})", "/etc/coolhead", env);
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    EXPECT_EQ(r.value->log.level, "warn");
    EXPECT_EQ(r.value->log.levels, "debug,store=trace");

    auto empty =
        load(R"({"log": {"levels": "info"}})", "/etc/coolhead", fixed_environment({{"SPDLOG_LEVEL", ""}}));
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty.value->log.levels, "info") << "an empty SPDLOG_LEVEL counts as unset";

    EXPECT_THAT(errors_of(load("{}", "/etc/coolhead", fixed_environment({{"SPDLOG_LEVEL", "loud"}}))),
                ElementsAre("SPDLOG_LEVEL: \"loud\" is not a log level (use trace, debug, info, warn, error, "
                            "critical or off)"));
}

TEST(settings, delivery_retention_must_outlast_slacks_redeliveries)
{
    EXPECT_THAT(
        errors_of(load(R"({"store": {"delivery_retention": "5m"}})")),
        ElementsAre("coolhead.json: store.delivery_retention: expected more than 5m (Slack redelivers a "
                    "message for up to about 5 minutes), got \"5m\""));
    EXPECT_THAT(errors_of(load(R"({"store": {"delivery_retention": "90s"}})")),
                ElementsAre(HasSubstr("got \"1m30s\"")));
    EXPECT_TRUE(load(R"({"store": {"delivery_retention": "5m1s"}})"));
}

TEST(settings, the_shortest_reminder_interval_must_not_exceed_the_longest)
{
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"min_reminder_interval": "2h", "max_reminder_interval": "1h"}})")),
        ElementsAre(
            "coolhead.json: policy.min_reminder_interval: 2h is longer than max_reminder_interval (1h)"));
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"min_reminder_interval": "1d"}})")),
        ElementsAre("coolhead.json: policy.min_reminder_interval: 1d is longer than max_reminder_interval "
                    "(12h)"))
        << "the other side of the pair may be a default";
    EXPECT_TRUE(load(R"({"policy": {"min_reminder_interval": "1h", "max_reminder_interval": "1h"}})"));
}

TEST(settings, a_cross_field_check_is_skipped_when_one_of_its_fields_is_wrong)
{
    // min falls back to its default (5m) because "0m" is refused; comparing that default with
    // max would blame the user for a value they never wrote.
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"min_reminder_interval": "0m", "max_reminder_interval": "1m"}})")),
        ElementsAre(
            R"(coolhead.json: policy.min_reminder_interval: expected a duration longer than zero, got "0m")"));
}

TEST(settings, tollgates_must_be_distinct_non_empty_names)
{
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"tollgates": ["unit tests", "UAT", "Unit-Tests"]}})")),
        ElementsAre("coolhead.json: policy.tollgates[2]: \"Unit-Tests\" is the same tollgate as \"unit "
                    "tests\" at [0] (names are compared ignoring case, '-', '_' and spaces)"));
    EXPECT_THAT(errors_of(load(R"({"policy": {"tollgates": ["code_review", "code review "]}})")),
                ElementsAre(HasSubstr(
                    "policy.tollgates[1]: \"code review \" is the same tollgate as \"code_review\"")));
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"tollgates": []}})")),
        ElementsAre("coolhead.json: policy.tollgates: expected at least one tollgate, got an empty array"));
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"tollgates": ["UAT", "", " - "]}})")),
        ElementsAre("coolhead.json: policy.tollgates[1]: expected a tollgate name, got an empty string",
                    "coolhead.json: policy.tollgates[2]: expected a tollgate name, got \" - \""));
}

TEST(settings, invalid_json_says_where)
{
    EXPECT_THAT(errors_of(load("{\n  \"log\": {\n    \"level\" \"info\"\n  }\n}")),
                ElementsAre("coolhead.json: not valid JSON at line 3, column 18"))
        << "nlohmann points just past the token it could not use";
    EXPECT_THAT(errors_of(load("{\n  // a comment\n}")),
                ElementsAre("coolhead.json: not valid JSON at line 2, column 3"));
    EXPECT_THAT(errors_of(load(R"({"log": {},})")),
                ElementsAre(HasSubstr("coolhead.json: not valid JSON at line 1, column")));
    EXPECT_THAT(errors_of(load("{\"store\": {\"path\": \"a\xff\"}}")),
                ElementsAre(HasSubstr("coolhead.json: not valid JSON at line 1")))
        << "invalid UTF-8";
    EXPECT_THAT(errors_of(load("")),
                ElementsAre("coolhead.json: the file is empty ({} is the smallest valid file)"));
    EXPECT_THAT(errors_of(load(" \n\t")),
                ElementsAre("coolhead.json: the file is empty ({} is the smallest valid file)"));
}

TEST(settings, a_key_given_twice_is_an_error)
{
    EXPECT_THAT(errors_of(load(R"({"store": {"path": "a.db", "path": "b.db"}})")),
                ElementsAre("coolhead.json: store.path: appears more than once; keep only one"));
    EXPECT_THAT(errors_of(load(R"({"policy": {}, "log": {}, "policy": {}})")),
                ElementsAre("coolhead.json: policy: appears more than once; keep only one"));
}

TEST(settings, a_missing_or_unreadable_file_is_named)
{
    temp_dir dir;
    auto missing = dir.path() / "nope.json";
    EXPECT_THAT(errors_of(load_file(missing, no_env())),
                ElementsAre(missing.string() + ": cannot read the file: no such file"));
    EXPECT_THAT(errors_of(load_file(dir.path(), no_env())),
                ElementsAre(dir.path().string() + ": cannot read the file: it is a directory"));
    EXPECT_THAT(errors_of(load_file("/dev/zero", no_env())),
                ElementsAre("/dev/zero: cannot read the file: it is not a regular file"));
    auto big = dir.write("big.json", std::string(max_config_bytes + 1, ' '));
    EXPECT_THAT(errors_of(load_file(big, no_env())),
                ElementsAre(big.string() + ": cannot read the file: it is larger than 1024 KiB"));
}

TEST(settings, every_error_is_reported_at_once)
{
    auto text = R"({
      "polcy": {},
      "log": {"level": "loud"},
      "store": {"path": 1, "delivery_retention": "1m"},
      "policy": {"status_interval": "soon", "tollgates": ["UAT", "uat"]},
      "slack": {"enabled": true}
    })";
    EXPECT_THAT(
        errors_of(load(text)),
        ElementsAre("coolhead.json: log.level: expected a log level (trace, debug, info, warn, error, "
                    "critical or off), got \"loud\"",
                    "coolhead.json: store.path: expected a string, got a number",
                    "coolhead.json: store.delivery_retention: expected more than 5m (Slack redelivers a "
                    "message for up to about 5 minutes), got \"1m\"",
                    R"(coolhead.json: policy.status_interval: expected a duration such as "30m", got "soon")",
                    "coolhead.json: policy.tollgates[1]: \"uat\" is the same tollgate as \"UAT\" at [0] "
                    "(names are compared ignoring case, '-', '_' and spaces)",
                    "slack is enabled but neither SLACK_APP_TOKEN nor SLACK_APP_TOKEN_FILE is set",
                    "slack is enabled but neither SLACK_BOT_TOKEN nor SLACK_BOT_TOKEN_FILE is set",
                    R"(coolhead.json: polcy: unknown key (did you mean "policy"?))"));
}

TEST(settings, load_file_uses_the_name_it_was_given)
{
    temp_dir dir;
    auto file = dir.write("coolhead.json", R"({"policy": {"status_interval": "soon"}})");
    EXPECT_THAT(errors_of(load_file(file, no_env())),
                ElementsAre(file.string() +
                            R"(: policy.status_interval: expected a duration such as "30m", got "soon")"));
}

TEST(settings, relative_paths_are_relative_to_the_config_files_directory)
{
    temp_dir dir;
    dir.write("etc/prompts/team.json", R"({"texts": {"humility.blame": "Our side first."}})");
    auto file = dir.write("etc/coolhead.json", R"({"store": {"path": "../var/incidents.db"},
                                                  "policy": {"prompts": "prompts/team.json"}})");
    auto r = load_file(file, no_env());
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    EXPECT_EQ(r.value->store.path, dir.path() / "var/incidents.db");
    EXPECT_EQ(r.value->policy.prompts, dir.path() / "etc/prompts/team.json");
    EXPECT_EQ(r.value->policy.prompt_book.text("humility.blame"), "Our side first.");

    auto defaults = load_file(dir.write("etc/empty.json", "{}"), no_env());
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults.value->store.path, dir.path() / "etc/coolhead.db");
}

TEST(settings, absolute_paths_stay_as_written)
{
    auto r = load(R"({"store": {"path": "/srv/coolhead/x.db"}})", "/etc/coolhead");
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value->store.path, std::filesystem::path("/srv/coolhead/x.db"));
}

TEST(settings, a_path_with_control_characters_is_refused)
{
    EXPECT_THAT(
        errors_of(load(R"({"policy": {"prompts": "prompts.json\u0000.txt"}})")),
        ElementsAre(
            R"(coolhead.json: policy.prompts: expected a file path, got "prompts.json\u0000.txt", which has control characters)"));
}

TEST(settings, a_missing_prompts_file_is_named_with_its_key)
{
    temp_dir dir;
    auto r = load(R"({"policy": {"prompts": "nope.json"}})", dir.path());
    EXPECT_THAT(errors_of(r), ElementsAre("coolhead.json: policy.prompts: cannot read " +
                                          (dir.path() / "nope.json").string() + ": no such file"));
}

TEST(settings, errors_in_the_prompts_file_name_that_file)
{
    temp_dir dir;
    auto prompts = dir.write("prompts.json", R"({"texts": {"humility.blame": "Hm, {who}?"}})");
    auto r = load(R"({"policy": {"prompts": "prompts.json", "status_interval": "soon"}})", dir.path());
    EXPECT_THAT(
        errors_of(r),
        ElementsAre(R"(coolhead.json: policy.status_interval: expected a duration such as "30m", got "soon")",
                    prompts.string() +
                        ": texts.humility.blame: unknown placeholder {who} (this prompt may use {phrase})"));
}

TEST(settings, an_enabled_adapter_needs_its_secrets)
{
    EXPECT_THAT(
        errors_of(load(R"({"mattermost": {"enabled": true, "url": "https://mm.example.com"}})")),
        ElementsAre("mattermost is enabled but neither MATTERMOST_TOKEN nor MATTERMOST_TOKEN_FILE is set"));
    auto both = fixed_environment({{"MATTERMOST_TOKEN", "mm-1"}, {"MATTERMOST_TOKEN_FILE", "/run/x"}});
    EXPECT_THAT(errors_of(load(R"({"mattermost": {"enabled": true, "url": "https://mm.example.com"}})", "/etc/coolhead", both)),
                ElementsAre("MATTERMOST_TOKEN and MATTERMOST_TOKEN_FILE are both set; set only one of them"));
}

TEST(settings, a_disabled_adapters_secrets_are_not_read)
{
    // Both forms set would be an error, but nobody asked for this secret.
    auto env = fixed_environment({{"SLACK_BOT_TOKEN", "xoxb-1"}, {"SLACK_BOT_TOKEN_FILE", "/run/x"}});
    auto r = load(R"({"slack": {"enabled": false}})", "/etc/coolhead", env);
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    EXPECT_TRUE(r.value->slack.bot_token.empty());
}

TEST(settings, a_secret_in_the_file_is_refused_without_repeating_it)
{
    auto r = load(R"({"slack": {"bot_token": "xoxb-do-not-print-me"}, "mattermost": {"token": null}})");
    auto errors = errors_of(r);
    EXPECT_THAT(errors,
                ElementsAre("coolhead.json: slack.bot_token: secrets are not read from the config file; set "
                            "SLACK_BOT_TOKEN or SLACK_BOT_TOKEN_FILE in the environment instead"));
    for (auto const& e : errors)
        EXPECT_THAT(e, Not(HasSubstr("do-not-print-me")));
    EXPECT_THAT(
        errors_of(load(R"({"slack": {"bot_tokn": "xoxb-do-not-print-me"}})")),
        ElementsAre(::testing::AllOf(HasSubstr("slack.bot_tokn: unknown key"), Not(HasSubstr("print-me")))));
}

nlohmann::json parsed(std::string const& text)
{
    auto j = nlohmann::json::parse(text, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << text;
    return j;
}

TEST(settings, describe_shows_every_key_with_its_effective_value)
{
    auto r = load("{}", "/etc/coolhead");
    ASSERT_TRUE(r);
    auto expected = nlohmann::json::parse(R"({
      "log": {"level": "info", "levels": null},
      "store": {"path": "/etc/coolhead/coolhead.db", "delivery_retention": "7d"},
      "policy": {
        "status_interval": "30m", "early_rootcause": "10m", "no_rootcause_after": "45m",
        "unconfirmed_after": "15m", "followup_ticket_after": "1d", "nudge_cooldown": "30m",
        "min_reminder_interval": "5m", "max_reminder_interval": "12h",
        "tollgates": ["unit tests", "UAT", "production checkout"],
        "prompts": null
      },
      "slack": {"enabled": false, "api_url": "https://slack.com/api/", "connections": 2, "ca_file": null,
                "app_token": null, "bot_token": null},
      "mattermost": {"enabled": false, "url": "", "listen": "127.0.0.1:8066", "public_url": "",
                     "command_tokens_file": "/etc/coolhead/mattermost-command-tokens.json", "message_limit": 16383,
                     "ca_file": null, "tls_certificate": null, "tls_key": null, "token": null}
    })");
    EXPECT_EQ(parsed(describe(*r.value)), expected) << describe(*r.value);
}

TEST(settings, describe_keeps_the_schemas_key_order)
{
    auto r = load("{}");
    ASSERT_TRUE(r);
    auto text = describe(*r.value);
    auto log = text.find("\"log\""), store = text.find("\"store\""), policy = text.find("\"policy\""),
         slack = text.find("\"slack\""), mattermost = text.find("\"mattermost\"");
    EXPECT_LT(log, store);
    EXPECT_LT(store, policy);
    EXPECT_LT(policy, slack);
    EXPECT_LT(slack, mattermost);
}

TEST(settings, describe_redacts_secrets)
{
    temp_dir dir;
    auto token_file = dir.write("bot-token", "xoxb-secret-from-file\n");
    auto env = fixed_environment({{"SLACK_APP_TOKEN", "xapp-secret-from-env"},
                                  {"SLACK_BOT_TOKEN_FILE", token_file.string()},
                                  {"MATTERMOST_TOKEN", "mm-secret-from-env"}});
    auto r = load(R"({"slack": {"enabled": true}, "mattermost": {"enabled": true, "url": "https://mm.example.com"}})", dir.path(), env);
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    auto text = describe(*r.value);
    auto j = parsed(text);
    EXPECT_EQ(j["slack"]["app_token"], "[redacted]");
    EXPECT_EQ(j["slack"]["bot_token"], "[redacted]");
    EXPECT_EQ(j["mattermost"]["token"], "[redacted]");
    EXPECT_THAT(text, Not(HasSubstr("secret-from")));
    EXPECT_THAT(text, Not(HasSubstr("xoxb")));
    EXPECT_THAT(text, Not(HasSubstr("xapp")));
}

TEST(settings, describes_output_loads_back_to_the_same_settings)
{
    temp_dir dir;
    dir.write("p.json", R"({"blame_phrases": ["vendor problem"]})");
    auto r = load(R"({"log": {"levels": "slack=debug"}, "store": {"delivery_retention": "1h30m"},
                      "policy": {"tollgates": ["canary"], "prompts": "p.json", "status_interval": "90s"}})",
                  dir.path());
    ASSERT_TRUE(r) << ::testing::PrintToString(r.errors);
    auto first = describe(*r.value);
    auto again = load(first, dir.path());
    ASSERT_TRUE(again) << ::testing::PrintToString(again.errors) << "\n" << first;
    EXPECT_EQ(describe(*again.value), first);
    EXPECT_EQ(again.value->policy.prompt_book.blame_phrases, std::vector<std::string>{"vendor problem"});
}

TEST(settings, duration_text_is_what_the_file_would_say)
{
    EXPECT_EQ(duration_text(30min), "30m");
    EXPECT_EQ(duration_text(90min), "1h30m");
    EXPECT_EQ(duration_text(std::chrono::days{7}), "7d");
    EXPECT_EQ(duration_text(26h + 1s), "1d2h1s");
    EXPECT_EQ(duration_text(0s), "0s");
    EXPECT_EQ(duration_text(-5s), "0s");
    for (auto d : {1s, 59s, 61s, 3600s, 86'399s, 86'401s})
        EXPECT_EQ(commands::parse_duration(duration_text(d)), d) << duration_text(d);
}

} // namespace
} // namespace coolhead::settings

namespace coolhead::settings {
namespace {

TEST(settings, mattermost_needs_its_url_and_a_whole_tls_pair)
{
    auto env = fixed_environment({{"MATTERMOST_TOKEN", "mm-token"}});
    auto missing = load_text(R"({"mattermost": {"enabled": true}})", "coolhead.json", "/etc/coolhead", env);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.errors, std::vector<std::string>{"coolhead.json: mattermost.url: required when mattermost.enabled is true"});
    auto half = load_text(R"({"mattermost": {"url": "https://mm.example.com", "tls_key": "k.pem"}})", "coolhead.json", "/etc/coolhead", env);
    ASSERT_FALSE(half);
    EXPECT_EQ(half.errors,
              std::vector<std::string>{"coolhead.json: mattermost.tls_key: give tls_certificate and tls_key together, or neither"});
    auto limit = load_text(R"({"mattermost": {"message_limit": 100}})", "coolhead.json", "/etc/coolhead", env);
    ASSERT_FALSE(limit);
    EXPECT_EQ(limit.errors,
              std::vector<std::string>{"coolhead.json: mattermost.message_limit: expected an integer from 4000 to 16383, got 100"});
}

} // namespace
} // namespace coolhead::settings

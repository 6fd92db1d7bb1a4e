// The whole bot through the console adapter: the real executable, a real SQLite file, scripts
// on stdin, and the printed messages on stdout.
#include "tests/e2e/e2e.hpp"

#include <csignal>
#include <sys/wait.h>

namespace coolhead::testing {
namespace {

using namespace std::chrono_literals;

TEST(console, the_shipped_drill_runs_from_start_to_a_published_post_mortem)
{
    scratch_dir dir;
    auto drill = read_file(std::string(COOLHEAD_SOURCE_DIR) + "/config/drills/checkout-outage.txt");
    ASSERT_FALSE(drill.empty());
    auto r = run_to_end(coolhead_binary(), console_args(dir / "drill.db"), drill);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("**INC-1** declared: Checkout fails for EU customers"), std::string::npos);
    EXPECT_NE(r.out.find("Root cause **#2** confirmed by @carol"), std::string::npos);
    EXPECT_NE(r.out.find("Post-mortem for **INC-1** published by @alice"), std::string::npos);
    EXPECT_NE(r.out.find("# Post-mortem: **INC-1**"), std::string::npos);
    EXPECT_NE(r.out.find("Pinned a message from @bob"), std::string::npos) << "the :pin reached the timeline";
    // Humility: the early root cause is raised with everyone, the blame nudge only with Erin,
    // and Bob can't confirm his own hypothesis.
    EXPECT_NE(r.out.find("A root cause 3m into the call is quick"), std::string::npos);
    EXPECT_NE(r.out.find("[#ops to @erin only]\nA gentle nudge"), std::string::npos);
    EXPECT_NE(r.out.find("[#ops to @bob only]\nYou proposed #2"), std::string::npos);
    EXPECT_NE(r.out.find("INC-1#3"), std::string::npos) << "follow-ups listed after publishing";
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(console, each_message_shows_its_channel_and_who_can_see_it)
{
    scratch_dir dir;
    auto r = run_to_end(coolhead_binary(), console_args(dir / "c.db"),
                        "/incident start Search is slow\n:in payments\n:as bob /incident status\n/incident frobnicate\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("[#ops to everyone]\n**INC-1** declared"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("[#payments to @bob only]\nThere is no incident in this channel"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("[#payments to @alice only]\n`/incident frobnicate` isn't something I know."), std::string::npos) << r.out;
    // Piped, only the bot speaks: no prompt, no echo of what we typed.
    EXPECT_EQ(r.out.find("alice in #"), std::string::npos);
}

TEST(console, reminders_fire_at_their_simulated_time_and_not_again_after_a_restart)
{
    scratch_dir dir;
    auto db = dir / "r.db";
    std::string const reminder = "a stakeholder update for **INC-1** is due";
    auto first = run_to_end(coolhead_binary(), console_args(db),
                            "/incident start Search is slow\n/incident role comms @carol\n:wait 29m\n:as bob /incident note nothing yet\n:wait 1m\n");
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(count(first.out, reminder), 1u) << first.out;
    auto before_reminder = first.out.substr(0, first.out.find(reminder));
    EXPECT_NE(before_reminder.find("nothing yet"), std::string::npos) << "not before 30 minutes";
    EXPECT_NE(first.out.find("[#ops to everyone]\n@carol: a stakeholder update"), std::string::npos) << "pings comms";

    // After a restart the clock resumes where the log ends (03:30) and the same reminder is not
    // posted again; the next one comes 30 minutes later.
    auto second = run_to_end(coolhead_binary(), console_args(db), ":wait 1m\n/incident note back\n:wait 28m\n:wait 1m\n");
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(count(second.out, reminder), 1u) << second.out;
    EXPECT_LT(second.out.find("back"), second.out.find(reminder));
    EXPECT_NE(second.out.find("(1h 00m since the last one)"), std::string::npos) << second.out;
}

TEST(console, a_redelivered_message_gets_the_same_answer_and_changes_nothing)
{
    scratch_dir dir;
    auto r = run_to_end(coolhead_binary(), console_args(dir / "d.db"),
                        ":deliver e1 /incident start Search is slow\n"
                        ":deliver e2 /incident note first look at the index\n"
                        ":deliver e2 /incident note first look at the index\n"
                        "/postmortem\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(count(r.out, "Note for **INC-1** from @alice: first look at the index"), 2u) << "answered twice";
    EXPECT_EQ(count(r.out, "Note: first look at the index"), 1u) << "recorded once:\n" << r.out;
}

TEST(console, a_usage_mistake_gets_a_short_private_answer_with_what_would_work)
{
    scratch_dir dir;
    auto r = run_to_end(coolhead_binary(), console_args(dir / "u.db"),
                        "/incident start Search is slow\n/rootcause confrim #1\n/mitigation choose\n/deploy now\n:bogus\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("[#ops to @alice only]\n`/rootcause confrim` looks like a typo. Did you mean `/rootcause confirm #1`?"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("Which option? `/mitigation choose #id`."), std::string::npos);
    EXPECT_NE(r.out.find("I only answer `/incident`"), std::string::npos);
    EXPECT_NE(r.out.find("I don't know `:bogus`"), std::string::npos);
}

TEST(console, sigterm_finishes_the_command_in_hand_and_exits_cleanly)
{
    scratch_dir dir;
    auto db = dir / "t.db";
    {
        child_process p(coolhead_binary(), console_args(db));
        p.write("/incident start Search is slow\n/incident note kept\n");
        auto out = p.read_until("Note for **INC-1**", 10s);
        ASSERT_NE(out.find("Note for **INC-1**"), std::string::npos) << p.err();
        p.kill(SIGTERM);
        auto status = p.wait(10s);
        ASSERT_TRUE(status);
        ASSERT_TRUE(WIFEXITED(*status)) << "ended by a signal";
        EXPECT_EQ(WEXITSTATUS(*status), 0) << p.err();
    }
    auto r = run_to_end(coolhead_binary(), console_args(db), "/postmortem\n");
    EXPECT_NE(r.out.find("Note: kept"), std::string::npos) << r.out;
}

TEST(console, a_store_that_cannot_be_opened_is_a_clear_start_up_error)
{
    scratch_dir dir;
    std::ofstream(dir / "garbage.db") << "this is not a database, just some text that is long enough to have a header";
    auto r = run_to_end(coolhead_binary(), console_args(dir / "garbage.db"), "");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("garbage.db"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST(cli, help_version_and_unknown_commands)
{
    auto help = run_to_end(coolhead_binary(), {"--help"}, "");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("coolhead console"), std::string::npos);
    auto version = run_to_end(coolhead_binary(), {"--version"}, "");
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_EQ(version.out.rfind("coolhead ", 0), 0u);
    auto bad = run_to_end(coolhead_binary(), {"frobnicate"}, "");
    EXPECT_EQ(bad.exit_code, 2);
    auto console_help = run_to_end(coolhead_binary(), {"console", "--help"}, "");
    EXPECT_NE(console_help.out.find("--clock"), std::string::npos);
}

TEST(cli, check_config_prints_the_effective_settings_or_every_error)
{
    scratch_dir dir;
    std::ofstream(dir / "good.json") << R"({"policy": {"status_interval": "15m"}})";
    auto good = run_to_end(coolhead_binary(), {"check-config", dir / "good.json"}, "");
    EXPECT_EQ(good.exit_code, 0) << good.err;
    EXPECT_NE(good.out.find("\"status_interval\": \"15m\""), std::string::npos) << good.out;

    std::ofstream(dir / "bad.json") << R"({"polcy": {}, "store": {"path": 3}})";
    auto bad = run_to_end(coolhead_binary(), {"check-config", dir / "bad.json"}, "");
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("polcy: unknown key (did you mean \"policy\"?)"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("store.path"), std::string::npos) << bad.err;
}

TEST(cli, run_without_a_chat_adapter_says_what_to_enable)
{
    scratch_dir dir;
    std::ofstream(dir / "c.json") << "{}";
    auto r = run_to_end(coolhead_binary(), {"run", "--config", dir / "c.json"}, "");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("no chat adapter is enabled"), std::string::npos) << r.err;
}

TEST(secrets, no_token_reaches_any_output_even_at_trace)
{
    scratch_dir dir;
    std::string const app_token = "xapp-1-A0TESTSECRET-app-9f8e7d6c";
    std::string const bot_token = "xoxb-TESTSECRET-bot-1a2b3c4d";
    std::string const mm_token = "mmtestsecrettoken0123456789";
    std::ofstream(dir / "s.json") << R"({"slack": {"enabled": true}, "mattermost": {"enabled": true, "url": "https://mm.example.com"}, "store": {"path": "s.db"}})";
    std::map<std::string, std::string> env{{"SLACK_APP_TOKEN", app_token},
                                           {"SLACK_BOT_TOKEN", bot_token},
                                           {"MATTERMOST_TOKEN", mm_token},
                                           {"SPDLOG_LEVEL", "trace"}};
    auto check = run_to_end(coolhead_binary(), {"check-config", dir / "s.json"}, "", env);
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_NE(check.out.find("[redacted]"), std::string::npos);
    auto console = run_to_end(coolhead_binary(), {"console", "--config", dir / "s.json", "--clock", "simulated"},
                              "/incident start Search is slow\n/incident note hello\n", env);
    EXPECT_EQ(console.exit_code, 0) << console.err;
    EXPECT_NE(console.err.find("event=handled"), std::string::npos) << "trace logging was on";
    for (auto const* out : {&check.out, &check.err, &console.out, &console.err})
        for (auto const& secret : {app_token, bot_token, mm_token}) {
            EXPECT_EQ(out->find(secret), std::string::npos) << "a token reached the output";
            EXPECT_EQ(out->find(secret.substr(5, 12)), std::string::npos) << "part of a token reached the output";
        }
}

} // namespace
} // namespace coolhead::testing

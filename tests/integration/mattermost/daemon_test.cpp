// The real binary against the fake Mattermost, set up the way an operator would: a config file
// (server URL, CA, callback listen address, tokens file) and MATTERMOST_TOKEN in the
// environment. `coolhead mattermost setup` registers the four commands and writes their tokens;
// `coolhead run` then takes the shipped drill's commands from start to publish, stops cleanly on
// SIGTERM, and, started again on the same store, still knows the call and its follow-ups.
#include "tests/integration/mattermost/mattermost_harness.hpp"
#include "tests/support/drill_script.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wait.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

namespace coolhead::mattermost_it {
namespace {

using testing::child_process;
using testing::fake_mattermost;
using coolhead::test::wait_until;

/// A loopback port nobody listens on right now (the daemon binds it a moment later).
std::uint16_t free_port()
{
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

struct drill_command {
    std::string who;
    std::string command;
    std::string text;
};

/// The slash commands of the shipped drill with their speakers (messages, pins and waits need
/// the simulated clock and the websocket: the in-process drill tests play those).
std::vector<drill_command> drill_commands()
{
    std::vector<drill_command> out;
    for (auto const& s : test::read_drill(test::read_text_file(test::shipped_drill_path())))
        if (s.what == test::drill_step::kind::command) out.push_back({s.who, s.command, s.text});
    return out;
}

testing::command_result invoke(fake_mattermost& mm, drill_command const& c)
{
    testing::command_invocation inv;
    inv.command = c.command;
    inv.text = c.text;
    inv.user_id = mm.user_id(c.who);
    inv.timeout = 10s;
    return mm.invoke_command(inv);
}

bool exited_cleanly(std::optional<int> status) { return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0; }

TEST(mattermost_daemon, setup_then_run_takes_the_drill_from_start_to_publish_and_survives_a_restart)
{
    fake_mattermost mm(fast_fake());
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("coolhead-mm-daemon-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    auto config = (dir / "coolhead.json").string();
    auto port = free_port();
    {
        nlohmann::json c = {
            {"mattermost",
             {{"enabled", true},
              {"url", mm.server_url()},
              {"ca_file", mm.ca_file()},
              {"listen", "127.0.0.1:" + std::to_string(port)},
              {"command_tokens_file", (dir / "tokens.json").string()}}},
            {"store", {{"path", (dir / "coolhead.db").string()}}},
            {"log", {{"level", "warn"}}},
        };
        std::ofstream(config) << c.dump(2);
    }
    std::map<std::string, std::string> const env{{"MATTERMOST_TOKEN", mm.options().bot_token}};
    auto const binary = std::string(COOLHEAD_BINARY_DIR) + "/coolhead";

    auto setup = testing::run_to_end(binary, {"mattermost", "setup", "--config", config, "--team", mm.options().team_name}, "", env);
    ASSERT_EQ(setup.exit_code, 0) << setup.out << setup.err;
    ASSERT_EQ(mm.commands().size(), 4u);
    for (auto const& c : mm.commands()) EXPECT_EQ(c.url, "http://127.0.0.1:" + std::to_string(port) + "/mattermost/command");
    ASSERT_TRUE(std::filesystem::exists(dir / "tokens.json"));

    auto commands = drill_commands();
    ASSERT_EQ(commands.size(), 24u);
    {
        child_process bot(binary, {"run", "--config", config}, env);
        ASSERT_TRUE(mm.wait_for_connections(1, 10s)) << bot.read_some(100ms);
        // The callback listener may come up a moment after the websocket.
        testing::command_result first;
        ASSERT_TRUE(wait_until(
            [&] {
                first = invoke(mm, commands[0]);
                return first.status == 200;
            },
            10s))
            << first.error;
        EXPECT_NE(plain(first.text).find("INC-1"), std::string::npos) << first.text;
        for (std::size_t i = 1; i < commands.size(); ++i) {
            auto r = invoke(mm, commands[i]);
            ASSERT_EQ(r.status, 200u) << commands[i].command << " " << commands[i].text << ": " << r.error;
            EXPECT_FALSE(r.text.empty()) << commands[i].command << " " << commands[i].text;
        }
        // The outbox paces the channel: the post-mortem may wait its turn for a few seconds.
        auto published = [&] {
            for (auto const& p : mm.bot_posts(mm.incident_channel()))
                if (plain(p.message).find("INC-1 is closed") != std::string::npos) return true;
            return false;
        };
        if (!wait_until(published, 60s)) {
            bot.kill(SIGTERM);
            bot.wait(15s);
            FAIL() << "no post-mortem posted\n" << bot.err();
        }
        bot.kill(SIGTERM);
        auto status = bot.wait(15s);
        EXPECT_TRUE(exited_cleanly(status)) << bot.err();
        EXPECT_EQ(bot.err().find(mm.options().bot_token), std::string::npos);
    }
    {
        child_process bot(binary, {"run", "--config", config}, env);
        testing::command_result r;
        ASSERT_TRUE(wait_until(
            [&] {
                r = invoke(mm, {"alice", "/incident", "followups"});
                return r.status == 200;
            },
            10s));
        auto text = plain(r.text);
        for (std::string_view part : {"INC-1", "OPS-101", "OPS-102", "Route config pushes through UAT"})
            EXPECT_NE(text.find(part), std::string::npos) << part << " in " << text;
        bot.kill(SIGTERM);
        EXPECT_TRUE(exited_cleanly(bot.wait(15s))) << bot.err();
    }
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace coolhead::mattermost_it

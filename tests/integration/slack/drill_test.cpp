// The shipped drill (config/drills/checkout-outage.txt) played through the fake Slack as five
// people: in-process, its published post-mortem compared with the one the real `coolhead
// console` publishes for the same script (the same words in the same order, apart from
// markup); and against the real `coolhead run` daemon, configured only through its config file
// and environment, from start to publish, a SIGTERM, and a restart that still knows the call.
#include "tests/integration/slack/slack_harness.hpp"
#include "tests/support/drill_script.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wait.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace coolhead::slack_it {
namespace {

using namespace coolhead::testing;
using coolhead::test::wait_until;

constexpr char const* incident_channel = "C0INCIDENT1";
constexpr std::int64_t drill_start_s = 1'795'402'800; // 2026-11-23T03:00:00Z, the harness's clock

std::map<std::string, std::string> const ids{
    {"alice", "U0ALICE"}, {"bob", "U0BOB"}, {"carol", "U0CAROL"}, {"dana", "U0DANA"}, {"erin", "U0ERIN"}};

/// `@name` as Slack sends it in a slash command with should_escape on: `<@U…|name>`.
std::string slack_mentions(std::string text)
{
    for (auto const& [name, id] : ids) {
        std::string const at = "@" + name;
        for (auto p = text.find(at); p != std::string::npos; p = text.find(at, p + 1)) {
            auto end = p + at.size();
            if (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) continue;
            text.replace(p, at.size(), "<@" + id + "|" + name + ">");
        }
    }
    return text;
}

/// Plays a console drill script through the fake Slack: slash commands as envelopes (acked
/// before the next line), messages as message events with a ts at the script's time, `:pin` as
/// a 📌 on the last message, `:wait` handed to `on_wait` (the simulated clock, or nothing).
void play(fake_slack& slack, std::string const& script, std::function<void(commands::duration)> const& on_wait)
{
    std::int64_t now_s = drill_start_s;
    int seq = 0;
    std::string last_ts, last_author;
    for (auto const& step : test::read_drill(script)) {
        std::string envelope;
        switch (step.what) {
        case test::drill_step::kind::wait:
            on_wait(step.wait);
            now_s += std::chrono::duration_cast<std::chrono::seconds>(step.wait).count();
            continue;
        case test::drill_step::kind::pin:
            envelope = slack.newest().reaction_event(true, "pushpin", incident_channel, last_ts, ids.at(step.who), last_author);
            break;
        case test::drill_step::kind::command:
            envelope = slack.newest().slash_command(step.command, slack_mentions(step.text), incident_channel, ids.at(step.who), step.who);
            break;
        case test::drill_step::kind::message: {
            message_event_args m;
            m.user = ids.at(step.who);
            m.text = step.text;
            m.ts = std::to_string(now_s) + "." + std::to_string(100000 + ++seq);
            last_ts = m.ts;
            last_author = m.user;
            envelope = slack.newest().message_event(m);
            break;
        }
        }
        if (!slack.wait_for_ack(envelope, 10s)) throw std::runtime_error("no ack for: " + step.line);
    }
}

/// The fake with the people of the drill, known to users.info by the names the console uses.
fake_slack_options drill_fake()
{
    auto fake = fast_fake();
    fake.users.clear();
    for (auto const& [name, id] : ids) fake.users.push_back({id, name, name, name, false});
    fake.users.push_back({"U0FAKEBOT", "coolhead", "coolhead", "coolhead", true});
    return fake;
}

/// The words of a post-mortem without its markup: entities decoded, Slack user mentions as
/// `@name`, emphasis, code, list, table and heading markers dropped, then split on spaces.
std::vector<std::string> words(std::string text)
{
    static std::regex const mention("<@(U[A-Z0-9]+)(\\|[^>]*)?>");
    std::string named;
    auto it = std::sregex_iterator(text.begin(), text.end(), mention);
    std::size_t at = 0;
    for (; it != std::sregex_iterator(); ++it) {
        named += text.substr(at, static_cast<std::size_t>(it->position()) - at);
        std::string name = (*it)[1];
        for (auto const& [n, id] : ids)
            if (id == name) name = n;
        named += "@" + name;
        at = static_cast<std::size_t>(it->position() + it->length());
    }
    named += text.substr(at);
    for (auto [from, to] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
        for (auto p = named.find(from); p != std::string::npos; p = named.find(from, p + std::string_view(to).size()))
            named.replace(p, std::string_view(from).size(), to);
    for (std::string_view mark : {"\xE2\x80\xA2", "\xE2\x97\xA6", "\xC2\xB7", "\xE2\x80\x94"}) // • ◦ · —
        for (auto p = named.find(mark); p != std::string::npos; p = named.find(mark))
            named.replace(p, mark.size(), " ");
    for (char& c : named)
        if (c == '*' || c == '_' || c == '`' || c == '|' || c == '\\' || c == '\n') c = ' ';
    std::vector<std::string> out;
    std::istringstream in(named);
    for (std::string w; in >> w;) {
        if (w.find_first_not_of("#-:") == std::string::npos) continue; // heading, list, table rule
        out.push_back(w);
    }
    return out;
}

/// Slack's published post-mortem: its messages from the heading to the closing notice.
std::string slack_post_mortem(fake_slack const& slack)
{
    std::string out;
    bool in = false;
    for (auto const& m : slack.messages(incident_channel)) {
        if (!in && m.text.starts_with("*Post-mortem: INC-1")) in = true;
        else if (in && m.text.find("is closed and its post-mortem is published") != std::string::npos) break;
        if (in) out += m.text + "\n";
    }
    return out;
}

std::string window(std::vector<std::string> const& w, std::size_t at)
{
    std::string out;
    for (auto i = at > 8 ? at - 8 : 0; i < std::min(w.size(), at + 8); ++i) out += (i == at ? "[" + w[i] + "]" : w[i]) + " ";
    return out;
}

TEST(slack_call, the_drill_gives_the_same_post_mortem_as_the_console)
{
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() /
               ("coolhead-slack-drill-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    auto out_file = dir / "console.out";
    auto cmd = std::string(COOLHEAD_BINARY_DIR) + "/coolhead console --clock simulated --start 2026-11-23T03:00:00Z --store '" +
               (dir / "drill.db").string() + "' --as alice --channel ops < '" + test::shipped_drill_path() + "' > '" + out_file.string() +
               "' 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto console = test::console_post_mortem(test::read_text_file(out_file.string()));
    std::filesystem::remove_all(dir);
    ASSERT_FALSE(console.empty()) << "the console published no post-mortem";

    harness h({}, drill_fake());
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    play(h.slack, test::read_text_file(test::shipped_drill_path()), [&](commands::duration d) { h.advance(d); });
    ASSERT_TRUE(wait_until([&] { return slack_post_mortem(h.slack).find("Total:") != std::string::npos; }, 10s))
        << slack_post_mortem(h.slack) << "\n--- console ---\n"
        << console;
    auto slack = slack_post_mortem(h.slack);

    auto a = words(console), b = words(slack);
    if (std::getenv("COOLHEAD_DRILL_DUMP")) std::fprintf(stderr, "%s\n---\n%s\n%zu words\n", console.c_str(), slack.c_str(), a.size());
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    EXPECT_EQ(i, a.size()) << "console: " << window(a, i) << "\nslack:   " << window(b, i) << "\n--- console ---\n"
                           << console << "\n--- slack ---\n"
                           << slack;
    EXPECT_EQ(a.size(), b.size());
    EXPECT_GE(a.size(), 300u) << "a whole post-mortem";
}

// `coolhead run` against the fake Slack, set up the way an operator would: a config file naming
// the API URL and the CA, tokens in the environment. The whole drill (waits skipped: the daemon
// runs on the real clock), then SIGTERM: exit 0, links closed going away. Started again on the
// same store, it still knows the call and its follow-ups.
TEST(slack_daemon, coolhead_run_completes_the_drill_against_the_fake_slack)
{
    fake_slack slack(drill_fake());
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() /
               ("coolhead-slack-daemon-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    auto config = (dir / "coolhead.json").string();
    {
        nlohmann::json c = {
            {"slack", {{"enabled", true}, {"api_url", slack.api_base_url()}, {"ca_file", slack.ca_file()}, {"connections", 1}}},
            {"store", {{"path", (dir / "coolhead.db").string()}}},
            {"log", {{"level", "warn"}}},
        };
        std::ofstream(config) << c.dump(2);
    }
    std::map<std::string, std::string> const env{{"SLACK_APP_TOKEN", slack.options().app_token},
                                                 {"SLACK_BOT_TOKEN", slack.options().bot_token}};
    auto const binary = std::string(COOLHEAD_BINARY_DIR) + "/coolhead";
    {
        child_process bot(binary, {"run", "--config", config}, env);
        ASSERT_TRUE(slack.wait_for_open_connections(1, 10s)) << bot.read_some(100ms);
        ASSERT_TRUE(wait_until([&] { return slack.links().size() == 1 && slack.links()[0].hello_sent; }, 10s));
        try {
            play(slack, test::read_text_file(test::shipped_drill_path()), [](commands::duration) {});
        } catch (std::exception const& e) {
            bot.kill(SIGTERM);
            bot.wait(15s);
            FAIL() << e.what() << "\n" << bot.err();
        }
        // The outbox keeps to about a message a second per channel: the post-mortem waits its turn.
        if (!wait_until([&] { return slack_post_mortem(slack).find("Total:") != std::string::npos; }, 60s)) {
            bot.kill(SIGTERM);
            bot.wait(15s);
            FAIL() << "no post-mortem posted\n" << bot.err();
        }
        auto pm = words(slack_post_mortem(slack));
        EXPECT_GE(pm.size(), 300u);
        std::size_t acked = 0;
        for (auto const& a : slack.acks()) acked += a.payload ? 1u : 0u;
        EXPECT_GE(acked, 24u) << "every slash command answered in its ack";
        bot.kill(SIGTERM);
        auto status = bot.wait(15s);
        ASSERT_TRUE(status) << "still running 15 s after SIGTERM";
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status << "\n" << bot.err();
        EXPECT_TRUE(slack.wait_for_open_connections(0, 5s));
        EXPECT_EQ(bot.err().find(slack.options().bot_token), std::string::npos);
        EXPECT_EQ(bot.err().find(slack.options().app_token), std::string::npos);
    }
    {
        child_process bot(binary, {"run", "--config", config}, env);
        ASSERT_TRUE(wait_until([&] { return slack.open_connections() == 1 && slack.newest().info().hello_sent; }, 10s));
        auto id = slack.newest().slash_command("/incident", "followups", incident_channel, "U0ALICE", "alice");
        auto a = slack.wait_for_ack(id, 10s);
        ASSERT_TRUE(a);
        ASSERT_TRUE(a->payload);
        auto text = a->payload->value("text", std::string{});
        for (std::string_view part : {"INC-1", "OPS-101", "OPS-102", "Route config pushes through UAT"})
            EXPECT_NE(text.find(part), std::string::npos) << part << " in " << text;
        bot.kill(SIGTERM);
        auto status = bot.wait(15s);
        ASSERT_TRUE(status);
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << bot.err();
    }
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace coolhead::slack_it

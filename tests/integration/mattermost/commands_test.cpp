// The command endpoint of the Mattermost adapter, driven by the fake as Mattermost: tokens,
// answers (JSON, response types, skip_slack_parsing, extra_responses, the deadline), requests
// that are not commands, redeliveries, store failures; no secret in the log; and `coolhead
// mattermost setup` against the fake. PROTOCOLS.md section 4, items 12, 21, 22, 24, 25, 26.
#include "bot/adapters/mattermost/markdown.hpp"
#include "bot/adapters/mattermost/setup.hpp"
#include "bot/log/log.hpp"
#include "bot/net/tls.hpp"
#include "tests/integration/mattermost/mattermost_harness.hpp"
#include "tests/support/wait.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace coolhead::mattermost_it {
namespace {

using testing::command_result;
using testing::fake_mattermost;
using coolhead::test::wait_until;

template <class E>
std::size_t count_events(std::vector<commands::event> const& events)
{
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [](auto const& e) { return std::holds_alternative<E>(e.what); }));
}

/// Every JSON answer is well formed: 200, application/json, response_type, skip_slack_parsing.
void expect_json_answer(command_result const& r, std::string const& type)
{
    ASSERT_EQ(r.status, 200u) << r.error << " " << r.body;
    EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
    ASSERT_TRUE(r.json && r.json->is_object()) << r.body;
    EXPECT_EQ(r.response_type, type) << r.body;
    EXPECT_TRUE(r.skip_slack_parsing) << r.body;
}

/// Percent-encodes every byte but unreserved ones (how a secret would look in a query).
std::string url_encoded(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
            c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::filesystem::path scratch()
{
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("coolhead-mm-setup-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    return dir;
}

} // namespace

// Checklist 21, 22, 12: a command with its token is answered 200 JSON (in_channel for a public
// reply) with skip_slack_parsing, only after its events are stored, well within 2 s. The
// in_channel answer comes back as a post by the invoking user, which is not a command.
TEST(mattermost_commands, a_command_is_answered_in_json_after_its_events_are_stored_within_2s)
{
    harness h;
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    h.delay_commits(1, 300ms);
    auto before = std::chrono::steady_clock::now();
    auto r = h.command(h.mm.alice(), "/incident", "start Checkout fails for EU customers sev=2");
    auto after = std::chrono::steady_clock::now();
    expect_json_answer(r, "in_channel");
    EXPECT_NE(plain(r.text).find("INC-1 declared"), std::string::npos) << r.text;
    EXPECT_LT(r.elapsed, 2s) << "the fake measured the answer";
    EXPECT_GE(r.elapsed, 300ms) << "the answer waited for the store";
    auto c = h.committed("mattermost:trg:" + r.trigger_id);
    ASSERT_TRUE(c) << "stored under its trigger_id";
    EXPECT_GT(c->done_at, before);
    EXPECT_LT(c->done_at, after);
    EXPECT_FALSE(r.created_post_id.empty()) << "Mattermost posted the in_channel answer";
    EXPECT_EQ(count_events<commands::incident_started>(h.events(1)), 1u);

    // Its `posted` event (from alice, from a webhook) is not taken for a message or a command.
    auto marker = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), "marker");
    ASSERT_TRUE(wait_until([&] { return !h.deliveries("message").empty(); }));
    auto messages = h.deliveries("message");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].delivery_id, "post:" + marker.id);
    EXPECT_EQ(h.deliveries("command").size(), 1u);

    // The other three commands have their own tokens.
    for (auto const* cmd : {"/rootcause", "/mitigation", "/postmortem"}) {
        auto x = h.command(h.mm.user_id("bob"), cmd, "help");
        expect_json_answer(x, "ephemeral");
    }
}

// Checklist 21: the token is checked (in constant time: tokens_match); a forged token, another
// command's token, a forged Authorization header or no configured tokens at all are refused with
// 401 and a log line, and nothing reaches the app.
TEST(mattermost_commands, a_forged_token_is_refused_with_401_and_a_log_line)
{
    harness h;
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    auto forged = h.invocation(h.mm.alice(), "/incident", "start forged");
    forged.token = "forgedtokenforgedtoken0001";
    auto r1 = h.mm.invoke_command(forged);
    EXPECT_EQ(r1.status, 401u) << r1.body;

    auto crossed = h.invocation(h.mm.alice(), "/incident", "start crossed");
    crossed.token = h.token_for("rootcause");
    auto r2 = h.mm.invoke_command(crossed);
    EXPECT_EQ(r2.status, 401u) << "one command's token does not open another";

    auto header = h.invocation(h.mm.alice(), "/incident", "start header");
    header.authorization = "Token forgedtokenforgedtoken0002";
    auto r3 = h.mm.invoke_command(header);
    EXPECT_EQ(r3.status, 401u) << "the Authorization header must match too";

    auto unknown = h.invocation(h.mm.alice(), "/deploy", "now");
    unknown.token = h.token_for("incident");
    auto r4 = h.mm.invoke_command(unknown);
    EXPECT_EQ(r4.status, 401u) << "no token for /deploy";

    EXPECT_EQ(h.log_count("event=mattermost_command_refused"), 4u) << h.logs();
    EXPECT_TRUE(h.deliveries().empty());
    EXPECT_TRUE(h.commits().empty());

    auto good = h.command(h.mm.alice(), "/incident", "start the real one");
    expect_json_answer(good, "in_channel");
    EXPECT_EQ(h.deliveries().size(), 1u);
}

TEST(mattermost_commands, without_configured_tokens_every_command_is_refused)
{
    tuning t;
    t.command_tokens = false;
    harness h(t);
    EXPECT_TRUE(h.wait_for_log("event=mattermost_no_command_tokens"));
    auto r = h.command(h.mm.alice(), "/incident", "start anything");
    EXPECT_EQ(r.status, 401u);
    EXPECT_TRUE(h.deliveries().empty());
}

// Requests that are not slash commands are answered plainly and never reach the app.
TEST(mattermost_commands, wrong_content_type_bad_forms_and_unknown_paths_or_methods_are_answered_plainly)
{
    harness h;
    auto json = h.invocation(h.mm.alice(), "/incident", "status");
    json.content_type = "application/json";
    EXPECT_EQ(h.mm.invoke_command(json).status, 415u);

    auto none = h.invocation(h.mm.alice(), "/incident", "status");
    none.content_type = "";
    EXPECT_EQ(h.mm.invoke_command(none).status, 415u);

    auto garbage = h.invocation(h.mm.alice(), "/incident", "status");
    garbage.raw_body = "token=%zz&command=%2Fincident";
    EXPECT_EQ(h.mm.invoke_command(garbage).status, 400u);

    auto missing = h.invocation(h.mm.alice(), "/incident", "status");
    missing.raw_body = "text=status";
    EXPECT_EQ(h.mm.invoke_command(missing).status, 400u);

    auto get = h.invocation(h.mm.alice(), "/incident", "status");
    get.method = "G";
    EXPECT_EQ(h.mm.invoke_command(get).status, 405u);

    auto elsewhere = h.invocation(h.mm.alice(), "/incident", "status");
    elsewhere.callback_url = h.callback_url() + "/other";
    EXPECT_EQ(h.mm.invoke_command(elsewhere).status, 404u);

    auto huge = h.invocation(h.mm.alice(), "/incident", "status");
    huge.raw_body = std::string(600u << 10, 'a');
    auto r = h.mm.invoke_command(huge);
    EXPECT_TRUE(r.status == 413u || r.status == 400u) << r.status << " " << r.error;

    EXPECT_TRUE(h.deliveries().empty());
    EXPECT_EQ(h.log_count("event=mattermost_command_malformed"), 2u);
    EXPECT_EQ(h.logs().find("%zz"), std::string::npos) << "bodies are not logged";
}

// Checklist 24, 25: a private reply is an ephemeral answer; one longer than a post is split
// into extra_responses, each under the limit and each ephemeral with skip_slack_parsing.
TEST(mattermost_commands, a_private_reply_is_ephemeral_and_a_long_one_is_split_into_extra_responses)
{
    tuning t;
    t.message_limit = mattermost::min_split_limit; // 1000 runes
    harness h(t);
    expect_json_answer(h.command(h.mm.alice(), "/incident", "start Checkout fails"), "in_channel");
    for (int i = 0; i < 12; ++i) {
        auto n = h.command(h.mm.bob(), "/incident",
                           "note step " + std::to_string(i) + ": ünïcode ✓ checked the pool, the replicas and the config pushes of the night");
        ASSERT_EQ(n.status, 200u);
    }
    auto r = h.command(h.mm.alice(), "/postmortem", "");
    expect_json_answer(r, "ephemeral");
    auto texts = answer_texts(r);
    ASSERT_GE(texts.size(), 2u) << r.body;
    std::string all;
    for (auto const& x : texts) {
        EXPECT_LE(mattermost::rune_count(x), 1000u);
        EXPECT_FALSE(x.empty());
        all += x + "\n";
    }
    for (auto const& e : r.json->at("extra_responses")) {
        EXPECT_EQ(e.value("response_type", ""), "ephemeral");
        EXPECT_TRUE(e.value("skip_slack_parsing", false));
    }
    for (int i = 0; i < 12; ++i) EXPECT_NE(plain(all).find("step " + std::to_string(i) + ":"), std::string::npos) << i;
    EXPECT_TRUE(h.mm.post_attempts().size() <= 2u) << "the preview itself is not posted";
}

// A redelivered command (same trigger_id) gets the same answer and changes nothing, also when
// both arrive at once.
TEST(mattermost_commands, the_same_trigger_id_twice_gets_the_same_answer_and_is_applied_once)
{
    harness h;
    expect_json_answer(h.command(h.mm.alice(), "/incident", "start Checkout fails"), "in_channel");
    auto first = h.command(h.mm.bob(), "/incident", "note the pool is full");
    expect_json_answer(first, "in_channel");
    auto again = h.invocation(h.mm.bob(), "/incident", "note the pool is full");
    again.trigger_id = first.trigger_id;
    auto second = h.mm.invoke_command(again);
    expect_json_answer(second, "in_channel");
    EXPECT_EQ(second.text, first.text);
    EXPECT_EQ(count_events<commands::note_added>(h.events(1)), 1u);

    // Two at once, with a slow store: both answered alike, applied once.
    h.delay_commits(1, 300ms);
    auto racing = h.invocation(h.mm.user_id("carol"), "/incident", "note racing");
    racing.trigger_id = "racingtrigger";
    auto f1 = h.mm.start_command(racing);
    auto f2 = h.mm.start_command(racing);
    auto a = f1.get(), b = f2.get();
    ASSERT_EQ(a.status, 200u);
    ASSERT_EQ(b.status, 200u);
    EXPECT_EQ(a.text, b.text);
    auto events = h.events(1);
    EXPECT_EQ(count_events<commands::note_added>(events), 2u);
}

// Durability: when the store fails the answer says nothing was recorded (privately), and
// nothing was.
TEST(mattermost_commands, a_store_failure_is_answered_with_nothing_recorded)
{
    harness h;
    h.fail_commits(1);
    auto r = h.command(h.mm.alice(), "/incident", "start Checkout fails");
    expect_json_answer(r, "ephemeral");
    EXPECT_NE(r.text.find("couldn't record that"), std::string::npos) << r.text;
    EXPECT_TRUE(h.events(1).empty());
    EXPECT_TRUE(r.created_post_id.empty());
    auto retry = h.command(h.mm.alice(), "/incident", "start Checkout fails");
    expect_json_answer(retry, "in_channel");
    EXPECT_EQ(count_events<commands::incident_started>(h.events(1)), 1u);
}

// Checklist 21: the server waits 30 s at most. A store slower than reply_timeout gets an
// answer in time that says the command is being recorded; the real reply follows as a post
// once stored, and the command still counts once.
TEST(mattermost_commands, a_slow_store_is_answered_before_the_reply_timeout_and_the_reply_follows)
{
    tuning t;
    t.reply_timeout = 500ms;
    harness h(t);
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    h.delay_commits(1, 1500ms);
    auto r = h.command(h.mm.alice(), "/incident", "start Checkout fails");
    expect_json_answer(r, "ephemeral");
    EXPECT_LT(r.elapsed, 1200ms);
    EXPECT_GE(r.elapsed, 450ms);
    ASSERT_TRUE(wait_until([&] {
        for (auto const& p : h.mm.bot_posts(h.mm.incident_channel()))
            if (plain(p.message).find("INC-1 declared") != std::string::npos) return true;
        return false;
    }));
    EXPECT_EQ(count_events<commands::incident_started>(h.events(1)), 1u);
}

// Checklist 26: with every logger at trace, connecting, commands (good and forged), REST errors,
// a 429, reconnects (resume and a new connection id) and stopping leave no bot token, command
// token, response_url or resume credential in the log, raw or URL-encoded.
TEST(mattermost_redaction, no_token_or_response_url_reaches_the_log_even_at_trace)
{
    tuning t;
    t.log_level = "trace";
    harness h(t);
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    std::vector<command_result> results;
    results.push_back(h.command(h.mm.alice(), "/incident", "start Checkout fails"));
    auto forged = h.invocation(h.mm.alice(), "/incident", "status");
    forged.token = "forgedtokenforgedtoken0003";
    results.push_back(h.mm.invoke_command(forged));
    EXPECT_EQ(results.back().status, 401u);
    results.push_back(h.command(h.mm.bob(), "/rootcause", "the pool"));
    h.mm.fail_next("/api/v4/posts", 1, 500);
    h.mm.rate_limit_next("/api/v4/posts", 1, 1s);
    results.push_back(h.command(h.mm.alice(), "/incident", "note pool full"));
    h.mm.post_message(h.mm.incident_channel(), h.mm.user_id("erin"), "user error");
    ASSERT_TRUE(h.mm.wait_for_bot_posts(h.mm.incident_channel(), 2, 5s));
    ASSERT_TRUE(wait_until([&] { return !h.connection_id().empty(); })) << "the hello arrived";
    auto first_id = h.connection_id();
    h.mm.newest().drop();
    ASSERT_TRUE(h.mm.wait_for_connections(2));
    h.mm.server_restart();
    ASSERT_TRUE(h.mm.wait_for_connections(3));
    ASSERT_TRUE(wait_until([&] { return h.resyncs() == 1; }));
    h.stop();

    auto logs = h.logs();
    EXPECT_NE(logs.find("event=mattermost_rate_limited"), std::string::npos) << "the errors happened";
    EXPECT_NE(logs.find("event=mattermost_command_refused"), std::string::npos);
    EXPECT_NE(logs.find("event=mattermost_resync"), std::string::npos);
    std::vector<std::string> secrets{h.mm.options().bot_token, "forgedtokenforgedtoken0003", first_id};
    for (auto const* trigger : {"incident", "rootcause", "mitigation", "postmortem"}) secrets.push_back(h.token_for(trigger));
    for (auto const& r : results) {
        secrets.push_back(r.response_url);
        secrets.push_back(r.response_url.substr(r.response_url.rfind('/') + 1)); // the hook id
    }
    for (auto const& c : h.mm.connections())
        if (!c.connection_id.empty()) secrets.push_back(c.connection_id); // an unfinished upgrade has none
    for (auto const& s : secrets) {
        ASSERT_FALSE(s.empty()) << "secret " << (&s - secrets.data());
        EXPECT_EQ(logs.find(s), std::string::npos) << "in the log: " << s;
        EXPECT_EQ(logs.find(url_encoded(s)), std::string::npos) << "in the log, URL-encoded: " << s;
    }
}

// `coolhead mattermost setup`: with manage_slash_commands the four commands are registered for
// the team (looked up by name) and their tokens written to a file only the owner can read; a
// second run finds them and registers nothing. Without the permission it says so with the
// manual steps.
TEST(mattermost_setup, registers_the_four_commands_writes_their_tokens_owner_only_and_reuses_them)
{
    fake_mattermost mm(fast_fake());
    auto tls = net::make_tls_client_context(net::tls_settings{.ca_file = mm.ca_file()});
    auto server = net::parse_endpoint(mm.server_url());
    ASSERT_TRUE(server);
    mattermost::setup_request req{*server, log::secret(mm.options().bot_token), "acme", "https://bot.example.com/mattermost/command"};
    boost::asio::io_context ioc;
    auto first = test::run(ioc, mattermost::register_commands(ioc.get_executor(), tls, req, log::component("mattermost")));
    ASSERT_TRUE(first.ok) << first.report;
    ASSERT_EQ(first.tokens.size(), 4u);
    auto registered = mm.commands();
    ASSERT_EQ(registered.size(), 4u);
    for (auto const& c : registered) {
        EXPECT_EQ(c.url, req.callback_url);
        EXPECT_EQ(c.team_id, mm.options().team_id);
        ASSERT_TRUE(first.tokens.contains(c.trigger)) << c.trigger;
        EXPECT_EQ(first.tokens.at(c.trigger).reveal(), c.token);
        EXPECT_EQ(first.report.find(c.token), std::string::npos) << "no token in the report";
    }

    auto dir = scratch();
    auto file = dir / "tokens.json";
    ASSERT_FALSE(mattermost::write_tokens_file(file, first.tokens));
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto back = mattermost::read_tokens_file(file);
    ASSERT_FALSE(back.error);
    ASSERT_EQ(back.tokens.size(), 4u);
    for (auto const& [trigger, token] : first.tokens) EXPECT_EQ(back.tokens.at(trigger).reveal(), token.reveal());

    auto second = test::run(ioc, mattermost::register_commands(ioc.get_executor(), tls, req, log::component("mattermost")));
    ASSERT_TRUE(second.ok) << second.report;
    EXPECT_EQ(mm.command_registrations().size(), 4u) << "nothing registered twice";
    EXPECT_EQ(mm.commands().size(), 4u);
    for (auto const& [trigger, token] : first.tokens) EXPECT_EQ(second.tokens.at(trigger).reveal(), token.reveal());
    EXPECT_NE(second.report.find("already registered"), std::string::npos) << second.report;
    std::filesystem::remove_all(dir);
}

TEST(mattermost_setup, without_the_permission_it_fails_with_the_manual_steps)
{
    auto o = fast_fake();
    o.can_manage_slash_commands = false;
    fake_mattermost mm(o);
    auto tls = net::make_tls_client_context(net::tls_settings{.ca_file = mm.ca_file()});
    auto server = net::parse_endpoint(mm.server_url());
    ASSERT_TRUE(server);
    mattermost::setup_request req{*server, log::secret(mm.options().bot_token), mm.options().team_id,
                                  "https://bot.example.com/mattermost/command"};
    boost::asio::io_context ioc;
    auto r = test::run(ioc, mattermost::register_commands(ioc.get_executor(), tls, req, log::component("mattermost")));
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.tokens.empty());
    EXPECT_NE(r.report.find("manage_slash_commands"), std::string::npos) << r.report;
    EXPECT_NE(r.report.find(mattermost::manual_steps(req.callback_url)), std::string::npos) << r.report;
    EXPECT_TRUE(mm.commands().empty());
}

} // namespace coolhead::mattermost_it

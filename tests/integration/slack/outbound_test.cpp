// What the adapter sends: Web API errors by class, 429 with Retry-After, per-channel pacing and
// order, escaping (no mass mention, no link, no link_names/parse), no secret in the log, and a
// whole incident call from /incident start to /postmortem publish through the fake Slack.
// PROTOCOLS.md section 4, items 8, 9, 10, 11, 12, 23, 26.
#include "tests/integration/slack/slack_harness.hpp"
#include "tests/support/wait.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>

namespace coolhead::slack_it {
namespace {

using namespace coolhead::testing;
using coolhead::test::wait_until;
using std::chrono::duration_cast;

constexpr char const* incident_channel = "C0INCIDENT1";

milliseconds ms_between(steady_time a, steady_time b)
{
    return duration_cast<milliseconds>(b - a);
}

commands::outbound notice(std::string const& channel, std::string const& text)
{
    commands::outbound m;
    m.channel = {channel, ""};
    m.to = commands::visibility::everyone;
    m.kind = commands::message_kind::announcement;
    m.body = commands::markup::document{{commands::markup::paragraph{{commands::markup::t(text)}}}};
    return m;
}

std::vector<std::string> texts(std::vector<posted_message> const& ms)
{
    std::vector<std::string> out;
    for (auto const& m : ms)
        out.push_back(m.text);
    return out;
}

/// Percent-encodes every byte but unreserved ones (how a secret would look in a query).
std::string url_encoded(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

/// Checks every text the bot sent: no `<!…>` (mass mention), no `<http…>` link markup, no
/// link_names or parse, and `<@…>` only as a bare user id.
void expect_safe(fake_slack const& slack)
{
    static std::regex const mention{"<@([^>]*)>"};
    for (auto const& raw : everything_sent(slack)) {
        EXPECT_EQ(raw.find("<!"), std::string::npos) << raw;
        EXPECT_EQ(raw.find("<http"), std::string::npos) << raw;
        EXPECT_EQ(raw.find("<mailto"), std::string::npos) << raw;
        for (std::sregex_iterator it(raw.begin(), raw.end(), mention), end; it != end; ++it)
            EXPECT_TRUE(std::regex_match((*it)[1].str(), std::regex{"U0[A-Z]+"})) << raw;
    }
    for (auto const& m : slack.all_messages()) {
        EXPECT_FALSE(m.params.contains("link_names")) << m.body;
        EXPECT_FALSE(m.params.contains("parse")) << m.body;
        EXPECT_NE(m.method, "response_url") << "the adapter posts through the Web API only";
    }
}

} // namespace

// Checklist 8: `ok` is read on every reply. A rejected request is dropped with Slack's code in
// the log; a transient error or an unreadable reply is retried; a refused token is dropped with
// an operator line. Order in the channel is kept throughout.
TEST(slack_web_api, errors_are_logged_with_slacks_code_and_dropped_or_retried_by_class)
{
    harness h;
    std::string const ch = "C0WEB1";
    h.slack.fail_next("chat.postMessage", 1, "channel_not_found");
    h.post(notice(ch, "one (rejected)"));
    h.post(notice(ch, "two"));
    ASSERT_TRUE(h.slack.wait_for_messages(1, 5s, ch));
    h.slack.fail_next("chat.postMessage", 1, "internal_error");
    h.post(notice(ch, "three (after internal_error)"));
    ASSERT_TRUE(h.slack.wait_for_messages(2, 5s, ch));
    h.slack.status_next("chat.postMessage", 1, 502, "<html>bad gateway</html>");
    h.post(notice(ch, "four (after a 502)"));
    ASSERT_TRUE(h.slack.wait_for_messages(3, 5s, ch));
    h.slack.fail_next("chat.postMessage", 1, "invalid_auth");
    h.post(notice(ch, "five (refused token)"));
    h.post(notice(ch, "six"));
    ASSERT_TRUE(h.slack.wait_for_messages(4, 5s, ch));

    EXPECT_EQ(texts(h.slack.messages(ch)),
              (std::vector<std::string>{"two", "three (after internal_error)", "four (after a 502)", "six"}));
    EXPECT_EQ(h.slack.call_count("chat.postMessage"), 8u) << "one retry each for internal_error and the 502";
    EXPECT_EQ(h.log_count("error=channel_not_found"), 2u) << h.logs(); // the call, and the drop
    EXPECT_EQ(h.log_count(
                  "event=slack_post_rejected channel=C0WEB1 method=chat.postMessage error=channel_not_found"),
              1u);
    EXPECT_EQ(h.log_count("hint=\"invite the bot into the channel"), 1u) << "checklist 20: the operator learns why";
    EXPECT_EQ(
        h.log_count("event=slack_post_refused channel=C0WEB1 method=chat.postMessage error=invalid_auth"),
        1u);
    EXPECT_EQ(
        h.log_count("event=web_api_error method=chat.postMessage http_status=502 error=invalid_response"),
        1u);
    EXPECT_EQ(h.log_count("event=outbox_retry"), 2u);
    for (auto const& c : h.slack.calls("chat.postMessage"))
        EXPECT_EQ(c.auth, token_check::ok);
}

// Checklist 9: HTTP 429 with Retry-After on chat.postMessage: the same message is sent again
// no earlier than Retry-After, and the channel's order is kept.
TEST(slack_web_api, a_429_is_honoured_and_the_order_is_kept)
{
    harness h;
    std::string const ch = "C0WEB2";
    h.slack.rate_limit_next("chat.postMessage", 1, 1s);
    h.post(notice(ch, "b1"));
    h.post(notice(ch, "b2"));
    h.post(notice(ch, "b3"));
    ASSERT_TRUE(h.slack.wait_for_messages(3, 5s, ch));
    EXPECT_EQ(texts(h.slack.messages(ch)), (std::vector<std::string>{"b1", "b2", "b3"}));
    auto calls = h.slack.calls("chat.postMessage");
    ASSERT_EQ(calls.size(), 4u);
    EXPECT_EQ(calls[0].status, 429u);
    EXPECT_EQ(calls[0].param("text"), calls[1].param("text")) << "the same message again";
    EXPECT_GE(ms_between(calls[0].received_at, calls[1].received_at), 1000ms) << "Retry-After: 1";
    EXPECT_EQ(h.log_count("event=web_api_rate_limited method=chat.postMessage retry_after_ms=1000"), 1u)
        << h.logs();
}

// Checklist 9: about one message per interval per channel after a burst; another channel is
// not held up by it.
TEST(slack_web_api, each_channel_is_paced_and_channels_do_not_wait_for_each_other)
{
    tuning t;
    t.outbox_interval = 200ms;
    t.outbox_burst = 2;
    harness h(t);
    auto pushed = std::chrono::steady_clock::now();
    for (int i = 0; i < 6; ++i)
        h.post(notice("C0BUSY", "busy " + std::to_string(i)));
    h.post(notice("C0CALM", "calm"));
    ASSERT_TRUE(h.slack.wait_for_messages(6, 5s, "C0BUSY"));
    ASSERT_TRUE(h.slack.wait_for_messages(1, 5s, "C0CALM"));
    auto busy = h.slack.messages("C0BUSY");
    EXPECT_EQ(texts(busy),
              (std::vector<std::string>{"busy 0", "busy 1", "busy 2", "busy 3", "busy 4", "busy 5"}));
    // Two at once, then one per 200 ms: message k (from 0) leaves (k - 1) x 200 ms after the
    // first push at the earliest.
    for (std::size_t k = 2; k < busy.size(); ++k)
        EXPECT_GE(ms_between(pushed, busy[k].received_at), milliseconds{200 * (static_cast<int>(k) - 1)})
            << "message " << k;
    auto calm = h.slack.messages("C0CALM").front();
    EXPECT_LT(calm.received_at, busy[3].received_at) << "the calm channel did not wait behind the busy one";
    EXPECT_LT(ms_between(pushed, calm.received_at), 400ms);
}

// Checklist 10, 23: user text that looks like mass mentions or links reaches Slack escaped, in
// acks, prompts, pins and the post-mortem alike.
TEST(slack_escaping, user_text_never_forms_a_mention_or_a_link)
{
    harness h;
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));
    auto l = h.slack.newest();
    // As Slack sends it: typed `<`, `>` and `&` arrive entity-encoded; @here/@channel typed in a
    // command with should_escape arrive as <!here> markup, links as <http://…|…>.
    std::string const hostile =
        "&lt;!channel&gt; <!here> <!everyone> @here <http://evil.example|click> &amp;amp; "
        "&lt;@U0BOB&gt; &lt;http://evil.example|x&gt;";
    auto start = l.slash_command("/incident", "start Checkout " + hostile);
    ASSERT_TRUE(h.slack.wait_for_ack(start));
    auto note = l.slash_command("/incident", "note " + hostile);
    ASSERT_TRUE(h.slack.wait_for_ack(note));
    message_event_args said;
    said.user = "U0BOB";
    said.text = "see " + hostile;
    said.ts = "1795402900.000100";
    ASSERT_TRUE(h.slack.wait_for_ack(l.message_event(said)));
    ASSERT_TRUE(h.slack.wait_for_ack(
        l.reaction_event(true, "pushpin", incident_channel, said.ts, "U0ALICE", "U0BOB")));
    auto status = l.slash_command("/incident", "status");
    auto st = h.slack.wait_for_ack(status);
    ASSERT_TRUE(st);
    auto preview = l.slash_command("/postmortem", "preview");
    auto pv = h.slack.wait_for_ack(preview);
    ASSERT_TRUE(pv);
    ASSERT_TRUE(h.slack.wait_for_messages(1, 5s, incident_channel));

    expect_safe(h.slack);
    auto start_text = harness::ack_text(*h.slack.wait_for_ack(start));
    EXPECT_NE(start_text.find("&lt;!channel&gt;"), std::string::npos) << start_text;
    EXPECT_NE(start_text.find("&amp;amp;"), std::string::npos) << start_text;
    EXPECT_NE(start_text.find("&lt;@U0BOB&gt;"), std::string::npos) << start_text;
    EXPECT_NE(start_text.find("@here"), std::string::npos)
        << "plain text, which pings nobody: " << start_text;
    auto pv_text = harness::ack_text(*pv);
    EXPECT_NE(pv_text.find("&lt;!channel&gt;"), std::string::npos) << pv_text;
    for (auto const& a : h.slack.acks()) {
        if (a.payload) {
            EXPECT_EQ(a.payload->size(), 2u) << "only text and response_type: " << a.raw;
        }
    }
}

// Checklist 26 (STYLE.md 7): with every logger at trace, through connect, commands, pins,
// look-ups, 429, ok:false, a refused ticket request, a drop, a reconnect and a refresh, no
// token, ticket, Socket Mode URL, response_url or command token reaches the log, raw or
// URL-encoded.
TEST(slack_redaction, no_secret_reaches_the_log)
{
    tuning t;
    t.log_level = "trace";
    t.connections = 2;
    t.slow_initial = 100ms;
    harness h(t);
    ASSERT_TRUE(h.slack.wait_for_open_connections(2));
    auto l = h.slack.link(1);
    ASSERT_TRUE(h.slack.wait_for_ack(l.slash_command("/incident", "start Checkout fails")));
    ASSERT_TRUE(h.slack.wait_for_ack(
        l.message_event(incident_channel, "U0BOB", "honestly this looks like user error")));
    history_message old;
    old.channel = incident_channel;
    old.ts = "1795402000.000300";
    old.user = "U0ERIN";
    old.text = "old news";
    h.slack.add_history(old);
    ASSERT_TRUE(h.slack.wait_for_ack(
        l.reaction_event(true, "pushpin", incident_channel, old.ts, "U0ALICE", "U0ERIN")));
    ASSERT_TRUE(h.slack.wait_for_ack(l.slash_command("/incident", "note the pool is full")));
    ASSERT_TRUE(h.slack.wait_for_ack(l.slash_command("/incident", "frobnicate")));
    h.slack.rate_limit_next("chat.postMessage", 1, 1s);
    h.post(notice("C0WEB3", "rate limited once"));
    ASSERT_TRUE(h.slack.wait_for_messages(1, 5s, "C0WEB3"));
    h.slack.fail_next("chat.postMessage", 1, "not_in_channel");
    h.post(notice("C0WEB3", "refused"));
    h.slack.fail_next("apps.connections.open", 1, "invalid_auth");
    l.drop();
    ASSERT_TRUE(h.slack.wait_for_connections(3, 5s));
    h.slack.link(2).disconnect("warning", std::nullopt);
    ASSERT_TRUE(h.slack.wait_for_connections(4, 5s));
    ASSERT_TRUE(h.slack.wait_for_open_connections(2));
    ASSERT_TRUE(h.slack.wait_for_ack(h.slack.newest().slash_command("/incident", "status")));
    ASSERT_TRUE(wait_until([&] { return h.slack.call_count("chat.postMessage") >= 4; }, 5s));
    h.stop();

    auto logs = h.logs();
    ASSERT_NE(logs.find("event=ws_frame dir=in"), std::string::npos) << "trace lines were written";
    ASSERT_NE(logs.find("event=slack_connect_refused"), std::string::npos);
    ASSERT_NE(logs.find("event=web_api_rate_limited"), std::string::npos);
    std::vector<std::string> secrets{h.slack.options().app_token, h.slack.options().bot_token,
                                     h.slack.options().workspace.verification_token};
    for (auto const& ticket : h.slack.tickets())
        secrets.push_back(ticket);
    for (auto const& link : h.slack.links()) {
        secrets.push_back(link.target);
        secrets.push_back("wss://localhost:" + std::to_string(h.slack.port()) + link.target);
    }
    for (auto const& e : h.slack.sent_envelopes())
        if (e.envelope.contains("payload") && e.envelope["payload"].contains("response_url")) {
            auto url = e.envelope["payload"]["response_url"].get<std::string>();
            secrets.push_back(url);
            secrets.push_back(url.substr(url.find("/", url.find("//") + 2))); // the path alone
        }
    ASSERT_GE(secrets.size(), 12u);
    for (auto const& s : secrets) {
        ASSERT_FALSE(s.empty());
        EXPECT_EQ(logs.find(s), std::string::npos) << "raw: " << s;
        EXPECT_EQ(logs.find(url_encoded(s)), std::string::npos) << "URL-encoded: " << s;
    }
    // The distinctive parts alone, in case a token is cut or wrapped.
    for (std::string part : {"fakeAppTokenDoNotLog", "fakeBotTokenDoNotLog", "xapp-", "xoxb-", "ticket="})
        EXPECT_EQ(logs.find(part), std::string::npos) << part;
}

// Checklist 20: a command in a public channel the bot was never invited to still gets its
// prompts: the bot joins (conversations.join) and sends again. A private channel cannot be
// joined: the post is dropped with an operator hint, and the bot does not try to join again.
TEST(slack_web_api, the_bot_joins_a_public_channel_it_is_not_in_and_says_why_it_cannot_join_a_private_one)
{
    auto fake = fast_fake();
    fake.outside_channels = {"C0PUBLIC1", "C0PRIVATE1"};
    fake.private_channels = {"C0PRIVATE1"};
    harness h({}, fake);
    h.post(notice("C0PUBLIC1", "prompt one"));
    h.post(notice("C0PUBLIC1", "prompt two"));
    ASSERT_TRUE(h.slack.wait_for_messages(2, 5s, "C0PUBLIC1"));
    EXPECT_EQ(texts(h.slack.messages("C0PUBLIC1")), (std::vector<std::string>{"prompt one", "prompt two"}));
    auto joins = h.slack.calls("conversations.join");
    ASSERT_EQ(joins.size(), 1u);
    EXPECT_EQ(joins[0].params.value("channel", ""), "C0PUBLIC1");
    EXPECT_EQ(h.log_count("event=slack_joined_channel channel=C0PUBLIC1"), 1u);

    h.post(notice("C0PRIVATE1", "never seen"));
    h.post(notice("C0PRIVATE1", "nor this"));
    h.post(notice("C0PUBLIC1", "marker"));
    ASSERT_TRUE(h.slack.wait_for_messages(3, 5s, "C0PUBLIC1"));
    ASSERT_TRUE(h.wait_for_log("event=slack_post_rejected channel=C0PRIVATE1"));
    EXPECT_TRUE(wait_until([&] { return h.log_count("event=slack_post_rejected channel=C0PRIVATE1") == 2; }));
    EXPECT_EQ(h.slack.calls("conversations.join").size(), 2u) << "one join for each channel, no more";
    EXPECT_EQ(h.log_count("event=slack_join_failed channel=C0PRIVATE1 error=method_not_supported_for_channel_type"), 1u);
    EXPECT_EQ(h.log_count("hint=\"invite the bot into the channel"), 2u);
}

// Checklist 3, 6, 10, 11, 12, 19, 23: a whole call as in config/drills/checkout-outage.txt,
// through Socket Mode and the Web API: several people, roles, hypotheses, a confirmation,
// options, a veto, a choice, done, tollgates, follow-ups, publish.
TEST(slack_incident, a_whole_call_from_start_to_publish)
{
    harness h;
    for (auto const& [id, name] : std::vector<std::pair<std::string, std::string>>{
             {"U0CAROL", "carol"}, {"U0DANA", "dana"}, {"U0ERIN", "erin"}})
        h.slack.add_user({id, name, "", name + " " + name, false});
    ASSERT_TRUE(h.slack.wait_for_open_connections(1));

    struct step {
        std::string who;
        std::string command;
        std::string text;
        ack a;
    };
    std::vector<step> steps;
    std::map<std::string, std::string> names{
        {"U0ALICE", "alice"}, {"U0BOB", "bob"}, {"U0CAROL", "carol"}, {"U0DANA", "dana"}, {"U0ERIN", "erin"}};
    auto say = [&](std::string who, std::string cmd, std::string text) -> ack {
        auto id = h.slack.newest().slash_command(cmd, text, incident_channel, who, names[who]);
        auto a = h.slack.wait_for_ack(id);
        if (!a) throw std::runtime_error("no ack for " + cmd + " " + text);
        EXPECT_LT(a->latency.value(), 3s) << cmd << " " << text;
        steps.push_back({who, cmd, text, *a});
        return *a;
    };
    auto chat = [&](std::string who, std::string text, std::string ts = {}) {
        message_event_args m;
        m.user = std::move(who);
        m.text = std::move(text);
        m.ts = std::move(ts);
        auto id = h.slack.newest().message_event(m);
        if (!h.slack.wait_for_ack(id)) throw std::runtime_error("no ack for a message");
    };
    std::size_t reminders = 0;
    auto wait = [&](commands::duration d) { reminders += h.advance(d); };

    // 03:00 Dana reports it; Alice is on call and declares the incident.
    say("U0ALICE", "/incident", "start Checkout fails for EU customers sev=2 reporter=<@U0DANA|dana>");
    say("U0ALICE", "/incident", "role comms <@U0CAROL|carol>");
    chat("U0BOB", "Error rate on /pay jumped to 30% at 02:58, only in eu-west", "1795402860.000100");
    ASSERT_TRUE(h.slack.wait_for_ack(h.slack.newest().reaction_event(
        true, "pushpin", incident_channel, "1795402860.000100", "U0ALICE", "U0BOB")));
    wait(std::chrono::minutes{3});
    say("U0BOB", "/rootcause", "it's the payment provider's API");
    chat("U0ERIN", "honestly this looks like user error");
    wait(std::chrono::minutes{6});
    say("U0CAROL", "/rootcause", "reject #1 the provider's status page is green and US checkouts work");
    auto breakout = say("U0ALICE", "/incident", "breakout connection pool <@U0BOB|bob> <@U0ERIN|erin>");
    wait(std::chrono::minutes{12});
    say("U0BOB", "/incident",
        "breakout report #1 checkout-db pool is at 100/100 since the 02:55 config push");
    say("U0BOB", "/rootcause", "connection pool exhausted on checkout-db after the 02:55 config push");
    auto own = say("U0BOB", "/rootcause", "confirm #2");
    wait(std::chrono::minutes{4});
    say("U0CAROL", "/rootcause", "confirm #2");
    wait(std::chrono::minutes{5});
    say("U0BOB", "/mitigation",
        "roll back the 02:55 config push impact=\"2 min of failed checkouts\" recovery=10m");
    say("U0ERIN", "/mitigation", "raise the pool size to 300 impact=none recovery=2m");
    say("U0CAROL", "/mitigation", "veto #2 the database allows 250 connections in total");
    say("U0DANA", "/mitigation", "pro #1 the previous config ran for six weeks");
    say("U0ALICE", "/mitigation", "choose #1");
    say("U0CAROL", "/incident",
        "update Cause found (a config push); rolling it back now, next update in 15 minutes");
    wait(std::chrono::minutes{11});
    say("U0BOB", "/mitigation", "done");
    wait(std::chrono::minutes{40});
    say("U0BOB", "/postmortem", "tollgate unit tests: no test ran the service with the pushed pool size");
    say("U0BOB", "/postmortem", "tollgate uat n/a: config pushes do not go through UAT today");
    say("U0BOB", "/postmortem",
        "tollgate production checkout: the post-push probe reused warm connections and passed");
    say("U0BOB", "/postmortem",
        "followup Boot the service with every pushed config in CI tollgate=unit-tests owner=<@U0BOB|bob> "
        "ticket=OPS-101");
    say("U0CAROL", "/postmortem",
        "followup Make the post-push probe open fresh connections tollgate=#3 owner=<@U0CAROL|carol> "
        "ticket=OPS-102");
    say("U0ALICE", "/postmortem", "followup Route config pushes through UAT owner=<@U0ALICE|alice>");
    auto publish = say("U0ALICE", "/postmortem", "publish");
    say("U0ALICE", "/incident", "followups");

    // Everything posted has arrived once a marker behind it in the channel's lane has.
    h.post(notice(incident_channel, "end of call"));
    ASSERT_TRUE(wait_until(
        [&] {
            auto ms = h.slack.messages(incident_channel);
            return !ms.empty() && ms.back().text == "end of call";
        },
        10s));

    if (std::getenv("COOLHEAD_SLACK_DUMP")) {
        for (auto const& s : steps)
            std::fprintf(stderr, "ACK %s %s %s -> [%s] %s\n", s.who.c_str(), s.command.c_str(),
                         s.text.c_str(), s.a.payload ? s.a.payload->value("response_type", "").c_str() : "-",
                         harness::ack_text(s.a).c_str());
        for (auto const& m : h.slack.messages(incident_channel))
            std::fprintf(stderr, "MSG %s %s: %s\n", m.method.c_str(), m.user.c_str(), m.text.c_str());
    }

    // Every command acked once, with its reply as the payload.
    for (auto const& s : steps) {
        EXPECT_EQ(h.slack.acks_for(s.a.envelope_id).size(), 1u) << s.command << " " << s.text;
        EXPECT_FALSE(harness::ack_text(s.a).empty()) << s.command << " " << s.text;
    }
    EXPECT_EQ(own.payload->value("response_type", ""), "ephemeral") << "Bob can't confirm his own hypothesis";
    EXPECT_EQ(publish.payload->value("response_type", ""), "in_channel");
    EXPECT_NE(harness::ack_text(breakout).find("<@U0BOB>"), std::string::npos)
        << "breakout members are pinged";
    EXPECT_NE(harness::ack_text(breakout).find("<@U0ERIN>"), std::string::npos);
    EXPECT_GE(reminders, 1u) << "the humility reminders fired as time passed";

    // What was posted: in order, safe, within the limit, after the ack of what caused it.
    auto msgs = h.slack.messages(incident_channel);
    for (std::size_t i = 1; i < msgs.size(); ++i)
        EXPECT_LE(msgs[i - 1].received_at, msgs[i].received_at);
    for (auto const& m : msgs)
        EXPECT_LE(m.text_length, 4000u);
    std::size_t nudges = 0;
    for (auto const& m : msgs)
        if (m.method == "chat.postEphemeral" && m.user == "U0ERIN") ++nudges;
    EXPECT_EQ(nudges, 1u) << "Erin's blame got one private nudge";
    expect_safe(h.slack);

    // The channel's story, in order, each prompt after the ack of the command that caused it.
    // "After" is measured from the commit of the command that caused a message (the ack and
    // the post travel on two connections; their order at the fake is not the adapter's to keep).
    auto commit_of = [&](std::string const& cmd, std::string const& text) -> steady_time {
        for (auto const& s : steps)
            if (s.command == cmd && s.text == text) return h.commit_time_of(s.a.envelope_id);
        ADD_FAILURE() << "no step " << cmd << " " << text;
        return {};
    };
    auto published = h.commit_time_of(publish.envelope_id);
    ASSERT_NE(published, steady_time{});
    struct expected {
        std::string prefix;
        steady_time after;
    };
    std::vector<expected> story{
        {"*Discovery:*", h.commit_time_of(steps[0].a.envelope_id)},
        {"A root cause 3m into the call", commit_of("/rootcause", "it's the payment provider's API")},
        {"A gentle nudge: \"user error\"", {}},
        {"*Mitigation:*", commit_of("/rootcause", "confirm #2")},
        {"<@U0CAROL>: a stakeholder update for *INC-1* is due", {}},
        {"*Post-mortem:* service is restored", commit_of("/mitigation", "done")},
        {"*Post-mortem: INC-1 · Checkout fails for EU customers*", published},
        {"*INC-1* is closed and its post-mortem is published", published},
        {"end of call", {}},
    };
    std::size_t next = 0;
    std::string postmortem;
    for (auto const& m : msgs) {
        if (next < story.size() && m.text.starts_with(story[next].prefix)) {
            EXPECT_GT(m.received_at, story[next].after) << m.text;
            ++next;
        }
        if (m.received_at > published) postmortem += m.text + "\n";
    }
    EXPECT_EQ(next, story.size()) << "missing or out of order: "
                                  << (next < story.size() ? story[next].prefix : "");
    for (std::string_view part :
         {"roll back the 02:55 config push", "connection pool exhausted on checkout-db", "OPS-101", "OPS-102",
          "Route config pushes through UAT", "Error rate on /pay jumped to 30% at 02:58"})
        EXPECT_NE(postmortem.find(part), std::string::npos) << part;
    // Mentions only where the bot means to ping: the breakout's members and the reminder.
    for (auto const& a : h.slack.acks()) {
        if (harness::ack_text(a).find("<@") != std::string::npos) {
            EXPECT_TRUE(harness::ack_text(a).starts_with("Breakout *#1* on connection pool"))
                << harness::ack_text(a);
        }
    }
    for (auto const& m : msgs) {
        if (m.text.find("<@") != std::string::npos) {
            EXPECT_NE(m.text.find("is due"), std::string::npos) << m.text;
        }
    }

    // The stored state: the whole call, read back through the store.
    auto events = h.events(1);
    auto count = [&]<class E>(E const*) {
        std::size_t n = 0;
        for (auto const& e : events)
            if (std::holds_alternative<E>(e.what)) ++n;
        return n;
    };
    EXPECT_EQ(count(static_cast<commands::incident_started const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::role_assigned const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::message_pinned const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::hypothesis_proposed const*>(nullptr)), 2u);
    EXPECT_EQ(count(static_cast<commands::hypothesis_rejected const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::hypothesis_confirmed const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::breakout_opened const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::breakout_reported const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::option_proposed const*>(nullptr)), 2u);
    EXPECT_EQ(count(static_cast<commands::option_vetoed const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::option_tradeoff_added const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::option_chosen const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::mitigation_completed const*>(nullptr)), 1u);
    EXPECT_EQ(count(static_cast<commands::tollgate_recorded const*>(nullptr)), 3u);
    EXPECT_EQ(count(static_cast<commands::followup_added const*>(nullptr)), 3u);
    std::size_t blame = 0;
    for (auto const& e : events)
        if (auto const* n = std::get_if<commands::nudge_sent>(&e.what);
            n && n->kind == commands::nudge_kind::blame) {
            ++blame;
            EXPECT_EQ(n->to.id, "U0ERIN");
        }
    EXPECT_EQ(blame, 1u);
    EXPECT_EQ(count(static_cast<commands::incident_closed const*>(nullptr)), 1u);
    ASSERT_FALSE(events.empty());
    EXPECT_TRUE(std::holds_alternative<commands::incident_closed>(events.back().what) ||
                std::holds_alternative<commands::reminder_sent>(events.back().what));
    for (auto const& e : events)
        if (auto const* b = std::get_if<commands::breakout_opened>(&e.what)) {
            ASSERT_EQ(b->members.size(), 2u);
            EXPECT_EQ(b->members[0].id, "U0BOB");
            EXPECT_EQ(b->members[1].id, "U0ERIN");
        } else if (auto const* st = std::get_if<commands::incident_started>(&e.what)) {
            EXPECT_EQ(st->reporter.id, "U0DANA");
            EXPECT_EQ(e.by.id, "U0ALICE");
        }
}

} // namespace coolhead::slack_it

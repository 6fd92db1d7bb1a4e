// Proves fake_slack itself, through the bot's own network layer (https_client, websocket_client,
// the TLS context with the test CA): tickets and hello, server pings, acks, scripted Web API
// failures, JSON/form/query parameters, token checks, redelivery, disconnect reasons.
#include "bot/net/endpoint.hpp"
#include "bot/net/error.hpp"
#include "bot/net/https_client.hpp"
#include "bot/net/tls.hpp"
#include "bot/net/websocket_client.hpp"
#include "tests/support/slack/fake_slack.hpp"
#include "tests/support/test_server.hpp"
#include "tests/support/wait.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

namespace asio = boost::asio;
namespace net = coolhead::net;
using namespace coolhead::testing;
using namespace asio::experimental::awaitable_operators;
using boost::system::error_code;
using coolhead::test::eventually;
using coolhead::test::pause;
using coolhead::test::run;
using nlohmann::json;

namespace {

struct fixture {
    explicit fixture(fake_slack_options o = {}) : slack(std::move(o)) {}
    fake_slack slack;
    asio::ssl::context tls = net::make_tls_client_context({.ca_file = slack.ca_file()});
    asio::io_context ioc;

    std::string bot() const { return slack.options().bot_token; }
    std::string app() const { return slack.options().app_token; }
};

net::https_client_options relaxed_http()
{
    net::https_client_options o;
    o.connect_timeout = 5s;
    o.handshake_timeout = 5s;
    o.request_timeout = 5s;
    return o;
}

net::websocket_options relaxed_ws()
{
    net::websocket_options o;
    o.connect_timeout = 5s;
    o.handshake_timeout = 5s;
    o.idle_timeout = 10s;
    return o;
}

net::http_request request(net::http_method verb, std::string target, std::string const& token,
                          std::string content_type = {}, std::string body = {})
{
    net::http_request r;
    r.method = verb;
    r.target = std::move(target);
    if (!token.empty()) r.authorization = coolhead::log::secret("Bearer " + token);
    if (!content_type.empty()) r.headers.push_back({"Content-Type", std::move(content_type)});
    r.body = std::move(body);
    return r;
}

/// One Web API request on a fresh client; throws on a transport error.
asio::awaitable<net::http_response> api(fixture& f, net::http_request r,
                                        net::https_client_options o = relaxed_http())
{
    auto base = net::parse_endpoint(f.slack.api_base_url());
    if (!base) throw std::runtime_error("bad base URL");
    net::https_client client(co_await asio::this_coro::executor, f.tls, *base, std::move(o));
    auto res = co_await client.request(std::move(r));
    if (!res) throw std::runtime_error("request failed: " + res.error().message());
    co_return std::move(*res);
}

json body_of(net::http_response const& r)
{
    return json::parse(r.body, nullptr, false);
}

/// apps.connections.open as @slack/socket-mode sends it: POST, form, empty body, xapp token.
asio::awaitable<std::string> fresh_link_url(fixture& f)
{
    auto res = co_await api(f, request(net::http_method::post, "apps.connections.open", f.app(),
                                       "application/x-www-form-urlencoded"));
    auto j = body_of(res);
    if (!j.value("ok", false)) throw std::runtime_error("apps.connections.open: " + res.body);
    co_return j["url"].get<std::string>();
}

asio::awaitable<boost::system::result<net::websocket_client>> connect(fixture& f, std::string url,
                                                                      net::websocket_options o = relaxed_ws())
{
    co_return co_await net::websocket_client::connect(co_await asio::this_coro::executor, f.tls,
                                                      coolhead::log::secret(std::move(url)), std::move(o));
}

/// Reads one frame and parses it; a failed read gives {"read_error": "<message>"}.
asio::awaitable<json> read_json(net::websocket_client& ws)
{
    auto msg = co_await ws.read();
    if (!msg) co_return json{{"read_error", msg.error().message()}};
    co_return json::parse(*msg, nullptr, false);
}

asio::awaitable<void> send_later(fake_slack& slack, std::size_t link, std::chrono::milliseconds delay,
                                 std::string text)
{
    co_await pause(delay);
    slack.link(link).send_raw(std::move(text));
}

} // namespace

TEST(fake_slack, a_fresh_ticket_opens_a_link_and_hello_comes_first)
{
    fixture f;
    struct outcome {
        std::string url;
        error_code connect;
        json hello;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        o.url = co_await fresh_link_url(f);
        auto ws = co_await connect(f, o.url);
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        o.hello = co_await read_json(*ws);
        co_await ws->close(net::close_code::normal);
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    auto const tickets = f.slack.tickets();
    ASSERT_EQ(tickets.size(), 1u);
    EXPECT_EQ(out.url, "wss://localhost:" + std::to_string(f.slack.port()) + "/link/?ticket=" + tickets[0] +
                           "&app_id=A0FAKEAPP");
    EXPECT_EQ(out.hello["type"], "hello");
    EXPECT_EQ(out.hello["num_connections"], 1);
    EXPECT_EQ(out.hello["debug_info"]["approximate_connection_time"], 18060);
    EXPECT_EQ(out.hello["connection_info"]["app_id"], "A0FAKEAPP");

    ASSERT_TRUE(f.slack.link(1).wait_closed());
    auto const info = f.slack.link(1).info();
    EXPECT_TRUE(info.hello_sent);
    EXPECT_EQ(info.ticket, tickets[0]);
    EXPECT_EQ(info.end, link_end::closed_by_client);
    EXPECT_EQ(info.client_close_code, net::close_code::normal);
    EXPECT_EQ(f.slack.connections_opened(), 1u);
    EXPECT_EQ(f.slack.open_connections(), 0u);
    auto const open = f.slack.calls("apps.connections.open");
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0].auth, token_check::ok);
    EXPECT_EQ(open[0].header("Authorization"), "Bearer " + f.app());
}

TEST(fake_slack, a_reused_or_unknown_ticket_is_closed_with_1008_and_no_hello)
{
    fixture f;
    struct outcome {
        json first;
        error_code reused;
        std::optional<net::websocket_close_reason> reused_close;
        error_code unknown;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto const url = co_await fresh_link_url(f);
        auto a = co_await connect(f, url);
        if (a) o.first = co_await read_json(*a);
        auto b = co_await connect(f, url);
        if (b) {
            auto msg = co_await b->read();
            o.reused = msg ? error_code{} : msg.error();
            o.reused_close = b->peer_close();
        }
        auto c = co_await connect(f, f.slack.server().url("wss", "/link/?ticket=never-issued"));
        if (c) {
            auto msg = co_await c->read();
            o.unknown = msg ? error_code{} : msg.error();
        }
        co_return o;
    }());
    EXPECT_EQ(out.first["type"], "hello");
    EXPECT_EQ(out.reused, net::errc::closed) << out.reused.message();
    ASSERT_TRUE(out.reused_close);
    EXPECT_EQ(out.reused_close->code, net::close_code::policy_error);
    EXPECT_EQ(out.unknown, net::errc::closed) << out.unknown.message();
    auto const refused = f.slack.refused_upgrades();
    ASSERT_EQ(refused.size(), 2u);
    EXPECT_EQ(refused[0].reason, "ticket already used");
    EXPECT_EQ(refused[1].reason, "unknown ticket");
    EXPECT_EQ(f.slack.connections_opened(), 1u);
}

TEST(fake_slack, server_pings_keep_a_quiet_link_alive_and_a_stalled_link_goes_silent)
{
    fake_slack_options options;
    options.ping_interval = 100ms;
    fixture f(options);
    struct outcome {
        error_code connect;
        std::string late;
        error_code quiet_error;
        error_code stalled_error;
    };
    auto out = run(
        f.ioc,
        [&]() -> asio::awaitable<outcome> {
            outcome o;
            auto quiet = relaxed_ws();
            quiet.idle_timeout = 600ms;
            auto ws = co_await connect(f, co_await fresh_link_url(f), quiet);
            if (!ws) {
                o.connect = ws.error();
                co_return o;
            }
            co_await read_json(*ws); // hello
            // The fake stops reading, so the client's own pings go unanswered: only the fake's
            // pings can keep the client's idle timer quiet for 2.5 idle timeouts.
            f.slack.link(1).stop_reading();
            ws->send(R"({"envelope_id":"probe"})");
            co_await eventually([&] { return !f.slack.link(1).info().reading; });
            auto msg = co_await (ws->read() && send_later(f.slack, 1, 1500ms, "late"));
            if (msg) {
                o.late = *msg;
            } else {
                o.quiet_error = msg.error();
            }

            // A stalled link: no pings, no pongs. The same client settings now time out.
            auto ws2 = co_await connect(f, co_await fresh_link_url(f), quiet);
            if (!ws2) {
                o.connect = ws2.error();
                co_return o;
            }
            co_await read_json(*ws2); // hello
            f.slack.link(2).stall();
            auto msg2 = co_await ws2->read();
            o.stalled_error = msg2 ? error_code{} : msg2.error();
            co_return o;
        }(),
        20s);
    ASSERT_FALSE(out.connect) << out.connect.message();
    EXPECT_FALSE(out.quiet_error) << out.quiet_error.message();
    EXPECT_EQ(out.late, "late");
    EXPECT_GE(f.slack.link(1).info().pings_sent, 10u);
    EXPECT_EQ(f.slack.acks_for("probe").size(), 1u);
    EXPECT_EQ(out.stalled_error, net::errc::timeout) << out.stalled_error.message();
    auto const stalled = f.slack.link(2).info();
    EXPECT_TRUE(stalled.stalled);
    EXPECT_TRUE(stalled.open()); // as Slack would still count it
}

TEST(fake_slack, a_slash_command_ack_is_recorded_with_payload_and_latency)
{
    fixture f;
    struct outcome {
        std::string id;
        json envelope;
        net::http_response response_url_answer;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f, co_await fresh_link_url(f));
        if (!ws) co_return o;
        co_await read_json(*ws); // hello
        o.id = f.slack.newest().slash_command("/incident", "start db latency spike", "C0INC42");
        o.envelope = co_await read_json(*ws);
        ws->send(json{{"envelope_id", o.id}, {"payload", {{"text", "Incident INC-1 started"}}}}.dump());
        co_await eventually([&] { return f.slack.acks().size() == 1; });
        co_await ws->close(net::close_code::normal);

        // The response_url points back at the fake.
        auto const url = o.envelope["payload"]["response_url"].get<std::string>();
        auto ep = net::parse_endpoint(url);
        if (!ep) co_return o;
        net::https_client client(co_await asio::this_coro::executor, f.tls, *ep, relaxed_http());
        auto res = co_await client.request(request(net::http_method::post, ep->target, {}, "application/json",
                                                   R"({"response_type":"in_channel","text":"later"})"));
        if (res) o.response_url_answer = *res;
        co_return o;
    }());
    ASSERT_FALSE(out.id.empty());
    EXPECT_EQ(out.envelope["envelope_id"], out.id);
    EXPECT_EQ(out.envelope["type"], "slash_commands");
    EXPECT_EQ(out.envelope["accepts_response_payload"], true);
    EXPECT_EQ(out.envelope["payload"]["command"], "/incident");
    EXPECT_EQ(out.envelope["payload"]["text"], "start db latency spike");
    EXPECT_EQ(out.envelope["payload"]["channel_id"], "C0INC42");
    EXPECT_EQ(out.envelope["payload"]["user_id"], "U0ALICE");

    auto a = f.slack.wait_for_ack(out.id, 0ms);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->link, 1u);
    ASSERT_TRUE(a->payload);
    EXPECT_EQ((*a->payload)["text"], "Incident INC-1 started");
    ASSERT_TRUE(a->latency);
    EXPECT_GT(*a->latency, 0ns);
    EXPECT_LT(*a->latency, 3s); // Slack's ack deadline (PROTOCOLS.md 1.4)

    EXPECT_EQ(out.response_url_answer.status, 200u);
    EXPECT_EQ(out.response_url_answer.body, "ok");
    auto const posted = f.slack.messages("C0INC42");
    ASSERT_EQ(posted.size(), 1u);
    EXPECT_EQ(posted[0].method, "response_url");
    EXPECT_EQ(posted[0].response_type, "in_channel");
    EXPECT_EQ(posted[0].text, "later");
}

TEST(fake_slack, redeliver_sends_the_same_event_with_retry_attempt_plus_one)
{
    fixture f;
    struct outcome {
        std::string id;
        json first, second;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f, co_await fresh_link_url(f));
        if (!ws) co_return o;
        co_await read_json(*ws); // hello
        o.id = f.slack.newest().message_event("C0INC42", "U0ALICE", "db is slow");
        o.first = co_await read_json(*ws);
        f.slack.redeliver(o.id);
        o.second = co_await read_json(*ws);
        co_await ws->close(net::close_code::normal);
        co_return o;
    }());
    EXPECT_EQ(out.first["envelope_id"], out.id);
    EXPECT_EQ(out.first["type"], "events_api");
    EXPECT_EQ(out.first["retry_attempt"], 0);
    EXPECT_EQ(out.first["payload"]["event"]["text"], "db is slow");
    EXPECT_EQ(out.second["envelope_id"], out.id);
    EXPECT_EQ(out.second["retry_attempt"], 1);
    EXPECT_EQ(out.second["retry_reason"], "timeout");
    EXPECT_EQ(out.second["payload"]["event_id"], out.first["payload"]["event_id"]);
    EXPECT_EQ(f.slack.sent_envelopes().size(), 2u);
}

TEST(fake_slack, unacked_events_are_redelivered_automatically_until_acked)
{
    fake_slack_options options;
    options.auto_redeliver_after = 300ms;
    fixture f(options);
    struct outcome {
        std::string id;
        std::vector<json> seen;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f, co_await fresh_link_url(f));
        if (!ws) co_return o;
        co_await read_json(*ws); // hello
        o.id = f.slack.newest().reaction_event(true, "eyes", "C0INC42", "1700000000.000100");
        for (int i = 0; i < 3; ++i)
            o.seen.push_back(co_await read_json(*ws)); // no ack: Slack retries
        ws->send(json{{"envelope_id", o.id}}.dump());
        co_await eventually([&] { return f.slack.acks().size() == 1; });
        co_await ws->close(net::close_code::normal);
        co_return o;
    }());
    ASSERT_EQ(out.seen.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(out.seen[static_cast<std::size_t>(i)]["envelope_id"], out.id);
        EXPECT_EQ(out.seen[static_cast<std::size_t>(i)]["retry_attempt"], i);
    }
    EXPECT_EQ(out.seen[0]["payload"]["event"]["type"], "reaction_added");
    auto const a = f.slack.wait_for_ack(out.id, 0ms);
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->payload);
}

TEST(fake_slack, disconnect_warning_refresh_and_too_many_websockets)
{
    fake_slack_options options;
    options.max_connections = 1;
    options.disconnect_close_after = 100ms;
    fixture f(options);
    struct outcome {
        json warning, refresh, too_many;
        error_code after_warning, after_too_many;
        std::optional<net::websocket_close_reason> warning_close;
    };
    auto out = run(
        f.ioc,
        [&]() -> asio::awaitable<outcome> {
            outcome o;
            // warning: the fake closes the link itself after the given delay.
            auto a = co_await connect(f, co_await fresh_link_url(f));
            if (!a) co_return o;
            co_await read_json(*a); // hello
            f.slack.link(1).disconnect("warning", 200ms);
            o.warning = co_await read_json(*a);
            auto end = co_await a->read();
            o.after_warning = end ? error_code{} : end.error();
            o.warning_close = a->peer_close();

            // refresh_requested, left to the client; meanwhile a second link is one too many.
            auto b = co_await connect(f, co_await fresh_link_url(f));
            if (!b) co_return o;
            co_await read_json(*b); // hello
            auto c = co_await connect(f, co_await fresh_link_url(f));
            if (!c) co_return o;
            o.too_many = co_await read_json(*c);
            auto c_end = co_await c->read();
            o.after_too_many = c_end ? error_code{} : c_end.error();
            f.slack.link(2).disconnect("refresh_requested", std::nullopt);
            o.refresh = co_await read_json(*b);
            co_await b->close(net::close_code::normal);
            co_return o;
        }(),
        20s);
    EXPECT_EQ(out.warning["type"], "disconnect");
    EXPECT_EQ(out.warning["reason"], "warning");
    EXPECT_EQ(out.after_warning, net::errc::closed) << out.after_warning.message();
    ASSERT_TRUE(out.warning_close);
    EXPECT_EQ(out.warning_close->code, net::close_code::normal);

    EXPECT_EQ(out.too_many["type"], "disconnect");
    EXPECT_EQ(out.too_many["reason"], "too_many_websockets");
    EXPECT_EQ(out.too_many["num_connections"], 2);
    EXPECT_EQ(out.after_too_many, net::errc::closed) << out.after_too_many.message();
    EXPECT_EQ(out.refresh["reason"], "refresh_requested");

    ASSERT_TRUE(f.slack.link(2).wait_closed());
    auto const links = f.slack.links();
    ASSERT_EQ(links.size(), 3u);
    EXPECT_EQ(links[0].end, link_end::closed_by_fake);
    EXPECT_EQ(links[1].end, link_end::closed_by_client);
    EXPECT_FALSE(links[2].hello_sent);
    EXPECT_EQ(links[2].end, link_end::closed_by_fake);
}

TEST(fake_slack, an_oversized_frame_and_a_drop_reach_the_client)
{
    fixture f;
    struct outcome {
        error_code oversized, dropped;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto a = co_await connect(f, co_await fresh_link_url(f));
        if (!a) co_return o;
        co_await read_json(*a); // hello
        f.slack.link(1).send_oversized();
        auto big = co_await a->read();
        o.oversized = big ? error_code{} : big.error();
        co_await a->close(); // finishes the 1009 close under way

        auto b = co_await connect(f, co_await fresh_link_url(f));
        if (!b) co_return o;
        co_await read_json(*b); // hello
        f.slack.link(2).drop();
        auto gone = co_await b->read();
        o.dropped = gone ? error_code{} : gone.error();
        co_return o;
    }());
    EXPECT_EQ(out.oversized, net::errc::message_too_large) << out.oversized.message();
    EXPECT_TRUE(out.dropped) << "the read should fail after a drop";
    ASSERT_TRUE(f.slack.link(2).wait_closed());
    EXPECT_EQ(f.slack.link(2).info().end, link_end::dropped_by_fake);
    ASSERT_TRUE(f.slack.link(1).wait_closed());
    EXPECT_EQ(f.slack.link(1).info().client_close_code, net::close_code::too_big);
}

TEST(fake_slack, web_api_parameters_arrive_as_json_form_or_query)
{
    fixture f;
    auto const json_answer = body_of(run(
        f.ioc,
        api(f, request(net::http_method::post, "chat.postMessage", f.bot(), "application/json; charset=utf-8",
                       R"({"channel":"C0INC42","text":"from json","thread_ts":"1700000000.000050"})"))));
    auto const form_answer =
        body_of(run(f.ioc, api(f, request(net::http_method::post, "chat.postMessage", f.bot(),
                                          "application/x-www-form-urlencoded",
                                          "channel=C0INC42&text=from+form%20%26+more&blocks=%5B%5D"))));
    auto const user =
        body_of(run(f.ioc, api(f, request(net::http_method::get, "users.info?user=U0ALICE", f.bot()))));
    auto const ephemeral = body_of(run(
        f.ioc, api(f, request(net::http_method::post, "chat.postEphemeral", f.bot(),
                              "application/x-www-form-urlencoded", "channel=C0INC42&user=U0BOB&text=psst"))));
    auto const latest = json_answer.value("ts", std::string{});
    auto const history =
        body_of(run(f.ioc, api(f, request(net::http_method::get,
                                          "conversations.history?channel=C0INC42&latest=" + latest +
                                              "&inclusive=true&limit=1",
                                          f.bot()))));
    auto const me = body_of(run(f.ioc, api(f, request(net::http_method::post, "auth.test", f.bot()))));

    EXPECT_EQ(json_answer["ok"], true);
    EXPECT_EQ(json_answer["channel"], "C0INC42");
    EXPECT_EQ(form_answer["ok"], true);
    EXPECT_GT(form_answer["ts"].get<std::string>(), latest); // fresh and increasing
    EXPECT_EQ(user["user"]["name"], "alice");
    EXPECT_EQ(user["user"]["profile"]["display_name"], "Alice");
    EXPECT_EQ(f.slack.users_info_calls("U0ALICE"), 1u);
    EXPECT_EQ(ephemeral["ok"], true);
    EXPECT_TRUE(ephemeral.contains("message_ts"));
    ASSERT_EQ(history["messages"].size(), 1u);
    EXPECT_EQ(history["messages"][0]["text"], "from json");
    EXPECT_EQ(history["messages"][0]["user"], "U0FAKEBOT");
    EXPECT_EQ(me["user_id"], "U0FAKEBOT");
    EXPECT_EQ(me["bot_id"], "B0FAKEBOT");
    EXPECT_EQ(me["team_id"], "T0FAKETEAM");

    auto const posted = f.slack.messages("C0INC42");
    ASSERT_EQ(posted.size(), 3u);
    EXPECT_EQ(posted[0].text, "from json");
    EXPECT_EQ(posted[0].thread_ts, "1700000000.000050");
    EXPECT_EQ(posted[1].text, "from form & more");
    EXPECT_EQ(posted[1].params["blocks"], "[]"); // form values stay strings
    EXPECT_EQ(posted[2].method, "chat.postEphemeral");
    EXPECT_EQ(posted[2].user, "U0BOB");
    auto const calls = f.slack.calls("chat.postMessage");
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].kind, body_kind::json);
    EXPECT_EQ(calls[1].kind, body_kind::form);
}

TEST(fake_slack, chat_methods_refuse_like_slack)
{
    fixture f;
    auto post = [&](std::string body) {
        return body_of(run(f.ioc, api(f, request(net::http_method::post, "chat.postMessage", f.bot(),
                                                 "application/json", std::move(body)))))
            .value("error", std::string{});
    };
    EXPECT_EQ(post(R"({"text":"where to?"})"), "channel_not_found");
    EXPECT_EQ(post(R"({"channel":"C0INC42"})"), "no_text");
    EXPECT_EQ(post(json{{"channel", "C0INC42"}, {"text", std::string(40'001, 'a')}}.dump()), "msg_too_long");
    EXPECT_EQ(post("{not json"), "invalid_json");
    auto const user =
        body_of(run(f.ioc, api(f, request(net::http_method::get, "users.info?user=U0NOBODY", f.bot()))));
    EXPECT_EQ(user["error"], "user_not_found");

    EXPECT_TRUE(f.slack.messages().empty());
    auto const all = f.slack.all_messages();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[2].error, "msg_too_long");
    EXPECT_EQ(all[2].text_length, 40'001u);
}

TEST(fake_slack, tokens_are_checked_per_method)
{
    fixture f;
    auto error_of = [&](net::http_request r) {
        return body_of(run(f.ioc, api(f, std::move(r)))).value("error", std::string{});
    };
    auto const form = std::string("application/x-www-form-urlencoded");
    EXPECT_EQ(error_of(request(net::http_method::post, "apps.connections.open", f.bot(), form)),
              "invalid_auth");
    EXPECT_EQ(error_of(request(net::http_method::post, "apps.connections.open", {}, form)), "not_authed");
    EXPECT_EQ(
        error_of(request(net::http_method::post, "chat.postMessage", f.app(), form, "channel=C1&text=hi")),
        "invalid_auth");
    EXPECT_EQ(error_of(request(net::http_method::post, "chat.postMessage", {}, form,
                               "channel=C1&text=hi&token=" + f.bot())),
              "not_authed"); // a token in the body does not count
    EXPECT_EQ(
        error_of(request(net::http_method::post, "chat.postMessage", f.bot(), form, "channel=C1&text=hi")),
        "");

    auto const all = f.slack.all_messages();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].auth, token_check::wrong_token);
    EXPECT_EQ(all[1].auth, token_check::missing);
    EXPECT_EQ(all[2].auth, token_check::ok);
    auto const calls = f.slack.calls("chat.postMessage");
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[2].header("Authorization"), "Bearer " + f.bot());
    EXPECT_TRUE(f.slack.tickets().empty());
}

TEST(fake_slack, scripted_rate_limits_errors_and_stalls)
{
    fixture f;
    f.slack.rate_limit_next("chat.postMessage", 1, 7s);
    f.slack.fail_next("chat.postMessage", 1, "internal_error");
    f.slack.stall_next("auth.test");
    auto const form = std::string("application/x-www-form-urlencoded");
    auto post = [&] {
        return run(f.ioc, api(f, request(net::http_method::post, "chat.postMessage", f.bot(), form,
                                         "channel=C1&text=hi")));
    };
    auto const limited = post();
    auto const failed = post();
    auto const fine = post();
    f.slack.fail_next("*", 1, "team_disabled"); // the next call of any method
    auto const any = run(f.ioc, api(f, request(net::http_method::get, "users.info?user=U0ALICE", f.bot())));
    struct stalled_outcome {
        error_code error;
    };
    auto const stalled = run(f.ioc, [&]() -> asio::awaitable<stalled_outcome> {
        auto o = relaxed_http();
        o.request_timeout = 300ms;
        auto base = net::parse_endpoint(f.slack.api_base_url());
        net::https_client client(co_await asio::this_coro::executor, f.tls, *base, o);
        auto res = co_await client.request(request(net::http_method::post, "auth.test", f.bot()));
        co_return stalled_outcome{res ? error_code{} : res.error()};
    }());

    EXPECT_EQ(limited.status, 429u);
    EXPECT_EQ(limited.header("Retry-After"), "7");
    EXPECT_EQ(body_of(limited)["error"], "ratelimited");
    EXPECT_EQ(failed.status, 200u);
    EXPECT_EQ(body_of(failed)["error"], "internal_error");
    EXPECT_EQ(body_of(fine)["ok"], true);
    EXPECT_EQ(body_of(any)["error"], "team_disabled");
    EXPECT_EQ(stalled.error, net::errc::timeout) << stalled.error.message();

    EXPECT_EQ(f.slack.messages().size(), 1u); // scripted answers are not messages
    auto const calls = f.slack.calls("chat.postMessage");
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[0].scripted, "rate_limit");
    EXPECT_EQ(calls[0].status, 429u);
    EXPECT_EQ(calls[1].scripted, "fail");
    EXPECT_EQ(calls[2].scripted, "");
    EXPECT_TRUE(f.slack.wait_for_calls("auth.test", 1));
    EXPECT_EQ(f.slack.users_info_calls("U0ALICE"), 0u); // answered by the script
}

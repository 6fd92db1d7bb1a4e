// The websocket client against the in-process test server: echo, idle detection, message
// limits, the bounded write queue, close codes in both directions, drops.
#include "net_test.hpp"
#include "tests/support/mailbox.hpp"
#include "tests/support/raw_client.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>

namespace asio = boost::asio;
namespace net = coolhead::net;
using namespace coolhead::test;
using namespace asio::experimental::awaitable_operators;
using boost::system::error_code;

namespace {

struct fixture {
    explicit fixture(server_options o = {}) : server(o) {}
    test_server server;
    asio::ssl::context tls = test_client_context();
    asio::io_context ioc;
};

asio::awaitable<void> echo(websocket_session& s)
{
    // Not `while (auto msg = co_await ...)`: GCC 12 miscompiles co_await in loop conditions.
    for (;;) {
        auto msg = co_await s.read();
        if (!msg) break;
        bool const sent = co_await s.send(*msg);
        if (!sent) break;
    }
}

asio::awaitable<void> silent(websocket_session& s) { co_await s.stall(); }

// What a client-side script saw, returned to the test thread.
struct outcome {
    error_code connect;
    std::vector<std::string> messages;
    error_code last;
    std::optional<net::websocket_close_reason> peer_close;
};

asio::awaitable<boost::system::result<net::websocket_client>> connect(asio::ssl::context& tls, std::string url,
                                                                       net::websocket_options o = relaxed_ws())
{
    co_return co_await net::websocket_client::connect(co_await asio::this_coro::executor, tls,
                                                      coolhead::log::secret(std::move(url)), std::move(o));
}

} // namespace

TEST(websocket_client, messages_echo_over_wss_and_the_upgrade_carries_the_secret_header)
{
    fixture f;
    f.server.on_websocket("/api/v4/websocket", echo);
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto options = relaxed_ws();
        options.authorization = coolhead::log::secret("Bearer mm-test-token");
        options.headers.push_back({"X-Requested-With", "coolhead"});
        auto ws = co_await connect(f.tls, f.server.url("wss", "/api/v4/websocket?connection_id=&sequence_number=0"),
                                   options);
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        for (auto text : {"one", "two", "three"}) ws->send(text);
        for (int i = 0; i < 3; ++i) {
            auto msg = co_await ws->read();
            if (!msg) {
                o.last = msg.error();
                co_return o;
            }
            o.messages.push_back(*msg);
        }
        o.last = co_await ws->close(net::close_code::normal);
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    EXPECT_EQ(out.messages, (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_FALSE(out.last) << out.last.message();

    auto seen = f.server.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].target, "/api/v4/websocket?connection_id=&sequence_number=0");
    EXPECT_EQ(seen[0].header("Authorization"), "Bearer mm-test-token");
    EXPECT_EQ(seen[0].header("X-Requested-With"), "coolhead");
    EXPECT_EQ(seen[0].header("Host"), "localhost:" + std::to_string(f.server.port()));
    EXPECT_FALSE(seen[0].header("Origin").has_value());
}

TEST(websocket_client, an_origin_or_plain_authorization_header_is_refused)
{
    fixture f;
    f.server.on_websocket("/ws", echo);
    auto codes = run(f.ioc, [&]() -> asio::awaitable<std::pair<error_code, error_code>> {
        auto with_origin = relaxed_ws();
        with_origin.headers.push_back({"Origin", "null"});
        auto a = co_await connect(f.tls, f.server.url("wss", "/ws"), with_origin);
        auto plain_auth = relaxed_ws();
        plain_auth.headers.push_back({"Authorization", "Bearer leaked"});
        auto b = co_await connect(f.tls, f.server.url("wss", "/ws"), plain_auth);
        co_return std::pair{a ? error_code{} : a.error(), b ? error_code{} : b.error()};
    }());
    EXPECT_EQ(codes.first, net::errc::invalid_header);
    EXPECT_EQ(codes.second, net::errc::secret_in_plain_header);
    EXPECT_EQ(f.server.connections_accepted(), 0u);
}

TEST(websocket_client, a_silent_peer_is_detected_by_the_idle_timeout)
{
    fixture f;
    f.server.on_websocket("/ws", silent);
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto options = relaxed_ws();
        options.idle_timeout = 400ms;
        auto ws = co_await connect(f.tls, f.server.url("wss", "/ws"), options);
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        auto msg = co_await ws->read();
        o.last = msg ? error_code{} : msg.error();
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    EXPECT_EQ(out.last, net::errc::timeout) << out.last.message();
}

namespace {

// Keeps a read pending (so pings are answered) while it waits longer than the client's idle
// timeout, then sends one message.
asio::awaitable<void> send_late(websocket_session& s)
{
    co_await pause(1200ms);
    co_await s.send("late");
}

asio::awaitable<void> answer_late(websocket_session& s)
{
    co_await (s.read() && send_late(s));
}

} // namespace

TEST(websocket_client, a_live_peer_survives_the_idle_timeout_through_pings)
{
    fixture f;
    f.server.on_websocket("/ws", answer_late);
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto options = relaxed_ws();
        options.idle_timeout = 400ms; // the server stays quiet three times as long
        auto ws = co_await connect(f.tls, f.server.url("wss", "/ws"), options);
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        auto msg = co_await ws->read();
        if (msg) {
            o.messages.push_back(*msg);
            ws->send("bye");
            o.last = co_await ws->close();
        } else {
            o.last = msg.error();
        }
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    EXPECT_EQ(out.messages, (std::vector<std::string>{"late"}));
    EXPECT_FALSE(out.last) << out.last.message();
}

namespace {

recorder<std::uint16_t> close_codes;

asio::awaitable<void> big_then_bigger(websocket_session& s)
{
    co_await s.send(std::string(200 * 1024, 'a'));
    co_await s.send(std::string(2 * 1024 * 1024, 'b'));
    for (;;) {
        auto msg = co_await s.read();
        if (!msg) break;
    }
    close_codes.push(s.peer_close_code().value_or(0));
}

} // namespace

TEST(websocket_client, an_oversized_message_is_refused_while_a_200_kb_one_is_accepted)
{
    fixture f;
    f.server.on_websocket("/ws", big_then_bigger);
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f.tls, f.server.url("wss", "/ws")); // default read_message_max: 1 MiB
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        for (int i = 0; i < 2; ++i) {
            auto msg = co_await ws->read();
            if (!msg) {
                o.last = msg.error();
                break;
            }
            o.messages.push_back(*msg);
        }
        // The refusal closes with 1009; let that handshake finish.
        if (auto ec = co_await ws->close()) o.connect = ec;
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    ASSERT_EQ(out.messages.size(), 1u);
    EXPECT_EQ(out.messages[0].size(), 200u * 1024);
    EXPECT_EQ(out.last, net::errc::message_too_large) << out.last.message();
    ASSERT_TRUE(close_codes.wait_for_size(1));
    EXPECT_EQ(close_codes.snapshot()[0], net::close_code::too_big);
}

namespace {

recorder<std::string> received;

asio::awaitable<void> collect(websocket_session& s)
{
    for (;;) {
        auto msg = co_await s.read();
        if (!msg) break;
        received.push(*msg);
    }
}

} // namespace

TEST(websocket_client, the_write_queue_is_bounded_and_drains_in_order)
{
    fixture f;
    f.server.on_websocket("/ws", collect);
    struct queue_outcome {
        error_code connect;
        std::size_t accepted = 0;
        error_code refusal;
        error_code after_drain;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<queue_outcome> {
        queue_outcome o;
        auto options = relaxed_ws();
        options.write_queue_capacity = 4;
        auto ws = co_await connect(f.tls, f.server.url("wss", "/ws"), options);
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        // No suspension between sends: the writer cannot drain, so the bound must hold.
        for (int i = 0; i < 100; ++i) {
            auto ec = ws->send("m" + std::to_string(i));
            if (ec) {
                o.refusal = ec;
                break;
            }
            ++o.accepted;
        }
        co_await eventually([&] { return ws->queued() == 0; });
        co_await eventually([&] { return received.size() >= o.accepted; });
        o.after_drain = ws->send("after");
        co_await eventually([&] { return received.size() >= o.accepted + 1; });
        co_await ws->close();
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    EXPECT_EQ(out.refusal, net::errc::queue_full);
    // Four waiting, plus at most the one the writer already took.
    EXPECT_GE(out.accepted, 4u);
    EXPECT_LE(out.accepted, 5u);
    EXPECT_FALSE(out.after_drain) << out.after_drain.message();
    auto got = received.snapshot();
    ASSERT_EQ(got.size(), out.accepted + 1);
    for (std::size_t i = 0; i < out.accepted; ++i) EXPECT_EQ(got[i], "m" + std::to_string(i));
    EXPECT_EQ(got.back(), "after");
}

namespace {

recorder<std::uint16_t> client_close_codes;

asio::awaitable<void> record_close(websocket_session& s)
{
    for (;;) {
        auto msg = co_await s.read();
        if (!msg) break;
    }
    client_close_codes.push(s.peer_close_code().value_or(0));
}

} // namespace

TEST(websocket_client, close_codes_reach_the_server)
{
    fixture f;
    f.server.on_websocket("/ws", record_close);
    auto results = run(f.ioc, [&]() -> asio::awaitable<std::vector<error_code>> {
        std::vector<error_code> out;
        for (std::uint16_t code : {net::close_code::going_away, std::uint16_t{4001}}) {
            auto ws = co_await connect(f.tls, f.server.url("wss", "/ws"));
            if (!ws) {
                out.push_back(ws.error());
                continue;
            }
            ws->send("queued before the close");
            out.push_back(co_await ws->close(code));
            out.push_back(ws->send("after close"));
            auto r = co_await ws->read();
            out.push_back(r ? error_code{} : r.error());
        }
        co_return out;
    }());
    ASSERT_EQ(results.size(), 6u);
    EXPECT_FALSE(results[0]) << results[0].message();
    EXPECT_EQ(results[1], net::errc::not_connected);
    EXPECT_EQ(results[2], net::errc::not_connected);
    EXPECT_FALSE(results[3]) << results[3].message();
    ASSERT_TRUE(client_close_codes.wait_for_size(2));
    EXPECT_EQ(client_close_codes.snapshot(), (std::vector<std::uint16_t>{1001, 4001}));
}

namespace {

asio::awaitable<void> close_with_1012(websocket_session& s) { co_await s.close(1012, "service restart"); }

asio::awaitable<void> drop_it(websocket_session& s)
{
    co_await s.send("before the drop");
    s.drop();
}

} // namespace

TEST(websocket_client, a_close_from_the_server_is_reported_with_its_code)
{
    fixture f;
    f.server.on_websocket("/ws", close_with_1012);
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f.tls, f.server.url("wss", "/ws"));
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        auto msg = co_await ws->read();
        o.last = msg ? error_code{} : msg.error();
        o.peer_close = ws->peer_close();
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    EXPECT_EQ(out.last, net::errc::closed);
    ASSERT_TRUE(out.peer_close);
    EXPECT_EQ(out.peer_close->code, 1012);
    EXPECT_EQ(out.peer_close->reason, "service restart");
}

TEST(websocket_client, an_abrupt_drop_is_an_error_after_the_messages_before_it)
{
    fixture f;
    f.server.on_websocket("/ws", drop_it);
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f.tls, f.server.url("wss", "/ws"));
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        for (int i = 0; i < 2; ++i) {
            auto msg = co_await ws->read();
            if (!msg) {
                o.last = msg.error();
                break;
            }
            o.messages.push_back(*msg);
        }
        o.peer_close = ws->peer_close();
        if (ws->is_open()) o.connect = net::errc::closed; // must not still count as open
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    EXPECT_EQ(out.messages, (std::vector<std::string>{"before the drop"}));
    EXPECT_TRUE(out.last);
    EXPECT_NE(out.last, net::errc::closed);
    EXPECT_NE(out.last, net::errc::timeout);
    EXPECT_FALSE(out.peer_close);
}

TEST(websocket_client, a_declined_upgrade_is_reported)
{
    fixture f; // no websocket route: the server answers 404
    auto ec = run(f.ioc, [&]() -> asio::awaitable<error_code> {
        auto ws = co_await connect(f.tls, f.server.url("wss", "/nowhere"));
        co_return ws ? error_code{} : ws.error();
    }());
    EXPECT_EQ(ec, net::errc::upgrade_declined);
}

namespace {

asio::awaitable<void> cancel_soon(net::websocket_client& c)
{
    co_await pause(50ms);
    c.cancel();
}

} // namespace

TEST(websocket_client, cancel_fails_a_pending_read_at_once)
{
    fixture f;
    f.server.on_websocket("/ws", silent);
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f.tls, f.server.url("wss", "/ws"));
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        auto first = co_await (ws->read() && cancel_soon(*ws));
        (void)first;
        auto read = co_await ws->read();
        o.last = read ? error_code{} : read.error();
        o.messages.push_back(ws->send("x") == net::errc::not_connected ? "refused" : "accepted");
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    EXPECT_EQ(out.last, net::errc::not_connected);
    EXPECT_EQ(out.messages, (std::vector<std::string>{"refused"}));
}

TEST(websocket_client, plain_ws_to_localhost_echoes)
{
    fixture f({.mode = server_mode::plain});
    f.server.on_websocket("/ws", echo);
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f.tls, f.server.url("ws", "/ws"));
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        ws->send("plain");
        auto msg = co_await ws->read();
        if (msg) o.messages.push_back(*msg);
        o.last = co_await ws->close();
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    EXPECT_EQ(out.messages, (std::vector<std::string>{"plain"}));
    EXPECT_FALSE(out.last) << out.last.message();
}

TEST(websocket_client, a_connect_that_gets_no_answer_times_out)
{
    full_listener listener;
    fixture f;
    auto ec = run(f.ioc, [&]() -> asio::awaitable<error_code> {
        auto options = relaxed_ws();
        options.connect_timeout = 300ms;
        options.handshake_timeout = 60s; // only the connect deadline can end this within run()'s bound
        auto ws = co_await connect(f.tls, "wss://localhost:" + std::to_string(listener.port()) + "/ws", options);
        co_return ws ? error_code{} : ws.error();
    }());
    EXPECT_EQ(ec, net::errc::timeout) << ec.message();
}

namespace {

// A scripted session driven from the test thread: each mailbox item is sent as it arrives.
asio::awaitable<void> forward(mailbox<std::string>& box, websocket_session& s)
{
    for (int i = 0; i < 3; ++i) {
        auto next = co_await box.pop();
        if (!next) break;
        if (!co_await s.send(*next)) break;
    }
}

} // namespace

TEST(websocket_client, a_session_can_be_scripted_from_the_test_thread)
{
    fixture f;
    mailbox<std::string> box(f.server.executor());
    f.server.on_websocket("/ws", [&box](websocket_session& s) { return forward(box, s); });
    box.push("first");
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f.tls, f.server.url("wss", "/ws"));
        if (!ws) {
            o.connect = ws.error();
            co_return o;
        }
        for (auto next : {"second", "third"}) {
            auto msg = co_await ws->read();
            if (!msg) break;
            o.messages.push_back(*msg);
            box.push(next); // the server sends it only now
        }
        auto msg = co_await ws->read();
        if (msg) o.messages.push_back(*msg);
        o.last = co_await ws->close();
        co_return o;
    }());
    ASSERT_FALSE(out.connect) << out.connect.message();
    EXPECT_EQ(out.messages, (std::vector<std::string>{"first", "second", "third"}));
}

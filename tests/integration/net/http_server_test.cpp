// The HTTP server under test runs on the test thread's io_context, next to the clients that
// drive it (the HTTPS client, or raw sockets for what no client would send).
#include "bot/net/http_server.hpp"
#include "net_test.hpp"
#include "tests/support/raw_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

namespace asio = boost::asio;
namespace net = coolhead::net;
using namespace coolhead::test;
using boost::system::error_code;
using response_result = boost::system::result<net::http_response>;

namespace {

asio::awaitable<net::http_server_response> describe(net::http_server_request req)
{
    net::http_server_response res;
    res.status = 201;
    res.headers.push_back({"Content-Type", "text/plain"});
    res.headers.push_back({"X-Seen-Token", std::string(req.header("authorization").value_or("none"))});
    res.body = req.method + " " + req.target + " " + req.remote_address + " " + req.body;
    co_return res;
}

asio::awaitable<net::http_server_response> ok(net::http_server_request)
{
    co_return net::http_server_response{200, {{"Content-Type", "application/json"}}, R"({"text":"ok"})"};
}

net::https_client plain_client(asio::io_context& ioc, asio::ssl::context& tls, std::uint16_t port,
                               net::https_client_options o = relaxed_http())
{
    return net::https_client(ioc.get_executor(), tls, endpoint_of("http://127.0.0.1:" + std::to_string(port) + "/"), o);
}

asio::awaitable<response_result> post(net::https_client& c, std::string target, std::string body)
{
    auto req = make_request(std::move(target), net::http_method::post);
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    req.authorization = coolhead::log::secret("Token cmd-token");
    req.body = std::move(body);
    co_return co_await c.request(std::move(req));
}

asio::awaitable<response_result> get(net::https_client& c, std::string target)
{
    co_return co_await c.request(make_request(std::move(target)));
}

net::http_server_options fast_server()
{
    net::http_server_options o;
    o.request_timeout = 5s;
    o.keep_alive_timeout = 5s;
    return o;
}

} // namespace

TEST(http_server, a_handler_round_trip_sees_method_target_headers_body_and_remote_address)
{
    asio::io_context ioc;
    net::http_server server(ioc.get_executor(), fast_server(), describe);
    ASSERT_FALSE(server.listen());
    EXPECT_NE(server.port(), 0);
    auto tls = test_client_context();
    auto client = plain_client(ioc, tls, server.port());
    auto res = run(ioc, post(client, "/commands/incident?x=1", "text=start"));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->status, 201u);
    EXPECT_EQ(res->header("X-Seen-Token"), "Token cmd-token");
    EXPECT_EQ(res->body, "POST /commands/incident?x=1 127.0.0.1 text=start");
    run(ioc, server.stop());
}

TEST(http_server, serves_tls_with_a_server_context)
{
    asio::io_context ioc;
    auto server_tls = net::make_tls_server_context(server_tls_settings(server_identity::localhost));
    auto options = fast_server();
    options.tls = &server_tls;
    net::http_server server(ioc.get_executor(), options, ok);
    ASSERT_FALSE(server.listen());
    auto tls = test_client_context();
    net::https_client client(ioc.get_executor(), tls,
                             endpoint_of("https://localhost:" + std::to_string(server.port()) + "/"), relaxed_http());
    auto res = run(ioc, get(client, "/healthz"));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->status, 200u);
    EXPECT_EQ(res->body, R"({"text":"ok"})");
    run(ioc, server.stop());
}

TEST(http_server, keep_alive_serves_several_requests_on_one_connection)
{
    asio::io_context ioc;
    net::http_server server(ioc.get_executor(), fast_server(), ok);
    ASSERT_FALSE(server.listen());
    auto tls = test_client_context();
    auto client = plain_client(ioc, tls, server.port());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(run(ioc, get(client, "/healthz")));
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(server.connections(), 1u);
    client.close();
    run(ioc, server.stop());
    EXPECT_EQ(server.connections(), 0u);
}

TEST(http_server, an_oversized_body_is_answered_with_413)
{
    asio::io_context ioc;
    int calls = 0;
    auto options = fast_server();
    options.body_limit = 1024;
    net::http_server server(ioc.get_executor(), options, [&calls](net::http_server_request r) {
        ++calls;
        return ok(std::move(r));
    });
    ASSERT_FALSE(server.listen());
    auto tls = test_client_context();
    auto client = plain_client(ioc, tls, server.port());
    auto res = run(ioc, post(client, "/commands", std::string(200'000, 'x')));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->status, 413u);
    EXPECT_EQ(calls, 0);
    auto small = run(ioc, post(client, "/commands", "text=ok"));
    ASSERT_TRUE(small) << small.error().message();
    EXPECT_EQ(small->status, 200u);
    EXPECT_EQ(calls, 1);
    run(ioc, server.stop());
}

TEST(http_server, oversized_headers_are_answered_with_431)
{
    asio::io_context ioc;
    auto options = fast_server();
    options.header_limit = 2048;
    net::http_server server(ioc.get_executor(), options, ok);
    ASSERT_FALSE(server.listen());
    auto reply = run(ioc, raw_exchange(server.port(),
                                       "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8192, 'a') + "\r\n\r\n", 5s));
    EXPECT_EQ(reply.data.rfind("HTTP/1.1 431", 0), 0u) << reply.data;
    run(ioc, server.stop());
}

TEST(http_server, garbage_is_answered_with_400_and_the_server_keeps_serving)
{
    asio::io_context ioc;
    net::http_server server(ioc.get_executor(), fast_server(), ok);
    ASSERT_FALSE(server.listen());
    for (std::string garbage : {std::string("GARBAGE\r\n\r\n"), std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n",
                                std::string("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n")}) {
        auto reply = run(ioc, raw_exchange(server.port(), garbage, 5s));
        EXPECT_EQ(reply.data.rfind("HTTP/1.1 400", 0), 0u) << reply.data;
        EXPECT_TRUE(reply.peer_closed);
    }
    auto tls = test_client_context();
    auto client = plain_client(ioc, tls, server.port());
    auto res = run(ioc, get(client, "/healthz"));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->status, 200u);
    client.close();
    run(ioc, server.stop());
}

TEST(http_server, a_request_that_stops_midway_times_out)
{
    asio::io_context ioc;
    auto options = fast_server();
    options.request_timeout = 300ms;
    net::http_server server(ioc.get_executor(), options, ok);
    ASSERT_FALSE(server.listen());
    auto reply = run(ioc, raw_exchange(server.port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc", 5s));
    EXPECT_TRUE(reply.peer_closed);
    EXPECT_TRUE(reply.data.empty()) << reply.data;
    run(ioc, server.stop());
}

TEST(http_server, a_throwing_handler_becomes_a_500)
{
    asio::io_context ioc;
    net::http_server server(ioc.get_executor(), fast_server(), [](net::http_server_request) -> asio::awaitable<net::http_server_response> {
        throw std::runtime_error("handler bug");
        co_return net::http_server_response{};
    });
    ASSERT_FALSE(server.listen());
    auto tls = test_client_context();
    auto client = plain_client(ioc, tls, server.port());
    auto res = run(ioc, get(client, "/"));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->status, 500u);
    client.close();
    run(ioc, server.stop());
}

TEST(http_server, connections_beyond_the_cap_are_closed_at_once)
{
    asio::io_context ioc;
    auto options = fast_server();
    options.max_connections = 2;
    net::http_server server(ioc.get_executor(), options, ok);
    ASSERT_FALSE(server.listen());
    struct cap_outcome {
        bool both_held = false;
        raw_read third;
        bool slot_freed = false;
        raw_read fourth;
    };
    auto out = run(ioc, [&]() -> asio::awaitable<cap_outcome> {
        cap_outcome o;
        auto ex = co_await asio::this_coro::executor;
        raw_connection a(ex), b(ex), c(ex), d(ex);
        co_await a.connect(server.port());
        co_await b.connect(server.port());
        o.both_held = co_await eventually([&] { return server.connections() == 2; });
        co_await c.connect(server.port());
        o.third = co_await c.read_until_closed(5s);
        a.close();
        o.slot_freed = co_await eventually([&] { return server.connections() == 1; });
        co_await d.connect(server.port());
        co_await d.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        o.fourth = co_await d.read_until_closed(5s);
        co_return o;
    }());
    EXPECT_TRUE(out.both_held);
    EXPECT_TRUE(out.third.peer_closed);
    EXPECT_TRUE(out.third.data.empty());
    EXPECT_TRUE(out.slot_freed);
    EXPECT_EQ(out.fourth.data.rfind("HTTP/1.1 200", 0), 0u) << out.fourth.data;
    run(ioc, server.stop());
}

namespace {

// The handler blocks on a timer the test cancels, so "in flight" is a state, not a race.
struct gate {
    bool entered = false;
    std::optional<asio::steady_timer> timer;
};

asio::awaitable<net::http_server_response> wait_at_gate(gate& g)
{
    g.entered = true;
    co_await g.timer->async_wait(boost::asio::as_tuple(asio::use_awaitable));
    co_return net::http_server_response{200, {}, "finished"};
}

} // namespace

TEST(http_server, graceful_stop_lets_an_in_flight_request_finish)
{
    asio::io_context ioc;
    gate g;
    g.timer.emplace(ioc, asio::steady_timer::time_point::max());
    net::http_server server(ioc.get_executor(), fast_server(),
                            [&g](net::http_server_request) { return wait_at_gate(g); });
    ASSERT_FALSE(server.listen());
    auto const port = server.port();
    auto tls = test_client_context();
    auto busy = plain_client(ioc, tls, port);
    struct stop_outcome {
        response_result response;
        bool idle_closed = false;
        bool stop_waited = false;
        raw_read late;
        bool stopped = false;
    };
    auto out = run(ioc, [&]() -> asio::awaitable<stop_outcome> {
        stop_outcome o;
        auto ex = co_await asio::this_coro::executor;
        // An idle kept-alive connection, and a request held inside the handler.
        raw_connection idle_conn(ex);
        co_await idle_conn.connect(port);
        bool response_done = false;
        asio::co_spawn(ex, get(busy, "/slow"), [&](std::exception_ptr, response_result r) {
            o.response = std::move(r);
            response_done = true;
        });
        co_await eventually([&] { return g.entered && server.connections() == 2; });

        bool stop_done = false;
        asio::co_spawn(ex, server.stop(), [&](std::exception_ptr) { stop_done = true; });
        // The idle connection is closed at once; stop() waits for the request in flight.
        auto idle_read = co_await idle_conn.read_until_closed(5s);
        o.idle_closed = idle_read.peer_closed;
        o.stop_waited = !stop_done && !response_done;
        // The listener is closed: a new connection is refused.
        raw_connection late(ex);
        auto late_ec = co_await late.connect(port);
        if (!late_ec) o.late = co_await late.read_until_closed(5s);
        else o.late.peer_closed = true;

        g.timer->cancel();
        co_await eventually([&] { return stop_done && response_done; });
        o.stopped = stop_done;
        co_return o;
    }());
    EXPECT_TRUE(out.idle_closed);
    EXPECT_TRUE(out.stop_waited);
    EXPECT_TRUE(out.late.peer_closed);
    EXPECT_TRUE(out.late.data.empty());
    ASSERT_TRUE(out.response) << out.response.error().message();
    EXPECT_EQ(out.response->status, 200u);
    EXPECT_EQ(out.response->body, "finished");
    EXPECT_EQ(out.response->header("Connection"), "close");
    EXPECT_TRUE(out.stopped);
    EXPECT_EQ(server.connections(), 0u);
}

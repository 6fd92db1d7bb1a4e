// The HTTPS client against the in-process TLS test server: request/response, keep-alive,
// stale connections, timeouts, limits, queueing and cancellation.
#include "net_test.hpp"
#include "tests/support/raw_client.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>

namespace asio = boost::asio;
namespace net = coolhead::net;
using namespace coolhead::test;
using namespace asio::experimental::awaitable_operators;
using boost::system::error_code;
using response_result = boost::system::result<net::http_response>;

namespace {

struct fixture {
    test_server server;
    asio::ssl::context tls = test_client_context();
    asio::io_context ioc;

    net::https_client client(std::string const& path = "/", net::https_client_options o = relaxed_http())
    {
        return net::https_client(ioc.get_executor(), tls, endpoint_of(server.url("https", path)), o);
    }
};

asio::awaitable<response_result> get(net::https_client& c, std::string target)
{
    co_return co_await c.request(make_request(std::move(target)));
}

asio::awaitable<void> requests_seen(test_server& server, std::size_t n)
{
    co_await eventually([&server, n] { return server.requests().size() >= n; });
}

asio::awaitable<http_reply> echo_target(recorded_request r)
{
    co_return http_reply::json(r.target);
}

} // namespace

TEST(https_client, a_request_carries_headers_secret_and_body_and_the_response_comes_back_whole)
{
    fixture f;
    f.server.on_http("/api/chat.postMessage", [](recorded_request) -> asio::awaitable<http_reply> {
        http_reply r = http_reply::json(R"({"ok":false,"error":"ratelimited"})", 429);
        r.headers.push_back({"Retry-After", "7"});
        r.headers.push_back({"X-Ratelimit-Remaining", "0"});
        co_return r;
    });
    auto client = f.client("/api/");
    net::http_request req;
    req.method = net::http_method::post;
    req.target = "chat.postMessage";
    req.headers.push_back({"Content-Type", "application/json; charset=utf-8"});
    req.authorization = coolhead::log::secret("Bearer xoxb-test-token");
    req.body = R"({"channel":"C1","text":"hi"})";
    auto res = run(f.ioc, client.request(req));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->status, 429u);
    EXPECT_EQ(res->header("retry-after"), "7");
    EXPECT_EQ(res->header("X-RATELIMIT-REMAINING"), "0");
    EXPECT_EQ(res->body, R"({"ok":false,"error":"ratelimited"})");

    auto seen = f.server.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_EQ(seen[0].target, "/api/chat.postMessage");
    EXPECT_EQ(seen[0].header("Authorization"), "Bearer xoxb-test-token");
    EXPECT_EQ(seen[0].header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(seen[0].header("Host"), "localhost:" + std::to_string(f.server.port()));
    EXPECT_TRUE(seen[0].header("User-Agent").has_value());
    EXPECT_EQ(seen[0].body, R"({"channel":"C1","text":"hi"})");
}

TEST(https_client, an_empty_post_is_sent_with_content_length_zero)
{
    fixture f;
    f.server.on_http("/api/apps.connections.open", reply_with(R"({"ok":true})"));
    auto client = f.client("/api/");
    auto res = run(f.ioc, client.request(make_request("apps.connections.open", net::http_method::post)));
    ASSERT_TRUE(res) << res.error().message();
    auto seen = f.server.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].header("Content-Length"), "0");
}

TEST(https_client, keep_alive_reuses_one_connection)
{
    fixture f;
    f.server.on_http("/a", echo_target);
    auto client = f.client();
    for (int i = 0; i < 3; ++i) {
        auto res = run(f.ioc, get(client, "/a?i=" + std::to_string(i)));
        ASSERT_TRUE(res) << res.error().message();
        EXPECT_EQ(res->body, "/a?i=" + std::to_string(i));
    }
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(f.server.connections_accepted(), 1u);
    for (auto const& r : f.server.requests()) EXPECT_EQ(r.connection, 1u);
}

TEST(https_client, a_stale_kept_alive_connection_is_replaced_transparently)
{
    fixture f;
    f.server.on_http("/first", [](recorded_request) -> asio::awaitable<http_reply> {
        http_reply r = http_reply::json("first");
        r.after = http_reply::then::close_silently; // looks kept alive, but the server closes it
        co_return r;
    });
    f.server.on_http("/second", reply_with("second"));
    auto client = f.client();
    auto first = run(f.ioc, get(client, "/first"));
    ASSERT_TRUE(first) << first.error().message();
    ASSERT_TRUE(wait_until([&] { return f.server.connections_open() == 0; }));

    auto second = run(f.ioc, get(client, "/second"));
    ASSERT_TRUE(second) << second.error().message();
    EXPECT_EQ(second->body, "second");
    EXPECT_EQ(client.connections_opened(), 2u);
    EXPECT_EQ(f.server.connections_accepted(), 2u);
}

TEST(https_client, connection_close_from_the_server_is_honoured)
{
    fixture f;
    f.server.on_http("/bye", [](recorded_request) -> asio::awaitable<http_reply> {
        http_reply r = http_reply::json("bye");
        r.after = http_reply::then::close;
        co_return r;
    });
    auto client = f.client();
    ASSERT_TRUE(run(f.ioc, get(client, "/bye")));
    ASSERT_TRUE(run(f.ioc, get(client, "/bye")));
    EXPECT_EQ(client.connections_opened(), 2u);
}

TEST(https_client, a_stalled_response_times_out)
{
    fixture f;
    f.server.on_http("/slow", [&f](recorded_request) -> asio::awaitable<http_reply> {
        co_await f.server.stall();
        co_return http_reply::json("too late");
    });
    auto options = relaxed_http();
    options.request_timeout = 300ms;
    auto client = f.client("/", options);
    auto res = run(f.ioc, get(client, "/slow"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error(), net::errc::timeout) << res.error().message();
}

TEST(https_client, a_dropped_connection_without_response_is_an_error_not_a_retry_loop)
{
    fixture f;
    f.server.on_http("/drop", [](recorded_request) -> asio::awaitable<http_reply> {
        http_reply r;
        r.after = http_reply::then::drop;
        co_return r;
    });
    auto client = f.client();
    auto res = run(f.ioc, get(client, "/drop"));
    ASSERT_FALSE(res);
    // A fresh connection is not retried: the server may have acted on the request.
    EXPECT_EQ(f.server.requests().size(), 1u);
}

TEST(https_client, a_response_body_over_the_cap_is_refused)
{
    fixture f;
    f.server.on_http("/big", reply_with(std::string(200'000, 'x')));
    f.server.on_http("/small", reply_with("small"));
    auto options = relaxed_http();
    options.response_body_limit = 100'000;
    auto client = f.client("/", options);
    auto big = run(f.ioc, get(client, "/big"));
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error(), net::errc::body_too_large);
    auto small = run(f.ioc, get(client, "/small"));
    ASSERT_TRUE(small) << small.error().message();
    EXPECT_EQ(small->body, "small");
}

TEST(https_client, an_authorization_header_must_be_a_secret)
{
    fixture f;
    auto client = f.client();
    auto req = make_request("/");
    req.headers.push_back({"authorization", "Bearer xoxb-plain"});
    auto res = run(f.ioc, client.request(req));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error(), net::errc::secret_in_plain_header);

    auto injected = make_request("/");
    injected.headers.push_back({"X-Test", "a\r\nInjected: yes"});
    auto res2 = run(f.ioc, client.request(injected));
    ASSERT_FALSE(res2);
    EXPECT_EQ(res2.error(), net::errc::invalid_header);
    EXPECT_EQ(f.server.connections_accepted(), 0u);
}

TEST(https_client, a_target_cannot_leave_the_origin)
{
    fixture f;
    auto client = f.client("/api/");
    auto res2 = run(f.ioc, get(client, "https://evil.example/steal"));
    ASSERT_FALSE(res2);
    EXPECT_EQ(res2.error(), net::errc::invalid_target);
    EXPECT_EQ(f.server.connections_accepted(), 0u);
}

TEST(https_client, concurrent_requests_queue_on_one_connection)
{
    fixture f;
    f.server.on_http("/q", echo_target);
    auto client = f.client();
    auto results = run(f.ioc, [&]() -> asio::awaitable<std::vector<std::string>> {
        auto [a, b, c] = co_await (get(client, "/q?n=1") && get(client, "/q?n=2") && get(client, "/q?n=3"));
        std::vector<std::string> out;
        for (auto* r : {&a, &b, &c}) out.push_back(*r ? (*r)->body : "error: " + r->error().message());
        co_return out;
    }());
    EXPECT_EQ(results, (std::vector<std::string>{"/q?n=1", "/q?n=2", "/q?n=3"}));
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(f.server.connections_accepted(), 1u);
}

TEST(https_client, a_cancelled_request_leaves_the_client_usable)
{
    fixture f;
    f.server.on_http("/slow", [&f](recorded_request) -> asio::awaitable<http_reply> {
        co_await f.server.stall();
        co_return http_reply::json("too late");
    });
    f.server.on_http("/fast", reply_with("fast"));
    auto client = f.client();
    // The second branch finishes once the server holds the request, and so wins the race.
    auto cancelled = run(f.ioc, [&]() -> asio::awaitable<bool> {
        auto outcome = co_await (get(client, "/slow") || requests_seen(f.server, 1));
        co_return outcome.index() == 1;
    }());
    EXPECT_TRUE(cancelled);
    auto res = run(f.ioc, get(client, "/fast"));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->body, "fast");
}

TEST(https_client, a_connect_that_gets_no_answer_times_out)
{
    full_listener listener;
    auto tls = test_client_context();
    asio::io_context ioc;
    auto options = relaxed_http();
    options.connect_timeout = 300ms;
    options.handshake_timeout = 60s; // longer than run()'s bound: only the connect deadline can end this
    net::https_client client(ioc.get_executor(), tls,
                             endpoint_of("https://localhost:" + std::to_string(listener.port()) + "/"), options);
    auto res = run(ioc, get(client, "/"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error(), net::errc::timeout) << res.error().message();
}

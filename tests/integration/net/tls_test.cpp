// TLS verification over HTTPS and WSS against the configure-time test CA (STYLE.md section 6),
// and the loopback rule for plain http:// and ws://.
#include "net_test.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

namespace asio = boost::asio;
namespace net = coolhead::net;
using namespace coolhead::test;
using boost::system::error_code;

namespace {

asio::awaitable<boost::system::result<net::http_response>> fetch(asio::ssl::context& tls, std::string url,
                                                                  net::https_client_options options)
{
    auto ep = endpoint_of(url);
    net::https_client client(co_await asio::this_coro::executor, tls, ep, options);
    co_return co_await client.request(make_request(ep.target));
}

asio::awaitable<error_code> ws_connect(asio::ssl::context& tls, std::string url, net::websocket_options options)
{
    auto ws = co_await net::websocket_client::connect(co_await asio::this_coro::executor, tls,
                                                      coolhead::log::secret(url), options);
    if (!ws) co_return ws.error();
    co_await ws->close(net::close_code::normal);
    co_return error_code{};
}

asio::awaitable<void> hold_open(websocket_session& s)
{
    for (;;) {
        auto msg = co_await s.read();
        if (!msg) break;
    }
}

} // namespace

TEST(tls, a_certificate_from_the_test_ca_is_accepted_over_https)
{
    test_server server;
    server.on_http("/ok", reply_with(R"({"ok":true})"));
    auto tls = test_client_context();
    asio::io_context ioc;
    auto res = run(ioc, fetch(tls, server.url("https", "/ok"), relaxed_http()));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->status, 200u);
    EXPECT_EQ(res->body, R"({"ok":true})");
}

TEST(tls, a_certificate_from_the_test_ca_is_accepted_over_wss)
{
    test_server server;
    server.on_websocket("/ws", hold_open);
    auto tls = test_client_context();
    asio::io_context ioc;
    auto ec = run(ioc, ws_connect(tls, server.url("wss", "/ws"), relaxed_ws()));
    EXPECT_FALSE(ec) << ec.message();
}

TEST(tls, a_certificate_from_another_ca_is_refused_over_https)
{
    test_server server({.identity = server_identity::other_ca});
    server.on_http("/ok", reply_with("{}"));
    auto tls = test_client_context();
    asio::io_context ioc;
    auto res = run(ioc, fetch(tls, server.url("https", "/ok"), relaxed_http()));
    ASSERT_FALSE(res);
    EXPECT_TRUE(net::is_certificate_error(res.error())) << res.error().message();
    EXPECT_TRUE(server.requests().empty());
}

TEST(tls, a_certificate_from_another_ca_is_refused_over_wss)
{
    test_server server({.identity = server_identity::other_ca});
    server.on_websocket("/ws", hold_open);
    auto tls = test_client_context();
    asio::io_context ioc;
    auto ec = run(ioc, ws_connect(tls, server.url("wss", "/ws"), relaxed_ws()));
    EXPECT_TRUE(net::is_certificate_error(ec)) << ec.message();
    EXPECT_TRUE(server.requests().empty());
}

TEST(tls, a_certificate_for_another_host_is_refused_over_https)
{
    test_server server({.identity = server_identity::wrong_host});
    server.on_http("/ok", reply_with("{}"));
    auto tls = test_client_context();
    asio::io_context ioc;
    auto res = run(ioc, fetch(tls, server.url("https", "/ok"), relaxed_http()));
    ASSERT_FALSE(res);
    EXPECT_TRUE(net::is_certificate_error(res.error())) << res.error().message();
    EXPECT_TRUE(server.requests().empty());
}

TEST(tls, a_certificate_for_another_host_is_refused_over_wss)
{
    test_server server({.identity = server_identity::wrong_host});
    server.on_websocket("/ws", hold_open);
    auto tls = test_client_context();
    asio::io_context ioc;
    auto ec = run(ioc, ws_connect(tls, server.url("wss", "/ws"), relaxed_ws()));
    EXPECT_TRUE(net::is_certificate_error(ec)) << ec.message();
    EXPECT_TRUE(server.requests().empty());
}

TEST(tls, an_ip_literal_host_is_checked_against_the_ip_san)
{
    // https://127.0.0.1: no SNI (RFC 6066 has none for addresses), the IP SAN must match.
    test_server good;
    good.on_http("/ok", reply_with("{}"));
    test_server wrong({.identity = server_identity::wrong_host}); // no IP SAN at all
    wrong.on_http("/ok", reply_with("{}"));
    auto tls = test_client_context();
    asio::io_context ioc;
    auto ok = run(ioc, fetch(tls, "https://127.0.0.1:" + std::to_string(good.port()) + "/ok", relaxed_http()));
    ASSERT_TRUE(ok) << ok.error().message();
    auto refused = run(ioc, fetch(tls, "https://127.0.0.1:" + std::to_string(wrong.port()) + "/ok", relaxed_http()));
    ASSERT_FALSE(refused);
    EXPECT_TRUE(net::is_certificate_error(refused.error())) << refused.error().message();
}

TEST(tls, the_system_store_does_not_trust_the_test_ca)
{
    // Verification is on by default: without the test CA the same server is refused.
    test_server server;
    server.on_http("/ok", reply_with("{}"));
    auto tls = net::make_tls_client_context({});
    asio::io_context ioc;
    auto res = run(ioc, fetch(tls, server.url("https", "/ok"), relaxed_http()));
    ASSERT_FALSE(res);
    EXPECT_TRUE(net::is_certificate_error(res.error())) << res.error().message();
}

TEST(tls, a_missing_ca_file_fails_at_startup)
{
    EXPECT_THROW(net::make_tls_client_context({.ca_file = test_ca_file("no-such-ca.pem")}), boost::system::system_error);
    EXPECT_THROW(net::make_tls_server_context({test_ca_file("localhost.pem"), test_ca_file("other-localhost.key")}),
                 boost::system::system_error);
}

TEST(tls, a_server_that_never_speaks_tls_times_out_the_https_handshake)
{
    test_server server({.mode = server_mode::silent});
    auto tls = test_client_context();
    auto options = relaxed_http();
    options.handshake_timeout = 300ms;
    asio::io_context ioc;
    auto res = run(ioc, fetch(tls, server.url("https", "/ok"), options));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error(), net::errc::timeout) << res.error().message();
    EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST(tls, a_server_that_never_speaks_tls_times_out_the_wss_handshake)
{
    test_server server({.mode = server_mode::silent});
    auto tls = test_client_context();
    auto options = relaxed_ws();
    options.handshake_timeout = 300ms;
    asio::io_context ioc;
    auto ec = run(ioc, ws_connect(tls, server.url("wss", "/ws"), options));
    EXPECT_EQ(ec, net::errc::timeout) << ec.message();
}

TEST(tls, plain_http_and_ws_to_127_0_0_1_are_accepted)
{
    test_server server({.mode = server_mode::plain});
    server.on_http("/ok", reply_with("{}"));
    server.on_websocket("/ws", hold_open);
    auto tls = test_client_context();
    auto const base = "127.0.0.1:" + std::to_string(server.port());
    asio::io_context ioc;
    auto res = run(ioc, fetch(tls, "http://" + base + "/ok", relaxed_http()));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->status, 200u);
    auto ec = run(ioc, ws_connect(tls, "ws://" + base + "/ws", relaxed_ws()));
    EXPECT_FALSE(ec) << ec.message();
}

TEST(tls, plain_http_and_ws_to_other_hosts_are_refused_before_connecting)
{
    auto tls = test_client_context();
    asio::io_context ioc;
    // A hand-built endpoint bypasses parse_endpoint; the client still refuses it.
    net::endpoint ep{net::scheme::http, "example.com", 80, "/"};
    auto res = run(ioc, [&]() -> asio::awaitable<boost::system::result<net::http_response>> {
        net::https_client client(co_await asio::this_coro::executor, tls, ep, relaxed_http());
        co_return co_await client.request(make_request("/"));
    }());
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error(), net::errc::tls_required);

    auto ec = run(ioc, ws_connect(tls, "ws://example.com/api/v4/websocket", relaxed_ws()));
    EXPECT_EQ(ec, net::errc::tls_required);
}

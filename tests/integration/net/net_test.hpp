#pragma once
// Shared set-up for the network layer tests: short timeouts where a timeout is the point,
// generous ones where it must not fire (sanitizer builds are slow).

#include "bot/net/endpoint.hpp"
#include "bot/net/error.hpp"
#include "bot/net/https_client.hpp"
#include "bot/net/tls.hpp"
#include "bot/net/websocket_client.hpp"
#include "tests/support/test_server.hpp"
#include "tests/support/wait.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

namespace coolhead::test {

using namespace std::chrono_literals;

/// Timeouts that should never fire in a passing test.
inline net::https_client_options relaxed_http()
{
    net::https_client_options o;
    o.connect_timeout = 5s;
    o.handshake_timeout = 5s;
    o.request_timeout = 5s;
    return o;
}

inline net::websocket_options relaxed_ws()
{
    net::websocket_options o;
    o.connect_timeout = 5s;
    o.handshake_timeout = 5s;
    o.idle_timeout = 10s;
    return o;
}

/// A request with just a method and a target (designated initializers that leave members out
/// trip GCC 12's -Wmissing-field-initializers).
inline net::http_request make_request(std::string target, net::http_method method = net::http_method::get)
{
    net::http_request r;
    r.method = method;
    r.target = std::move(target);
    return r;
}

/// The endpoint of a test server URL; fails the test if it does not parse.
inline net::endpoint endpoint_of(std::string const& url)
{
    auto ep = net::parse_endpoint(url);
    if (!ep) throw std::runtime_error("bad test URL: " + ep.error().message());
    return *ep;
}

inline boost::asio::awaitable<http_reply> json_reply(std::string body, recorded_request)
{
    co_return http_reply::json(std::move(body));
}

/// A handler answering 200 with `body`. (Handlers in these tests are either plain lambdas that
/// call named coroutines, or coroutine lambdas capturing references only: GCC 12 mishandles
/// coroutine lambdas that own captures, STYLE.md 5.9.)
inline http_handler reply_with(std::string body)
{
    return [body](recorded_request r) { return json_reply(body, std::move(r)); };
}

} // namespace coolhead::test

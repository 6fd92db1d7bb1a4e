#include "bot/net/detail/transport.hpp"

#include "bot/log/log.hpp"
#include "bot/net/error.hpp"
#include "bot/net/tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

namespace coolhead::net::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// The resolver cannot be cancelled while getaddrinfo runs, so racing it with `||` would still
// wait for the lookup. Instead the lookup runs as its own task and reports into shared state;
// the caller waits on a timer that the lookup cancels when it finishes.
struct resolve_state {
    explicit resolve_state(asio::any_io_executor const& ex) : resolver(ex), timer(ex) {}
    tcp::resolver resolver;
    asio::steady_timer timer;
    error_code ec;
    tcp::resolver::results_type results;
    bool done = false;
};

asio::awaitable<void> run_lookup(std::shared_ptr<resolve_state> st, std::string host, std::string port)
{
    auto [ec, results] = co_await st->resolver.async_resolve(host, port, use_tuple);
    st->ec = ec;
    st->results = std::move(results);
    st->done = true;
    st->timer.cancel();
}

asio::awaitable<error_code> resolve(endpoint const& ep, std::chrono::milliseconds timeout,
                                    std::vector<tcp::endpoint>& out)
{
    auto ex = co_await asio::this_coro::executor;
    auto st = std::make_shared<resolve_state>(ex);
    st->timer.expires_after(timeout);
    asio::co_spawn(ex, run_lookup(st, ep.host, std::to_string(ep.port)), asio::detached);
    auto [wait_ec] = co_await st->timer.async_wait(use_tuple);
    if (!st->done) {
        st->resolver.cancel();
        // The lookup cancels the timer only once it is done, so an aborted wait here means
        // our caller was cancelled.
        co_return wait_ec == asio::error::operation_aborted ? error_code(asio::error::operation_aborted)
                                                            : make_error_code(errc::timeout);
    }
    if (st->ec) co_return st->ec;
    for (auto const& entry : st->results) {
        // Plain transport only to loopback addresses, whatever the name resolved to.
        if (!ep.tls() && !entry.endpoint().address().is_loopback()) continue;
        out.push_back(entry.endpoint());
    }
    if (out.empty()) co_return ep.tls() ? error_code(asio::error::host_not_found) : make_error_code(errc::tls_required);
    co_return error_code{};
}

} // namespace

error_code normalise(error_code ec) noexcept
{
    if (ec == beast::error::timeout) return make_error_code(errc::timeout);
    return ec;
}

long long elapsed_ms(std::chrono::steady_clock::time_point start) noexcept
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

asio::awaitable<error_code> connect_tcp(beast::tcp_stream& stream, endpoint const& ep, std::chrono::milliseconds timeout)
{
    if (!ep.tls() && !is_loopback_host(ep.host)) co_return make_error_code(errc::tls_required);
    std::vector<tcp::endpoint> addresses;
    if (auto ec = co_await resolve(ep, timeout, addresses)) co_return ec;
    stream.expires_after(timeout);
    auto [ec, connected] = co_await stream.async_connect(addresses, use_tuple);
    if (ec) {
        stream.close();
        co_return normalise(ec);
    }
    (void)connected;
    co_return error_code{};
}

asio::awaitable<error_code> handshake_tls(tls_stream& stream, std::string const& host, std::chrono::milliseconds timeout)
{
    if (auto ec = prepare_tls_stream(stream, host)) co_return ec;
    beast::get_lowest_layer(stream).expires_after(timeout);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (ec) {
        if (is_certificate_error(ec)) {
            long const result = SSL_get_verify_result(stream.native_handle());
            log::component("net")->warn("event=tls_certificate_rejected host={} verify_error=\"{}\"", host,
                                        X509_verify_cert_error_string(result));
        }
        beast::get_lowest_layer(stream).close();
        co_return normalise(ec);
    }
    co_return error_code{};
}

} // namespace coolhead::net::detail

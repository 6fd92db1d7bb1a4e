#pragma once
// Internal to bot/net: the connection steps shared by https_client and websocket_client
// (resolve, TCP connect, TLS handshake), each under its own fresh deadline (STYLE.md 5.4).
// Includes Beast, so only .cpp files include it.

#include "bot/net/endpoint.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <string>

namespace coolhead::net::detail {

using tls_stream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

/// Resolves `ep.host` and connects `stream`, each step bounded by `timeout`. For a plain
/// endpoint only loopback addresses are used (errc::tls_required if the name resolves to none),
/// so the loopback rule follows the address as well as the name. Cancellable; on any error
/// the stream is left closed.
boost::asio::awaitable<boost::system::error_code> connect_tcp(boost::beast::tcp_stream& stream, endpoint const& ep,
                                                              std::chrono::milliseconds timeout);

/// SNI, host-name verification and the client TLS handshake, bounded by `timeout`.
/// Certificate failures are logged (host and OpenSSL's verify result only).
boost::asio::awaitable<boost::system::error_code> handshake_tls(tls_stream& stream, std::string const& host,
                                                                std::chrono::milliseconds timeout);

/// Maps Beast's `error::timeout` to `errc::timeout`; other codes pass through.
boost::system::error_code normalise(boost::system::error_code ec) noexcept;

/// Milliseconds since `start`, for `duration_ms=` log fields.
long long elapsed_ms(std::chrono::steady_clock::time_point start) noexcept;

} // namespace coolhead::net::detail

#pragma once
/// A small HTTP/1.1 server for Mattermost slash-command callbacks and `/healthz`: plain or TLS,
/// keep-alive, a coroutine handler per request, limits on body size, header size, time per
/// request and concurrent connections, and a graceful stop. Untrusted input never crashes it:
/// malformed requests get 400, oversized bodies 413, oversized headers 431, each with a log line.
///
/// Threading: construct, listen, stop and destroy on one executor (the io_context thread or a
/// strand of it); the handler runs there too. `port()` and `connections()` may be read from
/// any thread.

#include "bot/net/http_fields.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::asio::ssl {
class context;
}

namespace coolhead::net {

/// What the handler sees of a request.
struct http_server_request {
    std::string method; ///< "POST", "GET", ...
    /// Path and query as received. Mattermost GET commands carry their token in the query:
    /// never log it (the server logs the path only).
    std::string target;
    http_headers headers;
    std::string body;
    std::string remote_address; ///< the peer's IP address, e.g. "127.0.0.1"

    /// The first header named `name` (case-insensitive), or nullopt.
    std::optional<std::string_view> header(std::string_view name) const noexcept
    {
        return find_header(headers, name);
    }
};

/// The handler's answer. The server sets `Content-Length` and `Connection`.
struct http_server_response {
    unsigned status = 200;
    http_headers headers; ///< e.g. {"Content-Type", "application/json"}
    std::string body;
};

/// Called once per request on the server's executor. An exception becomes a 500 (logged).
/// The server never cancels a running handler, so bound slow work inside it.
using http_handler = std::function<boost::asio::awaitable<http_server_response>(http_server_request)>;

/// Where to listen and the limits that keep untrusted clients in check.
struct http_server_options {
    /// Address to bind: "127.0.0.1", "0.0.0.0", "::".
    std::string address = "127.0.0.1";
    /// 0: the OS picks a free port; read it back with port().
    std::uint16_t port = 0;
    /// TLS when set (see make_tls_server_context); must outlive the server.
    boost::asio::ssl::context* tls = nullptr;
    /// Larger request bodies are answered with 413 and the connection is closed.
    std::size_t body_limit = 64u << 10;
    /// Larger request headers are answered with 431 and the connection is closed.
    std::size_t header_limit = 16u << 10;
    /// Bounds reading one request (from its first byte) and, freshly, writing the response.
    std::chrono::milliseconds request_timeout{10'000};
    /// Bounds the TLS handshake of a new connection.
    std::chrono::milliseconds handshake_timeout{10'000};
    /// How long a connection may wait for its next (or first) request.
    std::chrono::milliseconds keep_alive_timeout{30'000};
    /// Connections beyond this many are accepted and closed at once (logged).
    std::size_t max_connections = 64;
};

/// The server itself; holds its state in a shared block so connections may outlive a stop().
class http_server {
public:
    /// Does not bind yet; see listen().
    http_server(boost::asio::any_io_executor executor, http_server_options options, http_handler handler);
    /// Abrupt: closes the listener and every connection. Handlers already running finish, but
    /// their responses are lost. Prefer `co_await stop()` first.
    ~http_server();
    /// Moves the listener and connections; the moved-from server must only be destroyed.
    http_server(http_server&&) noexcept;
    http_server& operator=(http_server&&) = delete;

    /// Binds, listens and starts accepting on the executor. Returns the bind error (address in
    /// use, bad address) instead of throwing. Call once.
    boost::system::error_code listen();

    /// The bound port (after listen()), else 0.
    std::uint16_t port() const noexcept;

    /// Graceful stop: closes the listener, closes idle keep-alive connections, lets requests
    /// in progress finish (their responses say `Connection: close`), and completes when every
    /// connection is gone. Idempotent. Cancelling the wait (e.g. a grace period via `||`) does
    /// not undo the stop; destroy the server to cut the rest off.
    boost::asio::awaitable<void> stop();

    /// Open connections right now.
    std::size_t connections() const noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace coolhead::net

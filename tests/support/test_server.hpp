#pragma once
/// A scriptable in-process HTTP/websocket server for tests, on 127.0.0.1 with a port the OS
/// picks and its own io_context thread. By default it speaks TLS with the test CA's localhost
/// certificate. Per-test handlers answer plain HTTP requests (any status, headers, body; or
/// stall, or close the connection) and script websocket sessions (send, ping, read, close with
/// a code, drop the TCP connection, go silent). Fake Slack and fake Mattermost servers build
/// on it.
///
/// Threading: handlers and websocket sessions run on the server's thread. on_http/on_websocket,
/// requests(), counters, port() and url() may be used from any thread.

#include "bot/net/http_fields.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/support/wait.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::test {

enum class server_mode {
    tls,    ///< TLS with `identity`, then HTTP/websocket
    plain,  ///< plain HTTP/websocket (for the loopback rule and ws:// tests)
    silent, ///< accepts TCP connections, reads and discards, never sends a byte (handshake timeouts)
};

struct server_options {
    server_mode mode = server_mode::tls;
    server_identity identity = server_identity::localhost;
};

/// One HTTP request as the server saw it (websocket upgrades included).
struct recorded_request {
    std::string method;
    std::string target; ///< path and query
    std::string path;   ///< without the query
    net::http_headers headers;
    std::string body;
    std::size_t connection = 0; ///< which TCP connection (1, 2, ... in accept order)

    std::optional<std::string_view> header(std::string_view name) const noexcept
    {
        return net::find_header(headers, name);
    }
};

/// What a handler answers.
struct http_reply {
    enum class then {
        keep_alive,     ///< normal; the connection stays open if the client wants
        close,          ///< answer with `Connection: close`, then close
        close_silently, ///< answer as if keeping the connection alive, then close it (stale keep-alive)
        drop,           ///< close the TCP connection without answering
    };
    unsigned status = 200;
    net::http_headers headers;
    std::string body;
    then after = then::keep_alive;

    static http_reply json(std::string body, unsigned status = 200);
};

/// A server-side websocket session, handed to a websocket handler on the server thread. At most
/// one read and one write (send, ping, close) at a time.
class websocket_session {
public:
    struct impl;
    explicit websocket_session(std::unique_ptr<impl> p);
    ~websocket_session();
    websocket_session(websocket_session const&) = delete;
    websocket_session& operator=(websocket_session const&) = delete;

    /// The upgrade request (headers, target), e.g. to check Authorization.
    recorded_request const& upgrade_request() const noexcept;
    /// Sends a text message; false if the connection failed.
    boost::asio::awaitable<bool> send(std::string text);
    /// Sends a binary message; false if the connection failed.
    boost::asio::awaitable<bool> send_binary(std::string data);
    /// Sends a ping; false if the connection failed.
    boost::asio::awaitable<bool> ping();
    /// The next message (text or binary), or nullopt once the peer closed or the connection
    /// failed; then peer_close_code() tells whether a close frame came. Answers pings meanwhile.
    boost::asio::awaitable<std::optional<std::string>> read();
    /// Sends a close frame with `code` and waits (bounded, 5 s) for the answer.
    boost::asio::awaitable<void> close(std::uint16_t code, std::string reason = {});
    /// Closes the TCP connection abruptly: no close frame.
    void drop() noexcept;
    /// Goes silent: reads nothing (so pings stay unanswered) and sends nothing, until the
    /// server stops.
    boost::asio::awaitable<void> stall();
    /// The close code of the client's close frame, once read() returned nullopt because of it.
    std::optional<std::uint16_t> peer_close_code() const noexcept;

private:
    std::unique_ptr<impl> impl_;
};

using http_handler = std::function<boost::asio::awaitable<http_reply>(recorded_request)>;
using websocket_handler = std::function<boost::asio::awaitable<void>(websocket_session&)>;

class test_server {
public:
    explicit test_server(server_options options = {});
    /// Stops the server: closes the listener and every connection, ends stalls, joins.
    ~test_server();
    test_server(test_server const&) = delete;
    test_server& operator=(test_server const&) = delete;

    std::uint16_t port() const noexcept;
    /// "<scheme>://localhost:<port><target>", e.g. url("wss", "/link/?ticket=t").
    std::string url(std::string_view scheme, std::string_view target = "/") const;

    /// Routes requests for `path` (exact match, query ignored) to `handler`. Unrouted paths
    /// get 404.
    void on_http(std::string path, http_handler handler);
    /// Routes websocket upgrades for `path` to `handler`; the session ends (close 1000 if still
    /// open) when the handler returns.
    void on_websocket(std::string path, websocket_handler handler);

    /// Every request seen so far, in arrival order.
    std::vector<recorded_request> requests() const;
    /// TCP connections accepted so far.
    std::size_t connections_accepted() const noexcept;
    /// TCP connections open right now.
    std::size_t connections_open() const noexcept;

    /// The server thread's executor, to run scripted work there.
    boost::asio::any_io_executor executor();
    /// For handlers: suspends until the server stops (a stalled response).
    boost::asio::awaitable<void> stall();

    /// See the destructor. Idempotent.
    void stop();

    struct state;

private:
    // Declared first so it is destroyed last: the io_context outlives every task's state.
    std::unique_ptr<io_thread> thread_;
    std::shared_ptr<state> state_;
};

} // namespace coolhead::test

#pragma once
/// An HTTP/1.1 client for one origin (Slack Web API, Mattermost REST, response URLs): TLS with
/// verification, or plain HTTP to loopback only. It keeps one connection alive and reuses it;
/// when a kept-alive connection turns out to be stale, the request is retried once on a fresh
/// connection. Requests on one client run one at a time; concurrent callers queue in order.
///
/// Threading: construct and use on one executor (the io_context thread or a strand of it);
/// every awaitable must be awaited from a coroutine on that executor.

#include "bot/log/secret.hpp"
#include "bot/net/endpoint.hpp"
#include "bot/net/http_fields.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace coolhead::net {

/// The request methods the adapters need (`delete_` because `delete` is a keyword).
enum class http_method { get, head, post, put, patch, delete_ };

/// One request. The client adds `Host`, `User-Agent`, `Content-Length` and keep-alive.
struct http_request {
    http_method method = http_method::get;
    /// Origin-form ("/api/chat.postMessage?x=1") is sent as is; a relative reference
    /// ("chat.postMessage") is resolved against the client's base URL. Never logged: response
    /// URLs carry their credential in the path.
    std::string target;
    /// Plain headers. `Authorization` here is refused (errc::secret_in_plain_header).
    http_headers headers;
    /// The whole `Authorization` value, e.g. "Bearer xoxb-…"; sent, never logged.
    std::optional<log::secret> authorization;
    /// Sent with `Content-Length`; set `Content-Type` in `headers`.
    std::string body;
};

/// A complete response of any status; callers interpret it (Slack: `ok` in the JSON body;
/// both: `Retry-After`, `X-Ratelimit-*` on 429).
struct http_response {
    unsigned status = 0;  ///< e.g. 200, 429
    http_headers headers; ///< in wire order; look up with header()
    std::string body;     ///< the whole body, at most `response_body_limit` bytes

    /// The first header named `name` (case-insensitive), or nullopt.
    std::optional<std::string_view> header(std::string_view name) const noexcept
    {
        return find_header(headers, name);
    }
};

/// Limits and deadlines of one client; the defaults suit Slack and Mattermost.
struct https_client_options {
    /// Bounds the DNS lookup and, freshly, the TCP connect.
    std::chrono::milliseconds connect_timeout{10'000};
    /// Bounds the TLS handshake.
    std::chrono::milliseconds handshake_timeout{10'000};
    /// Bounds writing the request, and then freshly, reading the whole response.
    std::chrono::milliseconds request_timeout{10'000};
    /// Larger response bodies fail with errc::body_too_large (and close the connection).
    std::size_t response_body_limit = 8u << 20;
    /// Larger response headers fail with Beast's `http::error::header_limit`.
    std::size_t response_header_limit = 64u << 10;
    /// Sent as `User-Agent`.
    std::string user_agent = "coolhead/0.1";
};

/// One origin, one kept-alive connection, one request at a time (see the file comment).
class https_client {
public:
    /// A client for `base` (http or https; any other scheme makes every request fail with
    /// errc::unsupported_scheme). `tls` must outlive the client; it is used only for https.
    /// Does not connect yet.
    https_client(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, endpoint base,
                 https_client_options options = {});
    /// Closes the connection; a request still running fails with operation_aborted.
    ~https_client();
    /// Moves the connection and queue; the moved-from client must only be destroyed.
    https_client(https_client&&) noexcept;
    /// Closes this client's connection first, then takes over `other`'s.
    https_client& operator=(https_client&&) noexcept;

    /// Sends `request` and reads the whole response, connecting first if needed. Waits its
    /// turn behind requests already running on this client. Errors: errc::timeout,
    /// errc::body_too_large, errc::invalid_target, errc::secret_in_plain_header,
    /// errc::invalid_header, errc::tls_required, certificate errors (see is_certificate_error), transport codes.
    /// Cancellation (terminal, e.g. via `awaitable_operators` ||) ends the wait or the request
    /// with operation_aborted and closes the connection; the next request reconnects.
    boost::asio::awaitable<boost::system::result<http_response>> request(http_request request);

    /// Closes the kept-alive connection now (idempotent); a running request fails with
    /// operation_aborted. Later requests reconnect.
    void close() noexcept;

    /// The base endpoint, e.g. to build targets with `join`.
    endpoint const& base() const noexcept;

    /// TCP connections opened so far (for tests and metrics).
    std::size_t connections_opened() const noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace coolhead::net

#pragma once
/// Error codes of the network layer (`coolhead::net::errc`), as `boost::system::error_code`s.
/// Transport errors that are not listed here (connection reset, TLS alerts, certificate
/// verification) are passed through unchanged; see `is_certificate_error` in tls.hpp.

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace coolhead::net {

enum class errc {
    invalid_url = 1,        ///< not an absolute URL with a host, or a malformed port or host
    unsupported_scheme,     ///< not http, https, ws or wss (or the wrong pair for the client)
    credentials_in_url,     ///< `user:password@` in the authority; credentials go in headers
    tls_required,           ///< plain http/ws to a host or address that is not loopback
    invalid_target,         ///< a request target that leaves the client's origin
    secret_in_plain_header, ///< `Authorization` passed as a plain header instead of a secret
    invalid_header,         ///< a header name or value with CR, LF or NUL in it
    timeout,                ///< a connect, TLS handshake, request or idle deadline passed
    body_too_large,         ///< an HTTP body exceeded the configured limit
    message_too_large,      ///< an inbound websocket message exceeded `read_message_max`
    upgrade_declined,       ///< the server answered the websocket upgrade with a non-101 status
    queue_full,             ///< the websocket write queue is at capacity
    closed,                 ///< the peer closed the websocket with a close frame
    not_connected,          ///< the connection was closed, cancelled or failed earlier
};

/// The category of `errc`; its name is "coolhead.net".
boost::system::error_category const& category() noexcept;

/// Makes `errc` values usable as `error_code`s (found by ADL).
inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), category()};
}

} // namespace coolhead::net

template <>
struct boost::system::is_error_code_enum<coolhead::net::errc> : std::true_type {};

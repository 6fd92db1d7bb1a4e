#pragma once
/// Parsed, validated network endpoints (RFC 3986 via Boost.URL). Plain `http://`/`ws://` is
/// accepted only for loopback hosts (127.0.0.0/8, ::1, `localhost`); anything else must use TLS,
/// and there is deliberately no switch to turn that off (STYLE.md section 6). Pure functions,
/// usable from any thread.

#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace coolhead::net {

/// The URL schemes the network layer speaks.
enum class scheme { http, https, ws, wss };

/// Where to connect and what to ask for. Build one with `parse_endpoint` or `join`; a
/// hand-built plain endpoint to a non-loopback address is still refused when connecting.
struct endpoint {
    /// How to talk to it; decides TLS and the default port.
    net::scheme scheme = net::scheme::https;
    /// Bare host for DNS, SNI and certificate checks: lower-case name, dotted IPv4, or IPv6
    /// without brackets ("::1"). Safe to log.
    std::string host;
    /// The explicit port, or the scheme's default (80 or 443).
    std::uint16_t port = 443;
    /// Origin-form request target: percent-encoded path plus `?query`, at least "/". May carry
    /// credentials (Socket Mode tickets, response URLs): never log it.
    std::string target = "/";

    /// True for https and wss.
    bool tls() const noexcept { return scheme == net::scheme::https || scheme == net::scheme::wss; }
    /// The HTTP `Host` header: `host`, or `host:port` when the port is not the default;
    /// IPv6 hosts in brackets.
    std::string host_header() const;
};

/// Parses an absolute http, https, ws or wss URL. Fails with `errc::invalid_url`,
/// `errc::unsupported_scheme`, `errc::credentials_in_url` (userinfo present) or
/// `errc::tls_required` (plain scheme, host not loopback). A fragment is dropped.
boost::system::result<endpoint> parse_endpoint(std::string_view url);

/// Resolves a relative reference such as "chat.postMessage" or "users.info?user=U1" against
/// `base` (RFC 3986 section 5): `https://slack.com/api/` + `chat.postMessage` gives
/// `https://slack.com/api/chat.postMessage`. A reference with its own scheme or authority is
/// refused with `errc::invalid_target`, so the result always has the base's origin.
boost::system::result<endpoint> join(endpoint const& base, std::string_view reference);

/// True for `localhost` (any case), IPv4 127.0.0.0/8 and IPv6 ::1 (with or without brackets).
bool is_loopback_host(std::string_view host) noexcept;

} // namespace coolhead::net

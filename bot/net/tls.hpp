#pragma once
/// TLS contexts and per-connection TLS set-up (STYLE.md section 6, PROTOCOLS.md 2.9). Peers are
/// always verified: the chain against the system store or a given CA file, and the host name
/// (RFC 6125). There is no way to turn verification off. The context makers run at startup on
/// any thread and throw; `prepare_tls_stream` runs on the connection's executor.

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/system/error_code.hpp>

#include <optional>
#include <string>

namespace coolhead::net {

/// Client-side trust settings.
struct tls_settings {
    /// A PEM file of trusted CA certificates (a private CA, or the test CA). Without it the
    /// system store is used (`set_default_verify_paths`; Debian's ca-certificates).
    std::optional<std::string> ca_file;
};

/// Server-side identity: PEM files of the certificate chain (leaf first) and its private key.
struct tls_server_settings {
    std::string certificate_chain_file;
    std::string private_key_file;
};

/// A client context: TLS 1.2 or newer, `verify_peer`, trust from `settings`. One context can
/// be shared by every client on the io_context thread. Throws `boost::system::system_error`
/// naming the file if the CA file cannot be loaded.
boost::asio::ssl::context make_tls_client_context(tls_settings const& settings);

/// A server context: TLS 1.2 or newer with the given certificate chain and key. Throws
/// `boost::system::system_error` naming the file if either cannot be loaded or they do not match.
boost::asio::ssl::context make_tls_server_context(tls_server_settings const& settings);

/// True if `ec` is a TLS handshake failure caused by certificate verification (untrusted
/// chain, wrong host name, expired certificate). Such failures usually need an operator, not
/// a faster retry.
bool is_certificate_error(boost::system::error_code const& ec) noexcept;

namespace detail {
/// Sets SNI and OpenSSL's own host-name check on a client connection; see prepare_tls_stream.
boost::system::error_code set_peer_name(::SSL* ssl, std::string const& host);
} // namespace detail

/// Once per client connection, before the TLS handshake: sends `host` (bare, no port) as SNI
/// and makes the handshake fail unless the certificate matches `host` (RFC 6125; IP literals
/// are checked against IP SANs). Synchronous; does not touch the network.
template <class NextLayer>
boost::system::error_code prepare_tls_stream(boost::asio::ssl::stream<NextLayer>& stream, std::string const& host)
{
    if (auto ec = detail::set_peer_name(stream.native_handle(), host)) return ec;
    // verify_peer is set on the context; this callback only narrows it (it starts with
    // `if (!preverified) return false`), so both checks apply together.
    stream.set_verify_callback(boost::asio::ssl::host_name_verification(host));
    return {};
}

} // namespace coolhead::net

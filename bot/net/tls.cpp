#include "bot/net/tls.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/system_error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace coolhead::net {
namespace ssl = boost::asio::ssl;

namespace {

constexpr auto base_options = ssl::context::default_workarounds | ssl::context::no_sslv2 |
                              ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1;

void require_tls12(ssl::context& ctx)
{
    // The option bits above are the portable spelling; the minimum version also covers
    // protocol versions added to OpenSSL later.
    if (SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) != 1) {
        throw boost::system::system_error(
            boost::system::error_code(static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()),
            "tls: cannot require TLS 1.2");
    }
}

} // namespace

ssl::context make_tls_client_context(tls_settings const& settings)
{
    ssl::context ctx{ssl::context::tls_client};
    ctx.set_options(base_options);
    require_tls12(ctx);
    ctx.set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    if (settings.ca_file) {
        ctx.load_verify_file(*settings.ca_file, ec);
        if (ec) throw boost::system::system_error(ec, "tls: cannot load CA file " + *settings.ca_file);
    } else {
        ctx.set_default_verify_paths(ec);
        if (ec) throw boost::system::system_error(ec, "tls: cannot load the system CA store");
    }
    return ctx;
}

ssl::context make_tls_server_context(tls_server_settings const& settings)
{
    ssl::context ctx{ssl::context::tls_server};
    ctx.set_options(base_options);
    require_tls12(ctx);
    boost::system::error_code ec;
    ctx.use_certificate_chain_file(settings.certificate_chain_file, ec);
    if (ec) {
        throw boost::system::system_error(ec, "tls: cannot load certificate chain " + settings.certificate_chain_file);
    }
    ctx.use_private_key_file(settings.private_key_file, ssl::context::pem, ec);
    if (ec) throw boost::system::system_error(ec, "tls: cannot load private key " + settings.private_key_file);
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
        throw boost::system::system_error(
            boost::system::error_code(static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()),
            "tls: private key " + settings.private_key_file + " does not match " + settings.certificate_chain_file);
    }
    return ctx;
}

bool is_certificate_error(boost::system::error_code const& ec) noexcept
{
    if (ec.category() != boost::asio::error::get_ssl_category()) return false;
    return ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

namespace detail {

boost::system::error_code set_peer_name(::SSL* ssl, std::string const& host)
{
    auto ssl_error = [] {
        return boost::system::error_code(static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category());
    };
    // SNI takes a DNS name only: no port (Cloudflare refuses "host:443", boostorg/beast#2236)
    // and no IP literal (RFC 6066 section 3).
    bool const ip_literal = host.find(':') != std::string::npos ||
                            host.find_first_not_of("0123456789.") == std::string::npos;
    if (!ip_literal && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) return ssl_error();
    // OpenSSL's own check (names and, since 3.0, IP literals) records a precise verify result
    // (X509_V_ERR_HOSTNAME_MISMATCH) for the logs; host_name_verification checks again.
    if (SSL_set1_host(ssl, host.c_str()) != 1) return ssl_error();
    return {};
}

} // namespace detail

} // namespace coolhead::net

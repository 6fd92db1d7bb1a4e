#pragma once
/// The throwaway certificates generated at configure time by cmake/TestCA.cmake.

#include "bot/net/tls.hpp"

#include <string>
#include <string_view>

namespace coolhead::test {

/// Which certificate a test server presents.
enum class server_identity {
    localhost,  ///< signed by the test CA; SAN DNS:localhost, IP:127.0.0.1
    wrong_host, ///< signed by the test CA; SAN DNS:wrong.example only
    other_ca,   ///< for localhost, but signed by an unrelated CA the tests do not trust
};

/// Full path of a file in the test CA directory, e.g. "ca.pem".
std::string test_ca_file(std::string_view name);

/// Certificate chain and key files for `id`.
net::tls_server_settings server_tls_settings(server_identity id);

/// A client context that trusts the test CA only (verification on, as in production).
boost::asio::ssl::context test_client_context();

} // namespace coolhead::test

#include "tests/support/test_ca.hpp"

namespace coolhead::test {

std::string test_ca_file(std::string_view name) { return std::string(COOLHEAD_TEST_CA_DIR) + "/" + std::string(name); }

net::tls_server_settings server_tls_settings(server_identity id)
{
    std::string base;
    switch (id) {
    case server_identity::localhost: base = "localhost"; break;
    case server_identity::wrong_host: base = "wrong-host"; break;
    case server_identity::other_ca: base = "other-localhost"; break;
    }
    return {test_ca_file(base + ".pem"), test_ca_file(base + ".key")};
}

boost::asio::ssl::context test_client_context()
{
    return net::make_tls_client_context({.ca_file = test_ca_file("ca.pem")});
}

} // namespace coolhead::test

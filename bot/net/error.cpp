#include "bot/net/error.hpp"

#include <string>

namespace coolhead::net {
namespace {

class net_category final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "coolhead.net"; }

    std::string message(int ev) const override
    {
        switch (static_cast<errc>(ev)) {
        case errc::invalid_url: return "invalid URL";
        case errc::unsupported_scheme: return "unsupported URL scheme";
        case errc::credentials_in_url: return "credentials in URL";
        case errc::tls_required: return "TLS required for a host that is not loopback";
        case errc::invalid_target: return "request target outside the client's origin";
        case errc::secret_in_plain_header: return "Authorization must be passed as a secret";
        case errc::invalid_header: return "invalid header name or value";
        case errc::timeout: return "timed out";
        case errc::body_too_large: return "HTTP body too large";
        case errc::message_too_large: return "websocket message too large";
        case errc::upgrade_declined: return "websocket upgrade declined";
        case errc::queue_full: return "write queue full";
        case errc::closed: return "closed by peer";
        case errc::not_connected: return "not connected";
        }
        return "unknown coolhead.net error";
    }
};

} // namespace

boost::system::error_category const& category() noexcept
{
    static net_category const instance;
    return instance;
}

} // namespace coolhead::net

#include "bot/net/endpoint.hpp"

#include "bot/net/error.hpp"

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>

namespace coolhead::net {
namespace urls = boost::urls;

namespace {

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_host_name_char(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

boost::system::result<endpoint> from_url(urls::url_view const& u)
{
    endpoint ep;
    switch (u.scheme_id()) {
    case urls::scheme::http: ep.scheme = scheme::http; ep.port = 80; break;
    case urls::scheme::https: ep.scheme = scheme::https; ep.port = 443; break;
    case urls::scheme::ws: ep.scheme = scheme::ws; ep.port = 80; break;
    case urls::scheme::wss: ep.scheme = scheme::wss; ep.port = 443; break;
    case urls::scheme::none: return make_error_code(errc::invalid_url);
    default: return make_error_code(errc::unsupported_scheme);
    }
    if (!u.has_authority()) return make_error_code(errc::invalid_url);
    // Credentials in URLs end up in logs and proxies (STYLE.md 13.16): refuse them outright.
    if (u.has_userinfo()) return make_error_code(errc::credentials_in_url);

    switch (u.host_type()) {
    case urls::host_type::ipv4: ep.host = u.host_ipv4_address().to_string(); break;
    case urls::host_type::ipv6: ep.host = u.host_ipv6_address().to_string(); break;
    case urls::host_type::name: {
        auto const encoded = u.encoded_host();
        ep.host.reserve(encoded.size());
        for (char c : encoded) {
            char const l = ascii_lower(c);
            // Percent-encoded or exotic host names are not something Slack or Mattermost use.
            if (!is_host_name_char(l)) return make_error_code(errc::invalid_url);
            ep.host.push_back(l);
        }
        break;
    }
    default: return make_error_code(errc::invalid_url);
    }
    if (ep.host.empty()) return make_error_code(errc::invalid_url);

    if (u.has_port() && !u.port().empty()) {
        // Boost.URL keeps the digits but its number wraps above 65535: check the text.
        unsigned long value = 0;
        for (char c : u.port()) {
            value = value * 10 + static_cast<unsigned long>(c - '0');
            if (value > 65535) return make_error_code(errc::invalid_url);
        }
        if (value == 0) return make_error_code(errc::invalid_url); // not connectable
        ep.port = static_cast<std::uint16_t>(value);
    }

    ep.target = u.encoded_path().empty() ? std::string("/") : std::string(u.encoded_path());
    if (ep.target.front() != '/') return make_error_code(errc::invalid_url);
    if (u.has_query()) {
        ep.target.push_back('?');
        ep.target.append(u.encoded_query());
    }

    if (!ep.tls() && !is_loopback_host(ep.host)) return make_error_code(errc::tls_required);
    return ep;
}

std::string scheme_name(scheme s)
{
    switch (s) {
    case scheme::http: return "http";
    case scheme::https: return "https";
    case scheme::ws: return "ws";
    case scheme::wss: return "wss";
    }
    return "https";
}

} // namespace

std::string endpoint::host_header() const
{
    std::string out;
    bool const ipv6 = host.find(':') != std::string::npos;
    if (ipv6) {
        out = "[" + host + "]";
    } else {
        out = host;
    }
    std::uint16_t const default_port = tls() ? 443 : 80;
    if (port != default_port) {
        out.push_back(':');
        out.append(std::to_string(port));
    }
    return out;
}

boost::system::result<endpoint> parse_endpoint(std::string_view url)
{
    auto parsed = urls::parse_uri(url);
    if (!parsed) return make_error_code(errc::invalid_url);
    return from_url(*parsed);
}

boost::system::result<endpoint> join(endpoint const& base, std::string_view reference)
{
    auto ref = urls::parse_relative_ref(reference);
    if (!ref) return make_error_code(errc::invalid_target);
    // A relative-ref has no scheme; "//host/x" would still switch origin.
    if (ref->has_authority()) return make_error_code(errc::invalid_target);

    auto base_text = scheme_name(base.scheme) + "://" + base.host_header() + base.target;
    auto base_url = urls::parse_uri(base_text);
    if (!base_url) return make_error_code(errc::invalid_url);

    urls::url joined;
    if (!urls::resolve(*base_url, *ref, joined)) return make_error_code(errc::invalid_target);
    joined.remove_fragment();
    return from_url(joined);
}

bool is_loopback_host(std::string_view host) noexcept
{
    if (host.size() == 9 && std::equal(host.begin(), host.end(), "localhost",
                                       [](char a, char b) { return ascii_lower(a) == b; })) {
        return true;
    }
    if (auto v4 = urls::parse_ipv4_address(host)) return v4->is_loopback();
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (auto v6 = urls::parse_ipv6_address(host)) return v6->is_loopback();
    return false;
}

} // namespace coolhead::net

#pragma once
/// Internal to coolhead_mattermost_codec: percent-encoding of path segments and query values
/// (RFC 3986), by Boost.URL.

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <string>
#include <string_view>

namespace coolhead::mattermost::detail {

/// Everything but unreserved characters as %XX (upper-case hex).
inline std::string percent_encode(std::string_view s)
{
    return boost::urls::encode(s, boost::urls::unreserved_chars);
}

} // namespace coolhead::mattermost::detail

#pragma once
/// Internal to coolhead_mattermost_codec: percent-encoding of query values (RFC 3986).

#include <string>
#include <string_view>

namespace coolhead::mattermost::detail {

inline bool is_unreserved(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

/// Everything but unreserved characters as %XX (upper-case hex).
inline std::string percent_encode(std::string_view s)
{
    constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (is_unreserved(c)) {
            out += c;
        } else {
            auto const b = static_cast<unsigned char>(c);
            out += '%';
            out += hex[b >> 4U];
            out += hex[b & 0x0FU];
        }
    }
    return out;
}

} // namespace coolhead::mattermost::detail

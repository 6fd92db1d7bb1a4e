#include "bot/net/http_fields.hpp"

#include <algorithm>

namespace coolhead::net {

bool iequals(std::string_view a, std::string_view b) noexcept
{
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::optional<std::string_view> find_header(http_headers const& headers, std::string_view name) noexcept
{
    for (auto const& h : headers) {
        if (iequals(h.name, name)) return std::string_view(h.value);
    }
    return std::nullopt;
}

} // namespace coolhead::net

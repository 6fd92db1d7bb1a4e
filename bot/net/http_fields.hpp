#pragma once
/// HTTP header lists shared by the client and the server. Plain values only: credentials
/// travel as `log::secret` in the request types (https_client.hpp, websocket_client.hpp).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::net {

/// One header line, name as sent or received.
struct http_header {
    std::string name;  ///< e.g. "Content-Type"; compare with iequals
    std::string value; ///< as on the wire, without surrounding whitespace
};

/// Headers in wire order; names may repeat.
using http_headers = std::vector<http_header>;

/// The value of the first header named `name` (ASCII case-insensitive), or nullopt.
std::optional<std::string_view> find_header(http_headers const& headers, std::string_view name) noexcept;

/// ASCII case-insensitive equality, as header names compare.
bool iequals(std::string_view a, std::string_view b) noexcept;

} // namespace coolhead::net

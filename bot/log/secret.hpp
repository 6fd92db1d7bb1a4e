#pragma once
/// A value that must never reach a log line: tokens, Authorization headers, Socket Mode URLs,
/// response URLs, command tokens. Formatting one (fmt, spdlog or iostream) prints "[redacted]";
/// the real value is only reachable through reveal(), which is greppable and used at the wire.

#include <fmt/format.h>

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace coolhead::log {

class secret {
public:
    secret() = default;
    explicit secret(std::string value) : value_(std::move(value)) {}

    /// The raw value; call only where it goes onto the wire.
    std::string const& reveal() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }

    friend bool operator==(secret const&, secret const&) = default;
    friend std::ostream& operator<<(std::ostream& os, secret const&) { return os << "[redacted]"; }

private:
    std::string value_;
};

} // namespace coolhead::log

template <>
struct fmt::formatter<coolhead::log::secret> : fmt::formatter<std::string_view> {
    auto format(coolhead::log::secret const&, format_context& ctx) const
    {
        return fmt::formatter<std::string_view>::format("[redacted]", ctx);
    }
};

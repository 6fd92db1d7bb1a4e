#include "bot/adapters/slack/ts.hpp"

#include <cstdint>

namespace coolhead::slack {

std::optional<commands::timestamp> parse_ts(std::string_view ts) noexcept
{
    auto const dot = ts.find('.');
    auto const whole = ts.substr(0, dot);
    if (whole.empty() || whole.size() > 11) return std::nullopt;
    std::int64_t seconds = 0;
    for (char c : whole) {
        if (c < '0' || c > '9') return std::nullopt;
        seconds = seconds * 10 + (c - '0');
    }
    std::int64_t millis = 0;
    if (dot != std::string_view::npos) {
        auto const fraction = ts.substr(dot + 1);
        if (fraction.empty() || fraction.size() > 9) return std::nullopt;
        std::int64_t scale = 100;
        for (char c : fraction) {
            if (c < '0' || c > '9') return std::nullopt;
            millis += (c - '0') * scale;
            scale /= 10;
        }
    }
    return commands::from_millis(seconds * 1000 + millis);
}

std::string format_ts(commands::timestamp t)
{
    auto ms = commands::to_millis(t);
    if (ms < 0) ms = 0;
    auto fraction = std::to_string(ms % 1000);
    return std::to_string(ms / 1000) + "." + std::string(3 - fraction.size(), '0') + fraction + "000";
}

} // namespace coolhead::slack

#include "commands/time.hpp"

#include <cstdio>

namespace coolhead::commands {
namespace {

std::string two(long v)
{
    char buf[24]; // room for any long, so the compiler can see nothing is cut
    std::snprintf(buf, sizeof buf, "%02ld", v);
    return buf;
}

} // namespace

std::string format_iso8601(timestamp t)
{
    using namespace std::chrono;
    auto day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss hms{floor<seconds>(t - day)};
    char buf[96]; // room for any values of these types, so the compiler can see nothing is cut
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long long>(hms.seconds().count()));
    return buf;
}

std::string format_clock(timestamp t)
{
    using namespace std::chrono;
    auto day = floor<days>(t);
    hh_mm_ss hms{floor<seconds>(t - day)};
    return two(static_cast<long>(hms.hours().count())) + ":" + two(static_cast<long>(hms.minutes().count())) +
           "Z";
}

std::string format_duration(duration d)
{
    using namespace std::chrono;
    if (d < duration::zero()) d = duration::zero();
    auto total_s = duration_cast<seconds>(d).count();
    auto days_ = total_s / 86400;
    auto hours_ = (total_s % 86400) / 3600;
    auto minutes_ = (total_s % 3600) / 60;
    auto seconds_ = total_s % 60;
    if (days_ > 0) return std::to_string(days_) + "d " + std::to_string(hours_) + "h";
    if (hours_ > 0) return std::to_string(hours_) + "h " + two(static_cast<long>(minutes_)) + "m";
    if (minutes_ > 0) return std::to_string(minutes_) + "m";
    return std::to_string(seconds_) + "s";
}

std::optional<duration> parse_duration(std::string_view text)
{
    if (text.empty()) return std::nullopt;
    std::int64_t total_ms = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::int64_t n = 0;
        std::size_t digits = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            n = n * 10 + (text[i] - '0');
            if (n > 1'000'000) return std::nullopt;
            ++i;
            ++digits;
        }
        if (digits == 0 || i == text.size()) return std::nullopt;
        std::int64_t unit = 0;
        switch (text[i]) {
        case 's': case 'S': unit = 1000; break;
        case 'm': case 'M': unit = 60'000; break;
        case 'h': case 'H': unit = 3'600'000; break;
        case 'd': case 'D': unit = 86'400'000; break;
        default: return std::nullopt;
        }
        ++i;
        total_ms += n * unit;
    }
    return duration{total_ms};
}

} // namespace coolhead::commands

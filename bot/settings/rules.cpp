#include "bot/settings/rules.hpp"

#include "bot/log/log.hpp"
#include "commands/state.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace coolhead::settings {
namespace {

constexpr std::string_view level_names = "trace, debug, info, warn, error, critical or off";

bool is_blank(std::string_view s)
{
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

} // namespace

std::string duration_text(commands::duration d)
{
    using namespace std::chrono;
    auto total = duration_cast<seconds>(d).count();
    if (total <= 0) return "0s";
    std::string out;
    auto part = [&](long long unit, char suffix) {
        if (total >= unit) {
            out += std::to_string(total / unit);
            out += suffix;
            total %= unit;
        }
    };
    part(86'400, 'd');
    part(3'600, 'h');
    part(60, 'm');
    part(1, 's');
    return out;
}

std::string quote_value(std::string_view text)
{
    constexpr std::size_t limit = 60;
    bool cut = text.size() > limit;
    // A cut may split a UTF-8 sequence; the replace handler turns the stray bytes into U+FFFD.
    auto s = nlohmann::json(std::string(text.substr(0, limit)))
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (cut) s.insert(s.size() - 1, "...");
    return s;
}

namespace rules {

problems level_name::operator()(std::string const& value) const
{
    if (log::is_level_name(value)) return {};
    return {{"", "expected a log level (" + std::string(level_names) + "), got " + quote_value(value)}};
}

problems level_spec::operator()(std::string const& value) const
{
    // The same syntax bot/log's setup() applies: items separated by commas, each "level" or
    // "component=level"; empty items are skipped.
    problems found;
    std::string_view rest = value;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (item.empty()) continue;
        auto eq = item.find('=');
        auto level = eq == std::string_view::npos ? item : item.substr(eq + 1);
        if (item.find_first_of(" \t") != std::string_view::npos) {
            // bot/log takes items as written, so " slack=debug" would name a component " slack".
            found.push_back(
                {"", quote_value(item) +
                         " has spaces; write the items without them, as in \"info,slack=debug\""});
        } else if (eq == 0) {
            found.push_back(
                {"", quote_value(item) + " names no component before \"=\" (write it as \"slack=debug\")"});
        } else if (!log::is_level_name(level)) {
            found.push_back(
                {"", quote_value(level) + " is not a log level (use " + std::string(level_names) + ")"});
        }
    }
    return found;
}

problems level_spec::operator()(std::optional<std::string> const& value) const
{
    return value ? (*this)(*value) : problems{};
}

problems longer_than::operator()(commands::duration value) const
{
    if (value > limit) return {};
    return {{"", "expected more than " + duration_text(limit) + " (" + std::string(because) + "), got " +
                     quote_value(duration_text(value))}};
}

problems distinct_names::operator()(std::vector<std::string> const& value) const
{
    if (value.empty()) return {{"", "expected at least one " + std::string(noun) + ", got an empty array"}};
    problems found;
    std::map<std::string, std::size_t> seen; // normalised name -> first index
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto at = "[" + std::to_string(i) + "]";
        auto name = commands::normalise_name(value[i]);
        if (name.empty()) {
            found.push_back(
                {at, "expected a " + std::string(noun) + " name, got " +
                         (value[i].empty() ? std::string("an empty string") : quote_value(value[i]))});
            continue;
        }
        auto [it, fresh] = seen.emplace(name, i);
        if (!fresh)
            found.push_back({at, quote_value(value[i]) + " is the same " + std::string(noun) + " as " +
                                     quote_value(value[it->second]) + " at [" + std::to_string(it->second) +
                                     "] (names are compared ignoring case, '-', '_' and spaces)"});
    }
    return found;
}

problems non_empty_items::operator()(std::vector<std::string> const& value) const
{
    problems found;
    for (std::size_t i = 0; i < value.size(); ++i)
        if (is_blank(value[i]))
            found.push_back(
                {"[" + std::to_string(i) + "]",
                 "expected a " + std::string(noun) + ", got " +
                     (value[i].empty() ? std::string("an empty string") : quote_value(value[i]))});
    return found;
}

problems not_longer_than::operator()() const
{
    if (value <= limit) return {};
    return {{"", duration_text(value) + " is longer than " + std::string(limit_key) + " (" +
                     duration_text(limit) + ")"}};
}

} // namespace rules
} // namespace coolhead::settings

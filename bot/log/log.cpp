#include "bot/log/log.hpp"

#include <spdlog/cfg/helpers.h>
#include <spdlog/details/os.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

namespace coolhead::log {
namespace {

struct registry {
    std::mutex mutex;
    std::map<std::string, logger_ptr, std::less<>> loggers;
    spdlog::sink_ptr sink = make_default_sink();
    spdlog::level::level_enum level = spdlog::level::info;
    std::map<std::string, spdlog::level::level_enum, std::less<>> overrides;

    static spdlog::sink_ptr make_default_sink()
    {
        auto s = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        configure(*s);
        return s;
    }

    static void configure(spdlog::sinks::sink& s)
    {
        // UTC, ISO 8601, then level, component and the logfmt message.
        s.set_formatter(std::make_unique<spdlog::pattern_formatter>(
            "%Y-%m-%dT%H:%M:%S.%eZ level=%l component=%n %v", spdlog::pattern_time_type::utc));
    }

    spdlog::level::level_enum level_for(std::string_view name) const
    {
        auto it = overrides.find(name);
        return it == overrides.end() ? level : it->second;
    }
};

registry& the_registry()
{
    static registry r;
    return r;
}

std::optional<spdlog::level::level_enum> parse_level(std::string_view name)
{
    auto lvl = spdlog::level::from_str(std::string(name));
    // from_str answers "off" for anything it does not know; only accept "off" when asked for.
    if (lvl == spdlog::level::off && name != "off") return std::nullopt;
    return lvl;
}

} // namespace

bool is_level_name(std::string_view name) { return parse_level(name).has_value(); }

bool setup(options const& opts)
{
    auto base = parse_level(opts.level);
    if (!base) return false;
    std::map<std::string, spdlog::level::level_enum, std::less<>> overrides;
    if (opts.levels) {
        // "info,slack=debug": a bare level sets the base; name=level sets one component.
        std::string_view rest = *opts.levels;
        while (!rest.empty()) {
            auto comma = rest.find(',');
            auto item = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            if (item.empty()) continue;
            auto eq = item.find('=');
            if (eq == std::string_view::npos) {
                auto l = parse_level(item);
                if (!l) return false;
                base = *l;
            } else {
                auto l = parse_level(item.substr(eq + 1));
                if (!l) return false;
                overrides.insert_or_assign(std::string(item.substr(0, eq)), *l);
            }
        }
    }
    auto& r = the_registry();
    std::lock_guard lock(r.mutex);
    r.level = *base;
    r.overrides = std::move(overrides);
    if (opts.sink) {
        registry::configure(*opts.sink);
        r.sink = opts.sink;
    } else {
        r.sink = registry::make_default_sink();
    }
    for (auto& [name, lg] : r.loggers) {
        lg->sinks().clear();
        lg->sinks().push_back(r.sink);
        lg->set_level(r.level_for(name));
    }
    return true;
}

logger_ptr component(std::string_view name)
{
    auto& r = the_registry();
    std::lock_guard lock(r.mutex);
    if (auto it = r.loggers.find(name); it != r.loggers.end()) return it->second;
    auto lg = std::make_shared<spdlog::logger>(std::string(name), r.sink);
    lg->set_level(r.level_for(name));
    lg->flush_on(spdlog::level::warn);
    r.loggers.emplace(std::string(name), lg);
    return lg;
}

} // namespace coolhead::log

#pragma once
/// Component loggers for the daemon. Each component (app, store, net, slack, mattermost,
/// console, settings) gets its own named spdlog logger on one shared sink (stderr unless a test
/// installs another). Lines are logfmt with a stable `event=` first. Thread-safe.

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace coolhead::log {

using logger_ptr = std::shared_ptr<spdlog::logger>;

struct options {
    /// Level for every component unless `levels` says otherwise ("info", "debug", ...).
    std::string level = "info";
    /// spdlog's SPDLOG_LEVEL syntax, e.g. "info,slack=debug"; applied after `level`.
    std::optional<std::string> levels;
    /// Where lines go; nullptr means stderr.
    spdlog::sink_ptr sink;
};

/// Replaces the sink and levels of every component logger, existing and future.
/// Returns false and leaves the old set-up if a level name is not known.
bool setup(options const& opts);

/// The named component's logger; created on first use with the current sink and level.
logger_ptr component(std::string_view name);

/// True if `name` is a spdlog level name ("trace", "debug", "info", "warn", "error",
/// "critical", "off").
bool is_level_name(std::string_view name);

} // namespace coolhead::log

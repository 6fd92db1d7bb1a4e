#pragma once
/// coolhead's configuration: one JSON file for settings, the environment for secrets (STYLE.md
/// section 12). load_file() reads and validates everything once at start-up and reports every
/// problem at once, each naming the file and the key; each part of the program then receives
/// only its own slice (`settings::store`, `to_policy(...)`, `to_log_options(...)`).
/// config/README.md documents every key; config/coolhead.example.json shows them all.
///
/// The schema is the visit() member of each struct below: it names each key, its member and
/// its rules once, and the loader, the unknown-key check and describe() all follow from it.
///   - New key: a member with its documented default, and one line in its struct's visit().
///   - New section: a struct with visit(), a member of `settings`, one line in settings::visit().
///   - New secret: a log::secret member and one `v.secret(...)` line (read from NAME or
///     NAME_FILE in the environment, only when the section is enabled).
/// A visitor `v` offers: `v(key, member, rules...)` for a value; `v.section(key, member)` for a
/// nested object; `v.secret(key, member, env_name, enabled)`; `v.check(key, rule)` for a
/// cross-field rule, which runs only when the section's fields were all valid. Types a value
/// member may have: bool, std::string, commands::duration (a positive duration string such as
/// "30m"), std::filesystem::path (relative to the config file's directory), any integer type,
/// std::vector<std::string>, and std::optional of those (null or absent means unset).
///
/// No function here logs; main() reports the errors. Nothing here is thread-aware: call it
/// from one thread at start-up.

#include "bot/log/log.hpp"
#include "bot/log/secret.hpp"
#include "bot/settings/rules.hpp"
#include "bot/settings/secret_source.hpp"
#include "commands/prompts.hpp"
#include "commands/time.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::settings {

/// `log`: levels for the component loggers (bot/log).
struct log_settings {
    /// Level for every component unless `levels` says otherwise.
    std::string level = "info";
    /// Per-component levels in spdlog's SPDLOG_LEVEL syntax, e.g. "info,slack=debug"; applied
    /// after `level`. When the environment variable SPDLOG_LEVEL is set, it replaces this.
    std::optional<std::string> levels;

    /// The schema of this section (see the top of this file).
    template <class V>
    void visit(V& v)
    {
        v("level", level, rules::level_name{});
        v("levels", levels, rules::level_spec{});
    }
};

/// `store`: the SQLite event store.
struct store_settings {
    /// The database file; relative paths are resolved against the config file's directory.
    std::filesystem::path path = "coolhead.db";
    /// How long delivery ids are kept to recognise redeliveries. Must exceed 5 minutes: Slack
    /// redelivers for up to about 5 minutes, and a forgotten delivery would count twice.
    commands::duration delivery_retention = std::chrono::days{7};

    /// The schema of this section (see the top of this file).
    template <class V>
    void visit(V& v)
    {
        v("path", path);
        v("delivery_retention", delivery_retention,
          rules::longer_than{std::chrono::minutes{5},
                             "Slack redelivers a message for up to about 5 minutes"});
    }
};

/// `policy`: the team's timings, tollgates and prompt texts (commands::policy).
struct policy_settings {
    commands::duration status_interval = std::chrono::minutes{30};     ///< stakeholder update cadence
    commands::duration early_rootcause = std::chrono::minutes{10};     ///< a root cause sooner is "early"
    commands::duration no_rootcause_after = std::chrono::minutes{45};  ///< then suggest help and breakouts
    commands::duration unconfirmed_after = std::chrono::minutes{15};   ///< a hypothesis waiting this long
    commands::duration followup_ticket_after = std::chrono::hours{24}; ///< after publishing, ask for tickets
    commands::duration nudge_cooldown = std::chrono::minutes{30}; ///< one blame nudge per person per this
    commands::duration min_reminder_interval = std::chrono::minutes{5}; ///< shortest `/incident remind`
    commands::duration max_reminder_interval = std::chrono::hours{12};  ///< longest `/incident remind`
    /// Tollgates every post-mortem walks through: non-empty, distinct ignoring case, '-', '_'
    /// and spaces.
    std::vector<std::string> tollgates{"unit tests", "UAT", "production checkout"};
    /// The prompts file (config/prompts.json's shape), relative to the config file's directory;
    /// unset means the built-in texts.
    std::optional<std::filesystem::path> prompts;
    /// Loaded from `prompts` by the loader; the built-in texts when `prompts` is unset. Not a
    /// key of the config file.
    commands::prompt_book prompt_book;

    /// The schema of this section (see the top of this file).
    template <class V>
    void visit(V& v)
    {
        v("status_interval", status_interval);
        v("early_rootcause", early_rootcause);
        v("no_rootcause_after", no_rootcause_after);
        v("unconfirmed_after", unconfirmed_after);
        v("followup_ticket_after", followup_ticket_after);
        v("nudge_cooldown", nudge_cooldown);
        v("min_reminder_interval", min_reminder_interval);
        v("max_reminder_interval", max_reminder_interval);
        v("tollgates", tollgates, rules::distinct_names{"tollgate"});
        v("prompts", prompts);
        v.check("min_reminder_interval", rules::not_longer_than{min_reminder_interval, max_reminder_interval,
                                                                "max_reminder_interval"});
    }
};

/// `slack`: the Slack adapter. Its tokens come from the environment, and only when enabled.
struct slack_settings {
    bool enabled = false; ///< connect to Slack (Socket Mode)
    /// The Web API base URL. Point it at a Slack emulator for tests; the environment variable
    /// SLACK_API_URL, when set, wins. Plain http only to a loopback address.
    std::string api_url = "https://slack.com/api/";
    /// Socket Mode connections to keep open (Slack spreads envelopes over them; 10 at most).
    std::int64_t connections = 2;
    /// A PEM file of CA certificates to trust instead of the system store (a private CA).
    std::optional<std::filesystem::path> ca_file;
    /// App-level token (xapp-…) from SLACK_APP_TOKEN or SLACK_APP_TOKEN_FILE; required when enabled.
    log::secret app_token;
    /// Bot token (xoxb-…) from SLACK_BOT_TOKEN or SLACK_BOT_TOKEN_FILE; required when enabled.
    log::secret bot_token;

    /// The schema of this section (see the top of this file).
    template <class V>
    void visit(V& v)
    {
        v("enabled", enabled);
        v("api_url", api_url);
        v("connections", connections, rules::between<std::int64_t>{1, 10});
        v("ca_file", ca_file);
        v.secret("app_token", app_token, "SLACK_APP_TOKEN", enabled);
        v.secret("bot_token", bot_token, "SLACK_BOT_TOKEN", enabled);
    }
};

/// `mattermost`: the Mattermost adapter. Its token comes from the environment, only when enabled.
struct mattermost_settings {
    bool enabled = false; ///< connect to Mattermost
    /// The server, e.g. "https://mattermost.example.com"; required when enabled. Plain http
    /// only to a loopback address.
    std::string url;
    /// Where coolhead listens for slash-command callbacks ("host:port").
    std::string listen = "127.0.0.1:8066";
    /// The callback URL Mattermost is told to call (`coolhead mattermost setup` registers it);
    /// its path is the one coolhead serves. Empty: http://<listen>/mattermost/command.
    std::string public_url;
    /// The slash-command tokens, written by `coolhead mattermost setup` (or by hand): a JSON
    /// object from trigger to token. The environment variable MATTERMOST_COMMAND_TOKENS
    /// ("incident=…,rootcause=…,…"), when set, is used instead.
    std::filesystem::path command_tokens_file = "mattermost-command-tokens.json";
    /// Longest post, in characters: 16383 on current servers, 4000 on old ones.
    std::int64_t message_limit = 16383;
    /// A PEM file of CA certificates to trust instead of the system store.
    std::optional<std::filesystem::path> ca_file;
    /// Serve the callback endpoint over TLS with this certificate chain and key (both or neither).
    std::optional<std::filesystem::path> tls_certificate;
    std::optional<std::filesystem::path> tls_key;
    /// Bot access token from MATTERMOST_TOKEN or MATTERMOST_TOKEN_FILE; required when enabled.
    log::secret token;

    /// The schema of this section (see the top of this file).
    template <class V>
    void visit(V& v)
    {
        v("enabled", enabled);
        v("url", url);
        v("listen", listen);
        v("public_url", public_url);
        v("command_tokens_file", command_tokens_file);
        v("message_limit", message_limit, rules::between<std::int64_t>{4000, 16383});
        v("ca_file", ca_file);
        v("tls_certificate", tls_certificate);
        v("tls_key", tls_key);
        v.secret("token", token, "MATTERMOST_TOKEN", enabled);
        v.check("url", [this] {
            return enabled && url.empty() ? problems{{"", "required when mattermost.enabled is true"}} : problems{};
        });
        v.check("tls_key", [this] {
            return tls_certificate.has_value() != tls_key.has_value()
                       ? problems{{"", "give tls_certificate and tls_key together, or neither"}}
                       : problems{};
        });
    }
};

/// Everything the daemon is configured with; every member has its documented default, so `{}`
/// is a complete config file.
struct settings {
    log_settings log;               ///< for bot/log: to_log_options()
    store_settings store;           ///< for the SQLite store
    policy_settings policy;         ///< for the core: to_policy()
    slack_settings slack;           ///< for the Slack adapter
    mattermost_settings mattermost; ///< for the Mattermost adapter

    /// The top level of the file (see the top of this file).
    template <class V>
    void visit(V& v)
    {
        v.section("log", log);
        v.section("store", store);
        v.section("policy", policy);
        v.section("slack", slack);
        v.section("mattermost", mattermost);
    }
};

/// What loading found: settings when everything is valid, otherwise every error. Each error
/// is one line such as `coolhead.json: policy.status_interval: expected a duration such as
/// "30m", got "soon"`; errors about the environment name the variable instead of the file.
struct load_result {
    std::optional<settings> value;   ///< set only when `errors` is empty
    std::vector<std::string> errors; ///< in the order found: section by section, unknown keys last
    /// True when loading succeeded.
    explicit operator bool() const noexcept { return value.has_value(); }
};

/// Largest config or prompts file accepted, in bytes.
inline constexpr std::size_t max_config_bytes = 1024 * 1024;

/// Reads and validates `file`, the prompts file it names and the secrets of enabled adapters
/// (from `env`). Relative paths in it are resolved against the file's directory. SPDLOG_LEVEL
/// in `env`, when set and not empty, replaces log.levels. Messages name the file as written in
/// `file`. Blocking reads on the caller's thread; never throws for bad input.
load_result load_file(std::filesystem::path const& file, environment const& env);

/// The same for config text already in memory: `display_name` names it in messages, and
/// `base_dir` is what relative paths are resolved against. Still reads the prompts file and
/// secret files from disk. Never throws for any input; fuzzed.
load_result load_text(std::string_view text, std::string_view display_name,
                      std::filesystem::path const& base_dir, environment const& env);

/// The policy the core takes: timings, tollgates and the prompt book loaded from the prompts
/// file (or the built-in texts).
commands::policy to_policy(settings const& s);

/// The options bot/log's setup() takes (no sink: stderr).
log::options to_log_options(log_settings const& s);

/// The effective settings as indented JSON: every key with its value, defaults included,
/// paths resolved, durations as "30m", secrets as "[redacted]" (null when not set). Backs
/// `coolhead check-config FILE`.
std::string describe(settings const& s);

} // namespace coolhead::settings

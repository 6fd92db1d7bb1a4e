#pragma once
/// `coolhead mattermost setup`: registers the four slash commands for a team (POST
/// /api/v4/commands, which needs manage_slash_commands) and keeps their tokens. Running it again
/// finds the commands it registered before (same trigger and URL) and reuses their tokens. Without
/// the permission it says so and prints the manual steps. Also reads and writes the tokens file.

#include "bot/log/log.hpp"
#include "bot/log/secret.hpp"
#include "bot/net/endpoint.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace coolhead::mattermost {

/// The four triggers, in the order they are registered.
inline constexpr std::string_view triggers[] = {"incident", "rootcause", "mitigation", "postmortem"};

struct setup_request {
    net::endpoint server;
    log::secret token;        ///< needs manage_slash_commands on the team
    std::string team;         ///< a team name ("ops") or id
    std::string callback_url; ///< what Mattermost will POST the commands to
};

struct setup_result {
    bool ok = false;
    std::map<std::string, log::secret> tokens; ///< trigger → token, when ok
    std::string report;                        ///< what happened, for the operator (no secrets)
};

/// Registers (or finds) the commands. Io executor.
boost::asio::awaitable<setup_result> register_commands(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls,
                                                       setup_request request, log::logger_ptr log);

/// The steps to register the commands by hand in the System Console.
std::string manual_steps(std::string const& callback_url);

/// Writes `{"incident": "<token>", …}` readable by the owner only (0600). Returns an error
/// message, or nothing on success.
std::optional<std::string> write_tokens_file(std::filesystem::path const& path, std::map<std::string, log::secret> const& tokens);

/// Reads the tokens file; an error message names the file and says what is wrong.
struct tokens_result {
    std::map<std::string, log::secret> tokens;
    std::optional<std::string> error;
};
tokens_result read_tokens_file(std::filesystem::path const& path);

/// Parses MATTERMOST_COMMAND_TOKENS: "incident=…,rootcause=…,…".
tokens_result parse_tokens_variable(std::string_view value);

} // namespace coolhead::mattermost

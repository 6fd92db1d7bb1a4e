#pragma once
/// The Slack Web API as the adapter uses it (PROTOCOLS.md 1.1, 1.8, 1.9): JSON bodies with
/// Bearer auth, `ok` checked on every reply (never the HTTP status alone), 429 answered with its
/// Retry-After, errors logged with Slack's code. Two kept-alive connections: one for posting
/// (the outbox), one for look-ups and apps.connections.open, so a slow post never delays an
/// ack. User names are cached. Io executor only; tokens are secrets and never logged.

#include "bot/adapters/slack/web_api.hpp"
#include "bot/log/log.hpp"
#include "bot/log/secret.hpp"
#include "bot/net/endpoint.hpp"
#include "bot/net/https_client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace coolhead::slack {

/// The outcome of one Web API call.
struct call_result {
    bool transport_ok = false; ///< a reply arrived (any status)
    unsigned http_status = 0;
    api_status status;                        ///< parsed from the body; status.ok is what counts
    std::string body;                         ///< never logged (chat text)
    std::chrono::milliseconds retry_after{0}; ///< set on HTTP 429 (and on a `ratelimited` error)
    bool rate_limited() const noexcept
    {
        return http_status == 429 || status.error == "ratelimited" || status.error == "rate_limited";
    }
};

class web_api_client {
  public:
    web_api_client(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, net::endpoint base,
                   log::secret app_token, log::secret bot_token, net::https_client_options http,
                   log::logger_ptr log);

    /// POSTs a JSON body to `method` with the bot token, on the posting connection.
    boost::asio::awaitable<call_result> post(std::string method, std::string json_body);

    /// GETs `target` ("users.info?user=U1") with the bot token, on the look-up connection.
    boost::asio::awaitable<call_result> get(std::string target);

    /// apps.connections.open with the app token (an empty form body, PROTOCOLS.md 1.1).
    boost::asio::awaitable<call_result> open_connection();

    /// The best name of a user (users.info, cached for `name_ttl`); the id itself when the
    /// look-up fails, so an inbound message is never held up by it. A user Slack does not know
    /// (user_not_found) is cached too, under its id.
    boost::asio::awaitable<std::string> user_name(std::string user_id);

    /// Remembers a name learned elsewhere (e.g. a slash command's user_name) if none is cached.
    void learn_name(std::string const& user_id, std::string const& name);

    std::chrono::milliseconds name_ttl{std::chrono::hours{1}};

  private:
    boost::asio::awaitable<call_result> run(net::https_client& client, net::http_request req,
                                            std::string_view what);

    net::https_client poster_;
    net::https_client lookups_;
    log::secret app_auth_;
    log::secret bot_auth_;
    log::logger_ptr log_;
    struct cached_name {
        std::string name;
        std::chrono::steady_clock::time_point at;
    };
    std::map<std::string, cached_name> names_;
};

} // namespace coolhead::slack

#pragma once
/// fake_slack internals: the Web API as plain functions over a data model, with no sockets and
/// no clock (times are passed in). The server side (fake_slack.cpp) records calls, applies
/// scripts, and calls answer() under the fake's lock.

#include "tests/support/slack/fake_slack.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::testing::detail {

/// Percent-decodes a form or query component ('+' is a space; bad escapes stay as they are).
std::string form_decode(std::string_view s);

/// Parses `a=1&b=two` into `into` (later keys win; values are strings).
void parse_form(std::string_view s, nlohmann::json& into);

/// The parameters of a request: query string, then the body by Content-Type. `invalid_json` is
/// set for a JSON body that does not parse to an object.
struct parsed_params {
    body_kind kind = body_kind::none;
    nlohmann::json params = nlohmann::json::object();
    bool invalid_json = false;
};
parsed_params parse_params(std::string_view target, std::optional<std::string_view> content_type,
                           std::string_view body);

/// Checks `Authorization: Bearer <expected>`.
token_check check_bearer(std::optional<std::string_view> authorization, std::string const& expected);

/// The value of query parameter `name` in `target` ("/link/?ticket=x&app_id=A"), decoded.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

/// Slack timestamps as integer microseconds ("1700000000.000100" <-> 1700000000000100).
std::optional<std::uint64_t> parse_ts(std::string_view ts);
std::string format_ts(std::uint64_t micros);

/// Unicode code points in UTF-8 text (bytes that do not continue a sequence).
std::size_t code_points(std::string_view utf8) noexcept;

/// A single-use Socket Mode ticket.
struct ticket_state {
    bool used = false;
};

/// Everything the Web API answers from and records into. Guarded by the fake's lock.
struct web_api_model {
    explicit web_api_model(fake_slack_options const& o);

    fake_slack_options const& options;
    std::map<std::string, slack_user, std::less<>> users;
    std::map<std::string, std::size_t, std::less<>> users_info_calls;
    std::map<std::string, std::vector<history_message>, std::less<>> history; ///< by channel
    std::set<std::string, std::less<>> outside; ///< channels the bot has not joined
    std::vector<posted_message> messages;
    std::map<std::string, ticket_state, std::less<>> tickets;
    std::vector<std::string> ticket_order;
    std::uint64_t last_ts = 1'700'000'000'000'000; ///< micros; every fresh ts is larger

    /// A fresh ts, 100 µs after the largest seen so far.
    std::string next_ts();
    /// Makes later fresh ts values larger than `ts`.
    void note_ts(std::string_view ts);
    void add_history(history_message m);
};

/// What the server needs to build answers that point back at itself.
struct answer_context {
    std::string websocket_base; ///< "wss://localhost:<port>"
};

/// The token `method` needs: the app token for apps.connections.open, else the bot token.
std::string const& expected_token(fake_slack_options const& o, std::string_view method);

/// True for the methods the fake implements itself.
bool is_builtin_method(std::string_view method) noexcept;

/// The JSON answer to a call no script intercepted (the token was already checked into
/// `call.auth`). Records messages, user lookups, tickets and history in `m`.
nlohmann::json answer(web_api_model& m, web_api_call const& call, answer_context const& ctx, steady_time now);

/// A response_url POST: records it as a message (method "response_url") for `channel` and
/// returns the HTTP status and body to answer ("ok", or 404 "used_url" after five uses).
struct response_url_answer {
    unsigned status = 200;
    std::string body;
};
response_url_answer answer_response_url(web_api_model& m, std::string const& channel, std::size_t uses_before,
                                        std::string const& body, token_check auth, steady_time now);

} // namespace coolhead::testing::detail

#pragma once
/// Slack Web API requests and replies as JSON text (PROTOCOLS.md 1.8–1.10): the bodies and
/// query strings we send, the fields we read back, Retry-After and which errors are worth
/// retrying. Pure functions: no I/O, no logging; any thread. Reply parsing never throws (other
/// than std::bad_alloc) for any body.
///
/// Sending: POST https://slack.com/api/<method> with `Authorization: Bearer xoxb-…` and
/// `Content-Type: application/json; charset=utf-8` (json_content_type) for the JSON bodies;
/// GET https://slack.com/api/<target> for the targets below. Only `ok` in the reply says
/// whether a call worked, never the HTTP status (PROTOCOLS.md 1.8); a 429 carries Retry-After.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::slack {

/// The Content-Type of the JSON request bodies below.
inline constexpr std::string_view json_content_type = "application/json; charset=utf-8";

/// Our own error code for a reply we could not read (not JSON, `ok` missing, or ok but a field
/// we need missing or of the wrong type). Classified as retryable.
inline constexpr std::string_view invalid_response = "invalid_response";

// Requests ------------------------------------------------------------------------------------

/// chat.postMessage: `{"channel","text","unfurl_links":false,"unfurl_media":false}` plus
/// `thread_ts` when not empty. Never `link_names` or `parse`, so plain "@here" in the text
/// pings nobody (PROTOCOLS.md 1.11). `text` is rendered mrkdwn (mrkdwn.hpp), at most
/// message_limit bytes. Invalid UTF-8 becomes U+FFFD.
std::string post_message_body(std::string_view channel, std::string_view text,
                              std::string_view thread_ts = {});

/// chat.postEphemeral: `{"channel","text","user"}`, seen only by `user`.
std::string post_ephemeral_body(std::string_view channel, std::string_view user, std::string_view text);

/// chat.update: `{"channel","text","ts"}`, replacing the text of the message `ts`.
std::string update_body(std::string_view channel, std::string_view ts, std::string_view text);

/// conversations.join: `{"channel"}` (public channels only; needs the channels:join scope).
std::string join_body(std::string_view channel);

/// Percent-encodes a query value (RFC 3986: everything but unreserved characters).
std::string encode_query_value(std::string_view value);

/// GET target "users.info?user=U1".
std::string users_info_target(std::string_view user);

/// GET target "conversations.history?channel=C1&latest=<ts>&inclusive=true&limit=1": the
/// message `ts` itself (to read a pinned message's author and text).
std::string conversations_history_target(std::string_view channel, std::string_view latest_ts);

// Replies -------------------------------------------------------------------------------------

/// What every reply says about itself.
struct api_status {
    bool ok = false;
    std::string error;   ///< ok == false: Slack's code ("channel_not_found") or invalid_response
    std::string warning; ///< may come with ok == true ("message_truncated", …)
    std::vector<std::string> messages; ///< response_metadata.messages (details, e.g. for invalid_arguments)
    std::string needed;                ///< missing_scope: the scope needed
    std::string provided;              ///< missing_scope: the scopes the token has
    friend bool operator==(api_status const&, api_status const&) = default;
};

/// Reads `ok`, `error`, `warning`, `response_metadata.messages`, `needed`, `provided` from any
/// reply. Fields of the wrong type are skipped, except `ok`: a reply without a boolean `ok` is
/// ok == false with error invalid_response.
api_status parse_status(std::string_view body);

/// chat.postMessage / chat.update (`channel`, `ts`) and chat.postEphemeral (`message_ts`).
struct posted_message {
    api_status status; ///< ok only if `ts` is present
    std::string channel;
    std::string ts;
};
posted_message parse_posted_message(std::string_view body);

/// users.info's `user`.
struct user_info {
    api_status status; ///< ok only if user.id is present
    std::string id;
    std::string name;         ///< the legacy username
    std::string display_name; ///< profile.display_name; often empty
    std::string real_name;    ///< profile.real_name, else user.real_name
    bool is_bot = false;
};
user_info parse_user_info(std::string_view body);

/// The name to show for a user: display_name, else real_name, else name, else the id.
std::string const& best_name(user_info const& u) noexcept;

/// auth.test: who the bot token belongs to (the bot's user id filters its own messages).
struct auth_info {
    api_status status; ///< ok only if user_id is present
    std::string user_id;
    std::string team_id;
    std::string bot_id;
};
auth_info parse_auth_test(std::string_view body);

/// conversations.history with limit=1: the first message, if any.
struct history_message {
    std::string user;
    std::string text; ///< Slack-escaped
    std::string ts;
    std::string bot_id;
    std::string subtype;
};
struct history_reply {
    api_status status;
    std::vector<history_message> messages; ///< messages without a string `ts` are skipped
};
history_reply parse_history(std::string_view body);

// Rate limits and errors ----------------------------------------------------------------------

/// Used when Retry-After is absent or not a number of seconds (py-sdk's default).
inline constexpr std::chrono::seconds default_retry_after{30};
/// The longest we wait on one Retry-After; Slack's are seconds to a minute.
inline constexpr std::chrono::seconds max_retry_after{300};

/// The wait a 429's `Retry-After` header value asks for: delta-seconds (RFC 9110 10.2.3),
/// spaces around allowed, at least 1 s, at most max_retry_after. Empty (header absent), an
/// HTTP-date or anything else unparsable gives default_retry_after.
std::chrono::seconds retry_after(std::string_view header_value) noexcept;

enum class error_kind : unsigned char {
    unrecoverable, ///< the token or the app is unusable (PROTOCOLS.md 1.1): stop, alert, never retry
    rate_limited,  ///< wait Retry-After, then retry
    rejected,      ///< this request will never work (channel_not_found, msg_too_long, …): drop it, log
    retryable,     ///< transient or unknown (internal_error, invalid_response, …): back off, retry
};

/// Classifies an `error` code from a Web API or apps.connections.open reply (the table is in
/// web_api.cpp). Unrecoverable: not_authed, invalid_auth, account_inactive, token_revoked,
/// token_expired, team_disabled, user_removed_from_team, missing_scope, no_permission,
/// not_allowed_token_type, forbidden_team, org_login_required, ekm_access_denied. Rate
/// limited: ratelimited, rate_limited. Rejected: errors about this request's arguments or
/// target. Unknown codes are retryable, so bound the retries. For apps.connections.open a
/// `rejected` code (missing_args, insecure_request) will not go away either: treat it like
/// unrecoverable there.
error_kind classify_error(std::string_view error) noexcept;

/// True if `error` means the token or the app cannot work until a person fixes it.
inline bool is_unrecoverable(std::string_view error) noexcept
{
    return classify_error(error) == error_kind::unrecoverable;
}

} // namespace coolhead::slack

#pragma once
/// Mattermost REST API v4 requests and replies as JSON text (PROTOCOLS.md 2.6–2.7): the bodies
/// and targets we send, the fields we read back, error bodies, rate-limit headers, and ids.
/// Pure functions: no I/O, no logging; any thread. Reply parsing never throws (other than
/// std::bad_alloc) for any body (fuzzed with the frames: tests/fuzz/mattermost_frame_fuzz.cpp).
///
/// Sending: `Authorization: Bearer <token>` and `Content-Type: application/json` (json_content_type
/// in slash_command.hpp). Unlike Slack, the HTTP status says whether a call worked: parse the
/// success body of a 2xx with the reply parsers below, and anything else with parse_api_error()
/// and classify_status(). A reply parser's `problem` is empty when the body was usable;
/// otherwise it says what was wrong, naming fields only (safe to log).

#include "bot/adapters/mattermost/websocket_frames.hpp"
#include "bot/log/secret.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::mattermost {

/// True if `id` has the shape of a Mattermost id (users, channels, teams, posts, commands,
/// tokens): 26 characters of `a-z 0-9` (mm model/utils.go NewId, IsValidId).
bool is_id(std::string_view id) noexcept;

// Requests ------------------------------------------------------------------------------------

/// POST target for creating a post.
inline constexpr std::string_view posts_path = "/api/v4/posts";
/// POST target for registering a slash command.
inline constexpr std::string_view commands_path = "/api/v4/commands";
/// GET target for the token's own user (the bot).
inline constexpr std::string_view users_me_path = "/api/v4/users/me";

/// `POST /api/v4/posts` body: `{"channel_id","message"}` plus `root_id` when not empty (a reply
/// in that thread). `message` is rendered markdown (markdown.hpp), at most one post long.
/// Invalid UTF-8 becomes U+FFFD. Needs membership of the channel (create_post).
std::string post_body(std::string_view channel_id, std::string_view message, std::string_view root_id = {});

/// `GET /api/v4/users/<id>` (the id percent-encoded).
std::string user_target(std::string_view user_id);

/// `GET /api/v4/channels/<id>/posts?since=<ms>`: the channel's posts created, edited or deleted
/// after `since_ms` (milliseconds since the epoch), for the resync after a new connection_id
/// (PROTOCOLS.md 2.4, checklist 17).
std::string posts_since_target(std::string_view channel_id, std::int64_t since_ms);

/// `POST /api/v4/channels/<id>/members` (the id percent-encoded) and its body
/// `{"user_id":"<user>"}`: the bot adding itself to a public channel of its team.
std::string channel_members_target(std::string_view channel_id);
std::string add_member_body(std::string_view user_id);

/// A slash command to register (mm model/command.go). Method "P" and auto_complete are fixed.
struct command_registration {
    std::string team_id;     ///< a Mattermost id
    std::string trigger;     ///< "incident"; a leading '/' is dropped and ASCII is lower-cased
    std::string url;         ///< http(s), at most 1024 bytes: our command endpoint
    std::string display_name;       ///< at most 64 bytes
    std::string description;        ///< at most 128 bytes
    std::string auto_complete_desc; ///< shown in the command list
    std::string auto_complete_hint; ///< e.g. "start <title> | status | resolve"
};

/// A request body, or why it cannot be sent.
struct request_body {
    std::string json;    ///< empty if `problem` is not
    std::string problem; ///< names the field at fault
    bool ok() const noexcept { return problem.empty(); }
};

/// `POST /api/v4/commands` body: `{"team_id","trigger","method":"P","url","auto_complete":true,
/// "auto_complete_desc","auto_complete_hint","display_name","description"}`, after checking what
/// the server would refuse with 400 (mm Command.IsValid): team_id not an id, trigger empty,
/// longer than 128 bytes or with whitespace or '/', url not http(s) or longer than 1024 bytes,
/// display_name over 64 bytes, description over 128. Needs manage_slash_commands on the team.
request_body register_command_body(command_registration const& r);

// Replies -------------------------------------------------------------------------------------

/// The reply to `POST /api/v4/posts` (201): the created post (id and create_at are what the
/// adapter keeps).
struct created_post {
    std::string problem;
    mattermost::post post;
    bool ok() const noexcept { return problem.empty(); }
};
created_post parse_created_post(std::string_view body);

/// A user (mm model/user.go), from `GET /api/v4/users/me` or `/users/<id>`. `id` is required.
struct user {
    std::string problem;
    std::string id;
    std::string username; ///< what mentions use: user_ref.name must be this
    std::string nickname;
    std::string first_name;
    std::string last_name;
    bool is_bot = false;
    bool ok() const noexcept { return problem.empty(); }
};
user parse_user(std::string_view body);

/// A name to show for a user (not for mentions, which need the username): the nickname, else
/// "first last" (either alone if the other is empty), else the username, else the id.
std::string best_name(user const& u);

/// The reply to posts_since_target(): `{"order":[…],"posts":{"<id>":{…post…}}}`. `posts` is
/// required; each usable post is kept, sorted by create_at (then id), so replaying them keeps
/// the channel's order; `order` is not needed for that and is ignored. Entries that are not
/// usable posts are skipped and counted (the whole reply is not thrown away for one). Deleted
/// and edited posts are included (delete_at, edit_at): see is_person_post().
struct posts_since {
    std::string problem;
    std::vector<mattermost::post> posts;
    std::size_t skipped = 0;
    bool ok() const noexcept { return problem.empty(); }
};
posts_since parse_posts_since(std::string_view body);

/// The reply to `POST /api/v4/commands` (201). `id` and `token` are required.
struct registered_command {
    std::string problem;
    std::string id;
    log::secret token; ///< what every request of this command carries: store it, check it
    std::string trigger;
    std::string team_id;
    bool ok() const noexcept { return problem.empty(); }
};
registered_command parse_registered_command(std::string_view body);

// Errors and rate limits ----------------------------------------------------------------------

/// An error body: `{"id","message","request_id","status_code","is_oauth"}` (mm-api
/// introduction.yaml). Read leniently: fields of the wrong type are left empty, and a body that
/// is not JSON (a proxy's HTML page, 429's "limit exceeded") gives an empty api_error.
struct api_error {
    std::string id;      ///< e.g. "api.context.session_expired.app_error"; safe to log
    std::string message; ///< for people; may quote the request, so log it with care
    std::string request_id;
    int status_code = 0;
    bool is_oauth = false;
    friend bool operator==(api_error const&, api_error const&) = default;
};
api_error parse_api_error(std::string_view body);

enum class error_kind : unsigned char {
    unrecoverable, ///< 401: the token is not accepted: stop, alert, never retry
    rate_limited,  ///< 429: wait rate_limit_wait(), then retry
    rejected,      ///< another 4xx (400, 403, 404, 413, …): this request will never work: drop it, log
    retryable,     ///< 5xx, 408, anything else: back off, retry (bounded)
};

/// What a non-2xx HTTP status means for the request (see error_kind).
error_kind classify_status(int http_status) noexcept;

/// Used when a 429 says nothing usable about when to retry.
inline constexpr std::chrono::seconds default_rate_limit_wait{5};
/// The longest we wait on one rate limit; Mattermost's limits are per second (PerSec = 10).
inline constexpr std::chrono::seconds max_rate_limit_wait{60};

/// The rate-limit headers of a reply (PROTOCOLS.md 2.7), each absent if the header is absent or
/// not a number: X-Ratelimit-Limit, X-Ratelimit-Remaining, X-Ratelimit-Reset (seconds until the
/// limit resets) and Retry-After (delta-seconds; HTTP-dates are not used by Mattermost).
struct rate_limit {
    std::optional<std::int64_t> limit;
    std::optional<std::int64_t> remaining;
    std::optional<std::chrono::seconds> reset;
    std::optional<std::chrono::seconds> retry_after;
    friend bool operator==(rate_limit const&, rate_limit const&) = default;
};

/// Reads the four header values (pass "" for an absent header). Values are decimal digits with
/// optional spaces around; anything else counts as absent. Large values saturate.
rate_limit parse_rate_limit(std::string_view limit, std::string_view remaining, std::string_view reset,
                            std::string_view retry_after) noexcept;

/// How long to wait after a 429 (or before the next request when remaining is 0): Retry-After
/// if present, else X-Ratelimit-Reset, else default_rate_limit_wait; at least 1 s, at most
/// max_rate_limit_wait.
std::chrono::seconds rate_limit_wait(rate_limit const& r) noexcept;

} // namespace coolhead::mattermost

#pragma once
/// Mattermost data as the fake stores it (users, channels, posts, reactions, slash commands) and
/// the JSON a Mattermost server writes for it: REST bodies, websocket events and responses,
/// AppError bodies, slash-command forms. Pure functions, no sockets, usable from any thread; the
/// Mattermost adapter's codec tests may use the builders for real-shaped payloads too.
///
/// Shapes follow PROTOCOLS.md section 2 (mm `model/post.go`, `model/websocket_message.go`,
/// `app/notification.go`, `model/command.go`, `app/command.go`). Keys come out in
/// alphabetical order (nlohmann::json), which JSON readers do not care about.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coolhead::testing {

/// A row of the fake's user table (`GET /api/v4/users/{id}`).
struct mattermost_user {
    std::string id; ///< 26 characters
    std::string username;
    std::string nickname;
    std::string first_name;
    std::string last_name;
    bool is_bot = false;
};

/// A channel the fake knows. Only members receive a channel's websocket events (PROTOCOLS.md
/// 2.3), and only members may post to it.
struct mattermost_channel {
    std::string id;   ///< 26 characters
    std::string name; ///< "incident-42"; a direct channel: "<user id>__<user id>"
    std::string display_name;
    char type = 'O';     ///< 'O' public, 'P' private, 'D' direct, 'G' group
    std::string team_id; ///< empty: the fake's team (direct and group channels: stays empty)
    bool bot_member = true;
};

/// Who made a post in the fake.
enum class post_origin {
    test,             ///< fake_mattermost::post_message() (a user typing)
    rest,             ///< POST /api/v4/posts (the adapter)
    command_response, ///< an in_channel slash-command response (HTTP answer or response_url)
};

/// A stored post. Edits and deletes change it in place (update_at moves on).
struct mattermost_post {
    std::string id;
    std::string channel_id;
    std::string user_id;
    std::string root_id; ///< thread root, or empty
    std::string message;
    std::string type; ///< "" for normal posts
    std::int64_t create_at = 0;
    std::int64_t update_at = 0;
    std::int64_t edit_at = 0;
    std::int64_t delete_at = 0;
    nlohmann::json props = nlohmann::json::object();
    std::string pending_post_id;
    std::int64_t reply_count = 0; ///< kept up to date on thread roots
    std::size_t runes = 0;        ///< Unicode code points in `message` (Mattermost's limit counts runes)
    post_origin origin = post_origin::test;

    bool deleted() const noexcept { return delete_at != 0; }
};

/// A reaction, as `data.reaction` carries it.
struct mattermost_reaction {
    std::string user_id;
    std::string post_id;
    std::string emoji_name; ///< without colons: "eyes"
    std::string channel_id;
    std::int64_t create_at = 0;
};

/// A slash command as registered (POST /api/v4/commands or fake_mattermost::register_command).
struct registered_command {
    std::string id;
    std::string token;   ///< 26 characters; sent with every invocation
    std::string trigger; ///< lower-case, without '/'
    std::string url;
    std::string method = "P"; ///< "P" (form body) or "G" (query string)
    std::string team_id;
    std::string creator_id;
    std::string display_name;
    std::string description;
    std::string username;
    std::string icon_url;
    bool auto_complete = false;
    std::string auto_complete_desc;
    std::string auto_complete_hint;
    std::int64_t create_at = 0;
};

namespace mattermost {

// ---- Identifiers and text -------------------------------------------------------------------

/// Mattermost's id alphabet (`model.NewId`: base32 with this alphabet, 26 characters).
inline constexpr std::string_view id_alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";

/// `model.IsValidId`: exactly 26 ASCII letters or digits.
bool is_valid_id(std::string_view id) noexcept;

/// Unicode code points in UTF-8 text (Go's utf8.RuneCountInString for valid input).
std::size_t rune_count(std::string_view utf8) noexcept;

/// Go's url.QueryEscape: unreserved bytes stay, space becomes '+', the rest %XX (upper case).
std::string query_escape(std::string_view s);

/// Percent-decodes a form or query component ('+' is a space; bad escapes stay as they are).
std::string form_decode(std::string_view s);

/// Parses `a=1&b=two&a=3` into ordered pairs (repeated keys kept, in order).
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view s);

/// The value of query parameter `name` in `target` ("/api/v4/websocket?connection_id=x"),
/// decoded; nullopt if absent (present but empty gives "").
std::optional<std::string> query_param(std::string_view target, std::string_view name);

/// `@name` mentions in `text`, in order of appearance, without duplicates: the name is made of
/// letters, digits, '.', '-' and '_', lower-cased, and a trailing '.' is dropped (as a sentence
/// end). Whether a name is a known user is up to the caller.
std::vector<std::string> at_mentions(std::string_view text);

/// `~name` channel mentions in `text`, the same way.
std::vector<std::string> tilde_mentions(std::string_view text);

// ---- REST bodies ----------------------------------------------------------------------------

/// A post as Mattermost serialises it (`post.ToJSON()`): id, create_at, update_at, edit_at,
/// delete_at, is_pinned, user_id, channel_id, root_id, original_id, message, type, props,
/// hashtags, pending_post_id, reply_count, last_reply_at, participants, metadata.
nlohmann::json post_json(mattermost_post const& p);

/// A user as `GET /api/v4/users/{id}` answers it (sanitised: no email, no auth data).
nlohmann::json user_json(mattermost_user const& u, std::int64_t create_at);

/// A channel as `GET /api/v4/channels/{id}` answers it.
nlohmann::json channel_json(mattermost_channel const& c, std::string const& team_id, std::int64_t create_at);

/// A team as `GET /api/v4/teams/{id}` answers it (open team, type "O").
nlohmann::json team_json(std::string_view id, std::string_view name, std::string_view display_name,
                         std::int64_t create_at);

/// A reaction as `data.reaction` carries it (before being turned into a string).
nlohmann::json reaction_json(mattermost_reaction const& r);

/// A command as `POST /api/v4/commands` answers it (token included).
nlohmann::json command_json(registered_command const& c);

/// Mattermost's error body (mm-api `introduction.yaml`):
/// {"id","message","detailed_error","request_id","status_code","is_oauth"}.
nlohmann::json app_error(std::string_view id, std::string_view message, unsigned status_code,
                         std::string_view request_id, std::string_view detailed_error = {});

// ---- Websocket frames -----------------------------------------------------------------------

/// `broadcast` of an event: omit_users null, the other fields strings (empty if not given).
nlohmann::json broadcast(std::string_view user_id = {}, std::string_view channel_id = {},
                         std::string_view team_id = {});

/// An event frame without its `seq` (the fake adds it per connection):
/// {"event": type, "data": data, "broadcast": broadcast}.
nlohmann::json event(std::string_view type, nlohmann::json data, nlohmann::json bc);

/// `hello`: data {connection_id, server_version, server_hostname}, broadcast.user_id = the bot.
nlohmann::json hello_event(std::string_view connection_id, std::string_view server_version,
                           std::string_view bot_user_id, std::string_view hostname = "fake-mattermost");

/// What `posted` needs besides the post itself.
struct posted_context {
    mattermost_channel channel;
    std::string team_id;               ///< data.team_id (empty for direct/group channels)
    std::string sender_name;           ///< "@alice"
    std::vector<std::string> mentions; ///< user ids; data.mentions only when not empty
    bool set_online = true;
};

/// `posted` (mm `app/notification.go`): data.post is `post_json(p).dump()` (a STRING),
/// data.mentions a JSON array dumped to a string, plus channel_type, channel_name,
/// channel_display_name, sender_name, set_online, team_id; broadcast.channel_id.
nlohmann::json posted_event(mattermost_post const& p, posted_context const& ctx);

/// `post_edited`: data.post is the edited post as a string; broadcast.channel_id.
nlohmann::json post_edited_event(mattermost_post const& p);

/// `post_deleted`: data.post (string) and data.delete_by; broadcast.channel_id.
nlohmann::json post_deleted_event(mattermost_post const& p, std::string_view deleted_by);

/// `reaction_added` / `reaction_removed`: data.reaction is `reaction_json(r).dump()`.
nlohmann::json reaction_event(bool added, mattermost_reaction const& r);

/// A response to a client request: {"status":"OK","seq_reply":N} (+ "data" if given); no `seq`.
nlohmann::json ok_response(std::int64_t seq_reply, std::optional<nlohmann::json> data = std::nullopt);

/// {"status":"FAIL","seq_reply":N,"error":{AppError}}.
nlohmann::json fail_response(std::int64_t seq_reply, nlohmann::json error);

// ---- Slash commands -------------------------------------------------------------------------

/// The fields Mattermost sends to a custom command (mm `app/command.go`), in the order
/// url.Values.Encode() writes them (sorted by key; repeated keys keep their order).
struct command_form {
    std::string token;
    std::string team_id;
    std::string team_domain;
    std::string channel_id;
    std::string channel_name;
    std::string user_id;
    std::string user_name;
    std::string command; ///< with the leading '/'
    std::string text;
    std::string trigger_id;
    std::string response_url;
    std::vector<std::pair<std::string, std::string>> user_mentions;    ///< (username, id)
    std::vector<std::pair<std::string, std::string>> channel_mentions; ///< (name, id)

    /// Ordered (key, value) pairs, as Go's url.Values.Encode() orders them.
    std::vector<std::pair<std::string, std::string>> fields() const;
    /// `application/x-www-form-urlencoded` text of fields() (Go's QueryEscape).
    std::string encode() const;
};

} // namespace mattermost
} // namespace coolhead::testing

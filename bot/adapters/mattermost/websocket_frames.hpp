#pragma once
/// Mattermost websocket frames (PROTOCOLS.md 2.1–2.4): the text frames the server sends, decoded
/// into values, the frames we send, and the resume query of the websocket URL. Pure functions:
/// no I/O, no logging, no clock; any thread. parse_frame() never throws for any input (fuzzed:
/// tests/fuzz/mattermost_frame_fuzz.cpp) and never keeps the raw frame: a `malformed` holds a
/// description that names fields, not their values, so it is safe to log.
///
/// Field checking: every field we read is type-checked, and a field of the wrong type makes the
/// frame `malformed`; a field that is absent or null takes its default (empty, 0, false) unless
/// it is marked required below. Unknown fields are ignored. `data.post`, `data.mentions` and
/// `data.reaction` are JSON documents inside JSON strings (mm app/notification.go; PROTOCOLS.md
/// 2.3): they are parsed a second time. Should a server ever send them as plain JSON values
/// instead, those are accepted as they are.

#include "bot/log/secret.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace coolhead::mattermost {

/// Frames longer than this are `malformed` without being parsed. A post is at most 16383 runes
/// (≤ 64 KiB of UTF-8), which JSON-in-JSON encoding can inflate several times; checklist 28 asks
/// for at least 100 KB. The websocket's read_message_max should be at least this.
inline constexpr std::size_t max_frame_bytes = std::size_t{1} << 20;

/// The path of the websocket endpoint (PROTOCOLS.md 2.1).
inline constexpr std::string_view websocket_path = "/api/v4/websocket";

/// An event's `broadcast`: who the server sent it to. Only the fields we use.
struct broadcast {
    std::string user_id;    ///< hello: the bot's own user id
    std::string channel_id; ///< channel-scoped events (reactions carry their channel only here)
    std::string team_id;
    std::string connection_id;
    friend bool operator==(broadcast const&, broadcast const&) = default;
};

/// A post, as in `posted`, `post_edited`, `post_deleted` and the REST posts API (mm
/// model/post.go). `id`, `user_id` and `channel_id` are required. Times are milliseconds since
/// the epoch; 0 means never (edit_at, delete_at).
struct post {
    std::string id;
    std::int64_t create_at = 0;
    std::int64_t update_at = 0;
    std::int64_t edit_at = 0;
    std::int64_t delete_at = 0;
    std::string user_id;
    std::string channel_id;
    std::string root_id; ///< the thread's first post; "" for a post that is not a reply
    std::string message; ///< markdown as the author typed it (the grammar's mattermost dialect)
    std::string type;    ///< "" for a normal post; "system_join_channel", "system_header_change", …
    bool from_bot = false;     ///< props.from_bot is "true" (or true): a bot account posted it
    bool from_webhook = false; ///< props.from_webhook is "true" (or true)
    friend bool operator==(post const&, post const&) = default;
};

/// True for a post a person wrote that the app may treat as a channel message: a normal type
/// (""), an author, not from a bot or a webhook, not deleted. The bot's own posts are from_bot;
/// the adapter also compares user_id with hello's bot_user_id (PROTOCOLS.md 2.3).
bool is_person_post(post const& p) noexcept;

/// `hello`: sent when a connection starts afresh (not when a resume replays events).
struct hello {
    std::string connection_id;   ///< data.connection_id, for the resume query ("" on servers that cannot resume)
    std::string server_version;  ///< data.server_version
    std::string server_hostname; ///< data.server_hostname (newer servers)
    std::string bot_user_id;     ///< broadcast.user_id: whose token this connection uses
    friend bool operator==(hello const&, hello const&) = default;
};

/// `posted`: a new post in a channel the bot is a member of. `data.post` is required.
struct posted {
    mattermost::post post;
    std::string channel_type; ///< "O" open, "P" private, "D" direct, "G" group
    std::string channel_name;
    std::string channel_display_name;
    std::string sender_name; ///< "@alice" (with the @), or a webhook's override name
    std::string team_id;     ///< "" for direct and group messages
    std::vector<std::string> mentions; ///< ids of users the post mentions (data.mentions)
    friend bool operator==(posted const&, posted const&) = default;
};

/// `post_edited`: the post as it is now (`data.post`, required).
struct post_edited {
    mattermost::post post;
    friend bool operator==(post_edited const&, post_edited const&) = default;
};

/// `post_deleted`: the post as it was, with delete_at set (`data.post`, required).
struct post_deleted {
    mattermost::post post;
    friend bool operator==(post_deleted const&, post_deleted const&) = default;
};

/// `reaction_added` / `reaction_removed` (`data.reaction`, required, with `user_id`, `post_id`
/// and `emoji_name` required).
struct reaction {
    bool added = true;
    std::string user_id;    ///< who reacted
    std::string post_id;    ///< the post reacted to
    std::string emoji_name; ///< without colons: "pushpin"
    std::int64_t create_at = 0;
    std::string channel_id; ///< from broadcast.channel_id
    friend bool operator==(reaction const&, reaction const&) = default;
};

/// Any other event (typing, channel_viewed, user_added, …), only named.
struct other_event {
    std::string event;
    friend bool operator==(other_event const&, other_event const&) = default;
};

using event_data = std::variant<hello, posted, post_edited, post_deleted, reaction, other_event>;

/// An event frame: `{"event":…,"data":{…},"broadcast":{…},"seq":N}`. `event` is required.
struct event {
    std::string type;                ///< "event" as sent
    std::optional<std::int64_t> seq; ///< counts this connection's events from 0 (PROTOCOLS.md 2.4)
    mattermost::broadcast broadcast;
    event_data data = other_event{};
    friend bool operator==(event const&, event const&) = default;
};

/// A reply to one of our requests: `{"status":"OK"|"FAIL","seq_reply":N,…}` (no `seq`).
/// `seq_reply` and `status` are required.
struct response {
    std::int64_t seq_reply = 0;
    std::string status;        ///< "OK" or "FAIL" as sent
    std::string error_id;      ///< error.id, e.g. "api.web_socket_router.bad_seq.app_error"
    std::string error_message; ///< error.message
    nlohmann::json data;       ///< `data` if it is an object (ping: text "pong", version, server_time), else null
    bool ok() const noexcept { return status == "OK"; }
    friend bool operator==(response const&, response const&) = default;
};

/// A frame we could not use: too large, not JSON, not an object, neither a response nor an
/// event, a missing required field, a field of the wrong type, or a nested JSON string that is
/// not JSON.
struct malformed {
    std::string what; ///< what was wrong, naming fields only; safe to log
    /// The event's `seq` if it was readable: the event still counts for the sequence, so a
    /// frame we cannot use must not look like a gap (which would make the client reconnect).
    std::optional<std::int64_t> seq;
    friend bool operator==(malformed const&, malformed const&) = default;
};

/// One websocket text frame, decoded.
using frame = std::variant<response, event, malformed>;

/// Decodes one text frame: a response if it has a (non-null) `seq_reply`, else an event if it
/// has an `event`, else malformed. Never throws (other than std::bad_alloc).
frame parse_frame(std::string_view text);

/// `{"seq":N,"action":"authentication_challenge","data":{"token":"…"}}`: authenticates a
/// connection that was upgraded without an Authorization header (a fallback: PROTOCOLS.md 2.1,
/// checklist 13; send it within 5 s). It carries the token, so it is itself a secret: reveal()
/// it only to write it to the socket. `seq` must be at least 1 (the server refuses 0).
log::secret authentication_challenge(std::int64_t seq, log::secret const& token);

/// `{"seq":N,"action":"ping"}`; the server answers with a response whose data.text is "pong".
/// `seq` must be at least 1.
std::string ping(std::int64_t seq);

/// The query of the websocket URL (PROTOCOLS.md 2.4):
/// `?connection_id=<id>&sequence_number=<next>[&disconnect_err_code=<code>]`. First connection:
/// connection_id "" and next_sequence 0. Reconnection: hello's connection_id and the `seq` of
/// the next event wanted, plus the previous close code (e.g. 4001 after a sequence gap, 1006)
/// if known. The id is percent-encoded (real ids are 26 alphanumerics).
std::string resume_query(std::string_view connection_id, std::int64_t next_sequence,
                         std::optional<int> disconnect_err_code = std::nullopt);

/// websocket_path followed by resume_query(…): the request target of the upgrade.
std::string websocket_target(std::string_view connection_id, std::int64_t next_sequence,
                             std::optional<int> disconnect_err_code = std::nullopt);

} // namespace coolhead::mattermost

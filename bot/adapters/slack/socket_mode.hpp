#pragma once
/// Slack Socket Mode frames (PROTOCOLS.md 1.2–1.7): the text frames Slack sends on the
/// websocket, decoded into values, and the acks we send back. Pure functions: no I/O, no
/// logging, no clock; any thread. parse_frame() never throws for any input (fuzzed: see
/// tests/fuzz/slack_frame_fuzz.cpp) and never keeps the raw frame: a `malformed` holds a
/// description that names fields, not their values, so it is safe to log.
///
/// Field checking: every field we read is type-checked, and a field of the wrong type makes the
/// frame `malformed`; a field that is absent or null takes its default (empty, 0, false)
/// unless it is marked required below. Unknown fields are ignored. The exceptions are the
/// informational `debug_info` fields of hello and disconnect, which are read only when they
/// have the expected type.

#include "bot/adapters/slack/web_api.hpp"
#include "bot/log/secret.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace coolhead::slack {

/// Frames longer than this are `malformed` without being parsed. Slack's largest known
/// envelopes are ~60 KB (a block_actions payload); the websocket's read_message_max is 1 MiB
/// (STYLE.md 5.4), so this only bites if that is raised.
inline constexpr std::size_t max_frame_bytes = std::size_t{1} << 20;

/// `{"type":"hello",…}`: the connection is ready. Sent first on every connection.
struct hello {
    int num_connections = 0; ///< this app's open Socket Mode connections, this one included
    /// debug_info.approximate_connection_time: roughly how long until Slack refreshes the link.
    std::optional<std::chrono::seconds> approximate_connection_time;
    std::string app_id; ///< connection_info.app_id
    friend bool operator==(hello const&, hello const&) = default;
};

enum class disconnect_reason : unsigned char {
    warning,             ///< a refresh in ~10 s: open a new link, then close this one
    refresh_requested,   ///< routine: reconnect with a fresh URL (make-before-break)
    link_disabled,       ///< Socket Mode switched off in the app settings: alert, retry slowly
    too_many_websockets, ///< more than 10 connections for this app: back off, look for strays
    unknown,             ///< anything else (`raw_reason` says what)
};

/// `{"type":"disconnect","reason":…}`: Slack is about to close this connection.
struct disconnect {
    disconnect_reason reason = disconnect_reason::unknown;
    std::string raw_reason; ///< "reason" as sent (required)
    std::string host;       ///< debug_info.host, for logs
    friend bool operator==(disconnect const&, disconnect const&) = default;
};

enum class envelope_type : unsigned char { slash_commands, events_api, interactive, other };

/// A slash command (envelope type slash_commands). `command`, `channel_id` and `user_id` are
/// required.
struct slash_command {
    std::string command; ///< "/incident"
    std::string text;    ///< as sent: Slack-escaped, <@U…|name> mentions included (grammar's slack dialect)
    std::string team_id;
    std::string channel_id;
    std::string channel_name; ///< may be "privategroup" or "directmessage"
    std::string user_id;
    std::string user_name;
    std::string trigger_id;   ///< unique per invocation: a dedupe key (PROTOCOLS.md 1.7)
    log::secret response_url; ///< a credential: 5 uses in 30 min (PROTOCOLS.md 1.10)
    friend bool operator==(slash_command const&, slash_command const&) = default;
};

/// The fields of a message, as in a `message` event or nested in message_changed /
/// message_deleted as `message` / `previous_message`.
struct message_fields {
    std::string user;      ///< author; empty for some bot messages
    std::string text;      ///< Slack-escaped
    std::string ts;        ///< the message's id in its channel
    std::string subtype;   ///< "" for a plain message; "bot_message", "message_changed", …
    std::string bot_id;    ///< set when a bot (ours included) posted it
    std::string thread_ts; ///< set for thread parents and replies
    bool edited = false;   ///< an "edited" object is present
    friend bool operator==(message_fields const&, message_fields const&) = default;
};

/// A `message` event. `channel` is required.
struct message_event {
    std::string channel;
    std::string channel_type; ///< "channel", "group", "im", "mpim"
    message_fields fields;    ///< the event's own user, text, ts, subtype, …
    std::string event_ts;
    bool hidden = false;                            ///< message_changed and message_deleted are hidden
    std::string deleted_ts;                         ///< message_deleted: the ts of the deleted message
    std::optional<message_fields> message;          ///< message_changed: the message as it is now
    std::optional<message_fields> previous_message; ///< message_changed / message_deleted: as it was
    friend bool operator==(message_event const&, message_event const&) = default;
};

/// True for a message a person wrote that the app may treat as a channel message: no bot_id,
/// an author, and no subtype other than thread_broadcast, file_share or me_message. Edits,
/// deletions, joins, bot posts (ours included) and the like are false.
bool is_person_message(message_event const& m) noexcept;

/// An edit or a deletion of a person's message, as the timeline needs it.
struct message_change {
    bool deleted = false;
    std::string ts;     ///< the edited or deleted message's ts
    std::string author; ///< who wrote it (Slack lets only the author edit)
    std::string text;   ///< edits: the text as it is now
    friend bool operator==(message_change const&, message_change const&) = default;
};

/// A `message_changed` that changed the text, or a `message_deleted`, of a message a person
/// wrote (no bot_id, not `bot_user_id`); nothing for anything else, including edits Slack sends
/// when only an unfurl or a thread's reply count changed.
std::optional<message_change> person_message_change(message_event const& m, std::string_view bot_user_id);

/// `reaction_added` / `reaction_removed`. `user`, `reaction` and `item.type` are required.
struct reaction_event {
    bool added = true;        ///< reaction_added, else reaction_removed
    std::string user;         ///< who reacted
    std::string reaction;     ///< the emoji name without colons ("pushpin"; skin tones as "+1::skin-tone-2")
    std::string item_type;    ///< "message", "file", "file_comment"
    std::string item_channel; ///< item.channel (messages only)
    std::string item_ts;      ///< item.ts (messages only)
    std::string item_user;    ///< the reacted-to message's author, when Slack sends it
    std::string event_ts;
    friend bool operator==(reaction_event const&, reaction_event const&) = default;
};

/// `member_joined_channel`. `user` and `channel` are required.
struct member_joined_event {
    std::string user;
    std::string channel;
    std::string channel_type;
    std::string inviter;
    friend bool operator==(member_joined_event const&, member_joined_event const&) = default;
};

/// Any other event type (app_mention, channel_created, …), only named.
struct other_event {
    std::string type;
    friend bool operator==(other_event const&, other_event const&) = default;
};

/// The event of an events_api envelope.
using event = std::variant<message_event, reaction_event, member_joined_event, other_event>;

/// The payload of an events_api envelope. For `event_callback` (the usual type), `event_id`
/// and `event` (with its `type`) are required; other payload types (e.g. app_rate_limited)
/// carry only `type` and `event` is other_event{""}.
struct events_api_payload {
    std::string type;            ///< payload.type: "event_callback", "app_rate_limited", …
    std::string event_id;        ///< the dedupe key across retries (PROTOCOLS.md 1.7)
    std::int64_t event_time = 0; ///< seconds since the epoch
    std::string team_id;
    std::string api_app_id;
    slack::event event = other_event{};
    friend bool operator==(events_api_payload const&, events_api_payload const&) = default;
};

/// An interactive envelope's payload: only its type; the adapter acks it and does nothing else.
struct interactive_payload {
    std::string type; ///< "block_actions", "shortcut", "view_submission", …; may be empty
    friend bool operator==(interactive_payload const&, interactive_payload const&) = default;
};

/// An envelope type we do not know: acked, not decoded.
struct unknown_payload {
    friend bool operator==(unknown_payload const&, unknown_payload const&) = default;
};

/// An envelope: every one must be acked within 3 s (PROTOCOLS.md 1.4) with ack() or, if
/// `accepts_response_payload`, ack_with_reply(). `envelope_id` and `type` are required, and
/// `payload` (an object) for the three known types.
struct envelope {
    std::string envelope_id;
    envelope_type type = envelope_type::other;
    std::string raw_type; ///< "type" as sent
    bool accepts_response_payload = false;
    int retry_attempt = 0;    ///< events_api: 0 first, 1–3 for Slack's retries
    std::string retry_reason; ///< events_api: "timeout", …
    std::variant<slash_command, events_api_payload, interactive_payload, unknown_payload> payload;
    friend bool operator==(envelope const&, envelope const&) = default;
};

/// A frame we could not use: not JSON, too large, not an object, an unknown frame type, a
/// missing required field or a field of the wrong type.
struct malformed {
    std::string what; ///< what was wrong, naming fields only; safe to log
    /// The frame's envelope_id if it had a usable one: ack it anyway, so Slack does not keep
    /// redelivering a payload we will never understand.
    std::string envelope_id;
    friend bool operator==(malformed const&, malformed const&) = default;
};

/// One Socket Mode text frame, decoded.
using frame = std::variant<hello, disconnect, envelope, malformed>;

/// Decodes one text frame. Frames longer than max_frame_bytes are malformed unparsed. A frame
/// with a "type" other than hello and disconnect is an envelope if it has an "envelope_id"
/// (the envelope's own type may be anything; unknown ones get an unknown_payload); without one
/// it is malformed. Never throws (other than std::bad_alloc).
frame parse_frame(std::string_view text);

/// `{"envelope_id":"…"}`: acknowledges an envelope without a reply. Never throws (other than
/// std::bad_alloc); invalid UTF-8 becomes U+FFFD.
std::string ack(std::string_view envelope_id);

/// `{"envelope_id":"…","payload":{"response_type":"in_channel"|"ephemeral","text":"…"}}`:
/// acknowledges and answers a slash command in one frame. `mrkdwn_text` is already rendered
/// (mrkdwn.hpp) and at most one message long (message_limit); the rest goes through the
/// response_url or the Web API. Send it only for an envelope whose `accepts_response_payload`
/// is true (slash commands); for anything else use ack(): that is the adapter's decision.
std::string ack_with_reply(std::string_view envelope_id, std::string_view mrkdwn_text, bool in_channel);

/// The reply to `apps.connections.open` (PROTOCOLS.md 1.1).
struct connections_open_reply {
    api_status status; ///< status.ok is true only if `url` is usable
    log::secret url;   ///< the wss:// URL with its ticket: a credential, used once
};

/// Decodes an `apps.connections.open` reply body. Not JSON, or ok without a string `url`:
/// status.ok is false with error invalid_response (ours, retryable).
connections_open_reply parse_connections_open(std::string_view body);

} // namespace coolhead::slack

#pragma once
/// Real-shaped Slack Socket Mode envelopes (PROTOCOLS.md 1.3) as pure functions returning
/// nlohmann::json: no server, no clock, no hidden counters. fake_slack fills in fresh ids and
/// sends them; codec tests can use them directly.
///
/// The shapes follow the Socket Mode documentation and the python-slack-sdk test fixtures. Every
/// id is whatever the caller passes (an empty id is sent as ""), so results are deterministic.
/// Adapters must rely only on the fields PROTOCOLS.md names; the extra fields are here so that a
/// decoder that chokes on unknown fields fails in tests, not in production.

#include <nlohmann/json.hpp>

#include <string>

namespace coolhead::testing {

/// The workspace and app that envelopes and Web API answers claim to come from.
struct slack_workspace {
    std::string team_id = "T0FAKETEAM";
    std::string team_domain = "fake-team";
    std::string app_id = "A0FAKEAPP";
    /// The legacy verification token Slack still puts into payloads (the adapter must ignore
    /// it: Socket Mode is authenticated by the link itself).
    std::string verification_token = "fakeVerificationTok0000";
};

/// A `/command` typed by a user. Only `command`, `text`, `channel_id`, `user_id` and
/// `response_url` are worth relying on (PROTOCOLS.md 1.3).
struct slash_command_args {
    std::string command = "/incident"; ///< with the slash
    std::string text;                  ///< everything after the command, as typed
    std::string channel = "C0INCIDENT1";
    std::string user_id = "U0ALICE";
    std::string user_name = "alice";
    std::string channel_name = "incident-1";
    std::string envelope_id;  ///< fake_slack: empty means a fresh one
    std::string trigger_id;   ///< fake_slack: empty means a fresh one
    std::string response_url; ///< fake_slack: empty means a fresh one served by the fake
};

/// A `message` (or `app_mention`) event in an `events_api` envelope.
struct message_event_args {
    std::string channel = "C0INCIDENT1";
    std::string user = "U0ALICE";
    std::string text;
    std::string ts;                     ///< fake_slack: empty means a fresh, increasing ts
    std::string event_id;               ///< fake_slack: empty means a fresh one ("Ev0FAKE000001", ...)
    int retry_attempt = 0;              ///< envelope field; 1-3 on Slack's redeliveries
    std::string retry_reason;           ///< envelope field; "timeout" on redeliveries, else ""
    std::string thread_ts;              ///< set for a reply in a thread
    std::string bot_id;                 ///< set for a bot's message (e.g. the bot's own post: filter it)
    std::string subtype;                ///< e.g. "bot_message", "message_changed"; empty: none
    std::string event_type = "message"; ///< or "app_mention"
    std::string envelope_id;            ///< fake_slack: empty means a fresh one
};

/// A person's message edited (`message_changed`) or deleted (`message_deleted`), in Slack's
/// shape: hidden, the event's own fresh ts, the message as it is now in `message` (edits) and
/// as it was in `previous_message`; `deleted_ts` for deletions. No top-level `user`.
struct message_change_args {
    bool deleted = false;
    std::string channel = "C0INCIDENT1";
    std::string ts;        ///< the edited or deleted message's ts
    std::string user = "U0ALICE"; ///< its author
    std::string old_text;
    std::string new_text;  ///< edits only
    std::string event_ts;  ///< fake_slack: empty means a fresh one
    std::string event_id;  ///< fake_slack: empty means a fresh one
    std::string envelope_id;
};

/// A `reaction_added` / `reaction_removed` event in an `events_api` envelope.
struct reaction_event_args {
    bool added = true;
    std::string reaction = "eyes"; ///< the emoji name, without colons
    std::string channel = "C0INCIDENT1";
    std::string item_ts;          ///< the ts of the message reacted to
    std::string user = "U0ALICE"; ///< who reacted
    std::string item_user;        ///< who wrote the message
    std::string event_id;         ///< fake_slack: empty means a fresh one
    std::string event_ts;         ///< fake_slack: empty means a fresh ts
    int retry_attempt = 0;
    std::string retry_reason;
    std::string envelope_id; ///< fake_slack: empty means a fresh one
};

/// An `interactive` envelope: `block_actions` (a button), `shortcut`, `view_submission`, ...
struct interactive_event_args {
    std::string payload_type = "block_actions";
    std::string action_id = "ack_button";
    std::string block_id = "actions";
    std::string value = "ok";
    std::string user_id = "U0ALICE";
    std::string user_name = "alice";
    std::string channel = "C0INCIDENT1";
    std::string channel_name = "incident-1";
    std::string message_ts;   ///< the message holding the button; fake_slack: empty means a fresh ts
    std::string trigger_id;   ///< fake_slack: empty means a fresh one
    std::string response_url; ///< fake_slack: empty means a fresh one served by the fake
    std::string envelope_id;  ///< fake_slack: empty means a fresh one
};

/// `{"envelope_id":…,"type":"slash_commands","accepts_response_payload":true,"payload":{…}}`.
nlohmann::json make_slash_command_envelope(slack_workspace const& ws, slash_command_args const& a);

/// `{"envelope_id":…,"type":"events_api","accepts_response_payload":false,"retry_attempt":…,
/// "retry_reason":…,"payload":{"type":"event_callback","event_id":…,"event":{"type":"message",…}}}`.
/// `event_time` is the integer part of `ts`.
nlohmann::json make_message_event_envelope(slack_workspace const& ws, message_event_args const& a);
nlohmann::json make_message_change_envelope(slack_workspace const& ws, message_change_args const& a);

/// The same envelope shape with a `reaction_added`/`reaction_removed` event whose `item` is
/// `{"type":"message","channel":…,"ts":item_ts}`.
nlohmann::json make_reaction_event_envelope(slack_workspace const& ws, reaction_event_args const& a);

/// `{"type":"interactive",…}`; `accepts_response_payload` is true for block_actions,
/// view_submission and block_suggestion, false otherwise (PROTOCOLS.md 1.3).
nlohmann::json make_interactive_envelope(slack_workspace const& ws, interactive_event_args const& a);

} // namespace coolhead::testing

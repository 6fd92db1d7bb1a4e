#include "tests/support/slack/slack_envelopes.hpp"

#include <cstdint>
#include <cstdlib>

namespace coolhead::testing {

using nlohmann::json;

namespace {

// "1700000000.000100" -> 1700000000; anything unparsable -> 0.
std::int64_t seconds_of(std::string const& ts)
{
    return std::strtoll(ts.c_str(), nullptr, 10);
}

json events_api_envelope(slack_workspace const& ws, std::string const& envelope_id,
                         std::string const& event_id, std::string const& event_ts, int retry_attempt,
                         std::string const& retry_reason, json event)
{
    json payload = {
        {"token", ws.verification_token},
        {"team_id", ws.team_id},
        {"api_app_id", ws.app_id},
        {"event", std::move(event)},
        {"type", "event_callback"},
        {"event_id", event_id},
        {"event_time", seconds_of(event_ts)},
        {"authorizations", json::array({{{"enterprise_id", nullptr},
                                         {"team_id", ws.team_id},
                                         {"is_bot", true},
                                         {"is_enterprise_install", false}}})},
        {"is_ext_shared_channel", false},
    };
    return {
        {"envelope_id", envelope_id},        {"payload", std::move(payload)},  {"type", "events_api"},
        {"accepts_response_payload", false}, {"retry_attempt", retry_attempt}, {"retry_reason", retry_reason},
    };
}

} // namespace

json make_slash_command_envelope(slack_workspace const& ws, slash_command_args const& a)
{
    json payload = {
        {"token", ws.verification_token},
        {"team_id", ws.team_id},
        {"team_domain", ws.team_domain},
        {"channel_id", a.channel},
        {"channel_name", a.channel_name},
        {"user_id", a.user_id},
        {"user_name", a.user_name},
        {"command", a.command},
        {"text", a.text},
        {"api_app_id", ws.app_id},
        {"is_enterprise_install", "false"},
        {"response_url", a.response_url},
        {"trigger_id", a.trigger_id},
    };
    return {
        {"envelope_id", a.envelope_id},
        {"payload", std::move(payload)},
        {"type", "slash_commands"},
        {"accepts_response_payload", true},
    };
}

json make_message_event_envelope(slack_workspace const& ws, message_event_args const& a)
{
    json event = {
        {"type", a.event_type}, {"text", a.text},       {"user", a.user},   {"ts", a.ts},
        {"team", ws.team_id},   {"channel", a.channel}, {"event_ts", a.ts}, {"channel_type", "channel"},
    };
    if (!a.thread_ts.empty()) event["thread_ts"] = a.thread_ts;
    if (!a.bot_id.empty()) event["bot_id"] = a.bot_id;
    if (!a.subtype.empty()) event["subtype"] = a.subtype;
    return events_api_envelope(ws, a.envelope_id, a.event_id, a.ts, a.retry_attempt, a.retry_reason,
                               std::move(event));
}

json make_message_change_envelope(slack_workspace const& ws, message_change_args const& a)
{
    json previous = {{"type", "message"}, {"user", a.user}, {"text", a.old_text}, {"ts", a.ts}, {"team", ws.team_id}};
    json event = {
        {"type", "message"},   {"subtype", a.deleted ? "message_deleted" : "message_changed"},
        {"hidden", true},      {"channel", a.channel},
        {"ts", a.event_ts},    {"event_ts", a.event_ts},
        {"channel_type", "channel"}, {"previous_message", previous},
    };
    if (a.deleted) {
        event["deleted_ts"] = a.ts;
    } else {
        json now = previous;
        now["text"] = a.new_text;
        now["edited"] = {{"user", a.user}, {"ts", a.event_ts}};
        event["message"] = std::move(now);
    }
    return events_api_envelope(ws, a.envelope_id, a.event_id, a.event_ts, 0, "", std::move(event));
}

json make_reaction_event_envelope(slack_workspace const& ws, reaction_event_args const& a)
{
    json event = {
        {"type", a.added ? "reaction_added" : "reaction_removed"},
        {"user", a.user},
        {"reaction", a.reaction},
        {"item_user", a.item_user},
        {"item", {{"type", "message"}, {"channel", a.channel}, {"ts", a.item_ts}}},
        {"event_ts", a.event_ts},
    };
    return events_api_envelope(ws, a.envelope_id, a.event_id, a.event_ts, a.retry_attempt, a.retry_reason,
                               std::move(event));
}

json make_interactive_envelope(slack_workspace const& ws, interactive_event_args const& a)
{
    bool const accepts = a.payload_type == "block_actions" || a.payload_type == "view_submission" ||
                         a.payload_type == "block_suggestion";
    json payload = {
        {"type", a.payload_type},
        {"user",
         {{"id", a.user_id}, {"username", a.user_name}, {"name", a.user_name}, {"team_id", ws.team_id}}},
        {"api_app_id", ws.app_id},
        {"token", ws.verification_token},
        {"trigger_id", a.trigger_id},
        {"team", {{"id", ws.team_id}, {"domain", ws.team_domain}}},
        {"is_enterprise_install", false},
    };
    if (a.payload_type == "block_actions") {
        payload["container"] = {{"type", "message"},
                                {"message_ts", a.message_ts},
                                {"channel_id", a.channel},
                                {"is_ephemeral", false}};
        payload["channel"] = {{"id", a.channel}, {"name", a.channel_name}};
        payload["message"] = {{"type", "message"}, {"ts", a.message_ts}, {"text", ""}};
        payload["response_url"] = a.response_url;
        payload["actions"] = json::array({{{"action_id", a.action_id},
                                           {"block_id", a.block_id},
                                           {"type", "button"},
                                           {"value", a.value},
                                           {"text", {{"type", "plain_text"}, {"text", a.value}}},
                                           {"action_ts", a.message_ts}}});
    } else if (a.payload_type == "shortcut" || a.payload_type == "message_action") {
        payload["callback_id"] = a.action_id;
        payload["action_ts"] = a.message_ts;
    } else {
        payload["callback_id"] = a.action_id;
    }
    return {
        {"envelope_id", a.envelope_id},
        {"payload", std::move(payload)},
        {"type", "interactive"},
        {"accepts_response_payload", accepts},
    };
}

} // namespace coolhead::testing

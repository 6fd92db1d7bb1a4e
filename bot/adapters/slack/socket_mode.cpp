#include "bot/adapters/slack/socket_mode.hpp"

#include "bot/adapters/slack/detail/json_fields.hpp"
#include "bot/adapters/slack/detail/reply.hpp"

#include <limits>
#include <utility>

namespace coolhead::slack {
namespace {

using detail::fields;
using detail::json;
using detail::need;

/// An informational field: read if it has the expected type, else ignored.
json const* find_object(json const& obj, char const* key)
{
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    return it != obj.end() && it->is_object() ? &*it : nullptr;
}

std::string lenient_string(json const* obj, char const* key)
{
    if (!obj) return {};
    auto it = obj->find(key);
    return it != obj->end() && it->is_string() ? it->get<std::string>() : std::string{};
}

/// A small non-negative integer field as int; out of range is an error.
int count(fields& f, char const* key)
{
    auto v = f.integer(key);
    if (!v) return 0;
    if (*v < 0 || *v > std::numeric_limits<int>::max()) {
        f.fail(key, "out of range");
        return 0;
    }
    return static_cast<int>(*v);
}

frame parse_hello(json const& j)
{
    fields f(j, "hello");
    hello h;
    h.num_connections = count(f, "num_connections");
    if (auto const* info = f.object("connection_info")) {
        fields ci(*info, "hello.connection_info");
        h.app_id = ci.str("app_id");
        f.take(ci);
    }
    if (auto const* debug = find_object(j, "debug_info")) {
        auto it = debug->find("approximate_connection_time");
        if (it != debug->end()) {
            if (auto secs = fields::as_integer(*it); secs && *secs >= 0)
                h.approximate_connection_time = std::chrono::seconds{*secs};
        }
    }
    if (!f.ok()) return malformed{f.error(), {}};
    return h;
}

disconnect_reason reason_of(std::string_view s) noexcept
{
    if (s == "warning") return disconnect_reason::warning;
    if (s == "refresh_requested") return disconnect_reason::refresh_requested;
    if (s == "link_disabled") return disconnect_reason::link_disabled;
    if (s == "too_many_websockets") return disconnect_reason::too_many_websockets;
    return disconnect_reason::unknown;
}

frame parse_disconnect(json const& j)
{
    fields f(j, "disconnect");
    disconnect d;
    d.raw_reason = f.str("reason", need::required);
    d.reason = reason_of(d.raw_reason);
    d.host = lenient_string(find_object(j, "debug_info"), "host");
    if (!f.ok()) return malformed{f.error(), {}};
    return d;
}

envelope_type envelope_type_of(std::string_view s) noexcept
{
    if (s == "slash_commands") return envelope_type::slash_commands;
    if (s == "events_api") return envelope_type::events_api;
    if (s == "interactive") return envelope_type::interactive;
    return envelope_type::other;
}

slash_command parse_slash_command(json const& p, fields& outer)
{
    fields f(p, "payload");
    slash_command c;
    c.command = f.str("command", need::required);
    c.text = f.str("text");
    c.team_id = f.str("team_id");
    c.channel_id = f.str("channel_id", need::required);
    c.channel_name = f.str("channel_name");
    c.user_id = f.str("user_id", need::required);
    c.user_name = f.str("user_name");
    c.trigger_id = f.str("trigger_id");
    c.response_url = log::secret(f.str("response_url"));
    outer.take(f);
    return c;
}

message_fields parse_message_fields(fields& f)
{
    message_fields out;
    out.user = f.str("user");
    out.text = f.str("text");
    out.ts = f.str("ts");
    out.subtype = f.str("subtype");
    out.bot_id = f.str("bot_id");
    out.thread_ts = f.str("thread_ts");
    out.edited = f.object("edited") != nullptr;
    return out;
}

std::optional<message_fields> nested_message(fields& f, json const* m, std::string const& where)
{
    if (!m) return std::nullopt;
    fields nf(*m, where);
    auto out = parse_message_fields(nf);
    f.take(nf);
    return out;
}

event parse_event(json const& e, fields& outer)
{
    std::string const where = "payload.event";
    fields f(e, where);
    auto type = f.str("type", need::required);
    event out = other_event{type};
    if (type == "message") {
        message_event m;
        m.channel = f.str("channel", need::required);
        m.channel_type = f.str("channel_type");
        m.fields = parse_message_fields(f);
        m.event_ts = f.str("event_ts");
        m.hidden = f.boolean("hidden");
        m.deleted_ts = f.str("deleted_ts");
        m.message = nested_message(f, f.object("message"), where + ".message");
        m.previous_message = nested_message(f, f.object("previous_message"), where + ".previous_message");
        out = std::move(m);
    } else if (type == "reaction_added" || type == "reaction_removed") {
        reaction_event r;
        r.added = type == "reaction_added";
        r.user = f.str("user", need::required);
        r.reaction = f.str("reaction", need::required);
        r.item_user = f.str("item_user");
        r.event_ts = f.str("event_ts");
        if (auto const* item = f.object("item", need::required)) {
            fields itf(*item, where + ".item");
            r.item_type = itf.str("type", need::required);
            r.item_channel = itf.str("channel");
            r.item_ts = itf.str("ts");
            f.take(itf);
        }
        out = std::move(r);
    } else if (type == "member_joined_channel") {
        member_joined_event mj;
        mj.user = f.str("user", need::required);
        mj.channel = f.str("channel", need::required);
        mj.channel_type = f.str("channel_type");
        mj.inviter = f.str("inviter");
        out = std::move(mj);
    }
    outer.take(f);
    return out;
}

events_api_payload parse_events_api(json const& p, fields& outer)
{
    fields f(p, "payload");
    events_api_payload out;
    out.type = f.str("type", need::required);
    out.team_id = f.str("team_id");
    out.api_app_id = f.str("api_app_id");
    out.event_id = f.str("event_id", out.type == "event_callback" ? need::required : need::optional);
    if (auto t = f.integer("event_time")) out.event_time = *t;
    if (out.type == "event_callback") {
        if (auto const* e = f.object("event", need::required)) out.event = parse_event(*e, f);
    }
    outer.take(f);
    return out;
}

interactive_payload parse_interactive(json const& p, fields& outer)
{
    fields f(p, "payload");
    interactive_payload out{f.str("type")};
    outer.take(f);
    return out;
}

frame parse_envelope(json const& j, std::string type)
{
    fields f(j, "envelope");
    envelope env;
    env.envelope_id = f.str("envelope_id", need::required);
    if (!f.ok()) return malformed{f.error(), {}};
    env.raw_type = std::move(type);
    env.type = envelope_type_of(env.raw_type);
    env.accepts_response_payload = f.boolean("accepts_response_payload");
    env.retry_attempt = count(f, "retry_attempt");
    env.retry_reason = f.str("retry_reason");
    auto const* payload =
        f.object("payload", env.type == envelope_type::other ? need::optional : need::required);
    if (payload) {
        switch (env.type) {
        case envelope_type::slash_commands:
            env.payload = parse_slash_command(*payload, f);
            break;
        case envelope_type::events_api:
            env.payload = parse_events_api(*payload, f);
            break;
        case envelope_type::interactive:
            env.payload = parse_interactive(*payload, f);
            break;
        case envelope_type::other:
            env.payload = unknown_payload{};
            break;
        }
    } else {
        env.payload = unknown_payload{};
    }
    // A usable envelope_id is worth keeping even when the rest is not: the adapter acks it.
    if (!f.ok()) return malformed{f.error(), std::move(env.envelope_id)};
    return env;
}

} // namespace

bool is_person_message(message_event const& m) noexcept
{
    auto const& s = m.fields.subtype;
    bool const plain = s.empty() || s == "thread_broadcast" || s == "file_share" || s == "me_message";
    return plain && m.fields.bot_id.empty() && !m.fields.user.empty();
}

std::optional<message_change> person_message_change(message_event const& m, std::string_view bot_user_id)
{
    auto const* before = m.previous_message ? &*m.previous_message : nullptr;
    message_change out;
    if (m.fields.subtype == "message_changed") {
        if (!m.message) return std::nullopt;
        auto const& now = *m.message;
        if (!now.bot_id.empty() || (before && now.text == before->text)) return std::nullopt;
        out.ts = now.ts;
        out.author = now.user;
        out.text = now.text;
    } else if (m.fields.subtype == "message_deleted") {
        if (!before || !before->bot_id.empty()) return std::nullopt;
        out.deleted = true;
        out.ts = m.deleted_ts.empty() ? before->ts : m.deleted_ts;
        out.author = before->user;
    } else {
        return std::nullopt;
    }
    if (out.ts.empty() || out.author.empty() || out.author == bot_user_id) return std::nullopt;
    if (before && !before->bot_id.empty()) return std::nullopt;
    return out;
}

frame parse_frame(std::string_view text)
{
    if (text.size() > max_frame_bytes) return malformed{"frame too large", {}};
    auto j = detail::parse(text);
    if (j.is_discarded()) return malformed{"not JSON", {}};
    if (!j.is_object()) return malformed{"not a JSON object", {}};
    fields f(j, "frame");
    auto type = f.str("type", need::required);
    if (!f.ok()) {
        // Keep an envelope_id so the adapter can still ack it.
        auto id = lenient_string(&j, "envelope_id");
        return malformed{f.error(), std::move(id)};
    }
    if (type == "hello") return parse_hello(j);
    if (type == "disconnect") return parse_disconnect(j);
    if (j.contains("envelope_id")) return parse_envelope(j, std::move(type));
    return malformed{"frame: unknown type without envelope_id", {}};
}

std::string ack(std::string_view envelope_id)
{
    return detail::dump(json{{"envelope_id", envelope_id}});
}

std::string ack_with_reply(std::string_view envelope_id, std::string_view mrkdwn_text, bool in_channel)
{
    json j = {
        {"envelope_id", envelope_id},
        {"payload", {{"response_type", in_channel ? "in_channel" : "ephemeral"}, {"text", mrkdwn_text}}}};
    return detail::dump(j);
}

connections_open_reply parse_connections_open(std::string_view body)
{
    auto [st, j] = detail::read_reply(body);
    connections_open_reply out;
    if (st.ok) {
        fields f(j, "");
        auto url = f.str("url", need::required);
        if (!f.ok())
            detail::unusable(st, f.error());
        else
            out.url = log::secret(std::move(url));
    }
    out.status = std::move(st);
    return out;
}

} // namespace coolhead::slack

#include "bot/adapters/mattermost/websocket_frames.hpp"

#include "bot/adapters/mattermost/detail/json_fields.hpp"
#include "bot/adapters/mattermost/detail/percent.hpp"
#include "bot/adapters/mattermost/detail/post_json.hpp"

#include <cassert>
#include <utility>

namespace coolhead::mattermost {

namespace detail {

json nested_json(json const& value, std::string const& where, fields& outer)
{
    if (value.is_string()) {
        auto j = parse(value.get_ref<std::string const&>());
        if (j.is_discarded()) {
            outer.fail(where, "not JSON inside the string");
            return json(nullptr);
        }
        return j;
    }
    if (value.is_object() || value.is_array()) return value;
    outer.fail(where, "expected a JSON string");
    return json(nullptr);
}

namespace {

/// props values are free-form (integrations write them), so only "true" and true count and
/// anything else is false rather than an error.
bool prop_is_true(json const& props, char const* key)
{
    if (!props.is_object()) return false;
    auto it = props.find(key);
    if (it == props.end()) return false;
    return (it->is_boolean() && it->get<bool>()) || (it->is_string() && it->get_ref<std::string const&>() == "true");
}

} // namespace

post read_post(json const& obj, std::string const& where, fields& outer)
{
    fields f(obj, where);
    post p;
    p.id = f.str("id", need::required);
    p.create_at = f.integer("create_at").value_or(0);
    p.update_at = f.integer("update_at").value_or(0);
    p.edit_at = f.integer("edit_at").value_or(0);
    p.delete_at = f.integer("delete_at").value_or(0);
    p.user_id = f.str("user_id", need::required);
    p.channel_id = f.str("channel_id", need::required);
    p.root_id = f.str("root_id");
    p.message = f.str("message");
    p.type = f.str("type");
    if (auto const* props = f.object("props")) {
        p.from_bot = prop_is_true(*props, "from_bot");
        p.from_webhook = prop_is_true(*props, "from_webhook");
    }
    outer.take(f);
    return p;
}

} // namespace detail

namespace {

using detail::fields;
using detail::json;
using detail::need;

frame parse_response(json const& j)
{
    fields f(j, "response");
    response r;
    if (auto seq = f.integer("seq_reply", need::required)) r.seq_reply = *seq;
    r.status = f.str("status", need::required);
    if (auto const* e = f.object("error")) {
        fields ef(*e, "response.error");
        r.error_id = ef.str("id");
        r.error_message = ef.str("message");
        f.take(ef);
    }
    // `data` is whatever the action answers; keep it only as an object.
    if (auto it = j.find("data"); it != j.end() && it->is_object()) r.data = *it;
    if (!f.ok()) return malformed{f.error(), std::nullopt};
    return r;
}

/// The value of `data.<key>` parsed a second time (see nested_json), or null if absent.
json nested_field(fields& data, json const* data_obj, char const* key, need n)
{
    auto const* v = data_obj ? data.find(key, n) : nullptr;
    if (!v) return json(nullptr);
    return detail::nested_json(*v, key, data);
}

event_data parse_hello(fields& data)
{
    hello h;
    h.connection_id = data.str("connection_id");
    h.server_version = data.str("server_version");
    h.server_hostname = data.str("server_hostname");
    return h;
}

event_data parse_posted(fields& data, json const* data_obj)
{
    posted out;
    auto p = nested_field(data, data_obj, "post", need::required);
    if (!p.is_null()) out.post = detail::read_post(p, "event.data.post", data);
    out.channel_type = data.str("channel_type");
    out.channel_name = data.str("channel_name");
    out.channel_display_name = data.str("channel_display_name");
    out.sender_name = data.str("sender_name");
    out.team_id = data.str("team_id");
    auto mentions = nested_field(data, data_obj, "mentions", need::optional);
    if (mentions.is_array()) {
        for (auto const& id : mentions) {
            if (!id.is_string()) {
                data.fail("mentions", "expected an array of strings");
                break;
            }
            out.mentions.push_back(id.get<std::string>());
        }
    } else if (!mentions.is_null()) {
        data.fail("mentions", "expected an array");
    }
    return out;
}

post post_of(fields& data, json const* data_obj)
{
    auto p = nested_field(data, data_obj, "post", need::required);
    if (p.is_null()) return {};
    return detail::read_post(p, "event.data.post", data);
}

event_data parse_reaction(fields& data, json const* data_obj, bool added, std::string const& channel_id)
{
    reaction r;
    r.added = added;
    r.channel_id = channel_id;
    auto j = nested_field(data, data_obj, "reaction", need::required);
    if (j.is_null()) return r;
    fields rf(j, "event.data.reaction");
    r.user_id = rf.str("user_id", need::required);
    r.post_id = rf.str("post_id", need::required);
    r.emoji_name = rf.str("emoji_name", need::required);
    r.create_at = rf.integer("create_at").value_or(0);
    data.take(rf);
    return r;
}

frame parse_event(json const& j)
{
    fields f(j, "event");
    event ev;
    ev.type = f.str("event", need::required);
    ev.seq = f.integer("seq");
    if (!f.ok()) return malformed{f.error(), ev.seq};
    if (auto const* b = f.object("broadcast")) {
        fields bf(*b, "event.broadcast");
        ev.broadcast.user_id = bf.str("user_id");
        ev.broadcast.channel_id = bf.str("channel_id");
        ev.broadcast.team_id = bf.str("team_id");
        ev.broadcast.connection_id = bf.str("connection_id");
        f.take(bf);
    }
    bool const known = ev.type == "hello" || ev.type == "posted" || ev.type == "post_edited" ||
                       ev.type == "post_deleted" || ev.type == "reaction_added" || ev.type == "reaction_removed";
    // Events we do not decode may carry anything as data: not ours to judge.
    json const* data_obj = known ? f.object("data", need::required) : nullptr;
    static json const empty = json::object();
    fields data(data_obj ? *data_obj : empty, "event.data");
    if (ev.type == "hello") {
        ev.data = parse_hello(data);
        std::get<hello>(ev.data).bot_user_id = ev.broadcast.user_id;
    } else if (ev.type == "posted") {
        ev.data = parse_posted(data, data_obj);
    } else if (ev.type == "post_edited") {
        ev.data = post_edited{post_of(data, data_obj)};
    } else if (ev.type == "post_deleted") {
        ev.data = post_deleted{post_of(data, data_obj)};
    } else if (ev.type == "reaction_added" || ev.type == "reaction_removed") {
        ev.data = parse_reaction(data, data_obj, ev.type == "reaction_added", ev.broadcast.channel_id);
    } else {
        ev.data = other_event{ev.type};
    }
    f.take(data);
    if (!f.ok()) return malformed{f.error(), ev.seq};
    return ev;
}

bool has(json const& j, char const* key)
{
    auto it = j.find(key);
    return it != j.end() && !it->is_null();
}

} // namespace

bool is_person_post(post const& p) noexcept
{
    return p.type.empty() && !p.user_id.empty() && !p.from_bot && !p.from_webhook && p.delete_at == 0;
}

frame parse_frame(std::string_view text)
{
    if (text.size() > max_frame_bytes) return malformed{"frame too large", std::nullopt};
    auto j = detail::parse(text);
    if (j.is_discarded()) return malformed{"not JSON", std::nullopt};
    if (!j.is_object()) return malformed{"not a JSON object", std::nullopt};
    // Responses first: they have no `event` (and no `seq`), and the web app classifies the same way.
    if (has(j, "seq_reply")) return parse_response(j);
    if (has(j, "event")) return parse_event(j);
    return malformed{"frame: neither seq_reply nor event", std::nullopt};
}

log::secret authentication_challenge(std::int64_t seq, log::secret const& token)
{
    assert(seq >= 1);
    nlohmann::ordered_json j = {
        {"seq", seq}, {"action", "authentication_challenge"}, {"data", {{"token", token.reveal()}}}};
    return log::secret(detail::dump(j));
}

std::string ping(std::int64_t seq)
{
    assert(seq >= 1);
    nlohmann::ordered_json j = {{"seq", seq}, {"action", "ping"}};
    return detail::dump(j);
}

std::string resume_query(std::string_view connection_id, std::int64_t next_sequence,
                         std::optional<int> disconnect_err_code)
{
    assert(next_sequence >= 0);
    std::string q = "?connection_id=" + detail::percent_encode(connection_id) +
                    "&sequence_number=" + std::to_string(next_sequence);
    if (disconnect_err_code) q += "&disconnect_err_code=" + std::to_string(*disconnect_err_code);
    return q;
}

std::string websocket_target(std::string_view connection_id, std::int64_t next_sequence,
                             std::optional<int> disconnect_err_code)
{
    return std::string(websocket_path) + resume_query(connection_id, next_sequence, disconnect_err_code);
}

} // namespace coolhead::mattermost

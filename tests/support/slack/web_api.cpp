// The fake's Web API methods as plain functions over web_api_model (see detail/web_api.hpp).
#include "tests/support/slack/detail/web_api.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace coolhead::testing::detail {

using nlohmann::json;

namespace {

// Slack's `text` limit (api.slack.com/changelog/2018-04-truncating-really-long-messages): the
// fake refuses rather than truncates, so an adapter that forgets to split fails loudly.
constexpr std::size_t max_text_chars = 40'000;

// response_url: "up to 5 times within 30 minutes" (PROTOCOLS.md 1.10).
constexpr std::size_t response_url_uses = 5;

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string str(json const& params, char const* name)
{
    auto it = params.find(name);
    if (it == params.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    return it->dump();
}

bool present(json const& params, char const* name)
{
    auto it = params.find(name);
    if (it == params.end() || it->is_null()) return false;
    if (it->is_string()) return !it->get_ref<std::string const&>().empty();
    if (it->is_array() || it->is_object()) return !it->empty();
    return true;
}

bool truthy(json const& params, char const* name)
{
    auto it = params.find(name);
    if (it == params.end()) return false;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_number_integer()) return it->get<long long>() != 0;
    if (it->is_string()) return *it == "true" || *it == "1";
    return false;
}

json error(std::string code)
{
    return {{"ok", false}, {"error", std::move(code)}};
}

json auth_error(token_check t)
{
    return error(t == token_check::wrong_token ? "invalid_auth" : "not_authed");
}

json message_json(history_message const& h)
{
    json m = {{"type", "message"}, {"user", h.user}, {"text", h.text}, {"ts", h.ts}};
    if (!h.thread_ts.empty()) m["thread_ts"] = h.thread_ts;
    if (!h.bot_id.empty()) m["bot_id"] = h.bot_id;
    return m;
}

posted_message message_from(web_api_call const& call, steady_time now)
{
    posted_message m;
    m.method = call.method;
    m.channel = str(call.params, "channel");
    m.user = str(call.params, "user");
    m.text = str(call.params, "text");
    m.text_length = code_points(m.text);
    m.thread_ts = str(call.params, "thread_ts");
    m.params = call.params;
    m.body = call.body;
    m.auth = call.auth;
    m.received_at = now;
    return m;
}

// The common checks of chat.postMessage/postEphemeral/update, in Slack's order as far as it is
// known: token, channel, text (or blocks/attachments), length.
std::string chat_error(web_api_call const& call, posted_message const& m)
{
    if (call.auth != token_check::ok)
        return call.auth == token_check::wrong_token ? "invalid_auth" : "not_authed";
    if (m.channel.empty()) return "channel_not_found";
    if (m.text.empty() && !present(call.params, "blocks") && !present(call.params, "attachments"))
        return "no_text";
    if (m.text_length > max_text_chars) return "msg_too_long";
    return {};
}

json post_message(web_api_model& m, web_api_call const& call, steady_time now)
{
    auto msg = message_from(call, now);
    msg.error = chat_error(call, msg);
    if (msg.error.empty() && m.outside.contains(msg.channel)) msg.error = "not_in_channel";
    if (!msg.error.empty()) {
        auto e = msg.error;
        m.messages.push_back(std::move(msg));
        return error(std::move(e));
    }
    msg.ts = m.next_ts();
    history_message h{msg.channel, msg.ts, m.options.bot_user_id, msg.text, msg.thread_ts, m.options.bot_id};
    m.add_history(h);
    json answer = {{"ok", true}, {"channel", msg.channel}, {"ts", msg.ts}, {"message", message_json(h)}};
    m.messages.push_back(std::move(msg));
    return answer;
}

json post_ephemeral(web_api_model& m, web_api_call const& call, steady_time now)
{
    auto msg = message_from(call, now);
    msg.error = chat_error(call, msg);
    // Unverified which error Slack gives for a missing `user`; user_not_in_channel is the
    // documented one for a user who cannot see the message.
    if (msg.error.empty() && msg.user.empty()) msg.error = "user_not_in_channel";
    if (msg.error.empty() && m.outside.contains(msg.channel)) msg.error = "not_in_channel";
    if (!msg.error.empty()) {
        auto e = msg.error;
        m.messages.push_back(std::move(msg));
        return error(std::move(e));
    }
    msg.ts = m.next_ts();
    // Slack answers an ephemeral with `message_ts` only (it never enters the history).
    json answer = {{"ok", true}, {"message_ts", msg.ts}};
    m.messages.push_back(std::move(msg));
    return answer;
}

json update_message(web_api_model& m, web_api_call const& call, steady_time now)
{
    auto msg = message_from(call, now);
    auto const ts = str(call.params, "ts");
    msg.error = chat_error(call, msg);
    history_message* target = nullptr;
    if (msg.error.empty()) {
        auto it = m.history.find(msg.channel);
        if (it != m.history.end()) {
            for (auto& h : it->second) {
                if (h.ts == ts) target = &h;
            }
        }
        if (!target) msg.error = "message_not_found";
    }
    if (!msg.error.empty()) {
        auto e = msg.error;
        m.messages.push_back(std::move(msg));
        return error(std::move(e));
    }
    target->text = msg.text;
    msg.ts = ts;
    json answer = {{"ok", true},
                   {"channel", msg.channel},
                   {"ts", ts},
                   {"text", msg.text},
                   {"message", message_json(*target)}};
    m.messages.push_back(std::move(msg));
    return answer;
}

json users_info(web_api_model& m, web_api_call const& call)
{
    auto const id = str(call.params, "user");
    ++m.users_info_calls[id];
    if (call.auth != token_check::ok) return auth_error(call.auth);
    auto it = m.users.find(id);
    if (it == m.users.end()) return error("user_not_found");
    auto const& u = it->second;
    return {{"ok", true},
            {"user",
             {{"id", u.id},
              {"team_id", m.options.workspace.team_id},
              {"name", u.name},
              {"deleted", false},
              {"real_name", u.real_name},
              {"is_bot", u.is_bot},
              {"is_app_user", false},
              {"profile",
               {{"display_name", u.display_name},
                {"display_name_normalized", u.display_name},
                {"real_name", u.real_name},
                {"real_name_normalized", u.real_name},
                {"team", m.options.workspace.team_id}}}}}};
}

json auth_test(web_api_model& m, web_api_call const& call)
{
    if (call.auth != token_check::ok) return auth_error(call.auth);
    auto const& o = m.options;
    return {{"ok", true},
            {"url", "https://" + o.workspace.team_domain + ".slack.com/"},
            {"team", o.workspace.team_domain},
            {"user", o.bot_name},
            {"team_id", o.workspace.team_id},
            {"user_id", o.bot_user_id},
            {"bot_id", o.bot_id},
            {"is_enterprise_install", false}};
}

json conversations_join(web_api_model& m, web_api_call const& call)
{
    if (call.auth != token_check::ok) return auth_error(call.auth);
    auto const channel = str(call.params, "channel");
    if (channel.empty()) return error("channel_not_found");
    if (m.options.private_channels.contains(channel)) return error("method_not_supported_for_channel_type");
    bool const was_member = !m.outside.contains(channel);
    m.outside.erase(channel);
    json answer = {{"ok", true}, {"channel", {{"id", channel}, {"is_channel", true}, {"is_member", true}}}};
    if (was_member) answer["already_in_channel"] = true;
    return answer;
}

json conversations_history(web_api_model& m, web_api_call const& call)
{
    if (call.auth != token_check::ok) return auth_error(call.auth);
    auto const channel = str(call.params, "channel");
    if (channel.empty()) return error("channel_not_found");
    auto const latest = parse_ts(str(call.params, "latest")).value_or(UINT64_MAX);
    auto const oldest = parse_ts(str(call.params, "oldest")).value_or(0);
    bool const inclusive = truthy(call.params, "inclusive");
    std::size_t limit = 100;
    if (auto l = str(call.params, "limit"); !l.empty()) {
        auto const n = std::strtoull(l.c_str(), nullptr, 10);
        limit = n == 0 ? 100 : std::min<std::size_t>(n, 999);
    }
    std::vector<history_message const*> found;
    if (auto it = m.history.find(channel); it != m.history.end()) {
        for (auto const& h : it->second) {
            auto const t = parse_ts(h.ts).value_or(0);
            bool const below = inclusive ? t <= latest : t < latest;
            bool const above = inclusive ? t >= oldest : t > oldest;
            if (below && above) found.push_back(&h);
        }
    }
    std::stable_sort(found.begin(), found.end(), [](auto const* a, auto const* b) {
        return parse_ts(a->ts).value_or(0) > parse_ts(b->ts).value_or(0);
    });
    json messages = json::array();
    for (std::size_t i = 0; i < found.size() && i < limit; ++i)
        messages.push_back(message_json(*found[i]));
    return {{"ok", true},
            {"messages", std::move(messages)},
            {"has_more", found.size() > limit},
            {"pin_count", 0}};
}

std::string make_ticket(std::size_t n)
{
    // Deterministic, unique per fake, and easy to grep for in a redaction test.
    char buf[64];
    auto const mixed = (static_cast<unsigned long long>(n) * 0x9E3779B97F4A7C15ull) >> 16;
    std::snprintf(buf, sizeof buf, "fakeTicket%04zu-%012llx", n, mixed & 0xffffffffffffull);
    return buf;
}

json connections_open(web_api_model& m, web_api_call const& call, answer_context const& ctx)
{
    if (call.auth != token_check::ok) return auth_error(call.auth);
    auto ticket = make_ticket(m.ticket_order.size() + 1);
    m.tickets.emplace(ticket, ticket_state{});
    m.ticket_order.push_back(ticket);
    return {{"ok", true},
            {"url", ctx.websocket_base + "/link/?ticket=" + ticket + "&app_id=" + m.options.workspace.app_id},
            {"response_metadata", {{"scopes", json::array({"connections:write"})}}}};
}

} // namespace

std::string form_decode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char const c = s[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

void parse_form(std::string_view s, json& into)
{
    while (!s.empty()) {
        auto const amp = s.find('&');
        auto const pair = s.substr(0, amp);
        s = amp == std::string_view::npos ? std::string_view{} : s.substr(amp + 1);
        if (pair.empty()) continue;
        auto const eq = pair.find('=');
        auto const key = form_decode(pair.substr(0, eq));
        auto const value = eq == std::string_view::npos ? std::string{} : form_decode(pair.substr(eq + 1));
        into[key] = value;
    }
}

parsed_params parse_params(std::string_view target, std::optional<std::string_view> content_type,
                           std::string_view body)
{
    parsed_params out;
    if (auto q = target.find('?'); q != std::string_view::npos) parse_form(target.substr(q + 1), out.params);
    if (body.empty()) return out;
    std::string type;
    if (content_type) {
        type.assign(content_type->substr(0, content_type->find(';')));
        std::transform(type.begin(), type.end(), type.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        type.erase(type.find_last_not_of(' ') + 1);
    }
    if (type == "application/json") {
        out.kind = body_kind::json;
        auto j = json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            out.invalid_json = true;
            return out;
        }
        for (auto& [k, v] : j.items())
            out.params[k] = v;
    } else if (type.empty() || type == "application/x-www-form-urlencoded") {
        out.kind = body_kind::form;
        parse_form(body, out.params);
    } else {
        out.kind = body_kind::other;
    }
    return out;
}

token_check check_bearer(std::optional<std::string_view> authorization, std::string const& expected)
{
    if (!authorization) return token_check::missing;
    constexpr std::string_view scheme = "Bearer ";
    if (authorization->size() < scheme.size() ||
        !net::iequals(authorization->substr(0, scheme.size()), scheme)) {
        return token_check::not_bearer;
    }
    return authorization->substr(scheme.size()) == expected ? token_check::ok : token_check::wrong_token;
}

std::optional<std::string> query_param(std::string_view target, std::string_view name)
{
    auto const q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    json params = json::object();
    parse_form(target.substr(q + 1), params);
    auto it = params.find(std::string(name));
    if (it == params.end()) return std::nullopt;
    return it->get<std::string>();
}

std::optional<std::uint64_t> parse_ts(std::string_view ts)
{
    auto const dot = ts.find('.');
    auto const secs = ts.substr(0, dot);
    auto const frac = dot == std::string_view::npos ? std::string_view{} : ts.substr(dot + 1);
    if (secs.empty() || secs.size() > 12 || frac.size() > 6) return std::nullopt;
    std::uint64_t s = 0;
    for (char c : secs) {
        if (c < '0' || c > '9') return std::nullopt;
        s = s * 10 + static_cast<std::uint64_t>(c - '0');
    }
    std::uint64_t f = 0;
    for (std::size_t i = 0; i < 6; ++i) {
        char const c = i < frac.size() ? frac[i] : '0';
        if (c < '0' || c > '9') return std::nullopt;
        f = f * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return s * 1'000'000 + f;
}

std::string format_ts(std::uint64_t micros)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(micros / 1'000'000),
                  static_cast<unsigned long long>(micros % 1'000'000));
    return buf;
}

std::size_t code_points(std::string_view utf8) noexcept
{
    return static_cast<std::size_t>(std::count_if(
        utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

web_api_model::web_api_model(fake_slack_options const& o) : options(o)
{
    outside.insert(o.outside_channels.begin(), o.outside_channels.end());
    for (auto const& u : o.users)
        users.insert_or_assign(u.id, u);
}

std::string web_api_model::next_ts()
{
    last_ts += 100;
    return format_ts(last_ts);
}

void web_api_model::note_ts(std::string_view ts)
{
    if (auto t = parse_ts(ts)) last_ts = std::max(last_ts, *t);
}

void web_api_model::add_history(history_message m)
{
    note_ts(m.ts);
    auto& list = history[m.channel];
    list.push_back(std::move(m));
}

std::string const& expected_token(fake_slack_options const& o, std::string_view method)
{
    return method == "apps.connections.open" ? o.app_token : o.bot_token;
}

bool is_builtin_method(std::string_view method) noexcept
{
    for (std::string_view m : {"apps.connections.open", "chat.postMessage", "chat.postEphemeral", "chat.update",
                               "users.info", "auth.test", "conversations.history", "conversations.join"}) {
        if (m == method) return true;
    }
    return false;
}

json answer(web_api_model& m, web_api_call const& call, answer_context const& ctx, steady_time now)
{
    if (call.kind == body_kind::json && call.params.empty() && !call.body.empty()) {
        // parse_params left the parameters empty: the body was not a JSON object.
        auto j = json::parse(call.body, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return error("invalid_json");
    }
    auto const& method = call.method;
    if (method == "chat.postMessage") return post_message(m, call, now);
    if (method == "chat.postEphemeral") return post_ephemeral(m, call, now);
    if (method == "chat.update") return update_message(m, call, now);
    if (method == "users.info") return users_info(m, call);
    if (method == "auth.test") return auth_test(m, call);
    if (method == "conversations.history") return conversations_history(m, call);
    if (method == "conversations.join") return conversations_join(m, call);
    if (method == "apps.connections.open") return connections_open(m, call, ctx);
    if (call.auth != token_check::ok) return auth_error(call.auth);
    return error("unknown_method");
}

response_url_answer answer_response_url(web_api_model& m, std::string const& channel, std::size_t uses_before,
                                        std::string const& body, token_check auth, steady_time now)
{
    posted_message msg;
    msg.method = "response_url";
    msg.channel = channel;
    msg.body = body;
    msg.auth = auth;
    msg.received_at = now;
    auto j = json::parse(body, nullptr, false);
    if (j.is_object()) {
        msg.params = j;
        msg.text = str(j, "text");
        msg.text_length = code_points(msg.text);
        msg.thread_ts = str(j, "thread_ts");
        msg.response_type = str(j, "response_type");
    }
    response_url_answer out;
    if (uses_before >= response_url_uses) {
        // Unverified against real Slack; the documented rule is "up to 5 times".
        msg.error = "used_url";
        out = {404, "used_url"};
    } else if (!j.is_object()) {
        msg.error = "invalid_payload";
        out = {400, "invalid_payload"};
    } else if (msg.text.empty() && !present(j, "blocks") && !present(j, "attachments") &&
               !truthy(j, "delete_original")) {
        msg.error = "no_text";
        out = {400, "no_text"};
    } else {
        out = {200, "ok"};
    }
    m.messages.push_back(std::move(msg));
    return out;
}

} // namespace coolhead::testing::detail

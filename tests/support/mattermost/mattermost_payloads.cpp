// Mattermost payload builders (see mattermost_payloads.hpp). No sockets, no clock.
#include "tests/support/mattermost/mattermost_payloads.hpp"

#include <algorithm>
#include <cctype>

namespace coolhead::testing::mattermost {

using nlohmann::json;

namespace {

bool is_ascii_alnum(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_name_char(char c) noexcept
{
    return is_ascii_alnum(c) || c == '.' || c == '-' || c == '_';
}

char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Names after `sigil` at a word start ('@' in "a@b" is an e-mail, not a mention).
std::vector<std::string> sigil_mentions(std::string_view text, char sigil)
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != sigil) continue;
        if (i > 0 && is_name_char(text[i - 1])) continue;
        std::size_t j = i + 1;
        std::string name;
        while (j < text.size() && is_name_char(text[j]))
            name.push_back(lower(text[j++]));
        while (!name.empty() && name.back() == '.')
            name.pop_back();
        if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(std::move(name));
        i = j > i ? j - 1 : i;
    }
    return out;
}

} // namespace

bool is_valid_id(std::string_view id) noexcept
{
    return id.size() == 26 && std::all_of(id.begin(), id.end(), is_ascii_alnum);
}

std::size_t rune_count(std::string_view utf8) noexcept
{
    return static_cast<std::size_t>(std::count_if(
        utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u; }));
}

std::string query_escape(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (is_ascii_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(c);
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            auto const b = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(hex[b >> 4]);
            out.push_back(hex[b & 0x0Fu]);
        }
    }
    return out;
}

std::string form_decode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char const c = s[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view s)
{
    std::vector<std::pair<std::string, std::string>> out;
    while (!s.empty()) {
        auto const amp = s.find('&');
        auto const part = s.substr(0, amp);
        s = amp == std::string_view::npos ? std::string_view{} : s.substr(amp + 1);
        if (part.empty()) continue;
        auto const eq = part.find('=');
        if (eq == std::string_view::npos) {
            out.emplace_back(form_decode(part), std::string{});
        } else {
            out.emplace_back(form_decode(part.substr(0, eq)), form_decode(part.substr(eq + 1)));
        }
    }
    return out;
}

std::optional<std::string> query_param(std::string_view target, std::string_view name)
{
    auto const q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    for (auto& [k, v] : parse_form(target.substr(q + 1))) {
        if (k == name) return v;
    }
    return std::nullopt;
}

std::vector<std::string> at_mentions(std::string_view text)
{
    return sigil_mentions(text, '@');
}

std::vector<std::string> tilde_mentions(std::string_view text)
{
    return sigil_mentions(text, '~');
}

json post_json(mattermost_post const& p)
{
    return {{"id", p.id},
            {"create_at", p.create_at},
            {"update_at", p.update_at},
            {"edit_at", p.edit_at},
            {"delete_at", p.delete_at},
            {"is_pinned", false},
            {"user_id", p.user_id},
            {"channel_id", p.channel_id},
            {"root_id", p.root_id},
            {"original_id", ""},
            {"message", p.message},
            {"type", p.type},
            {"props", p.props.is_object() ? p.props : json::object()},
            {"hashtags", ""},
            {"pending_post_id", p.pending_post_id},
            {"reply_count", p.reply_count},
            {"last_reply_at", 0},
            {"participants", nullptr},
            {"metadata", json::object()}};
}

json user_json(mattermost_user const& u, std::int64_t create_at)
{
    json j = {
        {"id", u.id},
        {"create_at", create_at},
        {"update_at", create_at},
        {"delete_at", 0},
        {"username", u.username},
        {"auth_service", ""},
        {"nickname", u.nickname},
        {"first_name", u.first_name},
        {"last_name", u.last_name},
        {"position", ""},
        {"roles", "system_user"},
        {"locale", "en"},
        {"timezone", {{"automaticTimezone", ""}, {"manualTimezone", ""}, {"useAutomaticTimezone", "true"}}},
        {"disable_welcome_email", false}};
    if (u.is_bot) {
        j["is_bot"] = true;
        j["bot_description"] = "";
    }
    return j;
}

json channel_json(mattermost_channel const& c, std::string const& team_id, std::int64_t create_at)
{
    return {{"id", c.id},
            {"create_at", create_at},
            {"update_at", create_at},
            {"delete_at", 0},
            {"team_id", team_id},
            {"type", std::string(1, c.type)},
            {"display_name", c.display_name},
            {"name", c.name},
            {"header", ""},
            {"purpose", ""},
            {"last_post_at", 0},
            {"total_msg_count", 0},
            {"extra_update_at", 0},
            {"creator_id", ""},
            {"group_constrained", nullptr},
            {"shared", false}};
}

json team_json(std::string_view id, std::string_view name, std::string_view display_name,
               std::int64_t create_at)
{
    return {{"id", id},
            {"create_at", create_at},
            {"update_at", create_at},
            {"delete_at", 0},
            {"display_name", display_name},
            {"name", name},
            {"description", ""},
            {"email", ""},
            {"type", "O"},
            {"company_name", ""},
            {"allowed_domains", ""},
            {"invite_id", ""},
            {"allow_open_invite", false},
            {"scheme_id", nullptr},
            {"group_constrained", nullptr},
            {"policy_id", nullptr}};
}

json reaction_json(mattermost_reaction const& r)
{
    return {{"user_id", r.user_id},     {"post_id", r.post_id},      {"emoji_name", r.emoji_name},
            {"create_at", r.create_at}, {"update_at", r.create_at},  {"delete_at", 0},
            {"remote_id", ""},          {"channel_id", r.channel_id}};
}

json command_json(registered_command const& c)
{
    return {{"id", c.id},
            {"token", c.token},
            {"create_at", c.create_at},
            {"update_at", c.create_at},
            {"delete_at", 0},
            {"creator_id", c.creator_id},
            {"team_id", c.team_id},
            {"trigger", c.trigger},
            {"method", c.method},
            {"username", c.username},
            {"icon_url", c.icon_url},
            {"auto_complete", c.auto_complete},
            {"auto_complete_desc", c.auto_complete_desc},
            {"auto_complete_hint", c.auto_complete_hint},
            {"display_name", c.display_name},
            {"description", c.description},
            {"url", c.url},
            {"plugin_id", ""}};
}

json app_error(std::string_view id, std::string_view message, unsigned status_code,
               std::string_view request_id, std::string_view detailed_error)
{
    return {{"id", id},
            {"message", message},
            {"detailed_error", detailed_error},
            {"request_id", request_id},
            {"status_code", status_code},
            {"is_oauth", false}};
}

json broadcast(std::string_view user_id, std::string_view channel_id, std::string_view team_id)
{
    return {{"omit_users", nullptr}, {"user_id", user_id},  {"channel_id", channel_id},
            {"team_id", team_id},    {"connection_id", ""}, {"omit_connection_id", ""}};
}

json event(std::string_view type, json data, json bc)
{
    return {{"event", type}, {"data", std::move(data)}, {"broadcast", std::move(bc)}};
}

json hello_event(std::string_view connection_id, std::string_view server_version,
                 std::string_view bot_user_id, std::string_view hostname)
{
    return event(
        "hello",
        {{"connection_id", connection_id}, {"server_version", server_version}, {"server_hostname", hostname}},
        broadcast(bot_user_id));
}

json posted_event(mattermost_post const& p, posted_context const& ctx)
{
    json data = {{"channel_display_name", ctx.channel.display_name},
                 {"channel_name", ctx.channel.name},
                 {"channel_type", std::string(1, ctx.channel.type)},
                 {"post", post_json(p).dump()},
                 {"sender_name", ctx.sender_name},
                 {"set_online", ctx.set_online},
                 {"team_id", ctx.team_id}};
    if (!ctx.mentions.empty()) data["mentions"] = json(ctx.mentions).dump();
    return event("posted", std::move(data), broadcast({}, p.channel_id));
}

json post_edited_event(mattermost_post const& p)
{
    return event("post_edited", {{"post", post_json(p).dump()}}, broadcast({}, p.channel_id));
}

json post_deleted_event(mattermost_post const& p, std::string_view deleted_by)
{
    return event("post_deleted", {{"post", post_json(p).dump()}, {"delete_by", deleted_by}},
                 broadcast({}, p.channel_id));
}

json reaction_event(bool added, mattermost_reaction const& r)
{
    return event(added ? "reaction_added" : "reaction_removed", {{"reaction", reaction_json(r).dump()}},
                 broadcast({}, r.channel_id));
}

json ok_response(std::int64_t seq_reply, std::optional<json> data)
{
    json j = {{"status", "OK"}, {"seq_reply", seq_reply}};
    if (data) j["data"] = std::move(*data);
    return j;
}

json fail_response(std::int64_t seq_reply, json error)
{
    return {{"status", "FAIL"}, {"seq_reply", seq_reply}, {"error", std::move(error)}};
}

std::vector<std::pair<std::string, std::string>> command_form::fields() const
{
    std::vector<std::pair<std::string, std::string>> out = {
        {"token", token},           {"team_id", team_id},           {"team_domain", team_domain},
        {"channel_id", channel_id}, {"channel_name", channel_name}, {"user_id", user_id},
        {"user_name", user_name},   {"command", command},           {"text", text},
        {"trigger_id", trigger_id}, {"response_url", response_url},
    };
    for (auto const& [name, id] : user_mentions) {
        out.emplace_back("user_mentions", name);
        out.emplace_back("user_mentions_ids", id);
    }
    for (auto const& [name, id] : channel_mentions) {
        out.emplace_back("channel_mentions", name);
        out.emplace_back("channel_mentions_ids", id);
    }
    // url.Values.Encode(): keys sorted, values of one key in the order added.
    std::stable_sort(out.begin(), out.end(), [](auto const& a, auto const& b) { return a.first < b.first; });
    return out;
}

std::string command_form::encode() const
{
    std::string out;
    for (auto const& [k, v] : fields()) {
        if (!out.empty()) out.push_back('&');
        out += query_escape(k);
        out.push_back('=');
        out += query_escape(v);
    }
    return out;
}

} // namespace coolhead::testing::mattermost

// The fake's REST answers as plain functions over rest_model (see rest_model.hpp).
#include "tests/support/mattermost/detail/rest_model.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

namespace coolhead::testing::mm_detail {

using nlohmann::json;
namespace mm = coolhead::testing::mattermost;

namespace {

// Triggers of Mattermost's built-in commands (mm `app/slashcommands/`): registering one answers
// duplicate_trigger.
constexpr std::array<std::string_view, 28> builtin_triggers = {
    "away",    "code",   "collapse", "dnd",           "echo",     "expand",    "groupmsg",
    "header",  "help",   "invite",   "invite_people", "join",     "kick",      "leave",
    "logout",  "me",     "msg",      "mute",          "offline",  "online",    "open",
    "purpose", "remove", "rename",   "search",        "settings", "shortcuts", "shrug",
};

constexpr std::size_t trigger_max = 128;
constexpr std::size_t url_max = 1024;
constexpr std::size_t display_name_max = 64;
constexpr std::size_t description_max = 128;
constexpr std::int64_t default_per_page = 60;

std::string str(json const& j, char const* key)
{
    if (!j.is_object()) return {};
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

bool boolean(json const& j, char const* key)
{
    if (!j.is_object()) return false;
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return s;
}

bool starts_with(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

std::optional<std::int64_t> to_int(std::string_view s)
{
    std::int64_t v = 0;
    auto const* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc{} || p != end || s.empty()) return std::nullopt;
    return v;
}

json post_list(std::vector<mattermost_post const*> const& list)
{
    json order = json::array();
    json posts = json::object();
    for (auto const* p : list) {
        order.push_back(p->id);
        posts[p->id] = mm::post_json(*p);
    }
    return {{"order", std::move(order)}, {"posts", std::move(posts)}, {"next_post_id", ""},
            {"prev_post_id", ""},        {"has_next", false},         {"first_inaccessible_post_time", 0}};
}

} // namespace

rest_result error_result(unsigned status, std::string_view id, std::string_view message,
                         std::string const& request_id)
{
    rest_result r;
    r.status = status;
    r.error_id = std::string(id);
    r.body = mm::app_error(id, message, status, request_id);
    return r;
}

rest_result session_expired(std::string const& request_id)
{
    return error_result(401, "api.context.session_expired.app_error",
                        "Invalid or expired session, please login again.", request_id);
}

rest_result permission_denied(std::string const& request_id)
{
    return error_result(403, "api.context.permissions.app_error",
                        "You do not have the appropriate permissions.", request_id);
}

auth_check check_bearer(std::optional<std::string_view> authorization, std::string const& expected)
{
    if (!authorization) return auth_check::missing;
    auto const v = *authorization;
    constexpr std::string_view scheme = "bearer ";
    if (v.size() < scheme.size()) return auth_check::not_bearer;
    if (lower(std::string(v.substr(0, scheme.size()))) != scheme) return auth_check::not_bearer;
    return v.substr(scheme.size()) == expected ? auth_check::ok : auth_check::wrong_token;
}

rest_model::rest_model(fake_mattermost_options const& o)
    : options(o), can_manage_slash_commands(o.can_manage_slash_commands), clock(o.start_time_ms),
      rng(o.id_seed)
{
    for (auto const& u : o.users)
        users.insert_or_assign(u.id, u);
    for (auto const& c : o.channels)
        add_channel(c);
}

std::string rest_model::new_id()
{
    std::string id(26, 'y');
    std::uniform_int_distribution<std::size_t> pick(0, mm::id_alphabet.size() - 1);
    for (auto& c : id)
        c = mm::id_alphabet[pick(rng)];
    return id;
}

std::int64_t rest_model::stamp()
{
    auto const v = clock;
    clock += options.clock_tick_ms;
    return v;
}

mattermost_channel const* rest_model::channel(std::string_view id) const
{
    auto it = std::find_if(channels.begin(), channels.end(), [&](auto const& c) { return c.id == id; });
    return it == channels.end() ? nullptr : &*it;
}

mattermost_channel* rest_model::channel(std::string_view id)
{
    auto it = std::find_if(channels.begin(), channels.end(), [&](auto const& c) { return c.id == id; });
    return it == channels.end() ? nullptr : &*it;
}

mattermost_user const* rest_model::user(std::string_view id) const
{
    auto it = users.find(id);
    return it == users.end() ? nullptr : &it->second;
}

mattermost_user const* rest_model::user_by_name(std::string_view username) const
{
    for (auto const& [id, u] : users) {
        if (lower(u.username) == lower(std::string(username))) return &u;
    }
    return nullptr;
}

mattermost_post* rest_model::post(std::string_view id)
{
    auto it = post_index.find(id);
    return it == post_index.end() ? nullptr : &posts[it->second];
}

registered_command const* rest_model::command_by_trigger(std::string_view trigger) const
{
    auto it =
        std::find_if(commands.begin(), commands.end(), [&](auto const& c) { return c.trigger == trigger; });
    return it == commands.end() ? nullptr : &*it;
}

std::string rest_model::team_of(mattermost_channel const& c) const
{
    if (c.type == 'D' || c.type == 'G') return {};
    return c.team_id.empty() ? options.team_id : c.team_id;
}

bool rest_model::bot_can_read(mattermost_channel const& c) const
{
    return c.bot_member || (c.type == 'O' && team_of(c) == options.team_id);
}

mattermost_post const& rest_model::add_post(mattermost_post p)
{
    p.id = new_id();
    p.create_at = stamp();
    p.update_at = p.create_at;
    p.runes = mm::rune_count(p.message);
    if (!p.root_id.empty()) {
        if (auto* root = post(p.root_id)) ++root->reply_count;
    }
    post_index[p.id] = posts.size();
    posts.push_back(std::move(p));
    return posts.back();
}

void rest_model::add_channel(mattermost_channel c)
{
    if (auto* existing = channel(c.id)) {
        *existing = std::move(c);
    } else {
        channels.push_back(std::move(c));
    }
}

mm::posted_context rest_model::posted_context_for(mattermost_post const& p,
                                                  std::optional<std::vector<std::string>> mentions,
                                                  std::string sender_name) const
{
    mm::posted_context ctx;
    if (auto const* c = channel(p.channel_id)) ctx.channel = *c;
    ctx.channel.id = p.channel_id;
    ctx.team_id = team_of(ctx.channel);
    auto const* sender = user(p.user_id);
    ctx.sender_name = !sender_name.empty() ? std::move(sender_name)
                      : sender             ? "@" + sender->username
                                           : std::string{};
    if (ctx.channel.display_name.empty() && ctx.channel.type == 'D')
        ctx.channel.display_name = ctx.sender_name;
    if (mentions) {
        ctx.mentions = std::move(*mentions);
    } else {
        for (auto const& name : mm::at_mentions(p.message)) {
            if (auto const* u = user_by_name(name)) ctx.mentions.push_back(u->id);
        }
        if (ctx.channel.type == 'D' && p.user_id != options.bot_user_id &&
            std::find(ctx.mentions.begin(), ctx.mentions.end(), options.bot_user_id) == ctx.mentions.end()) {
            ctx.mentions.push_back(options.bot_user_id);
        }
    }
    return ctx;
}

registered_command const& rest_model::register_command(std::string trigger, std::string url,
                                                       std::string creator)
{
    registered_command c;
    c.id = new_id();
    c.token = new_id();
    c.trigger = lower(std::move(trigger));
    c.url = std::move(url);
    c.team_id = options.team_id;
    c.creator_id = std::move(creator);
    c.create_at = stamp();
    auto it =
        std::find_if(commands.begin(), commands.end(), [&](auto const& x) { return x.trigger == c.trigger; });
    if (it != commands.end()) {
        *it = std::move(c);
        return *it;
    }
    commands.push_back(std::move(c));
    return commands.back();
}

rest_result rest_model::get_me(std::string const& request_id)
{
    ++me_lookups;
    auto const* u = user(options.bot_user_id);
    if (!u)
        return error_result(404, "app.user.missing_account.const", "Unable to find the user.", request_id);
    rest_result r;
    r.body = mm::user_json(*u, options.start_time_ms);
    return r;
}

rest_result rest_model::get_user(std::string_view id, std::string const& request_id)
{
    ++user_lookups[std::string(id)];
    auto const* u = user(id);
    if (!u)
        return error_result(404, "app.user.missing_account.const", "Unable to find the user.", request_id);
    rest_result r;
    r.body = mm::user_json(*u, options.start_time_ms);
    return r;
}

rest_result rest_model::get_channel(std::string_view id, std::string const& request_id)
{
    auto const* c = channel(id);
    if (!c || !bot_can_read(*c)) return permission_denied(request_id);
    rest_result r;
    r.body = mm::channel_json(*c, team_of(*c), options.start_time_ms);
    return r;
}

rest_result rest_model::my_teams(std::string const&)
{
    rest_result r;
    r.body = json::array({mm::team_json(options.team_id, options.team_name, options.team_display_name,
                                        options.start_time_ms)});
    return r;
}

rest_result rest_model::get_team(std::string_view key, bool by_name, std::string const& request_id)
{
    if ((by_name ? options.team_name : options.team_id) != key) {
        // Mattermost checks the permission first: a team the bot is not in is a 403 either way.
        return by_name ? error_result(404, "app.team.get_by_name.missing.app_error",
                                      "Unable to find the existing team.", request_id)
                       : permission_denied(request_id);
    }
    rest_result r;
    r.body =
        mm::team_json(options.team_id, options.team_name, options.team_display_name, options.start_time_ms);
    return r;
}

rest_result rest_model::add_channel_member(std::string_view channel_id, std::string const& body,
                                           std::string const& request_id)
{
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || str(j, "user_id").empty())
        return error_result(400, "api.context.invalid_body_param.app_error", "Invalid or missing user_id in request body.",
                            request_id);
    auto* c = channel(channel_id);
    if (!c || str(j, "user_id") != options.bot_user_id || c->type != 'O' || team_of(*c) != options.team_id)
        return permission_denied(request_id);
    c->bot_member = true;
    rest_result r;
    r.status = 201;
    r.body = {{"channel_id", c->id}, {"user_id", options.bot_user_id}, {"roles", "channel_user"},
              {"msg_count", 0}, {"mention_count", 0}, {"notify_props", json::object()}};
    return r;
}

rest_result rest_model::create_post(std::string const& body, std::string const& request_id, steady_time now)
{
    post_attempt a;
    a.received_at = now;
    a.body = json::parse(body, nullptr, false);
    auto finish = [&](rest_result r) {
        a.status = r.status;
        a.error_id = r.error_id;
        attempts.push_back(std::move(a));
        return r;
    };
    if (a.body.is_discarded() || !a.body.is_object()) {
        a.body = nullptr;
        return finish(error_result(400, "api.context.invalid_body_param.app_error",
                                   "Invalid or missing post in request body.", request_id));
    }
    a.channel_id = str(a.body, "channel_id");
    a.message = str(a.body, "message");
    a.root_id = str(a.body, "root_id");
    a.runes = mm::rune_count(a.message);

    auto const* c = channel(a.channel_id);
    if (!c || !c->bot_member) return finish(permission_denied(request_id)); // create_post needs membership
    if (!a.root_id.empty()) {
        auto* root = post(a.root_id);
        if (!root || root->deleted() || !root->root_id.empty()) {
            return finish(error_result(400, "api.post.create_post.root_id.app_error",
                                       "Invalid RootId parameter.", request_id));
        }
        if (root->channel_id != a.channel_id) {
            return finish(error_result(400, "api.post.create_post.channel_root_id.app_error",
                                       "Invalid ChannelId for RootId parameter.", request_id));
        }
    }
    if (a.runes > options.message_max_runes) {
        return finish(error_result(400, "model.post.is_valid.msg.app_error", "Invalid Message.", request_id));
    }
    auto const files = a.body.find("file_ids");
    bool const has_files = files != a.body.end() && files->is_array() && !files->empty();
    if (a.message.empty() && !has_files) {
        return finish(error_result(400, "api.context.invalid_body_param.app_error",
                                   "Invalid or missing message in request body.", request_id));
    }

    mattermost_post p;
    p.channel_id = a.channel_id;
    p.user_id = options.bot_user_id;
    p.root_id = a.root_id;
    p.message = a.message;
    p.type = str(a.body, "type");
    if (auto it = a.body.find("props"); it != a.body.end() && it->is_object()) p.props = *it;
    p.pending_post_id = str(a.body, "pending_post_id");
    p.origin = post_origin::rest;
    auto const& stored = add_post(std::move(p));
    a.post_id = stored.id;

    rest_result r;
    r.status = 201;
    r.body = mm::post_json(stored);
    r.created_post = stored.id;
    return finish(std::move(r));
}

rest_result rest_model::channel_posts(std::string_view channel_id, std::string_view target,
                                      std::string const& request_id)
{
    auto const* c = channel(channel_id);
    if (!c || !bot_can_read(*c)) return permission_denied(request_id);
    std::vector<mattermost_post const*> list;
    if (auto since = mm::query_param(target, "since")) {
        auto const t = to_int(*since);
        if (!t) {
            return error_result(400, "api.context.invalid_url_param.app_error",
                                "Invalid or missing since parameter in request URL.", request_id);
        }
        for (auto const& p : posts) {
            if (p.channel_id == channel_id && p.update_at > *t) list.push_back(&p);
        }
    } else {
        std::int64_t page = 0;
        std::int64_t per_page = default_per_page;
        if (auto v = mm::query_param(target, "page")) page = to_int(*v).value_or(0);
        if (auto v = mm::query_param(target, "per_page"))
            per_page = std::clamp<std::int64_t>(to_int(*v).value_or(60), 1, 200);
        std::vector<mattermost_post const*> all;
        for (auto const& p : posts) {
            if (p.channel_id == channel_id && !p.deleted()) all.push_back(&p);
        }
        std::reverse(all.begin(), all.end());
        auto const from = static_cast<std::size_t>(std::max<std::int64_t>(page, 0) * per_page);
        for (std::size_t i = from; i < all.size() && i < from + static_cast<std::size_t>(per_page); ++i) {
            list.push_back(all[i]);
        }
        rest_result r;
        r.body = post_list(list);
        return r;
    }
    // Newest first, as Mattermost orders by CreateAt DESC.
    std::stable_sort(list.begin(), list.end(),
                     [](auto const* a, auto const* b) { return a->create_at > b->create_at; });
    rest_result r;
    r.body = post_list(list);
    return r;
}

rest_result rest_model::create_command(std::string const& body, std::string const& request_id)
{
    command_registration reg;
    reg.request = json::parse(body, nullptr, false);
    auto finish = [&](rest_result r) {
        reg.status = r.status;
        reg.error_id = r.error_id;
        registrations.push_back(std::move(reg));
        return r;
    };
    if (reg.request.is_discarded() || !reg.request.is_object()) {
        reg.request = nullptr;
        return finish(error_result(400, "api.context.invalid_body_param.app_error",
                                   "Invalid or missing command in request body.", request_id));
    }
    auto const& q = reg.request;
    registered_command c;
    c.team_id = str(q, "team_id");
    if (!can_manage_slash_commands || c.team_id != options.team_id)
        return finish(permission_denied(request_id));

    c.trigger = lower(str(q, "trigger"));
    if (command_by_trigger(c.trigger) ||
        std::find(builtin_triggers.begin(), builtin_triggers.end(), c.trigger) != builtin_triggers.end()) {
        return finish(error_result(400, "api.command.duplicate_trigger.app_error",
                                   "This trigger word is already in use. Please choose another word.",
                                   request_id));
    }
    c.url = str(q, "url");
    c.method = str(q, "method");
    c.display_name = str(q, "display_name");
    c.description = str(q, "description");
    c.username = str(q, "username");
    c.icon_url = str(q, "icon_url");
    c.auto_complete = boolean(q, "auto_complete");
    c.auto_complete_desc = str(q, "auto_complete_desc");
    c.auto_complete_hint = str(q, "auto_complete_hint");

    if (c.trigger.empty() || c.trigger.size() > trigger_max || c.trigger.find('/') != std::string::npos ||
        c.trigger.find(' ') != std::string::npos) {
        return finish(
            error_result(400, "model.command.is_valid.trigger.app_error", "Invalid trigger.", request_id));
    }
    if (c.url.empty() || c.url.size() > url_max) {
        return finish(error_result(400, "model.command.is_valid.url.app_error", "Invalid URL.", request_id));
    }
    if (!starts_with(c.url, "http://") && !starts_with(c.url, "https://")) {
        return finish(error_result(400, "model.command.is_valid.url_http.app_error",
                                   "Invalid URL. Must be a valid URL and start with http:// or https://",
                                   request_id));
    }
    if (c.method != "P" && c.method != "G") {
        return finish(
            error_result(400, "model.command.is_valid.method.app_error", "Invalid Method.", request_id));
    }
    if (c.display_name.size() > display_name_max) {
        return finish(
            error_result(400, "model.command.is_valid.display_name.app_error", "Invalid title.", request_id));
    }
    if (c.description.size() > description_max) {
        return finish(error_result(400, "model.command.is_valid.description.app_error",
                                   "Invalid description.", request_id));
    }
    c.id = new_id();
    c.token = new_id();
    c.creator_id = options.bot_user_id;
    c.create_at = stamp();
    commands.push_back(c);
    reg.command = c;

    rest_result r;
    r.status = 201;
    r.body = mm::command_json(c);
    return finish(std::move(r));
}

rest_result rest_model::list_commands(std::string_view target, std::string const& request_id)
{
    auto const team = mm::query_param(target, "team_id").value_or("");
    auto const custom_only = mm::query_param(target, "custom_only").value_or("") == "true";
    if (team != options.team_id) return permission_denied(request_id);
    if (custom_only && !can_manage_slash_commands) return permission_denied(request_id);
    rest_result r;
    r.body = json::array();
    for (auto const& c : commands) {
        auto j = mm::command_json(c);
        if (!can_manage_slash_commands) j["token"] = "";
        r.body.push_back(std::move(j));
    }
    return r;
}

} // namespace coolhead::testing::mm_detail

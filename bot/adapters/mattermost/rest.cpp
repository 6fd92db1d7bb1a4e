#include "bot/adapters/mattermost/rest.hpp"

#include "bot/adapters/mattermost/detail/json_fields.hpp"
#include "bot/adapters/mattermost/detail/percent.hpp"
#include "bot/adapters/mattermost/detail/post_json.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace coolhead::mattermost {
namespace {

using detail::fields;
using detail::json;
using detail::need;

constexpr std::size_t max_trigger_bytes = 128;
constexpr std::size_t max_url_bytes = 1024;
constexpr std::size_t max_display_name_bytes = 64;
constexpr std::size_t max_description_bytes = 128;

/// The body as a JSON object, or a problem.
std::pair<json, std::string> read_object(std::string_view body)
{
    auto j = detail::parse(body);
    if (j.is_discarded()) return {json(nullptr), "not JSON"};
    if (!j.is_object()) return {json(nullptr), "not a JSON object"};
    return {std::move(j), {}};
}

bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept
{
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i]) return false;
    }
    return true;
}

bool has_whitespace(std::string_view s) noexcept
{
    return s.find_first_of(" \t\r\n\v\f") != std::string_view::npos;
}

/// A header value of decimal digits (spaces around allowed), saturating; nothing otherwise.
std::optional<std::int64_t> header_number(std::string_view v) noexcept
{
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    if (v.empty()) return std::nullopt;
    constexpr std::int64_t cap = std::numeric_limits<std::int32_t>::max();
    std::int64_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9') return std::nullopt;
        if (n < cap) n = std::min(cap, n * 10 + (c - '0'));
    }
    return n;
}

std::optional<std::chrono::seconds> header_seconds(std::string_view v) noexcept
{
    if (auto n = header_number(v)) return std::chrono::seconds{*n};
    return std::nullopt;
}

} // namespace

bool is_id(std::string_view id) noexcept
{
    return id.size() == 26 &&
           std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

std::string post_body(std::string_view channel_id, std::string_view message, std::string_view root_id)
{
    nlohmann::ordered_json j = {{"channel_id", channel_id}, {"message", message}};
    if (!root_id.empty()) j["root_id"] = root_id;
    return detail::dump(j);
}

std::string user_target(std::string_view user_id)
{
    return "/api/v4/users/" + detail::percent_encode(user_id);
}

std::string posts_since_target(std::string_view channel_id, std::int64_t since_ms)
{
    return "/api/v4/channels/" + detail::percent_encode(channel_id) + "/posts?since=" +
           std::to_string(std::max<std::int64_t>(since_ms, 0));
}

std::string channel_members_target(std::string_view channel_id)
{
    return "/api/v4/channels/" + detail::percent_encode(channel_id) + "/members";
}

std::string add_member_body(std::string_view user_id)
{
    return detail::dump(nlohmann::ordered_json{{"user_id", user_id}});
}

request_body register_command_body(command_registration const& r)
{
    std::string trigger = r.trigger;
    if (!trigger.empty() && trigger.front() == '/') trigger.erase(0, 1);
    std::transform(trigger.begin(), trigger.end(), trigger.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    auto refuse = [](std::string why) { return request_body{{}, std::move(why)}; };
    if (!is_id(r.team_id)) return refuse("team_id: not a Mattermost id");
    if (trigger.empty() || trigger.size() > max_trigger_bytes) return refuse("trigger: 1 to 128 bytes");
    if (has_whitespace(trigger) || trigger.front() == '/') return refuse("trigger: no spaces, no leading '/'");
    if (r.url.size() > max_url_bytes) return refuse("url: over 1024 bytes");
    bool const http = starts_with_icase(r.url, "http://") || starts_with_icase(r.url, "https://");
    auto const scheme = starts_with_icase(r.url, "https://") ? 8U : 7U;
    if (!http || r.url.size() <= scheme || has_whitespace(r.url)) return refuse("url: not an http(s) URL");
    if (r.display_name.size() > max_display_name_bytes) return refuse("display_name: over 64 bytes");
    if (r.description.size() > max_description_bytes) return refuse("description: over 128 bytes");
    nlohmann::ordered_json j = {
        {"team_id", r.team_id},
        {"trigger", trigger},
        {"method", "P"},
        {"url", r.url},
        {"auto_complete", true},
        {"auto_complete_desc", r.auto_complete_desc},
        {"auto_complete_hint", r.auto_complete_hint},
        {"display_name", r.display_name},
        {"description", r.description},
    };
    return request_body{detail::dump(j), {}};
}

created_post parse_created_post(std::string_view body)
{
    created_post out;
    auto [j, problem] = read_object(body);
    if (!problem.empty()) {
        out.problem = std::move(problem);
        return out;
    }
    json const collector = json::object(); // read_post reports into an outer reader
    fields f(collector, "");
    out.post = detail::read_post(j, "post", f);
    if (!f.ok()) out.problem = f.error();
    return out;
}

user parse_user(std::string_view body)
{
    user out;
    auto [j, problem] = read_object(body);
    if (!problem.empty()) {
        out.problem = std::move(problem);
        return out;
    }
    fields f(j, "user");
    out.id = f.str("id", need::required);
    out.username = f.str("username");
    out.nickname = f.str("nickname");
    out.first_name = f.str("first_name");
    out.last_name = f.str("last_name");
    out.is_bot = f.boolean("is_bot");
    if (!f.ok()) out.problem = f.error();
    return out;
}

std::string best_name(user const& u)
{
    if (!u.nickname.empty()) return u.nickname;
    if (!u.first_name.empty() && !u.last_name.empty()) return u.first_name + " " + u.last_name;
    if (!u.first_name.empty()) return u.first_name;
    if (!u.last_name.empty()) return u.last_name;
    if (!u.username.empty()) return u.username;
    return u.id;
}

posts_since parse_posts_since(std::string_view body)
{
    posts_since out;
    auto [j, problem] = read_object(body);
    if (!problem.empty()) {
        out.problem = std::move(problem);
        return out;
    }
    fields f(j, "");
    auto const* posts = f.object("posts", need::required);
    if (!f.ok()) {
        out.problem = f.error();
        return out;
    }
    for (auto const& [id, value] : posts->items()) {
        json const collector = json::object();
        fields one(collector, "");
        auto p = detail::read_post(value, "posts", one);
        if (!one.ok()) {
            ++out.skipped;
            continue;
        }
        out.posts.push_back(std::move(p));
    }
    std::sort(out.posts.begin(), out.posts.end(), [](post const& a, post const& b) {
        return a.create_at != b.create_at ? a.create_at < b.create_at : a.id < b.id;
    });
    return out;
}

registered_command parse_registered_command(std::string_view body)
{
    registered_command out;
    auto [j, problem] = read_object(body);
    if (!problem.empty()) {
        out.problem = std::move(problem);
        return out;
    }
    fields f(j, "command");
    out.id = f.str("id", need::required);
    out.token = log::secret(f.str("token", need::required));
    out.trigger = f.str("trigger");
    out.team_id = f.str("team_id");
    if (!f.ok()) {
        out.problem = f.error();
        out.token = log::secret{}; // not a usable reply: keep no half of it
    }
    return out;
}

api_error parse_api_error(std::string_view body)
{
    api_error e;
    auto j = detail::parse(body);
    if (j.is_discarded() || !j.is_object()) return e;
    auto text = [&](char const* key) {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    e.id = text("id");
    e.message = text("message");
    e.request_id = text("request_id");
    if (auto it = j.find("status_code"); it != j.end()) {
        if (auto n = fields::as_integer(*it); n && *n >= 0 && *n <= 999) e.status_code = static_cast<int>(*n);
    }
    if (auto it = j.find("is_oauth"); it != j.end() && it->is_boolean()) e.is_oauth = it->get<bool>();
    return e;
}

error_kind classify_status(int http_status) noexcept
{
    if (http_status == 401) return error_kind::unrecoverable;
    if (http_status == 429) return error_kind::rate_limited;
    if (http_status == 408) return error_kind::retryable;
    if (http_status >= 400 && http_status < 500) return error_kind::rejected;
    return error_kind::retryable;
}

rate_limit parse_rate_limit(std::string_view limit, std::string_view remaining, std::string_view reset,
                            std::string_view retry_after) noexcept
{
    return rate_limit{header_number(limit), header_number(remaining), header_seconds(reset),
                      header_seconds(retry_after)};
}

std::chrono::seconds rate_limit_wait(rate_limit const& r) noexcept
{
    auto wait = r.retry_after ? *r.retry_after : r.reset ? *r.reset : default_rate_limit_wait;
    return std::clamp(wait, std::chrono::seconds{1}, max_rate_limit_wait);
}

} // namespace coolhead::mattermost

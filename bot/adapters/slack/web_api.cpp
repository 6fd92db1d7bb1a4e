#include "bot/adapters/slack/web_api.hpp"

#include "bot/adapters/slack/detail/reply.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace coolhead::slack {
namespace {

using detail::json;
using detail::need;

std::string encode_body(json const& j)
{
    return detail::dump(j);
}

// The error table. Codes from the Slack method pages and PROTOCOLS.md 1.1 and 1.8.
// clang-format off
constexpr std::array unrecoverable_errors{
    std::string_view{"not_authed"}, std::string_view{"invalid_auth"}, std::string_view{"account_inactive"},
    std::string_view{"token_revoked"}, std::string_view{"token_expired"}, std::string_view{"team_disabled"},
    std::string_view{"user_removed_from_team"}, std::string_view{"missing_scope"}, std::string_view{"no_permission"},
    std::string_view{"not_allowed_token_type"}, std::string_view{"forbidden_team"},
    std::string_view{"org_login_required"}, std::string_view{"ekm_access_denied"},
};
constexpr std::array rate_limit_errors{std::string_view{"ratelimited"}, std::string_view{"rate_limited"}};
constexpr std::array rejected_errors{
    // The target
    std::string_view{"channel_not_found"}, std::string_view{"not_in_channel"}, std::string_view{"is_archived"},
    std::string_view{"message_not_found"}, std::string_view{"user_not_found"}, std::string_view{"user_not_in_channel"},
    std::string_view{"cant_update_message"}, std::string_view{"edit_window_closed"},
    std::string_view{"restricted_action"}, std::string_view{"restricted_action_read_only_channel"},
    std::string_view{"restricted_action_thread_only_channel"}, std::string_view{"restricted_action_non_threadable_channel"},
    std::string_view{"team_access_not_granted"}, std::string_view{"thread_not_found"},
    std::string_view{"already_in_channel"}, std::string_view{"cant_invite_self"}, std::string_view{"already_pinned"},
    std::string_view{"already_reacted"}, std::string_view{"too_many_reactions"}, std::string_view{"name_taken"},
    std::string_view{"method_not_supported_for_channel_type"},
    // The request itself
    std::string_view{"msg_too_long"}, std::string_view{"msg_blocks_too_long"}, std::string_view{"no_text"},
    std::string_view{"invalid_blocks"}, std::string_view{"invalid_blocks_format"}, std::string_view{"too_many_attachments"},
    std::string_view{"invalid_arguments"}, std::string_view{"invalid_arg_name"}, std::string_view{"invalid_array_arg"},
    std::string_view{"invalid_charset"}, std::string_view{"invalid_form_data"}, std::string_view{"invalid_post_type"},
    std::string_view{"missing_post_type"}, std::string_view{"invalid_json"}, std::string_view{"json_not_object"},
    std::string_view{"missing_args"}, std::string_view{"insecure_request"}, std::string_view{"invalid_name"},
    std::string_view{"bad_timestamp"}, std::string_view{"invalid_ts_latest"}, std::string_view{"invalid_ts_oldest"},
    std::string_view{"deprecated_endpoint"}, std::string_view{"method_deprecated"}, std::string_view{"unknown_method"},
};
// clang-format on

template <std::size_t N>
bool contains(std::array<std::string_view, N> const& table, std::string_view code) noexcept
{
    return std::find(table.begin(), table.end(), code) != table.end();
}

std::string message_text(json const& m, char const* key)
{
    auto it = m.find(key);
    return it != m.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

} // namespace

namespace detail {

std::pair<api_status, json> read_reply(std::string_view body)
{
    api_status st;
    auto j = detail::parse(body);
    if (j.is_discarded() || !j.is_object()) {
        st.error = invalid_response;
        return {std::move(st), json{}};
    }
    auto ok = j.find("ok");
    if (ok == j.end() || !ok->is_boolean()) {
        st.error = invalid_response;
        return {std::move(st), std::move(j)};
    }
    st.ok = ok->get<bool>();
    // Diagnostics are read when they have the expected type and skipped otherwise: a strange
    // `warning` must not turn a posted message into a failure.
    auto text = [&](char const* key) -> std::string {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    st.error = text("error");
    st.warning = text("warning");
    st.needed = text("needed");
    st.provided = text("provided");
    if (auto md = j.find("response_metadata"); md != j.end() && md->is_object()) {
        if (auto msgs = md->find("messages"); msgs != md->end() && msgs->is_array())
            for (auto const& m : *msgs)
                if (m.is_string()) st.messages.push_back(m.get<std::string>());
    }
    if (!st.ok && st.error.empty()) st.error = "unknown_error"; // ok:false with no code: retryable
    return {std::move(st), std::move(j)};
}

void unusable(api_status& st, std::string const& why)
{
    st.ok = false;
    st.error = invalid_response;
    st.messages.push_back(why);
}

} // namespace detail

std::string post_message_body(std::string_view channel, std::string_view text, std::string_view thread_ts)
{
    json j = {{"channel", channel}, {"text", text}, {"unfurl_links", false}, {"unfurl_media", false}};
    if (!thread_ts.empty()) j["thread_ts"] = thread_ts;
    return encode_body(j);
}

std::string post_ephemeral_body(std::string_view channel, std::string_view user, std::string_view text)
{
    return encode_body(json{{"channel", channel}, {"user", user}, {"text", text}});
}

std::string update_body(std::string_view channel, std::string_view ts, std::string_view text)
{
    return encode_body(json{{"channel", channel}, {"ts", ts}, {"text", text}});
}

std::string join_body(std::string_view channel)
{
    return encode_body(json{{"channel", channel}});
}

std::string encode_query_value(std::string_view value)
{
    return boost::urls::encode(value, boost::urls::unreserved_chars);
}

std::string users_info_target(std::string_view user)
{
    return "users.info?user=" + encode_query_value(user);
}

std::string conversations_history_target(std::string_view channel, std::string_view latest_ts)
{
    return "conversations.history?channel=" + encode_query_value(channel) +
           "&latest=" + encode_query_value(latest_ts) + "&inclusive=true&limit=1";
}

api_status parse_status(std::string_view body)
{
    return detail::read_reply(body).first;
}

posted_message parse_posted_message(std::string_view body)
{
    auto [st, j] = detail::read_reply(body);
    posted_message out;
    if (st.ok) {
        detail::fields f(j, "");
        out.channel = f.str("channel");
        out.ts = f.str("ts");
        if (out.ts.empty()) out.ts = f.str("message_ts"); // chat.postEphemeral
        if (!f.ok())
            detail::unusable(st, f.error());
        else if (out.ts.empty())
            detail::unusable(st, "ts: missing");
    }
    out.status = std::move(st);
    return out;
}

user_info parse_user_info(std::string_view body)
{
    auto [st, j] = detail::read_reply(body);
    user_info out;
    if (st.ok) {
        detail::fields top(j, "");
        if (auto const* u = top.object("user", need::required)) {
            detail::fields f(*u, "user");
            out.id = f.str("id", need::required);
            out.name = f.str("name");
            out.real_name = f.str("real_name");
            out.is_bot = f.boolean("is_bot");
            if (auto const* p = f.object("profile")) {
                detail::fields pf(*p, "user.profile");
                out.display_name = pf.str("display_name");
                if (auto real = pf.str("real_name"); !real.empty()) out.real_name = std::move(real);
                f.take(pf);
            }
            top.take(f);
        }
        if (!top.ok()) detail::unusable(st, top.error());
    }
    out.status = std::move(st);
    return out;
}

std::string const& best_name(user_info const& u) noexcept
{
    if (!u.display_name.empty()) return u.display_name;
    if (!u.real_name.empty()) return u.real_name;
    if (!u.name.empty()) return u.name;
    return u.id;
}

auth_info parse_auth_test(std::string_view body)
{
    auto [st, j] = detail::read_reply(body);
    auth_info out;
    if (st.ok) {
        detail::fields f(j, "");
        out.user_id = f.str("user_id", need::required);
        out.team_id = f.str("team_id");
        out.bot_id = f.str("bot_id");
        if (!f.ok()) detail::unusable(st, f.error());
    }
    out.status = std::move(st);
    return out;
}

history_reply parse_history(std::string_view body)
{
    auto [st, j] = detail::read_reply(body);
    history_reply out;
    if (st.ok) {
        detail::fields f(j, "");
        if (auto const* msgs = f.array("messages", need::required)) {
            for (auto const& m : *msgs) {
                if (!m.is_object()) continue;
                history_message h{message_text(m, "user"), message_text(m, "text"), message_text(m, "ts"),
                                  message_text(m, "bot_id"), message_text(m, "subtype")};
                if (h.ts.empty()) continue;
                out.messages.push_back(std::move(h));
            }
        }
        if (!f.ok()) detail::unusable(st, f.error());
    }
    out.status = std::move(st);
    return out;
}

std::chrono::seconds retry_after(std::string_view header_value) noexcept
{
    while (!header_value.empty() && (header_value.front() == ' ' || header_value.front() == '\t'))
        header_value.remove_prefix(1);
    while (!header_value.empty() && (header_value.back() == ' ' || header_value.back() == '\t'))
        header_value.remove_suffix(1);
    if (header_value.empty()) return default_retry_after;
    std::int64_t seconds = 0;
    for (char c : header_value) {
        if (c < '0' || c > '9') return default_retry_after;
        // Saturate instead of overflowing: anything past the cap is the cap.
        if (seconds <= max_retry_after.count()) seconds = seconds * 10 + (c - '0');
    }
    return std::chrono::seconds{std::clamp<std::int64_t>(seconds, 1, max_retry_after.count())};
}

error_kind classify_error(std::string_view error) noexcept
{
    if (contains(unrecoverable_errors, error)) return error_kind::unrecoverable;
    if (contains(rate_limit_errors, error)) return error_kind::rate_limited;
    if (contains(rejected_errors, error)) return error_kind::rejected;
    return error_kind::retryable;
}

} // namespace coolhead::slack

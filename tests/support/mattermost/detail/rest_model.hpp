#pragma once
/// fake_mattermost internals: the data (users, channels, posts, commands, clock, ids) and the
/// REST answers as plain functions over it, with no sockets. fake_mattermost.cpp routes,
/// records, applies scripts and sends the events; it calls these under the fake's lock.

#include "tests/support/mattermost/fake_mattermost.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::testing::mm_detail {

/// A REST answer: status, JSON body, and what it changed.
struct rest_result {
    unsigned status = 200;
    nlohmann::json body = nlohmann::json::object();
    std::string error_id;     ///< the AppError id for errors
    std::string created_post; ///< id of a post this request created (to broadcast)
};

/// Everything the fake answers from. Guarded by the fake's lock.
struct rest_model {
    explicit rest_model(fake_mattermost_options const& o);

    fake_mattermost_options const& options;
    std::map<std::string, mattermost_user, std::less<>> users;
    std::map<std::string, std::size_t, std::less<>> user_lookups;
    std::size_t me_lookups = 0;
    std::vector<mattermost_channel> channels; ///< in the order added
    std::vector<mattermost_post> posts;       ///< in creation order
    std::map<std::string, std::size_t, std::less<>> post_index;
    std::vector<post_attempt> attempts;
    std::vector<command_registration> registrations;
    std::vector<registered_command> commands;
    bool can_manage_slash_commands = true;
    std::int64_t clock = 0; ///< the next timestamp handed out
    std::mt19937_64 rng;

    /// A fresh 26-character id in Mattermost's alphabet.
    std::string new_id();
    /// The clock's value, which then moves on by clock_tick_ms.
    std::int64_t stamp();

    mattermost_channel const* channel(std::string_view id) const;
    mattermost_channel* channel(std::string_view id);
    mattermost_user const* user(std::string_view id) const;
    mattermost_user const* user_by_name(std::string_view username) const;
    mattermost_post* post(std::string_view id);
    registered_command const* command_by_trigger(std::string_view trigger) const;
    /// data.team_id / the team a channel belongs to ("" for direct and group channels).
    std::string team_of(mattermost_channel const& c) const;
    /// True if the bot may read `c` (a member, or a public channel of its team).
    bool bot_can_read(mattermost_channel const& c) const;

    /// Stores `p` with a fresh id and create_at = update_at = stamp(); counts runes; bumps the
    /// root's reply_count. Returns the stored post.
    mattermost_post const& add_post(mattermost_post p);
    void add_channel(mattermost_channel c);
    /// The `posted` extras for `p`: mentions default to @username mentions of known users (and
    /// the bot in a direct channel), sender_name to "@<username>".
    mattermost::posted_context
    posted_context_for(mattermost_post const& p,
                       std::optional<std::vector<std::string>> mentions = std::nullopt,
                       std::string sender_name = {}) const;
    /// A registration as an admin would do it (no checks but the trigger's form).
    registered_command const& register_command(std::string trigger, std::string url, std::string creator);

    // ---- REST answers (the token was already checked) ----------------------------------------

    rest_result get_me(std::string const& request_id);
    rest_result get_user(std::string_view id, std::string const& request_id);
    rest_result get_channel(std::string_view id, std::string const& request_id);
    /// `GET /users/me/teams`: the one team.
    rest_result my_teams(std::string const& request_id);
    /// `GET /teams/{id}` (by_name false) or `GET /teams/name/{name}`.
    rest_result get_team(std::string_view key, bool by_name, std::string const& request_id);
    rest_result create_post(std::string const& body, std::string const& request_id, steady_time now);
    rest_result channel_posts(std::string_view channel_id, std::string_view target,
                              std::string const& request_id);
    rest_result create_command(std::string const& body, std::string const& request_id);
    /// POST /channels/{id}/members {"user_id"}: the bot joins a public channel of its team
    /// (201 with the channel member); anything else is a 403, as for a bot without
    /// manage_private_channel_members.
    rest_result add_channel_member(std::string_view channel_id, std::string const& body, std::string const& request_id);
    rest_result list_commands(std::string_view target, std::string const& request_id);
};

/// An AppError answer.
rest_result error_result(unsigned status, std::string_view id, std::string_view message,
                         std::string const& request_id);

/// `api.context.session_expired.app_error` 401, Mattermost's answer to a missing or bad token.
rest_result session_expired(std::string const& request_id);

/// `api.context.permissions.app_error` 403.
rest_result permission_denied(std::string const& request_id);

/// Checks `Authorization: Bearer <expected>`.
auth_check check_bearer(std::optional<std::string_view> authorization, std::string const& expected);

} // namespace coolhead::testing::mm_detail

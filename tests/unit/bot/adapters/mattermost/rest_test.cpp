// Mattermost REST v4 (PROTOCOLS.md 2.6–2.7): request bodies and targets, replies from
// real-shaped payloads in tests/data/mattermost/, error bodies, status classes, rate-limit
// headers and ids.
#include "bot/adapters/mattermost/rest.hpp"

#include "mattermost_data.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace coolhead::mattermost {
namespace {

using namespace std::chrono_literals;
using testing::data;

TEST(mattermost_rest_ids, ids_are_26_lower_case_alphanumerics)
{
    EXPECT_TRUE(is_id("a1icea1icea1icea1icea1ice0"));
    EXPECT_TRUE(is_id("ybndrfg8ejkmcpqxot1uwisza3"));
    EXPECT_FALSE(is_id(""));
    EXPECT_FALSE(is_id("a1icea1icea1icea1icea1ice"));
    EXPECT_FALSE(is_id("a1icea1icea1icea1icea1ice00"));
    EXPECT_FALSE(is_id("A1icea1icea1icea1icea1ice0"));
    EXPECT_FALSE(is_id("a1icea1icea1icea1icea1ic_0"));
    EXPECT_FALSE(is_id("a1icea1icea1icea1icea1ic\xC3\xA9"));
}

TEST(mattermost_rest_requests, post_body)
{
    EXPECT_EQ(post_body("inc42inc42inc42inc42inc420", "### Status\n`@bob`"),
              R"({"channel_id":"inc42inc42inc42inc42inc420","message":"### Status\n`@bob`"})");
    EXPECT_EQ(post_body("c", "reply", "r00tr00tr00tr00tr00tr00t00"),
              R"({"channel_id":"c","message":"reply","root_id":"r00tr00tr00tr00tr00tr00t00"})");
    auto j = nlohmann::json::parse(post_body("c", "a\xFF\"b"));
    EXPECT_EQ(j["message"], "a\xEF\xBF\xBD\"b");
}

TEST(mattermost_rest_requests, targets)
{
    EXPECT_EQ(users_me_path, "/api/v4/users/me");
    EXPECT_EQ(user_target("a1icea1icea1icea1icea1ice0"), "/api/v4/users/a1icea1icea1icea1icea1ice0");
    EXPECT_EQ(user_target("../x"), "/api/v4/users/..%2Fx");
    EXPECT_EQ(posts_since_target("inc42inc42inc42inc42inc420", 1795402980123),
              "/api/v4/channels/inc42inc42inc42inc42inc420/posts?since=1795402980123");
    EXPECT_EQ(posts_since_target("a/b?c", -5), "/api/v4/channels/a%2Fb%3Fc/posts?since=0");
}

command_registration good_registration()
{
    return {"teamteamteamteamteamteam00",
            "/Incident",
            "https://coolhead.example.com/mattermost/command",
            "Incident",
            "Incident calls with coolhead",
            "Start, follow and close an incident",
            "start <title> | status | resolve"};
}

TEST(mattermost_rest_requests, register_command_body)
{
    auto b = register_command_body(good_registration());
    ASSERT_TRUE(b.ok()) << b.problem;
    EXPECT_EQ(b.json,
              R"({"team_id":"teamteamteamteamteamteam00","trigger":"incident","method":"P",)"
              R"("url":"https://coolhead.example.com/mattermost/command","auto_complete":true,)"
              R"("auto_complete_desc":"Start, follow and close an incident",)"
              R"("auto_complete_hint":"start <title> | status | resolve","display_name":"Incident",)"
              R"("description":"Incident calls with coolhead"})");
}

TEST(mattermost_rest_requests, register_command_refuses_what_the_server_would)
{
    struct sample {
        void (*change)(command_registration&);
        char const* problem;
    };
    for (auto const& s : {
             sample{[](command_registration& r) { r.team_id = "acme"; }, "team_id: not a Mattermost id"},
             sample{[](command_registration& r) { r.trigger = "/"; }, "trigger: 1 to 128 bytes"},
             sample{[](command_registration& r) { r.trigger = std::string(129, 'a'); }, "trigger: 1 to 128 bytes"},
             sample{[](command_registration& r) { r.trigger = "inc ident"; }, "trigger: no spaces, no leading '/'"},
             sample{[](command_registration& r) { r.trigger = "//incident"; }, "trigger: no spaces, no leading '/'"},
             sample{[](command_registration& r) { r.url = "ftp://x/y"; }, "url: not an http(s) URL"},
             sample{[](command_registration& r) { r.url = "https://"; }, "url: not an http(s) URL"},
             sample{[](command_registration& r) { r.url = "https://x/a b"; }, "url: not an http(s) URL"},
             sample{[](command_registration& r) { r.url = "https://x/" + std::string(1020, 'a'); }, "url: over 1024 bytes"},
             sample{[](command_registration& r) { r.display_name = std::string(65, 'd'); }, "display_name: over 64 bytes"},
             sample{[](command_registration& r) { r.description = std::string(129, 'd'); }, "description: over 128 bytes"},
         }) {
        auto r = good_registration();
        s.change(r);
        auto b = register_command_body(r);
        EXPECT_FALSE(b.ok());
        EXPECT_EQ(b.problem, s.problem);
        EXPECT_TRUE(b.json.empty());
    }
    auto plain_http = good_registration();
    plain_http.url = "HTTP://127.0.0.1:8065/cmd";
    EXPECT_TRUE(register_command_body(plain_http).ok());
}

TEST(mattermost_rest_replies, created_post)
{
    auto c = parse_created_post(data("api_post_created.json"));
    ASSERT_TRUE(c.ok()) << c.problem;
    EXPECT_EQ(c.post.id, "p0st2p0st2p0st2p0st2p0st20");
    EXPECT_EQ(c.post.create_at, 1795403000456);
    EXPECT_TRUE(c.post.from_bot);
    EXPECT_EQ(parse_created_post("{}").problem, "post.id: missing");
    EXPECT_EQ(parse_created_post("[]").problem, "not a JSON object");
    EXPECT_EQ(parse_created_post("<html>").problem, "not JSON");
}

TEST(mattermost_rest_replies, users)
{
    auto me = parse_user(data("api_user_me.json"));
    ASSERT_TRUE(me.ok()) << me.problem;
    EXPECT_EQ(me.id, "b0tc00lhead0000000000000aa");
    EXPECT_EQ(me.username, "coolhead");
    EXPECT_TRUE(me.is_bot);
    EXPECT_EQ(best_name(me), "Coolhead");
    auto alice = parse_user(data("api_user.json"));
    EXPECT_EQ(alice.username, "alice");
    EXPECT_EQ(alice.first_name, "Alice");
    EXPECT_EQ(alice.last_name, "Ng");
    EXPECT_FALSE(alice.is_bot);
    EXPECT_EQ(best_name(alice), "Alice Ng");
    EXPECT_EQ(parse_user(R"({"username":"x"})").problem, "user.id: missing");
    EXPECT_EQ(parse_user(R"({"id":"i","is_bot":"yes"})").problem, "user.is_bot: expected a boolean");
}

TEST(mattermost_rest_replies, best_name_falls_back_in_order)
{
    user u;
    u.id = "i";
    EXPECT_EQ(best_name(u), "i");
    u.username = "alice";
    EXPECT_EQ(best_name(u), "alice");
    u.last_name = "Ng";
    EXPECT_EQ(best_name(u), "Ng");
    u.first_name = "Alice";
    EXPECT_EQ(best_name(u), "Alice Ng");
    u.nickname = "Al";
    EXPECT_EQ(best_name(u), "Al");
}

TEST(mattermost_rest_replies, posts_since_sorted_by_create_at)
{
    auto r = parse_posts_since(data("api_posts_since.json"));
    ASSERT_TRUE(r.ok()) << r.problem;
    EXPECT_EQ(r.skipped, 1U); // the entry whose user_id is a number
    ASSERT_EQ(r.posts.size(), 3U);
    EXPECT_EQ(r.posts[0].id, "p0st1p0st1p0st1p0st1p0st10");
    EXPECT_EQ(r.posts[0].edit_at, 1795403100000);
    EXPECT_EQ(r.posts[1].id, "p0st2p0st2p0st2p0st2p0st20");
    EXPECT_EQ(r.posts[1].message, "/incident status");
    EXPECT_EQ(r.posts[2].id, "p0st3p0st3p0st3p0st3p0st30");
    EXPECT_EQ(r.posts[2].root_id, "r00tr00tr00tr00tr00tr00t00");
    auto empty = parse_posts_since(data("api_posts_since_empty.json"));
    EXPECT_TRUE(empty.ok());
    EXPECT_TRUE(empty.posts.empty());
    EXPECT_EQ(parse_posts_since(R"({"order":[]})").problem, "posts: missing");
    EXPECT_EQ(parse_posts_since(R"({"posts":[]})").problem, "posts: expected an object");
    // Same create_at: by id, so the order never depends on the JSON object's order.
    auto tie = parse_posts_since(R"({"posts":{"b":{"id":"b","user_id":"u","channel_id":"c","create_at":5},)"
                                 R"("a":{"id":"a","user_id":"u","channel_id":"c","create_at":5}}})");
    ASSERT_EQ(tie.posts.size(), 2U);
    EXPECT_EQ(tie.posts[0].id, "a");
}

TEST(mattermost_rest_replies, registered_command)
{
    auto c = parse_registered_command(data("api_command_registered.json"));
    ASSERT_TRUE(c.ok()) << c.problem;
    EXPECT_EQ(c.id, "cmdcmdcmdcmdcmdcmdcmdcmd00");
    EXPECT_EQ(c.token.reveal(), "xr3j5x3p4pfz8xbxm8nq8m1fca");
    EXPECT_EQ(fmt::format("{}", c.token), "[redacted]");
    EXPECT_EQ(c.trigger, "incident");
    EXPECT_EQ(c.team_id, "teamteamteamteamteamteam00");
    auto missing = parse_registered_command(R"({"id":"x","token":""})");
    EXPECT_EQ(missing.problem, "command.token: empty");
    EXPECT_TRUE(missing.token.empty());
    auto partial = parse_registered_command(R"({"token":"secret-value"})");
    EXPECT_EQ(partial.problem, "command.id: missing");
    EXPECT_TRUE(partial.token.empty());
}

TEST(mattermost_rest_errors, error_bodies)
{
    EXPECT_EQ(parse_api_error(data("api_error.json")),
              (api_error{"api.post.create_post.channel_not_found.app_error", "Unable to find the channel.",
                         "req1req1req1req1req1req100", 404, false}));
    auto unauthorized = parse_api_error(data("api_error_unauthorized.json"));
    EXPECT_EQ(unauthorized.id, "api.context.session_expired.app_error");
    EXPECT_EQ(unauthorized.status_code, 401);
    EXPECT_EQ(parse_api_error(data("api_error_rate_limited.txt")), api_error{});
    EXPECT_EQ(parse_api_error(R"({"id":5,"message":null,"status_code":"404","is_oauth":"no"})"), api_error{});
    EXPECT_EQ(parse_api_error(R"({"status_code":99999})").status_code, 0);
}

TEST(mattermost_rest_errors, statuses_are_classified)
{
    EXPECT_EQ(classify_status(401), error_kind::unrecoverable);
    EXPECT_EQ(classify_status(429), error_kind::rate_limited);
    for (int s : {400, 403, 404, 405, 409, 413, 422})
        EXPECT_EQ(classify_status(s), error_kind::rejected) << s;
    for (int s : {408, 500, 501, 502, 503, 504, 0, 302, 600})
        EXPECT_EQ(classify_status(s), error_kind::retryable) << s;
}

TEST(mattermost_rest_rate_limits, headers)
{
    auto r = parse_rate_limit("10", "0", "1", "");
    EXPECT_EQ(r, (rate_limit{10, 0, 1s, std::nullopt}));
    EXPECT_EQ(rate_limit_wait(r), 1s);
    EXPECT_EQ(parse_rate_limit(" 100 ", "\t99", "", "7"), (rate_limit{100, 99, std::nullopt, 7s}));
    EXPECT_EQ(parse_rate_limit("", "", "", ""), rate_limit{});
    for (auto bad : {"-1", "1.5", "abc", "1 2", "0x10", "Wed, 21 Oct 2026 07:28:00 GMT"})
        EXPECT_EQ(parse_rate_limit(bad, bad, bad, bad), rate_limit{}) << bad;
    auto huge = parse_rate_limit("", "", "99999999999999999999999", "");
    ASSERT_TRUE(huge.reset);
    EXPECT_EQ(rate_limit_wait(huge), max_rate_limit_wait);
}

TEST(mattermost_rest_rate_limits, wait)
{
    // Retry-After first, then the reset, then the default; between 1 s and the cap.
    EXPECT_EQ(rate_limit_wait(parse_rate_limit("10", "0", "3", "7")), 7s);
    EXPECT_EQ(rate_limit_wait(parse_rate_limit("10", "0", "3", "")), 3s);
    EXPECT_EQ(rate_limit_wait(parse_rate_limit("", "", "", "")), default_rate_limit_wait);
    EXPECT_EQ(rate_limit_wait(parse_rate_limit("", "", "0", "")), 1s);
    EXPECT_EQ(rate_limit_wait(parse_rate_limit("", "", "", "0")), 1s);
    EXPECT_EQ(rate_limit_wait(parse_rate_limit("", "", "", "3600")), max_rate_limit_wait);
    EXPECT_EQ(rate_limit_wait(parse_rate_limit("", "", "", "soon")), default_rate_limit_wait);
}

TEST(mattermost_rest_replies, every_parser_survives_every_data_file)
{
    for (auto prefix : {"api_", "malformed_", "posted", "hello", "slash_", "response_"}) {
        for (auto const& f : testing::data_files(prefix)) {
            auto body = data(f);
            EXPECT_NO_THROW({
                (void)parse_created_post(body);
                (void)parse_user(body);
                (void)parse_posts_since(body);
                (void)parse_registered_command(body);
                (void)parse_api_error(body);
            }) << f;
        }
    }
}

} // namespace
} // namespace coolhead::mattermost

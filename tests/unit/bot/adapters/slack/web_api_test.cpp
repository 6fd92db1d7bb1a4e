// Web API bodies, query strings and replies (PROTOCOLS.md 1.8–1.10), Retry-After and the
// error classification.
#include "bot/adapters/slack/web_api.hpp"

#include "slack_data.hpp"

#include <gtest/gtest.h>

namespace coolhead::slack {
namespace {

using testing::data;
using namespace std::chrono_literals;

TEST(slack_web_api_requests, post_message_never_asks_slack_to_parse_mentions)
{
    EXPECT_EQ(
        post_message_body("C0INCIDENT1", "*Phase: Mitigation.* @here"),
        R"({"channel":"C0INCIDENT1","text":"*Phase: Mitigation.* @here","unfurl_links":false,"unfurl_media":false})");
    auto body = post_message_body("C1", "x", "1795402980.000200");
    EXPECT_EQ(
        body,
        R"({"channel":"C1","text":"x","thread_ts":"1795402980.000200","unfurl_links":false,"unfurl_media":false})");
    EXPECT_EQ(body.find("link_names"), std::string::npos);
    EXPECT_EQ(body.find("parse"), std::string::npos);
}

TEST(slack_web_api_requests, ephemeral_and_update)
{
    EXPECT_EQ(post_ephemeral_body("C1", "U0BOB00001", "only you"),
              R"({"channel":"C1","text":"only you","user":"U0BOB00001"})");
    EXPECT_EQ(update_body("C1", "1795402980.000200", "new"),
              R"({"channel":"C1","text":"new","ts":"1795402980.000200"})");
}

TEST(slack_web_api_requests, bodies_escape_json_and_survive_invalid_utf8)
{
    EXPECT_EQ(post_ephemeral_body("C1", "U1", "a \"q\" \\ \n \xE2\x80\xA2"),
              "{\"channel\":\"C1\",\"text\":\"a \\\"q\\\" \\\\ \\n \xE2\x80\xA2\",\"user\":\"U1\"}");
    EXPECT_EQ(update_body("C1", "1.0", "bad \xFF"),
              "{\"channel\":\"C1\",\"text\":\"bad \xEF\xBF\xBD\",\"ts\":\"1.0\"}");
}

TEST(slack_web_api_requests, query_strings_are_percent_encoded)
{
    EXPECT_EQ(users_info_target("U0BOB00001"), "users.info?user=U0BOB00001");
    EXPECT_EQ(users_info_target("a b&c=d/\xC3\xA9+%"), "users.info?user=a%20b%26c%3Dd%2F%C3%A9%2B%25");
    EXPECT_EQ(conversations_history_target("C0INCIDENT1", "1795402980.000200"),
              "conversations.history?channel=C0INCIDENT1&latest=1795402980.000200&inclusive=true&limit=1");
    EXPECT_EQ(conversations_history_target("C1&limit=1000", "1#x"),
              "conversations.history?channel=C1%26limit%3D1000&latest=1%23x&inclusive=true&limit=1");
    EXPECT_EQ(encode_query_value("AZaz09-._~"), "AZaz09-._~");
}

TEST(slack_web_api_replies, only_ok_counts)
{
    auto st = parse_status(R"({"ok":true})");
    EXPECT_TRUE(st.ok);
    EXPECT_EQ(st.error, "");
    auto bad = parse_status(R"({"ok":false,"error":"channel_not_found"})");
    EXPECT_FALSE(bad.ok);
    EXPECT_EQ(bad.error, "channel_not_found");
    // No ok, a non-boolean ok, or no JSON at all: unusable.
    for (auto body : {"", "ok", "{}", R"({"ok":"true"})", R"({"ok":1})", "[true]",
                      "<html>429 Too Many Requests</html>"}) {
        auto s = parse_status(body);
        EXPECT_FALSE(s.ok) << body;
        EXPECT_EQ(s.error, invalid_response) << body;
    }
    EXPECT_EQ(parse_status(R"({"ok":false})").error, "unknown_error");
}

TEST(slack_web_api_replies, warnings_and_metadata)
{
    auto posted = parse_posted_message(data("api_post_message_ok.json"));
    EXPECT_TRUE(posted.status.ok);
    EXPECT_EQ(posted.status.warning, "missing_charset");
    EXPECT_EQ(posted.channel, "C0INCIDENT1");
    EXPECT_EQ(posted.ts, "1795403100.000300");

    auto scope = parse_status(data("api_missing_scope.json"));
    EXPECT_FALSE(scope.ok);
    EXPECT_EQ(scope.error, "missing_scope");
    EXPECT_EQ(scope.needed, "chat:write.public");
    EXPECT_EQ(scope.provided, "chat:write,commands,reactions:read,users:read");

    auto args = parse_status(data("api_invalid_arguments.json"));
    EXPECT_EQ(args.error, "invalid_arguments");
    EXPECT_EQ(args.messages, (std::vector<std::string>{"[ERROR] missing required field: channel"}));

    // Diagnostics of the wrong type are skipped, not fatal.
    auto odd = parse_status(R"({"ok":true,"warning":7,"response_metadata":{"messages":["a",3,null,"b"]}})");
    EXPECT_TRUE(odd.ok);
    EXPECT_EQ(odd.warning, "");
    EXPECT_EQ(odd.messages, (std::vector<std::string>{"a", "b"}));
}

TEST(slack_web_api_replies, posted_message)
{
    auto eph = parse_posted_message(data("api_post_ephemeral_ok.json"));
    EXPECT_TRUE(eph.status.ok);
    EXPECT_EQ(eph.ts, "1795403101.000400");
    auto no_ts = parse_posted_message(R"({"ok":true,"channel":"C1"})");
    EXPECT_FALSE(no_ts.status.ok);
    EXPECT_EQ(no_ts.status.error, invalid_response);
    auto wrong = parse_posted_message(R"({"ok":true,"channel":5,"ts":"1.0"})");
    EXPECT_FALSE(wrong.status.ok);
    EXPECT_EQ(wrong.status.messages, (std::vector<std::string>{"channel: expected a string"}));
    auto failed = parse_posted_message(R"({"ok":false,"error":"not_in_channel"})");
    EXPECT_FALSE(failed.status.ok);
    EXPECT_EQ(failed.status.error, "not_in_channel");
}

TEST(slack_web_api_replies, users_info_and_best_name)
{
    auto u = parse_user_info(data("api_users_info.json"));
    ASSERT_TRUE(u.status.ok);
    EXPECT_EQ(u.id, "U0BOB00001");
    EXPECT_EQ(u.name, "bob.k");
    EXPECT_EQ(u.display_name, "bob");
    EXPECT_EQ(u.real_name, "Bob Kowalski");
    EXPECT_FALSE(u.is_bot);
    EXPECT_EQ(best_name(u), "bob");

    user_info v{{}, "U1", "legacy", "", "Real Name", false};
    EXPECT_EQ(best_name(v), "Real Name");
    v.real_name.clear();
    EXPECT_EQ(best_name(v), "legacy");
    v.name.clear();
    EXPECT_EQ(best_name(v), "U1");

    auto bot = parse_user_info(
        R"({"ok":true,"user":{"id":"U0COOLHEAD","name":"coolhead","is_bot":true,"real_name":"coolhead bot"}})");
    EXPECT_TRUE(bot.status.ok);
    EXPECT_TRUE(bot.is_bot);
    EXPECT_EQ(bot.real_name, "coolhead bot");

    EXPECT_EQ(parse_user_info(R"({"ok":false,"error":"user_not_found"})").status.error, "user_not_found");
    auto broken = parse_user_info(R"({"ok":true,"user":{"id":"U1","profile":{"display_name":false}}})");
    EXPECT_FALSE(broken.status.ok);
    EXPECT_EQ(broken.status.messages,
              (std::vector<std::string>{"user.profile.display_name: expected a string"}));
    EXPECT_FALSE(parse_user_info(R"({"ok":true})").status.ok);
    EXPECT_FALSE(parse_user_info(R"({"ok":true,"user":{"name":"x"}})").status.ok);
}

TEST(slack_web_api_replies, auth_test)
{
    auto a = parse_auth_test(data("api_auth_test.json"));
    ASSERT_TRUE(a.status.ok);
    EXPECT_EQ(a.user_id, "U0COOLHEAD");
    EXPECT_EQ(a.team_id, "T0TESTTEAM");
    EXPECT_EQ(a.bot_id, "B0COOLHEAD");
    EXPECT_FALSE(parse_auth_test(R"({"ok":true,"team_id":"T1"})").status.ok);
    EXPECT_EQ(parse_auth_test(R"({"ok":false,"error":"invalid_auth"})").status.error, "invalid_auth");
}

TEST(slack_web_api_replies, conversations_history_first_message)
{
    auto h = parse_history(data("api_conversations_history.json"));
    ASSERT_TRUE(h.status.ok);
    ASSERT_EQ(h.messages.size(), 1U);
    EXPECT_EQ(h.messages[0].user, "U0BOB00001");
    EXPECT_EQ(h.messages[0].text, "error rate on /pay is 30% &gt; SLO");
    EXPECT_EQ(h.messages[0].ts, "1795402980.000200");

    auto empty = parse_history(data("api_conversations_history_empty.json"));
    EXPECT_TRUE(empty.status.ok);
    EXPECT_TRUE(empty.messages.empty());

    auto odd =
        parse_history(R"({"ok":true,"messages":[5,{"text":"no ts"},{"ts":"1.0","user":7,"bot_id":"B1"}]})");
    EXPECT_TRUE(odd.status.ok);
    ASSERT_EQ(odd.messages.size(), 1U);
    EXPECT_EQ(odd.messages[0].user, "");
    EXPECT_EQ(odd.messages[0].bot_id, "B1");
    EXPECT_FALSE(parse_history(R"({"ok":true,"messages":{}})").status.ok);
}

TEST(slack_web_api_replies, hostile_bodies_never_throw)
{
    testing::rng r(429);
    for (auto const& file : testing::data_files()) {
        auto text = data(file);
        for (std::size_t n = 0; n <= text.size(); n += 5) {
            auto cut = text.substr(0, n);
            EXPECT_NO_THROW({
                (void)parse_status(cut);
                (void)parse_posted_message(cut);
                (void)parse_user_info(cut);
                (void)parse_auth_test(cut);
                (void)parse_history(cut);
            });
        }
        for (int i = 0; i < 100 && !text.empty(); ++i) {
            auto mutated = text;
            mutated[r.below(mutated.size())] = static_cast<char>(r.below(256));
            EXPECT_NO_THROW({
                (void)parse_user_info(mutated);
                (void)parse_history(mutated);
            });
        }
    }
}

TEST(slack_retry_after, parses_seconds_with_a_default_and_a_cap)
{
    EXPECT_EQ(retry_after(""), 30s);
    EXPECT_EQ(retry_after("5"), 5s);
    EXPECT_EQ(retry_after(" 12\t"), 12s);
    EXPECT_EQ(retry_after("60"), 60s);
    EXPECT_EQ(retry_after("0"), 1s);
    EXPECT_EQ(retry_after("300"), 300s);
    EXPECT_EQ(retry_after("301"), 300s);
    EXPECT_EQ(retry_after("99999999999999999999999999"), 300s);
    for (auto bad : {"abc", "1.5", "-1", "+5", "5s", "1 2", "Wed, 21 Oct 2026 07:28:00 GMT", "   "})
        EXPECT_EQ(retry_after(bad), default_retry_after) << bad;
}

TEST(slack_error_classification, unrecoverable_errors_are_never_retried)
{
    for (auto e :
         {"not_authed", "invalid_auth", "account_inactive", "token_revoked", "team_disabled",
          "user_removed_from_team", "missing_scope", "token_expired", "no_permission", "forbidden_team"}) {
        EXPECT_EQ(classify_error(e), error_kind::unrecoverable) << e;
        EXPECT_TRUE(is_unrecoverable(e)) << e;
    }
}

TEST(slack_error_classification, the_other_kinds)
{
    EXPECT_EQ(classify_error("ratelimited"), error_kind::rate_limited);
    EXPECT_EQ(classify_error("rate_limited"), error_kind::rate_limited);
    for (auto e :
         {"channel_not_found", "not_in_channel", "is_archived", "msg_too_long", "no_text", "invalid_blocks",
          "message_not_found", "cant_update_message", "edit_window_closed", "user_not_found",
          "user_not_in_channel", "invalid_arguments", "missing_args", "insecure_request"})
        EXPECT_EQ(classify_error(e), error_kind::rejected) << e;
    for (auto e : {"internal_error", "fatal_error", "service_unavailable", "request_timeout",
                   "invalid_response", "unknown_error", "something_new", ""}) {
        EXPECT_EQ(classify_error(e), error_kind::retryable) << e;
        EXPECT_FALSE(is_unrecoverable(e)) << e;
    }
}

} // namespace
} // namespace coolhead::slack

// Mattermost slash commands (PROTOCOLS.md 2.6): form decoding (+, %XX, malformed escapes,
// repeated keys), the request fields and mention maps, the Authorization header, the
// constant-time token check and the command response JSON.
#include "bot/adapters/mattermost/slash_command.hpp"

#include "mattermost_data.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace coolhead::mattermost {
namespace {

using testing::data;

slash_command parsed(std::string_view body)
{
    auto r = parse_slash_command(body);
    if (auto const* m = std::get_if<malformed_form>(&r)) {
        ADD_FAILURE() << "malformed: " << m->what;
        return {};
    }
    return std::get<slash_command>(r);
}

std::string refused(std::string_view body)
{
    auto r = parse_slash_command(body);
    if (auto const* m = std::get_if<malformed_form>(&r)) return m->what;
    ADD_FAILURE() << "accepted";
    return {};
}

TEST(mattermost_form, plus_is_a_space_and_percent_escapes_are_bytes)
{
    auto f = decode_form("a=b+c&text=50%25+%2B1+%2b2&e=%F0%9F%93%8C&k%20ey=v%3Dw");
    ASSERT_TRUE(f);
    EXPECT_EQ(*f, (std::vector<form_field>{{"a", "b c"}, {"text", "50% +1 +2"}, {"e", "\xF0\x9F\x93\x8C"},
                                           {"k ey", "v=w"}}));
}

TEST(mattermost_form, empty_pairs_keys_and_values)
{
    auto f = decode_form("&&a=&=b&c&&d==e&");
    ASSERT_TRUE(f);
    EXPECT_EQ(*f, (std::vector<form_field>{{"a", ""}, {"", "b"}, {"c", ""}, {"d", "=e"}}));
    EXPECT_EQ(decode_form(""), std::vector<form_field>{});
}

TEST(mattermost_form, malformed_percent_escapes_refuse_the_whole_body)
{
    for (auto body : {"a=%", "a=%4", "a=%G1", "a=%4G", "a=b%", "%=b", "a=%%41", "text=100%+sure", "a=%+1"})
        EXPECT_FALSE(decode_form(body)) << body;
    EXPECT_TRUE(decode_form("a=%41%42"));
    EXPECT_EQ(decode_form(std::string(max_form_bytes + 1, 'a')), std::nullopt);
}

TEST(mattermost_form, decoded_bytes_that_are_not_utf8_become_replacement_characters)
{
    auto f = decode_form("t=a%FFb%C3");
    ASSERT_TRUE(f);
    EXPECT_EQ((*f)[0].value, "a\xEF\xBF\xBD"
                             "b\xEF\xBF\xBD");
    // NUL is a byte like any other here (the core takes text as bytes).
    EXPECT_EQ((*decode_form("t=a%00b"))[0].value, std::string("a\0b", 3));
}

TEST(mattermost_slash_command, every_field_of_a_real_shaped_request)
{
    auto c = parsed(data("slash_command.txt"));
    EXPECT_EQ(c.token.reveal(), "xr3j5x3p4pfz8xbxm8nq8m1fca");
    EXPECT_EQ(c.team_id, "teamteamteamteamteamteam00");
    EXPECT_EQ(c.team_domain, "acme");
    EXPECT_EQ(c.channel_id, "inc42inc42inc42inc42inc420");
    EXPECT_EQ(c.channel_name, "incident-42");
    EXPECT_EQ(c.user_id, "a1icea1icea1icea1icea1ice0");
    EXPECT_EQ(c.user_name, "alice");
    EXPECT_EQ(c.command, "/incident");
    EXPECT_EQ(c.text, "start Checkout fails for EU customers & <!here> sev=2 reporter=@dana +1 50%2B ~town-square");
    EXPECT_EQ(c.trigger_id, "trig3rtrig3rtrig3rtrig3r00:a1icea1icea1icea1icea1ice0:1795402980000:MEUCIQD");
    EXPECT_EQ(c.response_url.reveal(), "https://mm.example.com/hooks/commands/x5m3e8k7b3dqjdbz9m7wppy3wa");
    EXPECT_EQ(c.user_mentions, (std::vector<mention>{{"dana", "danadanadanadanadanadana00"}}));
    EXPECT_EQ(c.channel_mentions, (std::vector<mention>{{"town-square", "t0wnt0wnt0wnt0wnt0wnt0wn00"}}));
}

TEST(mattermost_slash_command, secrets_print_redacted)
{
    auto c = parsed(data("slash_command.txt"));
    EXPECT_EQ(fmt::format("{} {}", c.token, c.response_url), "[redacted] [redacted]");
}

TEST(mattermost_slash_command, minimal_request)
{
    auto c = parsed(data("slash_command_minimal.txt"));
    EXPECT_EQ(c.command, "/rootcause");
    EXPECT_EQ(c.text, "confirm #1");
    EXPECT_TRUE(c.user_mentions.empty());
    EXPECT_TRUE(c.response_url.empty());
    EXPECT_EQ(c.team_id, "");
}

TEST(mattermost_slash_command, repeated_mention_keys_pair_in_order)
{
    auto c = parsed("command=%2Fincident&channel_id=c&user_id=u&user_mentions=bob&user_mentions=carol"
                    "&user_mentions_ids=b0b&user_mentions_ids=car01&user_mentions=bob&user_mentions_ids=b0b");
    EXPECT_EQ(c.user_mentions, (std::vector<mention>{{"bob", "b0b"}, {"carol", "car01"}}));
    ASSERT_NE(find_mention(c.user_mentions, "@Carol"), nullptr);
    EXPECT_EQ(*find_mention(c.user_mentions, "@Carol"), "car01");
    EXPECT_EQ(*find_mention(c.user_mentions, "bob"), "b0b");
    EXPECT_EQ(find_mention(c.user_mentions, "dana"), nullptr);
    EXPECT_EQ(find_mention(c.user_mentions, "@"), nullptr);
}

TEST(mattermost_slash_command, refused_requests_name_the_field)
{
    std::string const base = "command=%2Fincident&channel_id=c&user_id=u";
    EXPECT_EQ(refused("channel_id=c&user_id=u"), "form.command: missing");
    EXPECT_EQ(refused("command=%2Fincident&user_id=u"), "form.channel_id: missing");
    EXPECT_EQ(refused("command=%2Fincident&channel_id=c&user_id="), "form.user_id: missing");
    EXPECT_EQ(refused(base + "&text=a&text=b"), "form.text: repeated");
    EXPECT_EQ(refused(base + "&token=a&token=a"), "form.token: repeated");
    EXPECT_EQ(refused(base + "&text=%ZZ"), "form: malformed percent-encoding");
    EXPECT_EQ(refused(base + "&user_mentions=bob"), "form.user_mentions and user_mentions_ids: different lengths");
    EXPECT_EQ(refused(base + "&channel_mentions_ids=x"),
              "form.channel_mentions and channel_mentions_ids: different lengths");
    EXPECT_EQ(refused(base + "&user_mentions=bob&user_mentions_ids=1&user_mentions=bob&user_mentions_ids=2"),
              "form.user_mentions: one name with two ids");
    // Nothing of the values in the reasons.
    EXPECT_EQ(refused("command=%2Fsecret-cmd&channel_id=c&user_id=u&token=xyz&token=xyz").find("xyz"),
              std::string::npos);
    // Unknown fields are ignored.
    EXPECT_EQ(parsed(base + "&root_id=r&x=%41").command, "/incident");
}

TEST(mattermost_slash_command, token_from_the_authorization_header)
{
    EXPECT_EQ(token_from_authorization("Token xr3j5x3p4pfz8xbxm8nq8m1fca"), log::secret("xr3j5x3p4pfz8xbxm8nq8m1fca"));
    EXPECT_EQ(token_from_authorization("  token   abc  "), log::secret("abc"));
    EXPECT_EQ(token_from_authorization("TOKEN\tabc"), log::secret("abc"));
    for (auto bad : {"", "Token", "Token ", "Bearer abc", "Tokenabc", "Token a b", "Basic dXNlcjpwYXNz", "abc"})
        EXPECT_EQ(token_from_authorization(bad), std::nullopt) << bad;
}

TEST(mattermost_slash_command, tokens_match_only_the_same_token)
{
    log::secret const expected("xr3j5x3p4pfz8xbxm8nq8m1fca");
    EXPECT_TRUE(tokens_match(expected, "xr3j5x3p4pfz8xbxm8nq8m1fca"));
    EXPECT_FALSE(tokens_match(expected, "xr3j5x3p4pfz8xbxm8nq8m1fcb"));
    EXPECT_FALSE(tokens_match(expected, "xr3j5x3p4pfz8xbxm8nq8m1fc"));
    EXPECT_FALSE(tokens_match(expected, "xr3j5x3p4pfz8xbxm8nq8m1fcaa"));
    EXPECT_FALSE(tokens_match(expected, ""));
    EXPECT_FALSE(tokens_match(expected, std::string(100000, 'x')));
    EXPECT_FALSE(tokens_match(expected, std::string("xr3j5x3p4pfz8xbxm8nq8m1fca\0", 27)));
    // A missing configuration accepts nothing, not even nothing.
    EXPECT_FALSE(tokens_match(log::secret{}, ""));
    EXPECT_FALSE(tokens_match(log::secret(""), "anything"));
    // Together with the form: the request's own token.
    auto c = parsed(data("slash_command.txt"));
    EXPECT_TRUE(tokens_match(expected, c.token.reveal()));
}

TEST(mattermost_command_response, json_with_skip_slack_parsing)
{
    EXPECT_EQ(command_response("Incident **INC\\-1** started", true),
              R"({"response_type":"in_channel","text":"Incident **INC\\-1** started","skip_slack_parsing":true})");
    EXPECT_EQ(command_response("only you", false),
              R"({"response_type":"ephemeral","text":"only you","skip_slack_parsing":true})");
    auto j = nlohmann::json::parse(command_response("a\xFF\"<!channel>", true));
    EXPECT_EQ(j["text"], "a\xEF\xBF\xBD\"<!channel>");
    EXPECT_EQ(j["skip_slack_parsing"], true);
}

TEST(mattermost_command_response, several_chunks_become_extra_responses)
{
    std::vector<std::string> const chunks{"one", "two", "three"};
    auto j = nlohmann::json::parse(command_response(chunks, commands::visibility::one_user));
    EXPECT_EQ(j["response_type"], "ephemeral");
    EXPECT_EQ(j["text"], "one");
    ASSERT_EQ(j["extra_responses"].size(), 2U);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(j["extra_responses"][i]["response_type"], "ephemeral");
        EXPECT_EQ(j["extra_responses"][i]["text"], chunks[i + 1]);
        EXPECT_EQ(j["extra_responses"][i]["skip_slack_parsing"], true);
    }
    std::vector<std::string> const one{"just one"};
    EXPECT_EQ(command_response(one, commands::visibility::everyone), command_response("just one", true));
    EXPECT_EQ(command_response(std::span<std::string const>{}, true), command_response("", false));
}

} // namespace
} // namespace coolhead::mattermost

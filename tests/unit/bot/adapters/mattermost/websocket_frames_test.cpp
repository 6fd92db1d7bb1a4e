// Mattermost websocket frames (PROTOCOLS.md 2.1–2.4) from real-shaped payloads in
// tests/data/mattermost/: responses vs events, every event kind, the double-encoded post,
// malformed and hostile frames, the frames we send and the resume query.
#include "bot/adapters/mattermost/websocket_frames.hpp"

#include "mattermost_data.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>

namespace coolhead::mattermost {
namespace {

using testing::data;
using testing::data_files;

template <class T>
T const& as(frame const& f)
{
    static T const none{};
    auto const* v = std::get_if<T>(&f);
    EXPECT_NE(v, nullptr) << "frame is alternative " << f.index()
                          << (f.index() == 2 ? " (" + std::get<malformed>(f).what + ")" : "");
    return v ? *v : none;
}

event event_of(std::string const& file)
{
    return as<event>(parse_frame(data(file)));
}

template <class T>
T data_of(std::string const& file)
{
    auto e = event_of(file);
    auto const* v = std::get_if<T>(&e.data);
    EXPECT_NE(v, nullptr) << file << ": data is alternative " << e.data.index();
    return v ? *v : T{};
}

constexpr char const* bot_id = "b0tc00lhead0000000000000aa";
constexpr char const* channel_id = "inc42inc42inc42inc42inc420";

TEST(mattermost_frames, hello_names_the_connection_and_the_bot)
{
    auto e = event_of("hello.json");
    EXPECT_EQ(e.type, "hello");
    EXPECT_EQ(e.seq, 0);
    auto h = std::get<hello>(e.data);
    EXPECT_EQ(h.connection_id, "c0nnc0nnc0nnc0nnc0nnc0nn00");
    EXPECT_EQ(h.server_hostname, "mm-app-1");
    EXPECT_TRUE(h.server_version.starts_with("9.11.5."));
    EXPECT_EQ(h.bot_user_id, bot_id);
    EXPECT_EQ(e.broadcast.user_id, bot_id);
    // The mm-api example: old servers send only server_version (and cannot resume).
    auto old = data_of<hello>("hello_old_server.json");
    EXPECT_EQ(old.connection_id, "");
    EXPECT_EQ(old.server_version, "3.6.0.1451.1c38da627ebb4e3635677db6939e9195.true");
    EXPECT_EQ(old.bot_user_id, bot_id);
}

TEST(mattermost_frames, posted_parses_the_post_a_second_time)
{
    auto e = event_of("posted.json");
    EXPECT_EQ(e.seq, 3);
    EXPECT_EQ(e.broadcast.channel_id, channel_id);
    auto p = std::get<posted>(e.data);
    EXPECT_EQ(p.post.id, "p0st1p0st1p0st1p0st1p0st10");
    EXPECT_EQ(p.post.create_at, 1795402980123);
    EXPECT_EQ(p.post.update_at, 1795402980123);
    EXPECT_EQ(p.post.edit_at, 0);
    EXPECT_EQ(p.post.delete_at, 0);
    EXPECT_EQ(p.post.user_id, "b0bb0bb0bb0bb0bb0bb0bb0b00");
    EXPECT_EQ(p.post.channel_id, channel_id);
    EXPECT_EQ(p.post.root_id, "");
    EXPECT_EQ(p.post.message,
              "error rate on /pay is 30% > SLO @alice see [dash](https://grafana.example.com/d/pay) :fire:");
    EXPECT_EQ(p.post.type, "");
    EXPECT_FALSE(p.post.from_bot);
    EXPECT_TRUE(is_person_post(p.post));
    EXPECT_EQ(p.channel_type, "O");
    EXPECT_EQ(p.channel_name, "incident-42");
    EXPECT_EQ(p.channel_display_name, "Incident 42");
    EXPECT_EQ(p.sender_name, "@bob");
    EXPECT_EQ(p.team_id, "teamteamteamteamteamteam00");
    EXPECT_EQ(p.mentions, (std::vector<std::string>{"a1icea1icea1icea1icea1ice0"}));
}

TEST(mattermost_frames, posted_in_a_direct_channel_and_in_a_thread)
{
    auto dm = data_of<posted>("posted_direct.json");
    EXPECT_EQ(dm.channel_type, "D");
    EXPECT_EQ(dm.team_id, "");
    EXPECT_EQ(dm.post.message, "oh there once was a hero named ragnar the red");
    EXPECT_EQ(dm.mentions, (std::vector<std::string>{bot_id}));
    auto reply = data_of<posted>("posted_thread_reply.json");
    EXPECT_EQ(reply.post.root_id, "r00tr00tr00tr00tr00tr00t00");
    EXPECT_TRUE(reply.mentions.empty()); // no data.mentions at all
    EXPECT_EQ(reply.channel_type, "P");
}

TEST(mattermost_frames, own_bot_system_and_webhook_posts_are_not_person_posts)
{
    auto own = data_of<posted>("posted_own_bot_post.json").post;
    EXPECT_TRUE(own.from_bot);
    EXPECT_EQ(own.user_id, bot_id);
    EXPECT_EQ(own.message, "### Status\n**INC\\-1** is in _Mitigation_");
    EXPECT_FALSE(is_person_post(own));
    auto join = data_of<posted>("posted_system_join.json").post;
    EXPECT_EQ(join.type, "system_join_channel");
    EXPECT_FALSE(is_person_post(join));
    auto hook = data_of<posted>("posted_webhook.json").post;
    EXPECT_TRUE(hook.from_webhook);
    EXPECT_FALSE(is_person_post(hook));
    // props.from_bot may be a real boolean too; other values are not "true".
    auto with_props = [](std::string const& props) {
        auto post = R"({"id":"p","user_id":"u","channel_id":"c","props":)" + props + "}";
        nlohmann::json frame = {{"event", "posted"}, {"data", {{"post", post}}}, {"seq", 1}};
        return std::get<posted>(std::get<event>(parse_frame(frame.dump())).data).post;
    };
    EXPECT_TRUE(with_props(R"({"from_bot":true})").from_bot);
    EXPECT_FALSE(with_props(R"({"from_bot":"false"})").from_bot);
    EXPECT_FALSE(with_props(R"({"from_bot":1})").from_bot);
}

TEST(mattermost_frames, edited_and_deleted_posts)
{
    auto edited = data_of<post_edited>("post_edited.json").post;
    EXPECT_EQ(edited.id, "p0st1p0st1p0st1p0st1p0st10");
    EXPECT_EQ(edited.message, "error rate on /pay is 35%");
    EXPECT_EQ(edited.edit_at, 1795403100000);
    EXPECT_TRUE(is_person_post(edited));
    auto deleted = data_of<post_deleted>("post_deleted.json").post;
    EXPECT_EQ(deleted.delete_at, 1795403160000);
    EXPECT_FALSE(is_person_post(deleted));
}

TEST(mattermost_frames, reactions_parse_the_reaction_a_second_time)
{
    auto e = event_of("reaction_added_pushpin.json");
    EXPECT_EQ(e.seq, 11);
    EXPECT_EQ(std::get<reaction>(e.data), (reaction{true, "car01car01car01car01car010", "p0st1p0st1p0st1p0st1p0st10",
                                                     "pushpin", 1795403160700, channel_id}));
    auto removed = data_of<reaction>("reaction_removed_pushpin.json");
    EXPECT_FALSE(removed.added);
    EXPECT_EQ(removed.emoji_name, "pushpin");
    EXPECT_EQ(removed.post_id, "p0st1p0st1p0st1p0st1p0st10");
}

TEST(mattermost_frames, other_events_are_only_named)
{
    EXPECT_EQ(data_of<other_event>("event_typing.json").event, "typing");
    auto e = event_of("event_user_added.json");
    EXPECT_EQ(std::get<other_event>(e.data).event, "user_added");
    EXPECT_EQ(e.seq, 14);
    // Unknown events may carry anything, or no data at all.
    EXPECT_EQ(std::get<other_event>(as<event>(parse_frame(R"({"event":"x","data":[1,2]})")).data).event, "x");
    EXPECT_EQ(as<event>(parse_frame(R"({"event":"x"})")).seq, std::nullopt);
}

TEST(mattermost_frames, responses_are_told_apart_by_seq_reply)
{
    auto ok = as<response>(parse_frame(data("response_ok.json")));
    EXPECT_EQ(ok.seq_reply, 1);
    EXPECT_TRUE(ok.ok());
    EXPECT_TRUE(ok.data.is_null());
    auto pong = as<response>(parse_frame(data("response_pong.json")));
    EXPECT_EQ(pong.seq_reply, 2);
    EXPECT_EQ(pong.data.value("text", ""), "pong");
    auto fail = as<response>(parse_frame(data("response_fail.json")));
    EXPECT_FALSE(fail.ok());
    EXPECT_EQ(fail.status, "FAIL");
    EXPECT_EQ(fail.seq_reply, 3);
    EXPECT_EQ(fail.error_id, "api.web_socket_router.bad_seq.app_error");
    EXPECT_EQ(fail.error_message, "Invalid sequence for WebSocket message.");
    // seq_reply wins even if the frame also names an event.
    auto both = as<response>(parse_frame(R"({"status":"OK","seq_reply":9,"event":"hello","seq":0})"));
    EXPECT_EQ(both.seq_reply, 9);
    // A null seq_reply is no seq_reply.
    EXPECT_EQ(as<event>(parse_frame(R"({"seq_reply":null,"event":"typing","seq":4})")).seq, 4);
}

TEST(mattermost_frames, malformed_frames_say_why_and_keep_the_sequence)
{
    struct sample {
        char const* file;
        char const* what;
        std::optional<std::int64_t> seq;
    };
    for (auto const& s : {
             sample{"malformed_not_json.txt", "not JSON", std::nullopt},
             sample{"malformed_empty.txt", "not JSON", std::nullopt},
             sample{"malformed_invalid_utf8.txt", "not JSON", std::nullopt},
             sample{"malformed_not_object.json", "not a JSON object", std::nullopt},
             sample{"malformed_neither.json", "frame: neither seq_reply nor event", std::nullopt},
             sample{"malformed_post_not_json.json", "event.data.post: not JSON inside the string", 15},
             sample{"malformed_post_number.json", "event.data.post: expected a JSON string", 16},
             sample{"malformed_post_missing_user.json", "event.data.post.user_id: missing", 17},
             sample{"malformed_post_message_object.json", "event.data.post.message: expected a string", 18},
             sample{"malformed_reaction_not_json.json", "event.data.reaction: not JSON inside the string", 19},
             sample{"malformed_reaction_missing_emoji.json", "event.data.reaction.emoji_name: missing", 20},
             sample{"malformed_mentions_not_array.json", "event.data.mentions: expected an array", 21},
             sample{"malformed_seq_string.json", "event.seq: expected an integer", std::nullopt},
             sample{"malformed_event_number.json", "event.event: expected a string", 23},
             sample{"malformed_hello_no_data.json", "event.data: missing", 0},
             sample{"malformed_seq_reply_string.json", "response.seq_reply: expected an integer", std::nullopt},
             sample{"malformed_response_no_status.json", "response.status: missing", std::nullopt},
             sample{"malformed_broadcast_array.json", "event.broadcast: expected an object", 24},
         }) {
        auto m = as<malformed>(parse_frame(data(s.file)));
        EXPECT_EQ(m.what, s.what) << s.file;
        EXPECT_EQ(m.seq, s.seq) << s.file;
    }
}

TEST(mattermost_frames, malformed_never_holds_the_frame)
{
    // The token-looking value and the message must not reach the description (it is logged).
    for (auto const& f : data_files("malformed_")) {
        auto m = as<malformed>(parse_frame(data(f)));
        EXPECT_EQ(m.what.find("pushpin"), std::string::npos) << f;
        EXPECT_EQ(m.what.find("a1ice"), std::string::npos) << f;
        EXPECT_EQ(m.what.find("p0st1"), std::string::npos) << f;
    }
    auto m = as<malformed>(parse_frame(R"({"event":"posted","data":{"post":"{\"id\":\"xoxb-secret-token\"}"}})"));
    EXPECT_EQ(m.what, "event.data.post.user_id: missing");
}

TEST(mattermost_frames, every_data_file_parses_without_throwing)
{
    for (auto prefix : {"hello", "posted", "post_", "reaction_", "event_", "response_", "malformed_", "api_", "slash_"})
        for (auto const& f : data_files(prefix))
            EXPECT_NO_THROW((void)parse_frame(data(f))) << f;
}

TEST(mattermost_frames, oversized_and_hostile_frames)
{
    std::string big = R"({"event":"typing","data":{"x":")" + std::string(max_frame_bytes, 'a') + R"("}})";
    EXPECT_EQ(as<malformed>(parse_frame(big)).what, "frame too large");
    // Just under the limit is fine: posts can be long.
    std::string message(60000, 'm');
    nlohmann::json post = {{"id", "p"}, {"user_id", "u"}, {"channel_id", "c"}, {"message", message}};
    nlohmann::json frame = {{"event", "posted"}, {"data", {{"post", post.dump()}}}, {"seq", 1}};
    EXPECT_EQ(std::get<posted>(as<event>(parse_frame(frame.dump())).data).post.message, message);
    // Deep nesting, huge numbers, a post that is a JSON string of a string.
    EXPECT_NO_THROW((void)parse_frame(std::string(100000, '[') + std::string(100000, ']')));
    EXPECT_EQ(as<malformed>(parse_frame(R"({"event":"typing","seq":18446744073709551615})")).what,
              "event.seq: expected an integer");
    EXPECT_EQ(as<malformed>(parse_frame(R"({"event":"posted","data":{"post":"\"{}\""},"seq":2})")).what,
              "event.data.post: expected an object");
    // A post sent as an object (not a string) is accepted as it is.
    auto obj = parse_frame(R"({"event":"posted","data":{"post":{"id":"p","user_id":"u","channel_id":"c"}},"seq":3})");
    EXPECT_EQ(std::get<posted>(as<event>(obj).data).post.id, "p");
}

TEST(mattermost_frames, authentication_challenge_is_a_secret)
{
    log::secret const token("fake-token-0000000000000000");
    auto frame = authentication_challenge(1, token);
    EXPECT_EQ(frame.reveal(), R"({"seq":1,"action":"authentication_challenge","data":{"token":"fake-token-0000000000000000"}})");
    EXPECT_EQ(fmt::format("{}", frame), "[redacted]");
    std::ostringstream os;
    os << frame;
    EXPECT_EQ(os.str(), "[redacted]");
    // Strange bytes in a token still make valid JSON.
    auto odd = authentication_challenge(7, log::secret("a\"b\\c\xFF"));
    auto j = nlohmann::json::parse(odd.reveal());
    EXPECT_EQ(j["seq"], 7);
    EXPECT_EQ(j["data"]["token"], "a\"b\\c\xEF\xBF\xBD");
}

TEST(mattermost_frames, ping)
{
    EXPECT_EQ(ping(2), R"({"seq":2,"action":"ping"})");
    EXPECT_EQ(ping(123456789012), R"({"seq":123456789012,"action":"ping"})");
}

TEST(mattermost_frames, resume_query)
{
    EXPECT_EQ(resume_query("", 0), "?connection_id=&sequence_number=0");
    EXPECT_EQ(resume_query("c0nnc0nnc0nnc0nnc0nnc0nn00", 12, 4001),
              "?connection_id=c0nnc0nnc0nnc0nnc0nnc0nn00&sequence_number=12&disconnect_err_code=4001");
    EXPECT_EQ(resume_query("a b&c=d", 3, 1006), "?connection_id=a%20b%26c%3Dd&sequence_number=3&disconnect_err_code=1006");
    EXPECT_EQ(websocket_target("", 0), "/api/v4/websocket?connection_id=&sequence_number=0");
}

} // namespace
} // namespace coolhead::mattermost

// Socket Mode frames (PROTOCOLS.md 1.2–1.7) from real-shaped payloads in tests/data/slack/,
// malformed and hostile frames, the acks, and apps.connections.open.
#include "bot/adapters/slack/socket_mode.hpp"

#include "slack_data.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

namespace coolhead::slack {
namespace {

using testing::data;

template <class T>
T const& as(frame const& f)
{
    static T const none{};
    auto const* v = std::get_if<T>(&f);
    EXPECT_NE(v, nullptr) << "frame is alternative " << f.index();
    return v ? *v : none;
}

envelope env_of(std::string const& file)
{
    return as<envelope>(parse_frame(data(file)));
}

template <class T>
T payload_of(envelope const& e)
{
    auto const* v = std::get_if<T>(&e.payload);
    EXPECT_NE(v, nullptr) << "payload is alternative " << e.payload.index();
    return v ? *v : T{};
}

template <class T>
T event_of(std::string const& file)
{
    auto p = payload_of<events_api_payload>(env_of(file));
    auto const* v = std::get_if<T>(&p.event);
    EXPECT_NE(v, nullptr) << file << ": event is alternative " << p.event.index();
    return v ? *v : T{};
}

TEST(slack_socket_mode_frames, hello)
{
    auto h = as<hello>(parse_frame(data("hello.json")));
    EXPECT_EQ(h.num_connections, 2);
    ASSERT_TRUE(h.approximate_connection_time);
    EXPECT_EQ(*h.approximate_connection_time, std::chrono::seconds{18060});
    EXPECT_EQ(h.app_id, "A0TESTAPP01");
    // Minimal: only the type.
    EXPECT_EQ(as<hello>(parse_frame(R"({"type":"hello"})")), hello{});
    // debug_info is informational: odd values are ignored, not fatal.
    auto odd = as<hello>(parse_frame(
        R"({"type":"hello","num_connections":1,"debug_info":{"approximate_connection_time":"soon"}})"));
    EXPECT_FALSE(odd.approximate_connection_time);
}

TEST(slack_socket_mode_frames, every_disconnect_reason)
{
    struct sample {
        char const* file;
        disconnect_reason reason;
        char const* raw;
        char const* host;
    };
    for (auto const& s : {
             sample{"disconnect_warning.json", disconnect_reason::warning, "warning", "wss-111.slack.com"},
             sample{"disconnect_refresh_requested.json", disconnect_reason::refresh_requested,
                    "refresh_requested", "applink-5d8c7f7d9-abcde"},
             sample{"disconnect_link_disabled.json", disconnect_reason::link_disabled, "link_disabled",
                    "wss-111.slack.com"},
             sample{"disconnect_too_many_websockets.json", disconnect_reason::too_many_websockets,
                    "too_many_websockets", "applink-111-xxx"},
         }) {
        auto d = as<disconnect>(parse_frame(data(s.file)));
        EXPECT_EQ(d.reason, s.reason) << s.file;
        EXPECT_EQ(d.raw_reason, s.raw) << s.file;
        EXPECT_EQ(d.host, s.host) << s.file;
    }
    auto d = as<disconnect>(parse_frame(R"({"type":"disconnect","reason":"maintenance"})"));
    EXPECT_EQ(d.reason, disconnect_reason::unknown);
    EXPECT_EQ(d.raw_reason, "maintenance");
}

TEST(slack_socket_mode_frames, slash_command)
{
    auto e = env_of("slash_command.json");
    EXPECT_EQ(e.envelope_id, "0f3c1d2e-4b5a-4c6d-8e7f-123456789abc");
    EXPECT_EQ(e.type, envelope_type::slash_commands);
    EXPECT_EQ(e.raw_type, "slash_commands");
    EXPECT_TRUE(e.accepts_response_payload);
    EXPECT_EQ(e.retry_attempt, 0);
    auto c = payload_of<slash_command>(e);
    EXPECT_EQ(c.command, "/incident");
    // As sent, still Slack-escaped, mention included: the grammar's slack dialect decodes it.
    EXPECT_EQ(c.text,
              "start Checkout fails &amp; EU &lt;b&gt;customers&lt;/b&gt; sev=2 reporter=<@U0DANA0001|dana>");
    EXPECT_EQ(c.team_id, "T0TESTTEAM");
    EXPECT_EQ(c.channel_id, "C0INCIDENT1");
    EXPECT_EQ(c.channel_name, "inc-checkout");
    EXPECT_EQ(c.user_id, "U0ALICE001");
    EXPECT_EQ(c.user_name, "alice");
    EXPECT_EQ(c.trigger_id, "1234567890123.1234567890.0123456789abcdef0123456789abcdef");
    EXPECT_EQ(c.response_url.reveal(),
              "https://hooks.slack.com/commands/T0TESTTEAM/1234567890123/SCRUBBEDsecretPATH0001");
}

TEST(slack_socket_mode_frames, response_url_is_a_secret)
{
    auto c = payload_of<slash_command>(env_of("slash_command.json"));
    EXPECT_EQ(fmt::format("{}", c.response_url), "[redacted]");
    EXPECT_EQ(fmt::format("url={:>12}", c.response_url), "url=  [redacted]");
    std::ostringstream os;
    os << c.response_url;
    EXPECT_EQ(os.str(), "[redacted]");
}

TEST(slack_socket_mode_frames, events_api_message)
{
    auto e = env_of("event_message.json");
    EXPECT_EQ(e.type, envelope_type::events_api);
    EXPECT_FALSE(e.accepts_response_payload);
    auto p = payload_of<events_api_payload>(e);
    EXPECT_EQ(p.type, "event_callback");
    EXPECT_EQ(p.event_id, "Ev0TESTMSG01");
    EXPECT_EQ(p.event_time, 1795402980);
    EXPECT_EQ(p.team_id, "T0TESTTEAM");
    EXPECT_EQ(p.api_app_id, "A0TESTAPP01");
    auto m = event_of<message_event>("event_message.json");
    EXPECT_EQ(m.channel, "C0INCIDENT1");
    EXPECT_EQ(m.channel_type, "channel");
    EXPECT_EQ(m.fields.user, "U0BOB00001");
    EXPECT_EQ(m.fields.text,
              "error rate on /pay is 30% &gt; SLO, see <https://grafana.example.com/d/pay|dashboard>");
    EXPECT_EQ(m.fields.ts, "1795402980.000200");
    EXPECT_EQ(m.fields.subtype, "");
    EXPECT_FALSE(m.fields.edited);
    EXPECT_FALSE(m.message);
    EXPECT_TRUE(is_person_message(m));
}

TEST(slack_socket_mode_frames, events_api_bot_message_is_not_a_person_message)
{
    auto m = event_of<message_event>("event_bot_message.json");
    EXPECT_EQ(m.fields.bot_id, "B0COOLHEAD");
    EXPECT_EQ(m.fields.user, "U0COOLHEAD");
    EXPECT_FALSE(is_person_message(m));
    message_event legacy;
    legacy.fields = {"", "hi", "1.0", "bot_message", "", "", false};
    EXPECT_FALSE(is_person_message(legacy));
}

TEST(slack_socket_mode_frames, events_api_message_changed_carries_both_versions)
{
    auto m = event_of<message_event>("event_message_changed.json");
    EXPECT_EQ(m.fields.subtype, "message_changed");
    EXPECT_TRUE(m.hidden);
    EXPECT_EQ(m.fields.user, "");
    ASSERT_TRUE(m.message);
    EXPECT_EQ(m.message->text, "error rate on /pay is 35%");
    EXPECT_EQ(m.message->ts, "1795402980.000200");
    EXPECT_EQ(m.message->user, "U0BOB00001");
    EXPECT_TRUE(m.message->edited);
    ASSERT_TRUE(m.previous_message);
    EXPECT_EQ(m.previous_message->text, "error rate on /pay is 30%");
    EXPECT_FALSE(m.previous_message->edited);
    EXPECT_FALSE(is_person_message(m));
}

TEST(slack_socket_mode_frames, events_api_message_deleted)
{
    auto m = event_of<message_event>("event_message_deleted.json");
    EXPECT_EQ(m.fields.subtype, "message_deleted");
    EXPECT_EQ(m.deleted_ts, "1795403060.000500");
    EXPECT_FALSE(m.message);
    ASSERT_TRUE(m.previous_message);
    EXPECT_EQ(m.previous_message->user, "U0BOB00001");
    EXPECT_FALSE(is_person_message(m));
}

TEST(slack_socket_mode_frames, a_person_s_edit_or_deletion_is_a_change_and_nothing_else_is)
{
    auto changed = event_of<message_event>("event_message_changed.json");
    EXPECT_EQ(person_message_change(changed, "U0COOLHEAD"),
              (message_change{false, "1795402980.000200", "U0BOB00001", "error rate on /pay is 35%"}));
    auto deleted = event_of<message_event>("event_message_deleted.json");
    auto gone = person_message_change(deleted, "U0COOLHEAD");
    ASSERT_TRUE(gone);
    EXPECT_TRUE(gone->deleted);
    EXPECT_EQ(gone->ts, "1795403060.000500");
    EXPECT_EQ(gone->author, "U0BOB00001");

    auto unfurl = changed;
    unfurl.message->text = unfurl.previous_message->text;
    EXPECT_FALSE(person_message_change(unfurl, "U0COOLHEAD")) << "only an unfurl or a reply count changed";
    EXPECT_FALSE(person_message_change(changed, "U0BOB00001")) << "the bot's own message";
    auto by_bot = changed;
    by_bot.message->bot_id = "B0OTHER";
    EXPECT_FALSE(person_message_change(by_bot, "U0COOLHEAD"));
    auto no_message = changed;
    no_message.message.reset();
    EXPECT_FALSE(person_message_change(no_message, "U0COOLHEAD"));
    auto no_previous = deleted;
    no_previous.previous_message.reset();
    EXPECT_FALSE(person_message_change(no_previous, "U0COOLHEAD")) << "no author to attribute it to";
    auto plain = changed;
    plain.fields.subtype.clear();
    EXPECT_FALSE(person_message_change(plain, "U0COOLHEAD"));
}

TEST(slack_socket_mode_frames, events_api_reactions)
{
    auto added = event_of<reaction_event>("event_reaction_added_pushpin.json");
    EXPECT_EQ(added, (reaction_event{true, "U0CAROL001", "pushpin", "message", "C0INCIDENT1",
                                     "1795402980.000200", "U0BOB00001", "1795403160.000700"}));
    auto removed = event_of<reaction_event>("event_reaction_removed.json");
    EXPECT_FALSE(removed.added);
    EXPECT_EQ(removed.reaction, "pushpin");
    EXPECT_EQ(removed.item_ts, "1795402980.000200");
    // A reaction on a file has no channel or ts.
    auto file = parse_frame(
        R"({"envelope_id":"e1","type":"events_api","payload":{"type":"event_callback","event_id":"Ev1",)"
        R"("event":{"type":"reaction_added","user":"U1","reaction":"eyes","item":{"type":"file","file":"F1"}}}})");
    auto r = std::get<reaction_event>(std::get<events_api_payload>(as<envelope>(file).payload).event);
    EXPECT_EQ(r.item_type, "file");
    EXPECT_EQ(r.item_channel, "");
}

TEST(slack_socket_mode_frames, events_api_member_joined_channel)
{
    auto j = event_of<member_joined_event>("event_member_joined_channel.json");
    EXPECT_EQ(j, (member_joined_event{"U0DANA0001", "C0INCIDENT1", "C", "U0ALICE001"}));
}

TEST(slack_socket_mode_frames, events_api_other_event_is_named)
{
    EXPECT_EQ(event_of<other_event>("event_app_mention.json").type, "app_mention");
    // A payload that is not an event_callback (app_rate_limited) has no event.
    auto f = parse_frame(R"({"envelope_id":"e2","type":"events_api","payload":{"type":"app_rate_limited",)"
                         R"("team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1"}})");
    auto p = std::get<events_api_payload>(as<envelope>(f).payload);
    EXPECT_EQ(p.type, "app_rate_limited");
    EXPECT_EQ(p.event_id, "");
    EXPECT_EQ(std::get<other_event>(p.event).type, "");
}

TEST(slack_socket_mode_frames, retried_event_keeps_its_event_id)
{
    auto e = env_of("event_retry.json");
    EXPECT_EQ(e.retry_attempt, 1);
    EXPECT_EQ(e.retry_reason, "timeout");
    EXPECT_EQ(payload_of<events_api_payload>(e).event_id,
              payload_of<events_api_payload>(env_of("event_reaction_added_pushpin.json")).event_id);
}

TEST(slack_socket_mode_frames, interactive_is_only_named)
{
    auto e = env_of("interactive_block_actions.json");
    EXPECT_EQ(e.type, envelope_type::interactive);
    EXPECT_TRUE(e.accepts_response_payload);
    EXPECT_EQ(payload_of<interactive_payload>(e).type, "block_actions");
}

TEST(slack_socket_mode_frames, unknown_envelope_type_is_kept_for_the_ack)
{
    auto e = env_of("envelope_unknown_type.json");
    EXPECT_EQ(e.type, envelope_type::other);
    EXPECT_EQ(e.raw_type, "workflow_step_execute");
    EXPECT_TRUE(std::holds_alternative<unknown_payload>(e.payload));
}

TEST(slack_socket_mode_frames, large_frames_up_to_the_limit_are_accepted)
{
    // PROTOCOLS.md checklist 28: inbound messages of 100 KB and more.
    std::string text(200'000, 'x');
    auto f = parse_frame(
        R"({"envelope_id":"e3","type":"slash_commands","payload":{"command":"/incident","channel_id":"C1",)"
        R"("user_id":"U1","text":")" +
        text + "\"}}");
    EXPECT_EQ(std::get<slash_command>(as<envelope>(f).payload).text, text);
}

struct bad_frame {
    char const* file;
    char const* what;        ///< a part of malformed::what
    char const* envelope_id; ///< kept for the ack, or ""
};

TEST(slack_socket_mode_malformed, bad_frames_are_malformed_with_a_reason)
{
    for (auto const& b : {
             bad_frame{"malformed_truncated.json", "not JSON", ""},
             bad_frame{"malformed_empty.json", "not JSON", ""},
             bad_frame{"malformed_invalid_utf8.json", "not JSON", ""},
             bad_frame{"malformed_not_object.json", "not a JSON object", ""},
             bad_frame{"malformed_envelope_id_number.json", "envelope.envelope_id: expected a string", ""},
             bad_frame{"malformed_slash_missing_user.json", "payload.user_id: missing",
                       "6a1b2c3d-0000-4000-8000-00000000b001"},
             bad_frame{"malformed_reaction_item_string.json", "payload.event.item: expected an object",
                       "6a1b2c3d-0000-4000-8000-00000000b002"},
             bad_frame{"malformed_retry_attempt_string.json", "envelope.retry_attempt: expected an integer",
                       "6a1b2c3d-0000-4000-8000-00000000b003"},
             bad_frame{"malformed_no_type.json", "frame.type: missing",
                       "6a1b2c3d-0000-4000-8000-00000000b004"},
             bad_frame{"malformed_hello_num_connections_string.json",
                       "hello.num_connections: expected an integer", ""},
             bad_frame{"malformed_unknown_frame.json", "unknown type", ""},
             bad_frame{"malformed_disconnect_no_reason.json", "disconnect.reason: missing", ""},
             bad_frame{"malformed_message_text_object.json", "payload.event.text: expected a string",
                       "6a1b2c3d-0000-4000-8000-00000000b006"},
         }) {
        auto f = parse_frame(data(b.file));
        auto const* m = std::get_if<malformed>(&f);
        ASSERT_NE(m, nullptr) << b.file;
        EXPECT_NE(m->what.find(b.what), std::string::npos) << b.file << ": " << m->what;
        EXPECT_EQ(m->envelope_id, b.envelope_id) << b.file;
    }
}

TEST(slack_socket_mode_malformed, the_reason_never_holds_the_frame)
{
    // Field values can be user text or credentials; the reason names fields only.
    auto f = parse_frame(
        R"({"envelope_id":"e4","type":"slash_commands","payload":{"command":"/incident",)"
        R"("channel_id":"C1","user_id":["SECRETVALUE"],"response_url":"https://hooks.slack.com/SECRETVALUE"}})");
    auto const& m = as<malformed>(f);
    EXPECT_EQ(m.what, "payload.user_id: expected a string");
    EXPECT_EQ(m.what.find("SECRETVALUE"), std::string::npos);
}

TEST(slack_socket_mode_malformed, oversized_frames_are_not_parsed)
{
    std::string big(max_frame_bytes + 1, ' ');
    EXPECT_EQ(as<malformed>(parse_frame(big)).what, "frame too large");
}

TEST(slack_socket_mode_malformed, wrong_types_everywhere_never_throw)
{
    // Each field of a valid envelope replaced by values of every JSON type.
    std::vector<std::string> const values{"null", "true",  "0",  "-1", "1.5",    "18446744073709551615",
                                          "\"\"", "\"x\"", "[]", "{}", "[1,{}]", "1e400"};
    for (auto const& file : testing::data_files()) {
        if (file.starts_with("api_")) continue;
        auto text = data(file);
        for (auto const& key :
             {"\"type\":", "\"envelope_id\":", "\"payload\":", "\"event\":", "\"user\":", "\"item\":",
              "\"text\":", "\"retry_attempt\":", "\"accepts_response_payload\":", "\"num_connections\":",
              "\"message\":", "\"edited\":", "\"reason\":", "\"ts\":", "\"connection_info\":"}) {
            auto at = text.find(key);
            if (at == std::string::npos) continue;
            auto value_at = at + std::strlen(key);
            for (auto const& v : values) {
                // Replace the old value by inserting the new one and a dummy key for the old.
                auto mutated = text.substr(0, value_at) + v + ",\"_old\":" + text.substr(value_at);
                EXPECT_NO_THROW({
                    auto f = parse_frame(mutated);
                    if (auto const* e = std::get_if<envelope>(&f)) (void)ack(e->envelope_id);
                }) << file
                   << " " << key << " " << v;
            }
        }
    }
}

TEST(slack_socket_mode_malformed, every_truncation_and_byte_flip_is_handled)
{
    testing::rng r(1795402800);
    for (auto const& file : testing::data_files()) {
        auto text = data(file);
        for (std::size_t n = 0; n <= text.size(); n += 7)
            EXPECT_NO_THROW((void)parse_frame(text.substr(0, n)));
        for (int i = 0; i < 200 && !text.empty(); ++i) {
            auto mutated = text;
            mutated[r.below(mutated.size())] = static_cast<char>(r.below(256));
            EXPECT_NO_THROW({
                auto f = parse_frame(mutated);
                if (auto const* e = std::get_if<envelope>(&f))
                    (void)ack_with_reply(e->envelope_id, "x", true);
            });
        }
    }
}

TEST(slack_socket_mode_malformed, deep_nesting_is_handled)
{
    std::string deep = R"({"envelope_id":"e5","type":"interactive","payload":{"type":"block_actions","x":)" +
                       std::string(100'000, '[') + std::string(100'000, ']') + "}}";
    EXPECT_EQ(std::get<interactive_payload>(as<envelope>(parse_frame(deep)).payload).type, "block_actions");
    EXPECT_EQ(as<malformed>(parse_frame(std::string(500'000, '{'))).what, "not JSON");
}

TEST(slack_socket_mode_acks, plain_ack)
{
    EXPECT_EQ(ack("0f3c1d2e-4b5a-4c6d-8e7f-123456789abc"),
              R"({"envelope_id":"0f3c1d2e-4b5a-4c6d-8e7f-123456789abc"})");
    EXPECT_EQ(ack("a\"b\\c"), R"({"envelope_id":"a\"b\\c"})");
}

TEST(slack_socket_mode_acks, ack_with_reply)
{
    EXPECT_EQ(ack_with_reply("env-1", "Incident started", false),
              R"({"envelope_id":"env-1","payload":{"response_type":"ephemeral","text":"Incident started"}})");
    EXPECT_EQ(ack_with_reply("env-1", "*INC-1* &lt;b&gt;\n• \"q\"", true),
              "{\"envelope_id\":\"env-1\",\"payload\":{\"response_type\":\"in_channel\",\"text\":\"*INC-1* "
              "&lt;b&gt;\\n\xE2\x80\xA2 \\\"q\\\"\"}}");
}

TEST(slack_socket_mode_acks, invalid_utf8_does_not_throw)
{
    EXPECT_EQ(ack("\xFF"), "{\"envelope_id\":\"\xEF\xBF\xBD\"}");
    EXPECT_NO_THROW((void)ack_with_reply("e", "bad \xC3", true));
}

TEST(slack_connections_open, ok_reply_has_a_secret_url)
{
    auto r = parse_connections_open(data("api_connections_open_ok.json"));
    EXPECT_TRUE(r.status.ok);
    EXPECT_EQ(r.url.reveal(),
              "wss://wss-primary.slack.com/link/?ticket=SCRUBBEDticket0001&app_id=A0TESTAPP01");
    EXPECT_EQ(fmt::format("{}", r.url), "[redacted]");
}

TEST(slack_connections_open, error_replies)
{
    auto bad = parse_connections_open(data("api_connections_open_invalid_auth.json"));
    EXPECT_FALSE(bad.status.ok);
    EXPECT_EQ(bad.status.error, "invalid_auth");
    EXPECT_TRUE(bad.url.empty());
    EXPECT_TRUE(is_unrecoverable(bad.status.error));

    auto no_url = parse_connections_open(R"({"ok":true})");
    EXPECT_FALSE(no_url.status.ok);
    EXPECT_EQ(no_url.status.error, invalid_response);
    auto html = parse_connections_open("<html><body>502 Bad Gateway</body></html>");
    EXPECT_FALSE(html.status.ok);
    EXPECT_EQ(html.status.error, invalid_response);
    EXPECT_EQ(classify_error(html.status.error), error_kind::retryable);
    auto wrong = parse_connections_open(R"({"ok":true,"url":42})");
    EXPECT_FALSE(wrong.status.ok);
}

} // namespace
} // namespace coolhead::slack

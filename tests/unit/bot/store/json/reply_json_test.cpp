// The reply codec: every markup block and span kind round-trips, the stored format is pinned,
// and bad replies are errors, never exceptions.
#include "bot/store/json/reply_json.hpp"

#include "samples.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace coolhead::store::testing {
namespace {

TEST(reply_json_codec, a_reply_with_every_block_and_span_kind_survives_a_round_trip)
{
    auto const o = every_block_reply();
    ASSERT_EQ(o.body.blocks.size(), std::variant_size_v<m::block>);
    auto text = reply_to_json(o);
    auto back = reply_from_json(text);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, o);
    EXPECT_EQ(reply_to_json(*back), text) << "encoding is canonical";
}

TEST(reply_json_codec, every_visibility_kind_and_style_survives_a_round_trip)
{
    for (auto to : {c::visibility::everyone, c::visibility::one_user})
        for (auto kind :
             {c::message_kind::reply, c::message_kind::phase_prompt, c::message_kind::humility,
              c::message_kind::reminder, c::message_kind::postmortem, c::message_kind::announcement})
            for (auto look : {m::style::plain, m::style::strong, m::style::emphasis, m::style::code})
                for (bool from_user : {false, true}) {
                    c::outbound o{
                        db_outage, to, bob, kind, {{m::paragraph{{m::text{"x", look, from_user}}}}}};
                    auto back = reply_from_json(reply_to_json(o));
                    ASSERT_TRUE(back) << back.error().message();
                    EXPECT_EQ(*back, o);
                }
}

TEST(reply_json_codec, an_empty_reply_survives_a_round_trip)
{
    c::outbound o;
    auto back = reply_from_json(reply_to_json(o));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, o);
    EXPECT_TRUE(back->body.empty());
}

// Golden reply: the stored format. A failure means stored replies would change.
TEST(reply_json_codec_golden, a_reply_encodes_to_the_pinned_json_and_back)
{
    c::outbound o{db_outage, c::visibility::one_user, alice, c::message_kind::reply, {}};
    o.body.blocks = {
        m::heading{2, {m::strong("INC-42"), m::t(" · "), m::u("Checkout <fails>")}},
        m::paragraph{{m::t("Hypothesis "), m::code("#1"), m::t(" by "), m::who(bob), m::t(" in "),
                      m::where(db_outage)}},
        m::bullet_list{{{{m::em("open")}, {{m::ping(carol)}}}}},
        m::table{{"Owner"}, {{{m::ucode("OPS-1")}}}},
    };
    auto const pinned =
        R"({"body":{"blocks":[)"
        R"({"content":[{"from_user":false,"look":"strong","type":"text","value":"INC-42"},)"
        R"({"from_user":false,"look":"plain","type":"text","value":" · "},)"
        R"({"from_user":true,"look":"plain","type":"text","value":"Checkout <fails>"}],"level":2,"type":"heading"},)"
        R"({"content":[{"from_user":false,"look":"plain","type":"text","value":"Hypothesis "},)"
        R"({"from_user":false,"look":"code","type":"text","value":"#1"},)"
        R"({"from_user":false,"look":"plain","type":"text","value":" by "},)"
        R"({"notify":false,"type":"person","who":{"id":"U2","name":"bob"}},)"
        R"({"from_user":false,"look":"plain","type":"text","value":" in "},)"
        R"({"type":"channel","where":{"id":"C-db","name":"db-outage"}}],"type":"paragraph"},)"
        R"({"items":[{"children":[[{"notify":true,"type":"person","who":{"id":"U3","name":"carol"}}]],)"
        R"("content":[{"from_user":false,"look":"emphasis","type":"text","value":"open"}]}],"type":"bullet_list"},)"
        R"({"header":["Owner"],"rows":[[[{"from_user":true,"look":"code","type":"text","value":"OPS-1"}]]],"type":"table"})"
        R"(]},"channel":{"id":"C-db","name":"db-outage"},"kind":"reply","to":"one_user","user":{"id":"U1","name":"alice"}})";
    EXPECT_EQ(reply_to_json(o), pinned);
    auto back = reply_from_json(pinned);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, o);
}

TEST(reply_json_codec, unknown_extra_fields_are_ignored_at_every_level)
{
    auto got = reply_from_json(
        R"({"v":2,"body":{"blocks":[{"type":"paragraph","align":"left","content":[)"
        R"({"type":"text","value":"hi","look":"plain","from_user":true,"lang":"en"},)"
        R"({"type":"person","who":{"id":"U2","avatar":"x"},"colour":"red"}]}],"title":"x"},)"
        R"("channel":{"id":"C-db","topic":"t"},"to":"everyone","user":{},"kind":"reply","thread":"123"})");
    ASSERT_TRUE(got) << got.error().message();
    c::outbound want{{"C-db", ""},
                     c::visibility::everyone,
                     {},
                     c::message_kind::reply,
                     {{m::paragraph{{m::u("hi"), m::person{{"U2", ""}, false}}}}}};
    EXPECT_EQ(*got, want);
}

TEST(reply_json_codec, missing_lists_and_strings_take_their_defaults)
{
    auto got = reply_from_json(
        R"({"body":{"blocks":[{"type":"paragraph"},{"type":"heading","level":1},{"type":"bullet_list",)"
        R"("items":[{}]},{"type":"table"},{"type":"paragraph","content":[{"type":"text","look":"strong",)"
        R"("from_user":false},{"type":"person","who":{}}]}]},)"
        R"("channel":{},"to":"everyone","user":{},"kind":"announcement"})");
    ASSERT_TRUE(got) << got.error().message();
    c::outbound want{{}, c::visibility::everyone, {}, c::message_kind::announcement, {}};
    want.body.blocks = {m::paragraph{}, m::heading{1, {}}, m::bullet_list{{m::list_item{}}}, m::table{},
                        m::paragraph{{m::strong(""), m::who({})}}};
    EXPECT_EQ(*got, want);
    auto no_blocks = reply_from_json(R"({"body":{},"channel":{},"to":"everyone","user":{},"kind":"reply"})");
    ASSERT_TRUE(no_blocks);
    EXPECT_TRUE(no_blocks->body.empty());
}

TEST(reply_json_codec, bad_replies_are_errors_and_never_throw)
{
    // A valid reply with `part` replaced.
    auto with = [](std::string const& blocks, std::string const& rest = R"("to":"everyone","kind":"reply")") {
        return R"({"body":{"blocks":[)" + blocks + R"(]},"channel":{},"user":{},)" + rest + "}";
    };
    std::string const good_span = R"({"type":"text","value":"x","look":"plain","from_user":true})";
    struct bad {
        std::string text;
        codec_errc want;
    };
    std::vector<bad> const cases{
        {"", codec_errc::not_json},
        {"{\"body\":", codec_errc::not_json},
        {"[]", codec_errc::wrong_type},
        {"\"reply\"", codec_errc::wrong_type},
        {with("", R"("to":"everyone")"), codec_errc::missing_field},
        {with("", R"("kind":"reply")"), codec_errc::missing_field},
        {with("", R"("to":"everyone","kind":"shout")"), codec_errc::bad_value},
        {with("", R"("to":"some","kind":"reply")"), codec_errc::bad_value},
        {with("", R"("to":1,"kind":"reply")"), codec_errc::wrong_type},
        {R"({"channel":{},"user":{},"to":"everyone","kind":"reply"})", codec_errc::missing_field},
        {R"({"body":[],"channel":{},"user":{},"to":"everyone","kind":"reply"})", codec_errc::wrong_type},
        {R"({"body":{"blocks":{}},"channel":{},"user":{},"to":"everyone","kind":"reply"})",
         codec_errc::wrong_type},
        {with(R"({"content":[]})"), codec_errc::missing_field},
        {with(R"({"type":"image","url":"x"})"), codec_errc::unknown_type},
        {with(R"({"type":"Paragraph"})"), codec_errc::unknown_type},
        {with(R"({"type":7})"), codec_errc::wrong_type},
        {with(R"("paragraph")"), codec_errc::wrong_type},
        {with(R"({"type":"heading","content":[]})"), codec_errc::missing_field},
        {with(R"({"type":"heading","level":"1"})"), codec_errc::wrong_type},
        {with(R"({"type":"heading","level":4294967297})"), codec_errc::bad_value},
        {with(R"({"type":"paragraph","content":[{"type":"text","value":"x","look":"plain"}]})"),
         codec_errc::missing_field},
        {with(
             R"({"type":"paragraph","content":[{"type":"text","value":"x","look":"bold","from_user":true}]})"),
         codec_errc::bad_value},
        {with(R"({"type":"paragraph","content":[{"type":"link","href":"x"}]})"), codec_errc::unknown_type},
        {with(R"({"type":"paragraph","content":[{"type":"person"}]})"), codec_errc::missing_field},
        {with(R"({"type":"paragraph","content":[{"type":"person","who":{},"notify":"yes"}]})"),
         codec_errc::wrong_type},
        {with(R"({"type":"paragraph","content":[{"type":"channel","where":"C1"}]})"), codec_errc::wrong_type},
        {with(R"({"type":"paragraph","content":)" + good_span + "}"), codec_errc::wrong_type},
        {with(R"({"type":"bullet_list","items":[{"children":[)" + good_span + "]}]}"),
         codec_errc::wrong_type},
        {with(R"({"type":"table","header":[1]})"), codec_errc::wrong_type},
        {with(R"({"type":"table","rows":[[)" + good_span + "]]}"), codec_errc::wrong_type},
    };
    for (auto const& b : cases) {
        SCOPED_TRACE(b.text);
        boost::system::result<c::outbound> got = c::outbound{};
        ASSERT_NO_THROW(got = reply_from_json(b.text));
        ASSERT_FALSE(got);
        EXPECT_EQ(got.error(), b.want) << got.error().message();
    }
}

} // namespace
} // namespace coolhead::store::testing

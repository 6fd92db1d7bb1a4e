// The event codec: every event type round-trips, the stored format is pinned by golden JSON,
// bad records are errors (never exceptions), unknown fields are ignored, and a replayed log
// rebuilds the same incident.
#include "bot/store/json/event_json.hpp"

#include "samples.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

namespace coolhead::store::testing {
namespace {

using nlohmann::json;

record rec(std::string type, std::string body)
{
    return record{0, c::to_millis(t0), std::move(type), std::move(body)};
}

// Round trips ----------------------------------------------------------------------------------

TEST(event_json, every_event_type_survives_a_round_trip)
{
    std::size_t seen = 0;
    for_each_alternative<c::event_data>([&](auto i) {
        constexpr std::size_t index = decltype(i)::value;
        using alt = std::variant_alternative_t<index, c::event_data>;
        auto const e = sample_event<index>();
        SCOPED_TRACE(std::string(event_type(e.what)));
        EXPECT_NE(std::get<alt>(e.what), alt{}) << "the sample must not be the default value";

        auto r = to_record(e);
        EXPECT_EQ(r.seq, 0u);
        EXPECT_EQ(r.at_ms, c::to_millis(e.at));
        EXPECT_EQ(r.type, event_types()[index]);
        auto back = from_record(r);
        ASSERT_TRUE(back) << back.error().message();
        EXPECT_EQ(*back, e);
        EXPECT_EQ(to_record(*back), r) << "encoding is canonical";
        ++seen;
    });
    EXPECT_EQ(seen, std::variant_size_v<c::event_data>);
}

TEST(event_json, record_types_are_the_struct_names_and_unique)
{
    ASSERT_EQ(event_types().size(), std::variant_size_v<c::event_data>);
    std::set<std::string_view> names(event_types().begin(), event_types().end());
    EXPECT_EQ(names.size(), event_types().size());
    EXPECT_EQ(event_types().front(), "incident_started");
    EXPECT_EQ(event_type(c::hypothesis_confirmed{1}), "hypothesis_confirmed");
    EXPECT_EQ(event_type(c::nudge_sent{}), "nudge_sent");
}

// Every key the encoder writes matters: without it the record is refused (a required field) or
// decodes to something else (an optional field falls back to its default, and no sample field
// holds its default).
TEST(event_json, every_written_key_is_read_back)
{
    for_each_alternative<c::event_data>([&](auto i) {
        auto const e = sample_event<decltype(i)::value>();
        auto const r = to_record(e);
        auto const body = json::parse(r.body);
        for (auto const& [key, value] : body.items()) {
            SCOPED_TRACE(r.type + "." + key);
            auto without = body;
            without.erase(key);
            auto back = from_record(rec(r.type, without.dump()));
            if (back)
                EXPECT_NE(*back, e);
            else
                EXPECT_EQ(back.error(), codec_errc::missing_field);
        }
    });
}

TEST(event_json, optional_values_distinguish_absent_from_empty)
{
    c::event absent{t0, alice, c::followup_updated{4, std::nullopt, std::nullopt}};
    c::event empty_ticket{t0, alice, c::followup_updated{4, std::nullopt, std::string()}};
    c::event unowned{t0, alice, c::followup_updated{4, c::user_ref{}, std::nullopt}};
    c::event off{t0, alice, c::reminder_interval_set{std::nullopt}};
    c::event zero{t0, alice, c::reminder_interval_set{c::duration{0}}};
    for (auto const& e : {absent, empty_ticket, unowned, off, zero}) {
        auto back = from_record(to_record(e));
        ASSERT_TRUE(back) << back.error().message();
        EXPECT_EQ(*back, e);
    }
    EXPECT_NE(to_record(absent).body, to_record(empty_ticket).body);
    EXPECT_NE(to_record(absent).body, to_record(unowned).body);
    EXPECT_NE(to_record(off).body, to_record(zero).body);
}

TEST(event_json, invalid_utf8_is_replaced_rather_than_thrown)
{
    c::event e{t0, alice, c::note_added{"caf\xC3"}};
    record r;
    ASSERT_NO_THROW(r = to_record(e));
    auto back = from_record(r);
    ASSERT_TRUE(back);
    EXPECT_EQ(std::get<c::note_added>(back->what).text, "caf\xEF\xBF\xBD");
}

// Golden records: the stored format. A failure here means stored logs would change: add a new
// field or type instead (event_json.hpp, "Compatibility rules").

struct golden {
    c::event event;
    char const* type;
    char const* body;
};

std::vector<golden> goldens()
{
    return {
        {{t0, alice, c::incident_started{42, db_outage, "Checkout fails for EU", 2, dana}},
         "incident_started",
         R"({"by":{"id":"U1","name":"alice"},"channel":{"id":"C-db","name":"db-outage"},"number":42,)"
         R"("reporter":{"id":"U4","name":"dana"},"severity":2,"title":"Checkout fails for EU"})"},
        {{t0, alice, c::role_assigned{c::role::sme, bob}},
         "role_assigned",
         R"({"by":{"id":"U1","name":"alice"},"user":{"id":"U2","name":"bob"},"what":"sme"})"},
        {{t0, bob, c::hypothesis_proposed{1, "pool \"exhausted\" — after 02:55"}},
         "hypothesis_proposed",
         R"({"by":{"id":"U2","name":"bob"},"id":1,"text":"pool \"exhausted\" — after 02:55"})"},
        {{t0, carol, c::hypothesis_confirmed{1}},
         "hypothesis_confirmed",
         R"({"by":{"id":"U3","name":"carol"},"id":1})"},
        {{t0, alice, c::option_chosen{1, true}},
         "option_chosen",
         R"({"before_rootcause":true,"by":{"id":"U1","name":"alice"},"id":1})"},
        {{t0, alice, c::phase_entered{c::phase::postmortem}},
         "phase_entered",
         R"({"by":{"id":"U1","name":"alice"},"to":"postmortem"})"},
        {{t0, bob, c::tollgate_recorded{2, "UAT", false, "config skips UAT"}},
         "tollgate_recorded",
         R"({"applicable":false,"by":{"id":"U2","name":"bob"},"how":"config skips UAT","id":2,"name":"UAT"})"},
        {{t0, bob, c::followup_added{4, "test the pool size", 0, c::user_ref{"", "bob"}, ""}},
         "followup_added",
         R"({"by":{"id":"U2","name":"bob"},"id":4,"owner":{"id":"","name":"bob"},"text":"test the pool size",)"
         R"("ticket":"","tollgate":0})"},
        {{t0, bob, c::followup_updated{4, carol, std::nullopt}},
         "followup_updated",
         R"({"by":{"id":"U2","name":"bob"},"id":4,"owner":{"id":"U3","name":"carol"}})"},
        {{t0, bob, c::followup_updated{4, std::nullopt, std::string()}},
         "followup_updated",
         R"({"by":{"id":"U2","name":"bob"},"id":4,"ticket":""})"},
        {{t0, alice, c::reminder_interval_set{c::duration{15min}}},
         "reminder_interval_set",
         R"({"by":{"id":"U1","name":"alice"},"interval":900000})"},
        {{t0, alice, c::reminder_interval_set{std::nullopt}},
         "reminder_interval_set",
         R"({"by":{"id":"U1","name":"alice"}})"},
        {{t0, alice, c::incident_closed{c::closure::resolved, "false alarm"}},
         "incident_closed",
         R"({"by":{"id":"U1","name":"alice"},"how":"resolved","reason":"false alarm"})"},
        {{t0, alice, c::recurrence_linked{7, "Checkout slow", {2, 5}, {"checkout"}}},
         "recurrence_linked",
         R"({"by":{"id":"U1","name":"alice"},"earlier":7,"earlier_title":"Checkout slow","open_followups":[2,5],)"
         R"("shared_words":["checkout"]})"},
        {{t0, carol, c::message_pinned{"1795402860.000100", bob, "graph", c::from_millis(1'795'402'860'123)}},
         "message_pinned",
         R"({"author":{"id":"U2","name":"bob"},"by":{"id":"U3","name":"carol"},"message_id":"1795402860.000100",)"
         R"("posted_at":1795402860123,"text":"graph"})"},
        {{t0, c::user_ref{"coolhead", "coolhead"},
          c::reminder_sent{c::reminder_kind::unconfirmed_hypothesis, "1"}},
         "reminder_sent",
         R"({"by":{"id":"coolhead","name":"coolhead"},"key":"1","kind":"unconfirmed_hypothesis"})"},
        {{t0, c::user_ref{"coolhead", "coolhead"}, c::nudge_sent{c::nudge_kind::blame, bob}},
         "nudge_sent",
         R"({"by":{"id":"coolhead","name":"coolhead"},"kind":"blame","to":{"id":"U2","name":"bob"}})"},
    };
}

TEST(event_json_golden, events_encode_to_the_pinned_json)
{
    for (auto const& g : goldens()) {
        SCOPED_TRACE(g.type);
        auto r = to_record(g.event);
        EXPECT_EQ(r.type, g.type);
        EXPECT_EQ(r.at_ms, 1'795'402'800'000);
        EXPECT_EQ(r.body, g.body);
    }
}

TEST(event_json_golden, pinned_json_decodes_to_the_events)
{
    for (auto const& g : goldens()) {
        SCOPED_TRACE(g.type);
        auto back = from_record(rec(g.type, g.body));
        ASSERT_TRUE(back) << back.error().message();
        EXPECT_EQ(*back, g.event);
    }
}

// Bad input ------------------------------------------------------------------------------------

struct bad {
    char const* type;
    char const* body;
    codec_errc want;
};

TEST(event_json, bad_records_are_errors_and_never_throw)
{
    std::vector<bad> const cases{
        // Not JSON, or not an object.
        {"note_added", "", codec_errc::not_json},
        {"note_added", "{", codec_errc::not_json},
        {"note_added", R"({"by":{},"text":"a"} trailing)", codec_errc::not_json},
        {"note_added", "{\"by\":{},\"text\":\"caf\xC3\"}", codec_errc::not_json}, // invalid UTF-8
        {"note_added", R"({"by":{},"text":"\ud800"})", codec_errc::not_json},     // lone surrogate
        {"note_added", "[]", codec_errc::wrong_type},
        {"note_added", "42", codec_errc::wrong_type},
        {"note_added", "null", codec_errc::wrong_type},
        // Unknown types: exact names only.
        {"incident_exploded", R"({"by":{}})", codec_errc::unknown_type},
        {"", R"({"by":{}})", codec_errc::unknown_type},
        {"Note_Added", R"({"by":{}})", codec_errc::unknown_type},
        {"incident_exploded", "not json", codec_errc::unknown_type}, // the type is checked first
        // The author.
        {"note_added", R"({"text":"a"})", codec_errc::missing_field},
        {"note_added", R"({"by":"alice","text":"a"})", codec_errc::wrong_type},
        {"note_added", R"({"by":null,"text":"a"})", codec_errc::wrong_type},
        {"note_added", R"({"by":{"id":7},"text":"a"})", codec_errc::wrong_type},
        // Ids and numbers.
        {"hypothesis_confirmed", R"({"by":{}})", codec_errc::missing_field},
        {"hypothesis_confirmed", R"({"by":{},"id":null})", codec_errc::wrong_type},
        {"hypothesis_confirmed", R"({"by":{},"id":"1"})", codec_errc::wrong_type},
        {"hypothesis_confirmed", R"({"by":{},"id":1.5})", codec_errc::wrong_type},
        {"hypothesis_confirmed", R"({"by":{},"id":1.0})", codec_errc::wrong_type},
        {"hypothesis_confirmed", R"({"by":{},"id":-1})", codec_errc::bad_value},
        {"hypothesis_confirmed", R"({"by":{},"id":18446744073709551616})", codec_errc::wrong_type},
        {"severity_changed", R"({"by":{},"severity":2147483648})", codec_errc::bad_value},
        {"severity_changed", R"({"by":{},"severity":true})", codec_errc::wrong_type},
        {"message_pinned", R"({"by":{},"author":{},"posted_at":9223372036854775808})", codec_errc::bad_value},
        {"message_pinned", R"({"by":{},"author":{}})", codec_errc::missing_field},
        {"reminder_interval_set", R"({"by":{},"interval":"15m"})", codec_errc::wrong_type},
        {"recurrence_linked", R"({"by":{},"earlier":1,"open_followups":[-1]})", codec_errc::bad_value},
        {"recurrence_linked", R"({"by":{},"earlier":1,"open_followups":3})", codec_errc::wrong_type},
        // Enum names: exactly the stored ones.
        {"role_assigned", R"({"by":{},"what":"overlord","user":{}})", codec_errc::bad_value},
        {"role_assigned", R"({"by":{},"what":"LEAD","user":{}})", codec_errc::bad_value},
        {"role_assigned", R"({"by":{},"what":0,"user":{}})", codec_errc::wrong_type},
        {"role_assigned", R"({"by":{},"user":{}})", codec_errc::missing_field},
        {"phase_entered", R"({"by":{},"to":"Closed"})", codec_errc::bad_value},
        {"incident_closed", R"({"by":{},"how":"abandoned"})", codec_errc::bad_value},
        {"reminder_sent", R"({"by":{},"kind":"status update"})", codec_errc::bad_value},
        {"nudge_sent", R"({"by":{},"kind":"shame","to":{}})", codec_errc::bad_value},
        // Booleans whose default is true, people, lists, strings.
        {"tollgate_recorded", R"({"by":{},"id":1,"name":"UAT"})", codec_errc::missing_field},
        {"option_tradeoff_added", R"({"by":{},"id":1,"text":"a"})", codec_errc::missing_field},
        {"option_tradeoff_added", R"({"by":{},"id":1,"pro":"yes"})", codec_errc::wrong_type},
        {"option_chosen", R"({"by":{},"id":1,"before_rootcause":1})", codec_errc::wrong_type},
        {"role_assigned", R"({"by":{},"what":"lead"})", codec_errc::missing_field},
        {"followup_updated", R"({"by":{},"id":4,"owner":"bob"})", codec_errc::wrong_type},
        {"followup_updated", R"({"by":{},"id":4,"ticket":5})", codec_errc::wrong_type},
        {"breakout_opened", R"({"by":{},"id":1,"members":{"id":"U2"}})", codec_errc::wrong_type},
        {"breakout_opened", R"({"by":{},"id":1,"members":["bob"]})", codec_errc::wrong_type},
        {"note_added", R"({"by":{},"text":5})", codec_errc::wrong_type},
        {"incident_started", R"({"by":{},"number":1,"severity":2,"reporter":{},"channel":"C1"})",
         codec_errc::wrong_type},
    };
    for (auto const& b : cases) {
        SCOPED_TRACE(std::string(b.type) + " " + b.body);
        boost::system::result<c::event> got = c::event{};
        ASSERT_NO_THROW(got = from_record(rec(b.type, b.body)));
        ASSERT_FALSE(got);
        EXPECT_EQ(got.error(), b.want) << got.error().message();
        EXPECT_EQ(got.error().category().name(), std::string("coolhead.store.codec"));
    }
}

TEST(event_json, error_messages_do_not_quote_the_body)
{
    auto got = from_record(rec("role_assigned", R"({"by":{},"what":"secret-token-xyz","user":{}})"));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message().find("secret"), std::string::npos);
}

// Lenience where it is safe --------------------------------------------------------------------

TEST(event_json, unknown_extra_fields_are_ignored)
{
    auto got =
        from_record(rec("hypothesis_proposed",
                        R"({"by":{"id":"U2","name":"bob","avatar":"x.png"},"id":1,"text":"pool",)"
                        R"("confidence":0.9,"links":[{"url":"https://x"}],"nested":{"a":[1,{"b":null}]}})"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, (c::event{t0, bob, c::hypothesis_proposed{1, "pool"}}));
}

TEST(event_json, missing_strings_lists_and_false_flags_take_their_defaults)
{
    auto note = from_record(rec("note_added", R"({"by":{}})"));
    ASSERT_TRUE(note);
    EXPECT_EQ(*note, (c::event{t0, {}, c::note_added{}}));

    auto nulls = from_record(rec("note_added", R"({"by":{"id":null,"name":"bob"},"text":null})"));
    ASSERT_TRUE(nulls);
    EXPECT_EQ(*nulls, (c::event{t0, c::user_ref{"", "bob"}, c::note_added{}}));

    auto breakout = from_record(rec("breakout_opened", R"({"by":{"id":"U2"},"id":3})"));
    ASSERT_TRUE(breakout);
    EXPECT_EQ(*breakout, (c::event{t0, c::user_ref{"U2", ""}, c::breakout_opened{3, "", {}}}));

    auto chosen = from_record(rec("option_chosen", R"({"by":{},"id":2})"));
    ASSERT_TRUE(chosen);
    EXPECT_EQ(std::get<c::option_chosen>(chosen->what), (c::option_chosen{2, false}));

    auto updated = from_record(rec("followup_updated", R"({"by":{},"id":4,"owner":null})"));
    ASSERT_TRUE(updated);
    EXPECT_EQ(std::get<c::followup_updated>(updated->what),
              (c::followup_updated{4, std::nullopt, std::nullopt}));
}

TEST(event_json, at_ms_comes_from_the_record_whatever_its_value)
{
    for (std::int64_t ms : {std::int64_t{0}, std::int64_t{-1}, std::numeric_limits<std::int64_t>::max()}) {
        auto got = from_record(record{7, ms, "hypothesis_confirmed", R"({"by":{},"id":1})"});
        ASSERT_TRUE(got);
        EXPECT_EQ(c::to_millis(got->at), ms);
        EXPECT_EQ(to_record(*got).at_ms, ms);
    }
}

} // namespace
} // namespace coolhead::store::testing

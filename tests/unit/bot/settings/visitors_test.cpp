// The machinery the adapters will extend: a section written the way Slack's or Mattermost's
// will be (integers with a range, a nested section, a secret, a cross-field check) is read,
// checked and described with no change to the loader. Also the JSON front end: positions and
// repeated keys.
#include "bot/settings/detail/json_file.hpp"
#include "bot/settings/detail/visitors.hpp"

#include "settings_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>

namespace coolhead::settings {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct retry_settings {
    commands::duration initial = 1s;
    commands::duration max = 60s;

    template <class V>
    void visit(V& v)
    {
        v("initial", initial);
        v("max", max);
        v.check("initial", rules::not_longer_than{initial, max, "max"});
    }
};

// A section in the shape an adapter would add.
struct example_adapter_settings {
    bool enabled = false;
    int connections = 2;
    std::uint16_t port = 8080;
    std::optional<std::string> team;
    retry_settings retry;
    log::secret token;

    template <class V>
    void visit(V& v)
    {
        v("enabled", enabled);
        v("connections", connections, rules::between<int>{1, 10});
        v("port", port);
        v("team", team);
        v.section("retry", retry);
        v.secret("token", token, "EXAMPLE_TOKEN", enabled);
    }
};

struct example_root {
    example_adapter_settings example;
    template <class V>
    void visit(V& v)
    {
        v.section("example", example);
    }
};

struct outcome {
    example_root value;
    std::vector<std::string> errors;
};

outcome read(std::string_view text, environment env = test_support::no_env())
{
    outcome out;
    auto parsed = detail::parse_json(text);
    EXPECT_TRUE(parsed.value) << text;
    if (!parsed.value) return out;
    secret_source secrets(std::move(env));
    detail::load_context ctx{"x.json", "/base", secrets, out.errors};
    detail::reader r(*parsed.value, "", ctx);
    out.value.visit(r);
    r.finish();
    return out;
}

TEST(settings_visitors, a_new_section_is_read_from_its_visit_alone)
{
    auto r = read(R"({"example": {"enabled": true, "connections": 4, "port": 9000, "team": "T1",
                                  "retry": {"initial": "2s", "max": "2m"}}})",
                  fixed_environment({{"EXAMPLE_TOKEN", "tok-1"}}));
    ASSERT_THAT(r.errors, IsEmpty());
    auto const& e = r.value.example;
    EXPECT_TRUE(e.enabled);
    EXPECT_EQ(e.connections, 4);
    EXPECT_EQ(e.port, 9000);
    EXPECT_EQ(e.team, "T1");
    EXPECT_EQ(e.retry.initial, 2s);
    EXPECT_EQ(e.retry.max, 2min);
    EXPECT_EQ(e.token.reveal(), "tok-1");
}

TEST(settings_visitors, integers_are_checked_for_type_and_range)
{
    EXPECT_THAT(read(R"({"example": {"connections": 12}})").errors,
                ElementsAre("x.json: example.connections: expected an integer from 1 to 10, got 12"));
    EXPECT_THAT(read(R"({"example": {"connections": "3"}})").errors,
                ElementsAre("x.json: example.connections: expected an integer, got a string"));
    EXPECT_THAT(read(R"({"example": {"connections": 2.5}})").errors,
                ElementsAre("x.json: example.connections: expected an integer, got a number"));
    EXPECT_THAT(read(R"({"example": {"port": 70000}})").errors,
                ElementsAre("x.json: example.port: expected an integer from 0 to 65535, got 70000"));
    EXPECT_THAT(read(R"({"example": {"port": -1}})").errors,
                ElementsAre("x.json: example.port: expected an integer from 0 to 65535, got -1"));
    EXPECT_THAT(read(R"({"example": {"connections": 99999999999999999999}})").errors,
                ElementsAre("x.json: example.connections: expected an integer, got a number"))
        << "too large for 64 bits: nlohmann makes it a float";
}

TEST(settings_visitors, nested_sections_check_their_own_keys_and_rules)
{
    EXPECT_THAT(read(R"({"example": {"retry": {"initial": "5m", "maxx": "1m"}}})").errors,
                ElementsAre("x.json: example.retry.initial: 5m is longer than max (1m)",
                            R"(x.json: example.retry.maxx: unknown key (did you mean "max"?))"));
    EXPECT_THAT(read(R"({"example": {"retry": []}})").errors,
                ElementsAre("x.json: example.retry: expected an object, got an array"));
}

TEST(settings_visitors, a_secret_is_required_only_when_the_section_is_enabled)
{
    EXPECT_THAT(read(R"({"example": {"enabled": true}})").errors,
                ElementsAre("example is enabled but neither EXAMPLE_TOKEN nor EXAMPLE_TOKEN_FILE is set"));
    EXPECT_THAT(read(R"({"example": {}})").errors, IsEmpty());
    EXPECT_THAT(read("{}").errors, IsEmpty()) << "an absent section is its defaults";
}

TEST(settings_visitors, the_describer_writes_what_the_reader_reads)
{
    auto r = read(R"({"example": {"enabled": true, "connections": 3, "retry": {"max": "90s"}}})",
                  fixed_environment({{"EXAMPLE_TOKEN", "tok-2"}}));
    ASSERT_THAT(r.errors, IsEmpty());
    detail::json out;
    detail::describer d(out);
    r.value.visit(d);
    EXPECT_EQ(out.dump(), R"({"example":{"enabled":true,"connections":3,"port":8080,"team":null,)"
                          R"("retry":{"initial":"1s","max":"1m30s"},"token":"[redacted]"}})");
}

TEST(settings_json_file, a_syntax_error_gives_line_and_column)
{
    auto p = detail::parse_json("{\n  \"a\": [1, 2,,]\n}");
    EXPECT_FALSE(p.value);
    EXPECT_THAT(p.errors, ElementsAre("not valid JSON at line 2, column 14"));
    EXPECT_THAT(detail::parse_json("{} x").errors, ElementsAre("not valid JSON at line 1, column 4"));
    EXPECT_THAT(detail::parse_json("{\"a\": tru}").errors,
                ElementsAre("not valid JSON at line 1, column 10"));
}

TEST(settings_json_file, the_message_never_quotes_the_input)
{
    auto p = detail::parse_json(R"({"token": "xoxb-secret" oops})");
    ASSERT_THAT(p.errors, ElementsAre(::testing::StartsWith("not valid JSON at line 1")));
    EXPECT_THAT(p.errors[0], ::testing::Not(::testing::HasSubstr("xoxb")));
    EXPECT_THAT(p.errors[0], ::testing::Not(::testing::HasSubstr("oops")));
}

TEST(settings_json_file, repeated_keys_are_found_at_any_depth)
{
    auto p = detail::parse_json(R"({"a": [{"b": 1}, {"c": {"d": 1, "d": 2}}], "e": 1, "e": 2})");
    ASSERT_TRUE(p.value) << "the document is still usable";
    EXPECT_THAT(p.errors, ElementsAre("a[1].c.d: appears more than once; keep only one",
                                      "e: appears more than once; keep only one"));
    EXPECT_THAT(detail::parse_json(R"([{"x": 1}, {"x": 1}])").errors, IsEmpty()) << "different objects";
}

TEST(settings_json_file, join_path_quotes_odd_keys)
{
    EXPECT_EQ(detail::join_path("", "log"), "log");
    EXPECT_EQ(detail::join_path("policy", "status_interval"), "policy.status_interval");
    EXPECT_EQ(detail::join_path("texts", "phase.discovery"), "texts.phase.discovery");
    EXPECT_EQ(detail::join_path("", ""), R"("")");
    EXPECT_EQ(detail::join_path("log", "a\nb"), R"(log."a\nb")");
}

TEST(settings_json_file, quote_value_cuts_long_text)
{
    EXPECT_EQ(quote_value("soon"), R"("soon")");
    EXPECT_EQ(quote_value(std::string(100, 'a')), "\"" + std::string(60, 'a') + "...\"");
    EXPECT_EQ(quote_value("\xff"), "\"\xEF\xBF\xBD\"") << "invalid UTF-8 becomes U+FFFD";
}

} // namespace
} // namespace coolhead::settings

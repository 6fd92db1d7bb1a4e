// Secrets from NAME or NAME_FILE: each way of setting one, each way of getting it wrong, and
// no message ever carrying the value.
#include "bot/settings/secret_source.hpp"

#include "settings_test_support.hpp"

#include <fmt/format.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace coolhead::settings {
namespace {

using namespace test_support;
using ::testing::HasSubstr;
using ::testing::Not;

secret_source from(std::map<std::string, std::string, std::less<>> vars)
{
    return secret_source(fixed_environment(std::move(vars)));
}

TEST(settings_secret_source, reads_the_variable_itself)
{
    auto found = from({{"SLACK_BOT_TOKEN", "xoxb-fake-1"}}).find("SLACK_BOT_TOKEN");
    ASSERT_TRUE(found.value);
    EXPECT_FALSE(found.error);
    EXPECT_EQ(found.value->reveal(), "xoxb-fake-1");
    EXPECT_EQ(found.origin, "SLACK_BOT_TOKEN");
}

TEST(settings_secret_source, reads_the_file_named_by_the_file_variable_without_its_trailing_newline)
{
    temp_dir dir;
    auto lf = dir.write("lf", "xoxb-fake-2\n");
    auto crlf = dir.write("crlf", "xoxb-fake-3\r\n");
    auto two = dir.write("two", "xoxb-fake-4\n\n");
    auto none = dir.write("none", "xoxb-fake-5");

    auto read = [](std::filesystem::path const& p) {
        auto found = from({{"SLACK_BOT_TOKEN_FILE", p.string()}}).find("SLACK_BOT_TOKEN");
        EXPECT_FALSE(found.error) << *found.error;
        EXPECT_EQ(found.origin, "SLACK_BOT_TOKEN_FILE");
        return found.value ? found.value->reveal() : std::string("(none)");
    };
    EXPECT_EQ(read(lf), "xoxb-fake-2");
    EXPECT_EQ(read(crlf), "xoxb-fake-3");
    EXPECT_EQ(read(two), "xoxb-fake-4\n") << "only one newline is trimmed";
    EXPECT_EQ(read(none), "xoxb-fake-5");
}

TEST(settings_secret_source, neither_variable_set_is_neither_a_value_nor_an_error)
{
    auto found = from({{"OTHER", "x"}}).find("SLACK_BOT_TOKEN");
    EXPECT_FALSE(found.value);
    EXPECT_FALSE(found.error);
    EXPECT_EQ(found.origin, "");

    auto empty_env = secret_source(environment{}).find("SLACK_BOT_TOKEN");
    EXPECT_FALSE(empty_env.value);
    EXPECT_FALSE(empty_env.error);
}

TEST(settings_secret_source, both_set_is_an_error)
{
    temp_dir dir;
    auto file = dir.write("token", "xoxb-in-file\n");
    auto found = from({{"SLACK_BOT_TOKEN", "xoxb-in-env"}, {"SLACK_BOT_TOKEN_FILE", file.string()}})
                     .find("SLACK_BOT_TOKEN");
    EXPECT_FALSE(found.value);
    ASSERT_TRUE(found.error);
    EXPECT_EQ(*found.error, "SLACK_BOT_TOKEN and SLACK_BOT_TOKEN_FILE are both set; set only one of them");
}

TEST(settings_secret_source, an_unreadable_file_is_named)
{
    temp_dir dir;
    auto missing = (dir.path() / "missing").string();
    auto found = from({{"SLACK_APP_TOKEN_FILE", missing}}).find("SLACK_APP_TOKEN");
    EXPECT_FALSE(found.value);
    ASSERT_TRUE(found.error);
    EXPECT_EQ(*found.error, "SLACK_APP_TOKEN_FILE: cannot read " + missing + ": no such file");

    auto directory = from({{"SLACK_APP_TOKEN_FILE", dir.path().string()}}).find("SLACK_APP_TOKEN");
    ASSERT_TRUE(directory.error);
    EXPECT_EQ(*directory.error,
              "SLACK_APP_TOKEN_FILE: cannot read " + dir.path().string() + ": it is a directory");

    auto device = from({{"SLACK_APP_TOKEN_FILE", "/dev/zero"}}).find("SLACK_APP_TOKEN");
    ASSERT_TRUE(device.error);
    EXPECT_EQ(*device.error, "SLACK_APP_TOKEN_FILE: cannot read /dev/zero: it is not a regular file");

    auto big = dir.write("big", std::string(secret_source::max_file_bytes + 1, 'x'));
    auto large = from({{"SLACK_APP_TOKEN_FILE", big.string()}}).find("SLACK_APP_TOKEN");
    ASSERT_TRUE(large.error);
    EXPECT_EQ(*large.error,
              "SLACK_APP_TOKEN_FILE: cannot read " + big.string() + ": it is larger than 64 KiB");
    EXPECT_THAT(*large.error, Not(HasSubstr("xxxx")));
}

TEST(settings_secret_source, an_empty_value_is_an_error)
{
    auto direct = from({{"MATTERMOST_TOKEN", ""}}).find("MATTERMOST_TOKEN");
    ASSERT_TRUE(direct.error);
    EXPECT_FALSE(direct.value);
    EXPECT_EQ(*direct.error, "MATTERMOST_TOKEN is set but empty");

    temp_dir dir;
    auto empty = dir.write("empty", "");
    auto newline_only = dir.write("newline", "\n");
    for (auto const& p : {empty, newline_only}) {
        auto found = from({{"MATTERMOST_TOKEN_FILE", p.string()}}).find("MATTERMOST_TOKEN");
        ASSERT_TRUE(found.error) << p;
        EXPECT_FALSE(found.value);
        EXPECT_EQ(*found.error, "MATTERMOST_TOKEN_FILE: " + p.string() + " is empty");
    }

    auto no_path = from({{"MATTERMOST_TOKEN_FILE", ""}}).find("MATTERMOST_TOKEN");
    ASSERT_TRUE(no_path.error);
    EXPECT_EQ(*no_path.error,
              "MATTERMOST_TOKEN_FILE is set but empty; it should name the file that holds MATTERMOST_TOKEN");
}

TEST(settings_secret_source, a_found_secret_formats_as_redacted)
{
    auto found = from({{"SLACK_BOT_TOKEN", "xoxb-never-printed"}}).find("SLACK_BOT_TOKEN");
    ASSERT_TRUE(found.value);
    EXPECT_EQ(fmt::format("{}", *found.value), "[redacted]");
    std::ostringstream os;
    os << *found.value;
    EXPECT_EQ(os.str(), "[redacted]");
}

TEST(settings_secret_source, the_process_environment_is_read)
{
    // PATH is set in every environment ctest runs in; this test only reads it.
    auto env = process_environment();
    EXPECT_TRUE(env("PATH"));
    EXPECT_FALSE(env("COOLHEAD_TEST_SURELY_UNSET_VARIABLE_7F3A"));
}

} // namespace
} // namespace coolhead::settings

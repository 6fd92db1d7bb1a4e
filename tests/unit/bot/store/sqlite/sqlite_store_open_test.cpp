// Opening refuses what it cannot use, at start-up, with a message for the operator that names
// the path and says what is wrong.
#include "bot/store/sqlite/sqlite_store.hpp"

#include "tests/unit/bot/store/store_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

namespace coolhead::store {
namespace {

using namespace test_support;
using ::testing::AllOf;
using ::testing::HasSubstr;

/// The message of the open_error that opening `path` throws ("" if it opens).
std::string open_failure(std::string const& path, sqlite_options const& options = test_options())
{
    try {
        sqlite_store::open(path, options);
    } catch (open_error const& e) {
        return e.what();
    }
    return {};
}

std::string read_file(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(store_open, refuses_a_file_of_garbage_bytes)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    std::string garbage;
    for (int i = 0; i < 8192; ++i)
        garbage.push_back(static_cast<char>((i * 131 + 7) % 251));
    std::ofstream(path, std::ios::binary) << garbage;

    EXPECT_THAT(open_failure(path), AllOf(HasSubstr(path), HasSubstr("not a SQLite database")));
    EXPECT_EQ(read_file(path), garbage); // left exactly as it was
}

TEST(store_open, refuses_a_database_whose_pages_are_corrupt)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    {
        auto s = sqlite_store::open(path, test_options());
        std::vector<append> batch;
        batch.push_back(opening("d1", 1, "C-ops"));
        for (std::uint64_t i = 0; i < 200; ++i) {
            batch.push_back(appending("d" + std::to_string(i + 2), 1, i + 1,
                                      {make_record("note_added", std::string(300, 'x'))}));
        }
        for (auto const& r : s.commit(batch))
            ASSERT_EQ(r.status, commit_status::committed);
    } // closing checkpoints the WAL into the file
    auto bytes = read_file(path);
    ASSERT_GT(bytes.size(), 3 * 4096u);
    // Keep page 1 (header and schema), overwrite the b-tree pages behind it.
    for (std::size_t i = 4096; i < bytes.size(); ++i)
        bytes[i] = static_cast<char>(0xA5 ^ (i & 0x3f));
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;

    EXPECT_THAT(open_failure(path), AllOf(HasSubstr(path), HasSubstr("corrupt")));
}

TEST(store_open, refuses_a_directory)
{
    temp_dir dir;
    EXPECT_THAT(open_failure(dir.path().string()),
                AllOf(HasSubstr(dir.path().string()), HasSubstr("is a directory")));
}

TEST(store_open, refuses_a_path_under_a_regular_file)
{
    // Unwritable for everyone, root included: a file cannot hold a directory entry.
    temp_dir dir;
    std::ofstream(dir.file("plain.txt")) << "not a directory";
    auto path = dir.file("plain.txt") + "/coolhead.db";
    EXPECT_THAT(open_failure(path), AllOf(HasSubstr(path), HasSubstr("not a directory")));
}

TEST(store_open, refuses_a_path_in_a_missing_directory)
{
    temp_dir dir;
    auto path = dir.file("missing") + "/coolhead.db";
    EXPECT_THAT(open_failure(path), AllOf(HasSubstr(path), HasSubstr("does not exist")));
}

TEST(store_open, refuses_a_read_only_directory)
{
    if (::geteuid() == 0) {
        GTEST_SKIP() << "running as root, where permission bits do not stop writes; "
                        "refuses_a_path_under_a_regular_file covers an unwritable place";
    }
    temp_dir dir;
    auto ro = dir.path() / "ro";
    std::filesystem::create_directory(ro);
    std::filesystem::permissions(ro, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    auto path = (ro / "coolhead.db").string();
    auto message = open_failure(path);
    std::filesystem::permissions(ro, std::filesystem::perms::owner_all);
    EXPECT_THAT(message, AllOf(HasSubstr(path), HasSubstr("permission denied")));

    // An existing store in a directory that became read-only: WAL needs its -wal and -shm files.
    sqlite_store::open(path, test_options());
    std::filesystem::permissions(ro, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    message = open_failure(path);
    std::filesystem::permissions(ro, std::filesystem::perms::owner_all);
    EXPECT_THAT(message, AllOf(HasSubstr(path), HasSubstr("read-only")));

    // A store file without write permission.
    std::filesystem::permissions(path, std::filesystem::perms::owner_read);
    EXPECT_THAT(open_failure(path), AllOf(HasSubstr(path), HasSubstr("read-only")));
}

TEST(store_open, refuses_a_delivery_retention_of_five_minutes_or_less)
{
    temp_dir dir;
    auto options = test_options();
    options.delivery_retention = std::chrono::minutes{5};
    EXPECT_THAT(open_failure(dir.file("coolhead.db"), options), HasSubstr("longer than 5 minutes"));
    options.delivery_retention = std::chrono::minutes{6};
    EXPECT_EQ(open_failure(dir.file("coolhead.db"), options), "");
}

TEST(store_open, refuses_another_programs_database)
{
    temp_dir dir;
    auto path = dir.file("other.db");
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE notes (text TEXT)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
    auto before = read_file(path);
    EXPECT_THAT(open_failure(path), AllOf(HasSubstr(path), HasSubstr("not a coolhead store")));
    EXPECT_EQ(read_file(path), before); // not even switched to WAL
}

} // namespace
} // namespace coolhead::store

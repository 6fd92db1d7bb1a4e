// Migrations are tested against databases built by hand, as an older coolhead left them: the
// version-1 SQL below is frozen here on purpose, so an edit to a shipped migration shows up.
#include "bot/store/sqlite/schema.hpp"
#include "bot/store/sqlite/sqlite_store.hpp"

#include "tests/unit/bot/store/store_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

namespace coolhead::store {
namespace {

using namespace test_support;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char const* version_1_schema = R"sql(
    PRAGMA application_id = 1668247404;
    CREATE TABLE incidents (
        number       INTEGER PRIMARY KEY CHECK (number > 0),
        channel      TEXT    NOT NULL,
        opened_at_ms INTEGER NOT NULL,
        closed_at_ms INTEGER,
        last_seq     INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0)
    ) STRICT;
    CREATE UNIQUE INDEX incidents_open_channel ON incidents (channel) WHERE closed_at_ms IS NULL;
    CREATE TABLE records (
        incident INTEGER NOT NULL REFERENCES incidents (number),
        seq      INTEGER NOT NULL CHECK (seq > 0),
        at_ms    INTEGER NOT NULL,
        type     TEXT    NOT NULL,
        body     TEXT    NOT NULL,
        PRIMARY KEY (incident, seq)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE deliveries (
        delivery_id TEXT    PRIMARY KEY NOT NULL,
        incident    INTEGER REFERENCES incidents (number),
        reply       TEXT    NOT NULL,
        at_ms       INTEGER NOT NULL
    ) STRICT;
    PRAGMA user_version = 1;
)sql";

// One closed and one open incident, as version 1 stored them (now_ms = 1800000000000).
constexpr char const* version_1_data = R"sql(
    INSERT INTO incidents VALUES (1, 'C-ops', 1799999000000, 1799999500000, 2);
    INSERT INTO incidents VALUES (2, 'C-ops', 1799999900000, NULL, 1);
    INSERT INTO records VALUES (1, 1, 1799999000000, 'incident_started', '{"title":"old"}');
    INSERT INTO records VALUES (1, 2, 1799999500000, 'incident_closed', '{}');
    INSERT INTO records VALUES (2, 1, 1799999900000, 'incident_started', '{"title":"new"}');
    INSERT INTO deliveries VALUES ('env-old', 2, '{"text":"opened"}', 1799999900000);
)sql";

/// Runs raw SQL on a file through SQLite directly, as an older coolhead would have.
void raw_sql(std::string const& path, char const* sql)
{
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
}

/// The first column of the first row of `sql`, read through SQLite directly.
std::int64_t raw_int(std::string const& path, char const* sql)
{
    sqlite3* db = nullptr;
    std::int64_t value = -1;
    if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
            value = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return value;
}

std::string object_names(sqlite_store& s)
{
    std::string names;
    auto* st = s.connection().prepare("SELECT name FROM sqlite_schema ORDER BY name");
    sqlite::query q(*st);
    while (q.step() == SQLITE_ROW)
        names += q.text(0) + " ";
    return names;
}

TEST(store_schema, creates_a_new_database_at_the_latest_version)
{
    temp_dir dir;
    auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
    EXPECT_EQ(s.connection().read_text("PRAGMA user_version"), std::to_string(sqlite::schema_version()));
    EXPECT_EQ(s.connection().read_text("PRAGMA application_id"), std::to_string(sqlite::application_id));
    EXPECT_EQ(sqlite::schema_version(), 2);
    EXPECT_THAT(object_names(s), AllOf(HasSubstr("incidents_channel"), HasSubstr("deliveries_at")));
}

TEST(store_schema, migrates_a_version_1_database_and_keeps_its_data)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    raw_sql(path, version_1_schema);
    raw_sql(path, version_1_data);

    auto s = sqlite_store::open(path, test_options());
    EXPECT_EQ(s.connection().read_text("PRAGMA user_version"), "2");
    EXPECT_THAT(object_names(s), AllOf(HasSubstr("incidents_channel"), HasSubstr("deliveries_at")));
    // The look-up for "the newest incident in this channel" now uses migration 2's index.
    std::string plan;
    {
        auto* st =
            s.connection().prepare("EXPLAIN QUERY PLAN SELECT number FROM incidents WHERE channel = 'C-ops' "
                                   "ORDER BY number DESC LIMIT 1");
        ASSERT_NE(st, nullptr);
        sqlite::query q(*st);
        while (q.step() == SQLITE_ROW)
            plan += q.text(3) + "\n"; // column 3: "detail"
    }
    EXPECT_THAT(plan, HasSubstr("incidents_channel"));

    // The data is all there and the store carries on from it.
    auto old = s.load(1).value();
    ASSERT_EQ(old.size(), 2u);
    EXPECT_EQ(old[0], (record{1, 1799999000000, "incident_started", R"({"title":"old"})"}));
    EXPECT_EQ(s.incident(1).value()->closed_at_ms, 1799999500000);
    EXPECT_EQ(s.incident_for_channel("C-ops", false).value()->number, 2u);
    EXPECT_EQ(s.incident_for_channel("C-ops", true).value()->number, 2u);
    EXPECT_EQ(s.find_delivery("env-old").value()->reply, R"({"text":"opened"})");
    EXPECT_EQ(commit_one(s, appending("env-new", 2, 1, {make_record("note_added", "{}")})).status,
              commit_status::committed);
    EXPECT_EQ(s.incident(2).value()->last_seq, 2u);
    EXPECT_EQ(commit_one(s, appending("env-late", 2, 1, {make_record("note_added", "{}")})).status,
              commit_status::conflict);
}

TEST(store_schema, rolls_back_every_migration_when_one_fails)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    raw_sql(path, version_1_schema);
    // Something in the way of migration 2's first index: it fails, and nothing may change.
    raw_sql(path, "CREATE TABLE deliveries_at (x INTEGER)");

    try {
        sqlite_store::open(path, test_options());
        FAIL() << "opened a database whose migration fails";
    } catch (open_error const& e) {
        EXPECT_THAT(std::string(e.what()), AllOf(HasSubstr(path), HasSubstr("migration 2")));
    }
    EXPECT_EQ(raw_int(path, "PRAGMA user_version"), 1);
    EXPECT_EQ(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'incidents_channel'"), 0);
}

TEST(store_schema, refuses_a_database_newer_than_this_build)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    raw_sql(path, version_1_schema);
    raw_sql(path, "PRAGMA user_version = 99");
    try {
        sqlite_store::open(path, test_options());
        FAIL() << "opened a database with a newer schema";
    } catch (open_error const& e) {
        EXPECT_THAT(std::string(e.what()),
                    AllOf(HasSubstr(path),
                          HasSubstr("schema version 99 is newer than this coolhead understands (2)")));
    }
    // Left alone for the newer coolhead: not even switched to WAL.
    EXPECT_EQ(raw_int(path, "PRAGMA user_version"), 99);
    EXPECT_EQ(raw_int(path, "SELECT journal_mode = 'delete' FROM pragma_journal_mode"), 1);
}

} // namespace
} // namespace coolhead::store

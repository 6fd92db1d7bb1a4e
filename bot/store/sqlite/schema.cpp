#include "bot/store/sqlite/schema.hpp"

#include "bot/store/record.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <array>

namespace coolhead::store::sqlite {
namespace {

// Tables are STRICT (SQLite >= 3.37; Debian 12 ships 3.40), so a wrong type is an error rather
// than a silent conversion. Records are append-only: nothing in the store updates or deletes them.
constexpr std::array<migration, 2> all_migrations{{
    {1, "incidents, records and deliveries",
     R"sql(
        PRAGMA application_id = 1668247404;
        CREATE TABLE incidents (
            number       INTEGER PRIMARY KEY CHECK (number > 0),
            channel      TEXT    NOT NULL,
            opened_at_ms INTEGER NOT NULL,
            closed_at_ms INTEGER,
            last_seq     INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0)
        ) STRICT;
        -- At most one open incident per channel, enforced by the database.
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
     )sql"},
    // The partial index above only serves open incidents; "newest incident in this channel,
    // closed or not" and pruning old deliveries at start-up would otherwise scan whole tables.
    {2, "indexes for channel look-ups and delivery pruning",
     R"sql(
        CREATE INDEX incidents_channel ON incidents (channel, number);
        CREATE INDEX deliveries_at ON deliveries (at_ms);
     )sql"},
}};

[[noreturn]] void fail(std::string const& path, std::string const& what)
{
    throw open_error(fmt::format("cannot open store database \"{}\": {}", path, what));
}

std::int64_t read_int(database& db, char const* sql, std::string const& path)
{
    auto* s = db.prepare(sql);
    if (s == nullptr) fail(path, describe_open_failure(path, db, db.error_code()));
    query q(*s);
    int rc = q.step();
    if (rc != SQLITE_ROW) fail(path, describe_open_failure(path, db, rc));
    return q.int64(0);
}

// Reads the schema version and refuses what this build must not touch; returns the version.
int inspect(database& db, std::string const& path)
{
    auto version = read_int(db, "PRAGMA user_version", path);
    auto app = read_int(db, "PRAGMA application_id", path);
    auto objects = read_int(db, "SELECT count(*) FROM sqlite_schema", path);
    if (version > schema_version()) {
        fail(path, fmt::format("its schema version {} is newer than this coolhead understands ({}); "
                               "run a newer coolhead, or give this one another file",
                               version, schema_version()));
    }
    if (app != 0 && app != application_id) {
        fail(path, fmt::format("it is a SQLite database of another application (application_id {}), "
                               "not a coolhead store; give coolhead its own file",
                               app));
    }
    if ((version == 0 && objects > 0) || (version > 0 && app != application_id)) {
        fail(path, "it is a SQLite database but not a coolhead store; give coolhead its own file");
    }
    return static_cast<int>(version);
}

} // namespace

std::span<migration const> migrations() noexcept
{
    return all_migrations;
}

int schema_version() noexcept
{
    return all_migrations.back().version;
}

void check_ownership(database& db, std::string const& path)
{
    inspect(db, path);
}

migration_outcome migrate(database& db, std::string const& path)
{
    // IMMEDIATE takes the write lock first, so two processes cannot both migrate.
    if (int rc = db.exec("BEGIN IMMEDIATE"); rc != SQLITE_OK) fail(path, describe_open_failure(path, db, rc));
    try {
        auto version = inspect(db, path);
        migration_outcome out{version, schema_version()};
        for (auto const& m : all_migrations) {
            if (m.version <= version) continue;
            if (int rc = db.exec(m.sql); rc != SQLITE_OK) {
                fail(path, fmt::format("schema migration {} ({}) failed: {}", m.version, m.summary,
                                       db.error_message()));
            }
            // A constant of this build, not user input: PRAGMA takes no bound parameters.
            auto set_version = fmt::format("PRAGMA user_version = {}", m.version);
            if (int rc = db.exec(set_version.c_str()); rc != SQLITE_OK) {
                fail(path, describe_open_failure(path, db, rc));
            }
        }
        if (int rc = db.exec("COMMIT"); rc != SQLITE_OK) fail(path, describe_open_failure(path, db, rc));
        return out;
    } catch (...) {
        if (db.in_transaction()) db.exec("ROLLBACK");
        throw;
    }
}

} // namespace coolhead::store::sqlite

#pragma once
/// The store's SQLite schema as numbered migrations. Migration N brings a database from
/// `PRAGMA user_version` N-1 to N; all missing ones run in order, in one transaction, when the
/// store opens. To change the schema, append a migration: never edit one that has shipped.

#include "bot/store/sqlite/database.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace coolhead::store::sqlite {

/// `PRAGMA application_id` of a coolhead store ("cool"), so another program's database is
/// recognised and refused instead of being altered.
inline constexpr std::int32_t application_id = 0x636f6f6c;

/// One schema step: constant SQL that moves `user_version` from version-1 to version.
struct migration {
    int version;
    char const* summary;
    char const* sql;
};

/// Every migration, in order; the last one's version is the schema this build writes.
std::span<migration const> migrations() noexcept;

/// The schema version this build writes and understands.
int schema_version() noexcept;

/// What migrate() found and did.
struct migration_outcome {
    int from = 0; ///< user_version found on open (0 = new database)
    int to = 0;   ///< user_version now (schema_version())
};

/// Refuses, without writing anything, a database this build must not touch: one whose schema
/// is newer than schema_version(), or another program's (a foreign application_id, or tables
/// without a coolhead version). Runs before anything changes the file, even its journal mode.
/// Throws open_error naming `path`.
void check_ownership(database& db, std::string const& path);

/// Brings an open connection to schema_version() in one IMMEDIATE transaction: either every
/// missing migration applies or none does. Runs on the opening thread. Throws open_error,
/// naming `path`, for what check_ownership() refuses (checked again inside the transaction) or
/// any SQLite failure (not a database, corrupt, read-only, ...).
migration_outcome migrate(database& db, std::string const& path);

} // namespace coolhead::store::sqlite

#pragma once
/// A thin RAII layer over SQLite's C API: one connection, a cache of prepared statements, and
/// typed binding and reading. Not thread-safe: one thread at a time (the store's thread). SQL
/// text is always a constant of the store; values only ever travel through bind().

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace coolhead::store::sqlite {

/// Error category whose values are SQLite (extended) result codes; message() is sqlite3_errstr.
boost::system::error_category const& category() noexcept;

/// An error_code for a SQLite result code.
inline boost::system::error_code make_error_code(int sqlite_rc) noexcept
{
    return {sqlite_rc, category()};
}

/// A prepared statement owned by a database's cache. Use through a `query`, which resets it.
class statement {
  public:
    /// Takes ownership of a prepared statement.
    explicit statement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
    statement(statement const&) = delete;
    statement& operator=(statement const&) = delete;
    /// Finalizes the statement.
    ~statement();

    /// The SQLite handle, still owned by this object.
    sqlite3_stmt* handle() const noexcept { return stmt_; }

  private:
    sqlite3_stmt* stmt_;
};

/// One use of a cached statement: binds parameters (1-based), steps, reads columns (0-based),
/// and on destruction resets the statement and clears its bindings. Bind failures are kept
/// and reported by the next step(). At most one query per statement at a time.
class query {
  public:
    /// Starts a use of `s`, which must be reset (no other query on it alive).
    explicit query(statement& s) noexcept : stmt_(s.handle()) {}
    query(query const&) = delete;
    query& operator=(query const&) = delete;
    /// Resets the statement and clears its bindings, ready for the next use.
    ~query();

    /// Binds an integer to parameter `index` (1-based).
    query& bind(int index, std::int64_t value) noexcept;
    /// Binds text to parameter `index`; SQLite copies it, so `value` need not outlive the query.
    query& bind(int index, std::string_view value) noexcept;
    /// Binds an integer, or NULL when empty.
    query& bind(int index, std::optional<std::int64_t> value) noexcept;
    /// Binds NULL.
    query& bind_null(int index) noexcept;

    /// SQLITE_ROW, SQLITE_DONE or an extended error code (the first bind error, if any).
    int step() noexcept;

    /// Whether column `column` (0-based) of the current row is NULL.
    bool is_null(int column) const noexcept;
    /// Column `column` of the current row as an integer.
    std::int64_t int64(int column) const noexcept;
    /// Column `column` of the current row as text (bytes as stored; may contain NULs).
    std::string text(int column) const;

  private:
    sqlite3_stmt* stmt_;
    int bind_rc_ = 0;
};

/// One SQLite connection with its statement cache.
class database {
  public:
    /// Opens (creating if missing) `path` read-write, with extended result codes. Returns the
    /// SQLite result code; on failure the connection is still usable for error_message().
    int open(std::string const& path) noexcept;

    /// No connection yet; call open().
    database() = default;
    database(database&&) noexcept;
    database& operator=(database&&) noexcept;
    database(database const&) = delete;
    database& operator=(database const&) = delete;
    /// Finalizes the cached statements, then closes the connection.
    ~database();

    sqlite3* handle() const noexcept { return db_; }

    /// The prepared statement for this constant SQL text, prepared on first use and cached.
    /// Returns nullptr if it does not prepare (the reason is in error_message()).
    statement* prepare(char const* sql);

    /// Runs constant SQL (schema, pragmas); never for values. Returns the SQLite result code.
    int exec(char const* sql) noexcept;

    /// Runs a constant single-row statement and reads its first column as text (pragmas).
    std::optional<std::string> read_text(char const* sql);

    /// SQLite's extended result code for the last error on this connection.
    int error_code() const noexcept;

    /// SQLite's message for the last error on this connection.
    std::string error_message() const;

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    std::int64_t changes() const noexcept;

    /// True while a transaction is open (SQLite rolls back by itself after some errors).
    bool in_transaction() const noexcept;

    /// errno of the last failed system call SQLite made (0 if none).
    int system_errno() const noexcept;

  private:
    void close() noexcept;

    sqlite3* db_ = nullptr;
    std::map<std::string, std::unique_ptr<statement>, std::less<>> cache_;
};

/// What is wrong with `path`, in plain words for the operator, after SQLite failed with `rc`
/// while opening or first reading it. For "cannot open" it looks at the file system itself,
/// because SQLite's errno is that of its last fallback attempt, not of the real obstacle.
std::string describe_open_failure(std::string const& path, database const& db, int rc);

} // namespace coolhead::store::sqlite

#include "bot/store/sqlite/database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace coolhead::store::sqlite {
namespace {

class sqlite_category final : public boost::system::error_category {
  public:
    char const* name() const noexcept override { return "sqlite"; }
    std::string message(int ev) const override { return ::sqlite3_errstr(ev); }
};

std::string with_detail(char const* what, std::string const& sqlite_says, int err)
{
    if (err == 0) return fmt::format("{} ({})", what, sqlite_says);
    return fmt::format("{} ({}: {})", what, sqlite_says, std::strerror(err));
}

// Why the file cannot be opened, found by looking: its directory, then the file itself.
std::string explain_cantopen(std::string const& path, std::string const& sqlite_says, int err)
{
    namespace fs = std::filesystem;
    fs::path p(path);
    auto dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::error_code ec;
    auto dir_status = fs::status(dir, ec);
    if (ec == std::errc::not_a_directory ||
        (!ec && fs::exists(dir_status) && !fs::is_directory(dir_status))) {
        return "a part of the path is not a directory";
    }
    if (ec == std::errc::no_such_file_or_directory || (!ec && !fs::exists(dir_status))) {
        return "its directory does not exist";
    }
    if (ec == std::errc::permission_denied) return "permission denied: its directory cannot be searched";
    if (fs::is_directory(p, ec)) {
        return "it is a directory; give the path of a database file (it is created if missing)";
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        return "permission denied: the store must be able to create and write the file, and its "
               "-wal and -shm files, in that directory";
    }
    if (fs::exists(p, ec) && ::access(path.c_str(), R_OK | W_OK) != 0) {
        return "permission denied: the store must be able to read and write the file";
    }
    switch (err) {
    case EACCES:
    case EPERM:
        return "permission denied";
    case EROFS:
        return "the file system is read-only";
    default:
        return with_detail("the file cannot be opened", sqlite_says, err);
    }
}

} // namespace

std::string describe_open_failure(std::string const& path, database const& db, int rc)
{
    int err = db.system_errno();
    std::string sqlite_says = db.error_message();
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
        return "the file is not a SQLite database (it exists but holds something else); "
               "move it aside or give the store another path";
    case SQLITE_CORRUPT:
        return fmt::format("the database file is corrupt ({}); restore it from a backup or move it aside",
                           sqlite_says);
    case SQLITE_CANTOPEN:
        return explain_cantopen(path, sqlite_says, err);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return "the file or its directory is read-only: the store must be able to write the file and "
               "create its -wal and -shm files next to it";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "the database is locked by another process (is another coolhead using it?)";
    case SQLITE_FULL:
        return "the disk is full";
    case SQLITE_IOERR:
        return with_detail("input/output error", sqlite_says, err);
    case SQLITE_NOMEM:
        return "out of memory";
    default:
        return fmt::format("SQLite error: {}", sqlite_says);
    }
}

boost::system::error_category const& category() noexcept
{
    static sqlite_category const c;
    return c;
}

statement::~statement()
{
    ::sqlite3_finalize(stmt_);
}

query::~query()
{
    ::sqlite3_reset(stmt_);
    ::sqlite3_clear_bindings(stmt_);
}

query& query::bind(int index, std::int64_t value) noexcept
{
    int rc = ::sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK && bind_rc_ == 0) bind_rc_ = rc;
    return *this;
}

query& query::bind(int index, std::string_view value) noexcept
{
    // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer need not outlive the query.
    int rc = ::sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK && bind_rc_ == 0) bind_rc_ = rc;
    return *this;
}

query& query::bind(int index, std::optional<std::int64_t> value) noexcept
{
    return value ? bind(index, *value) : bind_null(index);
}

query& query::bind_null(int index) noexcept
{
    int rc = ::sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK && bind_rc_ == 0) bind_rc_ = rc;
    return *this;
}

int query::step() noexcept
{
    if (bind_rc_ != 0) return bind_rc_;
    return ::sqlite3_step(stmt_);
}

bool query::is_null(int column) const noexcept
{
    return ::sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t query::int64(int column) const noexcept
{
    return ::sqlite3_column_int64(stmt_, column);
}

std::string query::text(int column) const
{
    // Ask for the text first, then its size (SQLite's documented order); text may hold NULs.
    auto const* p = ::sqlite3_column_text(stmt_, column);
    auto n = ::sqlite3_column_bytes(stmt_, column);
    if (p == nullptr || n <= 0) return {};
    return std::string(reinterpret_cast<char const*>(p), static_cast<std::size_t>(n));
}

int database::open(std::string const& path) noexcept
{
    close();
    // NOMUTEX: the connection is used by one thread at a time (the store's thread), so SQLite's
    // per-connection mutex is not needed. EXRESCODE: extended codes tell PRIMARYKEY from UNIQUE.
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    return ::sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
}

database::database(database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_))
{
}

database& database::operator=(database&& other) noexcept
{
    if (this != &other) {
        close();
        db_ = std::exchange(other.db_, nullptr);
        cache_ = std::move(other.cache_);
    }
    return *this;
}

database::~database()
{
    close();
}

void database::close() noexcept
{
    cache_.clear(); // statements first: a connection with live statements cannot close
    if (db_ != nullptr) {
        ::sqlite3_close_v2(db_);
        db_ = nullptr;
    }
}

statement* database::prepare(char const* sql)
{
    if (auto it = cache_.find(std::string_view(sql)); it != cache_.end()) return it->second.get();
    sqlite3_stmt* stmt = nullptr;
    if (::sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK ||
        stmt == nullptr) {
        ::sqlite3_finalize(stmt);
        return nullptr;
    }
    auto [it, inserted] = cache_.emplace(sql, std::make_unique<statement>(stmt));
    return it->second.get();
}

int database::exec(char const* sql) noexcept
{
    return ::sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
}

std::optional<std::string> database::read_text(char const* sql)
{
    auto* s = prepare(sql);
    if (s == nullptr) return std::nullopt;
    query q(*s);
    if (q.step() != SQLITE_ROW) return std::nullopt;
    return q.text(0);
}

std::string database::error_message() const
{
    if (db_ == nullptr) return "out of memory";
    return ::sqlite3_errmsg(db_);
}

int database::error_code() const noexcept
{
    return db_ == nullptr ? SQLITE_NOMEM : ::sqlite3_extended_errcode(db_);
}

std::int64_t database::changes() const noexcept
{
    return ::sqlite3_changes64(db_);
}

bool database::in_transaction() const noexcept
{
    return db_ != nullptr && ::sqlite3_get_autocommit(db_) == 0;
}

int database::system_errno() const noexcept
{
    return db_ == nullptr ? 0 : ::sqlite3_system_errno(db_);
}

} // namespace coolhead::store::sqlite

#include "bot/store/sqlite/database.hpp"

#include <sqlite3.h>

#include <utility>

namespace coolhead::store::sqlite {
namespace {

class sqlite_category final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "sqlite"; }
    std::string message(int ev) const override { return ::sqlite3_errstr(ev); }
};

} // namespace

boost::system::error_category const& category() noexcept
{
    static sqlite_category const c;
    return c;
}

statement::~statement() { ::sqlite3_finalize(stmt_); }

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

bool query::is_null(int column) const noexcept { return ::sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t query::int64(int column) const noexcept { return ::sqlite3_column_int64(stmt_, column); }

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

database::~database() { close(); }

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

int database::exec(char const* sql) noexcept { return ::sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }

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

int database::error_code() const noexcept { return db_ == nullptr ? SQLITE_NOMEM : ::sqlite3_extended_errcode(db_); }

std::int64_t database::changes() const noexcept { return ::sqlite3_changes64(db_); }

bool database::in_transaction() const noexcept { return db_ != nullptr && ::sqlite3_get_autocommit(db_) == 0; }

int database::system_errno() const noexcept { return db_ == nullptr ? 0 : ::sqlite3_system_errno(db_); }

} // namespace coolhead::store::sqlite

#pragma once
/// The durable store on SQLite: an append-only record log per incident, the incident index and
/// the delivery log, in one database file (WAL, synchronous=FULL). Synchronous and not
/// thread-safe: one thread at a time uses it (store_worker gives it a thread of its own).

#include "bot/store/record.hpp"
#include "bot/store/sqlite/database.hpp"

#include <boost/system/result.hpp>
#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::store {

/// Settings for sqlite_store::open, validated there.
struct sqlite_options {
    /// How long a statement waits for another connection's lock before failing with "busy".
    std::chrono::milliseconds busy_timeout{5'000};
    /// Deliveries older than this are pruned at open. Must exceed 5 minutes: platforms
    /// redeliver within minutes, and a pruned delivery would be processed twice.
    std::chrono::milliseconds delivery_retention = std::chrono::hours{24 * 7};
    /// "Now" for pruning, UTC ms since the epoch; unset = the system clock (tests fix it).
    std::optional<std::int64_t> now_ms;
    /// Run `PRAGMA quick_check` at open so a damaged file is refused at start-up rather than
    /// found in the middle of an incident. Reads the whole file once.
    bool check_integrity = true;
};

/// The SQLite store. Move-only; every member runs on the caller's thread and blocks on disk.
class sqlite_store {
  public:
    /// Opens or creates the database at `path`: WAL, synchronous=FULL, foreign keys on, busy
    /// timeout, integrity check, schema migrations, pruning of old deliveries. Throws
    /// open_error naming the path and what is wrong (a directory, an unwritable place, not a
    /// database, corrupt, a newer schema, another program's database, bad options).
    static sqlite_store open(std::string const& path, sqlite_options const& options = {});

    sqlite_store(sqlite_store&&) noexcept;
    sqlite_store& operator=(sqlite_store&&) noexcept;
    sqlite_store(sqlite_store const&) = delete;
    sqlite_store& operator=(sqlite_store const&) = delete;
    /// Closes the connection (SQLite checkpoints the WAL when the last connection closes).
    ~sqlite_store();

    /// The stored delivery with this id, if it was processed (and not yet pruned).
    boost::system::result<std::optional<delivery>> find_delivery(std::string_view delivery_id);

    /// The incident's records with seq > after_seq, in seq order (empty for an unknown incident).
    boost::system::result<std::vector<record>> load(std::uint64_t incident, std::uint64_t after_seq = 0);

    /// The newest incident in `channel` (the highest number); with open_only, the open one.
    boost::system::result<std::optional<incident_row>> incident_for_channel(std::string_view channel,
                                                                            bool open_only);

    /// Every incident (or every open one), by number.
    boost::system::result<std::vector<incident_row>> incidents(bool open_only);

    /// The incident with this number.
    boost::system::result<std::optional<incident_row>> incident(std::uint64_t number);

    /// One more than the highest incident number (1 for an empty store). Two deciders may get
    /// the same number; the second to commit gets `conflict`.
    boost::system::result<std::uint64_t> next_incident_number();

    /// Stores the batch in one transaction (one fsync), each append inside its own SAVEPOINT:
    /// an append that conflicts, repeats a delivery id or is invalid is rolled back alone and
    /// reported; the others commit. Results are in batch order. If the transaction itself fails
    /// (disk full, I/O error), every append is `failed` and nothing is written.
    std::vector<commit_result> commit(std::span<append const> batch);

    /// Deletes deliveries received before `before_ms` (UTC ms); returns how many. open() calls
    /// it with now - delivery_retention.
    boost::system::result<std::int64_t> prune_deliveries(std::int64_t before_ms);

    /// Transactions committed by commit() since open.
    std::uint64_t transactions() const noexcept { return transactions_; }

    /// The database path given to open().
    std::string const& path() const noexcept { return path_; }

    /// The underlying connection, for tests and diagnostics (pragmas); same thread rules.
    sqlite::database& connection() noexcept { return db_; }

  private:
    sqlite_store(std::string path, sqlite::database db);

    int run(char const* sql);
    commit_result apply(append const& a);
    commit_result apply_steps(append const& a);
    boost::system::error_code fail_read(char const* what, int rc);
    void rollback_savepoint();

    std::string path_;
    sqlite::database db_;
    std::shared_ptr<spdlog::logger> log_;
    std::uint64_t transactions_ = 0;
};

} // namespace coolhead::store

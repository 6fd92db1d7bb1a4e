#include "bot/store/sqlite/sqlite_store.hpp"

#include "bot/log/log.hpp"
#include "bot/store/sqlite/schema.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <limits>
#include <system_error>
#include <utility>

namespace coolhead::store {
namespace {

using boost::system::error_code;
using namespace std::chrono_literals;

constexpr auto max_db_int = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// Incident numbers and seqs are unsigned in C++ and signed 64-bit in SQLite; the store refuses
// anything that would not round-trip.
std::int64_t to_db(std::uint64_t v) noexcept
{
    return static_cast<std::int64_t>(v);
}
std::uint64_t from_db(std::int64_t v) noexcept
{
    return v < 0 ? 0 : static_cast<std::uint64_t>(v);
}

[[noreturn]] void fail_open(std::string const& path, std::string const& what)
{
    throw open_error(fmt::format("cannot open store database \"{}\": {}", path, what));
}

commit_result failed(std::string why)
{
    return {commit_status::failed, {}, std::move(why)};
}
commit_result conflict(std::string why)
{
    return {commit_status::conflict, {}, std::move(why)};
}

bool is(int rc, int extended) noexcept
{
    return rc == extended;
}

incident_row read_incident(sqlite::query const& q)
{
    // Columns: number, channel, opened_at_ms, closed_at_ms, last_seq.
    incident_row row;
    row.number = from_db(q.int64(0));
    row.channel = q.text(1);
    row.opened_at_ms = q.int64(2);
    if (!q.is_null(3)) row.closed_at_ms = q.int64(3);
    row.last_seq = from_db(q.int64(4));
    return row;
}

// Checks what the database cannot: the shape of an append. Returns why it is invalid, or "".
std::string validate(append const& a)
{
    if (a.incident == 0) {
        if (!a.records.empty() || a.opens_channel || a.closes_at_ms) {
            return "records, opening and closing need an incident number";
        }
        if (a.delivery_id.empty()) return "an append without an incident must carry a delivery id";
        return {};
    }
    if (a.incident > max_db_int) return "incident number out of range";
    if (a.expected_seq > max_db_int || a.records.size() > max_db_int - a.expected_seq) {
        return "seq out of range";
    }
    if ((a.opens_channel || a.closes_at_ms) && a.records.empty()) {
        return "opening or closing an incident needs at least one record";
    }
    if (a.opens_channel && a.expected_seq != 0) return "an append that opens an incident must expect seq 0";
    if (a.records.empty() && a.delivery_id.empty()) return "nothing to store";
    return {};
}

} // namespace

sqlite_store::sqlite_store(std::string path, sqlite::database db)
    : path_(std::move(path)), db_(std::move(db)), log_(log::component("store"))
{
}

sqlite_store::sqlite_store(sqlite_store&&) noexcept = default;
sqlite_store& sqlite_store::operator=(sqlite_store&&) noexcept = default;
sqlite_store::~sqlite_store() = default;

sqlite_store sqlite_store::open(std::string const& path, sqlite_options const& options)
{
    if (path.empty()) throw open_error("cannot open store database: no path given");
    if (options.delivery_retention <= 5min) {
        fail_open(path, fmt::format("delivery retention must be longer than 5 minutes (got {} ms): "
                                    "platforms redeliver within minutes",
                                    options.delivery_retention.count()));
    }
    if (options.busy_timeout < 0ms || options.busy_timeout > std::chrono::milliseconds{INT32_MAX}) {
        fail_open(path, "busy timeout out of range");
    }
    // SQLite would say "unable to open database file"; the operator deserves the actual reason.
    std::error_code fs_ec;
    if (std::filesystem::is_directory(path, fs_ec)) {
        fail_open(path, "it is a directory; give the path of a database file (it is created if missing)");
    }

    sqlite::database db;
    if (int rc = db.open(path); rc != SQLITE_OK) fail_open(path, sqlite::describe_open_failure(path, db, rc));
    // A file without write permission opens read-only without complaint; writes would fail later.
    if (::sqlite3_db_readonly(db.handle(), "main") == 1) {
        fail_open(path, "the file is read-only: the store must be able to write it");
    }
    ::sqlite3_busy_timeout(db.handle(), static_cast<int>(options.busy_timeout.count()));

    // The first statements read the file header: this is where "not a database" shows up.
    if (options.check_integrity) {
        auto check = db.read_text("PRAGMA quick_check(1)");
        if (!check) fail_open(path, sqlite::describe_open_failure(path, db, db.error_code()));
        if (*check != "ok") {
            fail_open(path, fmt::format("the database file is corrupt (integrity check: {}); restore it "
                                        "from a backup or move it aside",
                                        *check));
        }
    }
    // Before the first write (even the journal mode): never alter a newer or foreign database.
    sqlite::check_ownership(db, path);
    // WAL: readers never block the writer, and a commit is one append + fsync of the WAL.
    auto mode = db.read_text("PRAGMA journal_mode = WAL");
    if (!mode) fail_open(path, sqlite::describe_open_failure(path, db, db.error_code()));
    if (*mode != "wal") {
        fail_open(path, fmt::format("cannot switch to write-ahead logging (journal mode stays \"{}\"); "
                                    "the store needs a local file system",
                                    *mode));
    }
    // FULL: the WAL is fsynced at every commit, so an acknowledged command survives power loss
    // (NORMAL would only guarantee consistency, not durability, of the last commits).
    if (int rc = db.exec("PRAGMA synchronous = FULL"); rc != SQLITE_OK) {
        fail_open(path, sqlite::describe_open_failure(path, db, rc));
    }
    if (int rc = db.exec("PRAGMA foreign_keys = ON"); rc != SQLITE_OK) {
        fail_open(path, sqlite::describe_open_failure(path, db, rc));
    }

    auto outcome = sqlite::migrate(db, path);
    sqlite_store store(path, std::move(db));

    auto now = options.now_ms.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
    auto pruned = store.prune_deliveries(now - options.delivery_retention.count());
    if (!pruned) fail_open(path, sqlite::describe_open_failure(path, store.db_, store.db_.error_code()));

    store.log_->info("event=store_opened path=\"{}\" schema_version={} migrated_from={} pruned_deliveries={}",
                     path, outcome.to, outcome.from, *pruned);
    return store;
}

error_code sqlite_store::fail_read(char const* what, int rc)
{
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) rc = SQLITE_ERROR;
    log_->warn("event=store_read_failed what={} rc={} error=\"{}\"", what, rc, db_.error_message());
    return sqlite::make_error_code(rc);
}

boost::system::result<std::optional<delivery>> sqlite_store::find_delivery(std::string_view delivery_id)
{
    auto* s = db_.prepare("SELECT incident, reply, at_ms FROM deliveries WHERE delivery_id = ?1");
    if (s == nullptr) return fail_read("find_delivery", db_.error_code());
    sqlite::query q(*s);
    q.bind(1, delivery_id);
    int rc = q.step();
    if (rc == SQLITE_DONE) return std::optional<delivery>{};
    if (rc != SQLITE_ROW) return fail_read("find_delivery", rc);
    delivery d;
    d.delivery_id = std::string(delivery_id);
    if (!q.is_null(0)) d.incident = from_db(q.int64(0));
    d.reply = q.text(1);
    d.at_ms = q.int64(2);
    return std::optional<delivery>{std::move(d)};
}

boost::system::result<std::vector<record>> sqlite_store::load(std::uint64_t incident, std::uint64_t after_seq)
{
    if (incident > max_db_int || after_seq > max_db_int) return make_error_code(errc::out_of_range);
    auto* s = db_.prepare(
        "SELECT seq, at_ms, type, body FROM records WHERE incident = ?1 AND seq > ?2 ORDER BY seq");
    if (s == nullptr) return fail_read("load", db_.error_code());
    sqlite::query q(*s);
    q.bind(1, to_db(incident)).bind(2, to_db(after_seq));
    std::vector<record> out;
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        out.push_back(record{from_db(q.int64(0)), q.int64(1), q.text(2), q.text(3)});
    }
    if (rc != SQLITE_DONE) return fail_read("load", rc);
    return out;
}

boost::system::result<std::optional<incident_row>>
sqlite_store::incident_for_channel(std::string_view channel, bool open_only)
{
    // Two statements rather than one with "?2 OR ...", so each can use its own index.
    auto* s = open_only ? db_.prepare("SELECT number, channel, opened_at_ms, closed_at_ms, last_seq "
                                      "FROM incidents WHERE channel = ?1 AND closed_at_ms IS NULL")
                        : db_.prepare("SELECT number, channel, opened_at_ms, closed_at_ms, last_seq "
                                      "FROM incidents WHERE channel = ?1 ORDER BY number DESC LIMIT 1");
    if (s == nullptr) return fail_read("incident_for_channel", db_.error_code());
    sqlite::query q(*s);
    q.bind(1, channel);
    int rc = q.step();
    if (rc == SQLITE_DONE) return std::optional<incident_row>{};
    if (rc != SQLITE_ROW) return fail_read("incident_for_channel", rc);
    return std::optional<incident_row>{read_incident(q)};
}

boost::system::result<std::vector<incident_row>> sqlite_store::incidents(bool open_only)
{
    auto* s = open_only ? db_.prepare("SELECT number, channel, opened_at_ms, closed_at_ms, last_seq "
                                      "FROM incidents WHERE closed_at_ms IS NULL ORDER BY number")
                        : db_.prepare("SELECT number, channel, opened_at_ms, closed_at_ms, last_seq "
                                      "FROM incidents ORDER BY number");
    if (s == nullptr) return fail_read("incidents", db_.error_code());
    sqlite::query q(*s);
    std::vector<incident_row> out;
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW)
        out.push_back(read_incident(q));
    if (rc != SQLITE_DONE) return fail_read("incidents", rc);
    return out;
}

boost::system::result<std::optional<incident_row>> sqlite_store::incident(std::uint64_t number)
{
    if (number > max_db_int) return std::optional<incident_row>{};
    auto* s = db_.prepare("SELECT number, channel, opened_at_ms, closed_at_ms, last_seq "
                          "FROM incidents WHERE number = ?1");
    if (s == nullptr) return fail_read("incident", db_.error_code());
    sqlite::query q(*s);
    q.bind(1, to_db(number));
    int rc = q.step();
    if (rc == SQLITE_DONE) return std::optional<incident_row>{};
    if (rc != SQLITE_ROW) return fail_read("incident", rc);
    return std::optional<incident_row>{read_incident(q)};
}

boost::system::result<std::uint64_t> sqlite_store::next_incident_number()
{
    auto* s = db_.prepare("SELECT coalesce(max(number), 0) + 1 FROM incidents");
    if (s == nullptr) return fail_read("next_incident_number", db_.error_code());
    sqlite::query q(*s);
    int rc = q.step();
    if (rc != SQLITE_ROW) return fail_read("next_incident_number", rc);
    return from_db(q.int64(0));
}

boost::system::result<std::int64_t> sqlite_store::prune_deliveries(std::int64_t before_ms)
{
    auto* s = db_.prepare("DELETE FROM deliveries WHERE at_ms < ?1");
    if (s == nullptr) return fail_read("prune_deliveries", db_.error_code());
    sqlite::query q(*s);
    q.bind(1, before_ms);
    int rc = q.step();
    if (rc != SQLITE_DONE) return fail_read("prune_deliveries", rc);
    return db_.changes();
}

int sqlite_store::run(char const* sql)
{
    auto* s = db_.prepare(sql);
    if (s == nullptr) return db_.error_code();
    sqlite::query q(*s);
    return q.step();
}

void sqlite_store::rollback_savepoint()
{
    // Undo this append only; the batch's transaction stays open for the others. If SQLite has
    // already rolled back the whole transaction these fail, and commit() notices.
    run("ROLLBACK TO coolhead_append");
    run("RELEASE coolhead_append");
}

std::vector<commit_result> sqlite_store::commit(std::span<append const> batch)
{
    std::vector<commit_result> out;
    if (batch.empty()) return out;
    auto started = std::chrono::steady_clock::now();
    auto fail_all = [&](int rc, char const* stage) {
        auto why = fmt::format("{}: {}", stage, db_.error_message());
        log_->warn("event=store_commit_failed batch={} stage={} rc={} error=\"{}\"", batch.size(), stage, rc,
                   db_.error_message());
        if (db_.in_transaction()) run("ROLLBACK");
        out.assign(batch.size(), failed(why));
        return out;
    };

    // IMMEDIATE takes the write lock now, so no statement in the batch can meet SQLITE_BUSY.
    if (int rc = run("BEGIN IMMEDIATE"); rc != SQLITE_DONE) return fail_all(rc, "begin");
    out.reserve(batch.size());
    for (auto const& a : batch) {
        out.push_back(apply(a));
        // After I/O errors, disk full or out of memory SQLite may roll back the whole
        // transaction; then nothing of the batch is stored, including earlier appends.
        if (!db_.in_transaction()) return fail_all(db_.error_code(), "append");
    }
    if (int rc = run("COMMIT"); rc != SQLITE_DONE) return fail_all(rc, "commit");
    ++transactions_;

    if (log_->should_log(spdlog::level::debug)) {
        std::size_t committed = 0, duplicates = 0, conflicts = 0, failures = 0;
        for (auto const& r : out) {
            switch (r.status) {
            case commit_status::committed:
                ++committed;
                break;
            case commit_status::duplicate_delivery:
                ++duplicates;
                break;
            case commit_status::conflict:
                ++conflicts;
                break;
            case commit_status::failed:
                ++failures;
                break;
            }
        }
        auto ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        log_->debug("event=store_commit batch={} committed={} duplicates={} conflicts={} failed={} ms={:.2f}",
                    batch.size(), committed, duplicates, conflicts, failures, ms);
    }
    return out;
}

commit_result sqlite_store::apply(append const& a)
{
    if (auto why = validate(a); !why.empty()) {
        log_->warn("event=store_append_invalid incident={} reason=\"{}\"", a.incident, why);
        return failed(std::move(why));
    }
    if (int rc = run("SAVEPOINT coolhead_append"); rc != SQLITE_DONE) {
        return failed(fmt::format("savepoint: {}", db_.error_message()));
    }
    auto result = apply_steps(a);
    if (result.status == commit_status::committed) {
        if (int rc = run("RELEASE coolhead_append"); rc != SQLITE_DONE) {
            result = failed(fmt::format("release: {}", db_.error_message()));
            rollback_savepoint();
        }
    } else {
        rollback_savepoint();
    }
    if (result.status == commit_status::conflict || result.status == commit_status::failed) {
        log_->debug("event=store_append_refused status={} incident={} reason=\"{}\"",
                    result.status == commit_status::conflict ? "conflict" : "failed", a.incident,
                    result.error);
    }
    return result;
}

commit_result sqlite_store::apply_steps(append const& a)
{
    auto const incident = to_db(a.incident);
    auto sqlite_failure = [&](char const* step) {
        return failed(fmt::format("{}: {}", step, db_.error_message()));
    };

    // 1. A delivery already stored is answered from its stored reply, and nothing is written.
    if (!a.delivery_id.empty()) {
        auto seen = find_delivery(a.delivery_id);
        if (!seen) return failed(fmt::format("find delivery: {}", seen.error().message()));
        if (*seen) return {commit_status::duplicate_delivery, std::move((*seen)->reply), {}};
    }

    // 2. Opening: a taken number (PRIMARY KEY) or a channel with an open incident (the partial
    //    UNIQUE index) is a conflict: someone else decided first.
    if (a.opens_channel) {
        auto* s = db_.prepare("INSERT INTO incidents (number, channel, opened_at_ms, closed_at_ms, last_seq) "
                              "VALUES (?1, ?2, ?3, NULL, 0)");
        if (s == nullptr) return sqlite_failure("prepare open");
        sqlite::query q(*s);
        q.bind(1, incident).bind(2, *a.opens_channel).bind(3, a.records.front().at_ms);
        int rc = q.step();
        if (is(rc, SQLITE_CONSTRAINT_PRIMARYKEY)) {
            return conflict(fmt::format("incident number {} is taken", a.incident));
        }
        if (is(rc, SQLITE_CONSTRAINT_UNIQUE)) return conflict("the channel already has an open incident");
        if (rc != SQLITE_DONE) return sqlite_failure("open incident");
    }

    // 3. Records at expected_seq+1, +2, ...: the (incident, seq) PRIMARY KEY refuses a second
    //    append decided against the same state, so history never forks.
    if (!a.records.empty()) {
        auto* s =
            db_.prepare("INSERT INTO records (incident, seq, at_ms, type, body) VALUES (?1, ?2, ?3, ?4, ?5)");
        if (s == nullptr) return sqlite_failure("prepare append");
        auto seq = a.expected_seq;
        for (auto const& r : a.records) {
            ++seq;
            sqlite::query q(*s);
            q.bind(1, incident).bind(2, to_db(seq)).bind(3, r.at_ms).bind(4, r.type).bind(5, r.body);
            int rc = q.step();
            if (is(rc, SQLITE_CONSTRAINT_PRIMARYKEY)) {
                return conflict(fmt::format("seq {} of incident {} is taken", seq, a.incident));
            }
            if (is(rc, SQLITE_CONSTRAINT_FOREIGNKEY)) {
                return failed(fmt::format("incident {} does not exist", a.incident));
            }
            if (rc != SQLITE_DONE) return sqlite_failure("append record");
        }

        // 4. Compare-and-set of last_seq: also refuses a decision made against a seq the log
        //    has not reached (which the primary key alone would let leave a gap).
        auto* u = db_.prepare("UPDATE incidents SET last_seq = ?1 WHERE number = ?2 AND last_seq = ?3");
        if (u == nullptr) return sqlite_failure("prepare last_seq");
        sqlite::query uq(*u);
        uq.bind(1, to_db(seq)).bind(2, incident).bind(3, to_db(a.expected_seq));
        if (uq.step() != SQLITE_DONE) return sqlite_failure("update last_seq");
        if (db_.changes() != 1) {
            return conflict(fmt::format("incident {} is not at seq {}", a.incident, a.expected_seq));
        }
    }

    // 5. Closing an incident that is no longer open: the decision saw a state that is gone.
    if (a.closes_at_ms) {
        auto* s =
            db_.prepare("UPDATE incidents SET closed_at_ms = ?1 WHERE number = ?2 AND closed_at_ms IS NULL");
        if (s == nullptr) return sqlite_failure("prepare close");
        sqlite::query q(*s);
        q.bind(1, *a.closes_at_ms).bind(2, incident);
        if (q.step() != SQLITE_DONE) return sqlite_failure("close incident");
        if (db_.changes() != 1) return conflict(fmt::format("incident {} is already closed", a.incident));
    }

    // 6. The delivery and its reply, in the same transaction as the records they caused.
    if (!a.delivery_id.empty()) {
        auto* s = db_.prepare(
            "INSERT INTO deliveries (delivery_id, incident, reply, at_ms) VALUES (?1, ?2, ?3, ?4)");
        if (s == nullptr) return sqlite_failure("prepare delivery");
        sqlite::query q(*s);
        q.bind(1, a.delivery_id).bind(2, a.incident == 0 ? std::nullopt : std::optional{incident});
        q.bind(3, a.reply).bind(4, a.at_ms);
        int rc = q.step();
        if (is(rc, SQLITE_CONSTRAINT_FOREIGNKEY))
            return failed(fmt::format("incident {} does not exist", a.incident));
        if (rc != SQLITE_DONE) return sqlite_failure("store delivery");
    }
    return {commit_status::committed, {}, {}};
}

} // namespace coolhead::store

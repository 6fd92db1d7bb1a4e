#include "bot/store/sqlite/sqlite_store.hpp"

#include "bot/log/log.hpp"
#include "tests/unit/bot/store/store_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace coolhead::store {
namespace {

using namespace test_support;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<record> two_records()
{
    return {make_record("rootcause_proposed", R"({"text":"the \"cache\" is cold","by":"U1"})", now_ms + 1000),
            make_record("note_added", R"({"text":"Ünïcödé ✓ and 'quotes'"})", now_ms + 2000)};
}

TEST(sqlite_store, round_trips_records_and_incidents_through_a_reopened_file)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    {
        auto s = sqlite_store::open(path, test_options());
        EXPECT_EQ(s.next_incident_number().value(), 1u);
        EXPECT_EQ(commit_one(s, opening("d1", 1, "C-ops")).status, commit_status::committed);
        EXPECT_EQ(commit_one(s, appending("d2", 1, 1, two_records())).status, commit_status::committed);
        auto closing = appending("d3", 1, 3, {make_record("incident_closed", "{}", now_ms + 3000)});
        closing.closes_at_ms = now_ms + 3000;
        EXPECT_EQ(commit_one(s, std::move(closing)).status, commit_status::committed);
        EXPECT_EQ(commit_one(s, opening("d4", 2, "C-ops")).status, commit_status::committed);
        EXPECT_EQ(commit_one(s, opening("d5", 3, "C-web")).status, commit_status::committed);
    }
    auto s = sqlite_store::open(path, test_options());

    auto records = s.load(1).value();
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[0], (record{1, now_ms, "incident_started", R"({"title":"db down"})"}));
    EXPECT_EQ(records[1], (record{2, now_ms + 1000, "rootcause_proposed",
                                  R"({"text":"the \"cache\" is cold","by":"U1"})"}));
    EXPECT_EQ(records[2], (record{3, now_ms + 2000, "note_added", R"({"text":"Ünïcödé ✓ and 'quotes'"})"}));
    EXPECT_EQ(records[3], (record{4, now_ms + 3000, "incident_closed", "{}"}));
    auto tail = s.load(1, 2).value();
    ASSERT_EQ(tail.size(), 2u);
    EXPECT_EQ(tail[0].seq, 3u);
    EXPECT_TRUE(s.load(42).value().empty());

    auto first = s.incident(1).value();
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, (incident_row{1, "C-ops", now_ms, now_ms + 3000, 4}));
    EXPECT_FALSE(s.incident(9).value());

    // The newest incident of a channel, closed or not; and the open one only.
    EXPECT_EQ(s.incident_for_channel("C-ops", false).value()->number, 2u);
    EXPECT_EQ(s.incident_for_channel("C-ops", true).value()->number, 2u);
    EXPECT_EQ(s.incident_for_channel("C-web", true).value()->number, 3u);
    EXPECT_FALSE(s.incident_for_channel("C-none", false).value());

    auto all = s.incidents(false).value();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].number, 1u);
    EXPECT_EQ(all[2].number, 3u);
    auto open = s.incidents(true).value();
    ASSERT_EQ(open.size(), 2u);
    EXPECT_EQ(open[0].number, 2u);
    EXPECT_EQ(open[1].number, 3u);
    EXPECT_EQ(s.next_incident_number().value(), 4u);

    auto d = s.find_delivery("d2").value();
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, (delivery{"d2", 1, R"({"text":"ok"})", now_ms}));
    EXPECT_FALSE(s.find_delivery("d-unknown").value());
}

TEST(sqlite_store, keeps_a_commit_when_the_process_is_killed_right_after_it)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    ::pid_t child = ::fork();
    ASSERT_NE(child, -1);
    if (child == 0) {
        // kill -9 between commit and ack (STYLE.md 5.7): no close, no checkpoint.
        auto s = sqlite_store::open(path, test_options());
        auto r = commit_one(s, opening("env-1", 1, "C-ops", "acked"));
        if (r.status != commit_status::committed) ::_exit(3);
        ::kill(::getpid(), SIGKILL);
        ::_exit(4); // not reached
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    ASSERT_EQ(WTERMSIG(status), SIGKILL);
    EXPECT_TRUE(std::filesystem::exists(path + "-wal")); // the commit lives in the WAL only

    auto s = sqlite_store::open(path, test_options());
    EXPECT_EQ(s.load(1).value().size(), 1u);
    EXPECT_EQ(s.find_delivery("env-1").value()->reply, "acked");
    EXPECT_EQ(s.incident_for_channel("C-ops", true).value()->number, 1u);
}

TEST(sqlite_store, uses_wal_and_synchronous_full_with_foreign_keys_and_a_busy_timeout)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    auto options = test_options();
    options.busy_timeout = std::chrono::milliseconds{1234};
    auto s = sqlite_store::open(path, options);
    auto& db = s.connection();
    EXPECT_EQ(db.read_text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(db.read_text("PRAGMA synchronous"), "2"); // 2 = FULL
    EXPECT_EQ(db.read_text("PRAGMA foreign_keys"), "1");
    EXPECT_EQ(db.read_text("PRAGMA busy_timeout"), "1234");

    // WAL is persistent: the file header itself says so (bytes 18 and 19 are 2 in WAL mode).
    std::ifstream in(path, std::ios::binary);
    char header[20] = {};
    ASSERT_TRUE(in.read(header, sizeof header));
    EXPECT_EQ(header[18], 2);
    EXPECT_EQ(header[19], 2);
}

TEST(sqlite_store, answers_a_redelivery_from_the_stored_reply_without_new_records)
{
    temp_dir dir;
    auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
    ASSERT_EQ(commit_one(s, opening("env-1", 1, "C-ops", R"({"text":"INC-1 opened"})")).status,
              commit_status::committed);

    // The platform redelivers the same envelope; the decision, made again, differs.
    auto again = commit_one(s, opening("env-1", 1, "C-ops", R"({"text":"something else"})"));
    EXPECT_EQ(again.status, commit_status::duplicate_delivery);
    EXPECT_EQ(again.reply, R"({"text":"INC-1 opened"})");
    EXPECT_EQ(s.load(1).value().size(), 1u);

    // Also for a later command whose records would otherwise fit.
    ASSERT_EQ(commit_one(s, appending("env-2", 1, 1, two_records(), "first")).status,
              commit_status::committed);
    auto repeat = commit_one(s, appending("env-2", 1, 3, two_records(), "second"));
    EXPECT_EQ(repeat.status, commit_status::duplicate_delivery);
    EXPECT_EQ(repeat.reply, "first");
    EXPECT_EQ(s.load(1).value().size(), 3u);
    EXPECT_EQ(s.incident(1).value()->last_seq, 3u);
}

TEST(sqlite_store, stores_a_delivery_without_records_for_a_rejection)
{
    temp_dir dir;
    auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
    append rejection;
    rejection.delivery_id = "env-r";
    rejection.at_ms = now_ms;
    rejection.reply = R"({"text":"usage: /incident start TITLE"})";
    EXPECT_EQ(commit_one(s, rejection).status, commit_status::committed);
    auto d = s.find_delivery("env-r").value();
    ASSERT_TRUE(d);
    EXPECT_FALSE(d->incident);
    EXPECT_EQ(d->reply, rejection.reply);
    EXPECT_EQ(commit_one(s, rejection).status, commit_status::duplicate_delivery);

    // A rejection inside an incident names it and adds no record.
    ASSERT_EQ(commit_one(s, opening("env-o", 1, "C-ops")).status, commit_status::committed);
    append inside = rejection;
    inside.delivery_id = "env-r2";
    inside.incident = 1;
    inside.expected_seq = 1;
    EXPECT_EQ(commit_one(s, inside).status, commit_status::committed);
    EXPECT_EQ(s.find_delivery("env-r2").value()->incident, 1u);
    EXPECT_EQ(s.incident(1).value()->last_seq, 1u);
}

TEST(sqlite_store, refuses_a_second_append_decided_against_the_same_seq)
{
    temp_dir dir;
    auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
    ASSERT_EQ(commit_one(s, opening("d1", 1, "C-ops")).status, commit_status::committed);

    // Two commands decided against seq 1 at the same time; the second loses.
    auto a = appending("d2", 1, 1, {make_record("note_added", R"({"text":"a"})")});
    auto b = appending("d3", 1, 1, {make_record("note_added", R"({"text":"b"})")});
    EXPECT_EQ(commit_one(s, a).status, commit_status::committed);
    auto lost = commit_one(s, b);
    EXPECT_EQ(lost.status, commit_status::conflict);
    EXPECT_THAT(lost.error, HasSubstr("seq 2"));

    auto records = s.load(1).value();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].body, R"({"text":"a"})");
    // Nothing of the loser was written, not even its delivery: it may be decided again.
    EXPECT_FALSE(s.find_delivery("d3").value());
    EXPECT_EQ(commit_one(s, appending("d3", 1, 2, {make_record("note_added", "{}")})).status,
              commit_status::committed);
}

TEST(sqlite_store, refuses_an_append_that_expects_a_seq_the_log_has_not_reached)
{
    temp_dir dir;
    auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
    ASSERT_EQ(commit_one(s, opening("d1", 1, "C-ops")).status, commit_status::committed);
    // The primary key alone would accept seq 6 and leave a gap; last_seq's compare-and-set refuses.
    auto r = commit_one(s, appending("d2", 1, 5, {make_record("note_added", "{}")}));
    EXPECT_EQ(r.status, commit_status::conflict);
    EXPECT_EQ(s.load(1).value().size(), 1u);
    EXPECT_EQ(s.incident(1).value()->last_seq, 1u);
}

TEST(sqlite_store, refuses_a_taken_incident_number)
{
    temp_dir dir;
    auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
    ASSERT_EQ(commit_one(s, opening("d1", 1, "C-ops")).status, commit_status::committed);
    auto r = commit_one(s, opening("d2", 1, "C-web"));
    EXPECT_EQ(r.status, commit_status::conflict);
    EXPECT_THAT(r.error, HasSubstr("taken"));
    EXPECT_FALSE(s.incident_for_channel("C-web", false).value());
    EXPECT_FALSE(s.find_delivery("d2").value());
}

TEST(sqlite_store, allows_one_open_incident_per_channel_and_another_after_closing)
{
    temp_dir dir;
    auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
    ASSERT_EQ(commit_one(s, opening("d1", 1, "C-ops")).status, commit_status::committed);
    auto second = commit_one(s, opening("d2", 2, "C-ops"));
    EXPECT_EQ(second.status, commit_status::conflict);
    EXPECT_THAT(second.error, HasSubstr("open incident"));
    EXPECT_FALSE(s.incident(2).value());

    auto closing = appending("d3", 1, 1, {make_record("incident_closed", "{}")});
    closing.closes_at_ms = now_ms + 60'000;
    ASSERT_EQ(commit_one(s, closing).status, commit_status::committed);
    EXPECT_FALSE(s.incident_for_channel("C-ops", true).value());

    EXPECT_EQ(commit_one(s, opening("d4", 2, "C-ops")).status, commit_status::committed);
    EXPECT_EQ(s.incident_for_channel("C-ops", true).value()->number, 2u);

    // Closing an incident that is already closed is a stale decision.
    auto again = appending("d5", 1, 2, {make_record("incident_closed", "{}")});
    again.closes_at_ms = now_ms + 120'000;
    EXPECT_EQ(commit_one(s, again).status, commit_status::conflict);
    EXPECT_EQ(s.incident(1).value()->closed_at_ms, now_ms + 60'000);
}

TEST(sqlite_store, commits_the_rest_of_a_batch_when_one_append_conflicts)
{
    temp_dir dir;
    auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
    ASSERT_EQ(commit_one(s, opening("d0", 1, "C-ops", "stored-reply")).status, commit_status::committed);
    auto before = s.transactions();

    std::vector<append> batch;
    batch.push_back(appending("a", 1, 1, {make_record("note_added", R"({"n":1})")}));
    batch.push_back(appending("b", 1, 1, {make_record("note_added", R"({"n":2})")})); // same seq: conflict
    batch.push_back(opening("c", 2, "C-web"));
    batch.push_back(opening("d0", 3, "C-db")); // redelivery
    batch.push_back(appending("e", 1, 2, {make_record("note_added", R"({"n":3})")}));
    batch.push_back(appending("a", 1, 3, {make_record("note_added", R"({"n":4})")})); // same id in batch
    auto results = s.commit(batch);

    ASSERT_EQ(results.size(), 6u);
    EXPECT_EQ(results[0].status, commit_status::committed);
    EXPECT_EQ(results[1].status, commit_status::conflict);
    EXPECT_EQ(results[2].status, commit_status::committed);
    EXPECT_EQ(results[3].status, commit_status::duplicate_delivery);
    EXPECT_EQ(results[3].reply, "stored-reply");
    EXPECT_EQ(results[4].status, commit_status::committed);
    EXPECT_EQ(results[5].status, commit_status::duplicate_delivery);
    EXPECT_EQ(results[5].reply, R"({"text":"ok"})");
    EXPECT_EQ(s.transactions(), before + 1); // one transaction, one fsync

    auto records = s.load(1).value();
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[1].body, R"({"n":1})");
    EXPECT_EQ(records[2].body, R"({"n":3})");
    EXPECT_FALSE(s.find_delivery("b").value());
    EXPECT_FALSE(s.incident(3).value());
    EXPECT_EQ(s.incident(2).value()->channel, "C-web");
}

TEST(sqlite_store, refuses_malformed_appends_without_writing)
{
    temp_dir dir;
    auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
    ASSERT_EQ(commit_one(s, opening("d1", 1, "C-ops")).status, commit_status::committed);

    append no_incident = appending("x1", 0, 0, {make_record("note_added", "{}")});
    EXPECT_EQ(commit_one(s, no_incident).status, commit_status::failed);
    append nothing;
    EXPECT_EQ(commit_one(s, nothing).status, commit_status::failed);
    append unknown = appending("x2", 7, 0, {make_record("note_added", "{}")});
    auto r = commit_one(s, unknown);
    EXPECT_EQ(r.status, commit_status::failed);
    EXPECT_THAT(r.error, HasSubstr("does not exist"));
    auto reopen_late = opening("x3", 2, "C-web");
    reopen_late.expected_seq = 4;
    EXPECT_EQ(commit_one(s, reopen_late).status, commit_status::failed);
    append huge = appending("x4", std::uint64_t{1} << 63, 0, {make_record("note_added", "{}")});
    EXPECT_EQ(commit_one(s, huge).status, commit_status::failed);

    for (auto id : {"x1", "x2", "x3", "x4"})
        EXPECT_FALSE(s.find_delivery(id).value()) << id;
    EXPECT_EQ(s.incidents(false).value().size(), 1u);
    EXPECT_EQ(s.load(1).value().size(), 1u);
}

TEST(sqlite_store, keeps_chat_text_as_data_never_as_sql)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    std::string evil = "x'); DROP TABLE records; --";
    {
        auto s = sqlite_store::open(path, test_options());
        auto a = opening(evil, 1, evil, evil);
        a.records.front().type = evil;
        a.records.front().body = evil;
        ASSERT_EQ(commit_one(s, a).status, commit_status::committed);
    }
    auto s = sqlite_store::open(path, test_options());
    EXPECT_EQ(s.load(1).value().front().body, evil);
    EXPECT_EQ(s.load(1).value().front().type, evil);
    EXPECT_EQ(s.incident_for_channel(evil, true).value()->number, 1u);
    EXPECT_EQ(s.find_delivery(evil).value()->reply, evil);
}

TEST(sqlite_store, prunes_deliveries_older_than_the_retention_at_open)
{
    temp_dir dir;
    auto path = dir.file("coolhead.db");
    constexpr std::int64_t day = 24 * 3600 * 1000;
    {
        auto s = sqlite_store::open(path, test_options());
        auto old = opening("old", 1, "C-ops");
        old.at_ms = now_ms - 8 * day;
        auto recent = appending("recent", 1, 1, {make_record("note_added", "{}")});
        recent.at_ms = now_ms - 6 * day;
        std::vector<append> batch{old, recent};
        auto results = s.commit(batch);
        ASSERT_EQ(results[0].status, commit_status::committed);
        ASSERT_EQ(results[1].status, commit_status::committed);
    }
    auto s = sqlite_store::open(path, test_options()); // default retention: 7 days
    EXPECT_FALSE(s.find_delivery("old").value());
    EXPECT_TRUE(s.find_delivery("recent").value());
    // Records are never pruned: only the redelivery memory is.
    EXPECT_EQ(s.load(1).value().size(), 2u);
}

TEST(sqlite_store, logs_commits_without_bodies_or_replies)
{
    std::ostringstream out;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    ASSERT_TRUE(log::setup({.level = "trace", .levels = std::nullopt, .sink = sink}));
    {
        temp_dir dir;
        auto s = sqlite_store::open(dir.file("coolhead.db"), test_options());
        auto a = opening("env-1", 1, "C-ops", "REPLY-SECRET-TEXT");
        a.records.front().body = R"({"text":"BODY-CHAT-TEXT"})";
        ASSERT_EQ(commit_one(s, a).status, commit_status::committed);
        a.records.front().body = R"({"text":"BODY-CHAT-TEXT-2"})";
        ASSERT_EQ(commit_one(s, a).status, commit_status::duplicate_delivery);
        auto b = opening("env-2", 1, "C-ops", "REPLY-SECRET-TEXT");
        b.records.front().body = R"({"text":"BODY-CHAT-TEXT-3"})";
        ASSERT_EQ(commit_one(s, b).status, commit_status::conflict);
    }
    log::setup({});
    auto text = out.str();
    EXPECT_THAT(text, HasSubstr("event=store_commit batch=1"));
    EXPECT_THAT(text, HasSubstr("event=store_opened"));
    EXPECT_THAT(text, Not(HasSubstr("BODY-CHAT-TEXT")));
    EXPECT_THAT(text, Not(HasSubstr("REPLY-SECRET-TEXT")));
}

} // namespace
} // namespace coolhead::store

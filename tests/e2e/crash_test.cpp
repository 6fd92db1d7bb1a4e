// kill -9 at many points of a call: after every restart, each command whose reply was printed
// (acknowledged) is in the stored state, and nothing appears twice. Commands carry delivery ids
// (`:deliver`), as a platform's envelopes do, so resending the unacknowledged tail after a
// crash is exactly a platform's redelivery.
#include "tests/e2e/e2e.hpp"

#include <csignal>
#include <random>
#include <set>
#include <thread>

namespace coolhead::testing {
namespace {

using namespace std::chrono_literals;

struct line {
    std::string text;   ///< what is typed
    std::string marker; ///< unique text that appears in its reply and, once, in the timeline
};

std::vector<line> script()
{
    std::vector<line> s;
    s.push_back({":deliver 0 /incident start crash-drill checkout errors", "crash-drill"});
    for (int k = 1; k <= 45; ++k) {
        auto m = "m" + std::to_string(k) + "x";
        std::string cmd;
        switch (k % 5) {
        case 0: cmd = "/rootcause hypothesis " + m; break;
        case 1: cmd = "/mitigation option " + m + " impact=none recovery=1m"; break;
        case 2: cmd = "/incident update stakeholders " + m; break;
        default: cmd = "/incident note step " + m; break;
        }
        s.push_back({":deliver " + std::to_string(k) + " " + cmd, m});
    }
    return s;
}

/// How many times each marker appears in the post-mortem's timeline.
std::map<std::string, std::size_t> timeline_counts(std::string const& db, std::vector<line> const& lines)
{
    auto r = run_to_end(coolhead_binary(), console_args(db), "/postmortem\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto timeline = r.out.substr(std::min(r.out.size(), r.out.find("## Timeline")));
    std::map<std::string, std::size_t> counts;
    for (auto const& l : lines) {
        // Markers end in 'x' so "m1x" does not match inside "m11x".
        counts[l.marker] = count(timeline, l.marker);
    }
    return counts;
}

TEST(crash, every_acknowledged_command_survives_sigkill_and_nothing_applies_twice)
{
    scratch_dir dir;
    auto db = dir / "crash.db";
    auto lines = script();
    std::set<std::string> acked;
    std::size_t next = 0;
    std::mt19937 rng(20261123); // fixed seed: the same kill points every run
    std::uniform_int_distribution<int> delay_us(0, 4000);
    int rounds = 0, kills = 0;

    while (next < lines.size() && rounds < 200) {
        ++rounds;
        child_process p(coolhead_binary(), console_args(db));
        std::string input;
        for (auto i = next; i < lines.size(); ++i) input += lines[i].text + "\n";
        p.write(input);
        // Kill at a pseudo-random moment. One round in four measures from the start (so start-up
        // and recovery get killed too); the others from the first reply, so most kills land
        // while commands are being committed and printed.
        if (rounds % 4 != 1) p.read_until("[#ops", 10s);
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
        p.kill(SIGKILL);
        ++kills;
        p.wait(10s);
        auto const& out = p.out();
        // A reply counts as acknowledged once it is fully printed (its block ends in a blank line).
        auto complete = out.substr(0, out.rfind("\n\n") == std::string::npos ? 0 : out.rfind("\n\n"));
        for (auto i = next; i < lines.size(); ++i)
            if (complete.find(lines[i].marker) != std::string::npos) acked.insert(lines[i].marker);
        while (next < lines.size() && acked.contains(lines[next].marker)) ++next;

        // After the crash: everything acknowledged is stored exactly once; nothing is stored twice.
        auto counts = timeline_counts(db, lines);
        for (auto const& l : lines) {
            if (acked.contains(l.marker)) EXPECT_EQ(counts[l.marker], 1u) << l.marker << " after round " << rounds;
            else EXPECT_LE(counts[l.marker], 1u) << l.marker << " after round " << rounds;
        }
        if (::testing::Test::HasFailure()) break;
    }
    // Finish the script without a kill, then everything is there once.
    if (next < lines.size()) {
        std::string input;
        for (auto i = next; i < lines.size(); ++i) input += lines[i].text + "\n";
        auto r = run_to_end(coolhead_binary(), console_args(db), input);
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    auto counts = timeline_counts(db, lines);
    for (auto const& l : lines) EXPECT_EQ(counts[l.marker], 1u) << l.marker;
    EXPECT_GE(kills, 5) << "the test should crash the bot many times";
    RecordProperty("kills", kills);
    std::cout << "crash test: " << kills << " kills, " << rounds << " rounds\n";
}

} // namespace
} // namespace coolhead::testing

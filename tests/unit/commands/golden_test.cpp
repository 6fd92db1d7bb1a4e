// Complete incident calls whose published post-mortems are compared with golden files in
// tests/data/render/. To accept a deliberate change: COOLHEAD_UPDATE_GOLDEN=1 and rerun, then
// read the diff before committing it.
#include "call.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace coolhead::commands::testing {
namespace {

std::string golden_path(std::string const& name) { return std::string(COOLHEAD_SOURCE_DIR) + "/tests/data/render/" + name + ".md"; }

void check_golden(std::string const& name, std::string const& actual)
{
    auto path = golden_path(name);
    if (std::getenv("COOLHEAD_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "missing golden file " << path << " (run with COOLHEAD_UPDATE_GOLDEN=1 to create it)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << "post-mortem differs from " << path;
}

/// Judgement words a factual post-mortem does not use in its own voice.
constexpr std::array judgement{"blame", "fault", "careless", "mistake", "sloppy", "unfortunately", "obviously",
                               "should have", "failed to", "negligen", "bad ", "terrible", "stupid", "simply"};

void expect_facts_only(markup::document const& d)
{
    auto ours = ascii_lower(our_text(d));
    for (auto w : judgement) EXPECT_EQ(ours.find(w), std::string::npos) << "the renderer said \"" << w << "\"";
    for (auto w : default_blame_phrases()) EXPECT_EQ(ours.find(w), std::string::npos) << "the renderer said \"" << w << "\"";
}

TEST(golden, happy_path)
{
    call c;
    c.in("C-checkout");
    auto pm = play(c, {
        {0min, &alice, family::incident, "start Checkout fails for EU customers sev=2 reporter=@dana"},
        {1min, &alice, family::incident, "role comms @carol"},
        {4min, &bob, family::incident, "note error rate on /pay jumped to 30% at 02:58"},
        {10min, &bob, family::rootcause, "connection pool exhausted on checkout-db after the 02:55 config push"},
        {5min, &carol, family::rootcause, "confirm #1"},
        {2min, &bob, family::mitigation, "roll back the 02:55 config push impact=\"2 min of failed checkouts during the rollback\" recovery=10m"},
        {1min, &carol, family::mitigation, "pro #1 the previous config ran for six weeks"},
        {1min, &dana, family::mitigation, "con #1 the EU tax rule ships again later"},
        {1min, &alice, family::mitigation, "choose #1"},
        {10min, &bob, family::mitigation, "done"},
        {5min, &carol, family::incident, "update Checkout restored at 03:35; post-mortem to follow"},
        {60min, &bob, family::postmortem, "tollgate unit tests: no test ran the service with the new pool size"},
        {2min, &bob, family::postmortem, "tollgate uat n/a: config pushes do not pass through UAT today"},
        {2min, &bob, family::postmortem, "tollgate production checkout: the post-push probe used a warm pool and passed"},
        {3min, &bob, family::postmortem, "followup Add a config test that boots with the pushed pool size tollgate=unit-tests owner=@bob ticket=OPS-101"},
        {1min, &carol, family::postmortem, "followup Make the post-push probe open fresh connections tollgate=#3 owner=@carol ticket=OPS-102"},
        {1min, &alice, family::postmortem, "followup Route config pushes through UAT owner=@alice"},
        {5min, &alice, family::postmortem, "publish"},
    });
    ASSERT_FALSE(pm.empty());
    check_golden("happy_path", plain(pm));
    expect_facts_only(pm);
}

TEST(golden, rejected_hypothesis_and_a_veto)
{
    call c;
    c.in("C-search");
    auto pm = play(c, {
        {0min, &alice, family::incident, "start Search results empty for some queries sev=3"},
        {2min, &bob, family::rootcause, "the search vendor's API is down"},
        {6min, &carol, family::rootcause, "reject #1 vendor status is green and other indexes answer"},
        {3min, &alice, family::incident, "breakout index health @bob @dana"},
        {15min, &bob, family::incident, "breakout report #1 shard 7 lost its replica at 02:41"},
        {1min, &dana, family::rootcause, "shard 7 has no replica after a node restart and drops queries"},
        {4min, &bob, family::rootcause, "confirm #2"},
        {1min, &dana, family::mitigation, "restore shard 7 from the 02:00 snapshot impact=\"40 min of writes replayed\" recovery=30m"},
        {1min, &bob, family::mitigation, "re-replicate shard 7 from the surviving primary impact=none recovery=15m"},
        {2min, &carol, family::mitigation, "veto #1 the snapshot predates the schema change"},
        {1min, &alice, family::incident, "role decider @carol"},
        {1min, &carol, family::mitigation, "choose #2"},
        {16min, &bob, family::mitigation, "done"},
        {30min, &dana, family::postmortem, "tollgate unit tests n/a: a replica count is not code"},
        {1min, &dana, family::postmortem, "tollgate uat n/a: UAT runs one node"},
        {1min, &dana, family::postmortem, "tollgate production checkout: the node restart runbook has no replica check"},
        {1min, &dana, family::postmortem, "tollgate alerting: no alert fires on a shard without a replica"},
        {2min, &dana, family::postmortem, "followup Add a replica check to the restart runbook tollgate=\"production checkout\" owner=@dana ticket=SRCH-9"},
        {1min, &bob, family::postmortem, "followup Alert when a shard has no replica tollgate=alerting owner=@bob"},
        {2min, &carol, family::postmortem, "publish"},
    });
    ASSERT_FALSE(pm.empty());
    check_golden("rejected_and_vetoed", plain(pm));
    expect_facts_only(pm);
}

TEST(golden, mitigation_before_the_root_cause)
{
    call c;
    c.in("C-login");
    auto pm = play(c, {
        {0min, &alice, family::incident, "start Nobody can log in sev=1"},
        {3min, &bob, family::mitigation, "fail over auth to the second region impact=\"sessions reset\" recovery=5m"},
        {1min, &carol, family::mitigation, "con #1 everyone logs in again"},
        {1min, &alice, family::mitigation, "choose #1"},
        {6min, &bob, family::mitigation, "done"},
        {20min, &carol, family::rootcause, "the signing key rotated early and the old key was dropped"},
        {10min, &bob, family::rootcause, "confirm #1"},
        {30min, &carol, family::postmortem, "tollgate unit tests: the rotation job's tests mock the clock and never cross the boundary"},
        {1min, &carol, family::postmortem, "tollgate uat: UAT keys rotate weekly, production monthly"},
        {1min, &carol, family::postmortem, "tollgate production checkout n/a: rotation is not a release"},
        {2min, &carol, family::postmortem, "followup Test rotation across the month boundary tollgate=#1 owner=@carol ticket=AUTH-31"},
        {1min, &bob, family::postmortem, "followup Same rotation period in UAT and production tollgate=uat owner=@bob ticket=AUTH-32"},
        {5min, &alice, family::postmortem, "publish"},
    });
    ASSERT_FALSE(pm.empty());
    auto text = plain(pm);
    EXPECT_NE(text.find("Chosen before a root cause was confirmed"), std::string::npos);
    check_golden("mitigation_first", text);
    expect_facts_only(pm);
}

} // namespace
} // namespace coolhead::commands::testing

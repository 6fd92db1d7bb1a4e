// A whole incident call played through the core, its published post-mortem rendered as Slack
// mrkdwn and compared with tests/data/slack/postmortem_happy_path.mrkdwn. To accept a
// deliberate change: COOLHEAD_UPDATE_GOLDEN=1 and rerun, then read the diff before committing.
#include "bot/adapters/slack/mrkdwn.hpp"

#include "slack_data.hpp"
#include "tests/unit/commands/call.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace coolhead::slack {
namespace {

using namespace commands;
using namespace commands::testing;

/// The happy path of tests/unit/commands/golden_test.cpp, with a few characters in user text
/// that Slack would otherwise read as markup.
markup::document happy_path()
{
    call c;
    c.in("C-checkout");
    return play(
        c,
        {
            {0min, &alice, family::incident,
             "start Checkout fails for EU customers & <!here> sev=2 reporter=@dana"},
            {1min, &alice, family::incident, "role comms @carol"},
            {4min, &bob, family::incident, "note error rate on /pay jumped to 30% (> SLO) at 02:58"},
            {10min, &bob, family::rootcause,
             "connection pool exhausted on checkout-db after the 02:55 config push"},
            {5min, &carol, family::rootcause, "confirm #1"},
            {2min, &bob, family::mitigation,
             "roll back the 02:55 config push impact=\"2 min of failed checkouts during the rollback\" "
             "recovery=10m"},
            {1min, &carol, family::mitigation, "pro #1 the previous config ran for six weeks"},
            {1min, &dana, family::mitigation, "con #1 the EU tax rule ships again later"},
            {1min, &alice, family::mitigation, "choose #1"},
            {10min, &bob, family::mitigation, "done"},
            {5min, &carol, family::incident, "update Checkout restored at 03:35; post-mortem to follow"},
            {60min, &bob, family::postmortem,
             "tollgate unit tests: no test ran the service with the new pool size"},
            {2min, &bob, family::postmortem, "tollgate uat n/a: config pushes do not pass through UAT today"},
            {2min, &bob, family::postmortem,
             "tollgate production checkout: the post-push probe used a warm pool and passed"},
            {3min, &bob, family::postmortem,
             "followup Add a config test that boots with the pushed pool size tollgate=unit-tests owner=@bob "
             "ticket=OPS-101"},
            {1min, &carol, family::postmortem,
             "followup Make the post-push probe open fresh connections tollgate=#3 owner=@carol "
             "ticket=OPS-102"},
            {1min, &alice, family::postmortem, "followup Route config pushes through UAT owner=@alice"},
            {5min, &alice, family::postmortem, "publish"},
        });
}

TEST(slack_mrkdwn_golden, published_postmortem)
{
    auto pm = happy_path();
    ASSERT_FALSE(pm.empty());
    auto actual = render(pm) + "\n";
    auto path = slack::testing::data_dir() / "postmortem_happy_path.mrkdwn";
    if (std::getenv("COOLHEAD_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    auto expected = slack::testing::data("postmortem_happy_path.mrkdwn");
    EXPECT_EQ(actual, expected) << "mrkdwn differs from " << path;
    // The user's "<!here>" and "&" are shown, not obeyed.
    EXPECT_NE(actual.find("&amp; &lt;!here&gt;"), std::string::npos);
    EXPECT_EQ(actual.find('<'), std::string::npos);
}

TEST(slack_mrkdwn_golden, published_postmortem_splits_into_messages_that_fit)
{
    auto pm = happy_path();
    auto whole = render(pm);
    for (std::size_t limit : {message_limit, std::size_t{1500}, std::size_t{300}}) {
        auto chunks = render_chunks(pm, limit);
        ASSERT_FALSE(chunks.empty());
        if (whole.size() <= limit) {
            EXPECT_EQ(chunks.size(), 1U);
        }
        std::string seen;
        for (auto const& c : chunks) {
            EXPECT_LE(c.size(), limit);
            seen += c;
        }
        // Nothing lost but the line breaks at the cuts.
        auto squeeze = [](std::string s) {
            std::erase(s, '\n');
            std::erase(s, ' ');
            return s;
        };
        EXPECT_EQ(squeeze(seen), squeeze(whole)) << "limit " << limit;
    }
}

} // namespace
} // namespace coolhead::slack

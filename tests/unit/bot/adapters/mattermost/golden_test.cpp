// A whole incident call played through the core, its published post-mortem rendered as
// Mattermost markdown and compared with tests/data/mattermost/postmortem_happy_path.md. To accept
// a deliberate change: COOLHEAD_UPDATE_GOLDEN=1 and rerun, then read the diff before committing.
#include "bot/adapters/mattermost/markdown.hpp"

#include "mattermost_data.hpp"
#include "tests/unit/commands/call.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace coolhead::mattermost {
namespace {

using namespace commands;
using namespace commands::testing;

/// The happy path of tests/unit/commands/golden_test.cpp, with user text that Mattermost would
/// otherwise read as mentions, links and markup.
markup::document happy_path()
{
    call c;
    c.in("incident-42");
    return play(
        c,
        {
            {0min, &alice, family::incident,
             "start Checkout fails for EU customers & <!here> @channel [status](http://x) sev=2 reporter=@dana"},
            {1min, &alice, family::incident, "role comms @carol"},
            {4min, &bob, family::incident, "note error rate on /pay jumped to 30% (> SLO) at 02:58 cc @all"},
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
             "tollgate unit tests: no test ran the service with the new pool size | max_conns=`50`"},
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

TEST(mattermost_markdown_golden, published_postmortem)
{
    auto pm = happy_path();
    ASSERT_FALSE(pm.empty());
    auto actual = render(pm) + "\n";
    auto path = mattermost::testing::data_dir() / "postmortem_happy_path.md";
    if (std::getenv("COOLHEAD_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    auto expected = mattermost::testing::data("postmortem_happy_path.md");
    EXPECT_EQ(actual, expected) << "markdown differs from " << path;
    // The users' "@channel", "@all", "<!here>" and link are shown, not obeyed.
    EXPECT_EQ(mattermost::testing::server_mentions(actual), std::set<std::string>{});
    EXPECT_EQ(mattermost::testing::at_signs_outside_code(actual), 0U);
    EXPECT_NE(actual.find("&amp; &lt;\\!here&gt; `@channel` \\[status\\]\\(http://x\\)"), std::string::npos);
    EXPECT_EQ(actual.find('<'), std::string::npos);
    EXPECT_NE(actual.find("| Tollgate |"), std::string::npos);
}

TEST(mattermost_markdown_golden, published_postmortem_splits_into_posts_that_fit)
{
    auto pm = happy_path();
    auto whole = render(pm);
    for (std::size_t limit : {message_limit, legacy_message_limit, min_split_limit}) {
        auto chunks = render_chunks(pm, limit);
        ASSERT_FALSE(chunks.empty());
        if (rune_count(whole) <= limit) {
            EXPECT_EQ(chunks.size(), 1U);
        }
        std::string seen;
        for (auto const& c : chunks) {
            EXPECT_LE(rune_count(c), limit);
            EXPECT_EQ(mattermost::testing::at_signs_outside_code(c), 0U) << c;
            seen += c;
        }
        // Nothing lost but the whitespace at the cuts (the table is short enough to move whole).
        auto squeeze = [](std::string s) {
            std::erase_if(s, [](char ch) { return ch == '\n' || ch == ' '; });
            return s;
        };
        EXPECT_EQ(squeeze(seen), squeeze(whole)) << "limit " << limit;
    }
}

} // namespace
} // namespace coolhead::mattermost

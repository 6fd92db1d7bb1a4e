/// sqlite_event_store: the event_store contract over the real SQLite store.

#include "tests/unit/bot/store/store_test_support.hpp"

#include "bot/store/sqlite_event_store.hpp"
#include "commands/markup.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

namespace coolhead::store {
namespace {

namespace asio = boost::asio;
using test_support::temp_dir;

template <class T>
T run(asio::awaitable<T> a)
{
    asio::io_context io;
    auto f = asio::co_spawn(io, std::move(a), asio::use_future);
    io.run();
    return f.get();
}

commit_request started(std::string delivery, std::optional<commands::outbound> reply)
{
    commit_request r;
    r.delivery_id = std::move(delivery);
    r.received = commands::from_millis(test_support::now_ms);
    r.incident = 1;
    r.events.push_back(commands::event{r.received, {"U1", "alice"},
                                       commands::incident_started{1, {"C1", "incident"}, "Checkout fails", 3, {"U1", "alice"}}});
    r.reply = std::move(reply);
    r.opens_channel = "C1";
    return r;
}

TEST(sqlite_event_store, a_delivery_answered_without_a_reply_is_still_found)
{
    temp_dir dir;
    sqlite_event_store s(sqlite_store::open(dir.file("c.db"), test_support::test_options()), log::component("store"));
    ASSERT_EQ(run(s.commit(started("slack:Ev1", std::nullopt))).status, commit_status::committed);

    auto found = run(s.find_reply("slack:Ev1"));
    ASSERT_TRUE(found) << found.error().message();
    ASSERT_TRUE(*found) << "handled once, so a redelivery must be recognised";
    EXPECT_TRUE((*found)->body.empty()) << "nothing was said the first time";

    auto unknown = run(s.find_reply("slack:Ev2"));
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(*unknown);
}

TEST(sqlite_event_store, a_stored_reply_comes_back_as_it_was)
{
    temp_dir dir;
    sqlite_event_store s(sqlite_store::open(dir.file("c.db"), test_support::test_options()), log::component("store"));
    commands::outbound reply;
    reply.channel = {"C1", "incident"};
    reply.to = commands::visibility::one_user;
    reply.user = {"U1", "alice"};
    reply.body = commands::markup::document{{commands::markup::paragraph{{commands::markup::t("Started INC-1.")}}}};
    ASSERT_EQ(run(s.commit(started("slack:Ev1", reply))).status, commit_status::committed);
    auto found = run(s.find_reply("slack:Ev1"));
    ASSERT_TRUE(found && *found);
    EXPECT_EQ(**found, reply);
}

} // namespace
} // namespace coolhead::store

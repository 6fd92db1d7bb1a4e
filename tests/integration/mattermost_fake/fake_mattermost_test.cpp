// Proves fake_mattermost itself, through the bot's own network layer (websocket_client,
// https_client, http_server for a tiny slash-command endpoint, TLS from the test CA): hello and
// seq numbers, resume with and without loss, server restarts, the double-encoded `posted`,
// websocket requests and responses, auth refusals, REST posts and `since`, command
// registration, rate limits, and slash commands reaching a callback with Mattermost's form.
#include "bot/net/endpoint.hpp"
#include "bot/net/error.hpp"
#include "bot/net/http_server.hpp"
#include "bot/net/https_client.hpp"
#include "bot/net/tls.hpp"
#include "bot/net/websocket_client.hpp"
#include "tests/support/mattermost/fake_mattermost.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/support/test_server.hpp"
#include "tests/support/wait.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

#include <map>

namespace asio = boost::asio;
namespace net = coolhead::net;
namespace mm = coolhead::testing::mattermost;
using namespace coolhead::testing;
using boost::system::error_code;
using coolhead::test::eventually;
using coolhead::test::run;
using nlohmann::json;

namespace {

struct fixture {
    explicit fixture(fake_mattermost_options o = {}) : mm(std::move(o)) {}
    fake_mattermost mm;
    asio::ssl::context tls = net::make_tls_client_context({.ca_file = mm.ca_file()});
    asio::io_context ioc;

    std::string token() const { return mm.options().bot_token; }
};

net::websocket_options ws_options(std::string const& bearer)
{
    net::websocket_options o;
    o.connect_timeout = 5s;
    o.handshake_timeout = 5s;
    o.idle_timeout = 10s;
    if (!bearer.empty()) o.authorization = coolhead::log::secret("Bearer " + bearer);
    return o;
}

/// Connects to the fake's websocket with `query` ("?connection_id=…"); Bearer `bearer` unless
/// empty. Throws if the upgrade fails.
asio::awaitable<net::websocket_client> connect(fixture& f, std::string query, std::string bearer)
{
    auto options = ws_options(bearer); // named locals (GCC 12 coroutines)
    coolhead::log::secret url(f.mm.websocket_url() + query);
    auto const ex = co_await asio::this_coro::executor;
    auto ws = co_await net::websocket_client::connect(ex, f.tls, std::move(url), std::move(options));
    if (!ws) throw std::runtime_error("websocket connect failed: " + ws.error().message());
    co_return std::move(*ws);
}

/// Reads one frame and parses it; a failed read gives {"read_error": "<message>", "code": ...}.
asio::awaitable<json> read_json(net::websocket_client& ws)
{
    auto msg = co_await ws.read();
    if (!msg)
        co_return json{{"read_error", msg.error().message()}, {"closed", msg.error() == net::errc::closed}};
    co_return json::parse(*msg, nullptr, false);
}

/// The error of the next read (none if a message came).
asio::awaitable<error_code> read_error(net::websocket_client& ws)
{
    auto m = co_await ws.read();
    co_return m ? error_code{} : m.error();
}

/// `data.post` parsed a second time.
json inner_post(json const& ev)
{
    return json::parse(ev["data"]["post"].get<std::string>());
}

std::string resume_query(std::string const& id, std::int64_t seq, int err = 0)
{
    auto q = "?connection_id=" + id + "&sequence_number=" + std::to_string(seq);
    if (err != 0) q += "&disconnect_err_code=" + std::to_string(err);
    return q;
}

struct rest_answer {
    unsigned status = 0;
    json body;
    std::string raw;
    net::http_response response;
};

/// One REST request on a fresh client to the fake's server URL.
asio::awaitable<rest_answer> rest(fixture& f, net::http_method method, std::string target, std::string body,
                                  std::string bearer, std::chrono::milliseconds timeout = 5s)
{
    auto base = net::parse_endpoint(f.mm.server_url() + "/");
    if (!base) throw std::runtime_error("bad server URL");
    net::https_client_options o;
    o.connect_timeout = 5s;
    o.handshake_timeout = 5s;
    o.request_timeout = timeout;
    auto const ex = co_await asio::this_coro::executor;
    net::https_client client(ex, f.tls, *base, o);
    net::http_request r;
    r.method = method;
    r.target = std::move(target);
    if (!bearer.empty()) r.authorization = coolhead::log::secret("Bearer " + bearer);
    if (!body.empty()) r.headers.push_back({"Content-Type", "application/json"});
    r.body = std::move(body);
    auto res = co_await client.request(std::move(r));
    if (!res) throw std::runtime_error("request failed: " + res.error().message());
    rest_answer a;
    a.status = res->status;
    a.raw = res->body;
    a.body = json::parse(res->body, nullptr, false);
    a.response = std::move(*res);
    co_return a;
}

rest_answer rest_sync(fixture& f, net::http_method method, std::string target, std::string body = {},
                      std::string bearer = "default")
{
    if (bearer == "default") bearer = f.token();
    return run(f.ioc, rest(f, method, std::move(target), std::move(body), std::move(bearer)));
}

void expect_app_error(rest_answer const& a, unsigned status, std::string const& id)
{
    EXPECT_EQ(a.status, status) << a.raw;
    EXPECT_EQ(a.body.value("id", std::string{}), id) << a.raw;
    EXPECT_EQ(a.body.value("status_code", 0u), status) << a.raw;
    EXPECT_TRUE(a.body.contains("message")) << a.raw;
    EXPECT_TRUE(a.body.contains("request_id")) << a.raw;
    EXPECT_EQ(a.body.value("is_oauth", true), false) << a.raw;
}

/// A slash-command endpoint like the adapter's: net::http_server on its own thread.
class callback_endpoint {
  public:
    using answer_fn = std::function<net::http_server_response(net::http_server_request const&)>;

    explicit callback_endpoint(answer_fn answer, bool tls = false, std::chrono::milliseconds delay = 0ms)
        : answer_(std::move(answer)), delay_(delay)
    {
        if (tls)
            tls_.emplace(net::make_tls_server_context(
                coolhead::test::server_tls_settings(coolhead::test::server_identity::localhost)));
        io_.call([this] {
            net::http_server_options o;
            o.tls = tls_ ? &*tls_ : nullptr;
            server_.emplace(io_.executor(), o,
                            [this](net::http_server_request r) { return handle(std::move(r)); });
            if (auto ec = server_->listen()) throw std::runtime_error("listen: " + ec.message());
        });
        url_ = (tls ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(server_->port()) +
               "/mattermost/command";
    }
    ~callback_endpoint()
    {
        io_.call([this] { server_.reset(); });
    }
    callback_endpoint(callback_endpoint const&) = delete;
    callback_endpoint& operator=(callback_endpoint const&) = delete;

    std::string const& url() const { return url_; }
    std::vector<net::http_server_request> seen() const { return seen_.snapshot(); }

  private:
    asio::awaitable<net::http_server_response> handle(net::http_server_request r)
    {
        seen_.push(r);
        if (delay_ > 0ms) co_await coolhead::test::pause(delay_);
        co_return answer_(r);
    }

    coolhead::test::io_thread io_; // first: destroyed last
    answer_fn answer_;
    std::chrono::milliseconds delay_;
    std::optional<asio::ssl::context> tls_;
    std::optional<net::http_server> server_;
    coolhead::test::recorder<net::http_server_request> seen_;
    std::string url_;
};

net::http_server_response json_answer(json body)
{
    return {200, {{"Content-Type", "application/json"}}, body.dump()};
}

/// POSTs `body` as JSON to an absolute URL served by the fake (a response_url).
asio::awaitable<net::http_response> post_json(fixture& f, std::string url, std::string body)
{
    auto ep = net::parse_endpoint(url);
    if (!ep) throw std::runtime_error("bad URL");
    // Named locals: a defaulted options aggregate in the same expression as a co_await gets its
    // short strings corrupted by GCC 12.
    net::https_client_options const options;
    auto const ex = co_await asio::this_coro::executor;
    net::https_client client(ex, f.tls, *ep, options);
    net::http_request r;
    r.method = net::http_method::post;
    r.target = ep->target;
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = std::move(body);
    auto answer = co_await client.request(std::move(r));
    if (!answer) throw std::runtime_error(answer.error().message());
    co_return std::move(*answer);
}

/// The form as a multimap (repeated keys kept in order).
std::multimap<std::string, std::string> form_of(std::string const& body)
{
    std::multimap<std::string, std::string> out;
    for (auto& [k, v] : mm::parse_form(body))
        out.emplace(k, v);
    return out;
}

std::string field(std::multimap<std::string, std::string> const& form, std::string const& key)
{
    auto it = form.find(key);
    return it == form.end() ? std::string("<missing>") : it->second;
}

} // namespace

// ---- websocket ----------------------------------------------------------------------------

TEST(fake_mattermost, hello_comes_first_with_a_fresh_connection_id_and_events_count_seq_from_zero)
{
    fixture f;
    struct outcome {
        json hello, first, second;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws =
            co_await connect(f, "?connection_id=&sequence_number=0", f.token()); // as @mattermost/client
        o.hello = co_await read_json(ws);
        f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "first");
        f.mm.post_message(f.mm.incident_channel(), f.mm.bob(), "second");
        o.first = co_await read_json(ws);
        o.second = co_await read_json(ws);
        co_await ws.close(net::close_code::normal);
        co_return o;
    }());
    EXPECT_EQ(out.hello["event"], "hello");
    EXPECT_EQ(out.hello["seq"], 0);
    auto const id = out.hello["data"]["connection_id"].get<std::string>();
    EXPECT_TRUE(mm::is_valid_id(id)) << id;
    EXPECT_EQ(out.hello["data"]["server_version"], f.mm.options().server_version);
    EXPECT_EQ(out.hello["broadcast"]["user_id"], f.mm.bot());
    EXPECT_EQ(out.first["event"], "posted");
    EXPECT_EQ(out.first["seq"], 1);
    EXPECT_EQ(out.second["seq"], 2);
    EXPECT_EQ(inner_post(out.second)["message"], "second");

    ASSERT_TRUE(f.mm.socket(1).wait_closed());
    auto const c = f.mm.connections().at(0);
    EXPECT_EQ(c.connection_id, id);
    EXPECT_EQ(c.auth, socket_auth::bearer);
    EXPECT_FALSE(c.resumed);
    EXPECT_TRUE(c.hello_sent);
    EXPECT_EQ(c.first_seq, 0);
    EXPECT_EQ(c.last_seq, 2);
    EXPECT_EQ(c.end, socket_end::closed_by_client);
    EXPECT_EQ(c.client_close_code, net::close_code::normal);
    EXPECT_EQ(f.mm.live_connection_ids(), std::vector<std::string>{id}); // resumable after the close
}

TEST(fake_mattermost, posted_carries_post_and_mentions_as_json_strings_and_only_members_get_events)
{
    fixture f;
    struct outcome {
        json root, reply, after_non_member;
    };
    std::string root_id;
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f, "", f.token());
        co_await read_json(ws); // hello
        root_id =
            f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "@coolhead status please, @bob.").id;
        o.root = co_await read_json(ws);
        f.mm.post_message(f.mm.incident_channel(), f.mm.bob(), "on it", root_id);
        o.reply = co_await read_json(ws);
        f.mm.post_message("fakechanneltownsquare00001", f.mm.alice(), "not for the bot"); // not a member
        f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "for the bot");
        o.after_non_member = co_await read_json(ws);
        co_await ws.close(net::close_code::normal);
        co_return o;
    }());
    ASSERT_TRUE(out.root["data"]["post"].is_string()) << out.root.dump();
    auto const post = inner_post(out.root);
    EXPECT_EQ(post["id"], root_id);
    EXPECT_EQ(post["message"], "@coolhead status please, @bob.");
    EXPECT_EQ(post["user_id"], f.mm.alice());
    EXPECT_EQ(post["channel_id"], f.mm.incident_channel());
    EXPECT_EQ(post["create_at"], f.mm.options().start_time_ms); // the fake's clock
    ASSERT_TRUE(out.root["data"]["mentions"].is_string());
    EXPECT_EQ(json::parse(out.root["data"]["mentions"].get<std::string>()), (json{f.mm.bot(), f.mm.bob()}));
    EXPECT_EQ(out.root["data"]["channel_type"], "O");
    EXPECT_EQ(out.root["data"]["channel_name"], "incident-42");
    EXPECT_EQ(out.root["data"]["sender_name"], "@alice");
    EXPECT_EQ(out.root["data"]["team_id"], f.mm.options().team_id);
    EXPECT_EQ(out.root["broadcast"]["channel_id"], f.mm.incident_channel());
    EXPECT_EQ(inner_post(out.reply)["root_id"], root_id);
    EXPECT_FALSE(out.reply["data"].contains("mentions"));
    EXPECT_EQ(inner_post(out.after_non_member)["message"], "for the bot");
    EXPECT_EQ(out.after_non_member["seq"], 3);                      // the non-member post used no seq
    EXPECT_EQ(f.mm.posts("fakechanneltownsquare00001").size(), 1u); // but exists for REST
    EXPECT_EQ(f.mm.post(root_id)->reply_count, 1);
}

TEST(fake_mattermost, edits_deletes_and_reactions_carry_their_objects_as_strings)
{
    fixture f;
    std::vector<json> seen;
    auto const p = f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "typo");
    run(f.ioc, [&]() -> asio::awaitable<void> {
        auto ws = co_await connect(f, "", f.token());
        co_await read_json(ws); // hello
        f.mm.edit_post(p.id, "fixed");
        f.mm.add_reaction(f.mm.bob(), p.id, "eyes");
        f.mm.remove_reaction(f.mm.bob(), p.id, "eyes");
        f.mm.delete_post(p.id);
        for (int i = 0; i < 4; ++i)
            seen.push_back(co_await read_json(ws));
        co_await ws.close(net::close_code::normal);
    }());
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_EQ(seen[0]["event"], "post_edited");
    EXPECT_EQ(inner_post(seen[0])["message"], "fixed");
    EXPECT_GT(inner_post(seen[0])["edit_at"].get<std::int64_t>(), 0);
    EXPECT_EQ(seen[1]["event"], "reaction_added");
    ASSERT_TRUE(seen[1]["data"]["reaction"].is_string());
    auto const reaction = json::parse(seen[1]["data"]["reaction"].get<std::string>());
    EXPECT_EQ(reaction["user_id"], f.mm.bob());
    EXPECT_EQ(reaction["post_id"], p.id);
    EXPECT_EQ(reaction["emoji_name"], "eyes");
    EXPECT_TRUE(reaction.contains("create_at"));
    EXPECT_EQ(seen[2]["event"], "reaction_removed");
    EXPECT_EQ(seen[3]["event"], "post_deleted");
    EXPECT_GT(inner_post(seen[3])["delete_at"].get<std::int64_t>(), 0);
    EXPECT_EQ(seen[3]["seq"], 4);
}

TEST(fake_mattermost, requests_get_responses_with_seq_reply_and_no_seq)
{
    fixture f;
    std::vector<json> seen;
    run(f.ioc, [&]() -> asio::awaitable<void> {
        auto ws = co_await connect(f, "", f.token());
        co_await read_json(ws); // hello
        ws.send(R"({"seq":1,"action":"ping"})");
        ws.send(R"({"seq":2,"action":"user_typing","data":{"channel_id":"x"}})");
        ws.send(R"({"seq":0,"action":"ping"})");
        ws.send(R"({"seq":3,"action":"no_such_action"})");
        ws.send(
            R"({"seq":4,"action":"authentication_challenge","data":{"token":"ignored"}})"); // already
                                                                                            // authenticated
        ws.send(R"({"seq":5,"action":"ping"})");
        for (int i = 0; i < 5; ++i)
            seen.push_back(co_await read_json(ws));
        co_await ws.close(net::close_code::normal);
    }());
    ASSERT_EQ(seen.size(), 5u);
    EXPECT_EQ(seen[0]["status"], "OK");
    EXPECT_EQ(seen[0]["seq_reply"], 1);
    EXPECT_FALSE(seen[0].contains("seq"));
    EXPECT_EQ(seen[0]["data"]["text"], "pong");
    EXPECT_EQ(seen[0]["data"]["version"], f.mm.options().server_version);
    EXPECT_TRUE(seen[0]["data"].contains("server_time"));
    EXPECT_EQ(seen[1]["seq_reply"], 2);
    EXPECT_EQ(seen[2]["status"], "FAIL");
    EXPECT_EQ(seen[2]["error"]["id"], "api.web_socket_router.bad_seq.app_error");
    EXPECT_EQ(seen[3]["error"]["id"], "api.web_socket_router.bad_action.app_error");
    EXPECT_EQ(seen[4]["seq_reply"], 5); // the challenge was ignored, the socket still works
    ASSERT_TRUE(f.mm.socket(1).wait_closed()); // every record of the socket is complete
    auto const frames = f.mm.client_frames();
    ASSERT_EQ(frames.size(), 6u);
    EXPECT_EQ(frames[0].action, "ping");
    EXPECT_EQ(frames[0].seq, 1);
    EXPECT_EQ(f.mm.connections().at(0).responses_sent, 5u);
}

TEST(fake_mattermost, pings_membership_direct_channels_broadcasts_and_the_client_frame_limit)
{
    fake_mattermost_options o;
    o.ping_interval = 50ms;
    fixture f(o);
    auto const town = std::string("fakechanneltownsquare00001");
    auto const dm = std::string("fakechanneldmalicebot00001");
    struct outcome {
        bool pinged = false;
        json town_post, direct, added, too_big_read;
        std::optional<net::websocket_close_reason> too_big;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome r;
        auto ws = co_await connect(f, "", f.token());
        co_await read_json(ws); // hello
        r.pinged = co_await eventually([&] { return f.mm.socket(1).info().pings_sent >= 3; });
        f.mm.set_member(town, true);
        f.mm.set_member(f.mm.incident_channel(), false);
        f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "no longer for the bot");
        f.mm.post_message(town, f.mm.alice(), "now for the bot");
        r.town_post = co_await read_json(ws);
        f.mm.post_message(dm, f.mm.alice(), "psst");
        r.direct = co_await read_json(ws);
        f.mm.broadcast_event("user_added", {{"user_id", f.mm.bob()}, {"team_id", f.mm.options().team_id}},
                             town);
        r.added = co_await read_json(ws);
        ws.send(json{{"seq", 1}, {"action", "ping"}, {"data", {{"pad", std::string(9000, 'x')}}}}.dump());
        r.too_big_read = co_await read_json(ws);
        r.too_big = ws.peer_close();
        co_return r;
    }());
    EXPECT_TRUE(out.pinged);
    EXPECT_EQ(inner_post(out.town_post)["message"], "now for the bot");
    EXPECT_EQ(out.town_post["seq"], 1);
    EXPECT_EQ(out.direct["data"]["channel_type"], "D");
    EXPECT_EQ(json::parse(out.direct["data"]["mentions"].get<std::string>()), json{f.mm.bot()});
    EXPECT_EQ(out.direct["data"]["team_id"], "");
    EXPECT_EQ(out.added["event"], "user_added");
    EXPECT_EQ(out.added["broadcast"]["channel_id"], town);
    EXPECT_EQ(out.added["seq"], 3);
    EXPECT_EQ(out.too_big_read["closed"], true) << out.too_big_read.dump();
    ASSERT_TRUE(out.too_big);
    EXPECT_EQ(out.too_big->code, net::close_code::too_big);
    ASSERT_TRUE(f.mm.socket(1).wait_closed());
    EXPECT_EQ(f.mm.connections().at(0).end, socket_end::closed_by_fake);
    EXPECT_TRUE(f.mm.wait_for_client_frames("ping", 1, 0ms));
}

TEST(fake_mattermost, resume_replays_missed_events_with_the_same_id_and_no_hello)
{
    fixture f;
    struct outcome {
        std::string id;
        json hello, replay_a, replay_b, live;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f, "?connection_id=&sequence_number=0", f.token());
        o.hello = co_await read_json(ws);
        o.id = o.hello["data"]["connection_id"].get<std::string>();
        co_await ws.close(4001);      // as the official client on a gap
        f.mm.socket(1).wait_closed(); // else the post may still be queued on the closing socket
        f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "while away 1");
        f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "while away 2");
        auto again = co_await connect(f, resume_query(o.id, 1, 4001), f.token());
        o.replay_a = co_await read_json(again);
        o.replay_b = co_await read_json(again);
        f.mm.post_message(f.mm.incident_channel(), f.mm.bob(), "live");
        o.live = co_await read_json(again);
        co_await again.close(net::close_code::normal);
        co_return o;
    }());
    EXPECT_EQ(out.replay_a["event"], "posted") << out.replay_a.dump(); // not a hello
    EXPECT_EQ(out.replay_a["seq"], 1);
    EXPECT_EQ(inner_post(out.replay_a)["message"], "while away 1");
    EXPECT_EQ(out.replay_b["seq"], 2);
    EXPECT_EQ(out.live["seq"], 3);

    ASSERT_TRUE(f.mm.socket(2).wait_closed());
    auto const c = f.mm.connections();
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].client_close_code, 4001);
    EXPECT_TRUE(c[1].resumed);
    EXPECT_FALSE(c[1].hello_sent);
    EXPECT_EQ(c[1].connection_id, out.id);
    EXPECT_EQ(c[1].replayed, 2u);
    EXPECT_EQ(c[1].first_seq, 1);
    EXPECT_EQ(c[1].disconnect_err_code, "4001");
    auto const events = f.mm.events();
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[1].socket, 0u); // queued while no socket was open
    EXPECT_EQ(events[3].socket, 2u);
}

TEST(fake_mattermost, a_lost_sequence_or_an_unknown_id_gets_a_new_id_seq_zero_and_hello)
{
    fake_mattermost_options o;
    o.resume_queue_size = 2;
    fixture f(o);
    struct outcome {
        std::string id;
        json lost_hello, unknown_hello, after, closed_by_fake;
        std::uint16_t close_code = 0;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome r;
        auto ws = co_await connect(f, "", f.token());
        r.id = (co_await read_json(ws))["data"]["connection_id"].get<std::string>();
        co_await ws.close(net::close_code::normal);
        for (int i = 0; i < 3; ++i)
            f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "missed"); // seq 1..3
        auto lost = co_await connect(f, resume_query(r.id, 1), f.token());      // only 2 and 3 are kept
        r.lost_hello = co_await read_json(lost);
        f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "after");
        r.after = co_await read_json(lost);
        co_await lost.close(net::close_code::normal);
        auto unknown = co_await connect(f, resume_query("zzzzzzzzzzzzzzzzzzzzzzzzzz", 7), f.token());
        r.unknown_hello = co_await read_json(unknown);
        f.mm.newest().close(net::close_code::going_away, "restarting");
        r.closed_by_fake = co_await read_json(unknown);
        r.close_code = unknown.peer_close() ? unknown.peer_close()->code : 0;
        co_return r;
    }());
    EXPECT_EQ(out.lost_hello["event"], "hello");
    EXPECT_EQ(out.lost_hello["seq"], 0);
    auto const new_id = out.lost_hello["data"]["connection_id"].get<std::string>();
    EXPECT_NE(new_id, out.id);
    EXPECT_EQ(out.after["seq"], 1);
    EXPECT_EQ(out.unknown_hello["event"], "hello");
    EXPECT_NE(out.unknown_hello["data"]["connection_id"], new_id);
    EXPECT_EQ(out.closed_by_fake["closed"], true);
    EXPECT_EQ(out.close_code, net::close_code::going_away);
    ASSERT_TRUE(f.mm.socket(3).wait_closed());
    auto const c = f.mm.connections();
    EXPECT_EQ(c.at(2).end, socket_end::closed_by_fake);
    ASSERT_EQ(c.size(), 3u);
    EXPECT_FALSE(c[1].resumed);
    EXPECT_TRUE(c[1].hello_sent);
    EXPECT_FALSE(c[2].resumed);
    auto const live = f.mm.live_connection_ids();
    EXPECT_EQ(std::count(live.begin(), live.end(), out.id), 0); // the lossy id was replaced
}

TEST(fake_mattermost, server_restart_forgets_ids_and_events_in_between_are_only_in_rest)
{
    fixture f;
    struct outcome {
        std::string id;
        error_code dropped;
        json hello, next;
    };
    std::string missed;
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f, "", f.token());
        o.id = (co_await read_json(ws))["data"]["connection_id"].get<std::string>();
        f.mm.server_restart();
        auto gone = co_await ws.read();
        o.dropped = gone ? error_code{} : gone.error();
        missed = f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "during the restart").id;
        auto again = co_await connect(f, resume_query(o.id, 1), f.token());
        o.hello = co_await read_json(again);
        f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "after the restart");
        o.next = co_await read_json(again);
        co_await again.close(net::close_code::normal);
        co_return o;
    }());
    EXPECT_TRUE(out.dropped);
    EXPECT_EQ(out.hello["event"], "hello");
    EXPECT_NE(out.hello["data"]["connection_id"], out.id);
    EXPECT_EQ(inner_post(out.next)["message"], "after the restart"); // nothing replayed
    EXPECT_EQ(out.next["seq"], 1);
    EXPECT_EQ(f.mm.connections().at(0).end, socket_end::server_restart);

    auto const since = rest_sync(f, net::http_method::get,
                                 "/api/v4/channels/" + f.mm.incident_channel() +
                                     "/posts?since=" + std::to_string(f.mm.options().start_time_ms - 1));
    ASSERT_EQ(since.status, 200u) << since.raw;
    EXPECT_TRUE(since.body["posts"].contains(missed));
}

TEST(fake_mattermost, skip_seq_makes_a_gap_and_resuming_at_the_gap_starts_fresh)
{
    fixture f;
    struct outcome {
        std::string id;
        json gap, hello;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f, "", f.token());
        o.id = (co_await read_json(ws))["data"]["connection_id"].get<std::string>();
        f.mm.newest().skip_seq();
        o.gap = co_await read_json(ws);
        co_await ws.close(4001); // what the client must do: seq 2 arrived, 1 was expected
        auto again = co_await connect(f, resume_query(o.id, 1, 4001), f.token());
        o.hello = co_await read_json(again);
        co_await again.close(net::close_code::normal);
        co_return o;
    }());
    EXPECT_EQ(out.gap["event"], "status_change");
    EXPECT_EQ(out.gap["seq"], 2);
    EXPECT_EQ(out.hello["event"], "hello");
    EXPECT_NE(out.hello["data"]["connection_id"], out.id);
    ASSERT_TRUE(f.mm.socket(1).wait_closed());
    EXPECT_EQ(f.mm.connections().at(0).client_close_code, 4001);
}

TEST(fake_mattermost, resume_drops_a_stalled_old_socket_and_raw_frames_reach_the_client)
{
    fixture f;
    struct outcome {
        std::string raw;
        error_code oversized;
        json replayed;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f, "", f.token());
        auto const id = (co_await read_json(ws))["data"]["connection_id"].get<std::string>();
        f.mm.newest().send_binary(std::string("\x81\xa4seq\x01", 6)); // msgpack: websocket_client skips it
        f.mm.newest().send_raw("not json at all");
        auto raw = co_await ws.read();
        o.raw = raw ? *raw : raw.error().message();
        f.mm.newest().stall(); // half-open: the client does not know yet
        f.mm.post_message(f.mm.incident_channel(), f.mm.alice(), "queued behind a stall");
        auto again = co_await connect(f, resume_query(id, 1), f.token());
        o.replayed = co_await read_json(again);
        f.mm.socket(2).send_oversized();
        auto big = co_await again.read();
        o.oversized = big ? error_code{} : big.error();
        co_await again.close();
        co_return o;
    }());
    EXPECT_EQ(out.raw, "not json at all");
    EXPECT_EQ(inner_post(out.replayed)["message"], "queued behind a stall");
    EXPECT_EQ(out.oversized, net::errc::message_too_large) << out.oversized.message();
    ASSERT_TRUE(f.mm.socket(1).wait_closed());
    EXPECT_EQ(f.mm.connections().at(0).end, socket_end::superseded);
    EXPECT_TRUE(f.mm.connections().at(0).stalled);
    ASSERT_TRUE(f.mm.socket(2).wait_closed());
    EXPECT_EQ(f.mm.connections().at(1).client_close_code, net::close_code::too_big);
}

TEST(fake_mattermost, auth_refusals_close_without_a_frame)
{
    fixture f;
    struct outcome {
        error_code wrong_token, no_sequence, bad_challenge;
        json unauthenticated_ping;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome r;
        auto a = co_await connect(f, "", "not-the-token");
        r.wrong_token = co_await read_error(a);
        auto b = co_await connect(f, "?connection_id=zzzzzzzzzzzzzzzzzzzzzzzzzz", f.token());
        r.no_sequence = co_await read_error(b);
        auto c = co_await connect(f, "", "");
        c.send(R"({"seq":1,"action":"ping"})");
        r.unauthenticated_ping = co_await read_json(c);
        c.send(R"({"seq":2,"action":"authentication_challenge","data":{"token":"wrong"}})");
        r.bad_challenge = co_await read_error(c);
        co_return r;
    }());
    for (auto const& ec : {out.wrong_token, out.no_sequence, out.bad_challenge}) {
        EXPECT_TRUE(ec);
        EXPECT_NE(ec, net::errc::closed) << "no close frame expected: " << ec.message();
    }
    EXPECT_EQ(out.unauthenticated_ping["status"], "FAIL");
    EXPECT_EQ(out.unauthenticated_ping["error"]["id"], "api.web_socket_router.not_authenticated.app_error");
    ASSERT_TRUE(f.mm.socket(3).wait_closed());
    auto const c = f.mm.connections();
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(c[0].end, socket_end::refused);
    EXPECT_EQ(c[0].refusal, "invalid token");
    EXPECT_EQ(c[1].refusal, "sequence_number missing");
    EXPECT_EQ(c[2].refusal, "invalid challenge token");
    for (auto const& s : c) EXPECT_TRUE(s.connection_id.empty());
    EXPECT_TRUE(f.mm.live_connection_ids().empty());
}

TEST(fake_mattermost, a_socket_that_never_authenticates_is_closed_after_auth_timeout)
{
    fake_mattermost_options o;
    o.auth_timeout = 200ms;
    fixture f(o);
    auto const err = run(f.ioc, [&]() -> asio::awaitable<error_code> {
        auto quiet = co_await connect(f, "", ""); // says nothing
        co_return co_await read_error(quiet);
    }());
    EXPECT_TRUE(err);
    EXPECT_NE(err, net::errc::closed) << err.message();
    ASSERT_TRUE(f.mm.socket(1).wait_closed());
    EXPECT_EQ(f.mm.connections().at(0).end, socket_end::auth_timeout);
}

TEST(fake_mattermost, a_challenge_authenticates_but_never_resumes)
{
    fixture f;
    struct outcome {
        json ok, hello, second_ok, second_hello;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome r;
        auto const challenge =
            json{{"seq", 1}, {"action", "authentication_challenge"}, {"data", {{"token", f.token()}}}}.dump();
        auto ws = co_await connect(f, "", "");
        ws.send(challenge);
        r.ok = co_await read_json(ws);
        r.hello = co_await read_json(ws);
        co_await ws.close(net::close_code::normal);
        auto const id = r.hello["data"]["connection_id"].get<std::string>();
        auto again = co_await connect(f, resume_query(id, 1), ""); // no Bearer: no resume
        again.send(challenge);
        r.second_ok = co_await read_json(again);
        r.second_hello = co_await read_json(again);
        co_await again.close(net::close_code::normal);
        co_return r;
    }());
    EXPECT_EQ(out.ok, (json{{"status", "OK"}, {"seq_reply", 1}}));
    EXPECT_EQ(out.hello["event"], "hello");
    EXPECT_EQ(out.second_ok["seq_reply"], 1);
    EXPECT_EQ(out.second_hello["event"], "hello");
    EXPECT_NE(out.second_hello["data"]["connection_id"], out.hello["data"]["connection_id"]);
    auto const c = f.mm.connections();
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].auth, socket_auth::challenge);
    EXPECT_FALSE(c[1].resumed);
}

// ---- REST ---------------------------------------------------------------------------------

TEST(fake_mattermost, rest_posts_come_back_as_events_and_since_returns_changes)
{
    fixture f;
    auto const channel = f.mm.incident_channel();
    struct outcome {
        rest_answer created;
        json own_event;
    };
    auto out = run(f.ioc, [&]() -> asio::awaitable<outcome> {
        outcome o;
        auto ws = co_await connect(f, "", f.token());
        co_await read_json(ws); // hello
        auto const body =
            json{{"channel_id", channel}, {"message", "Incident INC-1 started"}}.dump(); // named (GCC 12)
        o.created = co_await rest(f, net::http_method::post, "/api/v4/posts", body, f.token());
        o.own_event = co_await read_json(ws);
        co_await ws.close(net::close_code::normal);
        co_return o;
    }());
    ASSERT_EQ(out.created.status, 201u) << out.created.raw;
    auto const id = out.created.body["id"].get<std::string>();
    EXPECT_EQ(out.created.body["user_id"], f.mm.bot());
    EXPECT_TRUE(out.created.response.header("X-Request-Id"));
    EXPECT_EQ(inner_post(out.own_event)["id"], id); // the adapter must ignore its own posts
    EXPECT_EQ(out.own_event["data"]["sender_name"], "@coolhead");

    auto const t0 = out.created.body["create_at"].get<std::int64_t>();
    f.mm.edit_post(id, "Incident INC-1 started (edited)");
    auto const other = f.mm.post_message(channel, f.mm.alice(), "later").id;
    auto const since = rest_sync(f, net::http_method::get,
                                 "/api/v4/channels/" + channel + "/posts?since=" + std::to_string(t0));
    ASSERT_EQ(since.status, 200u) << since.raw;
    EXPECT_EQ(since.body["order"], (json{other, id})); // newest first; the edit moved update_at
    EXPECT_EQ(since.body["posts"][id]["message"], "Incident INC-1 started (edited)");
    auto const later = rest_sync(f, net::http_method::get,
                                 "/api/v4/channels/" + channel +
                                     "/posts?since=" + std::to_string(f.mm.post(other)->update_at));
    EXPECT_TRUE(later.body["order"].empty()); // strictly after

    auto const bot = f.mm.bot_posts(channel);
    ASSERT_EQ(bot.size(), 1u);
    EXPECT_EQ(bot[0].origin, post_origin::rest);
    EXPECT_EQ(f.mm.posts(channel).size(), 2u);
}

TEST(fake_mattermost, rest_refuses_like_mattermost)
{
    fixture f;
    auto const post = [&](json body, std::string bearer = "default") {
        return rest_sync(f, net::http_method::post, "/api/v4/posts", body.dump(), std::move(bearer));
    };
    auto const channel = f.mm.incident_channel();
    expect_app_error(post({{"channel_id", channel}, {"message", std::string(16384, 'a')}}), 400,
                     "model.post.is_valid.msg.app_error");
    auto const fits = post({{"channel_id", channel}, {"message", std::string(16382, 'a') + "\xC3\xA9"}});
    EXPECT_EQ(fits.status, 201u) << fits.raw;
    expect_app_error(post({{"channel_id", "fakechanneltownsquare00001"}, {"message", "hi"}}), 403,
                     "api.context.permissions.app_error");
    expect_app_error(
        post({{"channel_id", channel}, {"message", "hi"}, {"root_id", "nosuchpost0000000000000000"}}), 400,
        "api.post.create_post.root_id.app_error");
    expect_app_error(post({{"channel_id", channel}, {"message", "hi"}}, "wrong"), 401,
                     "api.context.session_expired.app_error");
    expect_app_error(post({{"channel_id", channel}, {"message", "hi"}}, ""), 401,
                     "api.context.session_expired.app_error");

    auto const me = rest_sync(f, net::http_method::get, "/api/v4/users/me");
    EXPECT_EQ(me.body["id"], f.mm.bot());
    EXPECT_EQ(me.body["is_bot"], true);
    auto const teams = rest_sync(f, net::http_method::get, "/api/v4/users/me/teams");
    ASSERT_EQ(teams.body.size(), 1u) << teams.raw;
    EXPECT_EQ(teams.body[0]["id"], f.mm.options().team_id);
    EXPECT_EQ(rest_sync(f, net::http_method::get, "/api/v4/teams/name/acme").body["id"],
              f.mm.options().team_id);
    auto const alice = rest_sync(f, net::http_method::get, "/api/v4/users/" + f.mm.alice());
    EXPECT_EQ(alice.body["username"], "alice");
    EXPECT_EQ(alice.body["first_name"], "Alice");
    rest_sync(f, net::http_method::get, "/api/v4/users/" + f.mm.alice());
    EXPECT_EQ(f.mm.user_lookups(f.mm.alice()), 2u);
    EXPECT_EQ(f.mm.me_lookups(), 1u);
    f.mm.post_message(channel, "fakeghost00000000000000001", "from a user the table lacks");
    expect_app_error(rest_sync(f, net::http_method::get, "/api/v4/users/fakeghost00000000000000001"), 404,
                     "app.user.missing_account.const");

    auto const attempts = f.mm.post_attempts();
    ASSERT_EQ(attempts.size(), 4u); // token failures never reach the handler
    EXPECT_EQ(attempts[0].runes, 16384u);
    EXPECT_EQ(attempts[1].runes, 16383u); // 16384 bytes: the limit counts runes
    EXPECT_TRUE(attempts[1].ok());
    EXPECT_EQ(f.mm.requests("/api/v4/posts").at(4).auth, auth_check::wrong_token);
}

TEST(fake_mattermost, command_registration_needs_permission_and_a_valid_trigger)
{
    fixture f;
    f.mm.set_can_manage_slash_commands(false);
    auto const reg = [&](std::string trigger) {
        return rest_sync(f, net::http_method::post, "/api/v4/commands",
                         json{{"team_id", f.mm.options().team_id},
                              {"trigger", trigger},
                              {"method", "P"},
                              {"url", "http://127.0.0.1:9/mattermost/command"},
                              {"display_name", "Incident"}}
                             .dump());
    };
    expect_app_error(reg("incident"), 403, "api.context.permissions.app_error");
    f.mm.set_can_manage_slash_commands(true);
    auto const ok = reg("Incident");
    ASSERT_EQ(ok.status, 201u) << ok.raw;
    EXPECT_EQ(ok.body["trigger"], "incident");
    EXPECT_EQ(ok.body["token"].get<std::string>().size(), 26u);
    EXPECT_EQ(ok.body["creator_id"], f.mm.bot());
    expect_app_error(reg("incident"), 400, "api.command.duplicate_trigger.app_error");
    expect_app_error(reg("echo"), 400, "api.command.duplicate_trigger.app_error");
    expect_app_error(reg("/rootcause"), 400, "model.command.is_valid.trigger.app_error");
    expect_app_error(reg("root cause"), 400, "model.command.is_valid.trigger.app_error");

    auto const regs = f.mm.command_registrations();
    ASSERT_EQ(regs.size(), 6u);
    ASSERT_TRUE(regs[1].command);
    EXPECT_EQ(regs[1].command->token, ok.body["token"]);
    ASSERT_EQ(f.mm.commands().size(), 1u);
}

TEST(fake_mattermost, scripted_429s_and_the_enforced_limiter_send_x_ratelimit_headers)
{
    fake_mattermost_options o;
    o.rate_limit.max_burst = 1;   // 2 requests at once...
    o.rate_limit.per_sec = 0.1; // ...then one per 10 s: slow test machines cannot refill it
    fixture f(o);
    auto const body = json{{"channel_id", f.mm.incident_channel()}, {"message", "hi"}}.dump();
    f.mm.rate_limit_next("/api/v4/posts", 1, 3s);
    auto const limited = rest_sync(f, net::http_method::post, "/api/v4/posts", body);
    EXPECT_EQ(limited.status, 429u);
    EXPECT_EQ(limited.raw, "limit exceeded\n");
    EXPECT_EQ(limited.response.header("X-Ratelimit-Limit"), "101");
    EXPECT_EQ(limited.response.header("X-Ratelimit-Remaining"), "0");
    EXPECT_EQ(limited.response.header("X-Ratelimit-Reset"), "3");
    EXPECT_FALSE(limited.response.header("Retry-After"));
    EXPECT_EQ(rest_sync(f, net::http_method::post, "/api/v4/posts", body).status, 201u);

    f.mm.set_rate_limiting(true);
    auto const first = rest_sync(f, net::http_method::get, "/api/v4/users/me");
    auto const second = rest_sync(f, net::http_method::get, "/api/v4/users/me");
    auto const third = rest_sync(f, net::http_method::get, "/api/v4/users/me");
    EXPECT_EQ(first.status, 200u);
    EXPECT_EQ(first.response.header("X-Ratelimit-Limit"), "2");
    EXPECT_EQ(first.response.header("X-Ratelimit-Remaining"), "1");
    EXPECT_EQ(second.response.header("X-Ratelimit-Remaining"), "0");
    EXPECT_EQ(third.status, 429u);
    EXPECT_TRUE(third.response.header("X-Ratelimit-Reset"));
    EXPECT_EQ(f.mm.requests("/api/v4/users/me").back().scripted, "rate_limiter");
    f.mm.set_rate_limiting(false);

    f.mm.fail_next("*", 1, 503);
    auto const failed = rest_sync(f, net::http_method::get, "/api/v4/users/me");
    expect_app_error(failed, 503, "app.fake.scripted_error");
    f.mm.stall_next("/api/v4/users/me");
    auto const stalled = run(f.ioc, [&]() -> asio::awaitable<error_code> {
        try {
            co_await rest(f, net::http_method::get, "/api/v4/users/me", {}, f.token(), 300ms);
        } catch (std::exception const&) {
            co_return net::errc::timeout;
        }
        co_return error_code{};
    }());
    EXPECT_EQ(stalled, net::errc::timeout);
    EXPECT_TRUE(f.mm.wait_for_requests("/api/v4/users/me", 5));
    EXPECT_EQ(f.mm.bot_posts().size(), 1u); // scripted answers create nothing
}

TEST(fake_mattermost, custom_routes_run_after_the_token_check_and_scripts_apply_to_them)
{
    fixture f;
    f.mm.on_rest("GET", "/api/v4/channels/fakechannelincident0000001/members/me", [](rest_call const& call) {
        return rest_reply{200, {{"channel_id", "fakechannelincident0000001"}, {"seen_target", call.target}}};
    });
    auto const path = std::string("/api/v4/channels/fakechannelincident0000001/members/me");
    auto const ok = rest_sync(f, net::http_method::get, path + "?x=1");
    EXPECT_EQ(ok.status, 200u);
    EXPECT_EQ(ok.body["seen_target"], path + "?x=1");
    expect_app_error(rest_sync(f, net::http_method::get, path, {}, "wrong"), 401,
                     "api.context.session_expired.app_error");
    f.mm.drop_next(path);
    EXPECT_THROW(rest_sync(f, net::http_method::get, path), std::runtime_error);
    f.mm.delay_next(path, 1, 100ms);
    EXPECT_EQ(rest_sync(f, net::http_method::get, path).status, 200u);
    auto const calls = f.mm.requests(path);
    ASSERT_EQ(calls.size(), 4u);
    EXPECT_EQ(calls[2].scripted, "drop");
    EXPECT_EQ(calls[3].scripted, "delay");
    EXPECT_EQ(calls[3].status, 200u);
}

// ---- slash commands -----------------------------------------------------------------------

TEST(fake_mattermost, invoke_command_posts_mattermosts_form_to_a_plain_http_callback)
{
    fixture f;
    callback_endpoint cb([](net::http_server_request const&) {
        return json_answer({{"response_type", "in_channel"},
                            {"text", "Incident INC-1 started"},
                            {"skip_slack_parsing", true}});
    });
    auto const res = f.mm.invoke_command("/incident", "start db latency @bob", cb.url());

    ASSERT_TRUE(res.ok()) << res.error << " " << res.status;
    EXPECT_LT(res.elapsed, 2s);
    EXPECT_EQ(res.response_type, "in_channel");
    EXPECT_EQ(res.text, "Incident INC-1 started");
    EXPECT_TRUE(res.skip_slack_parsing);
    auto const seen = cb.seen();
    ASSERT_EQ(seen.size(), 1u);
    auto const& req = seen[0];
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.target, "/mattermost/command");
    EXPECT_EQ(req.header("Content-Type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(req.header("Accept"), "application/json");
    EXPECT_EQ(req.header("Authorization"), "Token " + f.mm.options().command_token);
    auto const form = form_of(req.body);
    EXPECT_EQ(field(form, "token"), f.mm.options().command_token);
    EXPECT_EQ(field(form, "team_id"), f.mm.options().team_id);
    EXPECT_EQ(field(form, "team_domain"), "acme");
    EXPECT_EQ(field(form, "channel_id"), f.mm.incident_channel());
    EXPECT_EQ(field(form, "channel_name"), "incident-42");
    EXPECT_EQ(field(form, "user_id"), f.mm.alice());
    EXPECT_EQ(field(form, "user_name"), "alice");
    EXPECT_EQ(field(form, "command"), "/incident");
    EXPECT_EQ(field(form, "text"), "start db latency @bob");
    EXPECT_EQ(field(form, "trigger_id"), res.trigger_id);
    EXPECT_EQ(field(form, "user_mentions"), "bob");
    EXPECT_EQ(field(form, "user_mentions_ids"), f.mm.bob());
    EXPECT_EQ(field(form, "response_url"), res.response_url);
    EXPECT_EQ(res.response_url.rfind(f.mm.server_url() + "/hooks/commands/", 0), 0u);
    EXPECT_NE(req.body.find("text=start+db+latency+%40bob"), std::string::npos)
        << req.body; // Go's QueryEscape

    // Mattermost posts an in_channel answer as the invoking user.
    ASSERT_FALSE(res.created_post_id.empty());
    auto const p = f.mm.post(res.created_post_id);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->user_id, f.mm.alice());
    EXPECT_EQ(p->message, "Incident INC-1 started");
    EXPECT_EQ(p->props["from_webhook"], "true");
    EXPECT_EQ(p->origin, post_origin::command_response);

    // The response_url is served by the fake: an ephemeral follow-up.
    auto const follow_up = run(
        f.ioc, post_json(f, res.response_url, R"({"response_type":"ephemeral","text":"only you see this"})"));
    EXPECT_EQ(follow_up.status, 200u);
    auto const eph = f.mm.ephemerals();
    ASSERT_EQ(eph.size(), 1u);
    EXPECT_EQ(eph[0].user_id, f.mm.alice());
    EXPECT_EQ(eph[0].via, "response_url");
}

TEST(fake_mattermost, invoke_command_over_tls_with_forgeries_redelivery_text_answers_and_timeouts)
{
    fixture f;
    callback_endpoint cb(
        [](net::http_server_request const&) {
            return net::http_server_response{200, {{"Content-Type", "text/plain"}}, "plain words"};
        },
        true);
    auto const reg = f.mm.register_command("/incident", cb.url()); // as an admin did
    auto const first = f.mm.invoke_command("/incident", "status"); // the registered url and token
    ASSERT_TRUE(first.ok()) << first.error;
    EXPECT_EQ(first.url, cb.url());
    EXPECT_EQ(first.token, reg.token);
    EXPECT_FALSE(first.json);
    EXPECT_EQ(first.text, "plain words"); // not JSON: the whole body is the text, ephemeral
    EXPECT_TRUE(first.created_post_id.empty());

    command_invocation again;
    again.text = "status";
    again.trigger_id = first.trigger_id; // a redelivery
    again.token = "forgedtoken000000000000000";
    again.content_type = "application/json";
    auto const second = f.mm.invoke_command(again);
    ASSERT_TRUE(second.ok());
    command_invocation huge;
    huge.raw_body = std::string(1u << 20, 'a');
    huge.authorization = "";
    auto const third = f.mm.invoke_command(huge);
    EXPECT_EQ(third.status, 413u); // the endpoint's body limit

    auto const seen = cb.seen();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(form_of(seen[1].body).find("trigger_id")->second, first.trigger_id);
    EXPECT_EQ(field(form_of(seen[1].body), "token"), "forgedtoken000000000000000");
    EXPECT_EQ(seen[1].header("Authorization"), "Token forgedtoken000000000000000");
    EXPECT_EQ(seen[1].header("Content-Type"), "application/json");
    EXPECT_EQ(f.mm.ephemerals().size(), 2u);

    callback_endpoint slow(
        [](net::http_server_request const&) {
            return json_answer({{"text", "too late"}});
        },
        false, 2s);
    command_invocation late;
    late.callback_url = slow.url();
    late.timeout = 300ms;
    auto const timed_out = f.mm.invoke_command(late);
    EXPECT_EQ(timed_out.error, "timeout");
    EXPECT_GE(timed_out.elapsed, 300ms);
    EXPECT_LT(timed_out.elapsed, 2s);
    EXPECT_EQ(f.mm.command_results().size(), 4u);
}

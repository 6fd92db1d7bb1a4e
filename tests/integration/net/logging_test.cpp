// The behaviour under test is logging (Envoy's exception to "don't test logs", STYLE.md 7):
// with every logger at trace, secrets handed to the network layer never reach a log line,
// raw or URL-encoded, while the metadata does.
#include "bot/log/log.hpp"
#include "net_test.hpp"

#include <boost/asio/this_coro.hpp>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace asio = boost::asio;
namespace net = coolhead::net;
using namespace coolhead::test;

namespace {

asio::awaitable<void> echo(websocket_session& s)
{
    // Not `while (auto msg = co_await ...)`: GCC 12 miscompiles co_await in loop conditions.
    for (;;) {
        auto msg = co_await s.read();
        if (!msg) break;
        bool const sent = co_await s.send(*msg);
        if (!sent) break;
    }
}

asio::awaitable<void> exercise(asio::ssl::context& tls, test_server& good, test_server& bad)
{
    auto ex = co_await asio::this_coro::executor;

    // HTTPS with a bearer token, a credential-bearing path, and a body.
    net::https_client client(ex, tls, endpoint_of(good.url("https", "/")), relaxed_http());
    auto req = make_request("/hooks/commands/SECRET-PATH-1", net::http_method::post);
    req.authorization = coolhead::log::secret("Bearer xoxb-SECRET-TOKEN-2");
    req.body = "payload=SECRET-BODY-3";
    co_await client.request(req);

    // A websocket whose URL carries a ticket, with a bearer header, exchanging a message.
    auto options = relaxed_ws();
    options.authorization = coolhead::log::secret("Bearer SECRET-TOKEN-4");
    auto ws = co_await net::websocket_client::connect(
        ex, tls, coolhead::log::secret(good.url("wss", "/link/?ticket=SECRET-TICKET-5&app_id=A1")), options);
    if (ws) {
        ws->send("frame SECRET-FRAME-6");
        co_await ws->read();
        co_await ws->close();
    }

    // A refused certificate and a declined upgrade with secret URLs.
    co_await net::websocket_client::connect(ex, tls, coolhead::log::secret(bad.url("wss", "/link/?ticket=SECRET-TICKET-7")),
                                            relaxed_ws());
    co_await net::websocket_client::connect(ex, tls, coolhead::log::secret(good.url("wss", "/nope?ticket=SECRET-TICKET-8")),
                                            relaxed_ws());
}

} // namespace

TEST(net_logging, no_secret_reaches_the_log_even_at_trace)
{
    std::ostringstream lines;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines);
    ASSERT_TRUE(coolhead::log::setup({.level = "trace", .levels = std::nullopt, .sink = sink}));

    {
        test_server good;
        test_server bad({.identity = server_identity::wrong_host});
        good.on_http("/hooks/commands/SECRET-PATH-1", reply_with(R"({"ok":true})"));
        good.on_websocket("/link/", echo);
        auto tls = test_client_context();
        asio::io_context ioc;
        run(ioc, exercise(tls, good, bad));
    }
    coolhead::log::setup({});

    auto const text = lines.str();
    EXPECT_NE(text.find("event=http_request "), std::string::npos) << text;
    EXPECT_NE(text.find("event=ws_connected host=localhost"), std::string::npos) << text;
    EXPECT_NE(text.find("event=ws_frame dir=in"), std::string::npos) << text;
    EXPECT_NE(text.find("event=tls_certificate_rejected host=localhost"), std::string::npos) << text;
    EXPECT_NE(text.find("event=ws_upgrade_declined"), std::string::npos) << text;
    for (auto needle : {"SECRET", "SECRET%2D", "xoxb-", "Bearer", "ticket="}) {
        EXPECT_EQ(text.find(needle), std::string::npos) << "found " << needle << " in:\n" << text;
    }
}

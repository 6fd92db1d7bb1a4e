#include "tests/integration/slack/slack_harness.hpp"

#include "bot/adapters/slack/slack_adapter.hpp"
#include "bot/app/clock.hpp"
#include "bot/app/dispatcher.hpp"
#include "bot/app/incident_cache.hpp"
#include "bot/app/reminder_scheduler.hpp"
#include "bot/log/log.hpp"
#include "bot/net/endpoint.hpp"
#include "bot/net/tls.hpp"
#include "bot/store/sqlite/sqlite_store.hpp"
#include "bot/store/sqlite_event_store.hpp"
#include "tests/support/wait.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <exception>
#include <filesystem>
#include <future>
#include <iostream>
#include <mutex>
#include <random>
#include <stdexcept>

namespace coolhead::slack_it {

namespace asio = boost::asio;

namespace {

using test::capture_sink;
using test::flaky_store;

std::filesystem::path fresh_dir()
{
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() /
               ("coolhead-slack-it-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    return dir;
}

net::endpoint api_base(testing::fake_slack const& f)
{
    auto ep = net::parse_endpoint(f.api_base_url());
    if (!ep) throw std::runtime_error("the fake's API URL does not parse");
    return *ep;
}

slack::slack_options adapter_options(testing::fake_slack const& f, tuning const& t)
{
    slack::slack_options o;
    o.api_base = api_base(f);
    o.app_token = log::secret(f.options().app_token);
    o.bot_token = log::secret(f.options().bot_token);
    o.connections = t.connections;
    o.ack_deadline = t.ack_deadline;
    o.hello_timeout = t.hello_timeout;
    o.lookup_timeout = t.lookup_timeout;
    o.websocket.connect_timeout = t.http_timeout;
    o.websocket.handshake_timeout = t.http_timeout;
    o.websocket.idle_timeout = t.ws_idle_timeout;
    o.http.connect_timeout = t.http_timeout;
    o.http.handshake_timeout = t.http_timeout;
    o.http.request_timeout = t.http_timeout;
    o.outbox.interval = t.outbox_interval;
    o.outbox.burst = t.outbox_burst;
    o.outbox.max_attempts = t.outbox_max_attempts;
    o.backoff = net::backoff_policy{t.backoff_initial, t.backoff_max, 2.0};
    o.slow_backoff = net::backoff_policy{t.slow_initial, t.slow_max, 2.0};
    o.random = [r = t.random] { return r; };
    o.message_limit = t.message_limit;
    return o;
}

std::shared_ptr<capture_sink> install_sink(std::string const& level) { return test::install_capture_sink(level); }

} // namespace

testing::fake_slack_options fast_fake()
{
    testing::fake_slack_options o;
    o.ping_interval = 300ms;
    o.warning_close_after = 3s;
    o.disconnect_close_after = 300ms;
    return o;
}

struct harness::impl {
    impl(testing::fake_slack& f, tuning const& t)
        : sink(install_sink(t.log_level)),
          tls(net::make_tls_client_context(t.trust_test_ca ? net::tls_settings{.ca_file = f.ca_file()}
                                                           : net::tls_settings{})),
          dir(fresh_dir()),
          sqlite(std::make_unique<store::sqlite_event_store>(
              store::sqlite_store::open((dir / "coolhead.db").string()), log::component("store"))),
          store(*sqlite), cache(store),
          dispatcher(store, cache, commands::policy{}, clk, log::component("app")),
          adapter(io.executor(), tls, adapter_options(f, t), dispatcher, log::component("slack")),
          reminders(
              io.executor(), store, cache, dispatcher.policy(), clk,
              [this](commands::outbound m) { adapter.post(std::move(m)); },
              commands::user_ref{f.options().bot_user_id, f.options().bot_name}, log::component("app"))
    {
        dispatcher.on_commit = [this](std::uint64_t) { reminders.poke(); };
    }

    ~impl()
    {
        // No handler runs after this: then the store's thread ends (its results are posted to
        // the stopped io_context), then the objects go, and the io_context last.
        io.stop();
        sqlite->stop();
    }

    /// Runs `task` on the io thread and waits for it.
    template <class T>
    T on_io(asio::awaitable<T> task, milliseconds timeout = 10s)
    {
        auto f = asio::co_spawn(io.context(), std::move(task), asio::use_future);
        if (f.wait_for(timeout) != std::future_status::ready)
            throw std::runtime_error("the io thread did not answer");
        return f.get();
    }

    test::io_thread io; // first: destroyed last, after everything that uses it
    std::shared_ptr<capture_sink> sink;
    asio::ssl::context tls;
    std::filesystem::path dir;
    std::unique_ptr<store::sqlite_event_store> sqlite;
    flaky_store store;
    app::simulated_clock clk{commands::from_millis(1'795'402'800'000)}; // 2026-11-23T03:00:00Z
    app::incident_cache cache;
    app::dispatcher dispatcher;
    slack::slack_adapter adapter;
    app::reminder_scheduler reminders;
};

harness::harness(tuning t, testing::fake_slack_options fake, bool start_now)
    : slack(std::move(fake)), impl_(std::make_unique<impl>(slack, t))
{
    if (start_now) {
        auto ec = start();
        if (ec) throw std::runtime_error("the adapter did not start: " + ec.message());
    }
}

harness::~harness()
{
    auto dir = impl_->dir;
    bool failed = ::testing::Test::HasFailure() || std::uncaught_exceptions() > 0;
    auto text = logs();
    impl_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (failed) std::cerr << "---- coolhead log ----\n" << text << "---- end of log ----\n";
    log::setup({}); // back to stderr; the capturing sink goes with this test
}

boost::system::error_code harness::start()
{
    return impl_->on_io(impl_->adapter.start(), 30s);
}

void harness::stop()
{
    impl_->on_io(impl_->adapter.stop(), 20s);
}

std::size_t harness::open_links()
{
    return impl_->io.call([this] { return impl_->adapter.open_links(); });
}

std::size_t harness::links_opened()
{
    return impl_->io.call([this] { return impl_->adapter.links_opened(); });
}

std::string harness::bot_user_id()
{
    return impl_->io.call([this] { return impl_->adapter.bot_user_id(); });
}

void harness::fail_commits(int n)
{
    impl_->store.fail_next = n;
}

void harness::delay_commits(int n, milliseconds d)
{
    impl_->store.delay_ms = d.count();
    impl_->store.delay_next = n;
}

std::vector<commit_seen> harness::commits()
{
    return impl_->store.seen();
}

std::optional<commit_seen> harness::committed(std::string const& delivery_id)
{
    for (auto const& c : commits())
        if (c.delivery_id == delivery_id && c.committed) return c;
    return std::nullopt;
}

namespace {
asio::awaitable<std::vector<commands::event>> load_all(store::event_store& s, std::uint64_t n)
{
    auto r = co_await s.load(n, 0);
    if (!r) throw std::runtime_error("load failed: " + r.error().message());
    co_return std::move(*r);
}

asio::awaitable<std::size_t> move_clock(app::simulated_clock& clk, app::reminder_scheduler& r,
                                        commands::duration d)
{
    clk.advance(d);
    co_return co_await r.fire_due();
}
} // namespace

std::vector<commands::event> harness::events(std::uint64_t incident)
{
    return impl_->on_io(load_all(*impl_->sqlite, incident));
}

std::size_t harness::advance(commands::duration d)
{
    return impl_->on_io(move_clock(impl_->clk, impl_->reminders, d));
}

void harness::post(commands::outbound m)
{
    impl_->io.call([this, m = std::move(m)]() mutable {
        impl_->adapter.post(std::move(m));
        return 0;
    });
}

std::string harness::logs() const
{
    return impl_->sink->text();
}

std::size_t harness::log_count(std::string_view needle) const
{
    auto text = logs();
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size()))
        ++n;
    return n;
}

bool harness::wait_for_log(std::string_view needle, milliseconds timeout) const
{
    return test::wait_until([&] { return logs().find(needle) != std::string::npos; }, timeout);
}

std::string harness::trigger_of(std::string const& envelope_id) const
{
    for (auto const& e : slack.sent_envelopes())
        if (e.envelope_id == envelope_id) return e.envelope["payload"].value("trigger_id", std::string{});
    return {};
}

steady_time harness::commit_time_of(std::string const& envelope_id)
{
    for (auto const& e : slack.sent_envelopes()) {
        if (e.envelope_id != envelope_id) continue;
        auto const& p = e.envelope["payload"];
        auto id = e.type == "slash_commands" ? "slack:trg:" + p.value("trigger_id", std::string{})
                                             : "slack:ev:" + p.value("event_id", std::string{});
        if (auto c = committed(id)) return c->done_at;
    }
    return {};
}

std::string harness::ack_text(testing::ack const& a)
{
    if (!a.payload || !a.payload->is_object()) return {};
    return a.payload->value("text", std::string{});
}

std::vector<std::string> everything_sent(testing::fake_slack const& slack)
{
    std::vector<std::string> out;
    for (auto const& a : slack.acks())
        out.push_back(a.raw);
    for (auto const& m : slack.all_messages())
        out.push_back(m.body);
    return out;
}

} // namespace coolhead::slack_it

#include "tests/integration/mattermost/mattermost_harness.hpp"

#include "bot/adapters/mattermost/mattermost_adapter.hpp"
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

#include <unistd.h>

namespace coolhead::mattermost_it {

namespace asio = boost::asio;

namespace {

using test::capture_sink;
using test::flaky_store;

std::string_view status_name(adapters::handled::status s)
{
    using st = adapters::handled::status;
    switch (s) {
    case st::applied: return "applied";
    case st::answered: return "answered";
    case st::refused: return "refused";
    case st::duplicate: return "duplicate";
    case st::not_recorded: return "not_recorded";
    case st::ignored: return "ignored";
    }
    return "?";
}

/// The app as the adapter sees it: the dispatcher, with every delivery recorded.
class recording_app final : public adapters::inbound_handler {
  public:
    explicit recording_app(adapters::inbound_handler& inner) : inner_(inner) {}

    asio::awaitable<adapters::handled> handle(adapters::inbound in) override
    {
        delivery_seen d;
        d.delivery_id = in.delivery_id;
        d.user_id = in.user.id;
        d.user_name = in.user.name;
        d.channel_id = in.channel.id;
        if (auto const* c = std::get_if<adapters::slash_command>(&in.what)) {
            d.kind = "command";
            d.text = c->command + " " + c->text;
        } else if (auto const* m = std::get_if<adapters::channel_message>(&in.what)) {
            d.kind = "message";
            d.text = m->text;
        } else if (auto const* r = std::get_if<adapters::reaction>(&in.what)) {
            d.kind = "reaction";
            d.text = r->message_text;
        } else if (auto const* e = std::get_if<adapters::message_edited>(&in.what)) {
            d.kind = "edit";
            d.text = e->text;
        } else {
            d.kind = "delete";
        }
        auto h = co_await inner_.handle(std::move(in));
        d.result = std::string(status_name(h.result));
        {
            std::lock_guard lock(mutex_);
            seen_.push_back(std::move(d));
        }
        co_return h;
    }

    std::vector<delivery_seen> seen() const
    {
        std::lock_guard lock(mutex_);
        return seen_;
    }

  private:
    adapters::inbound_handler& inner_;
    mutable std::mutex mutex_;
    std::vector<delivery_seen> seen_;
};

std::filesystem::path fresh_dir()
{
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() /
               ("coolhead-mm-it-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    return dir;
}

std::shared_ptr<capture_sink> install_sink(std::string const& level) { return test::install_capture_sink(level); }

constexpr std::int64_t drill_start_ms = 1'795'402'800'000; // 2026-11-23T03:00:00Z

/// The direct channel of the bot and each person of the fake's table.
std::map<std::string, std::string> direct_channels(testing::fake_mattermost_options const& o)
{
    std::map<std::string, std::string> out;
    for (auto const& c : o.channels) {
        if (c.type != 'D') continue;
        auto sep = c.name.find("__");
        if (sep == std::string::npos) continue;
        auto a = c.name.substr(0, sep), b = c.name.substr(sep + 2);
        out[a == o.bot_user_id ? b : a] = c.id;
    }
    return out;
}

} // namespace

testing::fake_mattermost_options fast_fake()
{
    testing::fake_mattermost_options o;
    o.users.push_back({"fakedana000000000000000001", "dana", "", "Dana", "Dunn", false});
    o.users.push_back({"fakeerin000000000000000001", "erin", "", "Erin", "Evans", false});
    auto const bot = o.bot_user_id;
    o.channels.push_back({"fakechanneldmbobbot0000001", "fakebob0000000000000000001__" + bot, "", 'D', "", true});
    o.channels.push_back({"fakechanneldmcarolbot00001", "fakecarol00000000000000001__" + bot, "", 'D', "", true});
    o.channels.push_back({"fakechanneldmdanabot000001", "fakedana000000000000000001__" + bot, "", 'D', "", true});
    o.channels.push_back({"fakechanneldmerinbot000001", "fakeerin000000000000000001__" + bot, "", 'D', "", true});
    o.start_time_ms = drill_start_ms;
    o.ping_interval = 300ms;
    o.auth_timeout = 2s;
    return o;
}

struct harness::impl {
    impl(testing::fake_mattermost& f, tuning const& t)
        : sink(install_sink(t.log_level)),
          tls(net::make_tls_client_context(t.trust_test_ca ? net::tls_settings{.ca_file = f.ca_file()} : net::tls_settings{})),
          dir(fresh_dir()),
          sqlite(std::make_unique<store::sqlite_event_store>(store::sqlite_store::open((dir / "coolhead.db").string()),
                                                             log::component("store"))),
          store(*sqlite), cache(store), dispatcher(store, cache, commands::policy{}, clk, log::component("app")),
          app(dispatcher), dms(direct_channels(f.options())), tokens(register_commands(f)),
          adapter(io.executor(), tls, adapter_options(f, t), app, log::component("mattermost")),
          reminders(
              io.executor(), store, cache, dispatcher.policy(), clk, [this](commands::outbound m) { adapter.post(std::move(m)); },
              commands::user_ref{f.options().bot_user_id, "coolhead"}, log::component("app"))
    {
        dispatcher.on_commit = [this](std::uint64_t) { reminders.poke(); };
        // The two routes the fake lacks (see the header).
        f.on_rest("POST", "/api/v4/channels/direct", [dms = dms, bot = f.options().bot_user_id](testing::rest_call const& c) {
            auto j = nlohmann::json::parse(c.body, nullptr, false);
            if (!j.is_array() || j.size() != 2) return testing::rest_reply{400, {{"id", "api.context.invalid_body_param.app_error"}}};
            for (auto const& u : j)
                if (u.is_string() && u.get<std::string>() != bot)
                    if (auto it = dms.find(u.get<std::string>()); it != dms.end())
                        return testing::rest_reply{201, {{"id", it->second}, {"type", "D"}}};
            return testing::rest_reply{400, {{"id", "api.channel.create_direct_channel.invalid_user.app_error"}}};
        });
    }

    ~impl()
    {
        // No handler runs after this: then the store's thread ends (its results are posted to
        // the stopped io_context), then the objects go, and the io_context last.
        io.stop();
        sqlite->stop();
    }

    std::map<std::string, std::string> register_commands(testing::fake_mattermost& f)
    {
        // Registered as an admin would, for a URL that is replaced per invocation (the port is
        // known only after start()).
        std::map<std::string, std::string> out;
        for (auto const* trigger : {"incident", "rootcause", "mitigation", "postmortem"})
            out[trigger] = f.register_command(trigger, "http://127.0.0.1:9/mattermost/command").token;
        return out;
    }

    mattermost::mattermost_options adapter_options(testing::fake_mattermost& f, tuning const& t)
    {
        mattermost::mattermost_options o;
        auto server = net::parse_endpoint(f.server_url());
        if (!server) throw std::runtime_error("the fake's URL does not parse");
        o.server = *server;
        o.token = log::secret(f.options().bot_token);
        o.listen_host = "127.0.0.1";
        o.listen_port = 0;
        if (t.command_tokens)
            for (auto const& [trigger, token] : tokens) o.command_tokens[trigger] = log::secret(token);
        o.message_limit = t.message_limit;
        o.reply_timeout = t.reply_timeout;
        o.lookup_timeout = t.lookup_timeout;
        o.websocket.connect_timeout = t.http_timeout;
        o.websocket.handshake_timeout = t.http_timeout;
        o.websocket.idle_timeout = t.ws_idle_timeout;
        o.http.connect_timeout = t.http_timeout;
        o.http.handshake_timeout = t.http_timeout;
        o.http.request_timeout = t.http_timeout;
        o.server_options.request_timeout = t.http_timeout;
        o.outbox.interval = t.outbox_interval;
        o.outbox.burst = t.outbox_burst;
        o.outbox.max_attempts = t.outbox_max_attempts;
        o.backoff = net::backoff_policy{t.backoff_initial, t.backoff_max, 2.0};
        o.random = [r = t.random] { return r; };
        o.event_attempts = t.event_attempts;
        o.event_retry_wait = t.event_retry_wait;
        return o;
    }

    /// Runs `task` on the io thread and waits for it.
    template <class T>
    T on_io(asio::awaitable<T> task, milliseconds timeout = 10s)
    {
        auto f = asio::co_spawn(io.context(), std::move(task), asio::use_future);
        if (f.wait_for(timeout) != std::future_status::ready) throw std::runtime_error("the io thread did not answer");
        return f.get();
    }

    test::io_thread io; // first: destroyed last, after everything that uses it
    std::shared_ptr<capture_sink> sink;
    asio::ssl::context tls;
    std::filesystem::path dir;
    std::unique_ptr<store::sqlite_event_store> sqlite;
    flaky_store store;
    app::simulated_clock clk{commands::from_millis(drill_start_ms)};
    app::incident_cache cache;
    app::dispatcher dispatcher;
    recording_app app;
    std::map<std::string, std::string> dms;
    std::map<std::string, std::string> tokens;
    mattermost::mattermost_adapter adapter;
    app::reminder_scheduler reminders;
    bool started = false;
    bool stopped = false;
};

harness::harness(tuning t, testing::fake_mattermost_options fake, bool start_now)
    : mm(std::move(fake)), impl_(std::make_unique<impl>(mm, t))
{
    if (mm.now_ms() < drill_start_ms) mm.set_clock(drill_start_ms);
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
    try {
        if (!impl_->stopped && impl_->started) stop();
    } catch (std::exception const& e) {
        std::cerr << "the adapter did not stop: " << e.what() << "\n";
    }
    impl_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (failed) std::cerr << "---- coolhead log ----\n" << text << "---- end of log ----\n";
    log::setup({}); // back to stderr; the capturing sink goes with this test
}

boost::system::error_code harness::start()
{
    auto ec = impl_->on_io(impl_->adapter.start(), 30s);
    impl_->started = !ec;
    return ec;
}

void harness::stop()
{
    impl_->stopped = true;
    impl_->on_io(impl_->adapter.stop(), 20s);
}

std::size_t harness::connections_opened()
{
    return impl_->io.call([this] { return impl_->adapter.connections_opened(); });
}

std::size_t harness::resyncs()
{
    return impl_->io.call([this] { return impl_->adapter.resyncs(); });
}

std::string harness::bot_user_id()
{
    return impl_->io.call([this] { return impl_->adapter.bot_user_id(); });
}

std::string harness::connection_id()
{
    return impl_->io.call([this] { return impl_->adapter.connection_id(); });
}

std::uint16_t harness::callback_port()
{
    return impl_->io.call([this] { return impl_->adapter.callback_port(); });
}

std::string harness::callback_url() { return "http://127.0.0.1:" + std::to_string(callback_port()) + "/mattermost/command"; }

std::string harness::token_for(std::string const& trigger) const { return impl_->tokens.at(trigger); }

std::string harness::dm_channel(std::string const& user_id) const { return impl_->dms.at(user_id); }

void harness::serve_post(testing::mattermost_post const& post)
{
    mm.on_rest("GET", "/api/v4/posts/" + post.id,
               [j = testing::mattermost::post_json(post)](testing::rest_call const&) { return testing::rest_reply{200, j}; });
}

testing::command_invocation harness::invocation(std::string const& user_id, std::string command, std::string text,
                                                std::string channel)
{
    testing::command_invocation inv;
    inv.command = std::move(command);
    inv.text = std::move(text);
    inv.user_id = user_id;
    inv.channel_id = channel.empty() ? mm.incident_channel() : std::move(channel);
    inv.callback_url = callback_url();
    inv.timeout = 10s;
    return inv;
}

testing::command_result harness::command(std::string const& user_id, std::string command, std::string text, std::string channel)
{
    return mm.invoke_command(invocation(user_id, std::move(command), std::move(text), std::move(channel)));
}

void harness::fail_commits(int n) { impl_->store.fail_next = n; }

void harness::delay_commits(int n, milliseconds d)
{
    impl_->store.delay_ms = d.count();
    impl_->store.delay_next = n;
}

std::vector<commit_seen> harness::commits() { return impl_->store.seen(); }

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

asio::awaitable<std::size_t> move_clock(app::simulated_clock& clk, app::reminder_scheduler& r, commands::duration d)
{
    clk.advance(d);
    co_return co_await r.fire_due();
}
} // namespace

std::vector<commands::event> harness::events(std::uint64_t incident) { return impl_->on_io(load_all(*impl_->sqlite, incident)); }

std::vector<delivery_seen> harness::deliveries() const { return impl_->app.seen(); }

std::vector<delivery_seen> harness::deliveries(std::string_view kind, std::string_view text) const
{
    std::vector<delivery_seen> out;
    for (auto& d : impl_->app.seen())
        if (d.kind == kind && (text.empty() || d.text == text)) out.push_back(std::move(d));
    return out;
}

bool harness::wait_for_deliveries(std::string_view kind, std::size_t n, milliseconds timeout) const
{
    return test::wait_until([&] { return deliveries(kind).size() >= n; }, timeout);
}

std::size_t harness::advance(commands::duration d)
{
    auto n = impl_->on_io(move_clock(impl_->clk, impl_->reminders, d));
    if (auto now = now_ms(); mm.now_ms() < now) mm.set_clock(now);
    return n;
}

std::int64_t harness::now_ms() const { return commands::to_millis(impl_->clk.now()); }

void harness::post(commands::outbound m)
{
    impl_->io.call([this, m = std::move(m)]() mutable {
        impl_->adapter.post(std::move(m));
        return 0;
    });
}

std::string harness::logs() const { return impl_->sink->text(); }

std::size_t harness::log_count(std::string_view needle) const
{
    auto text = logs();
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
    return n;
}

bool harness::wait_for_log(std::string_view needle, milliseconds timeout) const
{
    return test::wait_until([&] { return logs().find(needle) != std::string::npos; }, timeout);
}

// ---- helpers over what was sent ------------------------------------------------------------------

std::vector<std::string> everything_sent(testing::fake_mattermost const& mm)
{
    std::vector<std::string> out;
    for (auto const& r : mm.command_results()) out.push_back(r.body);
    for (auto const& p : mm.post_attempts()) out.push_back(p.message);
    return out;
}

std::vector<std::string> answer_texts(testing::command_result const& r)
{
    std::vector<std::string> out;
    if (!r.json || !r.json->is_object()) return out;
    out.push_back(r.json->value("text", std::string{}));
    if (auto it = r.json->find("extra_responses"); it != r.json->end() && it->is_array())
        for (auto const& e : *it)
            if (e.is_object()) out.push_back(e.value("text", std::string{}));
    return out;
}

namespace {

/// Calls `outside(i)` for every byte index of `s` that is not inside a code span (CommonMark:
/// a backtick run opens a span closed by the next run of the same length; an unmatched run is
/// literal). Backslash-escaped characters are outside spans and are reported too.
template <class F>
void for_each_outside_code(std::string_view s, F outside)
{
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            outside(i);
            outside(i + 1);
            i += 2;
            continue;
        }
        if (s[i] != '`') {
            outside(i);
            ++i;
            continue;
        }
        auto run_end = s.find_first_not_of('`', i);
        if (run_end == std::string_view::npos) run_end = s.size();
        auto len = run_end - i;
        // Find the closing run of exactly `len` backticks.
        std::size_t j = run_end, close = std::string_view::npos;
        while (j < s.size()) {
            auto k = s.find('`', j);
            if (k == std::string_view::npos) break;
            auto e = s.find_first_not_of('`', k);
            if (e == std::string_view::npos) e = s.size();
            if (e - k == len) {
                close = k;
                break;
            }
            j = e;
        }
        if (close == std::string_view::npos) {
            for (auto k = i; k < run_end; ++k) outside(k);
            i = run_end;
        } else {
            i = close + len;
        }
    }
}

bool username_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'; }

} // namespace

std::optional<std::string> unsafe_mention(std::string_view md, std::vector<std::string> const& allowed)
{
    std::optional<std::string> problem;
    for_each_outside_code(md, [&](std::size_t i) {
        if (problem) return;
        auto context = [&] { return std::string(md.substr(i > 20 ? i - 20 : 0, 60)); };
        if (md[i] == '<') problem = "a raw '<' (Slack markup, an autolink or HTML): " + context();
        if (md[i] == ']' && (i == 0 || md[i - 1] != '\\') && i + 1 < md.size() && md[i + 1] == '(')
            problem = "a link: " + context();
        if (md[i] != '@') return;
        auto end = i + 1;
        while (end < md.size() && username_char(md[end])) ++end;
        auto name = std::string(md.substr(i + 1, end - i - 1));
        while (!name.empty() && (name.back() == '.' || name.back() == '-' || name.back() == '_')) name.pop_back();
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
            problem = "'@" + name + "' outside a code span: " + context();
    });
    return problem;
}

std::string plain(std::string_view md)
{
    std::string out;
    std::size_t pos = 0;
    while (pos <= md.size()) {
        auto nl = md.find('\n', pos);
        auto line = std::string(md.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
        pos = nl == std::string_view::npos ? md.size() + 1 : nl + 1;
        // Entities first, then the markers; the line's own structure (heading, list) last.
        for (auto [from, to] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#61;", "="}, {"&#39;", "'"}, {"&amp;", "&"}}) {
            for (auto p = line.find(from); p != std::string::npos; p = line.find(from, p + std::string_view(to).size()))
                line.replace(p, std::string_view(from).size(), to);
        }
        std::string words;
        for (char c : line)
            if (c != '`' && c != '\\' && c != '*' && c != '_') words += c == '~' ? '#' : c;
        auto first = words.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        words.erase(0, first);
        if (words.starts_with("#")) {
            auto h = words.find_first_not_of('#');
            if (h != std::string::npos && words[h] == ' ') words.erase(0, h + 1);
        }
        if (words.starts_with("- ")) words.erase(0, 2);
        if (words.find_first_not_of("|- ") == std::string::npos) continue; // a table's delimiter row
        std::string collapsed;
        bool space = false;
        for (char c : words) {
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (space && !collapsed.empty()) collapsed += ' ';
            space = false;
            collapsed += c;
        }
        out += collapsed + "\n";
    }
    return out;
}

} // namespace coolhead::mattermost_it

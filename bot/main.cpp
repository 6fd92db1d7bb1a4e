// The coolhead executable: command line, settings, and wiring. Everything it wires lives in the
// libraries under bot/; this file only chooses and connects them.
//
//   coolhead console [--config FILE] [--store PATH] [--as NAME] [--channel NAME]
//                    [--clock real|simulated] [--start ISO8601]
//   coolhead run --config FILE
//   coolhead check-config FILE
//   coolhead --help | --version

#include "bot/adapters/console/console_adapter.hpp"
#include "bot/adapters/mattermost/mattermost_adapter.hpp"
#include "bot/adapters/mattermost/setup.hpp"
#include "bot/adapters/slack/slack_adapter.hpp"
#include "bot/app/clock.hpp"
#include "bot/app/dispatcher.hpp"
#include "bot/app/incident_cache.hpp"
#include "bot/app/reminder_scheduler.hpp"
#include "bot/log/log.hpp"
#include "bot/net/endpoint.hpp"
#include "bot/net/tls.hpp"
#include "bot/settings/settings.hpp"
#include "bot/store/sqlite/sqlite_store.hpp"
#include "bot/store/sqlite_event_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/program_options.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>

#include <poll.h>
#include <unistd.h>

#ifndef COOLHEAD_VERSION
#define COOLHEAD_VERSION "0.0.0"
#endif

namespace asio = boost::asio;
namespace po = boost::program_options;
using namespace coolhead;

namespace {

constexpr std::string_view usage_text =
    "coolhead keeps incident calls calm, organised and honest.\n"
    "\n"
    "Usage:\n"
    "  coolhead console [options]        rehearse an incident call in this terminal (embedded store)\n"
    "  coolhead run --config FILE        run the bot with the chat adapters the config enables\n"
    "  coolhead check-config FILE        validate a config file and print the effective settings\n"
    "  coolhead mattermost setup --config FILE --team TEAM   register the slash commands on Mattermost\n"
    "  coolhead --help | --version\n"
    "\n"
    "`coolhead <command> --help` lists a command's options.\n";

/// Exit codes: 0 fine, 1 a run-time failure (store, network), 2 bad usage or configuration.
constexpr int exit_runtime = 1;
constexpr int exit_usage = 2;

int fail(std::string const& message, int code)
{
    std::fprintf(stderr, "coolhead: %s\n", message.c_str());
    return code;
}

/// Loads the config file (or the defaults when there is none) and reports every error.
std::optional<settings::settings> load_settings(std::optional<std::string> const& file, settings::environment const& env)
{
    if (!file) {
        // Without a file the defaults apply, but the environment's secrets are still read by
        // the loader: an empty object is a complete config.
        auto r = settings::load_text("{}", "(defaults)", std::filesystem::current_path(), env);
        if (r) return std::move(*r.value);
        for (auto const& e : r.errors) std::fprintf(stderr, "coolhead: %s\n", e.c_str());
        return std::nullopt;
    }
    auto r = settings::load_file(*file, env);
    if (r) return std::move(*r.value);
    for (auto const& e : r.errors) std::fprintf(stderr, "coolhead: %s\n", e.c_str());
    return std::nullopt;
}

bool setup_logging(settings::settings const& s, bool quiet_default, settings::environment const& env)
{
    auto opts = settings::to_log_options(s.log);
    if (auto lvl = env("SPDLOG_LEVEL")) opts.levels = *lvl;
    else if (quiet_default) opts.level = "warn"; // the console's terminal is for the call, not for logs
    if (!log::setup(opts)) {
        std::fprintf(stderr, "coolhead: the log level setting is not valid\n");
        return false;
    }
    return true;
}

std::optional<commands::timestamp> parse_iso(std::string_view s)
{
    // 2026-11-23T03:00:00Z
    int y, mo, d, h, mi, sec;
    char z = 0;
    if (std::sscanf(std::string(s).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) != 7 || z != 'Z')
        return std::nullopt;
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    return commands::timestamp{sys_days{ymd}} + hours{h} + minutes{mi} + seconds{sec};
}

/// The newest event time in the store, so a simulated clock never runs backwards across restarts.
asio::awaitable<std::optional<commands::timestamp>> newest_event(store::event_store& store, app::incident_cache& cache)
{
    std::optional<commands::timestamp> newest;
    auto rows = co_await store.incidents(false);
    if (!rows) co_return newest;
    for (auto const& row : *rows) {
        auto s = co_await cache.get(row.number);
        if (s && *s && !(*s)->log.empty() && (!newest || (*s)->log.back().at > *newest)) newest = (*s)->log.back().at;
    }
    co_return newest;
}

/// Reads stdin line by line on the calling thread while the io thread does the work, so input
/// from a terminal, a pipe or a file (which epoll can't watch) all work. A signal wakes the
/// reader through a pipe, so Ctrl-C and SIGTERM end the session cleanly.
class line_reader {
public:
    line_reader()
    {
        if (::pipe(wake_) != 0) wake_[0] = wake_[1] = -1;
    }
    ~line_reader()
    {
        for (int fd : wake_)
            if (fd >= 0) ::close(fd);
    }
    void wake() const
    {
        char c = 1;
        [[maybe_unused]] auto n = ::write(wake_[1], &c, 1);
    }
    /// The next line without its newline; nothing at end of input or after wake().
    std::optional<std::string> next()
    {
        for (;;) {
            if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
                auto line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            if (eof_) {
                if (buffer_.empty()) return std::nullopt;
                return std::exchange(buffer_, {});
            }
            pollfd fds[2]{{0, POLLIN, 0}, {wake_[0], POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR) continue;
                return std::nullopt;
            }
            if (fds[1].revents) return std::nullopt;
            char buf[4096];
            auto n = ::read(0, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) eof_ = true;
            else buffer_.append(buf, static_cast<std::size_t>(n));
        }
    }

private:
    int wake_[2]{-1, -1};
    std::string buffer_;
    bool eof_ = false;
};

/// The store for the daemon and the console; nullptr (after saying why) if it can't be opened.
std::unique_ptr<store::sqlite_event_store> open_store(std::filesystem::path const& path, settings::settings const& s)
{
    try {
        store::sqlite_options so;
        so.delivery_retention = s.store.delivery_retention;
        return std::make_unique<store::sqlite_event_store>(store::sqlite_store::open(path.string(), so), log::component("store"));
    } catch (store::open_error const& e) {
        fail(e.what(), exit_runtime);
        return nullptr;
    }
}

struct console_args {
    std::optional<std::string> config;
    std::optional<std::string> store;
    std::string as;
    std::string channel = "incident";
    std::string clock = "real";
    std::optional<std::string> start;
};

int run_console(console_args const& a)
{
    auto env = settings::process_environment();
    auto s = load_settings(a.config, env);
    if (!s) return exit_usage;
    if (!setup_logging(*s, true, env)) return exit_usage;
    if (a.clock != "real" && a.clock != "simulated") return fail("--clock is `real` or `simulated`", exit_usage);
    std::optional<commands::timestamp> start;
    if (a.start) {
        start = parse_iso(*a.start);
        if (!start) return fail("--start takes a UTC time like 2026-11-23T03:00:00Z", exit_usage);
        if (a.clock != "simulated") return fail("--start needs --clock simulated", exit_usage);
    }
    auto store_path = a.store ? std::filesystem::path(*a.store) : s->store.path;

    auto store = open_store(store_path, *s);
    if (!store) return exit_runtime;

    bool interactive = ::isatty(0) && ::isatty(1);
    app::system_clock real_clock;
    std::optional<app::simulated_clock> sim;
    if (a.clock == "simulated") sim.emplace(start.value_or(real_clock.now()));
    app::clock const& clk = sim ? static_cast<app::clock const&>(*sim) : real_clock;

    asio::io_context io;
    auto work = asio::make_work_guard(io);
    app::incident_cache cache(*store);
    auto policy = settings::to_policy(*s);
    app::dispatcher dispatcher(*store, cache, policy, clk, log::component("app"));

    std::mutex out_mutex;
    auto write = [&](std::string const& text) {
        std::lock_guard lock(out_mutex);
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
    };
    console::options opts;
    opts.as = a.as.empty() ? (std::getenv("USER") ? std::getenv("USER") : "you") : a.as;
    opts.channel = a.channel;
    opts.color = interactive;

    std::optional<console::console_adapter> console;
    app::reminder_scheduler reminders(io.get_executor(), *store, cache, dispatcher.policy(), clk,
                                      [&](commands::outbound m) { console->post(std::move(m)); },
                                      commands::user_ref{"coolhead", "coolhead"}, log::component("app"));
    dispatcher.on_commit = [&](std::uint64_t) { reminders.poke(); };
    std::optional<console::console_adapter::time_control> time;
    if (sim)
        time = console::console_adapter::time_control{[&](commands::duration d) { sim->advance(d); },
                                                      [&]() -> asio::awaitable<void> { co_await reminders.fire_due(); }};
    console.emplace(dispatcher, [&] { return clk.now(); }, time, opts, write, log::component("console"));

    line_reader reader;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    std::atomic<bool> stopping = false;
    signals.async_wait([&](boost::system::error_code ec, int) {
        if (ec) return;
        stopping = true;
        reader.wake();
    });
    std::thread io_thread([&] { io.run(); });

    // Start-up on the io thread: a simulated clock catches up with the stored history, then
    // reminders start (a real clock fires anything that fell due while the bot was down).
    auto ready = asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        if (sim)
            if (auto newest = co_await newest_event(*store, cache)) sim->catch_up(*newest);
        reminders.start();
    }, asio::use_future);
    ready.wait();

    if (interactive)
        write("coolhead console: you are " + opts.as + " in #" + opts.channel + ", store " + store_path.string() +
              (sim ? ", simulated clock at " + commands::format_iso8601(clk.now()) : std::string{}) +
              ". `:help` lists the console commands.\n\n");

    int code = 0;
    while (!stopping) {
        if (interactive) write(console->prompt());
        auto line = reader.next();
        if (!line) break;
        // One line at a time, in order: the next is read once this one's reply is printed.
        auto more = asio::co_spawn(io, console->line(std::move(*line)), asio::use_future);
        try {
            if (!more.get()) break;
        } catch (std::exception const& e) {
            log::component("console")->error("event=line_failed error=\"{}\"", e.what());
            code = exit_runtime;
            break;
        }
    }

    // Orderly shutdown: no new work, stop timers and signal handling on the io thread, let the
    // store finish and flush, then let the io thread run dry.
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        reminders.stop();
        signals.cancel();
        co_return;
    }, asio::use_future).wait();
    store->stop();
    work.reset();
    io_thread.join();
    if (interactive) write("\n");
    return code;
}

/// The callback URL Mattermost calls: the configured one, or one derived from `listen`.
std::string callback_url(settings::mattermost_settings const& m)
{
    return m.public_url.empty() ? "http://" + m.listen + "/mattermost/command" : m.public_url;
}

/// The Mattermost adapter's options from the settings; nothing (after saying why) if they don't fit.
std::optional<mattermost::mattermost_options> mattermost_options_from(settings::settings const& s, settings::environment const& env)
{
    auto const& m = s.mattermost;
    mattermost::mattermost_options o;
    auto server = net::parse_endpoint(m.url);
    if (!server || (server->scheme != net::scheme::https && server->scheme != net::scheme::http)) {
        fail("mattermost.url: " + (server ? std::string("expected an http(s) URL") : server.error().message()), exit_usage);
        return std::nullopt;
    }
    o.server = *server;
    o.token = m.token;
    auto colon = m.listen.rfind(':');
    int port = -1;
    if (colon != std::string::npos) {
        try {
            port = std::stoi(m.listen.substr(colon + 1));
        } catch (...) {
        }
    }
    if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
        fail("mattermost.listen: expected host:port, like 127.0.0.1:8066", exit_usage);
        return std::nullopt;
    }
    o.listen_host = m.listen.substr(0, colon);
    if (o.listen_host.size() > 2 && o.listen_host.front() == '[') o.listen_host = o.listen_host.substr(1, o.listen_host.size() - 2);
    o.listen_port = static_cast<std::uint16_t>(port);
    auto callback = net::parse_endpoint(callback_url(m));
    if (!callback) {
        fail("mattermost.public_url: " + callback.error().message(), exit_usage);
        return std::nullopt;
    }
    o.command_path = callback->target.substr(0, callback->target.find('?'));
    mattermost::tokens_result tokens;
    if (auto v = env("MATTERMOST_COMMAND_TOKENS")) tokens = mattermost::parse_tokens_variable(*v);
    else tokens = mattermost::read_tokens_file(m.command_tokens_file);
    if (tokens.error) log::component("mattermost")->warn("event=mattermost_command_tokens_missing error=\"{}\"", *tokens.error);
    o.command_tokens = std::move(tokens.tokens);
    if (m.tls_certificate && m.tls_key) o.callback_tls = net::tls_server_settings{m.tls_certificate->string(), m.tls_key->string()};
    o.message_limit = static_cast<std::size_t>(m.message_limit);
    return o;
}

int mattermost_setup(std::string const& config, std::string const& team)
{
    auto env = settings::process_environment();
    auto s = load_settings(config, env);
    if (!s) return exit_usage;
    if (!setup_logging(*s, false, env)) return exit_usage;
    if (s->mattermost.url.empty()) return fail(config + ": mattermost.url is not set", exit_usage);
    if (s->mattermost.token.empty()) {
        auto t = settings::secret_source(env).find("MATTERMOST_TOKEN");
        if (!t.value) return fail(t.error.value_or("MATTERMOST_TOKEN is not set"), exit_usage);
        s->mattermost.token = *t.value;
    }
    auto server = net::parse_endpoint(s->mattermost.url);
    if (!server) return fail("mattermost.url: " + server.error().message(), exit_usage);
    std::optional<asio::ssl::context> tls;
    try {
        auto const& ca = s->mattermost.ca_file;
        tls.emplace(net::make_tls_client_context(net::tls_settings{ca ? std::optional<std::string>(ca->string()) : std::nullopt}));
    } catch (std::exception const& e) {
        return fail(std::string("the TLS set-up failed: ") + e.what(), exit_usage);
    }
    asio::io_context io;
    auto url = callback_url(s->mattermost);
    auto f = asio::co_spawn(io,
                            mattermost::register_commands(io.get_executor(), *tls, {*server, s->mattermost.token, team, url},
                                                          log::component("mattermost")),
                            asio::use_future);
    io.run();
    auto result = f.get();
    std::cout << result.report;
    if (!result.ok) return exit_runtime;
    if (auto err = mattermost::write_tokens_file(s->mattermost.command_tokens_file, result.tokens)) return fail(*err, exit_runtime);
    std::cout << "Saved the command tokens to " << s->mattermost.command_tokens_file.string() << " (readable by its owner only).\n";
    return 0;
}

int run_daemon(std::string const& config)
{
    auto env = settings::process_environment();
    auto s = load_settings(config, env);
    if (!s) return exit_usage;
    if (!setup_logging(*s, false, env)) return exit_usage;
    if (!s->slack.enabled && !s->mattermost.enabled)
        return fail(config + ": no chat adapter is enabled; set slack.enabled or mattermost.enabled, or rehearse with "
                             "`coolhead console`",
                    exit_usage);
    if (s->slack.enabled && s->mattermost.enabled)
        return fail(config + ": enable one chat adapter per process (slack or mattermost); run a second coolhead for the other",
                    exit_usage);

    // Everything the network needs is checked before the store is opened.
    auto log_main = log::component("app");
    auto ca_file = s->slack.enabled ? s->slack.ca_file : s->mattermost.ca_file;
    std::optional<asio::ssl::context> tls;
    try {
        tls.emplace(net::make_tls_client_context(net::tls_settings{ca_file ? std::optional<std::string>(ca_file->string()) : std::nullopt}));
    } catch (std::exception const& e) {
        return fail(std::string("the TLS set-up failed: ") + e.what(), exit_usage);
    }
    std::optional<slack::slack_options> slack_opts;
    std::optional<mattermost::mattermost_options> mm_opts;
    if (s->slack.enabled) {
        auto url = env("SLACK_API_URL").value_or(s->slack.api_url);
        auto base = net::parse_endpoint(url);
        if (!base) return fail("slack.api_url (or SLACK_API_URL): " + base.error().message(), exit_usage);
        slack_opts.emplace();
        slack_opts->api_base = *base;
        slack_opts->app_token = s->slack.app_token;
        slack_opts->bot_token = s->slack.bot_token;
        slack_opts->connections = static_cast<int>(s->slack.connections);
    } else {
        auto opts = mattermost_options_from(*s, env);
        if (!opts) return exit_usage;
        mm_opts = std::move(*opts);
    }

    auto store = open_store(s->store.path, *s);
    if (!store) return exit_runtime;

    asio::io_context io;
    auto work = asio::make_work_guard(io);
    app::system_clock clk;
    app::incident_cache cache(*store);
    app::dispatcher dispatcher(*store, cache, settings::to_policy(*s), clk, log::component("app"));
    // One chat adapter per process; both have the same start/stop/post shape.
    std::unique_ptr<slack::slack_adapter> slack_adapter;
    std::unique_ptr<mattermost::mattermost_adapter> mm_adapter;
    adapters::chat_adapter* adapter = nullptr;
    std::string adapter_name;
    if (slack_opts) {
        slack_adapter = std::make_unique<slack::slack_adapter>(io.get_executor(), *tls, std::move(*slack_opts), dispatcher, log::component("slack"));
        adapter = slack_adapter.get();
        adapter_name = "slack";
    } else {
        mm_adapter = std::make_unique<mattermost::mattermost_adapter>(io.get_executor(), *tls, std::move(*mm_opts), dispatcher,
                                                                      log::component("mattermost"));
        adapter = mm_adapter.get();
        adapter_name = "mattermost";
    }
    auto start_adapter = [&]() -> asio::awaitable<boost::system::error_code> {
        if (slack_adapter) co_return co_await slack_adapter->start();
        co_return co_await mm_adapter->start();
    };
    auto stop_adapter = [&]() -> asio::awaitable<void> {
        if (slack_adapter) co_await slack_adapter->stop();
        else co_await mm_adapter->stop();
    };
    app::reminder_scheduler reminders(io.get_executor(), *store, cache, dispatcher.policy(), clk,
                                      [&](commands::outbound m) { adapter->post(std::move(m)); },
                                      commands::user_ref{"coolhead", "coolhead"}, log::component("app"));
    dispatcher.on_commit = [&](std::uint64_t) { reminders.poke(); };

    int code = 0;
    bool shutting_down = false;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    // Stop taking new work, let the envelopes in hand be acked, send what is queued, then stop.
    auto shutdown = [&](int exit_code) {
        if (shutting_down) return;
        shutting_down = true;
        code = exit_code;
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            log_main->info("event=shutting_down");
            signals.cancel();
            reminders.stop();
            co_await stop_adapter();
            work.reset();
            io.stop(); // after the grace period above: anything still waiting is not ours to finish
        }, asio::detached);
    };
    signals.async_wait([&](boost::system::error_code ec, int sig) {
        if (ec) return;
        log_main->info("event=signal signal={}", sig);
        shutdown(0);
    });
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        if (auto ec = co_await start_adapter()) {
            log_main->error("event=adapter_failed adapter={} error=\"{}\"", adapter_name, ec.message());
            shutdown(exit_runtime);
            co_return;
        }
        reminders.start();
        log_main->info("event=running adapter={}", adapter_name);
    }, asio::detached);
    io.run();
    store->stop();
    log_main->info("event=stopped exit_code={}", code);
    return code;
}

int check_config(std::string const& file)
{
    auto env = settings::process_environment();
    auto r = settings::load_file(file, env);
    if (!r) {
        for (auto const& e : r.errors) std::fprintf(stderr, "coolhead: %s\n", e.c_str());
        return exit_usage;
    }
    std::cout << settings::describe(*r.value) << std::endl;
    return 0;
}

int main_impl(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << usage_text;
        return exit_usage;
    }
    std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << usage_text;
        return 0;
    }
    if (command == "--version") {
        std::cout << "coolhead " << COOLHEAD_VERSION << "\n";
        return 0;
    }
    auto parse = [&](po::options_description const& desc, po::positional_options_description const* pos, po::variables_map& vm) {
        auto parser = po::command_line_parser(argc - 1, argv + 1).options(desc);
        if (pos) parser.positional(*pos);
        po::store(parser.run(), vm);
        po::notify(vm);
    };

    if (command == "console") {
        console_args a;
        po::options_description desc("coolhead console: rehearse an incident call in this terminal");
        desc.add_options()("help,h", "this help")
            ("config", po::value<std::string>(), "config file (defaults apply without one)")
            ("store", po::value<std::string>(), "SQLite database file (default: the config's store.path, or coolhead.db)")
            ("as", po::value<std::string>(&a.as), "who you are at the start (default: $USER)")
            ("channel", po::value<std::string>(&a.channel)->default_value("incident"), "the channel you start in")
            ("clock", po::value<std::string>(&a.clock)->default_value("real"), "real, or simulated (moves with :wait)")
            ("start", po::value<std::string>(), "simulated clock's start, e.g. 2026-11-23T03:00:00Z (default: now)");
        po::variables_map vm;
        parse(desc, nullptr, vm);
        if (vm.count("help")) {
            std::cout << desc << "\nIn the console, `:help` lists the console commands.\n";
            return 0;
        }
        if (vm.count("config")) a.config = vm["config"].as<std::string>();
        if (vm.count("store")) a.store = vm["store"].as<std::string>();
        if (vm.count("start")) a.start = vm["start"].as<std::string>();
        return run_console(a);
    }
    if (command == "run") {
        po::options_description desc("coolhead run: the daemon");
        desc.add_options()("help,h", "this help")("config", po::value<std::string>()->required(), "config file");
        po::variables_map vm;
        po::store(po::command_line_parser(argc - 1, argv + 1).options(desc).run(), vm);
        if (vm.count("help")) {
            std::cout << desc;
            return 0;
        }
        po::notify(vm);
        return run_daemon(vm["config"].as<std::string>());
    }
    if (command == "mattermost") {
        po::options_description desc("coolhead mattermost setup --config FILE --team TEAM: register the slash commands");
        desc.add_options()("help,h", "this help")("action", po::value<std::string>()->required(), "setup")
            ("config", po::value<std::string>()->required(), "config file (mattermost.url, public_url, command_tokens_file)")
            ("team", po::value<std::string>()->required(), "the team's name or id");
        po::positional_options_description pos;
        pos.add("action", 1);
        po::variables_map vm;
        po::store(po::command_line_parser(argc - 1, argv + 1).options(desc).positional(pos).run(), vm);
        if (vm.count("help")) {
            std::cout << desc;
            return 0;
        }
        po::notify(vm);
        if (vm["action"].as<std::string>() != "setup") return fail("`coolhead mattermost` knows one action: setup", exit_usage);
        return mattermost_setup(vm["config"].as<std::string>(), vm["team"].as<std::string>());
    }
    if (command == "check-config") {
        po::options_description desc("coolhead check-config FILE: validate a config file");
        desc.add_options()("help,h", "this help")("file", po::value<std::string>()->required(), "config file");
        po::positional_options_description pos;
        pos.add("file", 1);
        po::variables_map vm;
        po::store(po::command_line_parser(argc - 1, argv + 1).options(desc).positional(pos).run(), vm);
        if (vm.count("help")) {
            std::cout << desc;
            return 0;
        }
        po::notify(vm);
        return check_config(vm["file"].as<std::string>());
    }
    std::cerr << "coolhead: `" << command << "` isn't a command I know.\n\n" << usage_text;
    return exit_usage;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return main_impl(argc, argv);
    } catch (po::error const& e) {
        return fail(e.what(), exit_usage);
    } catch (std::exception const& e) {
        return fail(e.what(), exit_runtime);
    }
}

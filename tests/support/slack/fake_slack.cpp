// fake_slack: the server side. Everything with Asio lives in this file; the Web API's answers
// come from detail/web_api.cpp and the envelopes from slack_envelopes.cpp.
//
// Threads: the test thread calls the public API; the server thread (test_server's) runs the
// HTTP handlers and one handler coroutine per link. Records live in `fake_state` under one
// mutex (with a condition variable for the waits); sockets, timers and write queues are touched
// on the server thread only, reached from the test thread by posting and waiting on a future.
//
// A link is three coroutines on the server thread: the handler (test_server calls it after the
// upgrade) runs the only writer, draining a queue (test_server's sessions allow one write at a
// time); a reader records every frame; a pinger queues a ping every ping_interval. The handler
// returns only once the reader is finished, because the session dies with the handler.
#include "tests/support/slack/fake_slack.hpp"

#include "tests/support/slack/detail/web_api.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/support/test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

namespace coolhead::testing {
namespace asio = boost::asio;
using nlohmann::json;
using steady = std::chrono::steady_clock;
using test::http_reply;
using test::recorded_request;
using test::websocket_session;

namespace detail {

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint16_t close_normal = 1000;
constexpr std::uint16_t close_policy = 1008; // RFC 6455 7.4.1: a refused ticket

void report_exception(std::exception_ptr e)
{
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (std::exception const& ex) {
        std::fprintf(stderr, "fake_slack: task failed: %s\n", ex.what());
    }
}
} // namespace

/// One frame (or ping, or close) for a link's writer.
struct write_op {
    enum class kind { text, binary, ping, close };
    kind what = kind::text;
    std::string data; ///< text/binary payload, or the close reason
    std::uint16_t code = close_normal;
    std::optional<sent_envelope> envelope; ///< recorded (with sent_at) when the write starts
    bool hello = false;
    /// After a successful text write: close the link this much later (disconnect frames).
    std::optional<std::chrono::milliseconds> close_after;
    std::shared_ptr<std::promise<bool>> done; ///< told whether the frame was written; may be null
};

/// A link's server-thread state.
struct link_runtime {
    link_runtime(asio::any_io_executor const& ex, std::size_t n)
        : number(n), wake(ex), ping_timer(ex), reader_finished(ex)
    {
        wake.expires_at(steady::time_point::max());
        reader_finished.expires_at(steady::time_point::max());
    }

    std::size_t number;
    websocket_session* session = nullptr; // valid until `finished`
    std::deque<write_op> queue;
    asio::steady_timer wake; // the writer waits on it; cancelled to wake it
    asio::steady_timer ping_timer;
    asio::steady_timer reader_finished; // cancelled when the reader is done
    asio::cancellation_signal reader_cancel;
    bool reader_done = false;
    bool ended = false;         // the reader saw the end, or a write failed
    bool client_closed = false; // the client's close frame came first
    bool stalled = false;
    bool stop_reading = false;
    bool fake_closing = false;
    bool dropped = false;
    bool finished = false; // the handler is done: the session is gone

    bool writable() const noexcept { return !finished && !ended && !stalled && !dropped && !fake_closing; }

    void fail_queue()
    {
        for (auto& op : queue) {
            if (op.done) op.done->set_value(false);
        }
        queue.clear();
    }
};

/// A scripted Web API answer rule.
struct script {
    enum class kind { rate_limit, fail, stall, delay, drop, status };
    kind what = kind::fail;
    std::size_t remaining = 1;
    std::chrono::seconds retry_after{0};
    std::string error;
    std::chrono::milliseconds delay{0};
    unsigned status = 200;
    std::string body;
};

char const* script_name(script::kind k)
{
    switch (k) {
    case script::kind::rate_limit:
        return "rate_limit";
    case script::kind::fail:
        return "fail";
    case script::kind::stall:
        return "stall";
    case script::kind::delay:
        return "delay";
    case script::kind::drop:
        return "drop";
    case script::kind::status:
        return "status";
    }
    return "";
}

struct fake_state {
    explicit fake_state(fake_slack_options o) : options(std::move(o)), model(options) {}

    fake_slack_options const options;    // declared before `model`, which refers to it
    test::test_server* server = nullptr; // set once; valid while the server runs
    asio::any_io_executor ex;
    std::string websocket_base; // "wss://localhost:<port>"
    std::string https_base;     // "https://localhost:<port>"

    mutable std::mutex mutex;
    mutable std::condition_variable changed; // notified after every record
    web_api_model model;
    std::vector<web_api_call> calls;
    std::map<std::string, std::deque<script>, std::less<>> scripts;
    std::map<std::string, method_handler, std::less<>> handlers;
    std::set<std::string, std::less<>> routed;
    std::vector<link_info> links; // index = number - 1
    std::vector<refused_upgrade> refused;
    std::vector<sent_envelope> sent;
    std::map<std::string, json, std::less<>> envelopes; // envelope_id -> as last sent
    std::vector<ack> acks;
    std::vector<client_frame> frames;
    std::map<std::string, std::size_t, std::less<>> response_url_uses; // by path
    std::size_t next_envelope = 0;
    std::size_t next_event = 0;
    std::size_t next_trigger = 0;
    std::size_t next_response_url = 0;
    bool stopping = false;

    // Server thread only.
    std::map<std::size_t, std::shared_ptr<link_runtime>> runtimes;

    std::shared_ptr<link_runtime> runtime(std::size_t n) const
    {
        auto it = runtimes.find(n);
        return it == runtimes.end() ? nullptr : it->second;
    }

    /// The newest link that can take a frame (server thread).
    std::shared_ptr<link_runtime> newest_writable() const
    {
        for (auto it = runtimes.rbegin(); it != runtimes.rend(); ++it) {
            if (it->second->writable()) return it->second;
        }
        return nullptr;
    }

    std::size_t open_links_locked() const
    {
        return static_cast<std::size_t>(
            std::count_if(links.begin(), links.end(), [](auto const& l) { return l.open(); }));
    }
};

namespace {

using state_ptr = std::shared_ptr<fake_state>;

/// Runs `f` on the server thread and returns its result, waiting at most call_timeout.
template <class F>
auto on_server(state_ptr const& st, F f) -> decltype(f())
{
    using R = decltype(f());
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
    auto result = task->get_future();
    asio::post(st->ex, [task] { (*task)(); });
    if (result.wait_for(st->options.call_timeout) != std::future_status::ready) {
        throw std::runtime_error("fake_slack: the server thread did not answer within call_timeout");
    }
    return result.get();
}

void wake_writer(link_runtime& rt)
{
    rt.wake.cancel();
}

json hello_frame(fake_state const& st, std::size_t number, std::size_t num_connections)
{
    return {{"type", "hello"},
            {"num_connections", num_connections},
            {"debug_info",
             {{"host", "applink-fake-" + std::to_string(number)},
              {"started", "2024-01-01 00:00:00.000"},
              {"build_number", 1},
              {"approximate_connection_time", st.options.approximate_connection_time}}},
            {"connection_info", {{"app_id", st.options.workspace.app_id}}}};
}

json disconnect_frame(fake_state const& st, std::string const& reason, std::size_t number,
                      std::size_t num_connections)
{
    json f = {{"type", "disconnect"},
              {"reason", reason},
              {"debug_info", {{"host", "applink-fake-" + std::to_string(number)}}}};
    if (reason == "too_many_websockets") {
        f["num_connections"] = num_connections;
        f["connection_info"] = {{"app_id", st.options.workspace.app_id}};
    }
    return f;
}

void record_frame(fake_state& st, std::size_t link, std::string data, steady::time_point now)
{
    auto j = json::parse(data, nullptr, false);
    bool const is_ack =
        !j.is_discarded() && j.is_object() && j.contains("envelope_id") && j["envelope_id"].is_string();
    std::lock_guard lock(st.mutex);
    if (is_ack) {
        ack a;
        a.envelope_id = j["envelope_id"].get<std::string>();
        a.raw = data;
        if (j.contains("payload")) a.payload = j["payload"];
        a.frame = std::move(j);
        a.link = link;
        a.received_at = now;
        // Latency from the latest send of this envelope that came before the ack.
        for (auto it = st.sent.rbegin(); it != st.sent.rend(); ++it) {
            if (it->envelope_id == a.envelope_id && it->sent_at <= now) {
                a.latency = now - it->sent_at;
                break;
            }
        }
        st.acks.push_back(std::move(a));
    }
    st.frames.push_back({link, std::move(data), is_ack, now});
    ++st.links[link - 1].frames_received;
    st.changed.notify_all();
}

asio::awaitable<void> auto_redeliver(state_ptr st, std::string envelope_id, int attempt_sent);

/// Queues `op` on `rt` (server thread); refuses (done = false) if the link cannot take it.
void enqueue(link_runtime& rt, write_op op)
{
    if (!rt.writable()) {
        if (op.done) op.done->set_value(false);
        return;
    }
    rt.queue.push_back(std::move(op));
    wake_writer(rt);
}

asio::awaitable<void> delayed_close(std::shared_ptr<link_runtime> rt, std::chrono::milliseconds delay)
{
    asio::steady_timer t(rt->wake.get_executor());
    t.expires_after(delay);
    co_await t.async_wait(use_tuple);
    write_op op;
    op.what = write_op::kind::close;
    op.code = close_normal;
    enqueue(*rt, std::move(op));
}

/// The link's only writer. Returns when the link is over for writing: ended, closed by the
/// fake, dropped or stalled.
asio::awaitable<void> write_loop(state_ptr st, std::shared_ptr<link_runtime> rt, websocket_session& s)
{
    for (;;) {
        if (rt->stalled || rt->dropped) co_return;
        if (rt->queue.empty()) {
            if (rt->ended) co_return;
            rt->wake.expires_at(steady::time_point::max());
            co_await rt->wake.async_wait(use_tuple);
            continue;
        }
        write_op op = std::move(rt->queue.front());
        rt->queue.pop_front();
        bool ok = false;
        if (op.what == write_op::kind::close) {
            rt->fake_closing = true;
            co_await s.close(op.code, op.data); // bounded by test_server (5 s)
            rt->ended = true;
            if (op.done) op.done->set_value(true);
            co_return;
        }
        if (op.what == write_op::kind::ping) {
            ok = co_await s.ping();
            if (ok) {
                std::lock_guard lock(st->mutex);
                auto& info = st->links[rt->number - 1];
                ++info.pings_sent;
                info.last_ping_at = steady::now();
                st->changed.notify_all();
            }
        } else if (op.what == write_op::kind::binary) {
            ok = co_await s.send_binary(std::move(op.data));
        } else {
            std::optional<std::pair<std::string, int>> redeliver;
            if (op.envelope) {
                op.envelope->sent_at = steady::now();
                std::lock_guard lock(st->mutex);
                if (op.envelope->type == "events_api" && st->options.auto_redeliver_after &&
                    !op.envelope->envelope_id.empty()) {
                    redeliver.emplace(op.envelope->envelope_id, op.envelope->retry_attempt);
                }
                st->sent.push_back(std::move(*op.envelope));
                st->changed.notify_all();
            }
            if (op.hello) {
                // Marked before the write: the client may read the hello and act on it before
                // this write's completion runs, and a test that waited on the client must
                // already see it.
                std::lock_guard lock(st->mutex);
                st->links[rt->number - 1].hello_sent = true;
                st->changed.notify_all();
            }
            ok = co_await s.send(std::move(op.data));
            if (ok && redeliver) {
                asio::co_spawn(st->ex, auto_redeliver(st, redeliver->first, redeliver->second),
                               report_exception);
            }
            if (ok && op.close_after) {
                asio::co_spawn(st->ex, delayed_close(rt, *op.close_after), report_exception);
            }
        }
        if (op.done) op.done->set_value(ok);
        if (!ok) {
            // The connection is broken (or Beast already failed it): nothing more can be written.
            rt->ended = true;
            co_return;
        }
    }
}

/// Records every frame until the link ends, stop_reading() or stall().
asio::awaitable<void> read_loop(state_ptr st, std::shared_ptr<link_runtime> rt, websocket_session& s)
{
    for (;;) {
        if (rt->stop_reading || rt->stalled) {
            if (rt->stop_reading) {
                std::lock_guard lock(st->mutex);
                st->links[rt->number - 1].reading = false;
                st->changed.notify_all();
            }
            co_return;
        }
        auto msg = co_await s.read();
        auto const now = steady::now();
        if (!msg) {
            rt->ended = true;
            if (s.peer_close_code()) {
                if (!rt->fake_closing) rt->client_closed = true;
                std::lock_guard lock(st->mutex);
                st->links[rt->number - 1].client_close_code = s.peer_close_code();
            }
            wake_writer(*rt);
            co_return;
        }
        record_frame(*st, rt->number, std::move(*msg), now);
    }
}

/// Queues a websocket ping every ping_interval while the link is writable.
asio::awaitable<void> ping_loop(state_ptr st, std::shared_ptr<link_runtime> rt)
{
    for (;;) {
        rt->ping_timer.expires_after(st->options.ping_interval);
        co_await rt->ping_timer.async_wait(use_tuple);
        if (rt->finished || rt->ended || rt->stalled || rt->dropped) co_return;
        bool const queued = std::any_of(rt->queue.begin(), rt->queue.end(),
                                        [](write_op const& op) { return op.what == write_op::kind::ping; });
        if (!queued && rt->writable()) {
            write_op op;
            op.what = write_op::kind::ping;
            enqueue(*rt, std::move(op));
        }
    }
}

/// The handler of one `/link/` upgrade.
asio::awaitable<void> serve_link(state_ptr st, websocket_session& s)
{
    auto const now = steady::now();
    auto const& up = s.upgrade_request();
    auto const ticket = query_param(up.target, "ticket");
    std::string refusal;
    std::size_t number = 0;
    std::size_t open_before = 0;
    {
        std::lock_guard lock(st->mutex);
        if (!ticket) {
            refusal = "no ticket";
        } else if (auto it = st->model.tickets.find(*ticket); it == st->model.tickets.end()) {
            refusal = "unknown ticket";
        } else if (it->second.used) {
            refusal = "ticket already used";
        } else {
            it->second.used = true;
        }
        if (!refusal.empty()) {
            st->refused.push_back({up.target, refusal, now});
        } else {
            open_before = st->open_links_locked();
            link_info info;
            info.number = st->links.size() + 1;
            info.ticket = *ticket;
            info.target = up.target;
            info.upgrade_headers = up.headers;
            info.opened_at = now;
            st->links.push_back(std::move(info));
            number = st->links.size();
        }
        st->changed.notify_all();
    }
    if (!refusal.empty()) {
        // test_server cannot answer an upgrade with an HTTP error, so: accept, then close.
        co_await s.close(close_policy, "invalid ticket");
        co_return;
    }

    auto rt = std::make_shared<link_runtime>(st->ex, number);
    rt->session = &s;
    st->runtimes[number] = rt;
    {
        write_op first;
        if (open_before >= st->options.max_connections) {
            first.data = disconnect_frame(*st, "too_many_websockets", number, open_before + 1).dump();
            first.close_after = st->options.disconnect_close_after;
        } else {
            first.data = hello_frame(*st, number, open_before + 1).dump();
            first.hello = true;
        }
        enqueue(*rt, std::move(first));
    }
    asio::co_spawn(st->ex, read_loop(st, rt, s),
                   asio::bind_cancellation_slot(rt->reader_cancel.slot(), [rt](std::exception_ptr e) {
                       report_exception(e);
                       rt->reader_done = true;
                       rt->reader_finished.cancel();
                   }));
    asio::co_spawn(st->ex, ping_loop(st, rt), report_exception);

    co_await write_loop(st, rt, s);
    if (rt->stalled) co_await s.stall(); // until the fake shuts down
    if (!rt->reader_done) {
        // Closing the socket ends a pending read; the session must outlive the reader.
        s.drop();
        co_await rt->reader_finished.async_wait(use_tuple);
    }
    rt->finished = true;
    rt->session = nullptr;
    rt->ping_timer.cancel();
    rt->fail_queue();
    st->runtimes.erase(number);

    std::lock_guard lock(st->mutex);
    auto& info = st->links[number - 1];
    info.closed_at = steady::now();
    if (rt->dropped) {
        info.end = link_end::dropped_by_fake;
    } else if (rt->fake_closing) {
        info.end = link_end::closed_by_fake;
    } else if (rt->client_closed) {
        info.end = link_end::closed_by_client;
    } else if (rt->stalled || st->stopping) {
        info.end = link_end::server_stopped;
    } else {
        info.end = link_end::lost;
    }
    st->changed.notify_all();
}

asio::awaitable<void> auto_redeliver(state_ptr st, std::string envelope_id, int attempt_sent)
{
    asio::steady_timer t(st->ex);
    auto const interval = st->options.auto_redeliver_after.value_or(std::chrono::milliseconds(1000));
    t.expires_after(interval);
    co_await t.async_wait(use_tuple);
    for (;;) {
        json env;
        {
            std::lock_guard lock(st->mutex);
            if (st->stopping || attempt_sent >= st->options.max_redeliveries) co_return;
            bool const acked = std::any_of(st->acks.begin(), st->acks.end(),
                                           [&](ack const& a) { return a.envelope_id == envelope_id; });
            if (acked) co_return;
            auto it = st->envelopes.find(envelope_id);
            if (it == st->envelopes.end()) co_return;
            // A later send (a manual redeliver) has its own timer.
            if (it->second.value("retry_attempt", 0) != attempt_sent) co_return;
            env = it->second;
        }
        auto rt = st->newest_writable();
        if (!rt) {
            // No link: Slack keeps the event and retries later (PROTOCOLS.md 1.7).
            t.expires_after(interval);
            co_await t.async_wait(use_tuple);
            continue;
        }
        env["retry_attempt"] = attempt_sent + 1;
        env["retry_reason"] = "timeout";
        write_op op;
        op.data = env.dump();
        op.envelope = sent_envelope{envelope_id, "events_api", attempt_sent + 1, env, rt->number, {}};
        {
            std::lock_guard lock(st->mutex);
            st->envelopes[envelope_id] = std::move(env);
        }
        enqueue(*rt, std::move(op));
        co_return;
    }
}

// ---- Web API ------------------------------------------------------------------------------

void finish_call(fake_state& st, std::size_t index, unsigned status, std::string error)
{
    std::lock_guard lock(st.mutex);
    st.calls[index].status = status;
    st.calls[index].error = std::move(error);
    st.changed.notify_all();
}

std::optional<script> take_script(fake_state& st, std::string_view method)
{
    auto pick = [&](std::string_view key) -> std::optional<script> {
        auto it = st.scripts.find(key);
        if (it == st.scripts.end() || it->second.empty()) return std::nullopt;
        auto& rule = it->second.front();
        script s = rule;
        if (--rule.remaining == 0) it->second.pop_front();
        return s;
    };
    if (auto s = pick(method)) return s;
    return pick("*");
}

json auth_error(token_check t)
{
    return {{"ok", false}, {"error", t == token_check::wrong_token ? "invalid_auth" : "not_authed"}};
}

asio::awaitable<http_reply> serve_api(state_ptr st, std::string method, recorded_request req)
{
    auto const now = steady::now();
    web_api_call call;
    call.method = method;
    call.http_method = req.method;
    call.target = req.target;
    call.headers = req.headers;
    call.body = req.body;
    auto parsed = parse_params(req.target, req.header("Content-Type"), req.body);
    call.kind = parsed.kind;
    call.params = std::move(parsed.params);
    call.auth = check_bearer(req.header("Authorization"), expected_token(st->options, method));
    call.received_at = now;

    std::optional<script> sc;
    std::size_t index = 0;
    method_handler custom;
    {
        std::lock_guard lock(st->mutex);
        sc = take_script(*st, method);
        if (sc) call.scripted = script_name(sc->what);
        index = st->calls.size();
        st->calls.push_back(call);
        if (auto it = st->handlers.find(method); it != st->handlers.end()) custom = it->second;
        st->changed.notify_all();
    }

    if (sc && sc->what == script::kind::rate_limit) {
        // PROTOCOLS.md 1.9: HTTP 429 with Retry-After in seconds.
        auto reply = http_reply::json(R"({"ok":false,"error":"ratelimited"})", 429);
        reply.headers.push_back({"Retry-After", std::to_string(sc->retry_after.count())});
        finish_call(*st, index, 429, "ratelimited");
        co_return reply;
    }
    if (sc && sc->what == script::kind::fail) {
        finish_call(*st, index, 200, sc->error);
        co_return http_reply::json(json{{"ok", false}, {"error", sc->error}}.dump());
    }
    if (sc && sc->what == script::kind::stall) {
        co_await st->server->stall(); // until the fake shuts down
        http_reply reply;
        reply.after = http_reply::then::drop;
        co_return reply;
    }
    if (sc && sc->what == script::kind::drop) {
        http_reply reply;
        reply.after = http_reply::then::drop;
        finish_call(*st, index, 0, {});
        co_return reply;
    }
    if (sc && sc->what == script::kind::status) {
        http_reply reply;
        reply.status = sc->status;
        reply.body = sc->body;
        reply.headers.push_back({"Content-Type", !sc->body.empty() && sc->body.front() == '{'
                                                     ? "application/json"
                                                     : "text/plain"});
        finish_call(*st, index, sc->status, {});
        co_return reply;
    }
    if (sc && sc->what == script::kind::delay) co_await test::pause(sc->delay);

    json answer;
    if (custom) {
        if (call.auth != token_check::ok) {
            answer = auth_error(call.auth);
        } else {
            try {
                answer = custom(call);
            } catch (std::exception const& e) {
                std::fprintf(stderr, "fake_slack: on_method(%s) handler threw: %s\n", method.c_str(),
                             e.what());
                answer = {{"ok", false}, {"error", "fake_handler_threw"}};
            }
        }
    } else {
        answer_context ctx{st->websocket_base};
        std::lock_guard lock(st->mutex);
        answer = detail::answer(st->model, call, ctx, now);
    }
    bool const ok = answer.is_object() && answer.value("ok", false);
    finish_call(*st, index, 200, ok ? std::string{} : answer.value("error", std::string{}));
    co_return http_reply::json(answer.dump());
}

asio::awaitable<http_reply> serve_response_url(state_ptr st, std::string channel, recorded_request req)
{
    auto const now = steady::now();
    response_url_answer a;
    {
        std::lock_guard lock(st->mutex);
        auto const uses = st->response_url_uses[req.path]++;
        a = answer_response_url(st->model, channel, uses, req.body,
                                check_bearer(req.header("Authorization"), st->options.bot_token), now);
        st->changed.notify_all();
    }
    http_reply reply;
    reply.status = a.status;
    reply.body = std::move(a.body);
    reply.headers.push_back({"Content-Type", "text/plain"});
    co_return reply;
}

/// Gives `method` a route (once). Any thread.
void route_method(state_ptr const& st, std::string const& method)
{
    {
        std::lock_guard lock(st->mutex);
        if (!st->routed.insert(method).second) return;
    }
    st->server->on_http("/api/" + method,
                        [st, method](recorded_request r) { return serve_api(st, method, std::move(r)); });
}

void add_script(state_ptr const& st, std::string method, script s)
{
    if (s.remaining == 0) return;
    if (method != "*") route_method(st, method);
    std::lock_guard lock(st->mutex);
    st->scripts[method].push_back(std::move(s));
}

// ---- Sending from the test thread -----------------------------------------------------------

/// Queues `op` on link `number` and waits until it was written; false if the link could not
/// take it or the write failed.
bool write_and_wait(state_ptr const& st, std::size_t number, write_op op)
{
    auto done = std::make_shared<std::promise<bool>>();
    auto written = done->get_future();
    op.done = done;
    asio::post(st->ex, [st, number, op = std::move(op)]() mutable {
        auto rt = st->runtime(number);
        if (!rt) {
            op.done->set_value(false);
            return;
        }
        if (op.envelope) op.envelope->link = number;
        enqueue(*rt, std::move(op));
    });
    if (written.wait_for(st->options.call_timeout) != std::future_status::ready) {
        throw std::runtime_error("fake_slack: link " + std::to_string(number) +
                                 ": the frame was not written within call_timeout");
    }
    try {
        return written.get();
    } catch (std::future_error const&) {
        return false; // the server stopped with the frame still queued
    }
}

void must_write(state_ptr const& st, std::size_t number, write_op op, char const* what)
{
    if (!write_and_wait(st, number, std::move(op))) {
        throw std::runtime_error(std::string("fake_slack: link ") + std::to_string(number) +
                                 " is not open (" + what + " not sent)");
    }
}

std::string fresh_envelope_id(fake_state& st)
{
    std::lock_guard lock(st.mutex);
    char buf[64];
    auto const n = ++st.next_envelope;
    std::snprintf(buf, sizeof buf, "%08zx-fa4e-4e57-8000-%012zx", n, n);
    return buf;
}

std::string fresh_event_id(fake_state& st)
{
    std::lock_guard lock(st.mutex);
    char buf[32];
    std::snprintf(buf, sizeof buf, "Ev0FAKE%06zu", ++st.next_event);
    return buf;
}

std::string fresh_trigger_id(fake_state& st)
{
    std::lock_guard lock(st.mutex);
    char buf[64];
    auto const n = ++st.next_trigger;
    std::snprintf(buf, sizeof buf, "1700000000%zu.1000000%zu.fa4e%06zx", n, n, n);
    return buf;
}

std::string fresh_ts(fake_state& st)
{
    std::lock_guard lock(st.mutex);
    return st.model.next_ts();
}

/// A response_url served by this fake, recording POSTs as messages for `channel`.
std::string fresh_response_url(state_ptr const& st, std::string const& channel)
{
    std::size_t n = 0;
    {
        std::lock_guard lock(st->mutex);
        n = ++st->next_response_url;
    }
    char secret[48];
    std::snprintf(secret, sizeof secret, "fakeResponseSecret%06zu", n);
    auto const path = "/commands/" + st->options.workspace.team_id + "/" + std::to_string(n) + "/" + secret;
    st->server->on_http(
        path, [st, channel](recorded_request r) { return serve_response_url(st, channel, std::move(r)); });
    return st->https_base + path;
}

std::size_t newest_open(fake_state const& st, bool include_stalled)
{
    std::lock_guard lock(st.mutex);
    for (auto it = st.links.rbegin(); it != st.links.rend(); ++it) {
        if (it->open() && (include_stalled || !it->stalled)) return it->number;
    }
    return 0;
}

} // namespace
} // namespace detail

using detail::state_ptr;

// ---- records ------------------------------------------------------------------------------

std::optional<std::string_view> web_api_call::header(std::string_view name) const noexcept
{
    return net::find_header(headers, name);
}

std::optional<std::string> web_api_call::param(std::string_view name) const
{
    auto it = params.find(std::string(name));
    if (it == params.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    return it->dump();
}

// ---- slack_link ---------------------------------------------------------------------------

link_info slack_link::info() const
{
    std::lock_guard lock(st_->mutex);
    if (number_ == 0 || number_ > st_->links.size()) {
        throw std::runtime_error("fake_slack: no link " + std::to_string(number_) + " (yet)");
    }
    return st_->links[number_ - 1];
}

bool slack_link::is_open() const
{
    std::lock_guard lock(st_->mutex);
    return number_ >= 1 && number_ <= st_->links.size() && st_->links[number_ - 1].open();
}

bool slack_link::wait_closed(std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] {
        return number_ >= 1 && number_ <= st_->links.size() && !st_->links[number_ - 1].open();
    });
}

std::string slack_link::send_envelope(json envelope)
{
    std::string id;
    if (auto it = envelope.find("envelope_id"); it != envelope.end() && it->is_string())
        id = it->get<std::string>();
    std::string type;
    if (auto it = envelope.find("type"); it != envelope.end() && it->is_string())
        type = it->get<std::string>();
    int attempt = 0;
    if (auto it = envelope.find("retry_attempt"); it != envelope.end() && it->is_number_integer())
        attempt = it->get<int>();
    detail::write_op op;
    op.data = envelope.dump();
    if (!id.empty()) {
        std::lock_guard lock(st_->mutex);
        st_->envelopes[id] = envelope;
    }
    op.envelope = sent_envelope{id, type, attempt, std::move(envelope), number_, {}};
    detail::must_write(st_, number_, std::move(op), "envelope");
    return id;
}

std::string slack_link::slash_command(slash_command_args a)
{
    if (a.envelope_id.empty()) a.envelope_id = detail::fresh_envelope_id(*st_);
    if (a.trigger_id.empty()) a.trigger_id = detail::fresh_trigger_id(*st_);
    if (a.response_url.empty()) a.response_url = detail::fresh_response_url(st_, a.channel);
    return send_envelope(make_slash_command_envelope(st_->options.workspace, a));
}

std::string slack_link::slash_command(std::string command, std::string text, std::string channel,
                                      std::string user_id, std::string user_name)
{
    slash_command_args a;
    a.command = std::move(command);
    a.text = std::move(text);
    a.channel = std::move(channel);
    a.user_id = std::move(user_id);
    a.user_name = std::move(user_name);
    return slash_command(std::move(a));
}

std::string slack_link::message_event(message_event_args a)
{
    if (a.envelope_id.empty()) a.envelope_id = detail::fresh_envelope_id(*st_);
    if (a.event_id.empty()) a.event_id = detail::fresh_event_id(*st_);
    if (a.ts.empty()) a.ts = detail::fresh_ts(*st_);
    return send_envelope(make_message_event_envelope(st_->options.workspace, a));
}

std::string slack_link::message_event(std::string channel, std::string user, std::string text, std::string ts,
                                      std::string event_id, int retry_attempt)
{
    message_event_args a;
    a.channel = std::move(channel);
    a.user = std::move(user);
    a.text = std::move(text);
    a.ts = std::move(ts);
    a.event_id = std::move(event_id);
    a.retry_attempt = retry_attempt;
    if (retry_attempt > 0) a.retry_reason = "timeout";
    return message_event(std::move(a));
}

std::string slack_link::message_change(message_change_args a)
{
    if (a.envelope_id.empty()) a.envelope_id = detail::fresh_envelope_id(*st_);
    if (a.event_id.empty()) a.event_id = detail::fresh_event_id(*st_);
    if (a.event_ts.empty()) a.event_ts = detail::fresh_ts(*st_);
    return send_envelope(make_message_change_envelope(st_->options.workspace, a));
}

std::string slack_link::reaction_event(reaction_event_args a)
{
    if (a.envelope_id.empty()) a.envelope_id = detail::fresh_envelope_id(*st_);
    if (a.event_id.empty()) a.event_id = detail::fresh_event_id(*st_);
    if (a.event_ts.empty()) a.event_ts = detail::fresh_ts(*st_);
    return send_envelope(make_reaction_event_envelope(st_->options.workspace, a));
}

std::string slack_link::reaction_event(bool added, std::string reaction, std::string channel,
                                       std::string item_ts, std::string user, std::string item_user,
                                       std::string event_id)
{
    reaction_event_args a;
    a.added = added;
    a.reaction = std::move(reaction);
    a.channel = std::move(channel);
    a.item_ts = std::move(item_ts);
    a.user = std::move(user);
    a.item_user = std::move(item_user);
    a.event_id = std::move(event_id);
    return reaction_event(std::move(a));
}

std::string slack_link::interactive_event(interactive_event_args a)
{
    if (a.envelope_id.empty()) a.envelope_id = detail::fresh_envelope_id(*st_);
    if (a.trigger_id.empty()) a.trigger_id = detail::fresh_trigger_id(*st_);
    if (a.message_ts.empty()) a.message_ts = detail::fresh_ts(*st_);
    if (a.response_url.empty()) a.response_url = detail::fresh_response_url(st_, a.channel);
    return send_envelope(make_interactive_envelope(st_->options.workspace, a));
}

void slack_link::send_raw(std::string text)
{
    detail::write_op op;
    op.data = std::move(text);
    detail::must_write(st_, number_, std::move(op), "raw frame");
}

void slack_link::send_binary(std::string data)
{
    detail::write_op op;
    op.what = detail::write_op::kind::binary;
    op.data = std::move(data);
    detail::must_write(st_, number_, std::move(op), "binary frame");
}

void slack_link::send_oversized(std::size_t bytes)
{
    // A JSON string literal of exactly `bytes` bytes: valid JSON, just too big.
    std::string text(std::max<std::size_t>(bytes, 2), 'x');
    text.front() = '"';
    text.back() = '"';
    send_raw(std::move(text));
}

void slack_link::disconnect(std::string reason)
{
    auto const delay =
        reason == "warning" ? st_->options.warning_close_after : st_->options.disconnect_close_after;
    disconnect(std::move(reason), delay);
}

void slack_link::disconnect(std::string reason, std::optional<std::chrono::milliseconds> close_after)
{
    std::size_t open = 0;
    {
        std::lock_guard lock(st_->mutex);
        open = st_->open_links_locked();
    }
    detail::write_op op;
    op.data = detail::disconnect_frame(*st_, reason, number_, open).dump();
    op.close_after = close_after;
    detail::must_write(st_, number_, std::move(op), "disconnect");
}

void slack_link::drop()
{
    auto st = st_;
    auto const n = number_;
    detail::on_server(st, [st, n] {
        auto rt = st->runtime(n);
        if (!rt || rt->finished || rt->dropped) return;
        rt->dropped = true;
        rt->session->drop();
        rt->fail_queue();
        detail::wake_writer(*rt);
    });
}

void slack_link::stall()
{
    auto st = st_;
    auto const n = number_;
    detail::on_server(st, [st, n] {
        auto rt = st->runtime(n);
        if (!rt || rt->finished || rt->stalled) return;
        rt->stalled = true;
        // A pending read would still answer the client's pings: cancel it (terminal for the
        // Beast stream, which is fine: the link never speaks again).
        rt->reader_cancel.emit(asio::cancellation_type::terminal);
        rt->ping_timer.cancel();
        rt->fail_queue();
        detail::wake_writer(*rt);
        std::lock_guard lock(st->mutex);
        st->links[n - 1].stalled = true;
        st->changed.notify_all();
    });
}

void slack_link::stop_reading()
{
    auto st = st_;
    auto const n = number_;
    detail::on_server(st, [st, n] {
        if (auto rt = st->runtime(n)) rt->stop_reading = true;
    });
}

void slack_link::close(std::uint16_t code, std::string reason)
{
    auto st = st_;
    auto const n = number_;
    detail::on_server(st, [st, n, code, reason = std::move(reason)]() mutable {
        auto rt = st->runtime(n);
        if (!rt) return;
        detail::write_op op;
        op.what = detail::write_op::kind::close;
        op.code = code;
        op.data = std::move(reason);
        detail::enqueue(*rt, std::move(op));
    });
}

// ---- fake_slack ---------------------------------------------------------------------------

fake_slack::fake_slack(fake_slack_options options)
    : st_(std::make_shared<detail::fake_state>(std::move(options))),
      server_(std::make_unique<test::test_server>())
{
    st_->server = server_.get();
    st_->ex = server_->executor();
    st_->websocket_base = server_->url("wss", "");
    st_->https_base = server_->url("https", "");
    auto st = st_;
    server_->on_websocket("/link/", [st](websocket_session& s) { return detail::serve_link(st, s); });
    for (auto m : {"apps.connections.open", "chat.postMessage", "chat.postEphemeral", "chat.update",
                   "users.info", "auth.test", "conversations.history", "conversations.join"}) {
        detail::route_method(st_, m);
    }
}

fake_slack::~fake_slack()
{
    {
        std::lock_guard lock(st_->mutex);
        st_->stopping = true;
    }
    server_->stop();
    // The server thread is joined: drop the links' timers before their io_context goes.
    st_->runtimes.clear();
    server_.reset();
}

std::string fake_slack::api_base_url() const
{
    return server_->url("https", "/api/");
}
std::uint16_t fake_slack::port() const noexcept
{
    return server_->port();
}
std::string fake_slack::ca_file() const
{
    return test::test_ca_file("ca.pem");
}
fake_slack_options const& fake_slack::options() const noexcept
{
    return st_->options;
}
test::test_server& fake_slack::server() noexcept
{
    return *server_;
}

void fake_slack::add_user(slack_user user)
{
    std::lock_guard lock(st_->mutex);
    auto id = user.id;
    st_->model.users.insert_or_assign(std::move(id), std::move(user));
}

void fake_slack::add_history(history_message message)
{
    std::lock_guard lock(st_->mutex);
    st_->model.add_history(std::move(message));
}

void fake_slack::on_method(std::string method, method_handler handler)
{
    {
        std::lock_guard lock(st_->mutex);
        st_->handlers.insert_or_assign(method, std::move(handler));
    }
    detail::route_method(st_, method);
}

void fake_slack::rate_limit_next(std::string method, std::size_t n, std::chrono::seconds retry_after)
{
    detail::script s;
    s.what = detail::script::kind::rate_limit;
    s.remaining = n;
    s.retry_after = retry_after;
    detail::add_script(st_, std::move(method), std::move(s));
}

void fake_slack::fail_next(std::string method, std::size_t n, std::string error)
{
    detail::script s;
    s.what = detail::script::kind::fail;
    s.remaining = n;
    s.error = std::move(error);
    detail::add_script(st_, std::move(method), std::move(s));
}

void fake_slack::stall_next(std::string method, std::size_t n)
{
    detail::script s;
    s.what = detail::script::kind::stall;
    s.remaining = n;
    detail::add_script(st_, std::move(method), std::move(s));
}

void fake_slack::delay_next(std::string method, std::size_t n, std::chrono::milliseconds delay)
{
    detail::script s;
    s.what = detail::script::kind::delay;
    s.remaining = n;
    s.delay = delay;
    detail::add_script(st_, std::move(method), std::move(s));
}

void fake_slack::drop_next(std::string method, std::size_t n)
{
    detail::script s;
    s.what = detail::script::kind::drop;
    s.remaining = n;
    detail::add_script(st_, std::move(method), std::move(s));
}

void fake_slack::status_next(std::string method, std::size_t n, unsigned status, std::string body)
{
    detail::script s;
    s.what = detail::script::kind::status;
    s.remaining = n;
    s.status = status;
    s.body = std::move(body);
    detail::add_script(st_, std::move(method), std::move(s));
}

void fake_slack::clear_scripts(std::string const& method)
{
    std::lock_guard lock(st_->mutex);
    st_->scripts.erase(method);
}

std::vector<web_api_call> fake_slack::calls(std::string_view method) const
{
    std::lock_guard lock(st_->mutex);
    if (method.empty()) return st_->calls;
    std::vector<web_api_call> out;
    std::copy_if(st_->calls.begin(), st_->calls.end(), std::back_inserter(out),
                 [&](auto const& c) { return c.method == method; });
    return out;
}

std::size_t fake_slack::call_count(std::string_view method) const
{
    std::lock_guard lock(st_->mutex);
    return static_cast<std::size_t>(std::count_if(st_->calls.begin(), st_->calls.end(),
                                                  [&](auto const& c) { return c.method == method; }));
}

bool fake_slack::wait_for_calls(std::string_view method, std::size_t n,
                                std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] {
        auto const done = std::count_if(st_->calls.begin(), st_->calls.end(), [&](auto const& c) {
            return c.method == method && (c.status != 0 || c.scripted == "stall" || c.scripted == "drop");
        });
        return static_cast<std::size_t>(done) >= n;
    });
}

std::vector<posted_message> fake_slack::messages(std::string_view channel) const
{
    std::lock_guard lock(st_->mutex);
    std::vector<posted_message> out;
    for (auto const& m : st_->model.messages) {
        if (m.ok() && (channel.empty() || m.channel == channel)) out.push_back(m);
    }
    return out;
}

std::vector<posted_message> fake_slack::all_messages() const
{
    std::lock_guard lock(st_->mutex);
    return st_->model.messages;
}

bool fake_slack::wait_for_messages(std::size_t n, std::chrono::milliseconds timeout,
                                   std::string_view channel) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] {
        auto const& all = st_->model.messages;
        auto const ok = std::count_if(all.begin(), all.end(), [&](auto const& m) {
            return m.ok() && (channel.empty() || m.channel == channel);
        });
        return static_cast<std::size_t>(ok) >= n;
    });
}

std::size_t fake_slack::users_info_calls(std::string_view user) const
{
    std::lock_guard lock(st_->mutex);
    auto it = st_->model.users_info_calls.find(user);
    return it == st_->model.users_info_calls.end() ? 0 : it->second;
}

std::vector<std::string> fake_slack::tickets() const
{
    std::lock_guard lock(st_->mutex);
    return st_->model.ticket_order;
}

slack_link fake_slack::link(std::size_t number)
{
    return slack_link(st_, number);
}

slack_link fake_slack::newest()
{
    auto const n = detail::newest_open(*st_, true);
    if (n == 0) throw std::runtime_error("fake_slack: no link is open");
    return slack_link(st_, n);
}

std::size_t fake_slack::open_connections() const
{
    std::lock_guard lock(st_->mutex);
    return st_->open_links_locked();
}

std::size_t fake_slack::connections_opened() const
{
    std::lock_guard lock(st_->mutex);
    return st_->links.size();
}

bool fake_slack::wait_for_connections(std::size_t n, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] { return st_->links.size() >= n; });
}

bool fake_slack::wait_for_open_connections(std::size_t n, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] { return st_->open_links_locked() == n; });
}

std::vector<link_info> fake_slack::links() const
{
    std::lock_guard lock(st_->mutex);
    return st_->links;
}

std::vector<refused_upgrade> fake_slack::refused_upgrades() const
{
    std::lock_guard lock(st_->mutex);
    return st_->refused;
}

void fake_slack::redeliver(std::string const& envelope_id)
{
    auto const n = detail::newest_open(*st_, false);
    if (n == 0) throw std::runtime_error("fake_slack: redeliver: no link is open");
    redeliver(envelope_id, n);
}

void fake_slack::redeliver(std::string const& envelope_id, std::size_t link_number)
{
    json env;
    {
        std::lock_guard lock(st_->mutex);
        auto it = st_->envelopes.find(envelope_id);
        if (it == st_->envelopes.end())
            throw std::runtime_error("fake_slack: redeliver: unknown envelope " + envelope_id);
        env = it->second;
    }
    if (env.value("type", std::string{}) == "events_api") {
        env["retry_attempt"] = env.value("retry_attempt", 0) + 1;
        env["retry_reason"] = "timeout";
    }
    link(link_number).send_envelope(std::move(env));
}

std::optional<ack> fake_slack::wait_for_ack(std::string const& envelope_id,
                                            std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    std::optional<ack> found;
    st_->changed.wait_for(lock, timeout, [&] {
        for (auto const& a : st_->acks) {
            if (a.envelope_id == envelope_id) {
                found = a;
                return true;
            }
        }
        return false;
    });
    return found;
}

std::vector<ack> fake_slack::wait_for_acks(std::string const& envelope_id, std::size_t n,
                                           std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    std::vector<ack> found;
    st_->changed.wait_for(lock, timeout, [&] {
        found.clear();
        for (auto const& a : st_->acks) {
            if (a.envelope_id == envelope_id) found.push_back(a);
        }
        return found.size() >= n;
    });
    return found;
}

std::vector<ack> fake_slack::acks() const
{
    std::lock_guard lock(st_->mutex);
    return st_->acks;
}

std::vector<ack> fake_slack::acks_for(std::string const& envelope_id) const
{
    std::lock_guard lock(st_->mutex);
    std::vector<ack> out;
    std::copy_if(st_->acks.begin(), st_->acks.end(), std::back_inserter(out),
                 [&](ack const& a) { return a.envelope_id == envelope_id; });
    return out;
}

std::vector<sent_envelope> fake_slack::sent_envelopes() const
{
    std::lock_guard lock(st_->mutex);
    return st_->sent;
}

std::vector<client_frame> fake_slack::client_frames() const
{
    std::lock_guard lock(st_->mutex);
    return st_->frames;
}

} // namespace coolhead::testing

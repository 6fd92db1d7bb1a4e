// fake_mattermost: the server side. Everything with Asio lives in this file; the REST answers
// come from detail/rest_model.cpp and the JSON shapes from mattermost_payloads.cpp.
//
// Threads: the test thread calls the public API; the server thread (test_server's) runs the
// HTTP handlers, one handler coroutine per websocket, and the slash-command client. Records,
// the REST model and the live connection ids (with their resume queues) live in `mm_state`
// under one mutex (with a condition variable for the waits); sockets, timers and write queues
// are touched on the server thread only, reached from the test thread by posting and waiting
// on a future. Events are numbered and queued under the lock on the server thread, so the
// order of seq numbers is the order of frames on every socket.
//
// A socket is up to four coroutines on the server thread: the handler (test_server calls it
// after the upgrade) runs the only writer, draining a queue (test_server's sessions allow one
// write at a time); a reader answers and records every client frame; a pinger queues a ping
// every ping_interval; an auth deadline drops a socket that never authenticates. The handler
// returns only once the reader is finished, because the session dies with the handler.
#include "tests/support/mattermost/fake_mattermost.hpp"

#include "bot/log/secret.hpp"
#include "bot/net/endpoint.hpp"
#include "bot/net/error.hpp"
#include "bot/net/https_client.hpp"
#include "tests/support/mattermost/detail/rest_model.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/support/test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <variant>

namespace coolhead::testing {
namespace asio = boost::asio;
namespace mm = coolhead::testing::mattermost;
using nlohmann::json;
using steady = std::chrono::steady_clock;
using test::http_reply;
using test::recorded_request;
using test::websocket_session;

namespace mm_detail {

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint16_t close_normal = 1000;
constexpr std::uint16_t close_too_big = 1009;
constexpr std::size_t hook_uses = 5; // response_url: 5 uses (PROTOCOLS.md 2.6)

void report_exception(std::exception_ptr e)
{
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (std::exception const& ex) {
        std::fprintf(stderr, "fake_mattermost: task failed: %s\n", ex.what());
    }
}

std::optional<std::int64_t> to_int(std::string_view s)
{
    std::int64_t v = 0;
    auto const* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc{} || p != end || s.empty()) return std::nullopt;
    return v;
}

std::string json_str(json const& j, char const* key)
{
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::string base64(std::string_view in)
{
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        auto const n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
                       (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8) |
                       static_cast<unsigned>(static_cast<unsigned char>(in[i + 2]));
        out += {table[(n >> 18) & 63u], table[(n >> 12) & 63u], table[(n >> 6) & 63u], table[n & 63u]};
    }
    if (i + 1 == in.size()) {
        auto const n = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16;
        out += {table[(n >> 18) & 63u], table[(n >> 12) & 63u], '=', '='};
    } else if (i + 2 == in.size()) {
        auto const n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
                       (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8);
        out += {table[(n >> 18) & 63u], table[(n >> 12) & 63u], table[(n >> 6) & 63u], '='};
    }
    return out;
}
} // namespace

/// One frame (or ping, or close) for a socket's writer.
struct write_op {
    enum class kind { text, binary, ping, close };
    enum class frame { other, event, hello, response };
    kind what = kind::text;
    frame is = frame::other;
    std::string data; ///< text/binary payload, or the close reason
    std::uint16_t code = close_normal;
    std::int64_t seq = -1;
    std::shared_ptr<std::promise<bool>> done; ///< told whether the frame was written; may be null
};

/// A socket's server-thread state.
struct socket_rt {
    socket_rt(asio::any_io_executor const& ex, std::size_t n)
        : number(n), wake(ex), ping_timer(ex), auth_timer(ex), reader_finished(ex), stall_wait(ex)
    {
        for (auto* t : {&wake, &reader_finished, &stall_wait})
            t->expires_at(steady::time_point::max());
    }

    std::size_t number;
    websocket_session* session = nullptr; // valid until `finished`
    std::deque<write_op> queue;
    asio::steady_timer wake; // the writer waits on it; cancelled to wake it
    asio::steady_timer ping_timer;
    asio::steady_timer auth_timer;
    asio::steady_timer reader_finished; // cancelled when the reader is done
    asio::steady_timer stall_wait;      // a stalled handler waits on it until dropped or stopped
    asio::cancellation_signal reader_cancel;
    bool reader_done = true; // until a reader is started
    bool ended = false;      // the reader saw the end, or a write failed
    bool client_closed = false;
    bool stalled = false;
    bool fake_closing = false;
    bool dropped = false;
    bool finished = false; // the handler is done: the session is gone
    bool authenticated = false;
    std::optional<socket_end> drop_reason;
    std::string conn_id;

    bool writable() const noexcept { return !finished && !ended && !stalled && !dropped && !fake_closing; }

    void fail_queue()
    {
        for (auto& op : queue) {
            if (op.done) op.done->set_value(false);
        }
        queue.clear();
    }
};

/// A Mattermost connection id the fake can resume: its next seq and its last events.
struct live_conn {
    std::string id;
    std::int64_t next_seq = 0;
    std::deque<std::pair<std::int64_t, std::string>> queue; // (seq, frame text)
    std::size_t socket = 0;                                 // the open socket serving it, or 0
};

/// A scripted REST answer rule.
struct script {
    enum class kind { rate_limit, fail, stall, delay, drop };
    kind what = kind::fail;
    std::size_t remaining = 1;
    std::chrono::seconds reset{1};
    std::size_t limit = 101;
    unsigned status = 500;
    std::string body;
    std::chrono::milliseconds delay{0};
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
    }
    return "";
}

/// A response_url the fake handed out.
struct hook {
    std::string channel_id;
    std::string user_id;
    std::string root_id;
    std::size_t uses = 0;
};

enum class route_kind {
    me,
    user,
    my_teams,
    team,
    team_by_name,
    posts,
    channel,
    channel_posts,
    channel_members,
    commands,
    ping,
    custom
};

struct route {
    route_kind kind = route_kind::custom;
    std::string id;
};

struct mm_state {
    explicit mm_state(fake_mattermost_options o) : options(std::move(o)), model(options) {}

    fake_mattermost_options const options; // declared before `model`, which refers to it
    test::test_server* server = nullptr;   // set once; valid while the server runs
    asio::any_io_executor ex;
    std::string https_base; // "https://localhost:<port>"
    std::optional<asio::ssl::context> client_tls;

    mutable std::mutex mutex;
    mutable std::condition_variable changed; // notified after every record
    rest_model model;
    std::vector<websocket_connection> sockets; // index = number - 1
    std::vector<mattermost_client_frame> frames;
    std::vector<sent_event> events;
    std::map<std::string, live_conn, std::less<>> conns;
    std::vector<rest_call> calls;
    std::map<std::string, std::deque<script>, std::less<>> scripts;
    std::map<std::string, rest_handler, std::less<>> custom; // "METHOD /path"
    std::set<std::string, std::less<>> routed;
    bool rate_limiting = false;
    double bucket = 0;
    steady::time_point bucket_at{};
    std::vector<ephemeral_message> ephemerals;
    std::vector<response_url_call> hook_calls;
    std::map<std::string, hook, std::less<>> hooks;
    std::vector<command_result> results;
    std::size_t next_trigger = 0;
    bool stopping = false;

    // Server thread only.
    std::map<std::size_t, std::shared_ptr<socket_rt>> runtimes;

    std::shared_ptr<socket_rt> runtime(std::size_t n) const
    {
        auto it = runtimes.find(n);
        return it == runtimes.end() ? nullptr : it->second;
    }

    websocket_connection& info(std::size_t n) { return sockets[n - 1]; }

    std::size_t open_authenticated_locked() const
    {
        return static_cast<std::size_t>(std::count_if(sockets.begin(), sockets.end(), [](auto const& s) {
            return s.open() && !s.connection_id.empty();
        }));
    }

    void refill_bucket(steady::time_point now)
    {
        auto const cap = static_cast<double>(options.rate_limit.max_burst + 1);
        auto const dt = std::chrono::duration<double>(now - bucket_at).count();
        bucket = std::min(cap, bucket + dt * options.rate_limit.per_sec);
        bucket_at = now;
    }
};

namespace {

using state_ptr = std::shared_ptr<mm_state>;
using written_list = std::vector<std::future<bool>>;

/// Runs `f` on the server thread and returns its result, waiting at most call_timeout.
template <class F>
auto on_server(state_ptr const& st, F f) -> decltype(f())
{
    using R = decltype(f());
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
    auto result = task->get_future();
    asio::post(st->ex, [task] { (*task)(); });
    if (result.wait_for(st->options.call_timeout) != std::future_status::ready) {
        throw std::runtime_error("fake_mattermost: the server thread did not answer within call_timeout");
    }
    return result.get();
}

/// Waits (bounded by call_timeout in total) until every frame in `written` was written or failed.
void wait_written(mm_state const& st, written_list& written)
{
    auto const deadline = steady::now() + st.options.call_timeout;
    for (auto& f : written) {
        if (f.wait_until(deadline) != std::future_status::ready) {
            throw std::runtime_error("fake_mattermost: a frame was not written within call_timeout");
        }
        try {
            (void)f.get();
        } catch (std::future_error const&) {
            // the server stopped with the frame still queued
        }
    }
}

/// Runs `f(state, written)` on the server thread under the lock, then waits for the frames it
/// queued. For the event-making calls of the test API.
template <class F>
auto with_events(state_ptr const& st, F f)
{
    auto out = on_server(st, [st, f = std::move(f)]() mutable {
        written_list written;
        std::unique_lock lock(st->mutex);
        auto r = f(*st, written);
        st->changed.notify_all();
        return std::make_pair(std::move(r), std::move(written));
    });
    wait_written(*st, out.second);
    return std::move(out.first);
}

void wake_writer(socket_rt& rt)
{
    rt.wake.cancel();
}

/// Queues `op` on `rt` (server thread); refuses (done = false) if the socket cannot take it.
void enqueue(socket_rt& rt, write_op op)
{
    if (!rt.writable()) {
        if (op.done) op.done->set_value(false);
        return;
    }
    rt.queue.push_back(std::move(op));
    wake_writer(rt);
}

/// Drops the TCP connection (server thread).
void drop_socket(socket_rt& rt, socket_end reason)
{
    if (rt.finished || rt.dropped) return;
    rt.dropped = true;
    rt.drop_reason = reason;
    if (rt.session) rt.session->drop();
    rt.fail_queue();
    wake_writer(rt);
    rt.stall_wait.cancel();
    rt.auth_timer.cancel();
    rt.ping_timer.cancel();
}

/// Numbers `ev` for connection `c`, keeps it for resume, and queues it on c's open socket.
/// Lock held, server thread.
void emit_locked(mm_state& st, live_conn& c, json ev, std::string const& channel_id, written_list* written,
                 write_op::frame is = write_op::frame::event)
{
    auto const seq = c.next_seq++;
    ev["seq"] = seq;
    auto text = ev.dump();
    c.queue.emplace_back(seq, text);
    while (c.queue.size() > st.options.resume_queue_size)
        c.queue.pop_front();
    sent_event rec;
    rec.connection_id = c.id;
    rec.seq = seq;
    rec.event = json_str(ev, "event");
    rec.channel_id = channel_id;
    rec.frame = text;
    rec.at = steady::now();
    if (c.socket != 0) {
        auto rt = st.runtime(c.socket);
        if (rt && rt->writable()) {
            write_op op;
            op.data = std::move(text);
            op.is = is;
            op.seq = seq;
            if (written) {
                op.done = std::make_shared<std::promise<bool>>();
                written->push_back(op.done->get_future());
            }
            enqueue(*rt, std::move(op));
            rec.socket = c.socket;
        }
    }
    st.events.push_back(std::move(rec));
}

/// Sends `ev` to every live connection id, if the bot may see it (lock held, server thread).
void broadcast_locked(mm_state& st, json const& ev, std::string const& channel_id, written_list* written)
{
    if (!channel_id.empty()) {
        auto const* c = st.model.channel(channel_id);
        if (!c || !c->bot_member) return; // only members get a channel's events
    }
    for (auto& [id, conn] : st.conns)
        emit_locked(st, conn, ev, channel_id, written);
}

/// `posted` for a stored post to everyone who may see it (lock held, server thread).
void broadcast_posted_locked(mm_state& st, mattermost_post const& p, written_list* written,
                             std::optional<std::vector<std::string>> mentions = std::nullopt,
                             std::string sender_name = {})
{
    auto ctx = st.model.posted_context_for(p, std::move(mentions), std::move(sender_name));
    broadcast_locked(st, mm::posted_event(p, ctx), p.channel_id, written);
}

/// A new connection id for `rt`, with `hello` as seq 0 (lock held, server thread).
void attach_fresh(mm_state& st, socket_rt& rt, socket_auth how)
{
    live_conn c;
    c.id = st.model.new_id();
    c.socket = rt.number;
    auto [it, inserted] = st.conns.emplace(c.id, std::move(c));
    (void)inserted;
    rt.authenticated = true;
    rt.conn_id = it->first;
    auto& info = st.info(rt.number);
    info.auth = how;
    info.connection_id = rt.conn_id;
    info.resumed = false;
    emit_locked(st, it->second,
                mm::hello_event(rt.conn_id, st.options.server_version, st.options.bot_user_id), {}, nullptr,
                write_op::frame::hello);
}

/// True if connection `c` can resume at `seq` (PROTOCOLS.md 2.4: still queued, or nothing missed).
bool resumable(live_conn const& c, std::int64_t seq)
{
    if (seq == c.next_seq) return true;
    return std::any_of(c.queue.begin(), c.queue.end(), [&](auto const& e) { return e.first == seq; });
}

/// Replays `c`'s queue from `from` on `rt`: same id, no hello (lock held, server thread).
void attach_resume(mm_state& st, socket_rt& rt, live_conn& c, std::int64_t from)
{
    if (c.socket != 0 && c.socket != rt.number) {
        auto old = st.runtime(c.socket);
        if (old && (old->stalled || !old->ended))
            drop_socket(*old, socket_end::superseded); // half-open or stalled
    }
    c.socket = rt.number;
    rt.authenticated = true;
    rt.conn_id = c.id;
    auto& info = st.info(rt.number);
    info.auth = socket_auth::bearer;
    info.connection_id = c.id;
    info.resumed = true;
    for (auto const& [seq, text] : c.queue) {
        if (seq < from) continue;
        write_op op;
        op.data = text;
        op.is = write_op::frame::event;
        op.seq = seq;
        enqueue(rt, std::move(op));
        ++info.replayed;
    }
}

void respond(socket_rt& rt, json const& frame)
{
    write_op op;
    op.data = frame.dump();
    op.is = write_op::frame::response;
    enqueue(rt, std::move(op));
}

json ws_error(std::string_view id, std::string_view message, unsigned status)
{
    return mm::app_error(id, message, status, "");
}

/// Answers one client frame (server thread).
void handle_frame(mm_state& st, socket_rt& rt, std::string data, steady::time_point now)
{
    std::lock_guard lock(st.mutex);
    mattermost_client_frame f;
    f.socket = rt.number;
    f.received_at = now;
    auto const size = data.size();
    auto j = json::parse(data, nullptr, false);
    f.valid_json = !j.is_discarded() && j.is_object();
    if (f.valid_json) {
        f.action = json_str(j, "action");
        if (auto it = j.find("seq"); it != j.end() && it->is_number_integer())
            f.seq = it->get<std::int64_t>();
    }
    f.data = std::move(data);
    auto const action = f.action;
    auto const seq = f.seq;
    st.frames.push_back(std::move(f));
    ++st.info(rt.number).frames_received;
    st.changed.notify_all();

    if (size > st.options.client_frame_limit) {
        // gorilla's read limit: close 1009 (PROTOCOLS.md 2.2: client frames <= 8 KB).
        write_op op;
        op.what = write_op::kind::close;
        op.code = close_too_big;
        op.data = "message too big";
        enqueue(rt, std::move(op));
        return;
    }
    if (!rt.writable() || !st.frames.back().valid_json) return; // Mattermost drops what it cannot decode
    if (action.empty()) {
        respond(rt, mm::fail_response(seq, ws_error("api.web_socket_router.no_action.app_error",
                                                    "No websocket action.", 400)));
        return;
    }
    if (seq <= 0) {
        respond(rt, mm::fail_response(seq, ws_error("api.web_socket_router.bad_seq.app_error",
                                                    "Invalid sequence for WebSocket message.", 400)));
        return;
    }
    if (action == "authentication_challenge") {
        if (rt.authenticated) return; // ignored (mm websocket_router.go)
        json const* data_obj = j.contains("data") && j["data"].is_object() ? &j["data"] : nullptr;
        auto const token = data_obj ? json_str(*data_obj, "token") : std::string{};
        if (token != st.options.bot_token) {
            st.info(rt.number).refusal = "invalid challenge token";
            drop_socket(rt, socket_end::refused); // closes without a frame
            return;
        }
        rt.auth_timer.cancel();
        respond(rt, mm::ok_response(seq));
        attach_fresh(st, rt, socket_auth::challenge); // challenge sockets never resume (2.1)
        st.changed.notify_all();
        return;
    }
    if (!rt.authenticated) {
        respond(rt, mm::fail_response(seq, ws_error("api.web_socket_router.not_authenticated.app_error",
                                                    "No valid session in the websocket connection.", 401)));
        return;
    }
    if (action == "ping") {
        respond(rt, mm::ok_response(seq, json{{"text", "pong"},
                                              {"version", st.options.server_version},
                                              {"server_time", st.model.clock},
                                              {"node_id", ""}}));
    } else if (action == "get_statuses" || action == "get_statuses_by_ids") {
        respond(rt, mm::ok_response(seq, json::object()));
    } else if (action == "user_typing" || action == "presence" || action == "posted_notify_ack" ||
               action == "user_update_active_status") {
        respond(rt, mm::ok_response(seq));
    } else {
        respond(rt, mm::fail_response(seq, ws_error("api.web_socket_router.bad_action.app_error",
                                                    "Unknown WebSocket action.", 500)));
    }
}

/// The socket's only writer. Returns when the socket is over for writing: ended, closed by the
/// fake, dropped or stalled.
asio::awaitable<void> write_loop(state_ptr st, std::shared_ptr<socket_rt> rt, websocket_session& s)
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
                ++st->info(rt->number).pings_sent;
                st->changed.notify_all();
            }
        } else if (op.what == write_op::kind::binary) {
            ok = co_await s.send_binary(std::move(op.data));
        } else {
            ok = co_await s.send(std::move(op.data));
            if (ok && op.is != write_op::frame::other) {
                std::lock_guard lock(st->mutex);
                auto& info = st->info(rt->number);
                if (op.is == write_op::frame::response) {
                    ++info.responses_sent;
                } else {
                    ++info.events_sent;
                    if (info.first_seq < 0) info.first_seq = op.seq;
                    info.last_seq = op.seq;
                    if (op.is == write_op::frame::hello) info.hello_sent = true;
                }
                st->changed.notify_all();
            }
        }
        if (op.done) op.done->set_value(ok);
        if (!ok) {
            rt->ended = true; // the connection is broken: nothing more can be written
            co_return;
        }
    }
}

/// Answers and records client frames until the socket ends or stall().
asio::awaitable<void> read_loop(state_ptr st, std::shared_ptr<socket_rt> rt, websocket_session& s)
{
    for (;;) {
        if (rt->stalled || rt->dropped) co_return;
        auto msg = co_await s.read();
        auto const now = steady::now();
        if (!msg) {
            rt->ended = true;
            if (auto code = s.peer_close_code()) {
                if (!rt->fake_closing) rt->client_closed = true;
                std::lock_guard lock(st->mutex);
                st->info(rt->number).client_close_code = code;
                st->changed.notify_all();
            }
            wake_writer(*rt);
            co_return;
        }
        if (rt->stalled) co_return;
        handle_frame(*st, *rt, std::move(*msg), now);
    }
}

/// Queues a websocket ping every ping_interval while the socket is writable.
asio::awaitable<void> ping_loop(state_ptr st, std::shared_ptr<socket_rt> rt)
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

/// Drops the socket if it has not authenticated within auth_timeout (mm authCheckInterval).
asio::awaitable<void> auth_deadline(state_ptr st, std::shared_ptr<socket_rt> rt)
{
    rt->auth_timer.expires_after(st->options.auth_timeout);
    co_await rt->auth_timer.async_wait(use_tuple);
    if (rt->authenticated || rt->finished || rt->dropped) co_return;
    drop_socket(*rt, socket_end::auth_timeout);
}

/// The end of a socket: records how it ended and detaches it from its connection id.
void finish_socket(mm_state& st, socket_rt& rt)
{
    rt.finished = true;
    rt.session = nullptr;
    rt.ping_timer.cancel();
    rt.auth_timer.cancel();
    rt.fail_queue();
    st.runtimes.erase(rt.number);

    std::lock_guard lock(st.mutex);
    if (auto it = st.conns.find(rt.conn_id); it != st.conns.end() && it->second.socket == rt.number) {
        it->second.socket = 0;
    }
    auto& info = st.info(rt.number);
    info.closed_at = steady::now();
    if (rt.drop_reason) {
        info.end = *rt.drop_reason;
    } else if (rt.fake_closing) {
        info.end = socket_end::closed_by_fake;
    } else if (rt.client_closed) {
        info.end = socket_end::closed_by_client;
    } else if (rt.stalled || st.stopping) {
        info.end = socket_end::server_stopped;
    } else {
        info.end = socket_end::lost;
    }
    st.changed.notify_all();
}

/// Decides what an upgrade gets (lock held, server thread): fresh, resumed, waiting for a
/// challenge, or refused (returned reason).
std::string admit(mm_state& st, socket_rt& rt, recorded_request const& up)
{
    if (st.stopping) return "server stopping";
    auto const auth = check_bearer(up.header("Authorization"), st.options.bot_token);
    if (auth == auth_check::wrong_token && st.options.drop_bad_bearer) return "invalid token";
    if (auth != auth_check::ok) return {}; // unauthenticated: waits for a challenge

    auto const cid = mm::query_param(up.target, "connection_id");
    if (!cid || cid->empty()) {
        attach_fresh(st, rt, socket_auth::bearer);
        return {};
    }
    auto const seq_text = mm::query_param(up.target, "sequence_number");
    if (!seq_text) return "sequence_number missing";
    auto const seq = to_int(*seq_text);
    if (!seq || *seq < 0) return "sequence_number invalid";
    if (!mm::is_valid_id(*cid)) return "invalid connection_id";

    auto it = st.conns.find(*cid);
    if (st.options.resume_enabled && it != st.conns.end() && resumable(it->second, *seq)) {
        attach_resume(st, rt, it->second, *seq);
        return {};
    }
    if (it != st.conns.end()) {
        // Messages were lost: Mattermost gives this connection a new id (web_conn.go).
        if (it->second.socket != 0 && it->second.socket != rt.number) {
            auto old = st.runtime(it->second.socket);
            if (old && (old->stalled || !old->ended)) drop_socket(*old, socket_end::superseded);
        }
        st.conns.erase(it);
    }
    attach_fresh(st, rt, socket_auth::bearer);
    return {};
}

/// The handler of one `/api/v4/websocket` upgrade.
asio::awaitable<void> serve_socket(state_ptr st, websocket_session& s)
{
    auto const& up = s.upgrade_request();
    std::shared_ptr<socket_rt> rt;
    std::string refusal;
    {
        std::lock_guard lock(st->mutex);
        websocket_connection info;
        info.number = st->sockets.size() + 1;
        info.target = up.target;
        info.upgrade_headers = up.headers;
        info.requested_connection_id = mm::query_param(up.target, "connection_id");
        info.requested_sequence_number = mm::query_param(up.target, "sequence_number");
        info.disconnect_err_code = mm::query_param(up.target, "disconnect_err_code");
        info.opened_at = steady::now();
        st->sockets.push_back(std::move(info));
        rt = std::make_shared<socket_rt>(st->ex, st->sockets.size());
        rt->session = &s;
        st->runtimes[rt->number] = rt;
        refusal = admit(*st, *rt, up);
        if (!refusal.empty()) st->info(rt->number).refusal = refusal;
        st->changed.notify_all();
    }
    if (!refusal.empty()) {
        drop_socket(*rt, socket_end::refused); // after the upgrade, without a frame
        finish_socket(*st, *rt);
        co_return;
    }

    rt->reader_done = false;
    asio::co_spawn(st->ex, read_loop(st, rt, s),
                   asio::bind_cancellation_slot(rt->reader_cancel.slot(), [rt](std::exception_ptr e) {
                       report_exception(e);
                       rt->reader_done = true;
                       rt->reader_finished.cancel();
                   }));
    asio::co_spawn(st->ex, ping_loop(st, rt), report_exception);
    if (!rt->authenticated) asio::co_spawn(st->ex, auth_deadline(st, rt), report_exception);

    co_await write_loop(st, rt, s);
    if (rt->stalled && !rt->dropped && !st->stopping) {
        co_await rt->stall_wait.async_wait(use_tuple); // until dropped, superseded or the fake stops
    }
    if (!rt->reader_done) {
        // Closing the socket ends a pending read; the session must outlive the reader.
        s.drop();
        co_await rt->reader_finished.async_wait(use_tuple);
    }
    finish_socket(*st, *rt);
}

// ---- REST ---------------------------------------------------------------------------------

void finish_call(mm_state& st, std::size_t index, unsigned status, std::string error_id)
{
    std::lock_guard lock(st.mutex);
    st.calls[index].status = status;
    st.calls[index].error_id = std::move(error_id);
    st.changed.notify_all();
}

std::optional<script> take_script(mm_state& st, std::string_view path)
{
    auto pick = [&](std::string_view key) -> std::optional<script> {
        auto it = st.scripts.find(key);
        if (it == st.scripts.end() || it->second.empty()) return std::nullopt;
        auto& rule = it->second.front();
        script s = rule;
        if (--rule.remaining == 0) it->second.pop_front();
        return s;
    };
    if (auto s = pick(path)) return s;
    return pick("*");
}

http_reply limit_exceeded(std::size_t limit, std::int64_t reset_s, std::optional<std::int64_t> retry_after)
{
    // throttled's denied handler: http.Error(w, "limit exceeded", 429).
    http_reply reply;
    reply.status = 429;
    reply.body = "limit exceeded\n";
    reply.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
    reply.headers.push_back({"X-Content-Type-Options", "nosniff"});
    reply.headers.push_back({"X-Ratelimit-Limit", std::to_string(limit)});
    reply.headers.push_back({"X-Ratelimit-Remaining", "0"});
    reply.headers.push_back({"X-Ratelimit-Reset", std::to_string(reset_s)});
    if (retry_after) reply.headers.push_back({"Retry-After", std::to_string(*retry_after)});
    return reply;
}

rest_result dispatch(mm_state& st, route const& r, rest_call const& call, std::string const& request_id,
                     steady::time_point now)
{
    auto const& m = call.method;
    auto not_allowed = [] {
        rest_result x;
        x.status = 405;
        x.body = nullptr;
        return x;
    };
    switch (r.kind) {
    case route_kind::me:
        return m == "GET" ? st.model.get_me(request_id) : not_allowed();
    case route_kind::user:
        return m == "GET" ? st.model.get_user(r.id, request_id) : not_allowed();
    case route_kind::my_teams:
        return m == "GET" ? st.model.my_teams(request_id) : not_allowed();
    case route_kind::team:
        return m == "GET" ? st.model.get_team(r.id, false, request_id) : not_allowed();
    case route_kind::team_by_name:
        return m == "GET" ? st.model.get_team(r.id, true, request_id) : not_allowed();
    case route_kind::channel:
        return m == "GET" ? st.model.get_channel(r.id, request_id) : not_allowed();
    case route_kind::channel_posts:
        return m == "GET" ? st.model.channel_posts(r.id, call.target, request_id) : not_allowed();
    case route_kind::channel_members:
        return m == "POST" ? st.model.add_channel_member(r.id, call.body, request_id) : not_allowed();
    case route_kind::posts:
        return m == "POST" ? st.model.create_post(call.body, request_id, now) : not_allowed();
    case route_kind::commands:
        if (m == "POST") return st.model.create_command(call.body, request_id);
        if (m == "GET") return st.model.list_commands(call.target, request_id);
        return not_allowed();
    case route_kind::ping: {
        rest_result x;
        x.body = {{"status", "OK"}};
        return m == "GET" ? x : not_allowed();
    }
    case route_kind::custom:
        break;
    }
    return error_result(404, "api.context.404.app_error", "Sorry, we could not find the page.", request_id);
}

asio::awaitable<http_reply> serve_rest(state_ptr st, route r, recorded_request req)
{
    auto const now = steady::now();
    rest_call call;
    call.method = req.method;
    call.target = req.target;
    call.path = req.path;
    call.headers = req.headers;
    call.body = req.body;
    call.auth = check_bearer(req.header("Authorization"), st->options.bot_token);
    call.received_at = now;

    std::optional<script> sc;
    std::size_t index = 0;
    rest_handler custom;
    std::string request_id;
    {
        std::lock_guard lock(st->mutex);
        sc = take_script(*st, req.path);
        if (sc) call.scripted = script_name(sc->what);
        index = st->calls.size();
        st->calls.push_back(call);
        if (auto it = st->custom.find(req.method + " " + req.path); it != st->custom.end())
            custom = it->second;
        request_id = st->model.new_id();
        st->changed.notify_all();
    }

    if (sc) {
        switch (sc->what) {
        case script::kind::rate_limit:
            finish_call(*st, index, 429, {});
            co_return limit_exceeded(sc->limit, sc->reset.count(), std::nullopt);
        case script::kind::fail: {
            http_reply reply;
            reply.status = sc->status;
            reply.body = !sc->body.empty() ? sc->body
                                           : mm::app_error("app.fake.scripted_error", "scripted failure",
                                                           sc->status, request_id)
                                                 .dump();
            bool const is_json = !reply.body.empty() && reply.body.front() == '{';
            reply.headers.push_back(
                {"Content-Type", is_json ? "application/json" : "text/plain; charset=utf-8"});
            reply.headers.push_back({"X-Request-Id", request_id});
            finish_call(*st, index, sc->status, {});
            co_return reply;
        }
        case script::kind::stall: {
            co_await st->server->stall(); // until the fake shuts down
            http_reply reply;
            reply.after = http_reply::then::drop;
            co_return reply;
        }
        case script::kind::drop: {
            finish_call(*st, index, 0, {});
            http_reply reply;
            reply.after = http_reply::then::drop;
            co_return reply;
        }
        case script::kind::delay:
            co_await test::pause(sc->delay);
            break;
        }
    }

    net::http_headers rate_headers;
    {
        std::unique_lock lock(st->mutex);
        if (st->rate_limiting) {
            auto const& rl = st->options.rate_limit;
            auto const limit = rl.max_burst + 1;
            st->refill_bucket(steady::now());
            auto const cap = static_cast<double>(limit);
            if (st->bucket < 1.0) {
                auto const reset = static_cast<std::int64_t>(std::ceil((cap - st->bucket) / rl.per_sec));
                auto const retry = static_cast<std::int64_t>(std::ceil((1.0 - st->bucket) / rl.per_sec));
                st->calls[index].scripted = "rate_limiter";
                lock.unlock();
                finish_call(*st, index, 429, {});
                co_return limit_exceeded(limit, reset,
                                         rl.retry_after_header ? std::optional(retry) : std::nullopt);
            }
            st->bucket -= 1.0;
            auto const reset = static_cast<std::int64_t>(std::ceil((cap - st->bucket) / rl.per_sec));
            rate_headers.push_back({"X-Ratelimit-Limit", std::to_string(limit)});
            rate_headers.push_back(
                {"X-Ratelimit-Remaining", std::to_string(static_cast<std::size_t>(st->bucket))});
            rate_headers.push_back({"X-Ratelimit-Reset", std::to_string(reset)});
        }
    }

    rest_result result;
    if (r.kind != route_kind::ping && call.auth != auth_check::ok) {
        result = session_expired(request_id);
    } else if (custom) {
        try {
            auto answer = custom(call);
            result.status = answer.status;
            result.body = std::move(answer.body);
        } catch (std::exception const& e) {
            std::fprintf(stderr, "fake_mattermost: on_rest(%s) handler threw: %s\n", req.path.c_str(),
                         e.what());
            result = error_result(500, "app.fake.handler_threw", e.what(), request_id);
        }
    } else {
        std::lock_guard lock(st->mutex);
        result = dispatch(*st, r, call, request_id, now);
        if (!result.created_post.empty()) {
            if (auto const* p = st->model.post(result.created_post)) {
                auto const copy = *p;
                broadcast_posted_locked(*st, copy, nullptr); // the bot gets its own posts too
            }
        }
        st->changed.notify_all();
    }
    finish_call(*st, index, result.status, result.error_id);

    http_reply reply;
    reply.status = result.status;
    if (!result.body.is_null()) {
        reply.body = result.body.dump();
        reply.headers.push_back({"Content-Type", "application/json"});
    }
    reply.headers.push_back({"X-Request-Id", request_id});
    reply.headers.push_back({"X-Version-Id", st->options.server_version});
    for (auto& h : rate_headers)
        reply.headers.push_back(std::move(h));
    co_return reply;
}

/// Gives `path` a REST route (once). Any thread.
void route_path(state_ptr const& st, std::string const& path, route r)
{
    {
        std::lock_guard lock(st->mutex);
        if (!st->routed.insert(path).second) return;
    }
    st->server->on_http(path, [st, r](recorded_request req) { return serve_rest(st, r, std::move(req)); });
}

void route_user(state_ptr const& st, std::string const& id)
{
    if (id.empty() || id == "me") return;
    route_path(st, "/api/v4/users/" + id, route{route_kind::user, id});
}

void route_channel(state_ptr const& st, std::string const& id)
{
    if (id.empty()) return;
    route_path(st, "/api/v4/channels/" + id, route{route_kind::channel, id});
    route_path(st, "/api/v4/channels/" + id + "/posts", route{route_kind::channel_posts, id});
    route_path(st, "/api/v4/channels/" + id + "/members", route{route_kind::channel_members, id});
}

void add_script(state_ptr const& st, std::string path, script s)
{
    if (s.remaining == 0) return;
    std::lock_guard lock(st->mutex);
    st->scripts[std::move(path)].push_back(std::move(s));
}

// ---- Slash commands -----------------------------------------------------------------------

/// What Mattermost does with a command response (mm `HandleCommandResponsePost`): in_channel
/// → a post by the invoking user; ephemeral/empty → an ephemeral for that user. Lock held,
/// server thread. Returns the created post id.
std::string apply_command_response(mm_state& st, json const& resp, hook const& h, std::string const& via)
{
    auto const type = json_str(resp, "response_type");
    auto const text = json_str(resp, "text");
    bool const has_attachments =
        resp.is_object() && resp.contains("attachments") && !resp["attachments"].is_null();
    if (type == "in_channel") {
        if (text.empty() && !has_attachments) return {};
        if (!st.model.channel(h.channel_id)) return {};
        mattermost_post p;
        p.channel_id = h.channel_id;
        p.user_id = h.user_id;
        p.root_id = h.root_id;
        p.message = text;
        p.type = json_str(resp, "type");
        if (resp.contains("props") && resp["props"].is_object()) p.props = resp["props"];
        p.props["from_webhook"] = "true";
        p.origin = post_origin::command_response;
        auto const stored = st.model.add_post(std::move(p));
        broadcast_posted_locked(st, stored, nullptr);
        return stored.id;
    }
    if ((type.empty() || type == "ephemeral") && (!text.empty() || has_attachments)) {
        st.ephemerals.push_back({h.user_id, h.channel_id, text, via});
    }
    return {};
}

asio::awaitable<http_reply> serve_hook(state_ptr st, std::string hook_id, recorded_request req)
{
    response_url_call rec;
    rec.hook_id = hook_id;
    rec.body = req.body;
    rec.json = json::parse(req.body, nullptr, false);
    if (rec.json.is_discarded()) rec.json = nullptr;
    rec.response_type = json_str(rec.json, "response_type");
    rest_result result;
    std::string request_id;
    {
        std::lock_guard lock(st->mutex);
        request_id = st->model.new_id();
        auto it = st->hooks.find(hook_id);
        if (it == st->hooks.end()) {
            result = error_result(404, "app.command_webhook.get.missing", "Unable to find the webhook.",
                                  request_id);
        } else if (it->second.uses >= hook_uses) {
            result = error_result(400, "app.command_webhook.try_use.invalid", "Invalid webhook.", request_id);
        } else if (req.method != "POST" || !rec.json.is_object()) {
            ++it->second.uses;
            result = error_result(400, "api.context.invalid_body_param.app_error",
                                  "Invalid or missing response in request body.", request_id);
        } else {
            ++it->second.uses;
            rec.created_post_id = apply_command_response(*st, rec.json, it->second, "response_url");
            result.body = {{"status", "OK"}};
        }
        rec.status = result.status;
        st->hook_calls.push_back(std::move(rec));
        st->changed.notify_all();
    }
    auto reply = http_reply::json(result.body.dump(), result.status);
    reply.headers.push_back({"X-Request-Id", request_id});
    co_return reply;
}

/// An invocation ready to send (built on the calling thread).
struct prepared_command {
    command_result result; ///< request fields filled in
    hook target;           ///< channel, user, root of the invocation
    std::optional<net::endpoint> base;
    net::http_request request;
    std::chrono::milliseconds timeout{0};
    std::string error; ///< set if it cannot be sent at all
};

bool is_json_content_type(std::optional<std::string_view> ct)
{
    if (!ct) return false;
    auto media = ct->substr(0, ct->find(';'));
    while (!media.empty() && media.back() == ' ')
        media.remove_suffix(1);
    while (!media.empty() && media.front() == ' ')
        media.remove_prefix(1);
    return net::iequals(media, "application/json");
}

asio::awaitable<command_result> run_command(state_ptr st, std::shared_ptr<prepared_command> pc)
{
    using namespace asio::experimental::awaitable_operators;
    auto res = pc->result;
    if (!pc->error.empty() || !pc->base) {
        res.error = pc->error.empty() ? "invalid callback url" : pc->error;
    } else {
        net::https_client_options o;
        o.connect_timeout = std::min<std::chrono::milliseconds>(pc->timeout, 10s);
        o.handshake_timeout = o.connect_timeout;
        o.request_timeout = pc->timeout;
        o.user_agent = "Mattermost-Bot/1.1";
        net::https_client client(st->ex, *st->client_tls, *pc->base, o);
        asio::steady_timer deadline(st->ex);
        deadline.expires_after(pc->timeout);
        net::http_request request = std::move(pc->request); // a named local (GCC 12 coroutines)
        auto const t0 = steady::now();
        auto outcome = co_await (client.request(std::move(request)) || deadline.async_wait(use_tuple));
        res.elapsed = steady::now() - t0;
        if (outcome.index() == 1) {
            res.error = "timeout";
        } else if (auto& r = std::get<0>(outcome); !r) {
            res.error = r.error() == net::errc::timeout ? "timeout" : r.error().message();
        } else {
            res.status = r->status;
            res.headers = r->headers;
            res.body = r->body;
            if (is_json_content_type(r->header("Content-Type"))) {
                auto j = json::parse(res.body, nullptr, false);
                res.json = j.is_discarded() ? json(nullptr) : std::move(j);
                res.response_type = json_str(*res.json, "response_type");
                res.text = json_str(*res.json, "text");
                if (res.json->is_object()) {
                    auto it = res.json->find("skip_slack_parsing");
                    res.skip_slack_parsing = it != res.json->end() && it->is_boolean() && it->get<bool>();
                }
            } else {
                res.text = res.body; // Mattermost takes any other body as the text
            }
            if (res.status == 200 && (!res.json || res.json->is_object())) {
                json resp = res.json ? *res.json : json{{"text", res.text}};
                std::lock_guard lock(st->mutex);
                res.created_post_id = apply_command_response(*st, resp, pc->target, "command_response");
            }
        }
    }
    std::lock_guard lock(st->mutex);
    st->results.push_back(res);
    st->changed.notify_all();
    co_return res;
}

std::string fresh_trigger_id(mm_state& st, std::string const& user_id)
{
    // Mattermost: base64 of "<client trigger id>:<user id>:<ms>:<signature>" (model.GenerateTriggerId).
    auto const n = ++st.next_trigger;
    return base64(st.model.new_id() + ":" + user_id + ":" + std::to_string(st.model.clock) +
                  ":fakesignature" + std::to_string(n));
}

/// Fills in the defaults and builds the request (any thread but the server's).
std::shared_ptr<prepared_command> prepare_command(state_ptr const& st, command_invocation inv)
{
    auto pc = std::make_shared<prepared_command>();
    mm::command_form form;
    std::string url;
    std::string hook_id;
    {
        std::lock_guard lock(st->mutex);
        auto& model = st->model;
        if (inv.channel_id.empty())
            inv.channel_id = model.channels.empty() ? std::string{} : model.channels.front().id;
        if (inv.user_id.empty()) {
            auto const* alice = model.user_by_name("alice");
            inv.user_id = alice ? alice->id : std::string{};
        }
        if (inv.method.empty()) inv.method = "P";
        auto trigger = inv.command.substr(inv.command.empty() || inv.command.front() != '/' ? 0 : 1);
        std::transform(trigger.begin(), trigger.end(), trigger.begin(),
                       [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
        auto const* registered = model.command_by_trigger(trigger);
        url = !inv.callback_url.empty() ? inv.callback_url : registered ? registered->url : std::string{};
        form.token = inv.token ? *inv.token : registered ? registered->token : st->options.command_token;
        form.team_id = st->options.team_id;
        form.team_domain = st->options.team_name;
        form.channel_id = inv.channel_id;
        if (auto const* c = model.channel(inv.channel_id)) form.channel_name = c->name;
        form.user_id = inv.user_id;
        if (auto const* u = model.user(inv.user_id)) form.user_name = u->username;
        form.command = inv.command;
        form.text = inv.text;
        form.trigger_id = !inv.trigger_id.empty() ? inv.trigger_id : fresh_trigger_id(*st, inv.user_id);
        for (auto const& name : mm::at_mentions(inv.text)) {
            if (auto const* u = model.user_by_name(name)) form.user_mentions.emplace_back(u->username, u->id);
        }
        for (auto const& name : mm::tilde_mentions(inv.text)) {
            auto it = std::find_if(model.channels.begin(), model.channels.end(),
                                   [&](auto const& c) { return c.name == name; });
            if (it != model.channels.end()) form.channel_mentions.emplace_back(it->name, it->id);
        }
        hook_id = model.new_id();
        st->hooks[hook_id] = hook{inv.channel_id, inv.user_id, inv.root_id, 0};
        form.response_url = st->https_base + "/hooks/commands/" + hook_id;
    }
    st->server->on_http("/hooks/commands/" + hook_id,
                        [st, hook_id](recorded_request r) { return serve_hook(st, hook_id, std::move(r)); });

    pc->target = hook{inv.channel_id, inv.user_id, inv.root_id, 0};
    pc->timeout = inv.timeout.value_or(st->options.command_timeout);
    auto& res = pc->result;
    res.url = url;
    res.trigger_id = form.trigger_id;
    res.token = form.token;
    res.response_url = form.response_url;

    auto ep = net::parse_endpoint(url);
    if (url.empty()) {
        pc->error = "no callback url (pass one, or register the command first)";
        return pc;
    }
    if (!ep) {
        pc->error = "invalid callback url: " + ep.error().message();
        return pc;
    }
    auto const encoded = form.encode();
    auto& rq = pc->request;
    if (inv.method == "G") {
        rq.method = net::http_method::get;
        rq.target = ep->target + (ep->target.find('?') == std::string::npos ? "?" : "&") + encoded;
    } else {
        rq.method = net::http_method::post;
        rq.target = ep->target;
        rq.body = inv.raw_body ? *inv.raw_body : encoded;
        res.request_body = rq.body;
        auto const ct = inv.content_type.value_or("application/x-www-form-urlencoded");
        if (!ct.empty()) rq.headers.push_back({"Content-Type", ct});
    }
    rq.headers.push_back({"Accept", "application/json"});
    auto const authorization = inv.authorization.value_or("Token " + form.token);
    if (!authorization.empty()) rq.authorization = coolhead::log::secret(authorization);
    pc->base = *ep;
    return pc;
}

} // namespace
} // namespace mm_detail

using mm_detail::state_ptr;

// ---- records ------------------------------------------------------------------------------

std::optional<std::string_view> rest_call::header(std::string_view name) const noexcept
{
    return net::find_header(headers, name);
}

std::optional<std::string_view> command_result::header(std::string_view name) const noexcept
{
    return net::find_header(headers, name);
}

// ---- mattermost_socket --------------------------------------------------------------------

namespace {

/// Queues `op` on socket `number` and waits until it was written; throws if it was not.
void must_write(state_ptr const& st, std::size_t number, mm_detail::write_op op, char const* what)
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
        mm_detail::enqueue(*rt, std::move(op));
    });
    if (written.wait_for(st->options.call_timeout) != std::future_status::ready) {
        throw std::runtime_error("fake_mattermost: socket " + std::to_string(number) + ": the " + what +
                                 " was not written within call_timeout");
    }
    bool ok = false;
    try {
        ok = written.get();
    } catch (std::future_error const&) {
        ok = false; // the server stopped with the frame still queued
    }
    if (!ok) {
        throw std::runtime_error("fake_mattermost: socket " + std::to_string(number) + " is not open (" +
                                 what + " not sent)");
    }
}

} // namespace

websocket_connection mattermost_socket::info() const
{
    std::lock_guard lock(st_->mutex);
    if (number_ == 0 || number_ > st_->sockets.size()) {
        throw std::runtime_error("fake_mattermost: no socket " + std::to_string(number_) + " (yet)");
    }
    return st_->sockets[number_ - 1];
}

bool mattermost_socket::is_open() const
{
    std::lock_guard lock(st_->mutex);
    return number_ >= 1 && number_ <= st_->sockets.size() && st_->sockets[number_ - 1].open();
}

bool mattermost_socket::wait_closed(std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] {
        return number_ >= 1 && number_ <= st_->sockets.size() && !st_->sockets[number_ - 1].open();
    });
}

void mattermost_socket::send_raw(std::string text)
{
    mm_detail::write_op op;
    op.data = std::move(text);
    must_write(st_, number_, std::move(op), "raw frame");
}

void mattermost_socket::send_binary(std::string data)
{
    mm_detail::write_op op;
    op.what = mm_detail::write_op::kind::binary;
    op.data = std::move(data);
    must_write(st_, number_, std::move(op), "binary frame");
}

void mattermost_socket::send_oversized(std::size_t bytes)
{
    std::string text(std::max<std::size_t>(bytes, 2), 'x'); // a JSON string literal: valid, just too big
    text.front() = '"';
    text.back() = '"';
    send_raw(std::move(text));
}

void mattermost_socket::send_event(std::string type, nlohmann::json data, nlohmann::json broadcast)
{
    auto const n = number_;
    auto const sent = mm_detail::with_events(
        st_, [n, type = std::move(type), data = std::move(data),
              broadcast = std::move(broadcast)](mm_detail::mm_state& st, mm_detail::written_list& w) mutable {
            auto rt = st.runtime(n);
            auto it = rt ? st.conns.find(rt->conn_id) : st.conns.end();
            if (it == st.conns.end() || !rt->writable()) return false;
            auto const channel = mm_detail::json_str(broadcast, "channel_id");
            mm_detail::emit_locked(st, it->second, mm::event(type, std::move(data), std::move(broadcast)),
                                   channel, &w);
            return true;
        });
    if (!sent)
        throw std::runtime_error("fake_mattermost: socket " + std::to_string(n) + " has no open connection");
}

void mattermost_socket::skip_seq(std::size_t gap)
{
    auto const n = number_;
    auto const sent =
        mm_detail::with_events(st_, [n, gap](mm_detail::mm_state& st, mm_detail::written_list& w) {
            auto rt = st.runtime(n);
            auto it = rt ? st.conns.find(rt->conn_id) : st.conns.end();
            if (it == st.conns.end() || !rt->writable()) return false;
            it->second.next_seq += static_cast<std::int64_t>(gap);
            auto ev = mm::event("status_change", {{"status", "online"}, {"user_id", st.options.bot_user_id}},
                                mm::broadcast(st.options.bot_user_id));
            mm_detail::emit_locked(st, it->second, std::move(ev), {}, &w);
            return true;
        });
    if (!sent)
        throw std::runtime_error("fake_mattermost: socket " + std::to_string(n) + " has no open connection");
}

void mattermost_socket::drop()
{
    auto st = st_;
    auto const n = number_;
    mm_detail::on_server(st, [st, n] {
        if (auto rt = st->runtime(n)) mm_detail::drop_socket(*rt, socket_end::dropped_by_fake);
    });
}

void mattermost_socket::stall()
{
    auto st = st_;
    auto const n = number_;
    mm_detail::on_server(st, [st, n] {
        auto rt = st->runtime(n);
        if (!rt || rt->finished || rt->stalled || rt->dropped) return;
        rt->stalled = true;
        // A pending read would still answer the client's pings: cancel it (terminal for the
        // Beast stream, which is fine: the socket never speaks again).
        rt->reader_cancel.emit(asio::cancellation_type::terminal);
        rt->ping_timer.cancel();
        rt->fail_queue();
        mm_detail::wake_writer(*rt);
        std::lock_guard lock(st->mutex);
        st->info(n).stalled = true;
        st->changed.notify_all();
    });
}

void mattermost_socket::close(std::uint16_t code, std::string reason)
{
    auto st = st_;
    auto const n = number_;
    mm_detail::on_server(st, [st, n, code, reason = std::move(reason)]() mutable {
        auto rt = st->runtime(n);
        if (!rt) return;
        mm_detail::write_op op;
        op.what = mm_detail::write_op::kind::close;
        op.code = code;
        op.data = std::move(reason);
        mm_detail::enqueue(*rt, std::move(op));
    });
}

// ---- fake_mattermost ----------------------------------------------------------------------

fake_mattermost::fake_mattermost(fake_mattermost_options options)
    : st_(std::make_shared<mm_detail::mm_state>(std::move(options))),
      server_(std::make_unique<test::test_server>())
{
    auto const& o = st_->options;
    if (!mm::is_valid_id(o.bot_user_id) || !st_->model.user(o.bot_user_id)) {
        throw std::invalid_argument(
            "fake_mattermost: bot_user_id must be a 26-character id in the user table");
    }
    for (auto const& u : o.users) {
        if (!mm::is_valid_id(u.id))
            throw std::invalid_argument("fake_mattermost: user id is not 26 characters: " + u.id);
    }
    for (auto const& c : o.channels) {
        if (!mm::is_valid_id(c.id))
            throw std::invalid_argument("fake_mattermost: channel id is not 26 characters: " + c.id);
    }
    st_->server = server_.get();
    st_->ex = server_->executor();
    st_->https_base = server_->url("https", "");
    st_->client_tls.emplace(test::test_client_context());
    st_->rate_limiting = o.rate_limit.enabled;
    st_->bucket = static_cast<double>(o.rate_limit.max_burst + 1);
    st_->bucket_at = steady::now();

    auto st = st_;
    for (auto const* path : {"/api/v4/websocket", "/api/v4/websocket/"}) {
        server_->on_websocket(path, [st](websocket_session& s) { return mm_detail::serve_socket(st, s); });
    }
    mm_detail::route_path(st_, "/api/v4/users/me", {mm_detail::route_kind::me, {}});
    mm_detail::route_path(st_, "/api/v4/users/me/teams", {mm_detail::route_kind::my_teams, {}});
    mm_detail::route_path(st_, "/api/v4/teams/" + o.team_id, {mm_detail::route_kind::team, o.team_id});
    mm_detail::route_path(st_, "/api/v4/teams/name/" + o.team_name,
                          {mm_detail::route_kind::team_by_name, o.team_name});
    mm_detail::route_path(st_, "/api/v4/posts", {mm_detail::route_kind::posts, {}});
    mm_detail::route_path(st_, "/api/v4/commands", {mm_detail::route_kind::commands, {}});
    mm_detail::route_path(st_, "/api/v4/system/ping", {mm_detail::route_kind::ping, {}});
    for (auto const& u : o.users)
        mm_detail::route_user(st_, u.id);
    for (auto const& c : o.channels)
        mm_detail::route_channel(st_, c.id);
}

fake_mattermost::~fake_mattermost()
{
    try {
        auto st = st_;
        mm_detail::on_server(st, [st] {
            {
                std::lock_guard lock(st->mutex);
                st->stopping = true;
            }
            for (auto& [n, rt] : st->runtimes)
                rt->stall_wait.cancel();
        });
    } catch (std::exception const& e) {
        std::fprintf(stderr, "fake_mattermost: shutting down: %s\n", e.what());
    }
    server_->stop();
    // The server thread is joined: drop the sockets' timers before their io_context goes.
    st_->runtimes.clear();
    server_.reset();
}

std::string fake_mattermost::server_url() const
{
    return server_->url("https", "");
}
std::string fake_mattermost::websocket_url() const
{
    return server_->url("wss", "/api/v4/websocket");
}
std::uint16_t fake_mattermost::port() const noexcept
{
    return server_->port();
}
std::string fake_mattermost::ca_file() const
{
    return test::test_ca_file("ca.pem");
}
fake_mattermost_options const& fake_mattermost::options() const noexcept
{
    return st_->options;
}
test::test_server& fake_mattermost::server() noexcept
{
    return *server_;
}
std::string const& fake_mattermost::bot() const noexcept
{
    return st_->options.bot_user_id;
}

std::string const& fake_mattermost::incident_channel() const noexcept
{
    static std::string const none;
    return st_->options.channels.empty() ? none : st_->options.channels.front().id;
}

std::string fake_mattermost::alice() const
{
    return user_id("alice");
}
std::string fake_mattermost::bob() const
{
    return user_id("bob");
}

std::string fake_mattermost::user_id(std::string_view username) const
{
    std::lock_guard lock(st_->mutex);
    auto const* u = st_->model.user_by_name(username);
    if (!u) throw std::runtime_error("fake_mattermost: no user named " + std::string(username));
    return u->id;
}

void fake_mattermost::add_user(mattermost_user user)
{
    auto id = user.id;
    {
        std::lock_guard lock(st_->mutex);
        st_->model.users.insert_or_assign(id, std::move(user));
    }
    mm_detail::route_user(st_, id);
}

void fake_mattermost::add_channel(mattermost_channel channel)
{
    auto id = channel.id;
    {
        std::lock_guard lock(st_->mutex);
        st_->model.add_channel(std::move(channel));
    }
    mm_detail::route_channel(st_, id);
}

void fake_mattermost::set_member(std::string const& channel_id, bool member)
{
    std::lock_guard lock(st_->mutex);
    auto* c = st_->model.channel(channel_id);
    if (!c) throw std::runtime_error("fake_mattermost: set_member: unknown channel " + channel_id);
    c->bot_member = member;
}

void fake_mattermost::set_can_manage_slash_commands(bool can)
{
    std::lock_guard lock(st_->mutex);
    st_->model.can_manage_slash_commands = can;
}

registered_command fake_mattermost::register_command(std::string trigger, std::string url)
{
    std::lock_guard lock(st_->mutex);
    if (!trigger.empty() && trigger.front() == '/') trigger.erase(0, 1);
    return st_->model.register_command(std::move(trigger), std::move(url), st_->options.bot_user_id);
}

std::int64_t fake_mattermost::now_ms() const
{
    std::lock_guard lock(st_->mutex);
    return st_->model.clock;
}

void fake_mattermost::set_clock(std::int64_t ms)
{
    std::lock_guard lock(st_->mutex);
    st_->model.clock = ms;
}

void fake_mattermost::advance_clock(std::chrono::milliseconds d)
{
    std::lock_guard lock(st_->mutex);
    st_->model.clock += d.count();
}

mattermost_post fake_mattermost::post_message(std::string channel_id, std::string user_id,
                                              std::string message, std::string root_id)
{
    post_args a;
    a.channel_id = std::move(channel_id);
    a.user_id = std::move(user_id);
    a.message = std::move(message);
    a.root_id = std::move(root_id);
    return post_message(std::move(a));
}

mattermost_post fake_mattermost::post_message(post_args args)
{
    mm_detail::route_user(st_, args.user_id);
    mm_detail::route_channel(st_, args.channel_id);
    return mm_detail::with_events(st_, [a = std::move(args)](mm_detail::mm_state& st,
                                                             mm_detail::written_list& w) mutable {
        if (!st.model.channel(a.channel_id)) {
            throw std::runtime_error("fake_mattermost: post_message: unknown channel " + a.channel_id +
                                     " (add_channel first)");
        }
        mattermost_post p;
        p.channel_id = std::move(a.channel_id);
        p.user_id = std::move(a.user_id);
        p.message = std::move(a.message);
        p.root_id = std::move(a.root_id);
        p.type = std::move(a.type);
        p.props = a.props.is_object() ? std::move(a.props) : json::object();
        p.origin = post_origin::test;
        auto const stored = st.model.add_post(std::move(p));
        mm_detail::broadcast_posted_locked(st, stored, &w, std::move(a.mentions), std::move(a.sender_name));
        return stored;
    });
}

mattermost_post fake_mattermost::edit_post(std::string const& post_id, std::string message)
{
    return mm_detail::with_events(st_, [post_id, message = std::move(message)](
                                           mm_detail::mm_state& st, mm_detail::written_list& w) mutable {
        auto* p = st.model.post(post_id);
        if (!p) throw std::runtime_error("fake_mattermost: edit_post: unknown post " + post_id);
        p->message = std::move(message);
        p->runes = mm::rune_count(p->message);
        p->edit_at = st.model.stamp();
        p->update_at = p->edit_at;
        auto const copy = *p;
        mm_detail::broadcast_locked(st, mm::post_edited_event(copy), copy.channel_id, &w);
        return copy;
    });
}

mattermost_post fake_mattermost::delete_post(std::string const& post_id, std::string by)
{
    return mm_detail::with_events(
        st_, [post_id, by = std::move(by)](mm_detail::mm_state& st, mm_detail::written_list& w) {
            auto* p = st.model.post(post_id);
            if (!p) throw std::runtime_error("fake_mattermost: delete_post: unknown post " + post_id);
            if (!p->deleted()) {
                p->delete_at = st.model.stamp();
                p->update_at = p->delete_at;
                if (!p->root_id.empty()) {
                    if (auto* root = st.model.post(p->root_id); root && root->reply_count > 0)
                        --root->reply_count;
                }
            }
            auto const copy = *p;
            mm_detail::broadcast_locked(st, mm::post_deleted_event(copy, by.empty() ? copy.user_id : by),
                                        copy.channel_id, &w);
            return copy;
        });
}

namespace {
void react(state_ptr const& st, bool added, std::string user_id, std::string const& post_id,
           std::string emoji)
{
    mm_detail::route_user(st, user_id);
    mm_detail::with_events(st, [added, user_id = std::move(user_id), post_id, emoji = std::move(emoji)](
                                   mm_detail::mm_state& s, mm_detail::written_list& w) mutable {
        auto* p = s.model.post(post_id);
        if (!p) throw std::runtime_error("fake_mattermost: reaction on unknown post " + post_id);
        mattermost_reaction r;
        r.user_id = std::move(user_id);
        r.post_id = post_id;
        r.emoji_name = std::move(emoji);
        r.channel_id = p->channel_id;
        r.create_at = s.model.stamp();
        p->update_at = r.create_at; // Mattermost touches the post (has_reactions)
        mm_detail::broadcast_locked(s, mm::reaction_event(added, r), r.channel_id, &w);
        return true;
    });
}
} // namespace

void fake_mattermost::add_reaction(std::string user_id, std::string const& post_id, std::string emoji_name)
{
    react(st_, true, std::move(user_id), post_id, std::move(emoji_name));
}

void fake_mattermost::remove_reaction(std::string user_id, std::string const& post_id, std::string emoji_name)
{
    react(st_, false, std::move(user_id), post_id, std::move(emoji_name));
}

void fake_mattermost::broadcast_event(std::string type, nlohmann::json data, std::string channel_id)
{
    mm_detail::with_events(st_, [type = std::move(type), data = std::move(data),
                                 channel_id = std::move(channel_id)](mm_detail::mm_state& st,
                                                                     mm_detail::written_list& w) mutable {
        auto const team = [&]() -> std::string {
            auto const* c = st.model.channel(channel_id);
            return c ? st.model.team_of(*c) : std::string{};
        }();
        auto bc =
            channel_id.empty() ? mm::broadcast(st.options.bot_user_id) : mm::broadcast({}, channel_id, team);
        mm_detail::broadcast_locked(st, mm::event(type, std::move(data), std::move(bc)), channel_id, &w);
        return true;
    });
}

void fake_mattermost::server_restart(bool drop_sockets)
{
    auto st = st_;
    mm_detail::on_server(st, [st, drop_sockets] {
        std::lock_guard lock(st->mutex);
        st->conns.clear();
        if (drop_sockets) {
            for (auto& [n, rt] : st->runtimes)
                mm_detail::drop_socket(*rt, socket_end::server_restart);
        }
        st->changed.notify_all();
    });
}

mattermost_socket fake_mattermost::socket(std::size_t number)
{
    return mattermost_socket(st_, number);
}

mattermost_socket fake_mattermost::newest()
{
    std::lock_guard lock(st_->mutex);
    for (auto it = st_->sockets.rbegin(); it != st_->sockets.rend(); ++it) {
        if (it->open() && !it->connection_id.empty()) return mattermost_socket(st_, it->number);
    }
    throw std::runtime_error("fake_mattermost: no socket is open and authenticated");
}

std::vector<websocket_connection> fake_mattermost::connections() const
{
    std::lock_guard lock(st_->mutex);
    return st_->sockets;
}

bool fake_mattermost::wait_for_connections(std::size_t n, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] {
        auto const k = std::count_if(st_->sockets.begin(), st_->sockets.end(),
                                     [](auto const& s) { return !s.connection_id.empty(); });
        return static_cast<std::size_t>(k) >= n;
    });
}

bool fake_mattermost::wait_for_open_connections(std::size_t n, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] { return st_->open_authenticated_locked() == n; });
}

std::size_t fake_mattermost::open_connections() const
{
    std::lock_guard lock(st_->mutex);
    return st_->open_authenticated_locked();
}

std::vector<std::string> fake_mattermost::live_connection_ids() const
{
    std::lock_guard lock(st_->mutex);
    std::vector<std::string> out;
    for (auto const& [id, c] : st_->conns)
        out.push_back(id);
    return out;
}

std::vector<mattermost_client_frame> fake_mattermost::client_frames() const
{
    std::lock_guard lock(st_->mutex);
    return st_->frames;
}

bool fake_mattermost::wait_for_client_frames(std::string_view action, std::size_t n,
                                             std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] {
        auto const k = std::count_if(st_->frames.begin(), st_->frames.end(),
                                     [&](auto const& f) { return action.empty() || f.action == action; });
        return static_cast<std::size_t>(k) >= n;
    });
}

std::vector<sent_event> fake_mattermost::events() const
{
    std::lock_guard lock(st_->mutex);
    return st_->events;
}

std::vector<rest_call> fake_mattermost::requests(std::string_view path) const
{
    std::lock_guard lock(st_->mutex);
    if (path.empty()) return st_->calls;
    std::vector<rest_call> out;
    std::copy_if(st_->calls.begin(), st_->calls.end(), std::back_inserter(out),
                 [&](auto const& c) { return c.path == path; });
    return out;
}

bool fake_mattermost::wait_for_requests(std::string_view path, std::size_t n,
                                        std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] {
        auto const done = std::count_if(st_->calls.begin(), st_->calls.end(), [&](auto const& c) {
            return c.path == path && (c.status != 0 || c.scripted == "stall" || c.scripted == "drop");
        });
        return static_cast<std::size_t>(done) >= n;
    });
}

namespace {
std::vector<mattermost_post> filter_posts(std::vector<mattermost_post> const& all, std::string_view channel,
                                          bool bot_only)
{
    std::vector<mattermost_post> out;
    std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](auto const& p) {
        return (channel.empty() || p.channel_id == channel) && (!bot_only || p.origin == post_origin::rest);
    });
    return out;
}
} // namespace

std::vector<mattermost_post> fake_mattermost::posts(std::string_view channel_id) const
{
    std::lock_guard lock(st_->mutex);
    return filter_posts(st_->model.posts, channel_id, false);
}

std::vector<mattermost_post> fake_mattermost::bot_posts(std::string_view channel_id) const
{
    std::lock_guard lock(st_->mutex);
    return filter_posts(st_->model.posts, channel_id, true);
}

bool fake_mattermost::wait_for_posts(std::string_view channel_id, std::size_t n,
                                     std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] {
        auto const k = std::count_if(st_->model.posts.begin(), st_->model.posts.end(), [&](auto const& p) {
            return channel_id.empty() || p.channel_id == channel_id;
        });
        return static_cast<std::size_t>(k) >= n;
    });
}

bool fake_mattermost::wait_for_bot_posts(std::string_view channel_id, std::size_t n,
                                         std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_for(lock, timeout, [&] {
        auto const k = std::count_if(st_->model.posts.begin(), st_->model.posts.end(), [&](auto const& p) {
            return (channel_id.empty() || p.channel_id == channel_id) && p.origin == post_origin::rest;
        });
        return static_cast<std::size_t>(k) >= n;
    });
}

std::optional<mattermost_post> fake_mattermost::post(std::string_view id) const
{
    std::lock_guard lock(st_->mutex);
    auto const* p = st_->model.post(id);
    if (!p) return std::nullopt;
    return *p;
}

std::vector<post_attempt> fake_mattermost::post_attempts() const
{
    std::lock_guard lock(st_->mutex);
    return st_->model.attempts;
}

std::size_t fake_mattermost::user_lookups(std::string_view user_id) const
{
    std::lock_guard lock(st_->mutex);
    auto it = st_->model.user_lookups.find(user_id);
    return it == st_->model.user_lookups.end() ? 0 : it->second;
}

std::size_t fake_mattermost::me_lookups() const
{
    std::lock_guard lock(st_->mutex);
    return st_->model.me_lookups;
}

std::vector<command_registration> fake_mattermost::command_registrations() const
{
    std::lock_guard lock(st_->mutex);
    return st_->model.registrations;
}

std::vector<registered_command> fake_mattermost::commands() const
{
    std::lock_guard lock(st_->mutex);
    return st_->model.commands;
}

std::vector<ephemeral_message> fake_mattermost::ephemerals() const
{
    std::lock_guard lock(st_->mutex);
    return st_->ephemerals;
}

std::vector<response_url_call> fake_mattermost::response_url_calls() const
{
    std::lock_guard lock(st_->mutex);
    return st_->hook_calls;
}

void fake_mattermost::rate_limit_next(std::string path, std::size_t n, std::chrono::seconds reset,
                                      std::size_t limit)
{
    mm_detail::script s;
    s.what = mm_detail::script::kind::rate_limit;
    s.remaining = n;
    s.reset = reset;
    s.limit = limit;
    mm_detail::add_script(st_, std::move(path), std::move(s));
}

void fake_mattermost::fail_next(std::string path, std::size_t n, unsigned status, std::string body)
{
    mm_detail::script s;
    s.what = mm_detail::script::kind::fail;
    s.remaining = n;
    s.status = status;
    s.body = std::move(body);
    mm_detail::add_script(st_, std::move(path), std::move(s));
}

void fake_mattermost::stall_next(std::string path, std::size_t n)
{
    mm_detail::script s;
    s.what = mm_detail::script::kind::stall;
    s.remaining = n;
    mm_detail::add_script(st_, std::move(path), std::move(s));
}

void fake_mattermost::delay_next(std::string path, std::size_t n, std::chrono::milliseconds delay)
{
    mm_detail::script s;
    s.what = mm_detail::script::kind::delay;
    s.remaining = n;
    s.delay = delay;
    mm_detail::add_script(st_, std::move(path), std::move(s));
}

void fake_mattermost::drop_next(std::string path, std::size_t n)
{
    mm_detail::script s;
    s.what = mm_detail::script::kind::drop;
    s.remaining = n;
    mm_detail::add_script(st_, std::move(path), std::move(s));
}

void fake_mattermost::clear_scripts(std::string const& path)
{
    std::lock_guard lock(st_->mutex);
    st_->scripts.erase(path);
}

void fake_mattermost::set_rate_limiting(bool enabled)
{
    std::lock_guard lock(st_->mutex);
    st_->rate_limiting = enabled;
    st_->bucket = static_cast<double>(st_->options.rate_limit.max_burst + 1);
    st_->bucket_at = steady::now();
}

void fake_mattermost::on_rest(std::string method, std::string path, rest_handler handler)
{
    {
        std::lock_guard lock(st_->mutex);
        st_->custom.insert_or_assign(method + " " + path, std::move(handler));
    }
    mm_detail::route_path(st_, path, {mm_detail::route_kind::custom, {}});
}

command_result fake_mattermost::invoke_command(command_invocation invocation)
{
    auto const bound = invocation.timeout.value_or(st_->options.command_timeout) + st_->options.call_timeout;
    auto f = start_command(std::move(invocation));
    if (f.wait_for(bound) != std::future_status::ready) {
        throw std::runtime_error(
            "fake_mattermost: invoke_command did not finish within its timeout + call_timeout");
    }
    return f.get();
}

command_result fake_mattermost::invoke_command(std::string command, std::string text,
                                               std::string callback_url)
{
    command_invocation inv;
    inv.command = std::move(command);
    inv.text = std::move(text);
    inv.callback_url = std::move(callback_url);
    return invoke_command(std::move(inv));
}

std::future<command_result> fake_mattermost::start_command(command_invocation invocation)
{
    auto pc = mm_detail::prepare_command(st_, std::move(invocation));
    auto promise = std::make_shared<std::promise<command_result>>();
    auto future = promise->get_future();
    asio::co_spawn(st_->ex, mm_detail::run_command(st_, pc),
                   [promise](std::exception_ptr e, command_result r) {
                       if (e) {
                           promise->set_exception(e);
                       } else {
                           promise->set_value(std::move(r));
                       }
                   });
    return future;
}

std::vector<command_result> fake_mattermost::command_results() const
{
    std::lock_guard lock(st_->mutex);
    return st_->results;
}

} // namespace coolhead::testing

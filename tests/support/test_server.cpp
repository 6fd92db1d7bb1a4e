#include "tests/support/test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <cstdio>
#include <list>
#include <map>
#include <mutex>

namespace coolhead::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using tls_stream = asio::ssl::stream<beast::tcp_stream>;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Safety bounds only: tests use their own, much shorter, client-side timeouts.
constexpr auto server_io_timeout = std::chrono::seconds(30);
constexpr auto server_handshake_timeout = std::chrono::seconds(5);

void report_exception(std::exception_ptr e)
{
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (std::exception const& ex) {
        std::fprintf(stderr, "test_server: task failed: %s\n", ex.what());
    }
}

} // namespace

http_reply http_reply::json(std::string body, unsigned status)
{
    http_reply r;
    r.status = status;
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = std::move(body);
    return r;
}

// A connection the server may have to close on stop().
struct conn_entry {
    beast::tcp_stream* lowest = nullptr;
};

struct test_server::state {
    state(asio::any_io_executor e, server_options o)
        : ex(std::move(e)), options(o), acceptor(ex), stopped(ex)
    {
        stopped.expires_at(asio::steady_timer::time_point::max());
        if (options.mode == server_mode::tls) tls.emplace(net::make_tls_server_context(server_tls_settings(options.identity)));
    }

    asio::any_io_executor ex;
    server_options options;
    std::optional<asio::ssl::context> tls;
    tcp::acceptor acceptor;
    asio::steady_timer stopped; // cancelled on stop: ends every stall
    std::atomic<std::uint16_t> port{0};
    std::atomic<std::size_t> accepted{0};
    std::atomic<std::size_t> open{0};
    std::atomic<std::size_t> tasks{0};
    bool stopping = false; // server thread only
    std::list<conn_entry*> conns; // server thread only

    mutable std::mutex mutex; // guards the routes and the request log
    std::map<std::string, http_handler, std::less<>> http_routes;
    std::map<std::string, websocket_handler, std::less<>> ws_routes;
    std::vector<recorded_request> requests;

    struct task_guard {
        state& s;
        explicit task_guard(state& st) : s(st) { ++s.tasks; }
        ~task_guard() { --s.tasks; }
    };

    asio::awaitable<void> wait_stopped()
    {
        if (stopping) co_return;
        co_await stopped.async_wait(use_tuple);
    }

    void stop_now()
    {
        stopping = true;
        error_code ignored;
        acceptor.close(ignored);
        stopped.cancel();
        for (auto* c : conns) {
            if (c->lowest) c->lowest->close();
        }
    }
};

struct websocket_session::impl {
    using plain_ws = websocket::stream<beast::tcp_stream>;
    using tls_ws = websocket::stream<tls_stream>;

    impl(std::shared_ptr<test_server::state> s, recorded_request r) : st(std::move(s)), upgrade(std::move(r)) {}

    std::shared_ptr<test_server::state> st;
    recorded_request upgrade;
    std::optional<plain_ws> plain;
    std::optional<tls_ws> secure;
    beast::flat_buffer buffer;
    std::optional<std::uint16_t> peer_close;
    bool finished = false; // closed, dropped or failed

    beast::tcp_stream& lowest()
    {
        return secure ? beast::get_lowest_layer(*secure) : beast::get_lowest_layer(*plain);
    }

    template <class Ws>
    static void configure(Ws& ws)
    {
        websocket::stream_base::timeout t{};
        t.handshake_timeout = server_handshake_timeout;
        t.idle_timeout = websocket::stream_base::none(); // tests decide when a peer is dead
        t.keep_alive_pings = false;
        ws.set_option(t);
        ws.read_message_max(64u << 20);
    }

    template <class Ws>
    static asio::awaitable<bool> write(Ws& ws, std::string data, bool text)
    {
        ws.text(text);
        auto [ec, n] = co_await ws.async_write(asio::buffer(data), use_tuple);
        (void)n;
        co_return !ec;
    }

    template <class Ws>
    static asio::awaitable<bool> ping(Ws& ws)
    {
        auto [ec] = co_await ws.async_ping({}, use_tuple);
        co_return !ec;
    }

    template <class Ws>
    asio::awaitable<std::optional<std::string>> read(Ws& ws)
    {
        buffer.clear();
        auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
        (void)n;
        if (ec) {
            if (ec == websocket::error::closed) peer_close = ws.reason().code;
            finished = true;
            co_return std::nullopt;
        }
        co_return beast::buffers_to_string(buffer.data());
    }

    template <class Ws>
    static asio::awaitable<void> close(Ws& ws, std::uint16_t code, std::string reason)
    {
        websocket::close_reason cr{code};
        cr.reason.assign(reason.data(), std::min<std::size_t>(reason.size(), 123));
        co_await ws.async_close(cr, use_tuple);
    }
};

websocket_session::websocket_session(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
websocket_session::~websocket_session() = default;

recorded_request const& websocket_session::upgrade_request() const noexcept { return impl_->upgrade; }

asio::awaitable<bool> websocket_session::send(std::string text)
{
    if (impl_->finished) co_return false;
    if (impl_->secure) co_return co_await impl::write(*impl_->secure, std::move(text), true);
    co_return co_await impl::write(*impl_->plain, std::move(text), true);
}

asio::awaitable<bool> websocket_session::send_binary(std::string data)
{
    if (impl_->finished) co_return false;
    if (impl_->secure) co_return co_await impl::write(*impl_->secure, std::move(data), false);
    co_return co_await impl::write(*impl_->plain, std::move(data), false);
}

asio::awaitable<bool> websocket_session::ping()
{
    if (impl_->finished) co_return false;
    if (impl_->secure) co_return co_await impl::ping(*impl_->secure);
    co_return co_await impl::ping(*impl_->plain);
}

asio::awaitable<std::optional<std::string>> websocket_session::read()
{
    if (impl_->finished) co_return std::nullopt;
    if (impl_->secure) co_return co_await impl_->read(*impl_->secure);
    co_return co_await impl_->read(*impl_->plain);
}

asio::awaitable<void> websocket_session::close(std::uint16_t code, std::string reason)
{
    if (impl_->finished) co_return;
    impl_->finished = true;
    if (impl_->secure) {
        co_await impl::close(*impl_->secure, code, std::move(reason));
    } else {
        co_await impl::close(*impl_->plain, code, std::move(reason));
    }
}

void websocket_session::drop() noexcept
{
    impl_->finished = true;
    impl_->lowest().close();
}

asio::awaitable<void> websocket_session::stall() { co_await impl_->st->wait_stopped(); }

std::optional<std::uint16_t> websocket_session::peer_close_code() const noexcept { return impl_->peer_close; }

namespace {

using state_ptr = std::shared_ptr<test_server::state>;

void emplace_stream(websocket_session::impl& s, beast::tcp_stream&& stream) { s.plain.emplace(std::move(stream)); }
void emplace_stream(websocket_session::impl& s, tls_stream&& stream) { s.secure.emplace(std::move(stream)); }

template <class Stream>
asio::awaitable<void> run_websocket(state_ptr st, Stream& stream, http::request<http::string_body> req,
                                    recorded_request rec, conn_entry& entry, websocket_handler handler)
{
    auto p = std::make_unique<websocket_session::impl>(st, std::move(rec));
    emplace_stream(*p, std::move(stream));
    auto* raw = p.get();
    entry.lowest = &raw->lowest();
    websocket_session session(std::move(p));
    error_code ec;
    if (raw->secure) {
        websocket_session::impl::configure(*raw->secure);
        std::tie(ec) = co_await raw->secure->async_accept(req, use_tuple);
    } else {
        websocket_session::impl::configure(*raw->plain);
        std::tie(ec) = co_await raw->plain->async_accept(req, use_tuple);
    }
    if (!ec) {
        co_await handler(session);
        if (!raw->finished) co_await session.close(websocket::close_code::normal);
    }
    entry.lowest = nullptr;
}

asio::awaitable<http_reply> not_found(recorded_request)
{
    http_reply r;
    r.status = 404;
    r.body = "not found\n";
    co_return r;
}

template <class Stream>
asio::awaitable<void> http_loop(state_ptr st, Stream& stream, conn_entry& entry, std::size_t id)
{
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(std::uint64_t{64} << 20);
        parser.header_limit(1u << 20);
        entry.lowest->expires_after(server_io_timeout);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
        (void)n;
        if (ec) co_return;
        entry.lowest->expires_never();
        auto req = parser.release();

        recorded_request rec;
        rec.method = std::string(req.method_string());
        rec.target = std::string(req.target());
        rec.path = rec.target.substr(0, rec.target.find('?'));
        for (auto const& f : req) rec.headers.push_back({std::string(f.name_string()), std::string(f.value())});
        rec.body = req.body();
        rec.connection = id;

        http_handler http_route;
        websocket_handler ws_route;
        {
            std::lock_guard lock(st->mutex);
            st->requests.push_back(rec);
            if (websocket::is_upgrade(req)) {
                if (auto it = st->ws_routes.find(rec.path); it != st->ws_routes.end()) ws_route = it->second;
            } else if (auto it = st->http_routes.find(rec.path); it != st->http_routes.end()) {
                http_route = it->second;
            }
        }
        if (ws_route) {
            co_await run_websocket(st, stream, std::move(req), std::move(rec), entry, std::move(ws_route));
            co_return;
        }
        if (!http_route) http_route = not_found;

        // The copy of the handler lives in this frame while its coroutine runs.
        http_reply reply = co_await http_route(std::move(rec));
        if (reply.after == http_reply::then::drop) {
            entry.lowest->close();
            co_return;
        }
        http::response<http::string_body> res;
        res.version(req.version());
        res.result(reply.status);
        for (auto const& h : reply.headers) res.insert(h.name, h.value);
        res.body() = std::move(reply.body);
        bool const keep = req.keep_alive() && reply.after != http_reply::then::close;
        res.keep_alive(keep);
        res.prepare_payload();
        entry.lowest->expires_after(server_io_timeout);
        auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
        (void)wn;
        if (wec || !keep || reply.after == http_reply::then::close_silently) {
            error_code ignored;
            if (reply.after != http_reply::then::close_silently) {
                entry.lowest->socket().shutdown(tcp::socket::shutdown_send, ignored);
            }
            entry.lowest->close();
            co_return;
        }
    }
}

asio::awaitable<void> serve_connection(state_ptr st, tcp::socket socket, std::size_t id)
{
    test_server::state::task_guard task{*st};
    ++st->open;
    conn_entry entry;
    auto const it = st->conns.insert(st->conns.end(), &entry);
    struct cleanup {
        test_server::state& s;
        std::list<conn_entry*>::iterator it;
        ~cleanup()
        {
            s.conns.erase(it);
            --s.open;
        }
    } done{*st, it};
    if (st->stopping) co_return;

    switch (st->options.mode) {
    case server_mode::silent: {
        beast::tcp_stream s(std::move(socket));
        entry.lowest = &s;
        std::array<char, 4096> scratch{};
        for (;;) {
            auto [ec, n] = co_await s.async_read_some(asio::buffer(scratch), use_tuple);
            (void)n;
            if (ec) break;
        }
        entry.lowest = nullptr;
        co_return;
    }
    case server_mode::plain: {
        beast::tcp_stream s(std::move(socket));
        entry.lowest = &s;
        co_await http_loop(st, s, entry, id);
        entry.lowest = nullptr;
        co_return;
    }
    case server_mode::tls: {
        tls_stream s(std::move(socket), *st->tls);
        entry.lowest = &beast::get_lowest_layer(s);
        entry.lowest->expires_after(server_handshake_timeout);
        auto [ec] = co_await s.async_handshake(asio::ssl::stream_base::server, use_tuple);
        if (!ec) co_await http_loop(st, s, entry, id);
        entry.lowest = nullptr;
        co_return;
    }
    }
}

asio::awaitable<void> accept_loop(state_ptr st)
{
    test_server::state::task_guard task{*st};
    for (;;) {
        auto [ec, socket] = co_await st->acceptor.async_accept(use_tuple);
        if (ec) break; // stopped (or a test machine out of descriptors: the test then fails)
        auto const id = ++st->accepted;
        asio::co_spawn(st->ex, serve_connection(st, std::move(socket), id), report_exception);
    }
}

} // namespace

test_server::test_server(server_options options)
    : thread_(std::make_unique<io_thread>()), state_(std::make_shared<state>(thread_->executor(), options))
{
    auto st = state_;
    thread_->call([st] {
        tcp::endpoint const ep{asio::ip::make_address("127.0.0.1"), 0};
        st->acceptor.open(ep.protocol());
        st->acceptor.bind(ep);
        st->acceptor.listen();
        st->port = st->acceptor.local_endpoint().port();
        asio::co_spawn(st->ex, accept_loop(st), report_exception);
    });
}

test_server::~test_server() { stop(); }

void test_server::stop()
{
    if (thread_->context().stopped()) return;
    auto st = state_;
    thread_->call([st] { st->stop_now(); });
    // Let every task see the closed sockets and finish, so nothing is torn down mid-flight.
    wait_until([st] { return st->tasks.load() == 0; }, 5s);
    thread_->stop();
}

std::uint16_t test_server::port() const noexcept { return state_->port.load(); }

std::string test_server::url(std::string_view scheme, std::string_view target) const
{
    return std::string(scheme) + "://localhost:" + std::to_string(port()) + std::string(target);
}

void test_server::on_http(std::string path, http_handler handler)
{
    std::lock_guard lock(state_->mutex);
    state_->http_routes.insert_or_assign(std::move(path), std::move(handler));
}

void test_server::on_websocket(std::string path, websocket_handler handler)
{
    std::lock_guard lock(state_->mutex);
    state_->ws_routes.insert_or_assign(std::move(path), std::move(handler));
}

std::vector<recorded_request> test_server::requests() const
{
    std::lock_guard lock(state_->mutex);
    return state_->requests;
}

std::size_t test_server::connections_accepted() const noexcept { return state_->accepted.load(); }

std::size_t test_server::connections_open() const noexcept { return state_->open.load(); }

asio::any_io_executor test_server::executor() { return state_->ex; }

asio::awaitable<void> test_server::stall() { co_await state_->wait_stopped(); }

} // namespace coolhead::test

#include "bot/net/websocket_client.hpp"

#include "bot/log/log.hpp"
#include "bot/net/detail/transport.hpp"
#include "bot/net/endpoint.hpp"
#include "bot/net/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <algorithm>
#include <exception>

namespace coolhead::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool has_control_chars(std::string_view s) noexcept
{
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

error_code check_headers(websocket_options const& o)
{
    for (auto const& h : o.headers) {
        if (iequals(h.name, "authorization")) return make_error_code(errc::secret_in_plain_header);
        if (h.name.empty() || iequals(h.name, "origin") || has_control_chars(h.name) || has_control_chars(h.value)) {
            return make_error_code(errc::invalid_header);
        }
    }
    if (o.authorization && has_control_chars(o.authorization->reveal())) return make_error_code(errc::invalid_header);
    return {};
}

// One queue entry: a text message, or the close frame that ends the writer.
struct outbound {
    bool close = false;
    std::uint16_t code = 0;
    std::string payload;
};

} // namespace

struct websocket_client::impl {
    using plain_ws = websocket::stream<beast::tcp_stream>;
    using tls_ws = websocket::stream<detail::tls_stream>;
    enum class state { connecting, open, closing, finished };

    impl(asio::any_io_executor ex, asio::ssl::context& ctx, endpoint e, websocket_options o)
        : executor(std::move(ex)), ep(std::move(e)), options(std::move(o)),
          queue(executor, std::max<std::size_t>(options.write_queue_capacity, 1)), writer_done(executor),
          log(log::component("net"))
    {
        if (ep.tls()) {
            secure.emplace(executor, ctx);
        } else {
            plain.emplace(executor);
        }
        writer_done.expires_at(asio::steady_timer::time_point::max());
    }

    asio::any_io_executor executor;
    endpoint ep; // ep.target is part of the secret URL: never logged, cleared after the upgrade
    websocket_options options;
    std::optional<plain_ws> plain;
    std::optional<tls_ws> secure;
    beast::flat_buffer read_buffer;
    asio::experimental::channel<void(error_code, outbound)> queue;
    std::size_t queued = 0;
    state st = state::connecting;
    std::optional<websocket_close_reason> peer_close;
    bool writer_running = false;
    bool reads_done = false; // a read failed: the connection is finished for reading
    asio::steady_timer writer_done; // cancelled when the writer exits
    error_code close_result;
    log::logger_ptr log;

    beast::tcp_stream& lowest()
    {
        return secure ? beast::get_lowest_layer(*secure) : beast::get_lowest_layer(*plain);
    }

    // No more sends; the writer stops at its next receive.
    void finish() noexcept
    {
        st = state::finished;
        queue.close();
    }

    // Starts a close handshake without waiting for it (a full queue makes it abrupt).
    void start_close(std::uint16_t code) noexcept
    {
        if (st != state::open) return;
        st = state::closing;
        if (queue.try_send(error_code{}, outbound{true, code, std::string()})) {
            ++queued;
        } else {
            cancel();
        }
    }

    void cancel() noexcept
    {
        if (st == state::finished && !lowest().socket().is_open()) return;
        finish();
        lowest().close();
    }

    template <class Ws>
    asio::awaitable<error_code> upgrade(Ws& ws)
    {
        ws.set_option(websocket::stream_base::decorator(
            [ua = options.user_agent, headers = options.headers, auth = options.authorization](websocket::request_type& req) {
                req.set(beast::http::field::user_agent, ua);
                for (auto const& h : headers) req.insert(h.name, h.value);
                if (auth) req.set(beast::http::field::authorization, auth->reveal());
            }));
        // No Beast limit: read() enforces options.read_message_max itself (see read_message).
        ws.read_message_max(0);
        // The upgrade runs under the TCP deadline like the steps before it.
        beast::get_lowest_layer(ws).expires_after(options.handshake_timeout);
        websocket::response_type response;
        auto [ec] = co_await ws.async_handshake(response, ep.host_header(), ep.target, use_tuple);
        if (ec) {
            if (ec == websocket::error::upgrade_declined) {
                log->warn("event=ws_upgrade_declined host={} status={}", ep.host, response.result_int());
                co_return make_error_code(errc::upgrade_declined);
            }
            co_return detail::normalise(ec);
        }
        // The credentials were needed for the upgrade only: drop our copies of them.
        ws.set_option(websocket::stream_base::decorator([](websocket::request_type&) {}));
        ep.target.clear();
        // Turn off the TCP deadline: from here the websocket's own timer watches the link.
        // suggested(client) would leave idle_timeout at none(), and a half-open connection
        // would then live forever (STYLE.md 5.4).
        beast::get_lowest_layer(ws).expires_never();
        websocket::stream_base::timeout t{};
        t.handshake_timeout = options.handshake_timeout; // also bounds the closing handshake
        t.idle_timeout = options.idle_timeout;
        t.keep_alive_pings = true;
        ws.set_option(t);
        ws.text(true);
        co_return error_code{};
    }

    template <class Ws>
    static asio::awaitable<error_code> write_one(Ws& ws, std::string const& text)
    {
        auto [ec, n] = co_await ws.async_write(asio::buffer(text), use_tuple);
        (void)n;
        co_return ec;
    }

    template <class Ws>
    static asio::awaitable<error_code> close_one(Ws& ws, std::uint16_t code, std::string reason)
    {
        // A close reason is at most 123 bytes (RFC 6455 section 5.5).
        if (reason.size() > 123) reason.resize(123);
        websocket::close_reason cr{code};
        cr.reason.assign(reason.data(), reason.size());
        auto [ec] = co_await ws.async_close(cr, use_tuple);
        co_return ec;
    }

    // Reads one whole message, enforcing the size limit here rather than through Beast's
    // read_message_max: Beast would tear a TLS connection down while the peer is still sending
    // and report the teardown's error instead of "too big". Returns the error and got_text().
    template <class Ws>
    static asio::awaitable<std::pair<error_code, bool>> read_message(Ws& ws, beast::flat_buffer& buffer,
                                                                     std::size_t limit)
    {
        do {
            auto [ec, n] = co_await ws.async_read_some(buffer, limit + 1 - buffer.size(), use_tuple);
            (void)n;
            if (ec) co_return std::pair<error_code, bool>{ec, false};
            if (buffer.size() > limit) co_return std::pair<error_code, bool>{make_error_code(errc::message_too_large), false};
        } while (!ws.is_message_done());
        co_return std::pair<error_code, bool>{error_code{}, ws.got_text()};
    }

    // The only writer of this socket: it drains the bounded queue one message at a time, so
    // two writes are never in flight (boostorg/beast#959, #1207).
    static asio::awaitable<void> write_loop(std::shared_ptr<impl> self)
    {
        for (;;) {
            auto [ec, item] = co_await self->queue.async_receive(use_tuple);
            if (ec) break; // queue closed: cancel(), a failed read, or close() done
            --self->queued;
            if (item.close) {
                error_code cec;
                if (self->secure) {
                    cec = co_await close_one(*self->secure, item.code, std::move(item.payload));
                } else {
                    cec = co_await close_one(*self->plain, item.code, std::move(item.payload));
                }
                self->close_result = detail::normalise(cec);
                self->log->info("event=ws_closed host={} code={} error=\"{}\"", self->ep.host, item.code,
                                cec ? cec.message() : std::string("none"));
                break;
            }
            error_code wec;
            if (self->secure) {
                wec = co_await write_one(*self->secure, item.payload);
            } else {
                wec = co_await write_one(*self->plain, item.payload);
            }
            if (wec) {
                if (self->st != state::finished) {
                    self->log->info("event=ws_write_failed host={} error=\"{}\"", self->ep.host,
                                    detail::normalise(wec).message());
                }
                self->cancel();
                break;
            }
            self->log->trace("event=ws_frame dir=out host={} bytes={}", self->ep.host, item.payload.size());
        }
        self->writer_running = false;
        self->writer_done.cancel();
    }

    static asio::awaitable<boost::system::result<websocket_client>> connect(std::shared_ptr<impl> self)
    {
        auto const start = std::chrono::steady_clock::now();
        auto& o = self->options;
        if (auto ec = co_await detail::connect_tcp(self->lowest(), self->ep, o.connect_timeout)) {
            self->log->debug("event=ws_connect_failed host={} step=tcp error=\"{}\"", self->ep.host, ec.message());
            self->cancel();
            co_return ec;
        }
        if (self->secure) {
            if (auto ec = co_await detail::handshake_tls(self->secure->next_layer(), self->ep.host, o.handshake_timeout)) {
                self->log->debug("event=ws_connect_failed host={} step=tls error=\"{}\"", self->ep.host, ec.message());
                self->cancel();
                co_return ec;
            }
        }
        error_code ec;
        if (self->secure) {
            ec = co_await self->upgrade(*self->secure);
        } else {
            ec = co_await self->upgrade(*self->plain);
        }
        if (ec) {
            self->log->debug("event=ws_connect_failed host={} step=upgrade error=\"{}\"", self->ep.host, ec.message());
            self->cancel();
            co_return ec;
        }
        self->st = state::open;
        self->writer_running = true;
        asio::co_spawn(self->executor, write_loop(self), [log = self->log](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (std::exception const& ex) {
                log->error("event=ws_writer_failed error=\"{}\"", ex.what());
            }
        });
        self->log->info("event=ws_connected host={} port={} tls={} duration_ms={}", self->ep.host, self->ep.port,
                        self->ep.tls(), detail::elapsed_ms(start));
        co_return websocket_client(std::move(self));
    }

    static asio::awaitable<boost::system::result<std::string>> read(std::shared_ptr<impl> self)
    {
        if (self->st == state::finished || self->st == state::connecting || self->reads_done) {
            co_return make_error_code(errc::not_connected);
        }
        for (;;) {
            self->read_buffer.clear();
            std::pair<error_code, bool> r;
            auto const limit = std::clamp<std::size_t>(self->options.read_message_max, 1, std::size_t{1} << 40);
            if (self->secure) {
                r = co_await read_message(*self->secure, self->read_buffer, limit);
            } else {
                r = co_await read_message(*self->plain, self->read_buffer, limit);
            }
            auto const [ec, text] = r;
            if (ec == errc::message_too_large) {
                // Refuse it like RFC 6455 says (close 1009) through the writer, which owns writes.
                self->log->warn("event=ws_message_too_large host={} limit={}", self->ep.host, limit);
                self->reads_done = true;
                self->start_close(close_code::too_big);
                co_return ec;
            }
            if (ec) {
                self->reads_done = true;
                if (ec == websocket::error::closed) {
                    // Beast has answered the close frame and torn the connection down.
                    auto const& cr = self->secure ? self->secure->reason() : self->plain->reason();
                    self->peer_close = websocket_close_reason{cr.code, std::string(cr.reason.data(), cr.reason.size())};
                    self->log->info("event=ws_closed_by_peer host={} code={}", self->ep.host, cr.code);
                    self->finish();
                    co_return make_error_code(errc::closed);
                }
                error_code const mapped = detail::normalise(ec);
                if (self->st != state::finished) {
                    self->log->info("event=ws_read_failed host={} error=\"{}\"", self->ep.host, mapped.message());
                }
                self->cancel();
                co_return mapped;
            }
            if (!text) {
                self->log->warn("event=ws_binary_message_dropped host={} bytes={}", self->ep.host,
                                self->read_buffer.size());
                continue;
            }
            self->log->trace("event=ws_frame dir=in host={} bytes={}", self->ep.host, self->read_buffer.size());
            co_return beast::buffers_to_string(self->read_buffer.data());
        }
    }

    static asio::awaitable<error_code> close(std::shared_ptr<impl> self, std::uint16_t code, std::string reason)
    {
        if (self->st == state::closing) {
            // A close is already under way (an earlier close(), or read() refusing an
            // oversized message): wait for it like the first caller.
            co_return co_await wait_for_writer(self);
        }
        if (self->st != state::open) co_return make_error_code(errc::not_connected);
        self->st = state::closing;
        ++self->queued;
        // A named local, not a braced temporary inside the co_await expression: GCC 12
        // relocates such aggregate temporaries bytewise, corrupting short strings.
        outbound item{true, code, std::move(reason)};
        auto [ec] = co_await self->queue.async_send(error_code{}, std::move(item), use_tuple);
        if (ec) {
            --self->queued;
            bool const aborted = ec == asio::error::operation_aborted;
            self->cancel();
            co_return aborted ? error_code(asio::error::operation_aborted) : make_error_code(errc::not_connected);
        }
        co_return co_await wait_for_writer(self);
    }

    static asio::awaitable<error_code> wait_for_writer(std::shared_ptr<impl> self)
    {
        if (self->writer_running) {
            auto [wait_ec] = co_await self->writer_done.async_wait(use_tuple);
            if (wait_ec != asio::error::operation_aborted || self->writer_running) {
                // Our caller was cancelled while the close handshake ran: finish abruptly.
                self->cancel();
                co_return error_code(asio::error::operation_aborted);
            }
        }
        self->finish();
        co_return self->close_result;
    }
};

websocket_client::websocket_client(std::shared_ptr<impl> p) noexcept : impl_(std::move(p)) {}

websocket_client::~websocket_client()
{
    if (impl_) impl_->cancel();
}

websocket_client::websocket_client(websocket_client&&) noexcept = default;

websocket_client& websocket_client::operator=(websocket_client&& other) noexcept
{
    if (this != &other) {
        if (impl_) impl_->cancel();
        impl_ = std::move(other.impl_);
    }
    return *this;
}

asio::awaitable<boost::system::result<websocket_client>>
websocket_client::connect(asio::any_io_executor executor, asio::ssl::context& tls, log::secret url,
                          websocket_options options)
{
    auto ep = parse_endpoint(url.reveal());
    if (!ep) co_return ep.error();
    if (ep->scheme != scheme::ws && ep->scheme != scheme::wss) co_return make_error_code(errc::unsupported_scheme);
    if (auto ec = check_headers(options)) co_return ec;
    co_return co_await impl::connect(std::make_shared<impl>(std::move(executor), tls, std::move(*ep), std::move(options)));
}

asio::awaitable<boost::system::result<std::string>> websocket_client::read() { return impl::read(impl_); }

error_code websocket_client::send(std::string text)
{
    auto& self = *impl_;
    if (self.st != impl::state::open) return make_error_code(errc::not_connected);
    auto const bytes = text.size();
    if (!self.queue.try_send(error_code{}, outbound{false, 0, std::move(text)})) {
        self.log->warn("event=ws_queue_full host={} queued={}", self.ep.host, self.queued);
        return make_error_code(errc::queue_full);
    }
    ++self.queued;
    self.log->trace("event=ws_queued host={} bytes={} queued={}", self.ep.host, bytes, self.queued);
    return {};
}

asio::awaitable<error_code> websocket_client::close(std::uint16_t code, std::string reason)
{
    return impl::close(impl_, code, std::move(reason));
}

void websocket_client::cancel() noexcept
{
    if (impl_) impl_->cancel();
}

bool websocket_client::is_open() const noexcept { return impl_ && impl_->st == impl::state::open; }

std::optional<websocket_close_reason> websocket_client::peer_close() const { return impl_->peer_close; }

std::string const& websocket_client::host() const noexcept { return impl_->ep.host; }

std::size_t websocket_client::queued() const noexcept { return impl_->queued; }

} // namespace coolhead::net

#include "bot/net/http_server.hpp"

#include "bot/log/log.hpp"
#include "bot/net/detail/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <atomic>
#include <exception>
#include <list>

namespace coolhead::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Lingering close after an error response: the peer may still be sending a body we refused,
// and closing with unread data would reset the connection before it reads our answer.
constexpr std::size_t drain_limit = 1u << 20;

std::string_view path_of(std::string_view target)
{
    return target.substr(0, target.find('?'));
}

// Ends of a connection that need no log line above debug.
bool is_routine_end(error_code const& ec)
{
    return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
           ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
           ec == beast::error::timeout || ec == asio::ssl::error::stream_truncated;
}

void log_exception(log::logger_ptr const& log, char const* what, std::exception_ptr e)
{
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (std::exception const& ex) {
        log->error("event={} error=\"{}\"", what, ex.what());
    } catch (...) {
        log->error("event={} error=unknown", what);
    }
}

} // namespace

struct http_server::impl {
    // Per-connection handle for stop(): which connections are idle, and their sockets.
    struct connection_ctl {
        beast::tcp_stream* lowest = nullptr;
        bool idle = true;
    };

    impl(asio::any_io_executor ex, http_server_options o, http_handler h)
        : executor(std::move(ex)), options(std::move(o)), handler(std::move(h)), acceptor(executor),
          drained(executor), log(log::component("net"))
    {
        drained.expires_at(asio::steady_timer::time_point::max());
    }

    asio::any_io_executor executor;
    http_server_options options;
    http_handler handler;
    tcp::acceptor acceptor;
    asio::steady_timer drained; // cancelled once stopping and nothing is left
    log::logger_ptr log;
    std::atomic<std::uint16_t> bound_port{0};
    std::atomic<std::size_t> active{0};
    std::list<connection_ctl*> conns;
    bool accepting = false;
    bool stopping = false;

    void maybe_drained()
    {
        if (stopping && !accepting && conns.empty()) drained.cancel();
    }

    void begin_stop(bool abrupt)
    {
        if (!stopping) {
            stopping = true;
            error_code ignored;
            acceptor.close(ignored);
            log->info("event=http_server_stopping port={} connections={}", bound_port.load(), conns.size());
        }
        for (auto* c : conns) {
            if (abrupt || c->idle) c->lowest->close();
        }
        maybe_drained();
    }

    static asio::awaitable<void> accept_loop(std::shared_ptr<impl> self)
    {
        self->accepting = true;
        asio::steady_timer pause(self->executor);
        for (;;) {
            auto [ec, socket] = co_await self->acceptor.async_accept(use_tuple);
            if (self->stopping || ec == asio::error::operation_aborted) break;
            if (ec) {
                // E.g. out of file descriptors: pause briefly instead of spinning.
                self->log->warn("event=http_accept_failed port={} error=\"{}\"", self->bound_port.load(), ec.message());
                pause.expires_after(std::chrono::milliseconds(50));
                co_await pause.async_wait(use_tuple);
                continue;
            }
            if (self->active.load() >= self->options.max_connections) {
                self->log->warn("event=http_connection_refused reason=connection_limit limit={}",
                                self->options.max_connections);
                error_code ignored;
                socket.close(ignored);
                continue;
            }
            ++self->active;
            asio::co_spawn(self->executor, serve(self, std::move(socket)),
                           [log = self->log](std::exception_ptr e) { log_exception(log, "http_connection_failed", e); });
        }
        self->accepting = false;
        self->maybe_drained();
    }

    static asio::awaitable<void> serve(std::shared_ptr<impl> self, tcp::socket socket)
    {
        error_code ec;
        auto const remote = socket.remote_endpoint(ec).address().to_string();
        connection_ctl ctl;
        auto const it = self->conns.insert(self->conns.end(), &ctl);
        struct unregister {
            impl& self;
            std::list<connection_ctl*>::iterator it;
            ~unregister()
            {
                self.conns.erase(it);
                --self.active;
                self.maybe_drained();
            }
        } guard{*self, it};

        if (self->options.tls) {
            detail::tls_stream stream(std::move(socket), *self->options.tls);
            ctl.lowest = &beast::get_lowest_layer(stream);
            if (self->stopping) co_return;
            ctl.lowest->expires_after(self->options.handshake_timeout);
            auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
            if (hec) {
                self->log->debug("event=http_tls_handshake_failed remote={} error=\"{}\"", remote,
                                 detail::normalise(hec).message());
                co_return;
            }
            co_await session(self, stream, ctl, remote);
        } else {
            beast::tcp_stream stream(std::move(socket));
            ctl.lowest = &stream;
            if (self->stopping) co_return;
            co_await session(self, stream, ctl, remote);
        }
    }

    template <class Stream>
    static asio::awaitable<void> write_response(Stream& stream, connection_ctl& ctl, http::response<http::string_body>& res,
                                                std::chrono::milliseconds timeout, error_code& ec)
    {
        res.prepare_payload();
        ctl.lowest->expires_after(timeout);
        auto [wec, n] = co_await http::async_write(stream, res, use_tuple);
        (void)n;
        ec = wec;
    }

    // Answers a request we refuse, then reads and discards (bounded) until the peer closes.
    template <class Stream>
    static asio::awaitable<void> refuse(std::shared_ptr<impl> self, Stream& stream, connection_ctl& ctl,
                                        http::status status, unsigned version)
    {
        http::response<http::string_body> res{status, version};
        res.set(http::field::content_type, "text/plain");
        res.body() = std::string(http::obsolete_reason(status)) + "\n";
        res.keep_alive(false);
        error_code ec;
        co_await write_response(stream, ctl, res, self->options.request_timeout, ec);
        if (ec) co_return;
        error_code ignored;
        ctl.lowest->socket().shutdown(tcp::socket::shutdown_send, ignored);
        std::array<char, 16384> scratch{};
        std::size_t drained_bytes = 0;
        ctl.lowest->expires_after(self->options.request_timeout);
        while (drained_bytes < drain_limit) {
            auto [rec, n] = co_await stream.async_read_some(asio::buffer(scratch), use_tuple);
            if (rec) break;
            drained_bytes += n;
        }
    }

    template <class Stream>
    static asio::awaitable<void> session(std::shared_ptr<impl> self, Stream& stream, connection_ctl& ctl,
                                         std::string const& remote)
    {
        auto const& o = self->options;
        beast::flat_buffer buffer;
        for (;;) {
            if (buffer.size() == 0) {
                // Idle until the first byte of the next request; stop() closes us here.
                ctl.idle = true;
                if (self->stopping) break;
                ctl.lowest->expires_after(o.keep_alive_timeout);
                auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
                ctl.idle = false;
                if (ec) {
                    self->log->trace("event=http_connection_ended remote={} error=\"{}\"", remote,
                                     detail::normalise(ec).message());
                    break;
                }
                buffer.commit(n);
            }

            auto const start = std::chrono::steady_clock::now();
            http::request_parser<http::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(o.header_limit, UINT32_MAX)));
            parser.body_limit(static_cast<std::uint64_t>(o.body_limit));
            ctl.lowest->expires_after(o.request_timeout);
            auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
            (void)n;
            if (ec) {
                unsigned const version = parser.is_header_done() ? parser.get().version() : 11;
                if (ec == http::error::body_limit) {
                    self->log->info("event=http_request_refused remote={} status=413 limit={}", remote, o.body_limit);
                    co_await refuse(self, stream, ctl, http::status::payload_too_large, version);
                } else if (ec == http::error::header_limit) {
                    self->log->info("event=http_request_refused remote={} status=431 limit={}", remote, o.header_limit);
                    co_await refuse(self, stream, ctl, http::status::request_header_fields_too_large, version);
                } else if (is_routine_end(ec)) {
                    self->log->debug("event=http_request_incomplete remote={} error=\"{}\"", remote,
                                     detail::normalise(ec).message());
                } else {
                    self->log->info("event=http_bad_request remote={} status=400 error=\"{}\"", remote, ec.message());
                    co_await refuse(self, stream, ctl, http::status::bad_request, 11);
                }
                break;
            }

            auto msg = parser.release();
            bool const keep_alive = msg.keep_alive();
            http_server_request req;
            req.method = std::string(msg.method_string());
            req.target = std::string(msg.target());
            for (auto const& field : msg) {
                req.headers.push_back({std::string(field.name_string()), std::string(field.value())});
            }
            req.body = std::move(msg.body());
            req.remote_address = remote;
            auto const method = req.method;
            auto const path = std::string(path_of(req.target));

            // The handler runs with no deadline of ours on the socket.
            ctl.lowest->expires_never();
            http_server_response answer;
            try {
                answer = co_await self->handler(std::move(req));
            } catch (std::exception const& e) {
                self->log->error("event=http_handler_failed method={} path={} error=\"{}\"", method, path, e.what());
                answer = http_server_response{500, {{"Content-Type", "text/plain"}}, "internal server error\n"};
            }

            if (answer.status < 100 || answer.status > 599) {
                self->log->error("event=http_handler_bad_status method={} path={} status={}", method, path, answer.status);
                answer = http_server_response{500, {{"Content-Type", "text/plain"}}, "internal server error\n"};
            }
            http::response<http::string_body> res;
            res.version(msg.version());
            res.result(answer.status);
            for (auto const& h : answer.headers) res.insert(h.name, h.value);
            res.body() = std::move(answer.body);
            res.keep_alive(keep_alive && !self->stopping);
            error_code wec;
            co_await write_response(stream, ctl, res, o.request_timeout, wec);
            self->log->debug("event=http_request remote={} method={} path={} status={} bytes={} duration_ms={}", remote,
                             method, path, answer.status, res.body().size(), detail::elapsed_ms(start));
            if (wec) {
                self->log->debug("event=http_response_failed remote={} error=\"{}\"", remote,
                                 detail::normalise(wec).message());
                break;
            }
            if (!res.keep_alive()) break;
        }
        error_code ignored;
        ctl.lowest->socket().shutdown(tcp::socket::shutdown_both, ignored);
        ctl.lowest->close();
    }

    static asio::awaitable<void> stop(std::shared_ptr<impl> self)
    {
        self->begin_stop(false);
        if (self->conns.empty() && !self->accepting) co_return;
        co_await self->drained.async_wait(use_tuple);
    }
};

http_server::http_server(asio::any_io_executor executor, http_server_options options, http_handler handler)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(options), std::move(handler)))
{
}

http_server::~http_server()
{
    if (impl_) impl_->begin_stop(true);
}

http_server::http_server(http_server&&) noexcept = default;

error_code http_server::listen()
{
    auto& self = *impl_;
    error_code ec;
    auto const address = asio::ip::make_address(self.options.address, ec);
    if (ec) return ec;
    tcp::endpoint const ep{address, self.options.port};
    self.acceptor.open(ep.protocol(), ec);
    if (ec) return ec;
    self.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) self.acceptor.bind(ep, ec);
    if (!ec) self.acceptor.listen(tcp::socket::max_listen_connections, ec);
    if (ec) {
        error_code ignored;
        self.acceptor.close(ignored);
        return ec;
    }
    self.bound_port = self.acceptor.local_endpoint(ec).port();
    self.log->info("event=http_server_listening address={} port={} tls={}", self.options.address,
                   self.bound_port.load(), self.options.tls != nullptr);
    asio::co_spawn(self.executor, impl::accept_loop(impl_),
                   [log = self.log](std::exception_ptr e) { log_exception(log, "http_accept_loop_failed", e); });
    return {};
}

std::uint16_t http_server::port() const noexcept { return impl_->bound_port.load(); }

asio::awaitable<void> http_server::stop() { return impl::stop(impl_); }

std::size_t http_server::connections() const noexcept { return impl_->active.load(); }

} // namespace coolhead::net

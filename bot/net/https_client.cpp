#include "bot/net/https_client.hpp"

#include "bot/log/log.hpp"
#include "bot/net/detail/transport.hpp"
#include "bot/net/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <optional>

namespace coolhead::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

using request_message = http::request<http::string_body>;

http::verb to_verb(http_method m)
{
    switch (m) {
    case http_method::get: return http::verb::get;
    case http_method::head: return http::verb::head;
    case http_method::post: return http::verb::post;
    case http_method::put: return http::verb::put;
    case http_method::patch: return http::verb::patch;
    case http_method::delete_: return http::verb::delete_;
    }
    return http::verb::get;
}

bool has_control_chars(std::string_view s) noexcept
{
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

boost::system::result<std::string> resolve_target(endpoint const& base, std::string const& target)
{
    if (!target.empty() && target.front() == '/') {
        if (!boost::urls::parse_origin_form(target)) return make_error_code(errc::invalid_target);
        return target;
    }
    auto joined = join(base, target);
    if (!joined) return make_error_code(errc::invalid_target);
    return std::move(joined->target);
}

// A kept-alive connection the server has meanwhile closed fails like this, before any byte
// of the response arrives; such a request never reached the application, so one retry on a
// fresh connection is what browsers and curl do too.
bool is_stale_connection_error(error_code const& ec) noexcept
{
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
           ec == asio::ssl::error::stream_truncated;
}

error_code map_error(error_code ec) noexcept
{
    if (ec == http::error::body_limit) return make_error_code(errc::body_too_large);
    return detail::normalise(ec);
}

struct exchange_result {
    error_code ec;
    bool got_some = false; // any byte of the response arrived
    std::optional<http::response<http::string_body>> response;
};

} // namespace

struct https_client::impl {
    impl(asio::any_io_executor ex, asio::ssl::context& ctx, endpoint b, https_client_options o)
        : executor(std::move(ex)), tls(ctx), base(std::move(b)), options(std::move(o)), turn(executor, 1),
          log(log::component("net"))
    {
    }

    struct connection {
        std::optional<beast::tcp_stream> plain;
        std::optional<detail::tls_stream> secure;
        beast::flat_buffer buffer;
        unsigned requests = 0;

        beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
    };

    // Holding the single slot of this channel is holding the connection: an asynchronous
    // mutex whose waiters queue in order and can be cancelled.
    struct turn_guard {
        impl& self;
        explicit turn_guard(impl& s) : self(s) { self.busy = true; }
        ~turn_guard()
        {
            self.busy = false;
            self.turn.try_receive([](error_code) {});
        }
        turn_guard(turn_guard const&) = delete;
        turn_guard& operator=(turn_guard const&) = delete;
    };

    asio::any_io_executor executor;
    asio::ssl::context& tls;
    endpoint base;
    https_client_options options;
    asio::experimental::channel<void(error_code)> turn;
    std::unique_ptr<connection> conn;
    bool busy = false;
    std::size_t opened = 0;
    log::logger_ptr log;

    void drop_connection() noexcept
    {
        if (!conn) return;
        error_code ignored;
        conn->lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        conn->lowest().close();
        conn.reset();
    }

    void close() noexcept
    {
        if (!conn) return;
        if (busy) {
            // The running request owns the connection object: only close the socket, and let
            // that request fail and drop it.
            conn->lowest().close();
        } else {
            drop_connection();
        }
    }

    static asio::awaitable<error_code> connect(std::shared_ptr<impl> self)
    {
        self->conn = std::make_unique<connection>();
        auto& c = *self->conn;
        if (self->base.tls()) {
            c.secure.emplace(self->executor, self->tls);
        } else {
            c.plain.emplace(self->executor);
        }
        ++self->opened;
        auto const start = std::chrono::steady_clock::now();
        if (auto ec = co_await detail::connect_tcp(c.lowest(), self->base, self->options.connect_timeout)) {
            co_return ec;
        }
        if (c.secure) {
            if (auto ec = co_await detail::handshake_tls(*c.secure, self->base.host, self->options.handshake_timeout)) {
                co_return ec;
            }
        }
        self->log->debug("event=http_connected host={} port={} tls={} duration_ms={}", self->base.host,
                         self->base.port, self->base.tls(), detail::elapsed_ms(start));
        co_return error_code{};
    }

    template <class Stream>
    static asio::awaitable<exchange_result> exchange(Stream& stream, connection& c, request_message const& msg,
                                                     https_client_options const& o)
    {
        exchange_result out;
        // A fresh deadline for each step: a deadline left over from an earlier step would cut
        // this one short (Smertig/banana#19).
        c.lowest().expires_after(o.request_timeout);
        auto [wec, written] = co_await http::async_write(stream, msg, use_tuple);
        (void)written;
        if (wec) {
            out.ec = wec;
            co_return out;
        }
        http::response_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(o.response_header_limit, UINT32_MAX)));
        parser.body_limit(static_cast<std::uint64_t>(o.response_body_limit));
        if (msg.method() == http::verb::head) parser.skip(true);
        c.lowest().expires_after(o.request_timeout);
        auto [rec, read] = co_await http::async_read(stream, c.buffer, parser, use_tuple);
        (void)read;
        out.got_some = parser.got_some();
        c.lowest().expires_never();
        if (rec) {
            out.ec = rec;
            co_return out;
        }
        out.response.emplace(parser.release());
        co_return out;
    }

    static asio::awaitable<boost::system::result<http_response>> run(std::shared_ptr<impl> self, http_request req)
    {
        if (self->base.scheme != scheme::http && self->base.scheme != scheme::https) {
            co_return make_error_code(errc::unsupported_scheme);
        }
        for (auto const& h : req.headers) {
            if (iequals(h.name, "authorization")) co_return make_error_code(errc::secret_in_plain_header);
            if (h.name.empty() || has_control_chars(h.name) || has_control_chars(h.value)) {
                co_return make_error_code(errc::invalid_header);
            }
        }
        if (req.authorization && has_control_chars(req.authorization->reveal())) {
            co_return make_error_code(errc::invalid_header);
        }
        auto target = resolve_target(self->base, req.target);
        if (!target) co_return target.error();

        request_message msg{to_verb(req.method), *target, 11};
        msg.set(http::field::host, self->base.host_header());
        msg.set(http::field::user_agent, self->options.user_agent);
        for (auto const& h : req.headers) msg.insert(h.name, h.value);
        if (req.authorization) msg.set(http::field::authorization, req.authorization->reveal());
        msg.body() = std::move(req.body);
        msg.keep_alive(true);
        msg.prepare_payload();

        // Wait for our turn: one request at a time on the connection.
        auto [turn_ec] = co_await self->turn.async_send(error_code{}, use_tuple);
        if (turn_ec) co_return error_code(asio::error::operation_aborted);
        turn_guard guard{*self};

        auto const start = std::chrono::steady_clock::now();
        auto const method = std::string(http::to_string(msg.method()));
        for (int attempt = 0;; ++attempt) {
            bool const reused = self->conn && self->conn->requests > 0;
            if (!self->conn) {
                if (auto ec = co_await connect(self)) {
                    self->drop_connection();
                    self->log->debug("event=http_connect_failed host={} error=\"{}\" duration_ms={}", self->base.host,
                                     ec.message(), detail::elapsed_ms(start));
                    co_return ec;
                }
            }
            auto& c = *self->conn;
            exchange_result out;
            if (c.secure) {
                out = co_await exchange(*c.secure, c, msg, self->options);
            } else {
                out = co_await exchange(*c.plain, c, msg, self->options);
            }
            if (!out.ec) {
                ++c.requests;
                auto& res = *out.response;
                http_response result;
                result.status = res.result_int();
                for (auto const& field : res) {
                    result.headers.push_back({std::string(field.name_string()), std::string(field.value())});
                }
                result.body = std::move(res.body());
                if (!res.keep_alive()) self->drop_connection();
                self->log->debug("event=http_request host={} method={} status={} bytes={} reused={} duration_ms={}",
                                 self->base.host, method, result.status, result.body.size(), reused,
                                 detail::elapsed_ms(start));
                co_return result;
            }
            self->drop_connection();
            if (reused && attempt == 0 && !out.got_some && is_stale_connection_error(out.ec)) {
                self->log->debug("event=http_stale_connection host={} error=\"{}\"", self->base.host,
                                 out.ec.message());
                continue;
            }
            auto const ec = map_error(out.ec);
            self->log->debug("event=http_request_failed host={} method={} error=\"{}\" duration_ms={}",
                             self->base.host, method, ec.message(), detail::elapsed_ms(start));
            co_return ec;
        }
    }
};

https_client::https_client(asio::any_io_executor executor, asio::ssl::context& tls, endpoint base,
                           https_client_options options)
    : impl_(std::make_shared<impl>(std::move(executor), tls, std::move(base), std::move(options)))
{
}

https_client::~https_client()
{
    if (impl_) impl_->close();
}

https_client::https_client(https_client&&) noexcept = default;

https_client& https_client::operator=(https_client&& other) noexcept
{
    if (this != &other) {
        if (impl_) impl_->close();
        impl_ = std::move(other.impl_);
    }
    return *this;
}

asio::awaitable<boost::system::result<http_response>> https_client::request(http_request request)
{
    return impl::run(impl_, std::move(request));
}

void https_client::close() noexcept
{
    if (impl_) impl_->close();
}

endpoint const& https_client::base() const noexcept { return impl_->base; }

std::size_t https_client::connections_opened() const noexcept { return impl_->opened; }

} // namespace coolhead::net

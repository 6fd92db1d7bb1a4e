#include "tests/support/raw_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <array>

namespace coolhead::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

struct raw_connection::impl {
    explicit impl(asio::any_io_executor ex) : stream(std::move(ex)) {}
    beast::tcp_stream stream;
};

raw_connection::raw_connection(asio::any_io_executor executor) : impl_(std::make_unique<impl>(std::move(executor))) {}
raw_connection::~raw_connection() = default;
raw_connection::raw_connection(raw_connection&&) noexcept = default;
raw_connection& raw_connection::operator=(raw_connection&&) noexcept = default;

asio::awaitable<error_code> raw_connection::connect(std::uint16_t port)
{
    impl_->stream.expires_after(std::chrono::seconds(5));
    auto [ec] = co_await impl_->stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), use_tuple);
    impl_->stream.expires_never();
    co_return ec;
}

asio::awaitable<error_code> raw_connection::write(std::string bytes)
{
    impl_->stream.expires_after(std::chrono::seconds(5));
    auto [ec, n] = co_await asio::async_write(impl_->stream, asio::buffer(bytes), use_tuple);
    (void)n;
    impl_->stream.expires_never();
    co_return ec;
}

asio::awaitable<raw_read> raw_connection::read_until(std::string needle, std::chrono::milliseconds timeout)
{
    raw_read out;
    std::array<char, 8192> buf{};
    impl_->stream.expires_after(timeout);
    for (;;) {
        if (!needle.empty() && out.data.find(needle) != std::string::npos) break;
        auto [ec, n] = co_await impl_->stream.async_read_some(asio::buffer(buf), use_tuple);
        out.data.append(buf.data(), n);
        if (ec) {
            out.peer_closed = ec != beast::error::timeout;
            break;
        }
    }
    impl_->stream.expires_never();
    co_return out;
}

asio::awaitable<raw_read> raw_connection::read_until_closed(std::chrono::milliseconds timeout)
{
    return read_until(std::string{}, timeout);
}

void raw_connection::close() noexcept { impl_->stream.close(); }

struct full_listener::impl {
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    tcp::socket queued{ioc};
};

full_listener::full_listener() : impl_(std::make_unique<impl>())
{
    tcp::endpoint const ep{asio::ip::make_address("127.0.0.1"), 0};
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen(0);
    // Fills the queue: the kernel completes this handshake, and nobody ever accepts it.
    impl_->queued.connect(impl_->acceptor.local_endpoint());
}

full_listener::~full_listener() = default;

std::uint16_t full_listener::port() const noexcept { return impl_->acceptor.local_endpoint().port(); }

asio::awaitable<raw_read> raw_exchange(std::uint16_t port, std::string bytes, std::chrono::milliseconds timeout)
{
    raw_connection c(co_await asio::this_coro::executor);
    if (auto ec = co_await c.connect(port)) co_return raw_read{{}, true};
    co_await c.write(std::move(bytes));
    co_return co_await c.read_until_closed(timeout);
}

} // namespace coolhead::test

#include "tests/support/wait.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coolhead::test {
namespace asio = boost::asio;

bool wait_until(std::function<bool()> const& done, std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (done()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return done();
        std::this_thread::sleep_for(1ms);
    }
}

asio::awaitable<bool> eventually(std::function<bool()> done, std::chrono::milliseconds timeout)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (done()) co_return true;
        if (std::chrono::steady_clock::now() >= deadline) co_return done();
        timer.expires_after(1ms);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

asio::awaitable<void> pause(std::chrono::milliseconds d)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(d);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

namespace detail {

void run_until(asio::io_context& ioc, bool const& done, std::chrono::milliseconds timeout)
{
    ioc.restart();
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (!done) {
        if (ioc.run_one_until(deadline) == 0) {
            if (done) break;
            if (std::chrono::steady_clock::now() >= deadline) throw std::runtime_error("test task timed out");
            if (ioc.stopped()) throw std::runtime_error("test task ran out of work without finishing");
        }
    }
}

} // namespace detail

void run(asio::io_context& ioc, asio::awaitable<void> task, std::chrono::milliseconds timeout)
{
    std::exception_ptr error;
    bool done = false;
    asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e) {
        error = e;
        done = true;
    });
    detail::run_until(ioc, done, timeout);
    if (error) std::rethrow_exception(error);
}

io_thread::io_thread() : work_(ioc_.get_executor()), thread_([this] { ioc_.run(); }) {}

io_thread::~io_thread() { stop(); }

void io_thread::stop()
{
    if (!thread_.joinable()) return;
    work_.reset();
    ioc_.stop();
    thread_.join();
}

} // namespace coolhead::test

#pragma once
/// Bounded waiting for tests: nothing here sleeps to decide a result. Polls stop at a deadline,
/// coroutines driven on the test thread stop at a deadline, and an io_context on its own thread
/// is stopped and joined on destruction.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace coolhead::test {

using namespace std::chrono_literals;

/// Polls `done` (every millisecond) until it is true or `timeout` has passed; returns its last
/// value. For state another thread changes. Any thread.
bool wait_until(std::function<bool()> const& done, std::chrono::milliseconds timeout = 5s);

/// The same inside a coroutine: polls with a 1 ms timer on the current executor, so other work
/// on this io_context keeps running. Returns false on timeout.
boost::asio::awaitable<bool> eventually(std::function<bool()> done, std::chrono::milliseconds timeout = 5s);

/// Suspends the coroutine for `d` (lets other tasks on this io_context run). Not a way to
/// decide a result; use `eventually` for that.
boost::asio::awaitable<void> pause(std::chrono::milliseconds d);

namespace detail {
/// Runs `ioc` on the calling thread until `done` or the deadline; throws std::runtime_error on
/// timeout or if the io_context runs out of work first.
void run_until(boost::asio::io_context& ioc, bool const& done, std::chrono::milliseconds timeout);
} // namespace detail

/// Runs `task` on `ioc` on the calling thread until it completes or `timeout` passes (then
/// throws). Exceptions from the task are rethrown. Keep the objects a task uses inside the task,
/// or declare them before `ioc`, so nothing dangles if the task is abandoned.
template <class T>
T run(boost::asio::io_context& ioc, boost::asio::awaitable<T> task, std::chrono::milliseconds timeout = 10s)
{
    std::optional<T> out;
    std::exception_ptr error;
    bool done = false;
    boost::asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T value) {
        error = e;
        if (!e) out.emplace(std::move(value));
        done = true;
    });
    detail::run_until(ioc, done, timeout);
    if (error) std::rethrow_exception(error);
    return std::move(*out);
}

void run(boost::asio::io_context& ioc, boost::asio::awaitable<void> task, std::chrono::milliseconds timeout = 10s);

/// An io_context running on its own thread until destruction (or stop()).
class io_thread {
public:
    io_thread();
    ~io_thread();
    io_thread(io_thread const&) = delete;
    io_thread& operator=(io_thread const&) = delete;

    boost::asio::io_context& context() noexcept { return ioc_; }
    boost::asio::any_io_executor executor() { return ioc_.get_executor(); }

    /// Runs `f` on the thread and returns its result; throws if it takes longer than 10 s.
    template <class F>
    auto call(F f) -> decltype(f())
    {
        using R = decltype(f());
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
        auto result = task->get_future();
        boost::asio::post(ioc_, [task] { (*task)(); });
        if (result.wait_for(10s) != std::future_status::ready) throw std::runtime_error("io_thread::call timed out");
        return result.get();
    }

    /// Stops the io_context (pending handlers are destroyed with it later) and joins. Idempotent.
    void stop();

private:
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::thread thread_;
};

/// A thread-safe append-only log of values, for handlers on a server thread to report to the
/// test thread.
template <class T>
class recorder {
public:
    void push(T v)
    {
        std::lock_guard lock(mutex_);
        items_.push_back(std::move(v));
    }
    std::vector<T> snapshot() const
    {
        std::lock_guard lock(mutex_);
        return items_;
    }
    std::size_t size() const
    {
        std::lock_guard lock(mutex_);
        return items_.size();
    }
    /// Waits (bounded) until at least `n` values arrived.
    bool wait_for_size(std::size_t n, std::chrono::milliseconds timeout = 5s) const
    {
        return wait_until([&] { return size() >= n; }, timeout);
    }

private:
    mutable std::mutex mutex_;
    std::vector<T> items_;
};

} // namespace coolhead::test

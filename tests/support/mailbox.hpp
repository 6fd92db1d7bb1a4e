#pragma once
/// A thread-safe queue from the test thread to a coroutine on another executor (typically a
/// test server's websocket session): the test pushes "send this envelope now", the session
/// script awaits the next item. Every wait is bounded.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

namespace coolhead::test {

template <class T>
class mailbox {
public:
    /// `executor` is where pop() runs (e.g. test_server::executor()).
    explicit mailbox(boost::asio::any_io_executor executor)
        : state_(std::make_shared<state>(std::move(executor)))
    {
    }

    /// Any thread.
    void push(T value)
    {
        {
            std::lock_guard lock(state_->mutex);
            state_->items.push_back(std::move(value));
        }
        // Wake a waiting pop() on its own executor (the timer is only touched there).
        boost::asio::post(state_->executor, [s = state_] { s->wake.cancel(); });
    }

    /// On the mailbox's executor: the next item, or nullopt after `timeout`.
    boost::asio::awaitable<std::optional<T>> pop(std::chrono::milliseconds timeout = std::chrono::seconds(10))
    {
        auto s = state_;
        auto const deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            {
                std::lock_guard lock(s->mutex);
                if (!s->items.empty()) {
                    T v = std::move(s->items.front());
                    s->items.pop_front();
                    co_return v;
                }
            }
            if (std::chrono::steady_clock::now() >= deadline) co_return std::nullopt;
            s->wake.expires_at(deadline);
            co_await s->wake.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        }
    }

private:
    struct state {
        explicit state(boost::asio::any_io_executor ex) : executor(ex), wake(std::move(ex)) {}
        boost::asio::any_io_executor executor;
        boost::asio::steady_timer wake;
        std::mutex mutex;
        std::deque<T> items;
    };
    std::shared_ptr<state> state_;
};

} // namespace coolhead::test

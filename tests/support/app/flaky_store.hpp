#pragma once
/// Shared by the adapter integration tests (Slack, Mattermost): the event_store the app sees —
/// the real store, with commits that can be made to fail or to wait, and a record of when each
/// commit was handed back — and an spdlog sink that keeps every line for the test to read.
/// Header-only; needs coolhead_store_api, coolhead_log and Asio.

#include "bot/log/log.hpp"
#include "bot/store/event_store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/sinks/base_sink.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace coolhead::test {

/// One commit as the store decorator saw it.
struct commit_seen {
    std::string delivery_id;
    bool committed = false; ///< committed (not failed, refused or duplicate)
    bool failed = false;    ///< made to fail by fail_next
    std::chrono::steady_clock::time_point done_at{}; ///< when the decorator handed the result back
};

class flaky_store final : public store::event_store {
  public:
    explicit flaky_store(store::event_store& inner) : inner_(inner) {}

    std::atomic<int> fail_next{0};  ///< this many next commits fail ("the disk is full")
    std::atomic<int> delay_next{0}; ///< this many next commits wait delay_ms first
    std::atomic<std::int64_t> delay_ms{0};

    std::vector<commit_seen> seen() const
    {
        std::lock_guard lock(mutex_);
        return seen_;
    }

    boost::asio::awaitable<boost::system::result<std::optional<commands::outbound>>> find_reply(std::string id) override
    {
        co_return co_await inner_.find_reply(std::move(id));
    }
    boost::asio::awaitable<boost::system::result<std::vector<commands::event>>> load(std::uint64_t n,
                                                                                    std::uint64_t after) override
    {
        co_return co_await inner_.load(n, after);
    }
    boost::asio::awaitable<boost::system::result<std::optional<store::incident_row>>> latest_in(std::string ch) override
    {
        co_return co_await inner_.latest_in(std::move(ch));
    }
    boost::asio::awaitable<boost::system::result<std::vector<store::incident_row>>> incidents(bool open_only) override
    {
        co_return co_await inner_.incidents(open_only);
    }
    boost::asio::awaitable<boost::system::result<std::uint64_t>> next_number() override
    {
        co_return co_await inner_.next_number();
    }
    boost::asio::awaitable<store::commit_result> commit(store::commit_request r) override
    {
        namespace asio = boost::asio;
        auto delivery = r.delivery_id;
        if (take(delay_next)) {
            asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds{delay_ms.load()});
            co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        store::commit_result out;
        bool const failed = take(fail_next);
        if (failed) {
            out.status = store::commit_status::failed;
            out.error = "the test's disk is full";
        } else {
            out = co_await inner_.commit(std::move(r));
        }
        commit_seen s;
        s.delivery_id = delivery;
        s.committed = out.status == store::commit_status::committed;
        s.failed = failed;
        s.done_at = std::chrono::steady_clock::now();
        {
            std::lock_guard lock(mutex_);
            seen_.push_back(std::move(s));
        }
        co_return out;
    }

  private:
    static bool take(std::atomic<int>& n)
    {
        int v = n.load();
        while (v > 0)
            if (n.compare_exchange_weak(v, v - 1)) return true;
        return false;
    }

    store::event_store& inner_;
    mutable std::mutex mutex_;
    std::vector<commit_seen> seen_;
};

/// spdlog sink that keeps every formatted line; readable from any thread.
class capture_sink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    std::string text()
    {
        std::lock_guard lock(mutex_);
        return text_;
    }

  protected:
    void sink_it_(spdlog::details::log_msg const& msg) override
    {
        spdlog::memory_buf_t buf;
        formatter_->format(msg, buf);
        text_.append(buf.data(), buf.size());
    }
    void flush_() override {}

  private:
    std::string text_;
};

/// Routes every logger to a fresh capture_sink at `level`.
inline std::shared_ptr<capture_sink> install_capture_sink(std::string const& level)
{
    auto sink = std::make_shared<capture_sink>();
    log::options lo;
    lo.level = level;
    lo.sink = sink;
    if (!log::setup(lo)) throw std::runtime_error("bad log level");
    return sink;
}

} // namespace coolhead::test

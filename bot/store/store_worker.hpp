#pragma once
/// Gives the sqlite_store a thread of its own and an asynchronous face for coroutines (Boost
/// 1.81 `awaitable`/`use_awaitable`). Commits that arrive while a transaction runs are grouped
/// into the next one (group commit: many commands, one fsync), and every caller resumes on its
/// own executor with its own result. STYLE.md 5.7 and 5.8.

#include "bot/store/record.hpp"
#include "bot/store/sqlite/sqlite_store.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace coolhead::store {

/// Owns a sqlite_store on one dedicated thread (a one-thread asio::thread_pool). Every member
/// may be called from any thread except that store thread. Operations are not cancellable:
/// once submitted, a commit runs to the end even if its caller is cancelled or gone, which is
/// harmless because its delivery id is stored with it (STYLE.md 5.7). Results are posted to
/// the callers' executors, so stop the worker before destroying the contexts of its callers.
class store_worker {
  public:
    /// At most this many appends share one transaction; the rest wait for the next.
    static constexpr std::size_t max_batch = 256;

    /// Takes the open store and starts the store thread.
    explicit store_worker(sqlite_store store);
    store_worker(store_worker const&) = delete;
    store_worker& operator=(store_worker const&) = delete;
    /// stop(): drains what was submitted, then closes the store.
    ~store_worker();

    /// Commits one append in the next transaction, together with every other append waiting
    /// then (group commit), each in its own savepoint. Resumes the caller on its own executor
    /// once the transaction is durable (or refused). After stop(): `failed`, nothing written.
    boost::asio::awaitable<commit_result> commit(append a);

    /// Runs `f(sqlite_store&)` on the store thread, between transactions, and resumes the caller
    /// on its own executor with the result. The result type must be constructible from an
    /// error_code (e.g. boost::system::result<T>): after stop(), f is not called and the result
    /// is errc::shut_down. f must not throw (an exception there terminates the process).
    template <typename F>
    auto run(F f) -> boost::asio::awaitable<std::invoke_result_t<F&, sqlite_store&>>;

    /// sqlite_store::find_delivery on the store thread.
    boost::asio::awaitable<boost::system::result<std::optional<delivery>>> find_delivery(std::string id)
    {
        return run([id = std::move(id)](sqlite_store& s) { return s.find_delivery(id); });
    }
    /// sqlite_store::load on the store thread.
    boost::asio::awaitable<boost::system::result<std::vector<record>>> load(std::uint64_t incident,
                                                                            std::uint64_t after_seq = 0)
    {
        return run([incident, after_seq](sqlite_store& s) { return s.load(incident, after_seq); });
    }
    /// sqlite_store::incident_for_channel on the store thread.
    boost::asio::awaitable<boost::system::result<std::optional<incident_row>>>
    incident_for_channel(std::string channel, bool open_only)
    {
        return run([channel = std::move(channel), open_only](sqlite_store& s) {
            return s.incident_for_channel(channel, open_only);
        });
    }
    /// sqlite_store::incidents on the store thread.
    boost::asio::awaitable<boost::system::result<std::vector<incident_row>>> incidents(bool open_only)
    {
        return run([open_only](sqlite_store& s) { return s.incidents(open_only); });
    }
    /// sqlite_store::incident on the store thread.
    boost::asio::awaitable<boost::system::result<std::optional<incident_row>>> incident(std::uint64_t number)
    {
        return run([number](sqlite_store& s) { return s.incident(number); });
    }
    /// sqlite_store::next_incident_number on the store thread.
    boost::asio::awaitable<boost::system::result<std::uint64_t>> next_incident_number()
    {
        return run([](sqlite_store& s) { return s.next_incident_number(); });
    }

    /// Transactions committed so far; fewer than commits means batching happened. Any thread.
    std::uint64_t transactions() const noexcept { return transactions_.load(std::memory_order_relaxed); }

    /// Commits submitted and not yet taken into a transaction. Any thread.
    std::size_t queued() const;

    /// Refuses new work, runs everything already submitted (posting results to their callers'
    /// executors), then closes the store. Blocks until then. Idempotent: a later or concurrent
    /// second call returns at once. Never call it from the store thread (inside f of run()).
    void stop();

  private:
    struct pending {
        append request;
        boost::asio::any_completion_handler<void(commit_result)> handler;
        boost::asio::any_io_executor work; // the caller's executor, tracked so it does not run dry
    };
    using job = boost::asio::any_completion_handler<void(bool stopped)>;

    void submit(pending p);
    void post_job(job j);
    void drain();
    static void complete(pending p, commit_result r);

    boost::asio::thread_pool pool_{1};
    std::optional<sqlite_store> store_;
    mutable std::mutex mutex_;
    std::deque<pending> queue_;    // guarded by mutex_
    bool drain_scheduled_ = false; // guarded by mutex_
    bool stopped_ = false;         // guarded by mutex_
    std::atomic<std::uint64_t> transactions_{0};
};

template <typename F>
auto store_worker::run(F f) -> boost::asio::awaitable<std::invoke_result_t<F&, sqlite_store&>>
{
    using result_type = std::invoke_result_t<F&, sqlite_store&>;
    static_assert(std::is_constructible_v<result_type, boost::system::error_code>,
                  "store_worker::run: the result must be constructible from an error_code");
    return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(result_type)>(
        [this](auto handler, F fn) {
            auto work = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                            boost::asio::execution::outstanding_work.tracked);
            post_job([this, fn = std::move(fn), handler = std::move(handler),
                      work = std::move(work)](bool stopped) mutable {
                auto r = stopped ? result_type(make_error_code(errc::shut_down)) : result_type(fn(*store_));
                boost::asio::post(work, [handler = std::move(handler), r = std::move(r)]() mutable {
                    std::move(handler)(std::move(r));
                });
            });
        },
        boost::asio::use_awaitable, std::move(f));
}

} // namespace coolhead::store

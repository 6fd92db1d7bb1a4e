#include "bot/store/store_worker.hpp"

#include "bot/log/log.hpp"

#include <algorithm>
#include <iterator>

namespace coolhead::store {

namespace asio = boost::asio;

store_worker::store_worker(sqlite_store store) : store_(std::move(store)) {}

store_worker::~store_worker()
{
    stop();
}

asio::awaitable<commit_result> store_worker::commit(append a)
{
    return asio::async_initiate<decltype(asio::use_awaitable), void(commit_result)>(
        [this](auto handler, append request) {
            // Track work on the caller's executor until its result is posted back, so its
            // io_context does not run out of work while the store thread is busy.
            auto work = asio::prefer(asio::get_associated_executor(handler),
                                     asio::execution::outstanding_work.tracked);
            submit(pending{std::move(request), std::move(handler), std::move(work)});
        },
        asio::use_awaitable, std::move(a));
}

void store_worker::submit(pending p)
{
    std::unique_lock lock(mutex_);
    if (stopped_) {
        lock.unlock();
        complete(std::move(p), {commit_status::failed, {}, "the store has shut down"});
        return;
    }
    queue_.push_back(std::move(p));
    // One drain at a time: what arrives while a transaction runs waits for the next drain,
    // which takes it all at once. That is the group commit.
    if (!drain_scheduled_) {
        drain_scheduled_ = true;
        asio::post(pool_, [this] { drain(); });
    }
}

void store_worker::post_job(job j)
{
    std::unique_lock lock(mutex_);
    if (stopped_) {
        lock.unlock();
        std::move(j)(true);
        return;
    }
    // Posted under the lock, so stop() cannot join the pool between the check and the post.
    asio::post(pool_, [j = std::move(j)]() mutable { std::move(j)(false); });
}

void store_worker::drain()
{
    std::vector<pending> batch;
    {
        std::lock_guard lock(mutex_);
        auto n = std::min(queue_.size(), max_batch);
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        // More than one batch waiting: queue another drain behind any reads posted meanwhile,
        // so a stream of commits cannot starve them.
        if (queue_.empty()) {
            drain_scheduled_ = false;
        } else {
            asio::post(pool_, [this] { drain(); });
        }
    }
    if (batch.empty()) return;

    std::vector<append> appends;
    appends.reserve(batch.size());
    for (auto& p : batch)
        appends.push_back(std::move(p.request));
    auto results = store_->commit(appends);
    transactions_.store(store_->transactions(), std::memory_order_relaxed);
    for (std::size_t i = 0; i < batch.size(); ++i)
        complete(std::move(batch[i]), std::move(results[i]));
}

void store_worker::complete(pending p, commit_result r)
{
    asio::post(p.work, [handler = std::move(p.handler), r = std::move(r)]() mutable {
        std::move(handler)(std::move(r));
    });
}

std::size_t store_worker::queued() const
{
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void store_worker::stop()
{
    {
        std::lock_guard lock(mutex_);
        if (stopped_) return;
        stopped_ = true;
    }
    // Without a prior pool_.stop(), join() waits until every posted drain and job has run.
    pool_.join();
    if (store_) {
        log::component("store")->info("event=store_closed path=\"{}\" transactions={}", store_->path(),
                                      store_->transactions());
        store_.reset();
    }
}

} // namespace coolhead::store

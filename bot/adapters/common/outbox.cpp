#include "bot/adapters/common/outbox.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace coolhead::adapters {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

struct outbox::lane {
    std::deque<outgoing> queue;
    bool running = false;
    double tokens = 0;
    steady::time_point refilled = steady::now();
    std::size_t in_flight = 0;
};

namespace {

asio::awaitable<void> pause(milliseconds d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

} // namespace

outbox::outbox(asio::any_io_executor ex, sender send, outbox_options options, log::logger_ptr log)
    : ex_(std::move(ex)), send_(std::move(send)), options_(options), log_(std::move(log))
{
    if (options_.burst == 0) options_.burst = 1;
    if (options_.capacity == 0) options_.capacity = 1;
}

outbox::~outbox() { *alive_ = false; }

std::size_t outbox::pending() const noexcept
{
    std::size_t n = 0;
    for (auto const& [ch, l] : lanes_) n += l->queue.size() + l->in_flight;
    return n;
}

bool outbox::push(std::string const& channel, outgoing msg)
{
    if (stopping_) {
        log_->warn("event=outbox_refused channel={} reason=stopping", channel);
        return false;
    }
    auto& l = lanes_[channel];
    if (!l) {
        l = std::make_shared<lane>();
        l->tokens = static_cast<double>(options_.burst);
    }
    if (l->queue.size() >= options_.capacity) {
        log_->error("event=outbox_full channel={} capacity={} reason=\"message dropped\"", channel, options_.capacity);
        return false;
    }
    l->queue.push_back(std::move(msg));
    if (!l->running) {
        l->running = true;
        asio::co_spawn(ex_, run_lane(channel, l), asio::detached);
    }
    return true;
}

asio::awaitable<void> outbox::run_lane(std::string channel, std::shared_ptr<lane> l)
{
    auto alive = alive_;
    auto interval = std::max(options_.interval, milliseconds{1});
    while (*alive && !l->queue.empty()) {
        // Token bucket: refill for the time that passed, then wait for a whole token.
        auto now = steady::now();
        auto elapsed = std::chrono::duration<double, std::milli>(now - l->refilled).count();
        l->tokens = std::min(static_cast<double>(options_.burst), l->tokens + elapsed / static_cast<double>(interval.count()));
        l->refilled = now;
        if (l->tokens < 1.0) {
            co_await pause(milliseconds{static_cast<milliseconds::rep>((1.0 - l->tokens) * static_cast<double>(interval.count())) + 1});
            if (!*alive) co_return;
            continue;
        }
        l->tokens -= 1.0;

        auto msg = std::move(l->queue.front());
        l->queue.pop_front();
        ++l->in_flight;
        std::size_t attempt = 0;
        milliseconds backoff{250};
        for (;;) {
            ++attempt;
            auto r = co_await send_(channel, msg);
            if (!*alive) co_return;
            if (r.what == send_outcome::kind::sent) break;
            if (r.what == send_outcome::kind::failed) {
                log_->error("event=outbox_dropped channel={} target={} reason=failed", channel, msg.target);
                break;
            }
            if (attempt >= options_.max_attempts) {
                log_->error("event=outbox_dropped channel={} target={} reason=\"gave up after {} attempts\"", channel, msg.target, attempt);
                break;
            }
            auto wait = r.what == send_outcome::kind::retry_after ? r.wait : backoff;
            wait = std::clamp(wait, milliseconds{0}, options_.max_wait);
            backoff = std::min(backoff * 2, options_.max_wait);
            log_->warn("event=outbox_retry channel={} target={} attempt={} wait_ms={}", channel, msg.target, attempt, wait.count());
            co_await pause(wait);
            if (!*alive) co_return;
        }
        --l->in_flight;
    }
    l->running = false;
}

asio::awaitable<void> outbox::drain(milliseconds timeout)
{
    stopping_ = true;
    auto deadline = steady::now() + timeout;
    while (pending() > 0 && steady::now() < deadline) co_await pause(milliseconds{10});
    if (auto left = pending(); left > 0) log_->warn("event=outbox_drain_incomplete dropped={}", left);
    for (auto& [ch, l] : lanes_) l->queue.clear();
}

} // namespace coolhead::adapters

#include "bot/app/reminder_scheduler.hpp"

#include "commands/reminders.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coolhead::app {

namespace asio = boost::asio;
using namespace commands;

reminder_scheduler::reminder_scheduler(asio::any_io_executor ex, store::event_store& store, incident_cache& cache,
                                       commands::policy const& policy, clock const& clk, deliver_fn deliver, user_ref bot,
                                       log::logger_ptr log)
    : ex_(ex), store_(store), cache_(cache), policy_(policy), clock_(clk), deliver_(std::move(deliver)), bot_(std::move(bot)),
      log_(std::move(log)), timer_(ex)
{
}

void reminder_scheduler::start()
{
    if (clock_.simulated() || running_) return;
    running_ = true;
    asio::co_spawn(ex_, loop(), [log = log_](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (std::exception const& ex) {
            log->error("event=reminder_loop_failed error=\"{}\"", ex.what());
        }
    });
}

void reminder_scheduler::poke() { timer_.cancel(); }

void reminder_scheduler::stop()
{
    stopped_ = true;
    timer_.cancel();
}

asio::awaitable<std::optional<timestamp>> reminder_scheduler::next_due()
{
    auto all = co_await cache_.overview();
    if (!all) co_return std::nullopt;
    std::optional<timestamp> best;
    auto now = clock_.now();
    for (auto const* s : *all)
        if (auto due = commands::next_due(*s, now, policy_); due && (!best || *due < *best)) best = due;
    co_return best;
}

asio::awaitable<std::size_t> reminder_scheduler::fire_due()
{
    std::size_t posted = 0;
    auto all = co_await cache_.overview();
    if (!all) {
        log_->warn("event=reminders_skipped error=\"{}\"", all.error().message());
        co_return 0;
    }
    std::vector<std::uint64_t> numbers;
    for (auto const* s : *all) numbers.push_back(s->number);
    for (auto number : numbers) {
        // Several reminders of one incident may be due at once; each commit moves its seq on.
        for (int guard = 0; guard < 16; ++guard) {
            auto s = co_await cache_.get(number);
            if (!s || !*s) break;
            auto now = clock_.now();
            std::optional<decision> d;
            for (auto const& r : pending_reminders(**s, now, policy_)) {
                if (r.due > now) continue;
                d = fire_reminder(**s, r, now, policy_, bot_);
                if (d) break;
            }
            if (!d) break;
            store::commit_request req;
            req.received = now;
            req.incident = number;
            req.expected_seq = (*s)->seq;
            req.events = d->events;
            auto expected = req.expected_seq;
            auto res = co_await store_.commit(std::move(req));
            if (res.status == store::commit_status::conflict) continue; // another writer: reload, re-check
            if (res.status != store::commit_status::committed) {
                log_->error("event=reminder_not_recorded incident={} error=\"{}\"", incident_label(number), res.error);
                break;
            }
            cache_.committed(number, expected, d->events);
            for (auto& e : d->effects) deliver_(std::move(e));
            ++posted;
            auto const* sent = std::get_if<reminder_sent>(&d->events.front().what);
            log_->info("event=reminder_posted incident={} kind={}", incident_label(number), sent ? reminder_name(sent->kind) : "?");
        }
    }
    co_return posted;
}

asio::awaitable<void> reminder_scheduler::loop()
{
    while (!stopped_) {
        co_await fire_due();
        if (stopped_) break;
        auto due = co_await next_due();
        // Look again at least hourly, so a changed system clock can't leave a timer far off.
        auto wait = std::chrono::milliseconds{std::chrono::hours{1}};
        if (due) wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*due - clock_.now()),
                                   std::chrono::milliseconds{0}, wait);
        timer_.expires_after(wait);
        auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        (void)ec; // expired or poked: either way, look again
    }
    running_ = false;
}

} // namespace coolhead::app

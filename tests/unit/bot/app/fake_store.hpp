#pragma once
// An in-memory event_store for the app's tests, with switches to make reads or commits fail and
// to simulate another writer winning a race.

#include "bot/store/event_store.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <map>

namespace coolhead::app::testing {

class fake_store final : public store::event_store {
public:
    std::map<std::uint64_t, std::vector<commands::event>> logs;
    std::map<std::uint64_t, std::string> channels;
    std::map<std::uint64_t, bool> closed;
    std::map<std::string, commands::outbound> replies;
    int commits = 0;
    bool fail_reads = false;
    int fail_commits = 0;  ///< the next N commits fail
    /// load() lets other coroutines run before it reads, as a real store's thread hop does.
    bool yield_in_load = false;
    /// Runs before the next commit is checked, once: lets a test append as "another replica".
    std::function<void(fake_store&)> before_commit;

    boost::asio::awaitable<boost::system::result<std::optional<commands::outbound>>> find_reply(std::string id) override
    {
        if (fail_reads) co_return boost::system::error_code(5, boost::system::generic_category());
        auto it = replies.find(id);
        if (it == replies.end()) co_return std::optional<commands::outbound>{};
        co_return std::optional<commands::outbound>{it->second};
    }
    boost::asio::awaitable<boost::system::result<std::vector<commands::event>>> load(std::uint64_t n, std::uint64_t after) override
    {
        if (yield_in_load) co_await boost::asio::post(co_await boost::asio::this_coro::executor, boost::asio::use_awaitable);
        if (fail_reads) co_return boost::system::error_code(5, boost::system::generic_category());
        auto const& log = logs[n];
        co_return std::vector<commands::event>(log.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(after, log.size())), log.end());
    }
    boost::asio::awaitable<boost::system::result<std::optional<store::incident_row>>> latest_in(std::string channel) override
    {
        if (fail_reads) co_return boost::system::error_code(5, boost::system::generic_category());
        std::optional<store::incident_row> best;
        for (auto const& [n, ch] : channels)
            if (ch == channel) best = row(n);
        co_return best;
    }
    boost::asio::awaitable<boost::system::result<std::vector<store::incident_row>>> incidents(bool open_only) override
    {
        std::vector<store::incident_row> out;
        for (auto const& [n, ch] : channels)
            if (!open_only || !closed[n]) out.push_back(row(n));
        co_return out;
    }
    boost::asio::awaitable<boost::system::result<std::uint64_t>> next_number() override { co_return channels.size() + 1; }
    boost::asio::awaitable<store::commit_result> commit(store::commit_request r) override
    {
        ++commits;
        if (auto hook = std::exchange(before_commit, nullptr)) hook(*this);
        if (fail_commits > 0) {
            --fail_commits;
            co_return store::commit_result{store::commit_status::failed, {}, "disk on fire"};
        }
        if (!r.delivery_id.empty() && replies.contains(r.delivery_id))
            co_return store::commit_result{store::commit_status::duplicate_delivery, {}, {}};
        if (r.incident) {
            auto& log = logs[r.incident];
            if (log.size() != r.expected_seq) co_return store::commit_result{store::commit_status::conflict, {}, "seq"};
            if (r.opens_channel) {
                for (auto const& [n, ch] : channels)
                    if (ch == *r.opens_channel && !closed[n]) co_return store::commit_result{store::commit_status::conflict, {}, "busy"};
                channels[r.incident] = *r.opens_channel;
            }
            log.insert(log.end(), r.events.begin(), r.events.end());
            if (r.closes_at) closed[r.incident] = true;
        }
        if (!r.delivery_id.empty()) replies[r.delivery_id] = r.reply.value_or(commands::outbound{});
        co_return store::commit_result{store::commit_status::committed, {}, {}};
    }

private:
    store::incident_row row(std::uint64_t n) { return {n, channels[n], 0, std::nullopt, logs[n].size()}; }
};

} // namespace coolhead::app::testing

#include "bot/app/incident_cache.hpp"

namespace coolhead::app {

namespace asio = boost::asio;
using boost::system::result;

asio::awaitable<result<commands::incident_state const*>> incident_cache::get(std::uint64_t number)
{
    auto& s = states_[number];
    auto more = co_await store_.load(number, s.seq);
    if (!more) co_return more.error();
    for (auto const& e : *more) commands::apply(s, e);
    if (!s.exists()) {
        states_.erase(number);
        co_return static_cast<commands::incident_state const*>(nullptr);
    }
    co_return &s;
}

asio::awaitable<result<commands::incident_state const*>> incident_cache::latest_in(std::string channel)
{
    auto row = co_await store_.latest_in(std::move(channel));
    if (!row) co_return row.error();
    if (!*row) co_return static_cast<commands::incident_state const*>(nullptr);
    co_return co_await get((*row)->number);
}

asio::awaitable<result<std::vector<commands::incident_state const*>>> incident_cache::overview()
{
    auto rows = co_await store_.incidents(false);
    if (!rows) co_return rows.error();
    std::vector<commands::incident_state const*> out;
    for (auto const& row : *rows) {
        // A closed incident whose follow-ups are all done can't change any more: skip the read.
        auto it = states_.find(row.number);
        bool settled = it != states_.end() && it->second.closed && commands::open_followup_count(it->second) == 0 &&
                       it->second.seq == row.last_seq;
        if (settled) continue;
        auto s = co_await get(row.number);
        if (!s) co_return s.error();
        if (*s && ((*s)->is_open() || commands::open_followup_count(**s) > 0)) out.push_back(*s);
    }
    co_return out;
}

void incident_cache::committed(std::uint64_t number, std::uint64_t expected_seq, std::vector<commands::event> const& events)
{
    auto& s = states_[number];
    if (s.seq != expected_seq) {
        states_.erase(number);
        return;
    }
    for (auto const& e : events) commands::apply(s, e);
}

} // namespace coolhead::app

#include "bot/app/incident_cache.hpp"

namespace coolhead::app {

namespace asio = boost::asio;
using boost::system::result;

asio::awaitable<result<commands::incident_state const*>> incident_cache::get(std::uint64_t number)
{
    // Several coroutines may bring the same incident up to date at once (a command, the
    // reminder timers, another command on another connection): each reads from where the state
    // was when it asked, and on return applies only what nobody applied meanwhile. A state is
    // therefore always a prefix of the stored log, never a log with events applied twice.
    for (int attempt = 0; attempt < 8; ++attempt) {
        auto const from = states_[number].seq;
        auto more = co_await store_.load(number, from);
        if (!more) co_return more.error();
        auto& s = states_[number]; // looked up again: it may have been dropped meanwhile
        if (s.seq < from) continue; // dropped and rebuilt behind our back: read again from there
        for (auto i = static_cast<std::size_t>(s.seq - from); i < more->size(); ++i) commands::apply(s, (*more)[i]);
        if (!s.exists()) {
            states_.erase(number);
            co_return static_cast<commands::incident_state const*>(nullptr);
        }
        co_return &s;
    }
    co_return make_error_code(boost::system::errc::resource_unavailable_try_again);
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
    // Only a state exactly at `expected_seq` takes the events: one behind will read them on its
    // next get(), one ahead already has them (a concurrent get() read them back).
    auto it = states_.find(number);
    if (it == states_.end()) {
        if (expected_seq != 0) return; // not cached: the next get() reads it whole
        it = states_.emplace(number, commands::incident_state{}).first;
    }
    if (it->second.seq == expected_seq)
        for (auto const& e : events) commands::apply(it->second, e);
}

} // namespace coolhead::app

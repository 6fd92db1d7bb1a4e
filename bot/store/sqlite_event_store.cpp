#include "bot/store/sqlite_event_store.hpp"

#include "bot/store/json/event_json.hpp"
#include "bot/store/json/reply_json.hpp"

namespace coolhead::store {

namespace asio = boost::asio;
using boost::system::result;

sqlite_event_store::sqlite_event_store(sqlite_store store, log::logger_ptr log)
    : worker_(std::move(store)), log_(std::move(log))
{
}

sqlite_event_store::~sqlite_event_store() { stop(); }

void sqlite_event_store::stop() { worker_.stop(); }

asio::awaitable<result<std::optional<commands::outbound>>> sqlite_event_store::find_reply(std::string delivery_id)
{
    auto found = co_await worker_.find_delivery(std::move(delivery_id));
    if (!found) co_return found.error();
    if (!*found) co_return std::optional<commands::outbound>{};
    if ((*found)->reply.empty()) co_return std::optional<commands::outbound>{commands::outbound{}}; // handled, nothing said
    auto reply = reply_from_json((*found)->reply);
    if (!reply) {
        log_->error("event=reply_undecodable incident={} error=\"{}\"", (*found)->incident.value_or(0), reply.error().message());
        co_return reply.error();
    }
    co_return std::optional<commands::outbound>{std::move(*reply)};
}

asio::awaitable<result<std::vector<commands::event>>> sqlite_event_store::load(std::uint64_t incident, std::uint64_t after_seq)
{
    auto records = co_await worker_.load(incident, after_seq);
    if (!records) co_return records.error();
    std::vector<commands::event> events;
    events.reserve(records->size());
    for (auto const& r : *records) {
        auto e = from_record(r);
        if (!e) {
            log_->error("event=record_undecodable incident=INC-{} seq={} type={} error=\"{}\"", incident, r.seq, r.type,
                        e.error().message());
            co_return e.error();
        }
        events.push_back(std::move(*e));
    }
    co_return events;
}

asio::awaitable<result<std::optional<incident_row>>> sqlite_event_store::latest_in(std::string channel)
{
    co_return co_await worker_.incident_for_channel(std::move(channel), false);
}

asio::awaitable<result<std::vector<incident_row>>> sqlite_event_store::incidents(bool open_only)
{
    co_return co_await worker_.incidents(open_only);
}

asio::awaitable<result<std::uint64_t>> sqlite_event_store::next_number() { co_return co_await worker_.next_incident_number(); }

asio::awaitable<commit_result> sqlite_event_store::commit(commit_request request)
{
    append a;
    a.delivery_id = std::move(request.delivery_id);
    a.at_ms = commands::to_millis(request.received);
    a.incident = request.incident;
    a.expected_seq = request.expected_seq;
    a.records.reserve(request.events.size());
    for (auto const& e : request.events) a.records.push_back(to_record(e));
    if (request.reply) a.reply = reply_to_json(*request.reply);
    a.opens_channel = std::move(request.opens_channel);
    if (request.closes_at) a.closes_at_ms = commands::to_millis(*request.closes_at);
    co_return co_await worker_.commit(std::move(a));
}

} // namespace coolhead::store

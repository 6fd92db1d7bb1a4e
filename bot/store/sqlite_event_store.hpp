#pragma once
/// The event_store on SQLite: the store_worker's thread and group commit, with events and
/// replies encoded as JSON records.

#include "bot/log/log.hpp"
#include "bot/store/event_store.hpp"
#include "bot/store/store_worker.hpp"

#include <memory>

namespace coolhead::store {

class sqlite_event_store final : public event_store {
public:
    /// Takes over an open store and starts its thread.
    sqlite_event_store(sqlite_store store, log::logger_ptr log);
    ~sqlite_event_store() override;

    boost::asio::awaitable<boost::system::result<std::optional<commands::outbound>>> find_reply(std::string delivery_id) override;
    boost::asio::awaitable<boost::system::result<std::vector<commands::event>>> load(std::uint64_t incident,
                                                                                    std::uint64_t after_seq) override;
    boost::asio::awaitable<boost::system::result<std::optional<incident_row>>> latest_in(std::string channel) override;
    boost::asio::awaitable<boost::system::result<std::vector<incident_row>>> incidents(bool open_only) override;
    boost::asio::awaitable<boost::system::result<std::uint64_t>> next_number() override;
    boost::asio::awaitable<commit_result> commit(commit_request request) override;

    /// Finishes queued work and closes the database; later calls fail. Blocks; any thread but
    /// the store's.
    void stop();

    /// Transactions so far (for tests and metrics).
    std::uint64_t transactions() const noexcept { return worker_.transactions(); }

private:
    store_worker worker_;
    log::logger_ptr log_;
};

} // namespace coolhead::store

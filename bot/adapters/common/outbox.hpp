#pragma once
/// A per-channel, ordered, paced and bounded queue of outgoing platform requests (Slack
/// chat.postMessage, Mattermost POST /api/v4/posts). Each channel has its own lane: messages
/// leave in the order they were queued, at most `burst` at once and then one per `interval`
/// (Slack: about one message per second per channel). A lane that hears "retry after" waits
/// that long and sends the same message again, so order survives rate limiting. Lanes are
/// independent: a slow channel doesn't hold up another. Io executor only.

#include "bot/log/log.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace coolhead::adapters {

/// One request for a platform, opaque to the outbox (e.g. a Web API method and its JSON body).
struct outgoing {
    std::string target;
    std::string body;
};

/// What became of one attempt to send.
struct send_outcome {
    enum class kind {
        sent,        ///< done; next message
        retry_after, ///< rate limited: wait `wait`, then send the same message again
        retry,       ///< a transient failure (network): retry after a back-off
        failed,      ///< permanent (e.g. channel_not_found): drop it and go on
    };
    kind what = kind::sent;
    std::chrono::milliseconds wait{0};
};

struct outbox_options {
    std::chrono::milliseconds interval{1000}; ///< one message per interval per channel, after a burst
    std::size_t burst = 3;                    ///< messages a quiet channel may send at once
    std::size_t capacity = 500;               ///< queued messages per channel; more are refused (logged)
    std::size_t max_attempts = 8;             ///< per message, for `retry` and `retry_after` together
    std::chrono::milliseconds max_wait{std::chrono::minutes{2}}; ///< caps a Retry-After and the back-off
};

class outbox {
public:
    using sender = std::function<boost::asio::awaitable<send_outcome>(std::string const& channel, outgoing const& msg)>;

    outbox(boost::asio::any_io_executor ex, sender send, outbox_options options, log::logger_ptr log);
    ~outbox();
    outbox(outbox const&) = delete;
    outbox& operator=(outbox const&) = delete;

    /// Queues a message for `channel`; false (and a log line) when that channel's lane is full or
    /// the outbox is stopping.
    bool push(std::string const& channel, outgoing msg);

    /// Messages queued or being sent, over all channels.
    std::size_t pending() const noexcept;

    /// Stops taking messages and waits until every lane is empty or `timeout` passed; what is
    /// left is dropped with a log line. Then the lanes end.
    boost::asio::awaitable<void> drain(std::chrono::milliseconds timeout);

private:
    struct lane;
    boost::asio::awaitable<void> run_lane(std::string channel, std::shared_ptr<lane> l);

    boost::asio::any_io_executor ex_;
    sender send_;
    outbox_options options_;
    log::logger_ptr log_;
    std::map<std::string, std::shared_ptr<lane>> lanes_;
    bool stopping_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace coolhead::adapters

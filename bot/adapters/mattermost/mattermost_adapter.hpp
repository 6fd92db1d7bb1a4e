#pragma once
/// Mattermost as a chat platform for the app (PROTOCOLS.md section 2 and its checklist).
///
/// - Events come over the websocket (/api/v4/websocket, Bearer token on the upgrade so the
///   server can resume). The adapter tracks the connection id and the next sequence number;
///   after a drop it reconnects with both and the server replays what was missed. A sequence
///   gap closes the socket with 4001 and resumes; a `hello` with a new connection id means
///   events were lost, so the channels the bot has seen are read again over REST since the
///   last post seen (PROTOCOLS.md 2.4).
/// - Slash commands arrive as HTTP POSTs on our own endpoint (bot/net/http_server). The
///   command token is checked in constant time; the answer is the command's reply, sent once
///   its events are stored, with skip_slack_parsing (PROTOCOLS.md 2.6, 2.8).
/// - Posts go out through REST in a per-channel ordered outbox. Regular bot tokens cannot post
///   ephemeral messages over REST, so a private message that is not a command reply goes to
///   the person as a direct message.
///
/// Threading: one io executor. The token, command tokens and response URLs are secrets.

#include "bot/adapters/adapter_api.hpp"
#include "bot/adapters/common/outbox.hpp"
#include "bot/adapters/mattermost/websocket_frames.hpp"
#include "bot/log/log.hpp"
#include "bot/net/backoff.hpp"
#include "bot/net/endpoint.hpp"
#include "bot/net/http_server.hpp"
#include "bot/net/https_client.hpp"
#include "bot/net/tls.hpp"
#include "bot/net/websocket_client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace coolhead::mattermost {

struct mattermost_options {
    net::endpoint server;               ///< https://mattermost.example.com
    log::secret token;                  ///< the bot's access token
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8066;   ///< 0: the OS picks (tests)
    std::string command_path = "/mattermost/command";
    std::map<std::string, log::secret> command_tokens; ///< trigger ("incident") → its token
    std::optional<net::tls_server_settings> callback_tls; ///< serve the endpoint over TLS
    std::size_t message_limit = 16383;  ///< runes per post
    /// The server waits 30 s for a command's answer. A command the app has not finished by then
    /// is answered privately that it is being recorded; its reply follows as a post (a private
    /// one as a DM) once stored.
    std::chrono::milliseconds reply_timeout{20000};
    std::chrono::milliseconds lookup_timeout{1000};
    net::websocket_options websocket;   ///< idle timeout with pings; Mattermost pings every 60 s
    net::https_client_options http;
    net::http_server_options server_options;
    adapters::outbox_options outbox{std::chrono::milliseconds{200}, 5};
    net::backoff_policy backoff = net::mattermost_backoff;
    std::function<double()> random;    ///< back-off jitter; empty: seeded from the system
    /// Mattermost never sends an event twice, so an event the app could not store (the store
    /// failed) is handed to it again here, up to this many times in all, waiting
    /// `event_retry_wait` × the attempt number between tries (the socket's reading waits too).
    int event_attempts = 3;
    std::chrono::milliseconds event_retry_wait{1000};
};

class mattermost_adapter final : public adapters::chat_adapter {
public:
    mattermost_adapter(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, mattermost_options options,
                       adapters::inbound_handler& app, log::logger_ptr log);
    ~mattermost_adapter() override;

    /// Learns the bot's identity (GET /users/me; a refused token is an error for the operator),
    /// opens the command endpoint and starts the websocket loop.
    boost::asio::awaitable<boost::system::error_code> start();
    /// Stops the endpoint (requests in hand finish), closes the websocket, sends what is queued.
    boost::asio::awaitable<void> stop();

    void post(commands::outbound message) override;

    /// The port the command endpoint listens on (after start()).
    std::uint16_t callback_port() const noexcept;
    std::string const& bot_user_id() const noexcept { return bot_user_id_; }
    std::string const& connection_id() const noexcept { return connection_id_; }
    std::size_t connections_opened() const noexcept { return connections_opened_; }
    std::size_t resyncs() const noexcept { return resyncs_; }

private:
    struct seen_post {
        std::string user_id;
        std::string message;
        std::int64_t create_at = 0;
    };
    struct rest_result {
        bool transport_ok = false;
        unsigned status = 0;
        std::string body;
        std::chrono::milliseconds retry_after{0};
    };

    /// A command in the app: whether it finished before the HTTP answer had to go.
    struct command_call {
        explicit command_call(boost::asio::any_io_executor ex) : done(ex) {}
        boost::asio::steady_timer done; ///< cancelled when the app has finished
        std::optional<adapters::handled> handled;
        bool answered = false; ///< the HTTP answer went out first: post the reply instead
    };

    boost::asio::awaitable<void> run_socket();
    boost::asio::awaitable<void> run_command(adapters::inbound in, std::shared_ptr<command_call> call);
    boost::asio::awaitable<void> on_event(event const& e);
    boost::asio::awaitable<void> resync();
    boost::asio::awaitable<void> deliver(adapters::inbound in);
    boost::asio::awaitable<net::http_server_response> on_http(net::http_server_request req);
    boost::asio::awaitable<rest_result> rest(net::https_client& client, net::http_method method, std::string target,
                                             std::string body);
    boost::asio::awaitable<std::string> username(std::string user_id);
    boost::asio::awaitable<std::optional<seen_post>> find_post(std::string post_id);
    boost::asio::awaitable<adapters::send_outcome> send(std::string const& channel, adapters::outgoing const& msg);
    boost::asio::awaitable<std::optional<std::string>> direct_channel(std::string user_id);
    void queue(commands::outbound const& message);
    void remember(mattermost::post const& p);
    void saw_channel(std::string const& channel, std::int64_t at);
    void handed(std::string const& delivery_id);

    boost::asio::any_io_executor ex_;
    boost::asio::ssl::context& tls_;
    mattermost_options options_;
    adapters::inbound_handler& app_;
    log::logger_ptr log_;
    log::secret bearer_;
    net::https_client poster_;
    net::https_client lookups_;
    adapters::outbox outbox_;
    std::optional<boost::asio::ssl::context> server_tls_;
    std::unique_ptr<net::http_server> server_;
    std::optional<net::websocket_client> socket_;
    std::shared_ptr<boost::asio::steady_timer> wake_;
    std::string bot_user_id_;
    std::string connection_id_;
    std::int64_t next_seq_ = 0;
    std::size_t connections_opened_ = 0;
    std::size_t resyncs_ = 0;
    bool stopping_ = false;
    bool socket_running_ = false;
    std::map<std::string, std::int64_t> last_seen_;        ///< channel → newest create/edit time seen
    std::map<std::string, seen_post> recent_;              ///< post id → post, for 📌 (bounded)
    std::deque<std::string> recent_order_;
    std::set<std::string> handed_;                         ///< delivery ids the app has taken (bounded)
    std::deque<std::string> handed_order_;
    std::map<std::string, std::string> names_;             ///< user id → username
    std::map<std::string, std::string> direct_channels_;   ///< user id → DM channel id
    std::set<std::string> join_refused_;                   ///< channels the bot may not join itself
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace coolhead::mattermost

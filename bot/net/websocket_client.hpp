#pragma once
/// A websocket client (RFC 6455) for Slack Socket Mode and the Mattermost websocket: wss://
/// with verification, or ws:// to loopback only (for in-process test servers), behind one
/// type. A silent peer is detected by the idle timeout with keep-alive pings; inbound messages
/// are capped; outbound messages go through ONE writer draining a bounded queue
/// (boostorg/beast#1207), so two writes are never in flight.
///
/// Threading: connect and use on one executor (the io_context thread or a strand of it); every
/// awaitable must be awaited from a coroutine on that executor. The URL and the Authorization
/// value are secrets: only the host is ever logged.

#include "bot/log/secret.hpp"
#include "bot/net/http_fields.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace coolhead::net {

/// Close codes (RFC 6455 section 7.4.1). Applications may use 4000-4999 (Mattermost: 4001 on
/// a sequence gap).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t policy_error = 1008;
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t internal_error = 1011;
} // namespace close_code

/// Headers, deadlines and limits of one connection; the defaults suit Slack and Mattermost.
struct websocket_options {
    /// Extra plain headers for the upgrade request. `Authorization` here is refused
    /// (errc::secret_in_plain_header), and so is `Origin` (errc::invalid_header): Mattermost
    /// refuses unexpected origins, and none is ever sent (PROTOCOLS.md 2.5).
    http_headers headers;
    /// The whole `Authorization` value for the upgrade, e.g. "Bearer <token>" (Mattermost).
    std::optional<log::secret> authorization;
    /// Bounds the DNS lookup and, freshly, the TCP connect.
    std::chrono::milliseconds connect_timeout{10'000};
    /// Bounds the TLS handshake, the upgrade, and later the closing handshake.
    std::chrono::milliseconds handshake_timeout{10'000};
    /// No data for this long while a read() is pending: the connection is dead (read fails with
    /// errc::timeout). A ping goes out halfway, so a live peer answers in time.
    std::chrono::milliseconds idle_timeout{30'000};
    /// Larger inbound messages fail the read with errc::message_too_large (the connection is
    /// closed with 1009). Must stay >= 100 KB for Slack/Mattermost payloads.
    std::size_t read_message_max = 1u << 20;
    /// Messages accepted by send() but not yet being written. At least 1.
    std::size_t write_queue_capacity = 8;
    /// Sent as `User-Agent` on the upgrade.
    std::string user_agent = "coolhead/0.1";
};

/// The close frame the peer sent.
struct websocket_close_reason {
    std::uint16_t code = 0; ///< see close_code
    std::string reason;     ///< free text, at most 123 bytes
};

/// One connected websocket: one reader (the caller of read()) and one internal writer.
class websocket_client {
public:
    /// Connects to `url` (ws:// loopback only, or wss://), upgrades, and starts the writer.
    /// `tls` must outlive the client (used for wss only). Errors: errc::invalid_url,
    /// errc::unsupported_scheme, errc::tls_required, errc::timeout, errc::upgrade_declined
    /// (the status is logged), certificate errors (see is_certificate_error), transport codes.
    /// Cancellation ends the attempt with operation_aborted.
    static boost::asio::awaitable<boost::system::result<websocket_client>>
    connect(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, log::secret url,
            websocket_options options = {});

    /// Abrupt: drops the connection without a close frame if it is still open.
    ~websocket_client();
    /// Moves the connection; the moved-from client must only be destroyed.
    websocket_client(websocket_client&&) noexcept;
    /// Drops this client's connection abruptly first, then takes over `other`'s.
    websocket_client& operator=(websocket_client&&) noexcept;

    /// The next text message. Binary messages are skipped with a warning. Errors: errc::closed
    /// (the peer sent a close frame; see peer_close()), errc::timeout (idle timeout),
    /// errc::message_too_large (a close with 1009 is then under way: await close() to let it
    /// finish), errc::not_connected, transport codes. After any error the connection is done
    /// for reading. One read at a time. Cancelling a pending read is terminal for the
    /// connection (Beast cannot resume a half-read frame).
    boost::asio::awaitable<boost::system::result<std::string>> read();

    /// Queues a text message for the writer and returns at once. errc::queue_full when
    /// `write_queue_capacity` messages are already waiting (shed or reconnect; nothing was
    /// queued), errc::not_connected after close(), cancel() or a failure.
    boost::system::error_code send(std::string text);

    /// Graceful close: messages already queued are written first, then a close frame with
    /// `code`; completes when the peer answered (or handshake_timeout passed). A pending read()
    /// then fails with errc::closed. If a close is already under way, waits for it instead.
    /// errc::not_connected if the connection already ended. If the caller is cancelled while
    /// waiting, the connection is dropped abruptly.
    boost::asio::awaitable<boost::system::error_code> close(std::uint16_t code = close_code::going_away,
                                                            std::string reason = {});

    /// Abrupt: closes the socket now; pending reads and writes fail, queued messages are
    /// dropped. Idempotent.
    void cancel() noexcept;

    /// True until close(), cancel() or an error finished the connection.
    bool is_open() const noexcept;

    /// The peer's close frame, once read() has reported errc::closed.
    std::optional<websocket_close_reason> peer_close() const;

    /// The host connected to (safe to log; the URL is not).
    std::string const& host() const noexcept;

    /// Messages accepted by send() that the writer has not taken yet.
    std::size_t queued() const noexcept;

private:
    struct impl;
    explicit websocket_client(std::shared_ptr<impl> p) noexcept;
    std::shared_ptr<impl> impl_;
};

} // namespace coolhead::net

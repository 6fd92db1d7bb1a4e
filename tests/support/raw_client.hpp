#pragma once
/// Raw TCP clients for tests that must send bytes no HTTP client would (garbage, partial
/// requests) or hold connections open. Connect to 127.0.0.1 only. Every read is bounded by a
/// timeout.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace coolhead::test {

/// What a bounded read got.
struct raw_read {
    std::string data;
    bool peer_closed = false; ///< EOF or reset, as opposed to the timeout
};

/// A plain TCP connection to 127.0.0.1, used from one coroutine at a time.
class raw_connection {
public:
    explicit raw_connection(boost::asio::any_io_executor executor);
    ~raw_connection();
    raw_connection(raw_connection&&) noexcept;
    raw_connection& operator=(raw_connection&&) noexcept;

    boost::asio::awaitable<boost::system::error_code> connect(std::uint16_t port);
    boost::asio::awaitable<boost::system::error_code> write(std::string bytes);
    /// Reads until the peer closes or `timeout` passes.
    boost::asio::awaitable<raw_read> read_until_closed(std::chrono::milliseconds timeout);
    /// Reads until `needle` has arrived, the peer closes, or `timeout` passes.
    boost::asio::awaitable<raw_read> read_until(std::string needle, std::chrono::milliseconds timeout);
    void close() noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// A listener on 127.0.0.1 whose accept queue is already full (backlog 0, one connection
/// waiting, never accepted), so the kernel drops further SYNs and a new connection attempt
/// hangs until the client's own connect timeout: Linux behaviour, used for connect timeouts.
class full_listener {
public:
    full_listener();
    ~full_listener();
    full_listener(full_listener const&) = delete;
    full_listener& operator=(full_listener const&) = delete;
    std::uint16_t port() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Connects to 127.0.0.1:`port`, sends `bytes`, and returns what arrives until the server
/// closes the connection or `timeout` passes.
boost::asio::awaitable<raw_read> raw_exchange(std::uint16_t port, std::string bytes, std::chrono::milliseconds timeout);

} // namespace coolhead::test

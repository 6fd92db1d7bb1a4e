#pragma once
/// fake_slack: an in-process, scriptable Slack for the Slack adapter's integration tests. One
/// object is one test_server (TLS from the test CA, 127.0.0.1, a port the OS picks, its own
/// thread) serving both the Web API (`/api/<method>`) and Socket Mode links (`/link/`).
///
/// Point the adapter at `api_base_url()` ("https://localhost:<port>/api/") with the test CA
/// (`ca_file()`) and the tokens in `options()`; it finds the websocket URL itself through
/// `apps.connections.open`. Then drive Slack from the test thread:
///
///     coolhead::testing::fake_slack slack;                 // adapter settings from slack.*()
///     ... start the adapter ...
///     ASSERT_TRUE(slack.wait_for_connections(1));
///     auto id = slack.newest().slash_command("/incident", "start db latency");
///     auto ack = slack.wait_for_ack(id);
///     ASSERT_TRUE(ack);
///     EXPECT_LT(ack->latency.value(), 3s);                  // Slack's ack deadline, measured
///     EXPECT_EQ(ack->payload.value()["text"], "Incident INC-1 started");
///     slack.rate_limit_next("chat.postMessage", 2, 1s);     // script a failure...
///     ASSERT_TRUE(slack.wait_for_messages(1, 10s));         // ...and see the adapter recover
///
/// What it does like Slack (PROTOCOLS.md section 1): Bearer tokens checked per method (xapp for
/// apps.connections.open, xoxb for the rest); JSON, form and query parameters all accepted
/// (1.8); HTTP 200 with `{"ok":…}` except scripted statuses; single-use tickets; `hello` first
/// with `num_connections`; a websocket ping every `ping_interval` (1.6; Node's client drops a
/// link without one in 30 s); acks recorded per envelope id; redelivery with `retry_attempt`
/// + 1 and `retry_reason:"timeout"` (1.7); `disconnect` frames (1.5); at most `max_connections`
/// links (more get `too_many_websockets`).
///
/// Where it is stricter or simpler than Slack (on purpose, so adapter bugs show):
/// - tokens only in the `Authorization: Bearer` header; a `token` body parameter is ignored;
///   no header or another scheme answers `not_authed`, a wrong token `invalid_auth`;
/// - text over 40,000 characters answers `msg_too_long` (Slack truncates with a warning);
/// - any channel exists; `chat.update` needs a ts the fake issued or a test registered;
/// - an upgrade with an unknown or already used ticket is accepted and then closed at once
///   with 1008 ("invalid ticket"), no `hello` (test_server cannot refuse an upgrade with an
///   HTTP status; real Slack's behaviour there is undocumented);
/// - unknown methods answer `{"ok":false,"error":"unknown_method"}` only once they have a route:
///   the built-in ones, any method given to on_method() or a scripting call. Other paths under
///   /api/ get test_server's plain 404.
///
/// Threading: every public function may be called from any thread except the fake's own server
/// thread (so not from an on_method handler), and is bounded: it posts to the server thread and
/// waits at most `options().call_timeout`, then throws std::runtime_error. Waits take their own
/// timeout and return false / nullopt when it passes. Nothing here sleeps to decide a result.
/// Records (calls, messages, acks, ...) are snapshots copied under a lock.

#include "bot/net/http_fields.hpp"
#include "tests/support/slack/slack_envelopes.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::test {
class test_server;
}

namespace coolhead::testing {

using namespace std::chrono_literals;
/// Every time the fake records is on this clock.
using steady_time = std::chrono::steady_clock::time_point;

namespace detail {
struct fake_state;
}

/// A row of the fake's user table, answered by `users.info`.
struct slack_user {
    std::string id; ///< "U…"
    std::string name;
    std::string display_name;
    std::string real_name;
    bool is_bot = false;
};

/// Configuration. The defaults are distinctive strings, so a redaction test can search logs for
/// them (raw or URL-encoded).
struct fake_slack_options {
    /// Expected on apps.connections.open (`Authorization: Bearer <app_token>`).
    std::string app_token = "xapp-1-A0FAKEAPP-1000-fakeAppTokenDoNotLog7f3a";
    /// Expected on every other method.
    std::string bot_token = "xoxb-1000-2000-fakeBotTokenDoNotLog9c1e";
    slack_workspace workspace;
    std::string bot_user_id = "U0FAKEBOT";
    std::string bot_id = "B0FAKEBOT";
    std::string bot_name = "coolhead";
    /// Channels the bot is not a member of: chat.postMessage and chat.postEphemeral answer
    /// `not_in_channel` there until conversations.join succeeds.
    std::set<std::string> outside_channels;
    /// Private channels: conversations.join answers `method_not_supported_for_channel_type`.
    std::set<std::string> private_channels;
    /// `users.info` answers from this table; add more with add_user().
    std::vector<slack_user> users = {
        {"U0ALICE", "alice", "Alice", "Alice Archer", false},
        {"U0BOB", "bob", "Bob", "Bob Baker", false},
        {"U0FAKEBOT", "coolhead", "coolhead", "coolhead", true},
    };

    /// Interval of the fake's websocket pings on every link (Slack pings; PROTOCOLS.md 1.6).
    std::chrono::milliseconds ping_interval = 5s;
    /// `debug_info.approximate_connection_time` in `hello`, in seconds.
    int approximate_connection_time = 18060;
    /// Open links allowed; one more gets `disconnect` `too_many_websockets` instead of `hello`.
    std::size_t max_connections = 10;
    /// If set, an `events_api` envelope not acked this long after it was sent is sent again on
    /// the newest open, unstalled link with retry_attempt + 1, up to `max_redeliveries` times
    /// (Slack: at once, +1 min, +5 min; here a constant interval). Off by default.
    std::optional<std::chrono::milliseconds> auto_redeliver_after;
    int max_redeliveries = 3;
    /// Default delay between a `disconnect` frame and the fake closing the link: `warning`
    /// comes about 10 s before the close (PROTOCOLS.md 1.5), other reasons close soon.
    std::chrono::milliseconds warning_close_after = 10s;
    std::chrono::milliseconds disconnect_close_after = 1s;
    /// Bound of every synchronous call into the server thread (including waiting for a frame to
    /// be written).
    std::chrono::milliseconds call_timeout = 5s;
};

/// What the fake made of a request's `Authorization` header.
enum class token_check {
    ok,          ///< `Bearer <the expected token>`
    missing,     ///< no Authorization header (answered `not_authed`)
    not_bearer,  ///< another scheme (answered `not_authed`)
    wrong_token, ///< Bearer, but not the token this method needs (answered `invalid_auth`)
};

/// How the parameters of a Web API call arrived.
enum class body_kind {
    none,  ///< no body (GET, or an empty POST): query string only
    json,  ///< `Content-Type: application/json`
    form,  ///< `application/x-www-form-urlencoded`, or no Content-Type
    other, ///< another Content-Type: the body was ignored
};

/// One request to `/api/<method>`, recorded on arrival and completed when answered. (POSTs
/// to response_urls are not calls: see posted_message; server().requests() has every request.)
struct web_api_call {
    std::string method;        ///< the Slack method, e.g. "chat.postMessage"
    std::string http_method;   ///< "POST", "GET", ...
    std::string target;        ///< path and query as sent
    net::http_headers headers; ///< every header, Authorization included (tests check Bearer)
    std::string body;          ///< raw body
    body_kind kind = body_kind::none;
    /// Query parameters, then body parameters (which win), as one JSON object. Form and query
    /// values are strings; JSON bodies keep their types. Invalid JSON leaves it empty.
    nlohmann::json params = nlohmann::json::object();
    token_check auth = token_check::missing;
    steady_time received_at{};
    /// HTTP status answered; 0 while pending, or if stalled or dropped.
    unsigned status = 0;
    /// The `error` answered ("ratelimited" for a 429); empty for `ok:true`.
    std::string error;
    /// "" if answered normally, else the script used: "rate_limit", "fail", "stall", "delay",
    /// "drop", "status".
    std::string scripted;

    /// The first header named `name` (case-insensitive).
    std::optional<std::string_view> header(std::string_view name) const noexcept;
    /// A parameter as text (numbers and booleans dumped, objects/arrays as JSON), or nullopt.
    std::optional<std::string> param(std::string_view name) const;
};

/// One chat.postMessage, chat.postEphemeral or chat.update call that reached the method
/// (scripted answers are not messages), or one POST to a response_url.
struct posted_message {
    std::string method; ///< "chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"
    std::string channel;
    std::string user; ///< chat.postEphemeral: the recipient
    std::string text;
    std::size_t text_length = 0; ///< in Unicode code points (Slack's limit counts characters)
    std::string thread_ts;
    /// The ts the fake gave the message (postMessage; `message_ts` for ephemerals), or the ts
    /// updated (chat.update). Empty if refused.
    std::string ts;
    std::string response_type;                        ///< response_url posts: "in_channel" or "ephemeral"/""
    nlohmann::json params = nlohmann::json::object(); ///< all parameters (blocks, link_names, ...)
    std::string body;                                 ///< raw body
    token_check auth = token_check::missing;
    steady_time received_at{};
    /// Empty if accepted; else what the fake answered ("channel_not_found", "no_text",
    /// "msg_too_long", "invalid_auth", "message_not_found", "used_url", ...).
    std::string error;

    bool ok() const noexcept { return error.empty(); }
};

/// A message in a channel's history, for `conversations.history`. Accepted chat.postMessage
/// calls are added too (with the bot's user id and bot_id).
struct history_message {
    std::string channel;
    std::string ts; ///< "1700000000.000100"
    std::string user;
    std::string text;
    std::string thread_ts; ///< optional
    std::string bot_id;    ///< optional
};

/// How a link ended.
enum class link_end {
    open,             ///< still open (or stalled, or not reading)
    closed_by_client, ///< the client sent a close frame first
    closed_by_fake,   ///< close(), a disconnect's scheduled close, or a refused ticket
    dropped_by_fake,  ///< drop()
    lost,             ///< the connection failed without a close frame (the client dropped it)
    server_stopped,   ///< still open (e.g. stalled) when the fake shut down
};

/// One Socket Mode link as the fake sees it. Links are numbered 1, 2, ... in the order their
/// upgrades were accepted; refused tickets get no number (see refused_upgrades()).
struct link_info {
    std::size_t number = 0;
    std::string ticket;
    std::string target; ///< the upgrade's path and query
    net::http_headers upgrade_headers;
    steady_time opened_at{};
    std::optional<steady_time> closed_at;
    link_end end = link_end::open;
    bool stalled = false;       ///< stall() was called
    bool reading = true;        ///< false after stop_reading() took effect
    bool hello_sent = false;    ///< false for a too_many_websockets link
    std::size_t pings_sent = 0; ///< websocket pings written by the fake
    std::optional<steady_time> last_ping_at;
    std::size_t frames_received = 0;
    /// The code of the client's close frame, if it sent one (also when answering ours).
    std::optional<std::uint16_t> client_close_code;

    bool open() const noexcept { return end == link_end::open; }
};

/// An upgrade the fake refused (unknown or reused ticket).
struct refused_upgrade {
    std::string target;
    std::string reason; ///< "unknown ticket", "ticket already used", "no ticket"
    steady_time at{};
};

/// An envelope the fake wrote to a link (redeliveries included, each as its own row).
struct sent_envelope {
    std::string envelope_id;
    std::string type;        ///< "slash_commands", "events_api", "interactive", or whatever the JSON said
    int retry_attempt = 0;   ///< events_api only
    nlohmann::json envelope; ///< exactly what was sent
    std::size_t link = 0;
    steady_time sent_at{}; ///< just before the write started
};

/// A text frame from the client that parsed as `{"envelope_id":"…", "payload"?: …}`.
struct ack {
    std::string envelope_id;
    std::string raw;                       ///< the frame as received
    nlohmann::json frame;                  ///< parsed
    std::optional<nlohmann::json> payload; ///< frame["payload"] if present (it is optional)
    std::size_t link = 0;                  ///< the link it came on
    steady_time received_at{};
    /// received_at minus the sent_at of the latest send of this envelope id before it; nullopt
    /// if the fake never sent that id. Assert Slack's 3 s deadline on this, not with sleeps.
    std::optional<std::chrono::steady_clock::duration> latency;
};

/// Any message frame the client sent on a link, acks included, in arrival order.
struct client_frame {
    std::size_t link = 0;
    std::string data;
    bool is_ack = false;
    steady_time received_at{};
};

/// A Web API method written by the test (on_method): gets the call (parameters parsed, token
/// already checked: only calls with the right bot token arrive) and returns the whole JSON
/// answer, e.g. `{{"ok", true}}`. Runs on the server thread: do not call fake_slack from it.
using method_handler = std::function<nlohmann::json(web_api_call const&)>;

/// A handle to link number `number()` of a fake_slack. Cheap to copy; must not outlive the
/// fake. Every function is synchronous and bounded (see the file comment). Sending functions
/// wait until the frame is written (so the adapter may not have read it yet) and throw
/// std::runtime_error if the link does not exist or cannot take frames any more (ended,
/// dropped, stalled, or a close already queued) or the write fails. drop(), stall(),
/// stop_reading() and close() do nothing on a link that already ended.
class slack_link {
  public:
    std::size_t number() const noexcept { return number_; }
    /// A snapshot of what the fake knows about this link; throws if no such link exists.
    link_info info() const;
    bool is_open() const;
    /// Waits until the link has ended (any way); false on timeout.
    bool wait_closed(std::chrono::milliseconds timeout = 5s) const;

    /// Sends `envelope` as a text frame, as is. Returns its `envelope_id` (may be empty).
    /// Remembers it for redeliver(); an `events_api` envelope also starts auto-redelivery.
    std::string send_envelope(nlohmann::json envelope);
    /// Builds and sends a slash command envelope; empty ids in `a` are filled with fresh ones
    /// (the response_url is served by this fake). Returns the envelope_id.
    std::string slash_command(slash_command_args a);
    std::string slash_command(std::string command, std::string text, std::string channel = "C0INCIDENT1",
                              std::string user_id = "U0ALICE", std::string user_name = "alice");
    /// Builds and sends a `message` event (events_api); empty ts/ids get fresh ones. Returns the
    /// envelope_id.
    std::string message_event(message_event_args a);
    std::string message_event(std::string channel, std::string user, std::string text, std::string ts = {},
                              std::string event_id = {}, int retry_attempt = 0);
    /// Builds and sends a `message_changed` or `message_deleted` event. Returns the envelope_id.
    std::string message_change(message_change_args a);
    /// Builds and sends a `reaction_added` (added) or `reaction_removed` event. Returns the
    /// envelope_id.
    std::string reaction_event(reaction_event_args a);
    std::string reaction_event(bool added, std::string reaction, std::string channel, std::string item_ts,
                               std::string user = "U0ALICE", std::string item_user = "U0FAKEBOT",
                               std::string event_id = {});
    /// Builds and sends an `interactive` envelope (a block_actions button press by default).
    std::string interactive_event(interactive_event_args a = {});

    /// Sends `text` as a text frame without looking at it (malformed JSON, unknown types).
    void send_raw(std::string text);
    /// Sends a binary frame (Slack never does; the adapter should skip it).
    void send_binary(std::string data);
    /// Sends one text frame of `bytes` bytes (a JSON string literal), larger than the adapter's
    /// read limit by default (1 MiB in bot/net).
    void send_oversized(std::size_t bytes = 2u << 20);

    /// Sends `{"type":"disconnect","reason":reason,…}` (PROTOCOLS.md 1.5), then closes the link
    /// with 1000 after options().warning_close_after for "warning", else after
    /// disconnect_close_after, unless the client closes it first.
    void disconnect(std::string reason);
    /// The same with an explicit delay; nullopt leaves the closing to the client.
    void disconnect(std::string reason, std::optional<std::chrono::milliseconds> close_after);
    /// Closes the TCP connection now, without a close frame (also cuts a write in progress).
    void drop();
    /// Goes silent for good: no pings, no frames, no reads (so client pings go unanswered and
    /// acks are not seen); the TCP connection stays open until the fake is destroyed. The link
    /// still counts as open, as Slack would count it until its own timeout.
    void stall();
    /// Stops reading the client's frames, but keeps pinging and sending: client pings go
    /// unanswered and later acks are lost. Takes effect after the frame being read now (Beast
    /// cannot cancel a read and keep the link), so the client's next frame is still recorded.
    /// A client close is then only noticed when a write fails.
    void stop_reading();
    /// Sends a close frame with `code` after the frames already queued, and waits (bounded)
    /// for the client's answer in the background. Returns once the close is queued; use
    /// wait_closed() to wait for the end.
    void close(std::uint16_t code = 1000, std::string reason = {});

  private:
    friend class fake_slack;
    slack_link(std::shared_ptr<detail::fake_state> st, std::size_t number)
        : st_(std::move(st)), number_(number)
    {
    }
    std::shared_ptr<detail::fake_state> st_;
    std::size_t number_ = 0;
};

/// The fake Slack. Not copyable or movable; destroying it closes every connection (stalled
/// ones included) and joins its thread.
class fake_slack {
  public:
    explicit fake_slack(fake_slack_options options = {});
    ~fake_slack();
    fake_slack(fake_slack const&) = delete;
    fake_slack& operator=(fake_slack const&) = delete;

    // ---- Endpoints and configuration --------------------------------------------------------

    /// "https://localhost:<port>/api/": the adapter's Web API base URL.
    std::string api_base_url() const;
    std::uint16_t port() const noexcept;
    /// The test CA file the adapter must trust (the fake's certificate is for localhost).
    std::string ca_file() const;
    fake_slack_options const& options() const noexcept;
    /// The underlying server, e.g. for requests() of every path or connection counters.
    test::test_server& server() noexcept;

    // ---- Data the Web API answers from -------------------------------------------------------

    /// Adds or replaces a user for `users.info`.
    void add_user(slack_user user);
    /// Registers a message for `conversations.history` (and as a target for chat.update).
    /// Fresh ts values handed out later are larger than every registered one.
    void add_history(history_message message);
    /// Serves `method` with `handler` (replacing a built-in one), after the token check and any
    /// script.
    void on_method(std::string method, method_handler handler);

    // ---- Scripted Web API failures ----------------------------------------------------------
    // Each call queues a rule for `method`; rules apply in the order queued, each to its next
    // `n` calls, before the token check and the normal answer. "*" rules apply to the next
    // calls of ANY method that has no unused rule of its own at that moment (so queue them when
    // the method-specific ones are used up). Scripted calls are recorded in calls() but are
    // never messages.

    /// HTTP 429, `Retry-After: <seconds>`, body `{"ok":false,"error":"ratelimited"}`.
    void rate_limit_next(std::string method, std::size_t n, std::chrono::seconds retry_after);
    /// HTTP 200 `{"ok":false,"error":"<error>"}`.
    void fail_next(std::string method, std::size_t n, std::string error);
    /// Never answers (until the fake is destroyed): for the adapter's request timeout.
    void stall_next(std::string method, std::size_t n = 1);
    /// Answers normally after `delay`.
    void delay_next(std::string method, std::size_t n, std::chrono::milliseconds delay);
    /// Closes the connection without answering.
    void drop_next(std::string method, std::size_t n = 1);
    /// Answers with HTTP `status` and `body` (e.g. 500/503, which SDKs retry once).
    void status_next(std::string method, std::size_t n, unsigned status, std::string body = {});
    /// Forgets the rules not yet used for `method` ("*" included only if named).
    void clear_scripts(std::string const& method);

    // ---- Web API inspection -----------------------------------------------------------------

    /// Every /api/ call in arrival order; only those to `method` if given.
    std::vector<web_api_call> calls(std::string_view method = {}) const;
    std::size_t call_count(std::string_view method) const;
    /// Waits until at least `n` calls to `method` have been answered (or stalled/dropped).
    bool wait_for_calls(std::string_view method, std::size_t n, std::chrono::milliseconds timeout = 5s) const;
    /// Accepted messages (ok()), in arrival order; only those for `channel` if given. POSTs to
    /// a response_url count too (method "response_url", the slash command's channel).
    std::vector<posted_message> messages(std::string_view channel = {}) const;
    /// Every message, refused ones included (bad token, no_text, msg_too_long, ...).
    std::vector<posted_message> all_messages() const;
    /// Waits until at least `n` messages were accepted (for `channel`, if given).
    bool wait_for_messages(std::size_t n, std::chrono::milliseconds timeout = 5s,
                           std::string_view channel = {}) const;
    /// `users.info` calls asking for `user` (the adapter's name cache should keep this at 1).
    std::size_t users_info_calls(std::string_view user) const;
    /// Tickets handed out by apps.connections.open, in order.
    std::vector<std::string> tickets() const;

    // ---- Socket Mode ------------------------------------------------------------------------

    /// Link number `number` (1-based, accept order). Does not check that it exists yet.
    slack_link link(std::size_t number);
    /// The newest link that is still open (stalled ones included). Throws if none is open.
    /// Resolved now: a handle keeps pointing to that link after the adapter reconnects.
    slack_link newest();
    /// Links open now (stalled and non-reading ones included).
    std::size_t open_connections() const;
    /// Links accepted so far (refused tickets not counted).
    std::size_t connections_opened() const;
    /// Waits until at least `n` links have been accepted in total.
    bool wait_for_connections(std::size_t n, std::chrono::milliseconds timeout = 5s) const;
    /// Waits until exactly `n` links are open.
    bool wait_for_open_connections(std::size_t n, std::chrono::milliseconds timeout = 5s) const;
    /// Every link so far, by number.
    std::vector<link_info> links() const;
    std::vector<refused_upgrade> refused_upgrades() const;

    /// Sends envelope `envelope_id` again (as last sent) on the newest open, unstalled link:
    /// an events_api envelope with retry_attempt + 1 and retry_reason "timeout" (PROTOCOLS.md
    /// 1.7); other types unchanged. Throws if the id is unknown or no link is open.
    void redeliver(std::string const& envelope_id);
    /// The same on link `link_number`.
    void redeliver(std::string const& envelope_id, std::size_t link_number);

    /// Waits for the first ack of `envelope_id`; nullopt on timeout.
    std::optional<ack> wait_for_ack(std::string const& envelope_id,
                                    std::chrono::milliseconds timeout = 5s) const;
    /// Waits until `envelope_id` has been acked at least `n` times; returns all its acks (fewer
    /// than `n` on timeout).
    std::vector<ack> wait_for_acks(std::string const& envelope_id, std::size_t n,
                                   std::chrono::milliseconds timeout = 5s) const;
    /// Every ack in arrival order.
    std::vector<ack> acks() const;
    /// Acks of `envelope_id`, in arrival order.
    std::vector<ack> acks_for(std::string const& envelope_id) const;
    /// Every envelope written, redeliveries included, in order.
    std::vector<sent_envelope> sent_envelopes() const;
    /// Every frame the client sent on any link.
    std::vector<client_frame> client_frames() const;

  private:
    std::shared_ptr<detail::fake_state> st_;
    std::unique_ptr<test::test_server> server_;
};

} // namespace coolhead::testing

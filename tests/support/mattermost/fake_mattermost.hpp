#pragma once
/// fake_mattermost: an in-process, scriptable Mattermost server for the Mattermost adapter's
/// integration tests. One object is one test_server (TLS from the test CA, 127.0.0.1, a port the
/// OS picks, its own thread) serving the REST API (`/api/v4/...`), the websocket
/// (`/api/v4/websocket`) and response URLs (`/hooks/commands/<id>`); it also plays Mattermost's
/// side of custom slash commands by POSTing to the adapter's callback endpoint.
///
/// Point the adapter at `server_url()` ("https://localhost:<port>") with the test CA
/// (`ca_file()`) and `options().bot_token`, then drive Mattermost from the test thread:
///
///     coolhead::testing::fake_mattermost mm;                  // adapter settings from mm.*()
///     ... start the adapter (its callback endpoint on 127.0.0.1:<cb>) ...
///     ASSERT_TRUE(mm.wait_for_connections(1));                // websocket authenticated
///     auto res = mm.invoke_command("/incident", "start db latency",
///                                  "http://127.0.0.1:" + std::to_string(cb) + "/mattermost/command");
///     ASSERT_EQ(res.status, 200u);
///     EXPECT_LT(res.elapsed, 2s);                             // measured, not slept
///     EXPECT_EQ(res.response_type, "in_channel");
///     mm.post_message(mm.incident_channel(), mm.alice(), "db is slow"); // a `posted` event
///     ASSERT_TRUE(mm.wait_for_bot_posts(mm.incident_channel(), 1));     // the adapter answered
///     mm.newest().drop();                                     // the adapter must resume...
///     ASSERT_TRUE(mm.wait_for_connections(2));
///     EXPECT_TRUE(mm.connections()[1].resumed);               // ...with connection_id + seq
///
/// What it does like Mattermost (PROTOCOLS.md section 2):
/// - Websocket auth by `Authorization: Bearer <token>` on the upgrade, or by an
///   `authentication_challenge` (`{"seq":1,"action":"authentication_challenge","data":
///   {"token":…}}` → `{"status":"OK","seq_reply":1}`, then `hello`); a bad token in a challenge
///   closes the socket without a frame; a socket still unauthenticated after `auth_timeout` is
///   closed the same way (2.1). Requests on an unauthenticated socket answer FAIL
///   `api.web_socket_router.not_authenticated.app_error`; `seq <= 0` answers FAIL `bad_seq`; a
///   challenge on an authenticated socket is ignored.
/// - Events carry `seq` counting from 0 per connection id; responses carry `seq_reply` and no
///   `seq` (2.2). `hello` (seq 0) has a fresh 26-character `connection_id`, `server_version`
///   and `broadcast.user_id` = the bot. `ping` answers `{"status":"OK","seq_reply":N,"data":
///   {"text":"pong","version":…,"server_time":…,"node_id":""}}`; `user_typing`, `get_statuses`,
///   `get_statuses_by_ids`, `presence`, `posted_notify_ack` answer OK; other actions FAIL
///   `api.web_socket_router.bad_action.app_error`. Client frames over `client_frame_limit`
///   (8 KB) are answered with close 1009.
/// - Resume (2.4): the last `resume_queue_size` (128) events are kept per connection id, also
///   while no socket is open (events that happen while the adapter is away are queued). A
///   Bearer upgrade with `?connection_id=<id>&sequence_number=<n>` for a live id whose queue
///   still has `n` (or whose next seq is `n`) replays from `n`: same id, NO hello. Otherwise
///   (unknown id, `n` lost, after server_restart(), or `resume_enabled == false`): a NEW id,
///   seq 0, `hello`. `connection_id` without a valid `sequence_number` is refused (the socket
///   is closed without a frame). Challenge-authenticated sockets always start fresh (2.1).
///   A resume of an id whose old socket is still open drops that old socket ("superseded").
/// - Only channel members get a channel's events (2.3); `posted` has `data.post` and
///   `data.mentions` as JSON STRINGS; the bot's own REST posts come back as `posted` too.
/// - REST (`Authorization: Bearer` checked everywhere except `/api/v4/system/ping` and the
///   hooks): `GET /users/me`, `GET /users/{id}`, `GET /users/me/teams`, `GET /teams/{id}`,
///   `GET /teams/name/{name}`, `GET /channels/{id}`, `GET /channels/{id}/posts`,
///   `POST /channels/{id}/members` (the bot joining a public channel), `POST /posts`, `POST|GET /commands`, `GET /system/ping`; on_rest() adds more. Errors are
///   Mattermost AppError bodies `{"id","message","detailed_error","request_id","status_code",
///   "is_oauth"}` with real HTTP statuses and real ids; every answer carries `X-Request-Id` and
///   `X-Version-Id`.
/// - Rate limiting (2.7): scripted 429s with `X-Ratelimit-Limit/-Remaining/-Reset` and body
///   "limit exceeded\n" (text/plain, as Go's http.Error writes it); with
///   `rate_limit.enabled`, a token bucket (`per_sec`, `max_burst`) enforced on every REST
///   request and `X-Ratelimit-*` on every answer.
/// - Slash commands (2.6): registration with permission and validation; invocation as a
///   `application/x-www-form-urlencoded` POST with `Accept: application/json`,
///   `Authorization: Token <command token>` and the fields in url.Values order; the answer is
///   JSON only with `Content-Type: application/json`, else plain text; an `in_channel` answer
///   becomes a post in the channel made by the invoking user (props.from_webhook "true", as
///   `HandleCommandResponsePost` does; the bot gets it back as a `posted` event from that user,
///   which it must not take for a command), an `ephemeral` one an ephemeral for that user (the
///   bot gets no event for it).
///
/// Where it is stricter or simpler than Mattermost (on purpose, so adapter bugs show):
/// - only the `Bearer` scheme counts (Mattermost also takes `Token`, cookies, `access_token`);
/// - a WRONG Bearer token on the websocket upgrade drops the socket at once (Mattermost keeps
///   it unauthenticated and waits `auth_timeout` for a challenge; set `drop_bad_bearer = false`
///   for that);
/// - test_server cannot refuse an upgrade with an HTTP status, so refusals accept the upgrade
///   and close the TCP connection without a close frame (what Mattermost does after its
///   upgrade too);
/// - routes are exact paths (test_server): `/api/v4/users/{id}` and `/api/v4/channels/{id}/...`
///   exist for every user/channel in the tables and every id a test-made event mentioned;
///   a completely unknown id gets test_server's plain-text 404, not an AppError;
/// - a trigger with '/' anywhere is invalid (Mattermost: only a leading one); an empty message
///   is refused with 400 `api.context.invalid_body_param.app_error` (unverified);
/// - server websocket pings are sent, but test_server cannot see pong control frames, so client
///   pongs are NOT recorded (see `websocket_connection::pings_sent`);
/// - GET /api/v4/channels/{id}/posts: with `since`, every post of the channel with
///   update_at > since (deleted ones included, no limit), newest first, like the non-CRT query;
///   without it, `page`/`per_page` over the posts not deleted; no `before`/`after`.
///
/// Threading: every public function may be called from any thread except the fake's own server
/// thread (so not from an on_rest handler), and is bounded: it posts to the server thread and
/// waits at most `options().call_timeout`, then throws std::runtime_error. Waits take their own
/// timeout and return false / nullopt when it passes. Nothing here sleeps to decide a result.
/// Records are snapshots copied under a lock.

#include "bot/net/http_fields.hpp"
#include "tests/support/mattermost/mattermost_payloads.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::test {
class test_server;
}

namespace coolhead::testing {

using namespace std::chrono_literals;
/// Every time the fake records is on this clock (post timestamps use the fake's own clock).
using steady_time = std::chrono::steady_clock::time_point;

namespace mm_detail {
struct mm_state;
}

/// Mattermost's REST rate limiter (PROTOCOLS.md 2.7; `RateLimitSettings`, off by default).
struct mattermost_rate_limit {
    /// Enforce a token bucket on every REST request and send `X-Ratelimit-*` on every answer.
    bool enabled = false;
    double per_sec = 10;         ///< refill rate
    std::size_t max_burst = 100; ///< bucket size; `X-Ratelimit-Limit` is max_burst + 1 (throttled)
    /// Also send `Retry-After` on 429s (the throttled library does; off so that tests see the
    /// adapter use `X-Ratelimit-Reset`, checklist item 9).
    bool retry_after_header = false;
};

/// Configuration. The default ids and tokens are distinctive 26-character strings, so a
/// redaction test can search logs for them.
struct fake_mattermost_options {
    /// Expected as `Authorization: Bearer <bot_token>` (REST, websocket upgrade) or in an
    /// authentication_challenge.
    std::string bot_token = "fakebottokendonotlog7f3a9c";
    std::string bot_user_id = "fakebotuser000000000000001";
    std::string team_id = "faketeam000000000000000001";
    std::string team_name = "acme"; ///< `team_domain` in command forms
    std::string team_display_name = "Acme";
    /// `hello` data.server_version and `X-Version-Id`.
    std::string server_version = "9.11.0.9.11.0.fakebuildhash.false";
    /// `GET /api/v4/users/{id}` answers from this table; must contain the bot. add_user() adds.
    std::vector<mattermost_user> users = {
        {"fakebotuser000000000000001", "coolhead", "", "", "", true},
        {"fakealice00000000000000001", "alice", "Al", "Alice", "Archer", false},
        {"fakebob0000000000000000001", "bob", "", "Bob", "Baker", false},
        {"fakecarol00000000000000001", "carol", "", "Carol", "Cole", false},
    };
    /// Channels; the first is incident_channel(). add_channel() adds, set_member() changes.
    std::vector<mattermost_channel> channels = {
        {"fakechannelincident0000001", "incident-42", "Incident 42", 'O', "", true},
        {"fakechanneltownsquare00001", "town-square", "Town Square", 'O', "", false},
        {"fakechanneldmalicebot00001", "fakealice00000000000000001__fakebotuser000000000000001", "", 'D', "",
         true},
    };

    /// The fake's clock for create_at/update_at/edit_at/delete_at (ms since the epoch). Each
    /// timestamp handed out moves it on by `clock_tick_ms`, so stamps strictly increase.
    std::int64_t start_time_ms = 1'700'000'000'000;
    std::int64_t clock_tick_ms = 1;
    /// `POST /api/v4/posts` refuses longer messages with 400 `model.post.is_valid.msg.app_error`
    /// (PostMessageMaxRunesV2; old schemas: 4000).
    std::size_t message_max_runes = 16383;

    /// Events kept per connection id for resume (Mattermost's deadQueueSize).
    std::size_t resume_queue_size = 128;
    /// false: every upgrade gets a fresh connection id, as a server that cannot resume.
    bool resume_enabled = true;
    /// Websocket pings from the fake on every socket (Mattermost: 60 s).
    std::chrono::milliseconds ping_interval = 5s;
    /// An unauthenticated socket is closed (no frame) after this long (Mattermost: 5 s).
    std::chrono::milliseconds auth_timeout = 5s;
    /// See the file comment (a wrong Bearer token on the upgrade).
    bool drop_bad_bearer = true;
    /// Larger client frames are answered with close 1009 (Mattermost: 8 KB).
    std::size_t client_frame_limit = 8 * 1024;

    /// Whether the bot token has `manage_slash_commands` (bots lack it by default: unverified).
    bool can_manage_slash_commands = true;
    /// Token sent for a trigger nobody registered (the adapter was configured with a token an
    /// admin created).
    std::string command_token = "fakecmdtokendonotlog4b2e8d";
    /// Mattermost's OutgoingIntegrationRequestsTimeout (30 s) for invoke_command().
    std::chrono::milliseconds command_timeout = 30s;

    mattermost_rate_limit rate_limit;

    /// Seed of the id generator (ids are 26 characters of Mattermost's alphabet).
    std::uint64_t id_seed = 1;
    /// Bound of every synchronous call into the server thread (including waiting for frames
    /// to be written).
    std::chrono::milliseconds call_timeout = 5s;
};

/// What the fake made of a request's `Authorization` header.
enum class auth_check {
    ok,          ///< `Bearer <bot_token>`
    missing,     ///< no Authorization header
    not_bearer,  ///< another scheme (`Token …`, `Basic …`)
    wrong_token, ///< Bearer, but not the bot token
};

/// One HTTP request to the REST API (`/api/v4/...`, websocket upgrades excluded), recorded on
/// arrival and completed when answered.
struct rest_call {
    std::string method; ///< "GET", "POST", ...
    std::string target; ///< path and query as sent
    std::string path;   ///< without the query
    net::http_headers headers;
    std::string body;
    auth_check auth = auth_check::missing;
    steady_time received_at{};
    /// HTTP status answered; 0 while pending, or if stalled or dropped.
    unsigned status = 0;
    /// The AppError id answered (empty on success and for scripted bodies).
    std::string error_id;
    /// "" if answered normally, else the script used: "rate_limit", "fail", "stall", "delay",
    /// "drop", or "rate_limiter" (the enforced bucket ran dry).
    std::string scripted;

    std::optional<std::string_view> header(std::string_view name) const noexcept;
};

/// One `POST /api/v4/posts` that reached the handler (scripted answers and auth failures are
/// not attempts).
struct post_attempt {
    std::string channel_id;
    std::string message;
    std::string root_id;
    std::size_t runes = 0;
    nlohmann::json body; ///< the parsed request (null if it did not parse)
    unsigned status = 0; ///< 201 or the error status
    std::string error_id;
    std::string post_id; ///< the created post, if accepted
    steady_time received_at{};

    bool ok() const noexcept { return status == 201; }
};

/// One `POST /api/v4/commands` that reached the handler.
struct command_registration {
    nlohmann::json request;
    unsigned status = 0; ///< 201 or the error status
    std::string error_id;
    std::optional<registered_command> command; ///< if accepted
};

/// How a socket ended.
enum class socket_end {
    open,             ///< still open (or stalled)
    closed_by_client, ///< the client sent a close frame first
    closed_by_fake,   ///< close(), or 1009 for an oversized client frame
    dropped_by_fake,  ///< drop()
    refused,          ///< bad token, bad resume parameters, bad challenge (see `refusal`)
    auth_timeout,     ///< never authenticated within auth_timeout
    superseded,       ///< a newer socket resumed the same connection id
    server_restart,   ///< dropped by server_restart()
    lost,             ///< the connection failed without a close frame (the client dropped it)
    server_stopped,   ///< still open (e.g. stalled) when the fake shut down
};

/// How a socket authenticated.
enum class socket_auth {
    none,      ///< not (yet)
    bearer,    ///< `Authorization: Bearer` on the upgrade
    challenge, ///< authentication_challenge frame
};

/// One websocket (one upgrade) as the fake sees it. Sockets are numbered 1, 2, ... in the order
/// their upgrades were accepted, refused ones included.
struct websocket_connection {
    std::size_t number = 0;
    std::string target; ///< the upgrade's path and query
    net::http_headers upgrade_headers;
    /// Query parameters as sent (nullopt if absent).
    std::optional<std::string> requested_connection_id;
    std::optional<std::string> requested_sequence_number;
    std::optional<std::string> disconnect_err_code;
    socket_auth auth = socket_auth::none;
    /// The Mattermost connection id this socket serves (fresh or resumed); empty until
    /// authenticated.
    std::string connection_id;
    bool resumed = false;           ///< resumed `requested_connection_id` (no hello)
    bool hello_sent = false;        ///< a NEW hello was written on this socket (not a replayed one)
    std::size_t replayed = 0;       ///< events replayed from the queue on resume
    std::int64_t first_seq = -1;    ///< seq of the first event written on this socket
    std::int64_t last_seq = -1;     ///< seq of the last event written on this socket
    std::size_t events_sent = 0;    ///< event frames written (replays included)
    std::size_t responses_sent = 0; ///< seq_reply frames written
    std::size_t pings_sent = 0;     ///< websocket pings written by the fake (pongs are not visible)
    std::size_t frames_received = 0;
    std::string refusal; ///< why it was refused ("invalid token", "sequence_number missing", ...)
    steady_time opened_at{};
    std::optional<steady_time> closed_at;
    socket_end end = socket_end::open;
    bool stalled = false;
    /// The code of the client's close frame, if it sent one (e.g. 4001 on a seq gap).
    std::optional<std::uint16_t> client_close_code;

    bool open() const noexcept { return end == socket_end::open; }
};

/// A frame the client sent, in arrival order.
struct mattermost_client_frame {
    std::size_t socket = 0;
    std::string data;
    bool valid_json = false;
    std::string action;   ///< "" if none
    std::int64_t seq = 0; ///< the request's `seq` (0 if absent)
    steady_time received_at{};
};

/// An event the fake generated for one connection id (one row per connection it went to).
struct sent_event {
    std::string connection_id;
    std::int64_t seq = 0;
    std::string event; ///< "hello", "posted", ...
    std::string channel_id;
    std::string frame; ///< the exact text (with seq)
    /// The socket it was queued on at once, or 0 if no socket was open (queued for resume).
    std::size_t socket = 0;
    steady_time at{};
};

/// An ephemeral message Mattermost would show one user (command responses). The bot gets no
/// websocket event for these.
struct ephemeral_message {
    std::string user_id;
    std::string channel_id;
    std::string message;
    std::string via; ///< "command_response" or "response_url"
};

/// One POST to a response_url the fake served (`/hooks/commands/<id>`).
struct response_url_call {
    std::string hook_id;
    std::string body;
    nlohmann::json json; ///< null if the body is not JSON
    unsigned status = 0; ///< 200, 400 after 5 uses, 404 unknown hook
    std::string response_type;
    std::string created_post_id; ///< in_channel answers
};

/// A slash command for invoke_command(). Empty fields take defaults (see each). Set fields one by
/// one: GCC 12 warns (-Wmissing-field-initializers, an error here) about designated initialisers
/// that leave fields out.
struct command_invocation {
    std::string command = "/incident"; ///< with the leading '/'
    std::string text;
    std::string channel_id; ///< default: the first channel (incident_channel())
    std::string user_id;    ///< default: alice
    /// Default: the url the adapter registered for this trigger (POST /api/v4/commands) or
    /// register_command() stored. "http://127.0.0.1:<port>/..." or "https://localhost:<port>/..."
    /// (the test CA is trusted).
    std::string callback_url;
    /// The `token` field; nullopt: the registered command's token, else options.command_token.
    /// Set it to forge a token.
    std::optional<std::string> token;
    /// The whole Authorization value; nullopt: "Token <token>"; "" sends no header.
    std::optional<std::string> authorization;
    /// nullopt: application/x-www-form-urlencoded; "" sends no Content-Type.
    std::optional<std::string> content_type;
    /// Sent instead of the encoded form (huge or garbage bodies).
    std::optional<std::string> raw_body;
    /// Default: a fresh trigger id. Pass an earlier result's trigger_id to redeliver.
    std::string trigger_id;
    /// The thread the command was typed in (Mattermost does not send it, but an in_channel
    /// answer lands there).
    std::string root_id;
    /// "P" posts the form; "G" sends it as the query string of a GET.
    std::string method;
    /// Default: options.command_timeout.
    std::optional<std::chrono::milliseconds> timeout;
};

/// What invoke_command() saw.
struct command_result {
    // The request as sent.
    std::string url;
    std::string trigger_id;
    std::string token; ///< the `token` field sent
    std::string request_body;
    std::string response_url;

    /// The transport error ("timeout", a connection error); empty if an answer arrived.
    std::string error;
    unsigned status = 0;
    net::http_headers headers;
    std::string body;
    /// The parsed body when Content-Type is application/json (null if it does not parse).
    std::optional<nlohmann::json> json;
    /// From the JSON, or the whole body as text when it is not JSON (as Mattermost reads it).
    std::string response_type;
    std::string text;
    bool skip_slack_parsing = false;
    /// From just before connecting until the whole answer was read: assert deadlines on this.
    std::chrono::steady_clock::duration elapsed{};
    /// The post an in_channel answer created (as the invoking user), or empty.
    std::string created_post_id;

    bool ok() const noexcept { return error.empty() && status == 200; }
    std::optional<std::string_view> header(std::string_view name) const noexcept;
};

/// A REST route written by the test (on_rest): gets the call (token already checked: only calls
/// with the bot token arrive, after scripts and the rate limiter) and returns status and JSON.
/// Runs on the server thread: do not call fake_mattermost from it.
struct rest_reply {
    unsigned status = 200;
    nlohmann::json body = nlohmann::json::object();
};
using rest_handler = std::function<rest_reply(rest_call const&)>;

/// A handle to socket number `number()` of a fake_mattermost. Cheap to copy; valid as long as
/// the fake. Sending functions wait until the frame is written (bounded) and throw
/// std::runtime_error if the socket is not open (closed, dropped, stalled) or the write fails.
class mattermost_socket {
  public:
    std::size_t number() const noexcept { return number_; }
    /// A snapshot; throws if no such socket exists.
    websocket_connection info() const;
    bool is_open() const;
    /// Waits until the socket has ended (any way); false on timeout.
    bool wait_closed(std::chrono::milliseconds timeout = 5s) const;

    /// Sends `text` as a text frame as is (malformed JSON, unknown events, a fake seq).
    void send_raw(std::string text);
    /// Sends a binary frame (Mattermost uses msgpack only if the client asked; skip it).
    void send_binary(std::string data);
    /// Sends one text frame of `bytes` bytes (a JSON string literal), larger than the adapter's
    /// read limit by default (1 MiB in bot/net).
    void send_oversized(std::size_t bytes = 2u << 20);
    /// Sends an event to this socket's connection only, with the next seq (kept for resume).
    void send_event(std::string type, nlohmann::json data,
                    nlohmann::json broadcast = mattermost::broadcast());
    /// Leaves `gap` seq numbers out, then sends a `status_change` event to this socket's
    /// connection: the client sees a seq gap (and should close 4001 and reconnect; resuming at
    /// the missing seq then gets a new connection id).
    void skip_seq(std::size_t gap = 1);
    /// Closes the TCP connection now, without a close frame. The connection id stays live.
    void drop();
    /// Goes silent for good: no pings, no frames, no reads (client pings go unanswered); the
    /// TCP connection stays open until the fake is destroyed. Events for its connection id are
    /// still queued for resume.
    void stall();
    /// Sends a close frame with `code` after the frames already queued; returns once queued
    /// (wait_closed() waits for the end).
    void close(std::uint16_t code = 1000, std::string reason = {});

  private:
    friend class fake_mattermost;
    mattermost_socket(std::shared_ptr<mm_detail::mm_state> st, std::size_t number)
        : st_(std::move(st)), number_(number)
    {
    }
    std::shared_ptr<mm_detail::mm_state> st_;
    std::size_t number_ = 0;
};

/// Full control over a test-made post (post_message with more than the usual arguments).
struct post_args {
    std::string channel_id;
    std::string user_id;
    std::string message;
    std::string root_id;
    std::string type;
    nlohmann::json props = nlohmann::json::object();
    /// data.mentions; nullopt: @username mentions of known users, plus the bot in a direct
    /// channel.
    std::optional<std::vector<std::string>> mentions;
    /// data.sender_name; empty: "@<username>".
    std::string sender_name;
};

/// The fake Mattermost. Not copyable or movable; destroying it closes every connection (stalled
/// ones included) and joins its thread.
class fake_mattermost {
  public:
    explicit fake_mattermost(fake_mattermost_options options = {});
    ~fake_mattermost();
    fake_mattermost(fake_mattermost const&) = delete;
    fake_mattermost& operator=(fake_mattermost const&) = delete;

    // ---- Endpoints and configuration --------------------------------------------------------

    /// "https://localhost:<port>": the adapter's server URL (REST under /api/v4).
    std::string server_url() const;
    /// "wss://localhost:<port>/api/v4/websocket".
    std::string websocket_url() const;
    std::uint16_t port() const noexcept;
    /// The test CA file the adapter must trust (the fake's certificate is for localhost).
    std::string ca_file() const;
    fake_mattermost_options const& options() const noexcept;
    /// The underlying server, e.g. for requests() of every path.
    test::test_server& server() noexcept;

    /// Shorthands for the default tables.
    std::string const& bot() const noexcept;              ///< the bot's user id
    std::string const& incident_channel() const noexcept; ///< options().channels[0].id
    std::string alice() const;                            ///< the id of user "alice"
    std::string bob() const;                              ///< the id of user "bob"
    /// The id of `username` in the user table; throws if unknown.
    std::string user_id(std::string_view username) const;

    // ---- Data -------------------------------------------------------------------------------

    /// Adds or replaces a user (and routes /api/v4/users/<id>).
    void add_user(mattermost_user user);
    /// Adds or replaces a channel (and routes /api/v4/channels/<id>[/posts]).
    void add_channel(mattermost_channel channel);
    /// Makes the bot a member of `channel_id` or not (events and posting follow at once).
    void set_member(std::string const& channel_id, bool member);
    /// Grants or revokes `manage_slash_commands`.
    void set_can_manage_slash_commands(bool can);
    /// Registers a command as an admin would (no REST call); returns it with its token.
    registered_command register_command(std::string trigger, std::string url);

    // ---- The clock --------------------------------------------------------------------------

    /// The next timestamp the fake will hand out (ms).
    std::int64_t now_ms() const;
    void set_clock(std::int64_t ms);
    void advance_clock(std::chrono::milliseconds d);

    // ---- Things users do (events) -----------------------------------------------------------
    // Each stores the change (visible to REST at once) and sends the event to every live
    // connection id whose user may see it (channel members), with the next seq of each; to the
    // open socket if there is one, else into the resume queue. Returns once the frames were
    // written to the open sockets (bounded by call_timeout; a socket that fails is skipped).

    /// A user posts; returns the new post (id, create_at from the fake's clock).
    mattermost_post post_message(std::string channel_id, std::string user_id, std::string message,
                                 std::string root_id = {});
    mattermost_post post_message(post_args args);
    /// Edits a post's message (`post_edited`); returns the updated post. Throws if unknown.
    mattermost_post edit_post(std::string const& post_id, std::string message);
    /// Deletes a post (`post_deleted`, delete_by = `by` or the author). Throws if unknown.
    mattermost_post delete_post(std::string const& post_id, std::string by = {});
    /// `reaction_added` / `reaction_removed` on a post. Throws if the post is unknown.
    void add_reaction(std::string user_id, std::string const& post_id, std::string emoji_name);
    void remove_reaction(std::string user_id, std::string const& post_id, std::string emoji_name);
    /// Any event to every live connection id (channel members only if `channel_id` is set; it
    /// becomes broadcast.channel_id).
    void broadcast_event(std::string type, nlohmann::json data, std::string channel_id = {});
    /// Forgets every connection id and drops every open socket (if `drop_sockets`), as a
    /// restarted server: the next upgrade gets a new id and `hello`; posts stay (they are in the
    /// database) and are only available through REST.
    void server_restart(bool drop_sockets = true);

    // ---- Websocket --------------------------------------------------------------------------

    /// Socket number `number` (1-based, accept order). Does not check that it exists yet.
    mattermost_socket socket(std::size_t number);
    /// The newest socket that is open and authenticated (stalled ones included). Throws if none.
    mattermost_socket newest();
    /// Every socket so far, by number.
    std::vector<websocket_connection> connections() const;
    /// Waits until at least `n` sockets have been authenticated (fresh or resumed) in total.
    bool wait_for_connections(std::size_t n, std::chrono::milliseconds timeout = 5s) const;
    /// Waits until exactly `n` sockets are open and authenticated.
    bool wait_for_open_connections(std::size_t n, std::chrono::milliseconds timeout = 5s) const;
    /// Sockets open and authenticated now.
    std::size_t open_connections() const;
    /// Connection ids the fake would resume now.
    std::vector<std::string> live_connection_ids() const;
    /// Every frame clients sent, in order.
    std::vector<mattermost_client_frame> client_frames() const;
    /// Waits until at least `n` frames with `action` arrived ("" counts every frame).
    bool wait_for_client_frames(std::string_view action, std::size_t n,
                                std::chrono::milliseconds timeout = 5s) const;
    /// Every event generated, per connection id, in order.
    std::vector<sent_event> events() const;

    // ---- REST inspection --------------------------------------------------------------------

    /// Every REST request in arrival order; only those to `path` if given.
    std::vector<rest_call> requests(std::string_view path = {}) const;
    /// Waits until at least `n` requests to `path` were answered (or stalled/dropped).
    bool wait_for_requests(std::string_view path, std::size_t n,
                           std::chrono::milliseconds timeout = 5s) const;
    /// Every post in `channel_id` (all if empty), in creation order, whoever made it.
    std::vector<mattermost_post> posts(std::string_view channel_id = {}) const;
    /// Posts the adapter made through REST (post_origin::rest), in arrival order.
    std::vector<mattermost_post> bot_posts(std::string_view channel_id = {}) const;
    /// Waits until `channel_id` has at least `n` posts of any origin.
    bool wait_for_posts(std::string_view channel_id, std::size_t n,
                        std::chrono::milliseconds timeout = 5s) const;
    /// Waits until the adapter made at least `n` REST posts in `channel_id` (any if empty).
    bool wait_for_bot_posts(std::string_view channel_id, std::size_t n,
                            std::chrono::milliseconds timeout = 5s) const;
    /// The post with `id`, as stored now.
    std::optional<mattermost_post> post(std::string_view id) const;
    /// Every POST /api/v4/posts that reached the handler, refused ones included.
    std::vector<post_attempt> post_attempts() const;
    /// `GET /api/v4/users/{id}` calls for `user_id` (the adapter's cache should keep this low).
    std::size_t user_lookups(std::string_view user_id) const;
    /// `GET /api/v4/users/me` calls.
    std::size_t me_lookups() const;
    /// Every POST /api/v4/commands that reached the handler.
    std::vector<command_registration> command_registrations() const;
    /// Commands registered now (by REST or register_command()).
    std::vector<registered_command> commands() const;
    std::vector<ephemeral_message> ephemerals() const;
    std::vector<response_url_call> response_url_calls() const;

    // ---- Scripted REST failures -------------------------------------------------------------
    // Each call queues a rule for `path` (exact, no query: "/api/v4/posts"); rules apply in the
    // order queued, each to its next `n` requests, before the rate limiter, the token check and
    // the normal answer. "*" rules apply to any REST path without an unused rule of its own.
    // Scripted requests are recorded in requests() but create nothing.

    /// HTTP 429, `X-Ratelimit-Limit: <limit>`, `-Remaining: 0`, `-Reset: <reset s>`, body
    /// "limit exceeded\n".
    void rate_limit_next(std::string path, std::size_t n, std::chrono::seconds reset = 1s,
                         std::size_t limit = 101);
    /// HTTP `status` with `body`; an empty body becomes an AppError
    /// `{"id":"app.fake.scripted_error",…,"status_code":status}`.
    void fail_next(std::string path, std::size_t n, unsigned status, std::string body = {});
    /// Never answers (until the fake is destroyed): for the adapter's request timeout.
    void stall_next(std::string path, std::size_t n = 1);
    /// Answers normally after `delay`.
    void delay_next(std::string path, std::size_t n, std::chrono::milliseconds delay);
    /// Closes the connection without answering.
    void drop_next(std::string path, std::size_t n = 1);
    /// Forgets the unused rules for `path`.
    void clear_scripts(std::string const& path);
    /// Turns the enforced rate limiter on or off (see mattermost_rate_limit); refills it.
    void set_rate_limiting(bool enabled);
    /// Serves `method` `path` with `handler` (replacing a built-in answer), after scripts, the
    /// rate limiter and the token check.
    void on_rest(std::string method, std::string path, rest_handler handler);

    // ---- Slash commands (the fake as Mattermost calling the adapter) ------------------------

    /// Sends the command to the adapter like Mattermost (PROTOCOLS.md 2.6) and waits for the
    /// answer (bounded by the invocation's timeout plus call_timeout). Never throws for HTTP or
    /// transport failures: see command_result::error and ::status. An in_channel answer creates
    /// a post (and its `posted` event) before this returns.
    command_result invoke_command(command_invocation invocation);
    /// The same with the usual fields: alice types `command` `text` in incident_channel().
    command_result invoke_command(std::string command, std::string text, std::string callback_url = {});
    /// The same without waiting: several commands in flight (e.g. a redelivery racing the
    /// first). The future is ready by the invocation's timeout plus a little.
    std::future<command_result> start_command(command_invocation invocation);
    /// Every invocation's result so far, in completion order.
    std::vector<command_result> command_results() const;

  private:
    std::shared_ptr<mm_detail::mm_state> st_;
    std::unique_ptr<test::test_server> server_;
};

} // namespace coolhead::testing

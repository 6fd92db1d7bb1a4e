#include "bot/adapters/mattermost/mattermost_adapter.hpp"

#include "bot/adapters/mattermost/markdown.hpp"
#include "bot/adapters/mattermost/rest.hpp"
#include "bot/adapters/mattermost/slash_command.hpp"
#include "bot/net/error.hpp"

#include <nlohmann/json.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coolhead::mattermost {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using adapters::outgoing;
using adapters::send_outcome;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t recent_posts = 2000;

bool is_pin(std::string_view emoji) { return emoji == "pushpin" || emoji == "round_pushpin"; }

net::http_server_response reply(unsigned status, std::string body = {}, std::string content_type = "text/plain; charset=utf-8")
{
    net::http_server_response r;
    r.status = status;
    r.headers.push_back({"Content-Type", std::move(content_type)});
    r.body = std::move(body);
    return r;
}

std::vector<std::string> chunks_of(commands::markup::document const& doc, std::size_t limit)
{
    std::vector<std::string> out;
    for (auto& c : split(render(doc), limit))
        if (!c.empty()) out.push_back(std::move(c));
    return out;
}

} // namespace

mattermost_adapter::mattermost_adapter(asio::any_io_executor ex, asio::ssl::context& tls, mattermost_options options,
                                       adapters::inbound_handler& app, log::logger_ptr log)
    : ex_(ex), tls_(tls), options_(std::move(options)), app_(app), log_(std::move(log)),
      bearer_("Bearer " + options_.token.reveal()), poster_(ex, tls, options_.server, options_.http),
      lookups_(ex, tls, options_.server, options_.http),
      outbox_(ex, [this](std::string const& ch, outgoing const& m) { return send(ch, m); }, options_.outbox, log_),
      wake_(std::make_shared<asio::steady_timer>(ex))
{
}

mattermost_adapter::~mattermost_adapter() { *alive_ = false; }

std::uint16_t mattermost_adapter::callback_port() const noexcept { return server_ ? server_->port() : 0; }

// REST -----------------------------------------------------------------------------------------

asio::awaitable<mattermost_adapter::rest_result> mattermost_adapter::rest(net::https_client& client, net::http_method method,
                                                                          std::string target, std::string body)
{
    net::http_request req;
    req.method = method;
    auto what = target.substr(0, target.find('?'));
    req.target = std::move(target);
    req.authorization = bearer_;
    if (!body.empty()) req.headers.push_back({"Content-Type", "application/json"});
    req.body = std::move(body);
    rest_result out;
    auto r = co_await client.request(std::move(req));
    if (!r) {
        log_->warn("event=mattermost_rest_failed path={} error=\"{}\"", what, r.error().message());
        co_return out;
    }
    out.transport_ok = true;
    out.status = r->status;
    out.body = std::move(r->body);
    if (out.status == 429) {
        auto limits = parse_rate_limit(r->header("X-Ratelimit-Limit").value_or(""), r->header("X-Ratelimit-Remaining").value_or(""),
                                       r->header("X-Ratelimit-Reset").value_or(""), r->header("Retry-After").value_or(""));
        out.retry_after = rate_limit_wait(limits);
        log_->warn("event=mattermost_rate_limited path={} retry_after_ms={}", what, out.retry_after.count());
    } else if (out.status >= 300) {
        // The error id is safe to log; the message may quote the request.
        log_->warn("event=mattermost_rest_error path={} status={} error_id={}", what, out.status, parse_api_error(out.body).id);
    }
    co_return out;
}

asio::awaitable<std::string> mattermost_adapter::username(std::string user_id)
{
    if (auto it = names_.find(user_id); it != names_.end()) co_return it->second;
    asio::steady_timer t(ex_, options_.lookup_timeout);
    auto r = co_await (rest(lookups_, net::http_method::get, user_target(user_id), {}) || t.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (r.index() == 0 && std::get<0>(r).status == 200) {
        auto u = parse_user(std::get<0>(r).body);
        if (u.ok() && !u.username.empty()) {
            names_[user_id] = u.username;
            co_return u.username;
        }
    }
    co_return user_id;
}

asio::awaitable<std::optional<mattermost_adapter::seen_post>> mattermost_adapter::find_post(std::string post_id)
{
    if (auto it = recent_.find(post_id); it != recent_.end()) co_return it->second;
    asio::steady_timer t(ex_, options_.lookup_timeout);
    auto r = co_await (rest(lookups_, net::http_method::get, "/api/v4/posts/" + post_id, {}) ||
                       t.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (r.index() != 0 || std::get<0>(r).status != 200) co_return std::nullopt;
    auto created = parse_created_post(std::get<0>(r).body);
    if (!created.ok()) co_return std::nullopt;
    co_return seen_post{created.post.user_id, created.post.message, created.post.create_at};
}

asio::awaitable<std::optional<std::string>> mattermost_adapter::direct_channel(std::string user_id)
{
    if (auto it = direct_channels_.find(user_id); it != direct_channels_.end()) co_return it->second;
    auto body = nlohmann::json::array({bot_user_id_, user_id}).dump();
    auto r = co_await rest(lookups_, net::http_method::post, "/api/v4/channels/direct", std::move(body));
    if (!r.transport_ok || r.status >= 300) co_return std::nullopt;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) co_return std::nullopt;
    auto id = j["id"].get<std::string>();
    direct_channels_[user_id] = id;
    co_return id;
}

void mattermost_adapter::post(commands::outbound message) { queue(message); }

void mattermost_adapter::queue(commands::outbound const& m)
{
    auto chunks = chunks_of(m.body, options_.message_limit);
    if (chunks.empty()) return;
    if (m.to == commands::visibility::everyone) {
        for (auto& c : chunks) outbox_.push(m.channel.id, outgoing{std::string(posts_path), post_body(m.channel.id, c)});
        return;
    }
    // Bots can't post ephemeral messages over REST (PROTOCOLS.md 2.7): a direct message instead,
    // queued on a lane of its own ("dm:<user>") so the channel's order is unaffected.
    for (auto& c : chunks) outbox_.push("dm:" + m.user.id, outgoing{"dm:" + m.user.id, std::move(c)});
}

asio::awaitable<send_outcome> mattermost_adapter::send(std::string const& channel, outgoing const& msg)
{
    std::string body = msg.body;
    if (msg.target.starts_with("dm:")) {
        auto dm = co_await direct_channel(msg.target.substr(3));
        if (!dm) co_return send_outcome{send_outcome::kind::retry};
        body = post_body(*dm, msg.body);
    }
    auto r = co_await rest(poster_, net::http_method::post, std::string(posts_path), std::move(body));
    if (!r.transport_ok) co_return send_outcome{send_outcome::kind::retry};
    if (r.status == 201 || r.status == 200) co_return send_outcome{};
    switch (classify_status(static_cast<int>(r.status))) {
    case error_kind::rate_limited: co_return send_outcome{send_outcome::kind::retry_after, r.retry_after};
    case error_kind::retryable: co_return send_outcome{send_outcome::kind::retry};
    case error_kind::unrecoverable:
        log_->error("event=mattermost_post_refused channel={} status={} hint=\"the bot token was refused; check MATTERMOST_TOKEN\"",
                    channel, r.status);
        co_return send_outcome{send_outcome::kind::failed};
    case error_kind::rejected:
        if (r.status == 403 && !msg.target.starts_with("dm:") && !join_refused_.contains(channel)) {
            // A command ran in a public channel before anyone added the bot: join it and post
            // again, rather than go quiet there. Private channels need someone to add the bot.
            auto joined = co_await rest(poster_, net::http_method::post, channel_members_target(channel), add_member_body(bot_user_id_));
            if (joined.transport_ok && (joined.status == 201 || joined.status == 200)) {
                log_->info("event=mattermost_joined_channel channel={}", channel);
                co_return send_outcome{send_outcome::kind::retry_after, std::chrono::milliseconds{0}};
            }
            if (joined.transport_ok && classify_status(static_cast<int>(joined.status)) == error_kind::rejected)
                join_refused_.insert(channel);
            log_->warn("event=mattermost_join_failed channel={} status={}", channel, joined.status);
        }
        log_->error("event=mattermost_post_rejected channel={} status={} hint=\"is the bot a member of the channel? add it: /invite @<the bot's name>\"",
                    channel, r.status);
        co_return send_outcome{send_outcome::kind::failed};
    }
    co_return send_outcome{send_outcome::kind::failed};
}

// Start and stop -------------------------------------------------------------------------------

asio::awaitable<boost::system::error_code> mattermost_adapter::start()
{
    auto b = options_.random ? net::backoff(options_.backoff, options_.random) : net::backoff(options_.backoff);
    for (int attempt = 1;; ++attempt) {
        auto r = co_await rest(lookups_, net::http_method::get, std::string(users_me_path), {});
        if (r.transport_ok && r.status == 200) {
            auto me = parse_user(r.body);
            if (me.ok()) {
                bot_user_id_ = me.id;
                names_[me.id] = me.username;
                break;
            }
        }
        if (r.transport_ok && r.status == 401) {
            log_->error("event=mattermost_auth_failed hint=\"the server refused MATTERMOST_TOKEN\"");
            co_return make_error_code(net::errc::not_connected);
        }
        if (attempt >= 6) {
            log_->error("event=mattermost_unreachable attempts={}", attempt);
            co_return make_error_code(net::errc::timeout);
        }
        asio::steady_timer t(ex_, r.status == 429 ? r.retry_after : b.next());
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }

    auto server_options = options_.server_options;
    server_options.address = options_.listen_host;
    server_options.port = options_.listen_port;
    server_options.body_limit = std::max<std::size_t>(server_options.body_limit, 256u << 10);
    if (options_.callback_tls) {
        try {
            server_tls_.emplace(net::make_tls_server_context(*options_.callback_tls));
        } catch (std::exception const& e) {
            log_->error("event=mattermost_endpoint_tls_failed error=\"{}\"", e.what());
            co_return make_error_code(net::errc::invalid_url);
        }
        server_options.tls = &*server_tls_;
    }
    server_ = std::make_unique<net::http_server>(ex_, server_options, [this](net::http_server_request req) { return on_http(std::move(req)); });
    if (auto ec = server_->listen()) {
        log_->error("event=mattermost_endpoint_failed address={} port={} error=\"{}\"", options_.listen_host, options_.listen_port, ec.message());
        co_return ec;
    }
    if (options_.command_tokens.empty())
        log_->warn("event=mattermost_no_command_tokens hint=\"run `coolhead mattermost setup`, or set MATTERMOST_COMMAND_TOKENS; "
                   "until then every slash command is refused\"");
    log_->info("event=mattermost_identity bot_user={} endpoint_port={}", bot_user_id_, server_->port());
    asio::co_spawn(ex_, run_socket(), asio::detached);
    co_return boost::system::error_code{};
}

asio::awaitable<void> mattermost_adapter::stop()
{
    stopping_ = true;
    if (server_) co_await server_->stop();
    if (socket_) co_await socket_->close(net::close_code::going_away);
    wake_->cancel();
    for (int i = 0; i < 500 && socket_running_; ++i) {
        asio::steady_timer t(ex_, milliseconds{5});
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_await outbox_.drain(std::chrono::seconds{5});
    log_->info("event=mattermost_stopped");
}

// Websocket ------------------------------------------------------------------------------------

asio::awaitable<void> mattermost_adapter::run_socket()
{
    auto alive = alive_;
    socket_running_ = true;
    // Without an injected source, real jitter (net::backoff's own engine).
    auto b = options_.random ? net::backoff(options_.backoff, options_.random) : net::backoff(options_.backoff);
    std::optional<int> last_close;
    auto scheme = options_.server.tls() ? std::string("wss://") : std::string("ws://");
    while (*alive && !stopping_) {
        // Resume: the connection id and the next sequence number wanted (PROTOCOLS.md 2.4).
        auto url = scheme + options_.server.host_header() + websocket_target(connection_id_, next_seq_, last_close);
        auto ws_options = options_.websocket;
        ws_options.authorization = bearer_;
        if (ws_options.read_message_max < max_frame_bytes) ws_options.read_message_max = max_frame_bytes;
        auto ws = co_await net::websocket_client::connect(ex_, tls_, log::secret(std::move(url)), ws_options);
        if (!*alive) co_return;
        if (!ws) {
            auto wait = b.next();
            log_->warn("event=mattermost_connect_failed error=\"{}\" backoff_ms={}", ws.error().message(), wait.count());
            last_close = 1006;
            wake_->expires_after(wait);
            co_await wake_->async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        ++connections_opened_;
        // Up again (a resume sends no hello): the next drop starts the back-off from its first
        // step, as the official client does on open.
        b.reset();
        socket_.emplace(std::move(*ws));
        last_close = 1006;
        for (;;) {
            auto msg = co_await socket_->read();
            if (!*alive) co_return;
            if (!msg) {
                if (auto const& peer = socket_->peer_close(); peer) last_close = peer->code;
                if (!stopping_) log_->warn("event=mattermost_socket_lost error=\"{}\"", msg.error().message());
                break;
            }
            auto f = parse_frame(*msg);
            if (auto const* m = std::get_if<malformed>(&f)) {
                log_->warn("event=mattermost_frame_malformed bytes={} what=\"{}\"", msg->size(), m->what);
                if (m->seq && *m->seq == next_seq_) ++next_seq_; // it still counts in the sequence
                continue;
            }
            if (auto const* r = std::get_if<response>(&f)) {
                log_->debug("event=mattermost_response seq_reply={} status={}", r->seq_reply, r->status);
                continue;
            }
            auto const& e = std::get<event>(f);
            if (auto const* h = std::get_if<hello>(&e.data)) {
                bool lost = !connection_id_.empty() && h->connection_id != connection_id_;
                connection_id_ = h->connection_id;
                next_seq_ = e.seq.value_or(0) + 1;
                if (!h->bot_user_id.empty()) bot_user_id_ = h->bot_user_id;
                b.reset();
                log_->info("event=mattermost_hello fresh={} server_version={}", lost ? "lost_events" : "yes", h->server_version);
                if (lost) co_await resync();
                continue;
            }
            if (e.seq) {
                if (*e.seq != next_seq_) {
                    // Events were skipped: resume from the one we still need (close 4001, as the
                    // official client does).
                    log_->warn("event=mattermost_seq_gap expected={} got={}", next_seq_, *e.seq);
                    co_await socket_->close(4001);
                    last_close = 4001;
                    break;
                }
                next_seq_ = *e.seq + 1;
            }
            co_await on_event(e);
        }
        socket_.reset();
        if (stopping_) break;
        auto wait = b.next();
        wake_->expires_after(wait);
        co_await wake_->async_wait(asio::as_tuple(asio::use_awaitable));
    }
    socket_running_ = false;
}

void mattermost_adapter::remember(mattermost::post const& p)
{
    if (!recent_.contains(p.id)) recent_order_.push_back(p.id);
    recent_[p.id] = seen_post{p.user_id, p.message, p.create_at};
    while (recent_order_.size() > recent_posts) {
        recent_.erase(recent_order_.front());
        recent_order_.pop_front();
    }
}

void mattermost_adapter::saw_channel(std::string const& channel, std::int64_t at)
{
    auto& last = last_seen_[channel];
    last = std::max(last, at);
}

asio::awaitable<void> mattermost_adapter::deliver(adapters::inbound in)
{
    // Mattermost never sends an event again, so an event the store could not take is handed to
    // the app again here (a few times) rather than lost.
    auto alive = alive_;
    adapters::handled h;
    for (int attempt = 1;; ++attempt) {
        auto copy = in;
        h = co_await app_.handle(std::move(copy));
        if (!*alive) co_return;
        if (h.result != adapters::handled::status::not_recorded || attempt >= options_.event_attempts) break;
        log_->warn("event=mattermost_event_retry delivery={} attempt={}", in.delivery_id, attempt);
        asio::steady_timer t(ex_, options_.event_retry_wait * attempt);
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        if (!*alive) co_return;
    }
    if (h.result == adapters::handled::status::not_recorded)
        log_->error("event=mattermost_event_not_recorded delivery={} hint=\"the store failed; this event is lost\"", in.delivery_id);
    else handed(in.delivery_id);
    if (h.reply) queue(*h.reply);
    for (auto const& effect : h.effects) queue(effect);
}

asio::awaitable<void> mattermost_adapter::on_event(event const& e)
{
    adapters::inbound in;
    in.platform = "mattermost";
    in.team = e.broadcast.team_id;
    in.received = std::chrono::floor<commands::duration>(std::chrono::system_clock::now());
    in.dialect = commands::dialect::mattermost;
    if (auto const* p = std::get_if<posted>(&e.data)) {
        remember(p->post);
        saw_channel(p->post.channel_id, p->post.create_at);
        if (p->post.user_id == bot_user_id_ || !is_person_post(p->post)) co_return; // our own posts, system posts
        auto name = p->sender_name.starts_with("@") ? p->sender_name.substr(1) : std::string{};
        if (!name.empty()) names_[p->post.user_id] = name;
        in.delivery_id = "post:" + p->post.id;
        in.channel = {p->post.channel_id, p->channel_name};
        // GCC 12: no co_await inside a braced aggregate (its strings come out corrupted).
        if (name.empty()) name = co_await username(p->post.user_id);
        in.user = {p->post.user_id, name};
        in.what = adapters::channel_message{p->post.id, p->post.message};
    } else if (auto const* ed = std::get_if<post_edited>(&e.data)) {
        remember(ed->post);
        saw_channel(ed->post.channel_id, ed->post.edit_at);
        in.delivery_id = "edit:" + ed->post.id + ":" + std::to_string(ed->post.edit_at);
        in.channel = {ed->post.channel_id, {}};
        auto name = co_await username(ed->post.user_id);
        in.user = {ed->post.user_id, name};
        in.what = adapters::message_edited{ed->post.id, ed->post.message};
    } else if (auto const* del = std::get_if<post_deleted>(&e.data)) {
        saw_channel(del->post.channel_id, del->post.delete_at);
        in.delivery_id = "delete:" + del->post.id;
        in.channel = {del->post.channel_id, {}};
        auto name = co_await username(del->post.user_id);
        in.user = {del->post.user_id, name};
        in.what = adapters::message_deleted{del->post.id};
    } else if (auto const* r = std::get_if<reaction>(&e.data)) {
        if (!is_pin(r->emoji_name) || r->user_id == bot_user_id_) co_return;
        auto target = co_await find_post(r->post_id);
        if (!target) log_->warn("event=mattermost_pin_unknown_post post={}", r->post_id);
        in.delivery_id = std::string(r->added ? "pin:" : "unpin:") + r->post_id + ":" + r->user_id + ":" + std::to_string(r->create_at);
        in.channel = {r->channel_id, {}};
        auto name = co_await username(r->user_id);
        in.user = {r->user_id, name};
        adapters::reaction re;
        re.emoji = r->emoji_name;
        re.added = r->added;
        re.message_id = r->post_id;
        if (target) {
            auto author = co_await username(target->user_id);
            re.message_author = {target->user_id, author};
            re.message_text = target->message;
            re.message_at = commands::from_millis(target->create_at);
        } else {
            re.message_text = "(a post coolhead could not read)";
            re.message_at = in.received;
        }
        in.what = std::move(re);
    } else {
        co_return;
    }
    // A resync can read a post that the websocket brings too (or the reverse): the app gets each
    // once. (It would not store anything twice, but a message that stores nothing would be
    // looked at twice.)
    if (handed_.contains(in.delivery_id)) {
        log_->debug("event=mattermost_event_known delivery={}", in.delivery_id);
        co_return;
    }
    co_await deliver(std::move(in));
}

void mattermost_adapter::handed(std::string const& delivery_id)
{
    if (!handed_.insert(delivery_id).second) return;
    handed_order_.push_back(delivery_id);
    while (handed_order_.size() > recent_posts) {
        handed_.erase(handed_order_.front());
        handed_order_.pop_front();
    }
}

asio::awaitable<void> mattermost_adapter::resync()
{
    // A new connection id: the server could not replay what happened while we were away. Read
    // every channel we know again since the last post we saw; the app recognises anything it
    // already stored by its delivery id.
    ++resyncs_;
    auto channels = last_seen_;
    log_->warn("event=mattermost_resync channels={}", channels.size());
    for (auto const& [channel, since] : channels) {
        auto r = co_await rest(lookups_, net::http_method::get, posts_since_target(channel, since), {});
        if (!r.transport_ok || r.status != 200) continue;
        auto missed = parse_posts_since(r.body);
        if (!missed.ok()) continue;
        for (auto const& p : missed.posts) {
            if (p.delete_at > 0) {
                event e;
                e.data = post_deleted{p};
                co_await on_event(e);
            } else if (p.create_at > since) {
                event e;
                posted what;
                what.post = p;
                e.data = std::move(what);
                co_await on_event(e);
            } else if (p.edit_at > since) {
                event e;
                e.data = post_edited{p};
                co_await on_event(e);
            }
        }
    }
}

// Slash commands -------------------------------------------------------------------------------

asio::awaitable<void> mattermost_adapter::run_command(adapters::inbound in, std::shared_ptr<command_call> call)
{
    auto alive = alive_;
    auto h = co_await app_.handle(std::move(in));
    if (!*alive) co_return;
    if (call->answered) {
        // Too late for the HTTP answer: the reply and the effects go out as posts.
        log_->info("event=mattermost_command_late_reply");
        if (h.reply) queue(*h.reply);
        for (auto const& effect : h.effects) queue(effect);
        co_return;
    }
    call->handled = std::move(h);
    call->done.cancel();
}

asio::awaitable<net::http_server_response> mattermost_adapter::on_http(net::http_server_request req)
{
    auto path = req.target.substr(0, req.target.find('?'));
    if (path != options_.command_path) co_return reply(404, "not found\n");
    if (req.method != "POST") co_return reply(405, "use POST\n");
    auto type = req.header("Content-Type").value_or("");
    if (type.find("application/x-www-form-urlencoded") == std::string_view::npos) co_return reply(415, "expected a form\n");
    auto parsed = parse_slash_command(req.body);
    if (auto const* bad = std::get_if<malformed_form>(&parsed)) {
        log_->warn("event=mattermost_command_malformed remote={} what=\"{}\"", req.remote_address, bad->what);
        co_return reply(400, "malformed slash-command request\n");
    }
    auto& sc = std::get<slash_command>(parsed);
    auto trigger = sc.command.starts_with("/") ? sc.command.substr(1) : sc.command;
    auto expected = options_.command_tokens.find(trigger);
    // The token in the form must match; so must the Authorization header when it is sent.
    bool ok = expected != options_.command_tokens.end() && tokens_match(expected->second, sc.token.reveal());
    if (ok)
        if (auto h = req.header("Authorization")) {
            auto header_token = token_from_authorization(*h);
            ok = header_token && tokens_match(expected->second, header_token->reveal());
        }
    if (!ok) {
        log_->warn("event=mattermost_command_refused remote={} command={} reason=\"token does not match\"", req.remote_address, sc.command);
        co_return reply(401, "unauthorized\n");
    }

    adapters::inbound in;
    in.platform = "mattermost";
    in.delivery_id = sc.trigger_id.empty() ? std::string{} : "trg:" + sc.trigger_id;
    in.team = sc.team_id;
    in.channel = {sc.channel_id, sc.channel_name};
    in.user = {sc.user_id, sc.user_name};
    in.received = std::chrono::floor<commands::duration>(std::chrono::system_clock::now());
    in.dialect = commands::dialect::mattermost;
    in.what = adapters::slash_command{sc.command, sc.text};
    if (!sc.user_name.empty()) names_[sc.user_id] = sc.user_name;
    saw_channel(sc.channel_id, 0);

    // The app runs on a coroutine of its own, so a slow store is not cut short mid-commit; the
    // answer waits for it at most reply_timeout (the server gives up after 30 s).
    auto call = std::make_shared<command_call>(ex_);
    call->done.expires_at(asio::steady_timer::time_point::max());
    asio::co_spawn(ex_, run_command(std::move(in), call), asio::detached);
    if (!call->handled) {
        call->done.expires_after(options_.reply_timeout);
        co_await call->done.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (!call->handled) {
        call->answered = true;
        log_->warn("event=mattermost_command_slow command={} waited_ms={}", sc.command, options_.reply_timeout.count());
        commands::markup::document doc{{commands::markup::paragraph{
            {commands::markup::t("Still recording that; the answer follows here once it is stored.")}}}};
        auto pending = chunks_of(doc, options_.message_limit);
        co_return reply(200, command_response(pending, commands::visibility::one_user), "application/json");
    }
    auto h = std::move(*call->handled);
    std::vector<std::string> chunks;
    auto to = commands::visibility::one_user;
    if (h.reply) {
        chunks = chunks_of(h.reply->body, options_.message_limit);
        to = h.reply->to;
    }
    // A private effect for the caller rides along with a private reply; anything else is posted.
    for (auto const& effect : h.effects) {
        if (effect.to == commands::visibility::one_user && to == commands::visibility::one_user &&
            commands::same_person(effect.user, h.reply ? h.reply->user : commands::user_ref{}))
            for (auto& c : chunks_of(effect.body, options_.message_limit)) chunks.push_back(std::move(c));
        else
            queue(effect);
    }
    co_return reply(200, command_response(chunks, to), "application/json");
}

} // namespace coolhead::mattermost

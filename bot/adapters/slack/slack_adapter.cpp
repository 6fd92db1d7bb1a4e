#include "bot/adapters/slack/slack_adapter.hpp"

#include "bot/adapters/slack/mrkdwn.hpp"
#include "bot/adapters/slack/ts.hpp"
#include "bot/net/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coolhead::slack {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using adapters::handled;
using adapters::outgoing;
using adapters::send_outcome;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t recent_per_channel = 200;

bool is_pin(std::string_view reaction)
{
    return reaction == "pushpin" || reaction == "round_pushpin";
}

asio::awaitable<void> pause(milliseconds d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

/// Waits for `signal` to be cancelled (an event) or to expire after `d`.
asio::awaitable<void> wait_on(asio::steady_timer& signal, milliseconds d)
{
    signal.expires_after(d);
    co_await signal.async_wait(asio::as_tuple(asio::use_awaitable));
}

std::string_view reason_name(disconnect_reason r)
{
    switch (r) {
    case disconnect_reason::warning:
        return "warning";
    case disconnect_reason::refresh_requested:
        return "refresh_requested";
    case disconnect_reason::link_disabled:
        return "link_disabled";
    case disconnect_reason::too_many_websockets:
        return "too_many_websockets";
    case disconnect_reason::unknown:
        return "unknown";
    }
    return "unknown";
}

} // namespace

struct slack_adapter::link {
    link(net::websocket_client w, int s, std::size_t n) : ws(std::move(w)), slot(s), number(n) {}
    net::websocket_client ws;
    int slot;
    std::size_t number;
    std::shared_ptr<asio::steady_timer> signal; ///< the slot's event: cancelled when this link changes
    bool dead = false;                          ///< the reader ended
    bool refresh = false;                       ///< Slack asked for a new link (warning, refresh_requested)
    std::optional<disconnect_reason> severe;    ///< too_many_websockets, link_disabled
    std::size_t in_hand = 0;                    ///< envelopes being handled
    bool closing = false;

    void notify() const
    {
        if (signal) signal->cancel();
    }
};

slack_adapter::slack_adapter(asio::any_io_executor ex, asio::ssl::context& tls, slack_options options,
                             adapters::inbound_handler& app, log::logger_ptr log)
    : ex_(ex), tls_(tls), options_(std::move(options)), app_(app), log_(std::move(log)),
      api_(ex, tls, options_.api_base, options_.app_token, options_.bot_token, options_.http, log_),
      outbox_(
          ex, [this](std::string const& ch, outgoing const& m) { return send(ch, m); }, options_.outbox, log_)
{
    options_.connections = std::clamp(options_.connections, 1, 10);
    links_.resize(static_cast<std::size_t>(options_.connections));
    signals_.resize(links_.size());
}

slack_adapter::~slack_adapter()
{
    *alive_ = false;
}

std::size_t slack_adapter::open_links() const noexcept
{
    return static_cast<std::size_t>(
        std::count_if(links_.begin(), links_.end(), [](auto const& l) { return l && !l->dead; }));
}

asio::awaitable<boost::system::error_code> slack_adapter::start()
{
    net::backoff b(options_.backoff, options_.random);
    for (int attempt = 1;; ++attempt) {
        auto r = co_await api_.get("auth.test");
        if (r.transport_ok && r.status.ok) {
            auto who = parse_auth_test(r.body);
            if (who.status.ok) {
                bot_user_id_ = who.user_id;
                bot_id_ = who.bot_id;
                break;
            }
        }
        if (r.transport_ok && is_unrecoverable(r.status.error)) {
            log_->error("event=slack_auth_failed error={} hint=\"the bot token was refused; check "
                        "SLACK_BOT_TOKEN and the app's "
                        "installation\"",
                        r.status.error);
            co_return make_error_code(net::errc::not_connected);
        }
        if (attempt >= 8) {
            log_->error("event=slack_unreachable attempts={}", attempt);
            co_return make_error_code(net::errc::timeout);
        }
        co_await pause(r.rate_limited() ? r.retry_after : b.next());
    }
    log_->info("event=slack_identity bot_user={} connections={}", bot_user_id_, options_.connections);
    for (int slot = 0; slot < options_.connections; ++slot)
        asio::co_spawn(ex_, run_slot(slot), asio::detached);
    co_return boost::system::error_code{};
}

asio::awaitable<void> slack_adapter::stop()
{
    stopping_ = true;
    for (auto const& signal : signals_) // wakes slots waiting for a link or a back-off
        if (signal) signal->cancel();
    auto deadline = std::chrono::steady_clock::now() + options_.ack_deadline + std::chrono::seconds{3};
    while (slots_running_ > 0 && std::chrono::steady_clock::now() < deadline)
        co_await pause(milliseconds{5});
    co_await outbox_.drain(std::chrono::seconds{5});
    log_->info("event=slack_stopped");
}

// Links ----------------------------------------------------------------------------------------

asio::awaitable<std::shared_ptr<slack_adapter::link>> slack_adapter::open_link(int slot, std::string& failure,
                                                                               milliseconds& retry_after)
{
    retry_after = milliseconds{0};
    auto r = co_await api_.open_connection();
    if (!r.transport_ok) {
        failure = "unreachable";
        co_return nullptr;
    }
    if (!r.status.ok) {
        failure = r.status.error;
        if (r.rate_limited()) retry_after = r.retry_after;
        co_return nullptr;
    }
    auto opened = parse_connections_open(r.body);
    if (!opened.status.ok) {
        failure = opened.status.error;
        co_return nullptr;
    }
    // A fresh URL per connection, never reused (PROTOCOLS.md 1.1); it is a credential.
    auto ws = co_await net::websocket_client::connect(ex_, tls_, std::move(opened.url), options_.websocket);
    if (!ws) {
        failure = ws.error().message();
        co_return nullptr;
    }
    asio::steady_timer timer(ex_, options_.hello_timeout);
    auto first = co_await (ws->read() || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (first.index() == 1) {
        failure = "no hello in time";
        co_return nullptr;
    }
    auto& msg = std::get<0>(first);
    if (!msg) {
        failure = msg.error().message();
        co_return nullptr;
    }
    auto f = parse_frame(*msg);
    if (auto const* d = std::get_if<disconnect>(&f)) {
        failure = d->raw_reason;
        co_return nullptr;
    }
    auto const* h = std::get_if<hello>(&f);
    if (!h) {
        failure = "the first frame was not hello";
        co_return nullptr;
    }
    auto l = std::make_shared<link>(std::move(*ws), slot, ++links_opened_);
    log_->info("event=slack_link_open slot={} link={} num_connections={}", slot, l->number,
               h->num_connections);
    co_return l;
}

asio::awaitable<void> slack_adapter::read_link(std::shared_ptr<link> l)
{
    auto alive = alive_;
    for (;;) {
        auto msg = co_await l->ws.read();
        if (!*alive) co_return;
        if (!msg) {
            // An oversized frame: the websocket is closing with 1009; let that finish before the
            // link is dropped, so Slack hears why (bounded by the handshake timeout).
            if (msg.error() == net::errc::message_too_large) {
                co_await l->ws.close(net::close_code::too_big);
                if (!*alive) co_return;
            }
            l->dead = true;
            auto level = l->closing ? spdlog::level::debug : spdlog::level::warn;
            log_->log(level, "event=slack_link_lost slot={} link={} error=\"{}\"", l->slot, l->number,
                      msg.error().message());
            l->notify();
            co_return;
        }
        auto f = parse_frame(*msg);
        if (auto const* d = std::get_if<disconnect>(&f)) {
            log_->info("event=slack_disconnect slot={} link={} reason={} host={}", l->slot, l->number,
                       reason_name(d->reason), d->host);
            if (d->reason == disconnect_reason::too_many_websockets ||
                d->reason == disconnect_reason::link_disabled)
                l->severe = d->reason;
            else
                l->refresh = true;
            l->notify();
        } else if (auto* e = std::get_if<envelope>(&f)) {
            // Each envelope is handled on its own, so one waiting for the store does not hold up
            // the next: Slack's 3 s run from when it sent each, and an ack written after that is
            // ignored (with the reply it carries). At most as many as the websocket's write queue
            // holds, so every ack finds room.
            auto limit = std::max<std::size_t>(options_.websocket.write_queue_capacity, 2) - 1;
            while (l->in_hand >= limit && !l->dead) {
                co_await pause(milliseconds{2});
                if (!*alive) co_return;
            }
            ++l->in_hand;
            asio::co_spawn(ex_, on_envelope(l, std::move(*e)), asio::detached);
        } else if (auto const* m = std::get_if<malformed>(&f)) {
            // Logged by what was wrong and its size, never its content.
            log_->warn("event=slack_frame_malformed link={} bytes={} what=\"{}\"", l->number, msg->size(),
                       m->what);
            if (!m->envelope_id.empty()) ack(*l, slack::ack(m->envelope_id));
        } else {
            log_->debug("event=slack_hello_again link={}", l->number);
        }
    }
}

asio::awaitable<void> slack_adapter::retire(std::shared_ptr<link> l)
{
    // Let the envelopes in hand be acked on this link first, then close it properly.
    l->closing = true;
    auto deadline = std::chrono::steady_clock::now() + options_.ack_deadline + std::chrono::seconds{1};
    while (l->in_hand > 0 && std::chrono::steady_clock::now() < deadline)
        co_await pause(milliseconds{2});
    if (!l->dead) co_await l->ws.close(net::close_code::going_away);
    log_->info("event=slack_link_closed slot={} link={}", l->slot, l->number);
}

asio::awaitable<void> slack_adapter::run_slot(int slot)
{
    auto alive = alive_;
    ++slots_running_;
    net::backoff quick(options_.backoff, options_.random);
    net::backoff slow(options_.slow_backoff, options_.random);
    auto signal = std::make_shared<asio::steady_timer>(ex_);
    signals_[static_cast<std::size_t>(slot)] = signal;
    auto& current = links_[static_cast<std::size_t>(slot)];
    auto start_reading = [&](std::shared_ptr<link> l) {
        l->signal = signal;
        asio::co_spawn(ex_, read_link(l), asio::detached);
    };
    // Slack refuses this app's links until a person acts: say so every time, whether the refusal
    // came instead of hello or later on an open link.
    auto alert = [&](disconnect_reason reason, milliseconds wait) {
        if (reason == disconnect_reason::too_many_websockets)
            log_->error("event=slack_too_many_websockets slot={} backoff_ms={} hint=\"more than 10 "
                        "Socket Mode connections use "
                        "this app: look for other coolhead instances or stray test runs with the same "
                        "app token\"",
                        slot, wait.count());
        else
            log_->error("event=slack_link_disabled slot={} backoff_ms={} hint=\"Socket Mode was switched "
                        "off in the app's "
                        "settings; an admin must turn it back on\"",
                        slot, wait.count());
    };

    while (*alive && !stopping_) {
        // Before the dead check: Slack closes a refused link soon after saying why.
        if (current && current->severe) {
            auto reason = *current->severe;
            auto wait = slow.next();
            alert(reason, wait);
            auto old = current;
            current = nullptr;
            co_await retire(old);
            if (!*alive) co_return;
            if (!stopping_) co_await wait_on(*signal, wait);
            continue;
        }
        if (!current || current->dead) {
            if (current) {
                // The link served until it dropped: Slack was not refusing us.
                current = nullptr;
                slow.reset();
                co_await wait_on(*signal, quick.next());
                continue;
            }
            std::string failure;
            milliseconds retry_after{0};
            auto l = co_await open_link(slot, failure, retry_after);
            if (!*alive) co_return;
            if (stopping_) {
                if (l) co_await l->ws.close(net::close_code::going_away);
                break;
            }
            if (!l) {
                milliseconds wait;
                if (is_unrecoverable(failure) || failure == "missing_args" || failure == "insecure_request") {
                    log_->error("event=slack_connect_refused slot={} error={} hint=\"the app token "
                                "(SLACK_APP_TOKEN, scope "
                                "connections:write) was refused; an operator has to fix it\"",
                                slot, failure);
                    wait = slow.next();
                } else if (failure == "too_many_websockets" || failure == "link_disabled") {
                    wait = slow.next();
                    alert(failure == "link_disabled" ? disconnect_reason::link_disabled
                                                     : disconnect_reason::too_many_websockets,
                          wait);
                } else if (retry_after.count() > 0) {
                    wait = retry_after; // ratelimited (Tier 1): Slack said how long
                } else {
                    wait = quick.next();
                }
                log_->warn("event=slack_connect_failed slot={} error=\"{}\" backoff_ms={}", slot, failure,
                           wait.count());
                co_await wait_on(*signal, wait);
                continue;
            }
            // hello: the quick back-off starts over. The slow one only once a link served
            // without Slack refusing it (a refusal may follow right after hello).
            quick.reset();
            current = l;
            start_reading(l);
            continue;
        }
        if (current->refresh) {
            // Make before break: the old link keeps delivering until the new one said hello.
            std::string failure;
            milliseconds retry_after{0};
            auto next = co_await open_link(slot, failure, retry_after);
            if (!*alive) co_return;
            if (next) {
                slow.reset();
                auto old = current;
                current = next;
                start_reading(next);
                asio::co_spawn(ex_, retire(old), asio::detached);
            } else {
                log_->warn("event=slack_refresh_failed slot={} error=\"{}\"", slot, failure);
                current->refresh = false; // keep the old one; when it drops we reconnect as usual
            }
            continue;
        }
        co_await wait_on(*signal, std::chrono::hours{1});
    }
    if (current && !current->dead) co_await retire(current);
    current = nullptr;
    --slots_running_;
}

// Envelopes ------------------------------------------------------------------------------------

void slack_adapter::ack(link& l, std::string text)
{
    if (auto ec = l.ws.send(std::move(text)))
        log_->warn("event=slack_ack_failed link={} error=\"{}\"", l.number, ec.message());
}

asio::awaitable<void> slack_adapter::on_envelope(std::shared_ptr<link> l, envelope e)
{
    auto alive = alive_;
    log_->trace("event=slack_envelope link={} type={} envelope_id={} retry_attempt={}", l->number, e.raw_type,
                e.envelope_id, e.retry_attempt);
    if (auto const* sc = std::get_if<slash_command>(&e.payload)) {
        co_await on_slash_command(l, e, *sc);
    } else if (auto const* p = std::get_if<events_api_payload>(&e.payload)) {
        co_await on_event(l, e, *p);
    } else {
        ack(*l, slack::ack(e.envelope_id)); // interactive and unknown envelopes: acked, not used
    }
    if (!*alive) co_return;
    --l->in_hand;
    if (l->closing) l->notify();
}

struct slack_adapter::pending_reply {
    std::optional<handled> result;
    bool timed_out = false;
    bool post_late = false;
    asio::steady_timer done;
    explicit pending_reply(asio::any_io_executor ex) : done(ex) {}
};

asio::awaitable<std::optional<handled>> slack_adapter::handle_in_time(adapters::inbound in,
                                                                      bool post_late_reply)
{
    auto p = std::make_shared<pending_reply>(ex_);
    p->post_late = post_late_reply;
    p->done.expires_after(options_.ack_deadline);
    // The app's work goes on past the deadline; a late outcome is posted instead of acked.
    asio::co_spawn(ex_, finish_handling(p, std::move(in)), asio::detached);
    co_await p->done.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!p->result) {
        p->timed_out = true;
        log_->warn("event=slack_ack_deadline_missed deadline_ms={}", options_.ack_deadline.count());
        co_return std::nullopt;
    }
    co_return std::move(p->result);
}

asio::awaitable<void> slack_adapter::finish_handling(std::shared_ptr<pending_reply> p, adapters::inbound in)
{
    auto alive = alive_;
    auto h = co_await app_.handle(std::move(in));
    if (!*alive) co_return;
    if (p->timed_out) {
        log_->warn("event=slack_late_outcome outcome_posted={}", p->post_late);
        if (p->post_late && h.reply) queue(*h.reply);
        for (auto const& effect : h.effects)
            queue(effect);
        co_return;
    }
    p->result = std::move(h);
    p->done.cancel();
}

asio::awaitable<void> slack_adapter::on_slash_command(std::shared_ptr<link> l, envelope const& e,
                                                      slash_command const& sc)
{
    api_.learn_name(sc.user_id, sc.user_name);
    adapters::inbound in;
    in.platform = "slack";
    // trigger_id is unique per invocation; the envelope id when it is missing.
    in.delivery_id = sc.trigger_id.empty() ? "env:" + e.envelope_id : "trg:" + sc.trigger_id;
    in.team = sc.team_id;
    in.channel = {sc.channel_id, sc.channel_name};
    in.user = {sc.user_id, sc.user_name.empty() ? sc.user_id : sc.user_name};
    in.received = std::chrono::floor<commands::duration>(std::chrono::system_clock::now());
    in.dialect = commands::dialect::slack;
    in.what = adapters::slash_command{sc.command, sc.text};
    auto h = co_await handle_in_time(std::move(in), true);
    if (!h) co_return; // no ack: Slack tells the user it failed; the late outcome is posted
    std::vector<std::string> chunks;
    if (h->reply) chunks = render_chunks(h->reply->body, options_.message_limit);
    if (!chunks.empty() && e.accepts_response_payload) {
        ack(*l,
            ack_with_reply(e.envelope_id, chunks.front(), h->reply->to == commands::visibility::everyone));
        queue(*h->reply, 1);
    } else {
        ack(*l, slack::ack(e.envelope_id));
        if (h->reply) queue(*h->reply);
    }
    for (auto const& effect : h->effects)
        queue(effect);
}

asio::awaitable<void> slack_adapter::on_event(std::shared_ptr<link> l, envelope const& e,
                                              events_api_payload const& p)
{
    adapters::inbound in;
    in.platform = "slack";
    in.delivery_id = p.event_id.empty() ? "env:" + e.envelope_id : "ev:" + p.event_id;
    in.team = p.team_id;
    in.received = std::chrono::floor<commands::duration>(std::chrono::system_clock::now());
    in.dialect = commands::dialect::slack;
    auto bounded_name = [this](std::string id) -> asio::awaitable<std::string> {
        asio::steady_timer t(ex_, options_.lookup_timeout);
        auto r = co_await (api_.user_name(id) || t.async_wait(asio::as_tuple(asio::use_awaitable)));
        co_return r.index() == 0 ? std::get<0>(r) : id;
    };

    auto const* m = std::get_if<message_event>(&p.event);
    if (m && (m->fields.subtype == "message_changed" || m->fields.subtype == "message_deleted")) {
        // An edit or a deletion: the timeline keeps what was pinned and marks the change (a
        // deletion by an admin still concerns the author's message).
        auto change = person_message_change(*m, bot_user_id_);
        if (!change) {
            ack(*l, slack::ack(e.envelope_id));
            co_return;
        }
        if (!change->deleted) remember(m->channel, change->ts, change->author, change->text);
        auto name = co_await bounded_name(change->author);
        in.channel = {m->channel, {}};
        in.user = {change->author, std::move(name)};
        if (change->deleted) in.what = adapters::message_deleted{change->ts};
        else in.what = adapters::message_edited{change->ts, change->text};
    } else if (m) {
        if (!m->fields.ts.empty()) remember(m->channel, m->fields.ts, m->fields.user, m->fields.text);
        bool ours = m->fields.user == bot_user_id_ || (!bot_id_.empty() && m->fields.bot_id == bot_id_);
        if (ours || !is_person_message(*m)) {
            ack(*l, slack::ack(e.envelope_id));
            co_return;
        }
        // Named locals, not braced temporaries around a co_await: GCC 12 corrupts the short
        // strings of such aggregates (seen here as a double free of the user's name).
        auto name = co_await bounded_name(m->fields.user);
        in.channel = {m->channel, {}};
        in.user = {m->fields.user, std::move(name)};
        in.what = adapters::channel_message{m->fields.ts, m->fields.text};
    } else if (auto const* r = std::get_if<reaction_event>(&p.event)) {
        if (!is_pin(r->reaction) || r->item_type != "message" || r->user == bot_user_id_) {
            ack(*l, slack::ack(e.envelope_id));
            co_return;
        }
        // The pinned message: from what we saw in the channel, else asked of Slack.
        seen msg;
        bool found = false;
        for (auto const& [ts, s] : recent_[r->item_channel])
            if (ts == r->item_ts) {
                msg = s;
                found = true;
            }
        if (!found && r->added) {
            asio::steady_timer t(ex_, options_.lookup_timeout);
            auto h = co_await (api_.get(conversations_history_target(r->item_channel, r->item_ts)) ||
                               t.async_wait(asio::as_tuple(asio::use_awaitable)));
            if (h.index() == 0 && std::get<0>(h).status.ok) {
                auto history = parse_history(std::get<0>(h).body);
                if (!history.messages.empty() && history.messages.front().ts == r->item_ts) {
                    msg = {history.messages.front().user, history.messages.front().text};
                    found = true;
                }
            }
        }
        if (!found && r->added)
            log_->warn("event=slack_pin_unknown_message channel={} ts={}", r->item_channel, r->item_ts);
        auto author_id = msg.user.empty() ? r->item_user : msg.user;
        auto name = co_await bounded_name(r->user);
        std::string author_name;
        if (!author_id.empty()) author_name = co_await bounded_name(author_id);
        in.channel = {r->item_channel, {}};
        in.user = {r->user, std::move(name)};
        adapters::reaction re;
        re.emoji = r->reaction;
        re.added = r->added;
        re.message_id = r->item_ts;
        re.message_author = {author_id, std::move(author_name)};
        re.message_text = found ? msg.text : "(a message coolhead could not read)";
        re.message_at = parse_ts(r->item_ts).value_or(in.received);
        in.what = std::move(re);
    } else {
        ack(*l, slack::ack(e.envelope_id));
        co_return;
    }

    auto h = co_await handle_in_time(std::move(in), false);
    if (!h) co_return; // not acked: Slack delivers it again, and the app recognises it
    if (h->result == handled::status::not_recorded) {
        log_->warn("event=slack_event_not_acked event_id={} reason=\"not recorded; Slack will retry\"",
                   p.event_id);
        co_return;
    }
    ack(*l, slack::ack(e.envelope_id));
    if (h->reply) queue(*h->reply);
    for (auto const& effect : h->effects)
        queue(effect);
}

void slack_adapter::remember(std::string const& channel, std::string const& ts, std::string const& user,
                             std::string const& text)
{
    auto& r = recent_[channel];
    r.emplace_back(ts, seen{user, text});
    if (r.size() > recent_per_channel) r.pop_front();
}

// Outbound -------------------------------------------------------------------------------------

void slack_adapter::post(commands::outbound message)
{
    queue(message);
}

void slack_adapter::queue(commands::outbound const& m, std::size_t skip_chunks)
{
    auto chunks = render_chunks(m.body, options_.message_limit);
    for (std::size_t i = skip_chunks; i < chunks.size(); ++i) {
        if (m.to == commands::visibility::everyone)
            outbox_.push(m.channel.id,
                         outgoing{"chat.postMessage", post_message_body(m.channel.id, chunks[i])});
        else
            outbox_.push(m.channel.id, outgoing{"chat.postEphemeral",
                                                post_ephemeral_body(m.channel.id, m.user.id, chunks[i])});
    }
}

asio::awaitable<send_outcome> slack_adapter::send(std::string const& channel, outgoing const& msg)
{
    auto r = co_await api_.post(msg.target, msg.body);
    if (!r.transport_ok) co_return send_outcome{send_outcome::kind::retry};
    if (r.rate_limited()) co_return send_outcome{send_outcome::kind::retry_after, r.retry_after};
    if (r.status.ok) co_return send_outcome{};
    switch (classify_error(r.status.error)) {
    case error_kind::rate_limited:
        co_return send_outcome{send_outcome::kind::retry_after, default_retry_after};
    case error_kind::retryable:
        co_return send_outcome{send_outcome::kind::retry};
    case error_kind::unrecoverable:
        log_->error("event=slack_post_refused channel={} method={} error={} hint=\"the bot token or its "
                    "scopes need an operator\"",
                    channel, msg.target, r.status.error);
        co_return send_outcome{send_outcome::kind::failed};
    case error_kind::rejected:
        if (r.status.error == "not_in_channel" && !join_refused_.contains(channel)) {
            // Someone ran a command in a public channel the bot was never invited to: join it
            // (channels:join) and send again, rather than go quiet there.
            auto joined = co_await api_.post("conversations.join", join_body(channel));
            if (joined.transport_ok && joined.status.ok) {
                log_->info("event=slack_joined_channel channel={}", channel);
                co_return send_outcome{send_outcome::kind::retry_after, std::chrono::milliseconds{0}};
            }
            if (joined.transport_ok && !joined.rate_limited()) {
                auto k = classify_error(joined.status.error);
                if (k == error_kind::rejected || k == error_kind::unrecoverable) join_refused_.insert(channel);
            }
            log_->warn("event=slack_join_failed channel={} error={}", channel,
                       joined.transport_ok ? joined.status.error : std::string("transport"));
        }
        if (r.status.error == "not_in_channel" || r.status.error == "channel_not_found")
            log_->error("event=slack_post_rejected channel={} method={} error={} hint=\"invite the bot into the channel: "
                        "/invite @<the app's name>\"",
                        channel, msg.target, r.status.error);
        else
            log_->error("event=slack_post_rejected channel={} method={} error={}", channel, msg.target, r.status.error);
        co_return send_outcome{send_outcome::kind::failed};
    }
    co_return send_outcome{send_outcome::kind::failed};
}

} // namespace coolhead::slack

#include "bot/app/dispatcher.hpp"

#include "commands/render.hpp"

#include <chrono>
#include <iterator>

namespace coolhead::app {

namespace asio = boost::asio;
using namespace commands;
using adapters::channel_message;
using adapters::reaction;
using adapters::slash_command;

namespace {

/// Reactions that pin a message to the timeline (platform names, without colons).
bool is_pin(std::string_view emoji) { return emoji == "pushpin" || emoji == "round_pushpin" || emoji == "📌"; }

outbound private_reply(inbound const& in, markup::document body)
{
    return outbound{in.channel, visibility::one_user, in.user, message_kind::reply, std::move(body)};
}

std::string_view kind_name(command const& c)
{
    static constexpr std::string_view names[]{
        "start",     "status",         "note",       "update",    "remind",      "role",          "severity",
        "breakout",  "breakout_report","resolve",    "list",      "followups",   "help",          "propose_rootcause",
        "confirm",   "reject",         "hypotheses", "propose_option", "tradeoff", "veto",         "choose",
        "done",      "options",        "preview",    "tollgate",  "followup",    "followup_update","followup_done",
        "publish",   "pin",            "unpin",      "message",   "edit",        "delete"};
    static_assert(std::size(names) == std::variant_size_v<command>, "a name for every command");
    return names[c.index()];
}

std::string_view status_name(handled::status s)
{
    switch (s) {
    case handled::status::applied: return "applied";
    case handled::status::answered: return "answered";
    case handled::status::refused: return "refused";
    case handled::status::duplicate: return "duplicate";
    case handled::status::not_recorded: return "not_recorded";
    case handled::status::ignored: return "ignored";
    }
    return "?";
}

/// A stored reply as the adapter wants it: a delivery handled without a reply has nothing to say.
std::optional<outbound> said(outbound stored)
{
    if (stored.body.empty()) return std::nullopt;
    return stored;
}

} // namespace

outbound not_recorded_reply(inbound const& in)
{
    using namespace markup;
    return private_reply(in, document{{paragraph{{t("I couldn't record that, so nothing has changed. Please try again in a moment; if it "
                                                    "keeps happening, the bot's operator will find the reason in its log.")}}}});
}

dispatcher::dispatcher(store::event_store& store, incident_cache& cache, commands::policy policy, clock const& clk,
                       log::logger_ptr log)
    : store_(store), cache_(cache), policy_(std::move(policy)), clock_(clk), log_(std::move(log))
{
}

asio::awaitable<handled> dispatcher::handle(inbound in)
{
    auto started = std::chrono::steady_clock::now();
    // Delivery ids are only unique per platform.
    std::string delivery = in.delivery_id.empty() ? std::string{} : in.platform + ":" + in.delivery_id;
    handled out;

    if (!delivery.empty()) {
        auto seen = co_await store_.find_reply(delivery);
        if (!seen) {
            log_->error("event=delivery_lookup_failed platform={} error=\"{}\"", in.platform, seen.error().message());
            out = {handled::status::not_recorded, not_recorded_reply(in), {}, 0};
        } else if (*seen) {
            log_->info("event=redelivery platform={} channel={} delivery={}", in.platform, in.channel.id, in.delivery_id);
            co_return handled{handled::status::duplicate, said(std::move(**seen)), {}, 0};
        }
    }

    if (out.result != handled::status::not_recorded) {
        std::optional<command> cmd;
        if (auto const* sc = std::get_if<slash_command>(&in.what)) {
            auto f = family_from_command(sc->command);
            if (!f) {
                using namespace markup;
                out = {handled::status::refused,
                       private_reply(in, document{{paragraph{{t("I only answer "), code("/incident"), t(", "), code("/rootcause"), t(", "),
                                                              code("/mitigation"), t(" and "), code("/postmortem"), t(".")}}}}),
                       {},
                       0};
            } else {
                auto parsed = parse(*f, sc->text, in.dialect);
                if (!parsed) out = {handled::status::refused, private_reply(in, render_usage_error(parsed.error())), {}, 0};
                else cmd = std::move(*parsed);
            }
        } else if (auto const* m = std::get_if<channel_message>(&in.what)) {
            cmd = observe_message{m->text};
        } else if (auto const* ed = std::get_if<adapters::message_edited>(&in.what)) {
            cmd = edit_message{ed->message_id, ed->text};
        } else if (auto const* del = std::get_if<adapters::message_deleted>(&in.what)) {
            cmd = delete_message{del->message_id};
        } else if (auto const* r = std::get_if<reaction>(&in.what)) {
            if (is_pin(r->emoji)) {
                if (r->added) cmd = pin_message{r->message_id, r->message_author, r->message_text, r->message_at};
                else cmd = unpin_message{r->message_id};
            }
        }
        if (cmd) {
            auto kind = kind_name(*cmd);
            out = co_await decide_and_commit(in, delivery, std::move(*cmd));
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
            log_->info("event=handled platform={} channel={} command={} incident={} outcome={} ms={}", in.platform, in.channel.id,
                       kind, out.incident ? incident_label(out.incident) : "none", status_name(out.result), ms);
            co_return out;
        }
    }
    log_->info("event=handled platform={} channel={} outcome={}", in.platform, in.channel.id, status_name(out.result));
    co_return out;
}

asio::awaitable<handled> dispatcher::decide_and_commit(inbound const& in, std::string const& delivery, command cmd)
{
    // A concurrent append (another connection, another replica) makes the commit conflict:
    // reload and decide again, a bounded number of times.
    for (int attempt = 0; attempt < 4; ++attempt) {
        auto look = what_to_load(cmd);
        auto target = look.incident ? co_await cache_.get(*look.incident) : co_await cache_.latest_in(in.channel.id);
        if (!target) {
            log_->error("event=load_failed channel={} error=\"{}\"", in.channel.id, target.error().message());
            co_return handled{handled::status::not_recorded, not_recorded_reply(in), {}, 0};
        }
        std::vector<incident_state const*> overview;
        std::uint64_t next = 0;
        if (look.overview) {
            auto o = co_await cache_.overview();
            if (!o) co_return handled{handled::status::not_recorded, not_recorded_reply(in), {}, 0};
            overview = std::move(*o);
        }
        if (std::holds_alternative<start_incident>(cmd)) {
            auto n = co_await store_.next_number();
            if (!n) co_return handled{handled::status::not_recorded, not_recorded_reply(in), {}, 0};
            next = *n;
        }
        auto now = clock_.now();
        auto result = decide(world{*target, next, overview}, request{cmd, in.user, in.channel, now}, policy_);
        if (auto* r = std::get_if<rejection>(&result))
            co_return handled{handled::status::refused, std::move(r->reply), {}, *target ? (*target)->number : 0};

        auto& d = std::get<decision>(result);
        std::optional<outbound> reply;
        if (!d.reply.body.empty()) reply = d.reply;
        if (d.events.empty())
            co_return handled{reply ? handled::status::answered : handled::status::ignored, std::move(reply), std::move(d.effects), d.incident};

        store::commit_request req;
        req.delivery_id = delivery;
        req.received = in.received;
        req.incident = d.incident;
        req.expected_seq = (*target && (*target)->number == d.incident) ? (*target)->seq : 0;
        req.events = d.events;
        req.reply = reply;
        for (auto const& e : d.events) {
            if (auto const* st = std::get_if<incident_started>(&e.what)) req.opens_channel = st->channel.id;
            if (std::holds_alternative<incident_closed>(e.what)) req.closes_at = e.at;
        }
        auto expected = req.expected_seq;
        auto committed = co_await store_.commit(std::move(req));
        switch (committed.status) {
        case store::commit_status::committed:
            cache_.committed(d.incident, expected, d.events);
            if (on_commit) on_commit(d.incident);
            co_return handled{handled::status::applied, std::move(reply), std::move(d.effects), d.incident};
        case store::commit_status::duplicate_delivery: {
            // Another connection delivered the same envelope and won the race.
            auto seen = co_await store_.find_reply(delivery);
            if (seen && *seen) co_return handled{handled::status::duplicate, said(std::move(**seen)), {}, d.incident};
            co_return handled{handled::status::duplicate, std::nullopt, {}, d.incident};
        }
        case store::commit_status::conflict:
            log_->debug("event=commit_conflict incident={} attempt={}", incident_label(d.incident), attempt);
            continue;
        case store::commit_status::failed:
            log_->error("event=commit_failed incident={} error=\"{}\"", incident_label(d.incident), committed.error);
            co_return handled{handled::status::not_recorded, not_recorded_reply(in), {}, d.incident};
        }
    }
    log_->warn("event=commit_gave_up channel={} reason=\"conflicts\"", in.channel.id);
    co_return handled{handled::status::not_recorded, not_recorded_reply(in), {}, 0};
}

} // namespace coolhead::app

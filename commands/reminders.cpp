#include "commands/reminders.hpp"

#include <algorithm>

namespace coolhead::commands {
namespace {

using namespace markup;

bool sent(incident_state const& s, reminder_kind k, std::string const& key) { return s.reminders_sent.contains({k, key}); }

std::string key_of(timestamp t) { return std::to_string(to_millis(t)); }

} // namespace

std::vector<due_reminder> pending_reminders(incident_state const& s, timestamp now, policy const& p)
{
    std::vector<due_reminder> out;
    if (!s.exists()) return out;
    if (s.is_open()) {
        bool live = s.current == phase::discovery || s.current == phase::mitigation;
        if (live && !s.reminders_off) {
            auto interval = s.status_interval.value_or(p.status_interval);
            if (interval > duration::zero()) {
                auto base = s.last_status_update.value_or(s.started.at);
                auto k = now > base ? (now - base) / interval : 0;
                // Missed reminders (the bot was down) collapse into the latest one.
                auto due = base + interval * std::max<decltype(k)>(k, 1);
                if (sent(s, reminder_kind::status_update, key_of(due))) due += interval;
                out.push_back({reminder_kind::status_update, key_of(due), due});
            }
        }
        if (s.current == phase::discovery && !confirmed_hypothesis(s)) {
            auto since = entered(s, phase::discovery).value_or(s.started.at);
            if (!sent(s, reminder_kind::no_rootcause, key_of(since)))
                out.push_back({reminder_kind::no_rootcause, key_of(since), since + p.no_rootcause_after});
        }
        bool searching = s.current == phase::discovery || (s.current == phase::postmortem && !confirmed_hypothesis(s));
        if (searching)
            for (auto const* h : open_hypotheses(s)) {
                auto key = std::to_string(h->id);
                if (!sent(s, reminder_kind::unconfirmed_hypothesis, key))
                    out.push_back({reminder_kind::unconfirmed_hypothesis, key, h->proposed.at + p.unconfirmed_after});
            }
    } else if (s.closed && s.closed->how == closure::published) {
        for (auto const& f : s.followups) {
            if (f.done || !f.ticket.empty()) continue;
            auto key = std::to_string(f.id);
            if (!sent(s, reminder_kind::followup_ticket, key))
                out.push_back({reminder_kind::followup_ticket, key, s.closed->made.at + p.followup_ticket_after});
        }
    }
    return out;
}

std::optional<timestamp> next_due(incident_state const& s, timestamp now, policy const& p)
{
    std::optional<timestamp> best;
    for (auto const& r : pending_reminders(s, now, p))
        if (!best || r.due < *best) best = r.due;
    return best;
}

std::optional<decision> fire_reminder(incident_state const& s, due_reminder const& r, timestamp now, policy const& p,
                                      user_ref const& bot)
{
    auto pending = pending_reminders(s, now, p);
    auto it = std::find_if(pending.begin(), pending.end(),
                           [&](due_reminder const& x) { return x.kind == r.kind && x.key == r.key; });
    if (it == pending.end() || it->due > now) return std::nullopt;

    auto incident = inlines{strong(incident_label(s.number))};
    template_vars vars{{"incident", incident}};
    std::string_view key;
    switch (r.kind) {
    case reminder_kind::status_update: {
        key = "reminder.status_update";
        vars["comms"] = {ping(s.comms ? s.comms->user : lead_of(s))};
        vars["since"] = {t(format_duration(now - s.last_status_update.value_or(s.started.at)))};
        break;
    }
    case reminder_kind::no_rootcause:
        key = "reminder.no_rootcause";
        vars["lead"] = {ping(lead_of(s))};
        vars["elapsed"] = {t(format_duration(now - entered(s, phase::discovery).value_or(s.started.at)))};
        break;
    case reminder_kind::unconfirmed_hypothesis: {
        key = "reminder.unconfirmed_hypothesis";
        auto const* h = find_hypothesis(s, std::stoull(r.key));
        if (!h) return std::nullopt;
        vars["id"] = {t(r.key)};
        vars["author"] = {who(h->proposed.by)};
        vars["waiting"] = {t(format_duration(now - h->proposed.at))};
        break;
    }
    case reminder_kind::followup_ticket: {
        key = "reminder.followup_ticket";
        auto const* f = find_followup(s, std::stoull(r.key));
        if (!f) return std::nullopt;
        vars["owner"] = {ping(f->owner)};
        vars["ref"] = {t(incident_label(s.number) + "#" + r.key)};
        vars["text"] = {u(f->text)};
        break;
    }
    }
    decision d{s.number, {event{now, bot, reminder_sent{r.kind, r.key}}}, {}, {}};
    d.reply.channel = s.channel;
    d.effects.push_back(outbound{s.channel, visibility::everyone, {}, message_kind::reminder, document{say(p.prompts, key, vars)}});
    return d;
}

} // namespace coolhead::commands

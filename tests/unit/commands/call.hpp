#pragma once
// Test harness: a simulated incident call over the pure core. Commands are parsed like the
// console would (dialect console, "@name" mentions), decided against the current state at the
// simulated time, and accepted events are applied, exactly as the app will do it.

#include "commands/decide.hpp"
#include "commands/grammar.hpp"
#include "commands/reminders.hpp"
#include "commands/render.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace coolhead::commands::testing {

using namespace std::chrono_literals;

inline user_ref const alice{"alice", "alice"};
inline user_ref const bob{"bob", "bob"};
inline user_ref const carol{"carol", "carol"};
inline user_ref const dana{"dana", "dana"};
inline user_ref const bot{"coolhead", "coolhead"};

/// 2026-11-23T03:00:00Z: incidents happen at night.
inline timestamp const t0 = from_millis(1'795'402'800'000);

inline std::string plain(markup::document const& d) { return markup::to_plain(d); }

/// Every incident the test has touched, by number, with one channel per incident.
class call {
public:
    explicit call(policy p = {}) : p_(std::move(p)) {}

    policy& rules() { return p_; }
    timestamp now() const { return now_; }
    void wait(duration d) { now_ += d; }
    void at(timestamp t) { now_ = t; }

    /// Switches the channel later commands are typed in.
    void in(std::string channel) { channel_ = {channel, channel}; }
    channel_ref const& channel() const { return channel_; }

    /// The incident the current channel addresses (the latest in it), or an empty state.
    incident_state const& state() const
    {
        auto it = latest_.find(channel_.id);
        static incident_state const none;
        return it == latest_.end() ? none : incidents_.at(it->second);
    }
    incident_state const& incident(std::uint64_t n) const { return incidents_.at(n); }

    /// Runs a parsed command (for commands the grammar doesn't make, like pins).
    outcome run(user_ref const& who, command cmd)
    {
        auto look = what_to_load(cmd);
        incident_state const* target = nullptr;
        if (look.incident) {
            if (incidents_.contains(*look.incident)) target = &incidents_.at(*look.incident);
        } else if (auto it = latest_.find(channel_.id); it != latest_.end()) {
            target = &incidents_.at(it->second);
        }
        std::vector<incident_state const*> overview;
        if (look.overview)
            for (auto const& [n, s] : incidents_) overview.push_back(&s);
        world w{target, incidents_.size() + 1, overview};
        request r{std::move(cmd), who, channel_, now_};
        auto out = decide(w, r, p_);
        if (auto* d = std::get_if<decision>(&out)) commit(*d);
        return out;
    }

    /// Types "/<family> <text>" as `who`. A usage error becomes a rejection with errc::usage.
    outcome type(user_ref const& who, family f, std::string_view text)
    {
        auto parsed = parse(f, text, dialect::console);
        if (!parsed) {
            last_usage_ = parsed.error();
            return rejection{errc::usage, outbound{channel_, visibility::one_user, who, message_kind::reply, render_usage_error(parsed.error())}};
        }
        return run(who, *parsed);
    }

    /// Expects the command to be accepted.
    decision ok(user_ref const& who, family f, std::string_view text)
    {
        auto out = type(who, f, text);
        if (auto* r = std::get_if<rejection>(&out)) {
            ADD_FAILURE() << "/" << family_name(f) << " " << text << " was refused: " << plain(r->reply.body);
            return {};
        }
        return std::get<decision>(out);
    }

    /// Expects the command to be refused.
    rejection no(user_ref const& who, family f, std::string_view text)
    {
        auto out = type(who, f, text);
        if (auto* d = std::get_if<decision>(&out)) {
            ADD_FAILURE() << "/" << family_name(f) << " " << text << " was accepted: " << plain(d->reply.body);
            return {};
        }
        return std::get<rejection>(out);
    }

    decision incident(user_ref const& who, std::string_view text) { return ok(who, family::incident, text); }
    decision rootcause(user_ref const& who, std::string_view text) { return ok(who, family::rootcause, text); }
    decision mitigation(user_ref const& who, std::string_view text) { return ok(who, family::mitigation, text); }
    decision postmortem(user_ref const& who, std::string_view text) { return ok(who, family::postmortem, text); }

    /// Fires every reminder due at the current time, as the app's timers would.
    std::vector<decision> fire_due(user_ref const& as = bot)
    {
        std::vector<decision> fired;
        for (auto& [n, s] : incidents_) {
            for (auto const& r : pending_reminders(s, now_, p_)) {
                if (r.due > now_) continue;
                if (auto d = fire_reminder(s, r, now_, p_, as)) {
                    for (auto const& e : d->events) apply(s, e);
                    fired.push_back(std::move(*d));
                }
            }
        }
        return fired;
    }

    std::optional<usage_error> const& last_usage() const { return last_usage_; }

private:
    void commit(decision const& d)
    {
        if (d.events.empty()) return;
        auto& s = incidents_[d.incident];
        for (auto const& e : d.events) {
            apply(s, e);
            if (std::holds_alternative<incident_started>(e.what)) latest_[s.channel.id] = d.incident;
        }
    }

    policy p_;
    timestamp now_ = t0;
    channel_ref channel_{"C-db", "db-outage"};
    std::map<std::uint64_t, incident_state> incidents_;
    std::map<std::string, std::uint64_t> latest_;
    std::optional<usage_error> last_usage_;
};

/// All the text a document shows, for "contains" checks.
inline std::string text_of(markup::document const& d) { return markup::flatten(d); }

/// The trusted (our own) text of a document, without anything a user typed.
inline std::string our_text(markup::document const& d)
{
    std::string out;
    auto spans = [&](markup::inlines const& line) {
        for (auto const& s : line)
            if (auto const* t = std::get_if<markup::text>(&s); t && !t->from_user) out += t->value;
        out += "\n";
    };
    for (auto const& b : d.blocks) {
        if (auto const* p = std::get_if<markup::paragraph>(&b)) spans(p->content);
        else if (auto const* h = std::get_if<markup::heading>(&b)) spans(h->content);
        else if (auto const* l = std::get_if<markup::bullet_list>(&b))
            for (auto const& i : l->items) {
                spans(i.content);
                for (auto const& c : i.children) spans(c);
            }
        else if (auto const* tb = std::get_if<markup::table>(&b))
            for (auto const& row : tb->rows)
                for (auto const& cell : row) spans(cell);
    }
    return out;
}

/// One line of a scripted call: wait, then `who` says `/family text`.
struct step {
    duration wait;
    user_ref const* who;
    family f;
    char const* text;
};

/// Plays the steps (each must be accepted) and returns the published post-mortem: the document
/// posted on publish, or an empty one.
inline markup::document play(call& c, std::vector<step> const& steps)
{
    markup::document published;
    for (auto const& s : steps) {
        c.wait(s.wait);
        auto d = c.ok(*s.who, s.f, s.text);
        for (auto const& e : d.effects)
            if (e.kind == message_kind::postmortem) published = e.body;
    }
    return published;
}

} // namespace coolhead::commands::testing

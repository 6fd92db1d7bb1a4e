#pragma once
// One sample of every event type and every markup block and span kind, with every field set to
// a value other than its default, so a field the codec drops or mixes up changes the value.
// A new alternative in commands::event_data or markup::block/span needs a sample() here, or
// the tests do not compile.

#include "commands/decide.hpp"
#include "commands/event.hpp"
#include "commands/markup.hpp"

#include <chrono>
#include <cstddef>
#include <utility>
#include <variant>

namespace coolhead::store::testing {

using namespace std::chrono_literals;
namespace c = commands;
namespace m = commands::markup;

template <class T>
struct tag {
};

/// 2026-11-23T03:00:00Z.
inline c::timestamp const t0 = c::from_millis(1'795'402'800'000);
inline c::user_ref const alice{"U1", "alice"};
inline c::user_ref const bob{"U2", "bob"};
inline c::user_ref const carol{"U3", "carol"};
inline c::user_ref const dana{"U4", "dana"};
inline c::channel_ref const db_outage{"C-db", "db-outage"};

/// Calls f(std::integral_constant<std::size_t, I>) for every alternative index of V.
template <class V, class F>
void for_each_alternative(F&& f)
{
    [&]<std::size_t... I>(std::index_sequence<I...>)
    {
        (f(std::integral_constant<std::size_t, I>{}), ...);
    }
    (std::make_index_sequence<std::variant_size_v<V>>{});
}

// Events ------------------------------------------------------------------------------------
inline c::incident_started sample(tag<c::incident_started>)
{
    return {42, db_outage, "Checkout fails for EU", 2, dana};
}
inline c::severity_changed sample(tag<c::severity_changed>)
{
    return {1};
}
inline c::role_assigned sample(tag<c::role_assigned>)
{
    return {c::role::comms, carol};
}
inline c::note_added sample(tag<c::note_added>)
{
    return {"error rate on /pay at 30%"};
}
inline c::status_update_posted sample(tag<c::status_update_posted>)
{
    return {"Checkout restored at 03:35"};
}
inline c::reminder_interval_set sample(tag<c::reminder_interval_set>)
{
    return {c::duration{15min}};
}
inline c::breakout_opened sample(tag<c::breakout_opened>)
{
    return {2, "db pool", {bob, carol}};
}
inline c::breakout_reported sample(tag<c::breakout_reported>)
{
    return {2, "the pool size was halved"};
}
inline c::hypothesis_proposed sample(tag<c::hypothesis_proposed>)
{
    return {1, "connection pool exhausted"};
}
inline c::hypothesis_confirmed sample(tag<c::hypothesis_confirmed>)
{
    return {1};
}
inline c::hypothesis_rejected sample(tag<c::hypothesis_rejected>)
{
    return {3, "the pool was at 40%"};
}
inline c::option_proposed sample(tag<c::option_proposed>)
{
    return {1, "roll back the config push", "2 min of failed checkouts", "10m"};
}
inline c::option_tradeoff_added sample(tag<c::option_tradeoff_added>)
{
    return {1, false, "the tax rule ships later"};
}
inline c::option_vetoed sample(tag<c::option_vetoed>)
{
    return {2, "a restart drops the carts"};
}
inline c::option_chosen sample(tag<c::option_chosen>)
{
    return {1, true};
}
inline c::mitigation_completed sample(tag<c::mitigation_completed>)
{
    return {1};
}
inline c::phase_entered sample(tag<c::phase_entered>)
{
    return {c::phase::postmortem};
}
inline c::tollgate_recorded sample(tag<c::tollgate_recorded>)
{
    return {3, "UAT", false, "config skips UAT"};
}
inline c::followup_added sample(tag<c::followup_added>)
{
    return {4, "test the pushed pool size", 3, bob, "OPS-101"};
}
inline c::followup_updated sample(tag<c::followup_updated>)
{
    return {4, carol, std::string("OPS-102")};
}
inline c::followup_completed sample(tag<c::followup_completed>)
{
    return {4};
}
inline c::incident_closed sample(tag<c::incident_closed>)
{
    return {c::closure::resolved, "a false alarm"};
}
inline c::recurrence_linked sample(tag<c::recurrence_linked>)
{
    return {7, "Checkout slow", {2, 5}, {"checkout", "pool"}};
}
inline c::message_pinned sample(tag<c::message_pinned>)
{
    return {"1795402860.000100", bob, "Pool graph — 📈 \"spike\" at 02:58", c::from_millis(1'795'402'860'123)};
}
inline c::message_unpinned sample(tag<c::message_unpinned>)
{
    return {"1795402860.000100"};
}
inline c::reminder_sent sample(tag<c::reminder_sent>)
{
    return {c::reminder_kind::followup_ticket, "4"};
}
inline c::nudge_sent sample(tag<c::nudge_sent>)
{
    return {c::nudge_kind::veto_without_reason, bob};
}
inline c::pinned_message_edited sample(tag<c::pinned_message_edited>)
{
    return {"1795402860.000100", "Pool graph, corrected: spike at 02:57"};
}
inline c::pinned_message_deleted sample(tag<c::pinned_message_deleted>)
{
    return {"1795402860.000100"};
}

/// The sample of alternative I, as an event by carol at t0 + 1 min.
template <std::size_t I>
c::event sample_event()
{
    using alt = std::variant_alternative_t<I, c::event_data>;
    return c::event{t0 + 1min, carol, sample(tag<alt>{})};
}

// Markup ------------------------------------------------------------------------------------
inline m::text sample(tag<m::text>)
{
    return {"pool <!channel> *exhausted*", m::style::code, true};
}
inline m::person sample(tag<m::person>)
{
    return {dana, true};
}
inline m::channel sample(tag<m::channel>)
{
    return {db_outage};
}

/// Every span kind, with every style, from_user and notify value.
inline m::inlines every_span()
{
    m::inlines out;
    for_each_alternative<m::span>([&](auto i) {
        out.push_back(sample(tag<std::variant_alternative_t<decltype(i)::value, m::span>>{}));
    });
    out.push_back(m::strong("#1"));
    out.push_back(m::em("emphasis"));
    out.push_back(m::t("plain "));
    out.push_back(m::who(bob));
    return out;
}

inline m::paragraph sample(tag<m::paragraph>)
{
    return {every_span()};
}
inline m::heading sample(tag<m::heading>)
{
    return {2, {m::t("2. Root cause "), m::u("typed")}};
}
inline m::bullet_list sample(tag<m::bullet_list>)
{
    return {
        {{{m::strong("#1"), m::u(" pool exhausted")}, {{m::t("confirmed by "), m::who(carol)}, every_span()}},
         {{m::t("no children")}, {}}}};
}
inline m::table sample(tag<m::table>)
{
    return {{"Tollgate", "Owner"}, {{{m::u("UAT")}, {m::who(bob), m::t(" ")}}, {{m::t("unit tests")}, {}}}};
}

/// A reply using every block kind (and so every span kind), private to one user.
inline c::outbound every_block_reply()
{
    c::outbound o{db_outage, c::visibility::one_user, alice, c::message_kind::humility, {}};
    for_each_alternative<m::block>([&](auto i) {
        o.body.blocks.push_back(sample(tag<std::variant_alternative_t<decltype(i)::value, m::block>>{}));
    });
    return o;
}

} // namespace coolhead::store::testing

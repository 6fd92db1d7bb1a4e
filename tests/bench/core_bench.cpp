// How much the pure core and the renderers cost per command, on an incident of a given size:
// parsing a command, replaying an incident's events (what a cache miss or a restart costs),
// deciding a command on a loaded state, and rendering the post-mortem as Slack mrkdwn and
// Mattermost markdown, split into messages. Run by hand:
//   cmake --preset bench && cmake --build --preset bench
//   build/bench/coolhead_core_bench
#include "bot/adapters/mattermost/markdown.hpp"
#include "bot/adapters/slack/mrkdwn.hpp"
#include "commands/decide.hpp"
#include "commands/grammar.hpp"
#include "commands/render.hpp"
#include "commands/state.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

using namespace coolhead::commands;

timestamp const t0 = from_millis(1'795'402'800'000);
user_ref const alice{"U0ALICE", "alice"};
user_ref const bob{"U0BOB", "bob"};
user_ref const carol{"U0CAROL", "carol"};
channel_ref const channel{"C0INCIDENT1", "ops"};

/// A whole call: started, `notes` notes, a hypothesis confirmed, an option chosen and done,
/// the three default tollgates walked with follow-ups, closed. Every event a minute apart.
std::vector<event> incident(std::size_t notes)
{
    std::vector<event> ev;
    auto at = [&] { return t0 + std::chrono::minutes{ev.size()}; };
    auto add = [&](user_ref const& who, event_data what) { ev.push_back(event{at(), who, std::move(what)}); };
    add(alice, incident_started{1, channel, "Checkout fails for EU customers", 2, alice});
    add(alice, phase_entered{phase::discovery});
    for (std::size_t i = 0; i < notes; ++i)
        add(i % 2 ? bob : carol, note_added{"error rate on /pay at " + std::to_string(20 + i % 60) + "% in eu-west, pool at 100/100"});
    add(bob, hypothesis_proposed{1, "connection pool exhausted on checkout-db after the 02:55 config push"});
    add(carol, hypothesis_confirmed{1});
    add(carol, phase_entered{phase::mitigation});
    add(bob, option_proposed{1, "roll back the 02:55 config push", "2 min of failed checkouts", "10m"});
    add(alice, option_chosen{1, false});
    add(bob, mitigation_completed{1});
    add(bob, phase_entered{phase::postmortem});
    return ev;
}

void parse_command(benchmark::State& st)
{
    for (auto _ : st) {
        auto r = parse(family::mitigation, "roll back the 02:55 config push impact=\"2 min of failed checkouts\" recovery=10m",
                       dialect::slack);
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(parse_command);

void replay_incident(benchmark::State& st)
{
    auto ev = incident(static_cast<std::size_t>(st.range(0)));
    for (auto _ : st) {
        auto s = replay(ev);
        benchmark::DoNotOptimize(s);
    }
    st.counters["events"] = static_cast<double>(ev.size());
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(ev.size()));
}
BENCHMARK(replay_incident)->Arg(10)->Arg(1000)->Arg(10000);

void decide_note(benchmark::State& st)
{
    auto ev = incident(static_cast<std::size_t>(st.range(0)));
    auto s = replay(ev);
    policy p;
    request r{add_note{"rollback finished, error rate back to 0.1%"}, alice, channel, t0 + std::chrono::hours{3}};
    for (auto _ : st) {
        auto d = decide(world{&s, 2, {}}, r, p);
        benchmark::DoNotOptimize(d);
    }
}
BENCHMARK(decide_note)->Arg(10)->Arg(1000);

void render_postmortem_slack(benchmark::State& st)
{
    auto s = replay(incident(static_cast<std::size_t>(st.range(0))));
    policy p;
    std::size_t messages = 0;
    for (auto _ : st) {
        auto chunks = coolhead::slack::split(coolhead::slack::render(render_postmortem(s, t0 + std::chrono::hours{3}, p)));
        messages = chunks.size();
        benchmark::DoNotOptimize(chunks);
    }
    st.counters["messages"] = static_cast<double>(messages);
}
BENCHMARK(render_postmortem_slack)->Arg(10)->Arg(1000);

void render_postmortem_mattermost(benchmark::State& st)
{
    auto s = replay(incident(static_cast<std::size_t>(st.range(0))));
    policy p;
    std::size_t messages = 0;
    for (auto _ : st) {
        auto chunks =
            coolhead::mattermost::split(coolhead::mattermost::render(render_postmortem(s, t0 + std::chrono::hours{3}, p)));
        messages = chunks.size();
        benchmark::DoNotOptimize(chunks);
    }
    st.counters["messages"] = static_cast<double>(messages);
}
BENCHMARK(render_postmortem_mattermost)->Arg(10)->Arg(1000);

} // namespace

BENCHMARK_MAIN();

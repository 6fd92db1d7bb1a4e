// Fuzz target for the grammar: any bytes, any command, any dialect. Besides not crashing, what
// the grammar returns must be usable: a usage error renders, a command is decided against an
// empty channel and against an open incident without throwing.
#include "commands/decide.hpp"
#include "commands/grammar.hpp"
#include "commands/render.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    using namespace coolhead::commands;
    if (size == 0) return 0;
    // The first byte picks the command and dialect; the rest is the text.
    auto f = static_cast<family>(data[0] % 4);
    auto d = static_cast<dialect>((data[0] / 4) % 3);
    std::string_view text(reinterpret_cast<char const*>(data + 1), size - 1);

    auto parsed = parse(f, text, d);
    if (!parsed) {
        auto doc = render_usage_error(parsed.error());
        if (doc.empty()) std::abort();
        return 0;
    }
    policy p;
    auto now = from_millis(1'795'402'800'000);
    user_ref alice{"U1", "alice"}, bob{"U2", "bob"};
    channel_ref ch{"C1", "ops"};

    // Against a channel with no incident.
    world empty{};
    (void)decide(empty, request{*parsed, alice, ch, now}, p);

    // Against an open incident with a hypothesis and an option.
    incident_state s;
    apply(s, event{now, alice, incident_started{1, ch, "Checkout fails", 2, alice}});
    apply(s, event{now, bob, hypothesis_proposed{1, "pool exhausted"}});
    apply(s, event{now, bob, option_proposed{1, "roll back", "", ""}});
    world w{&s, 2, {}};
    auto out = decide(w, request{*parsed, bob, ch, now}, p);
    if (auto* dec = std::get_if<decision>(&out))
        for (auto const& e : dec->events) apply(s, e);
    (void)render_postmortem(s, now, p);
    return 0;
}

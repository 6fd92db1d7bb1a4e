// What the platforms report besides slash commands: pins (📌) and plain messages.
//
// | input          | allowed when               | records                      | answer               |
// |----------------|----------------------------|------------------------------|----------------------|
// | pin_message    | open; not pinned already   | message_pinned               | none                 |
// | unpin_message  | open; currently pinned     | message_unpinned             | none                 |
// | observe_message| open                       | nudge_sent (blame, cooldown) | private nudge, if any|
// | edit_message   | open; the message is pinned| pinned_message_edited        | none                 |
// | delete_message | open; the message is pinned| pinned_message_deleted       | none                 |
//
// None of these is a command a person typed, so there is nothing to refuse: outside an open
// incident they are ignored (an empty decision).
#include "commands/rules.hpp"

#include <algorithm>

namespace coolhead::commands::detail {
namespace {

decision nothing(ctx const& c) { return decision{c.has_incident() ? c.s().number : 0, {}, {}, {}}; }

bool open_here(ctx const& c) { return c.has_incident() && c.s().is_open(); }

} // namespace

outcome handle(ctx const& c, pin_message const& cmd)
{
    if (!open_here(c)) return nothing(c);
    auto const& pins = c.s().pins;
    auto it = std::find_if(pins.begin(), pins.end(), [&](pin const& p) { return p.message_id == cmd.message_id; });
    if (it != pins.end() && !it->removed) return nothing(c);
    auto d = nothing(c);
    d.events.push_back(c.ev(message_pinned{cmd.message_id, cmd.author, cmd.text, cmd.posted_at}));
    return d;
}

outcome handle(ctx const& c, unpin_message const& cmd)
{
    if (!open_here(c)) return nothing(c);
    auto const& pins = c.s().pins;
    auto it = std::find_if(pins.begin(), pins.end(), [&](pin const& p) { return p.message_id == cmd.message_id; });
    if (it == pins.end() || it->removed) return nothing(c);
    auto d = nothing(c);
    d.events.push_back(c.ev(message_unpinned{cmd.message_id}));
    return d;
}

outcome handle(ctx const& c, observe_message const& cmd)
{
    if (!open_here(c)) return nothing(c);
    auto d = nothing(c);
    nudge_on_blame(c, cmd.text, d);
    return d;
}

namespace {

pin const* pinned(ctx const& c, std::string const& id)
{
    for (auto const& p : c.s().pins)
        if (p.message_id == id) return &p;
    return nullptr;
}

} // namespace

outcome handle(ctx const& c, edit_message const& cmd)
{
    if (!open_here(c)) return nothing(c);
    auto const* p = pinned(c, cmd.message_id);
    if (!p || p->deleted) return nothing(c);
    auto const& latest = p->edits.empty() ? p->text : p->edits.back().first;
    if (latest == cmd.text) return nothing(c);
    auto d = nothing(c);
    d.events.push_back(c.ev(pinned_message_edited{cmd.message_id, cmd.text}));
    return d;
}

outcome handle(ctx const& c, delete_message const& cmd)
{
    if (!open_here(c)) return nothing(c);
    auto const* p = pinned(c, cmd.message_id);
    if (!p || p->deleted) return nothing(c);
    auto d = nothing(c);
    d.events.push_back(c.ev(pinned_message_deleted{cmd.message_id}));
    return d;
}

} // namespace coolhead::commands::detail

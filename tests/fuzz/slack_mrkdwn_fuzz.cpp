// Fuzz target for Slack mrkdwn (bot/adapters/slack/mrkdwn.hpp): arbitrary user text in every
// place a document can hold it, rendered and split. The first byte picks the split limit; the
// rest is cut at NUL bytes into the user's strings. Checks: the output is valid UTF-8; every
// chunk fits the limit, is valid UTF-8 and the chunks concatenate to the output; and the only
// <…> tokens are our own (<@U0BOB00001> for the one pinged person, <#C…> for channels with a
// Slack id), so no "<!…>" or "<@…>" comes from user text.
#include "bot/adapters/slack/mrkdwn.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace coolhead;
namespace m = commands::markup;

/// Aborts unless every '<' opens one of our tokens; returns how many "<@" tokens there were.
std::size_t check_tokens(std::string_view s)
{
    std::size_t pings = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '>') std::abort(); // a '>' outside a token: escaping failed
        if (s[i] != '<') continue;
        auto close = s.find('>', i);
        if (close == std::string_view::npos) std::abort();
        auto inner = s.substr(i + 1, close - i - 1);
        if (inner == "@U0BOB00001")
            ++pings;
        else if (!(inner.starts_with("#") && slack::is_channel_id(inner.substr(1))))
            std::abort();
        i = close;
    }
    return pings;
}

void check_entities(std::string_view s)
{
    for (auto p = s.find('&'); p != std::string_view::npos; p = s.find('&', p + 1)) {
        auto at = s.substr(p);
        if (!at.starts_with("&amp;") && !at.starts_with("&lt;") && !at.starts_with("&gt;")) std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) return 0;
    std::size_t const limit = 4 + static_cast<std::size_t>(data[0]) * 20;
    std::string_view rest(reinterpret_cast<char const*>(data + 1), size - 1);
    std::vector<std::string> user;
    while (true) {
        auto nul = rest.find('\0');
        user.emplace_back(rest.substr(0, nul));
        if (nul == std::string_view::npos) break;
        rest.remove_prefix(nul + 1);
    }
    auto pick = [&](std::size_t i) -> std::string const& { return user[i % user.size()]; };

    // Every place user text can go.
    commands::user_ref const bob{"U0BOB00001", "bob"};
    m::inlines line{m::u(pick(0)),
                    m::t(" "),
                    m::ucode(pick(1)),
                    m::text{pick(2), m::style::strong, true},
                    m::text{pick(3), m::style::emphasis, true},
                    m::ping(bob),
                    m::who(commands::user_ref{pick(4), pick(5)}),
                    m::who(commands::user_ref{pick(6), ""}),
                    m::where(commands::channel_ref{pick(7), pick(8)})};
    m::document doc;
    doc.blocks.push_back(m::heading{1, line});
    doc.blocks.push_back(m::paragraph{line});
    doc.blocks.push_back(m::bullet_list{{m::list_item{line, {line, {m::u(pick(9))}}}}});
    doc.blocks.push_back(m::table{{pick(10), "Owner"}, {{line, {m::u(pick(11))}}, {{m::u(pick(12))}}}});
    for (auto const& u : user)
        doc.blocks.push_back(m::paragraph{{m::u(u)}});

    auto out = slack::render(doc);
    if (!slack::is_valid_utf8(out)) std::abort();
    if (out.find("<!") != std::string::npos) std::abort();
    // One ping per `line` (heading, paragraph, item, child, table cell): 5, no more.
    if (check_tokens(out) != 5) std::abort();
    check_entities(out);

    auto chunks = slack::split(out, limit);
    std::string joined;
    for (auto const& c : chunks) {
        if (c.empty() || c.size() > limit) std::abort();
        if (!slack::is_valid_utf8(c)) std::abort();
        // Our tokens are at most 35 bytes and entities 5: chunks this size keep them whole.
        if (limit >= 64) {
            check_tokens(c);
            check_entities(c);
        }
        joined += c;
    }
    if (joined != out) std::abort();
    for (auto const& c : slack::render_chunks(doc, limit))
        if (c.empty() || c.size() > limit) std::abort();
    return 0;
}

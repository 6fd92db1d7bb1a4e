// Fuzz target for Mattermost slash commands (bot/adapters/mattermost/slash_command.hpp): any bytes
// as a form body, an Authorization header and a token. Decoding must never crash or throw; a
// decoded form must survive re-encoding (each pair percent-encoded decodes to the same pairs); a
// parsed command has its required fields; the reply built from its text is JSON with
// skip_slack_parsing; a token always matches itself and never an empty configuration.
#include "bot/adapters/mattermost/slash_command.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace coolhead;

std::string encode(std::string_view s)
{
    constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        auto b = static_cast<unsigned char>(c);
        out += '%';
        out += hex[b >> 4U];
        out += hex[b & 0x0FU];
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view body(reinterpret_cast<char const*>(data), size);
    if (auto form = mattermost::decode_form(body)) {
        std::string again;
        for (auto const& f : *form) {
            if (!again.empty()) again += '&';
            again += encode(f.key) + "=" + encode(f.value);
        }
        auto round = mattermost::decode_form(again);
        // Keys that decode to "" with an empty value would be skipped as empty pairs: none are,
        // since every pair re-encodes with a '='.
        if (!round || *round != *form) std::abort();
    }
    auto parsed = mattermost::parse_slash_command(body);
    if (auto const* c = std::get_if<mattermost::slash_command>(&parsed)) {
        if (c->command.empty() || c->channel_id.empty() || c->user_id.empty()) std::abort();
        auto j = nlohmann::json::parse(mattermost::command_response(c->text, true), nullptr, false);
        if (j.is_discarded() || j.value("skip_slack_parsing", false) != true) std::abort();
        for (auto const& m : c->user_mentions)
            if (mattermost::find_mention(c->user_mentions, m.name) == nullptr && !m.name.empty() &&
                m.name != "@" && m.name != "~")
                std::abort();
    } else if (std::get<mattermost::malformed_form>(parsed).what.empty()) {
        std::abort();
    }
    if (auto t = mattermost::token_from_authorization(body)) {
        if (t->empty()) std::abort();
        if (!mattermost::tokens_match(*t, t->reveal())) std::abort();
    }
    if (mattermost::tokens_match(log::secret{}, body)) std::abort();
    if (mattermost::tokens_match(log::secret(std::string(body)), body) != !body.empty()) std::abort();
    return 0;
}

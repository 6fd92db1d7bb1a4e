// Fuzz target for the Mattermost websocket and REST codec (bot/adapters/mattermost/
// websocket_frames.hpp, rest.hpp): any bytes as a websocket text frame and as a REST reply body.
// Parsing must never crash or throw; a decoded frame must hold what its type promises (required
// fields present, a malformed frame explaining itself), and the frames we would send back with
// the sequence numbers read from it must be JSON carrying those numbers.
#include "bot/adapters/mattermost/rest.hpp"
#include "bot/adapters/mattermost/websocket_frames.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace coolhead;

void check_ping(std::int64_t seq)
{
    if (seq < 1) return;
    auto j = nlohmann::json::parse(mattermost::ping(seq), nullptr, false);
    if (j.is_discarded() || j.value("seq", std::int64_t{-1}) != seq || j.value("action", "") != "ping") std::abort();
}

void check_post(mattermost::post const& p)
{
    if (p.id.empty() || p.user_id.empty() || p.channel_id.empty()) std::abort(); // required
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<char const*>(data), size);
    auto f = mattermost::parse_frame(text);
    if (auto const* r = std::get_if<mattermost::response>(&f)) {
        if (r->status.empty()) std::abort();
        if (!r->data.is_null() && !r->data.is_object()) std::abort();
        check_ping(r->seq_reply);
    } else if (auto const* e = std::get_if<mattermost::event>(&f)) {
        if (e->type.empty()) std::abort();
        if (auto const* p = std::get_if<mattermost::posted>(&e->data)) check_post(p->post);
        if (auto const* p = std::get_if<mattermost::post_edited>(&e->data)) check_post(p->post);
        if (auto const* p = std::get_if<mattermost::post_deleted>(&e->data)) check_post(p->post);
        if (auto const* r2 = std::get_if<mattermost::reaction>(&e->data))
            if (r2->user_id.empty() || r2->post_id.empty() || r2->emoji_name.empty()) std::abort();
        if (e->seq) check_ping(*e->seq + 1);
    } else {
        auto const& m = std::get<mattermost::malformed>(f);
        if (m.what.empty()) std::abort();
    }

    auto created = mattermost::parse_created_post(text);
    if (created.ok()) check_post(created.post);
    auto u = mattermost::parse_user(text);
    if (u.ok() && u.id.empty()) std::abort();
    (void)mattermost::best_name(u);
    auto since = mattermost::parse_posts_since(text);
    for (std::size_t i = 0; i < since.posts.size(); ++i) {
        check_post(since.posts[i]);
        if (i > 0 && since.posts[i - 1].create_at > since.posts[i].create_at) std::abort(); // sorted
    }
    auto reg = mattermost::parse_registered_command(text);
    if (reg.ok() && (reg.id.empty() || reg.token.empty())) std::abort();
    if (!reg.ok() && !reg.token.empty()) std::abort(); // no half of a bad reply
    (void)mattermost::parse_api_error(text);
    return 0;
}

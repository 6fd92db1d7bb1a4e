#include "bot/store/json/reply_json.hpp"

#include "bot/store/json/detail/json_io.hpp"

namespace coolhead::store {
namespace detail {

namespace c = commands;
namespace m = commands::markup;

// Enum names, stored with every reply: never rename one.
inline std::string_view name_of(tag<c::visibility>, c::visibility v) noexcept
{
    switch (v) {
    case c::visibility::everyone:
        return "everyone";
    case c::visibility::one_user:
        return "one_user";
    }
    return "?";
}
inline std::optional<c::visibility> parse_name(tag<c::visibility>, std::string_view s) noexcept
{
    if (s == "everyone") return c::visibility::everyone;
    if (s == "one_user") return c::visibility::one_user;
    return std::nullopt;
}

inline std::string_view name_of(tag<c::message_kind>, c::message_kind v) noexcept
{
    switch (v) {
    case c::message_kind::reply:
        return "reply";
    case c::message_kind::phase_prompt:
        return "phase_prompt";
    case c::message_kind::humility:
        return "humility";
    case c::message_kind::reminder:
        return "reminder";
    case c::message_kind::postmortem:
        return "postmortem";
    case c::message_kind::announcement:
        return "announcement";
    }
    return "?";
}
inline std::optional<c::message_kind> parse_name(tag<c::message_kind>, std::string_view s) noexcept
{
    for (auto k : {c::message_kind::reply, c::message_kind::phase_prompt, c::message_kind::humility,
                   c::message_kind::reminder, c::message_kind::postmortem, c::message_kind::announcement})
        if (name_of(tag<c::message_kind>{}, k) == s) return k;
    return std::nullopt;
}

inline std::string_view name_of(tag<m::style>, m::style v) noexcept
{
    switch (v) {
    case m::style::plain:
        return "plain";
    case m::style::strong:
        return "strong";
    case m::style::emphasis:
        return "emphasis";
    case m::style::code:
        return "code";
    }
    return "?";
}
inline std::optional<m::style> parse_name(tag<m::style>, std::string_view s) noexcept
{
    for (auto k : {m::style::plain, m::style::strong, m::style::emphasis, m::style::code})
        if (name_of(tag<m::style>{}, k) == s) return k;
    return std::nullopt;
}

// One line per name reads as a table.
// clang-format off
// Block and span types.
constexpr std::string_view type_name(tag<m::text>) noexcept { return "text"; }
constexpr std::string_view type_name(tag<m::person>) noexcept { return "person"; }
constexpr std::string_view type_name(tag<m::channel>) noexcept { return "channel"; }
constexpr std::string_view type_name(tag<m::paragraph>) noexcept { return "paragraph"; }
constexpr std::string_view type_name(tag<m::heading>) noexcept { return "heading"; }
constexpr std::string_view type_name(tag<m::bullet_list>) noexcept { return "bullet_list"; }
constexpr std::string_view type_name(tag<m::table>) noexcept { return "table"; }
// clang-format on

template <class Io>
void fields(Io& io, m::text& s)
{
    io.opt("value", s.value);
    io.req("look", s.look);
    io.req("from_user", s.from_user); // a default of false would trust user text
}
template <class Io>
void fields(Io& io, m::person& s)
{
    io.req("who", s.who);
    io.opt("notify", s.notify);
}
template <class Io>
void fields(Io& io, m::channel& s)
{
    io.req("where", s.where);
}
template <class Io>
void fields(Io& io, m::paragraph& b)
{
    io.opt("content", b.content);
}
template <class Io>
void fields(Io& io, m::heading& b)
{
    io.req("level", b.level);
    io.opt("content", b.content);
}
template <class Io>
void fields(Io& io, m::list_item& i)
{
    io.opt("content", i.content);
    io.opt("children", i.children);
}
template <class Io>
void fields(Io& io, m::bullet_list& b)
{
    io.opt("items", b.items);
}
template <class Io>
void fields(Io& io, m::table& b)
{
    io.opt("header", b.header);
    io.opt("rows", b.rows);
}
template <class Io>
void fields(Io& io, m::document& d)
{
    io.opt("blocks", d.blocks);
}
template <class Io>
void fields(Io& io, c::outbound& o)
{
    io.req("channel", o.channel);
    io.req("to", o.to);
    io.req("user", o.user);
    io.req("kind", o.kind);
    io.req("body", o.body);
}

} // namespace detail

std::string reply_to_json(commands::outbound const& reply)
{
    return detail::dump(detail::encode(reply));
}

boost::system::result<commands::outbound> reply_from_json(std::string_view text)
{
    detail::json j;
    if (auto ec = detail::parse_object(text, j)) return ec;
    commands::outbound out;
    if (auto ec = detail::decode(j, out)) return ec;
    return out;
}

} // namespace coolhead::store

#include "bot/store/json/event_json.hpp"

#include "bot/store/json/detail/json_io.hpp"

#include <algorithm>
#include <array>

namespace coolhead::store {
namespace detail {

namespace c = commands;

// One line per name reads as a table.
// clang-format off
// Enum names. The core's tables are the source for the enums it names; closure is named here.
inline std::string_view name_of(tag<c::role>, c::role v) noexcept { return c::role_name(v); }
inline std::optional<c::role> parse_name(tag<c::role>, std::string_view s) noexcept { return c::role_from_name(s); }
inline std::string_view name_of(tag<c::phase>, c::phase v) noexcept { return c::phase_name(v); }
inline std::optional<c::phase> parse_name(tag<c::phase>, std::string_view s) noexcept { return c::phase_from_name(s); }
inline std::string_view name_of(tag<c::reminder_kind>, c::reminder_kind v) noexcept { return c::reminder_name(v); }
inline std::optional<c::reminder_kind> parse_name(tag<c::reminder_kind>, std::string_view s) noexcept
{
    return c::reminder_from_name(s);
}
inline std::string_view name_of(tag<c::nudge_kind>, c::nudge_kind v) noexcept { return c::nudge_name(v); }
inline std::optional<c::nudge_kind> parse_name(tag<c::nudge_kind>, std::string_view s) noexcept
{
    return c::nudge_from_name(s);
}
inline std::string_view name_of(tag<c::closure>, c::closure v) noexcept
{
    switch (v) {
    case c::closure::published:
        return "published";
    case c::closure::resolved:
        return "resolved";
    }
    return "?";
}
inline std::optional<c::closure> parse_name(tag<c::closure>, std::string_view s) noexcept
{
    if (s == "published") return c::closure::published;
    if (s == "resolved") return c::closure::resolved;
    return std::nullopt;
}

// Record types: the struct names. Stored in every log, so never rename one.
constexpr std::string_view type_name(tag<c::incident_started>) noexcept { return "incident_started"; }
constexpr std::string_view type_name(tag<c::severity_changed>) noexcept { return "severity_changed"; }
constexpr std::string_view type_name(tag<c::role_assigned>) noexcept { return "role_assigned"; }
constexpr std::string_view type_name(tag<c::note_added>) noexcept { return "note_added"; }
constexpr std::string_view type_name(tag<c::status_update_posted>) noexcept { return "status_update_posted"; }
constexpr std::string_view type_name(tag<c::reminder_interval_set>) noexcept { return "reminder_interval_set"; }
constexpr std::string_view type_name(tag<c::breakout_opened>) noexcept { return "breakout_opened"; }
constexpr std::string_view type_name(tag<c::breakout_reported>) noexcept { return "breakout_reported"; }
constexpr std::string_view type_name(tag<c::hypothesis_proposed>) noexcept { return "hypothesis_proposed"; }
constexpr std::string_view type_name(tag<c::hypothesis_confirmed>) noexcept { return "hypothesis_confirmed"; }
constexpr std::string_view type_name(tag<c::hypothesis_rejected>) noexcept { return "hypothesis_rejected"; }
constexpr std::string_view type_name(tag<c::option_proposed>) noexcept { return "option_proposed"; }
constexpr std::string_view type_name(tag<c::option_tradeoff_added>) noexcept { return "option_tradeoff_added"; }
constexpr std::string_view type_name(tag<c::option_vetoed>) noexcept { return "option_vetoed"; }
constexpr std::string_view type_name(tag<c::option_chosen>) noexcept { return "option_chosen"; }
constexpr std::string_view type_name(tag<c::mitigation_completed>) noexcept { return "mitigation_completed"; }
constexpr std::string_view type_name(tag<c::phase_entered>) noexcept { return "phase_entered"; }
constexpr std::string_view type_name(tag<c::tollgate_recorded>) noexcept { return "tollgate_recorded"; }
constexpr std::string_view type_name(tag<c::followup_added>) noexcept { return "followup_added"; }
constexpr std::string_view type_name(tag<c::followup_updated>) noexcept { return "followup_updated"; }
constexpr std::string_view type_name(tag<c::followup_completed>) noexcept { return "followup_completed"; }
constexpr std::string_view type_name(tag<c::incident_closed>) noexcept { return "incident_closed"; }
constexpr std::string_view type_name(tag<c::recurrence_linked>) noexcept { return "recurrence_linked"; }
constexpr std::string_view type_name(tag<c::message_pinned>) noexcept { return "message_pinned"; }
constexpr std::string_view type_name(tag<c::message_unpinned>) noexcept { return "message_unpinned"; }
constexpr std::string_view type_name(tag<c::reminder_sent>) noexcept { return "reminder_sent"; }
constexpr std::string_view type_name(tag<c::nudge_sent>) noexcept { return "nudge_sent"; }
constexpr std::string_view type_name(tag<c::pinned_message_edited>) noexcept { return "pinned_message_edited"; }
constexpr std::string_view type_name(tag<c::pinned_message_deleted>) noexcept { return "pinned_message_deleted"; }
// clang-format on

// Fields, by their struct names. "by" is taken by the event itself.
template <class Io>
void fields(Io& io, c::incident_started& e)
{
    io.req("number", e.number);
    io.req("channel", e.channel);
    io.opt("title", e.title);
    io.req("severity", e.severity);
    io.req("reporter", e.reporter);
}
template <class Io>
void fields(Io& io, c::severity_changed& e)
{
    io.req("severity", e.severity);
}
template <class Io>
void fields(Io& io, c::role_assigned& e)
{
    io.req("what", e.what);
    io.req("user", e.user);
}
template <class Io>
void fields(Io& io, c::note_added& e)
{
    io.opt("text", e.text);
}
template <class Io>
void fields(Io& io, c::status_update_posted& e)
{
    io.opt("text", e.text);
}
template <class Io>
void fields(Io& io, c::reminder_interval_set& e)
{
    io.opt("interval", e.interval);
}
template <class Io>
void fields(Io& io, c::breakout_opened& e)
{
    io.req("id", e.id);
    io.opt("topic", e.topic);
    io.opt("members", e.members);
}
template <class Io>
void fields(Io& io, c::breakout_reported& e)
{
    io.req("id", e.id);
    io.opt("finding", e.finding);
}
template <class Io>
void fields(Io& io, c::hypothesis_proposed& e)
{
    io.req("id", e.id);
    io.opt("text", e.text);
}
template <class Io>
void fields(Io& io, c::hypothesis_confirmed& e)
{
    io.req("id", e.id);
}
template <class Io>
void fields(Io& io, c::hypothesis_rejected& e)
{
    io.req("id", e.id);
    io.opt("why", e.why);
}
template <class Io>
void fields(Io& io, c::option_proposed& e)
{
    io.req("id", e.id);
    io.opt("text", e.text);
    io.opt("impact", e.impact);
    io.opt("recovery", e.recovery);
}
template <class Io>
void fields(Io& io, c::option_tradeoff_added& e)
{
    io.req("id", e.id);
    io.req("pro", e.pro);
    io.opt("text", e.text);
}
template <class Io>
void fields(Io& io, c::option_vetoed& e)
{
    io.req("id", e.id);
    io.opt("why", e.why);
}
template <class Io>
void fields(Io& io, c::option_chosen& e)
{
    io.req("id", e.id);
    io.opt("before_rootcause", e.before_rootcause);
}
template <class Io>
void fields(Io& io, c::mitigation_completed& e)
{
    io.req("id", e.id);
}
template <class Io>
void fields(Io& io, c::phase_entered& e)
{
    io.req("to", e.to);
}
template <class Io>
void fields(Io& io, c::tollgate_recorded& e)
{
    io.req("id", e.id);
    io.opt("name", e.name);
    io.req("applicable", e.applicable);
    io.opt("how", e.how);
}
template <class Io>
void fields(Io& io, c::followup_added& e)
{
    io.req("id", e.id);
    io.opt("text", e.text);
    io.req("tollgate", e.tollgate);
    io.req("owner", e.owner);
    io.opt("ticket", e.ticket);
}
template <class Io>
void fields(Io& io, c::followup_updated& e)
{
    io.req("id", e.id);
    io.opt("owner", e.owner);
    io.opt("ticket", e.ticket);
}
template <class Io>
void fields(Io& io, c::followup_completed& e)
{
    io.req("id", e.id);
}
template <class Io>
void fields(Io& io, c::incident_closed& e)
{
    io.req("how", e.how);
    io.opt("reason", e.reason);
}
template <class Io>
void fields(Io& io, c::recurrence_linked& e)
{
    io.req("earlier", e.earlier);
    io.opt("earlier_title", e.earlier_title);
    io.opt("open_followups", e.open_followups);
    io.opt("shared_words", e.shared_words);
}
template <class Io>
void fields(Io& io, c::message_pinned& e)
{
    io.opt("message_id", e.message_id);
    io.req("author", e.author);
    io.opt("text", e.text);
    io.req("posted_at", e.posted_at);
}
template <class Io>
void fields(Io& io, c::message_unpinned& e)
{
    io.opt("message_id", e.message_id);
}
template <class Io>
void fields(Io& io, c::reminder_sent& e)
{
    io.req("kind", e.kind);
    io.opt("key", e.key);
}
template <class Io>
void fields(Io& io, c::nudge_sent& e)
{
    io.req("kind", e.kind);
    io.req("to", e.to);
}
template <class Io>
void fields(Io& io, c::pinned_message_edited& e)
{
    io.opt("message_id", e.message_id);
    io.opt("text", e.text);
}
template <class Io>
void fields(Io& io, c::pinned_message_deleted& e)
{
    io.opt("message_id", e.message_id);
}

namespace {

template <std::size_t... I>
constexpr auto make_type_names(std::index_sequence<I...>) noexcept
{
    return std::array<std::string_view, sizeof...(I)>{
        type_name(tag<std::variant_alternative_t<I, c::event_data>>{})...};
}

constexpr auto type_names = make_type_names(std::make_index_sequence<std::variant_size_v<c::event_data>>{});

constexpr bool names_are_unique() noexcept
{
    for (std::size_t i = 0; i < type_names.size(); ++i)
        for (std::size_t j = i + 1; j < type_names.size(); ++j)
            if (type_names[i] == type_names[j]) return false;
    return true;
}
static_assert(names_are_unique(), "two event types share a record type name");

class codec_category_impl final : public boost::system::error_category {
  public:
    char const* name() const noexcept override { return "coolhead.store.codec"; }
    std::string message(int ev) const override
    {
        switch (static_cast<codec_errc>(ev)) {
        case codec_errc::not_json:
            return "not valid JSON";
        case codec_errc::unknown_type:
            return "unknown type name";
        case codec_errc::missing_field:
            return "a required field is missing";
        case codec_errc::wrong_type:
            return "a field has the wrong JSON type";
        case codec_errc::bad_value:
            return "a number is out of range or a name is unknown";
        }
        return "unknown codec error";
    }
};

} // namespace
} // namespace detail

boost::system::error_category const& codec_category() noexcept
{
    static detail::codec_category_impl const c;
    return c;
}

std::string_view event_type(commands::event_data const& e) noexcept
{
    return detail::alternative_name(e);
}

std::span<std::string_view const> event_types() noexcept
{
    return detail::type_names;
}

record to_record(commands::event const& e)
{
    detail::writer w;
    w.req("by", e.by);
    std::visit([&](auto const& x) { detail::write_fields(w, x); }, e.what);
    return record{0, commands::to_millis(e.at), std::string(event_type(e.what)), detail::dump(w.out)};
}

boost::system::result<commands::event> from_record(record const& r)
{
    // The type first: a record from a newer version should say so, whatever its body holds.
    if (std::find(detail::type_names.begin(), detail::type_names.end(), r.type) == detail::type_names.end())
        return codec_errc::unknown_type;
    detail::json body;
    if (auto ec = detail::parse_object(r.body, body)) return ec;
    detail::reader in(body);
    commands::event e;
    e.at = commands::from_millis(r.at_ms);
    in.req("by", e.by);
    if (auto ec = in.error()) return ec;
    if (auto ec = detail::read_alternative(r.type, in, e.what)) return ec;
    return e;
}

} // namespace coolhead::store

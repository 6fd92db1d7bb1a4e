// Stable names for enums: shown to users and used in storage, so never rename one.
#include "commands/command.hpp"
#include "commands/event.hpp"

#include <array>
#include <utility>

namespace coolhead::commands {
namespace {

template <class E, std::size_t N>
std::optional<E> lookup(std::array<std::pair<E, std::string_view>, N> const& table, std::string_view name) noexcept
{
    for (auto const& [e, n] : table)
        if (iequals(n, name)) return e;
    return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(std::array<std::pair<E, std::string_view>, N> const& table, E e) noexcept
{
    for (auto const& [x, n] : table)
        if (x == e) return n;
    return "?";
}

constexpr std::array roles{
    std::pair{role::lead, std::string_view{"lead"}},       std::pair{role::decider, std::string_view{"decider"}},
    std::pair{role::scribe, std::string_view{"scribe"}},   std::pair{role::comms, std::string_view{"comms"}},
    std::pair{role::sme, std::string_view{"sme"}},
};
constexpr std::array role_titles{
    std::pair{role::lead, std::string_view{"Lead"}},       std::pair{role::decider, std::string_view{"Decider"}},
    std::pair{role::scribe, std::string_view{"Scribe"}},   std::pair{role::comms, std::string_view{"Comms"}},
    std::pair{role::sme, std::string_view{"Subject-matter expert"}},
};
constexpr std::array families{
    std::pair{family::incident, std::string_view{"incident"}},
    std::pair{family::rootcause, std::string_view{"rootcause"}},
    std::pair{family::mitigation, std::string_view{"mitigation"}},
    std::pair{family::postmortem, std::string_view{"postmortem"}},
};
constexpr std::array phases{
    std::pair{phase::discovery, std::string_view{"discovery"}},
    std::pair{phase::mitigation, std::string_view{"mitigation"}},
    std::pair{phase::postmortem, std::string_view{"postmortem"}},
    std::pair{phase::closed, std::string_view{"closed"}},
};
constexpr std::array phase_titles{
    std::pair{phase::discovery, std::string_view{"Discovery"}},
    std::pair{phase::mitigation, std::string_view{"Mitigation"}},
    std::pair{phase::postmortem, std::string_view{"Post-mortem"}},
    std::pair{phase::closed, std::string_view{"Closed"}},
};
constexpr std::array reminders{
    std::pair{reminder_kind::status_update, std::string_view{"status_update"}},
    std::pair{reminder_kind::no_rootcause, std::string_view{"no_rootcause"}},
    std::pair{reminder_kind::unconfirmed_hypothesis, std::string_view{"unconfirmed_hypothesis"}},
    std::pair{reminder_kind::followup_ticket, std::string_view{"followup_ticket"}},
};
constexpr std::array nudges{
    std::pair{nudge_kind::blame, std::string_view{"blame"}},
    std::pair{nudge_kind::early_rootcause, std::string_view{"early_rootcause"}},
    std::pair{nudge_kind::veto_without_reason, std::string_view{"veto_without_reason"}},
};

} // namespace

std::string_view family_name(family f) noexcept { return name_of(families, f); }
std::string_view role_name(role r) noexcept { return name_of(roles, r); }
std::string_view role_title(role r) noexcept { return name_of(role_titles, r); }
std::optional<role> role_from_name(std::string_view name) noexcept { return lookup(roles, name); }
std::string incident_label(std::uint64_t number) { return "INC-" + std::to_string(number); }

std::string_view phase_title(phase p) noexcept { return name_of(phase_titles, p); }
std::string_view phase_name(phase p) noexcept { return name_of(phases, p); }
std::optional<phase> phase_from_name(std::string_view n) noexcept { return lookup(phases, n); }
std::string_view reminder_name(reminder_kind k) noexcept { return name_of(reminders, k); }
std::optional<reminder_kind> reminder_from_name(std::string_view n) noexcept { return lookup(reminders, n); }
std::string_view nudge_name(nudge_kind k) noexcept { return name_of(nudges, k); }
std::optional<nudge_kind> nudge_from_name(std::string_view n) noexcept { return lookup(nudges, n); }

} // namespace coolhead::commands

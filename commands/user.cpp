#include "commands/user.hpp"

namespace coolhead::commands {

bool same_person(user_ref const& a, user_ref const& b) noexcept
{
    if (!a.id.empty() && !b.id.empty()) return a.id == b.id;
    if (!a.name.empty() && !b.name.empty()) return iequals(a.name, b.name);
    // One side has only an id, the other only a name: on the console the id is the name.
    if (!a.id.empty() && !b.name.empty()) return iequals(a.id, b.name);
    if (!a.name.empty() && !b.id.empty()) return iequals(a.name, b.id);
    return false;
}

std::string const& display_name(user_ref const& u) noexcept { return u.name.empty() ? u.id : u.name; }

std::string ascii_lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

} // namespace coolhead::commands

#pragma once
/// People and places as plain values. A user is known by a platform id (Slack "U123",
/// Mattermost "s8ucfh…", console: the name) and/or a display name; a mention typed as "@bob"
/// on Mattermost or the console carries only the name.

#include <string>
#include <string_view>

namespace coolhead::commands {

struct user_ref {
    std::string id;   ///< platform user id; may be empty when only a name is known
    std::string name; ///< display/user name without '@'; may be empty when only an id is known

    friend bool operator==(user_ref const&, user_ref const&) = default;
};

/// True if both refer to the same person: ids are compared when both sides have one,
/// otherwise names, case-insensitively. Two empty references are never the same person.
bool same_person(user_ref const& a, user_ref const& b) noexcept;

/// The name to show: the name if known, else the id.
std::string const& display_name(user_ref const& u) noexcept;

struct channel_ref {
    std::string id;   ///< platform channel id (console: the channel name)
    std::string name; ///< human name without '#', may be empty

    friend bool operator==(channel_ref const&, channel_ref const&) = default;
};

/// Lower-cases ASCII letters; other bytes (UTF-8 included) are kept.
std::string ascii_lower(std::string_view s);

/// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b) noexcept;

} // namespace coolhead::commands

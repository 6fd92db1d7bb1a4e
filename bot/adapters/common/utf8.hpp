#pragma once
/// Shared by the chat codecs: UTF-8 decoding that never reads past the end, and rune counting
/// the way Mattermost does (Go's utf8.RuneCountInString: a well-formed sequence is one rune, and
/// so is every byte that does not start one). Header-only, standard library only.

#include <cstddef>
#include <string>
#include <string_view>

namespace coolhead::adapters::utf8 {


inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD"; // U+FFFD

inline bool is_continuation(unsigned char c) noexcept
{
    return (c & 0xC0U) == 0x80U;
}

/// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629, Unicode table 3-7), 0 if none.
inline std::size_t utf8_length(std::string_view s, std::size_t i) noexcept
{
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char const c = byte(i);
    if (c < 0x80U) return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80U, hi = 0xBFU; // range of the second byte
    if (c >= 0xC2U && c <= 0xDFU) {
        n = 2;
    } else if (c >= 0xE0U && c <= 0xEFU) {
        n = 3;
        if (c == 0xE0U)
            lo = 0xA0U; // no overlong forms
        else if (c == 0xEDU)
            hi = 0x9FU; // no surrogates
    } else if (c >= 0xF0U && c <= 0xF4U) {
        n = 4;
        if (c == 0xF0U)
            lo = 0x90U; // no overlong forms
        else if (c == 0xF4U)
            hi = 0x8FU; // ≤ U+10FFFF
    } else {
        return 0;
    }
    if (s.size() - i < n) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (!is_continuation(byte(i + k))) return 0;
    return n;
}

/// Bytes taken by the rune at s[i]: the well-formed sequence, or 1 for a byte that starts none.
inline std::size_t rune_bytes(std::string_view s, std::size_t i) noexcept
{
    auto n = utf8_length(s, i);
    return n == 0 ? 1 : n;
}

/// Runes in `s`, counted like Go's utf8.RuneCountInString.
inline std::size_t count_runes(std::string_view s) noexcept
{
    std::size_t runes = 0;
    for (std::size_t i = 0; i < s.size(); i += rune_bytes(s, i))
        ++runes;
    return runes;
}

/// `s` with every byte that starts no well-formed sequence replaced by U+FFFD.
inline std::string valid_utf8(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto n = utf8_length(s, i);
        if (n == 0) {
            out += replacement_character;
            ++i;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

} // namespace coolhead::adapters::utf8

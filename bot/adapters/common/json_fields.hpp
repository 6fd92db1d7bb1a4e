#pragma once
/// Shared by the chat codecs (Slack, Mattermost): parsing untrusted JSON without exceptions and
/// type-checked reads of one object's fields. The first problem is kept as a message naming the
/// object and the key, never the value (values can be user text or credentials, and these
/// messages end up in logs). Header-only: the codecs need nothing but nlohmann/json from it.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace coolhead::adapters::json_fields {


using json = nlohmann::json;

/// Compact UTF-8; invalid UTF-8 becomes U+FFFD instead of throwing.
inline std::string dump(json const& j)
{
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// Same for insertion-ordered objects (outbound frames and bodies keep the documented order).
inline std::string dump(nlohmann::ordered_json const& j)
{
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

/// Parses untrusted text without exceptions; a discarded value if it is not JSON.
inline json parse(std::string_view text)
{
    return json::parse(text.begin(), text.end(), nullptr, false);
}

enum class need : unsigned char { optional, required };

/// Reads fields of `obj` (which must be an object; otherwise every read fails). A field that is
/// absent or null counts as absent; a present field of the wrong type is an error.
class fields {
  public:
    fields(json const& obj, std::string where) : obj_(obj), where_(std::move(where))
    {
        if (!obj_.is_object()) fail("", "expected an object");
    }

    bool ok() const noexcept { return error_.empty(); }
    std::string const& error() const noexcept { return error_; }

    /// Records a problem found by the caller (the first one wins).
    void fail(std::string_view key, std::string_view what)
    {
        if (!error_.empty()) return;
        error_ = where_;
        if (!key.empty()) {
            if (!error_.empty()) error_ += '.';
            error_ += key;
        }
        error_ += ": ";
        error_ += what;
    }

    /// Takes over the first problem of a nested object's reader (its message has the full path).
    void take(fields const& inner)
    {
        if (error_.empty()) error_ = inner.error_;
    }

    json const* find(char const* key, need n)
    {
        if (!obj_.is_object()) return nullptr;
        auto it = obj_.find(key);
        if (it == obj_.end() || it->is_null()) {
            if (n == need::required) fail(key, "missing");
            return nullptr;
        }
        return &*it;
    }

    std::string str(char const* key, need n = need::optional)
    {
        auto const* v = find(key, n);
        if (!v) return {};
        if (!v->is_string()) {
            fail(key, "expected a string");
            return {};
        }
        auto const& s = v->get_ref<std::string const&>();
        if (n == need::required && s.empty()) fail(key, "empty");
        return s;
    }

    bool boolean(char const* key, need n = need::optional, bool fallback = false)
    {
        auto const* v = find(key, n);
        if (!v) return fallback;
        if (!v->is_boolean()) {
            fail(key, "expected a boolean");
            return fallback;
        }
        return v->get<bool>();
    }

    std::optional<std::int64_t> integer(char const* key, need n = need::optional)
    {
        auto const* v = find(key, n);
        if (!v) return std::nullopt;
        if (auto i = as_integer(*v)) return i;
        fail(key, "expected an integer");
        return std::nullopt;
    }

    json const* object(char const* key, need n = need::optional)
    {
        auto const* v = find(key, n);
        if (v && !v->is_object()) {
            fail(key, "expected an object");
            return nullptr;
        }
        return v;
    }

    json const* array(char const* key, need n = need::optional)
    {
        auto const* v = find(key, n);
        if (v && !v->is_array()) {
            fail(key, "expected an array");
            return nullptr;
        }
        return v;
    }

    /// An integer that fits std::int64_t, or nothing (floats, strings, huge unsigned values).
    static std::optional<std::int64_t> as_integer(json const& v)
    {
        if (v.is_number_unsigned()) {
            auto u = v.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
            return static_cast<std::int64_t>(u);
        }
        if (v.is_number_integer()) return v.get<std::int64_t>();
        return std::nullopt;
    }

  private:
    json const& obj_;
    std::string where_;
    std::string error_;
};

} // namespace coolhead::adapters::json_fields

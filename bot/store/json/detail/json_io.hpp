#pragma once
/// Internal to coolhead_store_json: one description of each struct's fields drives both
/// directions, so the writer and the reader can never disagree about a key.
///
/// A type is described by an overload in namespace coolhead::store::detail (found by ADL
/// through the `io` argument):
///     template <class Io> void fields(Io& io, commands::hypothesis_proposed& e)
///     { io.req("id", e.id); io.opt("text", e.text); }
/// `req` fields must be present when reading; `opt` fields keep the struct's default when
/// absent or null (a std::optional is reset). The writer writes both kinds, except an empty
/// std::optional. As in Boost.Serialization's `serialize(Archive&, T&)`, the writer receives a
/// non-const reference it only reads from.
///
/// Alternatives of a variant are named by `type_name(tag<T>)`; enums by `name_of(tag<E>, E)`
/// and `parse_name(tag<E>, std::string_view)`; a missing overload is a compile error.

#include "bot/store/json/event_json.hpp"
#include "commands/time.hpp"
#include "commands/user.hpp"

#include <nlohmann/json.hpp>

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace coolhead::store::detail {

using json = nlohmann::json;
using boost::system::error_code;

template <class T>
struct tag {
};

template <class T>
inline constexpr bool is_vector = false;
template <class T>
inline constexpr bool is_vector<std::vector<T>> = true;

template <class T>
inline constexpr bool is_variant = false;
template <class... Ts>
inline constexpr bool is_variant<std::variant<Ts...>> = true;

/// Compact, UTF-8, sorted keys. Invalid UTF-8 becomes U+FFFD instead of throwing.
inline std::string dump(json const& j)
{
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// People and channels are the same shape everywhere.
template <class Io>
void fields(Io& io, commands::user_ref& u)
{
    io.opt("id", u.id);
    io.opt("name", u.name);
}
template <class Io>
void fields(Io& io, commands::channel_ref& c)
{
    io.opt("id", c.id);
    io.opt("name", c.name);
}

template <class T>
json encode(T const& v);
template <class T>
error_code decode(json const& j, T& v);

/// Collects the fields of one object.
class writer {
  public:
    json out = json::object();

    template <class T>
    void req(std::string_view key, T const& v)
    {
        out[std::string(key)] = encode(v);
    }
    template <class T>
    void opt(std::string_view key, T const& v)
    {
        req(key, v);
    }
    template <class T>
    void opt(std::string_view key, std::optional<T> const& v)
    {
        if (v) req(key, *v);
    }
};

/// Reads the fields of one JSON object; the first error sticks and later calls do nothing.
class reader {
  public:
    /// `obj` must be an object and outlive the reader.
    explicit reader(json const& obj) noexcept : obj_(obj) {}

    template <class T>
    void req(std::string_view key, T& v)
    {
        if (ec_) return;
        auto it = obj_.find(key);
        if (it == obj_.end()) {
            ec_ = codec_errc::missing_field;
            return;
        }
        ec_ = decode(*it, v);
    }
    template <class T>
    void opt(std::string_view key, T& v)
    {
        if (ec_) return;
        auto it = obj_.find(key);
        if (it == obj_.end() || it->is_null()) return;
        ec_ = decode(*it, v);
    }
    template <class T>
    void opt(std::string_view key, std::optional<T>& v)
    {
        if (ec_) return;
        v.reset();
        auto it = obj_.find(key);
        if (it == obj_.end() || it->is_null()) return;
        T x{};
        ec_ = decode(*it, x);
        if (!ec_) v = std::move(x);
    }

    error_code error() const noexcept { return ec_; }

  private:
    json const& obj_;
    error_code ec_;
};

/// Writes the fields of a described struct into `w`.
template <class T>
void write_fields(writer& w, T const& v)
{
    fields(w, const_cast<T&>(v)); // the writer only reads (see the header comment)
}

/// Reads the fields of a described struct from `r`.
template <class T>
error_code read_fields(reader& r, T& v)
{
    fields(r, v);
    return r.error();
}

/// The name of the alternative `v` holds.
template <class V>
std::string_view alternative_name(V const& v) noexcept
{
    return std::visit([](auto const& x) { return type_name(tag<std::decay_t<decltype(x)>>{}); }, v);
}

/// Sets `out` to the alternative called `name`, read from `r`; unknown_type if none is.
template <class V, std::size_t... I>
error_code read_alternative(std::string_view name, reader& r, V& out, std::index_sequence<I...>)
{
    error_code ec = codec_errc::unknown_type;
    auto try_one = [&]<std::size_t N>(std::integral_constant<std::size_t, N>) {
        using alt = std::variant_alternative_t<N, V>;
        if (name != type_name(tag<alt>{})) return false;
        alt x{};
        ec = read_fields(r, x);
        if (!ec) out = std::move(x);
        return true;
    };
    (void)(try_one(std::integral_constant<std::size_t, I>{}) || ...);
    return ec;
}

template <class V>
error_code read_alternative(std::string_view name, reader& r, V& out)
{
    return read_alternative(name, r, out, std::make_index_sequence<std::variant_size_v<V>>{});
}

template <class T>
json encode(T const& v)
{
    if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string> || std::is_same_v<T, int> ||
                  std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t>) {
        return json(v);
    } else if constexpr (std::is_same_v<T, commands::timestamp>) {
        return json(commands::to_millis(v));
    } else if constexpr (std::is_same_v<T, commands::duration>) {
        return json(std::int64_t{v.count()});
    } else if constexpr (std::is_enum_v<T>) {
        return json(std::string(name_of(tag<T>{}, v)));
    } else if constexpr (is_vector<T>) {
        json a = json::array();
        for (auto const& x : v)
            a.push_back(encode(x));
        return a;
    } else if constexpr (is_variant<T>) {
        writer w;
        std::visit([&](auto const& x) { write_fields(w, x); }, v);
        w.out["type"] = std::string(alternative_name(v));
        return std::move(w.out);
    } else {
        writer w;
        write_fields(w, v);
        return std::move(w.out);
    }
}

inline error_code decode_int64(json const& j, std::int64_t& v) noexcept
{
    if (j.is_number_unsigned()) {
        auto u = j.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return codec_errc::bad_value;
        v = static_cast<std::int64_t>(u);
        return {};
    }
    if (j.is_number_integer()) {
        v = j.get<std::int64_t>();
        return {};
    }
    return codec_errc::wrong_type;
}

template <class T>
error_code decode(json const& j, T& v)
{
    if constexpr (std::is_same_v<T, bool>) {
        if (!j.is_boolean()) return codec_errc::wrong_type;
        v = j.get<bool>();
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!j.is_string()) return codec_errc::wrong_type;
        v = *j.get_ptr<json::string_t const*>();
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
        if (j.is_number_unsigned()) {
            v = j.get<std::uint64_t>();
        } else {
            return j.is_number_integer() ? codec_errc::bad_value : codec_errc::wrong_type; // negative
        }
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        return decode_int64(j, v);
    } else if constexpr (std::is_same_v<T, int>) {
        std::int64_t x = 0;
        if (auto ec = decode_int64(j, x)) return ec;
        if (x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max())
            return codec_errc::bad_value;
        v = static_cast<int>(x);
    } else if constexpr (std::is_same_v<T, commands::timestamp>) {
        std::int64_t x = 0;
        if (auto ec = decode_int64(j, x)) return ec;
        v = commands::from_millis(x);
    } else if constexpr (std::is_same_v<T, commands::duration>) {
        std::int64_t x = 0;
        if (auto ec = decode_int64(j, x)) return ec;
        v = commands::duration{x};
    } else if constexpr (std::is_enum_v<T>) {
        if (!j.is_string()) return codec_errc::wrong_type;
        auto const& s = *j.get_ptr<json::string_t const*>();
        auto e = parse_name(tag<T>{}, s);
        // Exactly the name we write: the core's lookups ignore case, storage does not.
        if (!e || name_of(tag<T>{}, *e) != s) return codec_errc::bad_value;
        v = *e;
    } else if constexpr (is_vector<T>) {
        if (!j.is_array()) return codec_errc::wrong_type;
        v.clear();
        v.reserve(j.size());
        for (auto const& x : j) {
            typename T::value_type item{};
            if (auto ec = decode(x, item)) return ec;
            v.push_back(std::move(item));
        }
    } else if constexpr (is_variant<T>) {
        if (!j.is_object()) return codec_errc::wrong_type;
        auto it = j.find("type");
        if (it == j.end()) return codec_errc::missing_field;
        if (!it->is_string()) return codec_errc::wrong_type;
        reader r(j);
        return read_alternative(*it->get_ptr<json::string_t const*>(), r, v);
    } else {
        if (!j.is_object()) return codec_errc::wrong_type;
        reader r(j);
        return read_fields(r, v);
    }
    return {};
}

/// Parses untrusted text into `out` without exceptions; `not_json` if it is not JSON,
/// `wrong_type` if it is not an object.
inline error_code parse_object(std::string_view text, json& out)
{
    out = json::parse(text, nullptr, false);
    if (out.is_discarded()) return codec_errc::not_json;
    if (!out.is_object()) return codec_errc::wrong_type;
    return {};
}

} // namespace coolhead::store::detail

#pragma once
/// The two visitors every settings struct's visit() is walked with (bot/settings/settings.hpp
/// explains the schema): `reader` fills the struct from a JSON object and collects errors;
/// `describer` turns it back into JSON for check-config. Adding a value type means one read()
/// overload and one value_of() overload here (read() for a std::map is an object of strings).
/// Single-threaded; no I/O except secret files.

#include "bot/log/secret.hpp"
#include "bot/settings/detail/json_file.hpp"
#include "bot/settings/rules.hpp"
#include "bot/settings/secret_source.hpp"
#include "commands/time.hpp"

#include <nlohmann/json.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coolhead::settings::detail {

using json = nlohmann::ordered_json;

/// What one load shares across sections.
struct load_context {
    std::string file;                 ///< display name of the config file, for messages
    std::filesystem::path base_dir;   ///< relative paths are resolved against this
    secret_source const& secrets;     ///< where v.secret(...) looks
    std::vector<std::string>& errors; ///< every error, in the order found
};

/// Fills a settings struct from one JSON object: keys that are present replace the defaults;
/// wrong types, rule violations and unknown keys become errors in `load_context::errors`, and
/// a field with an error keeps its default.
class reader {
  public:
    /// Reads `object` (which must be a JSON object), found at key path `path` ("" for the top).
    reader(json const& object, std::string path, load_context& ctx);

    /// A value: read `key` into `member` if present, then apply `rules` to it.
    template <class T, class... Rules>
    void operator()(std::string_view key, T& member, Rules const&... rules)
    {
        known_.push_back(key);
        auto const* found = find(key);
        if (found == nullptr) {
            // A default path is relative to the config file's directory too.
            resolve(member);
            return;
        }
        auto where = join_path(path_, key);
        T value{};
        if (!read(*found, where, value)) return;
        auto before = failures_;
        (report(where, rules(std::as_const(value))), ...);
        if (failures_ == before) member = std::move(value);
    }

    /// A nested object, read with its own visit(). An absent section is visited too, so that
    /// its secrets and checks still apply to the defaults.
    template <class Section>
    void section(std::string_view key, Section& member)
    {
        known_.push_back(key);
        auto where = join_path(path_, key);
        auto const* found = find(key);
        if (found != nullptr && !found->is_object()) {
            fail(where, "expected an object, got " + kind_of(*found));
            return;
        }
        reader inner(found != nullptr ? *found : empty_object(), where, ctx_);
        member.visit(inner);
        inner.finish();
        failures_ += inner.failures_;
    }

    /// A secret: never a value in the file (a key of that name is an error that says where
    /// secrets go, unless it is null). When `enabled`, read from `env_name` or
    /// `env_name`_FILE and required.
    void secret(std::string_view key, log::secret& member, std::string_view env_name, bool enabled);

    /// A cross-field rule (`problems rule()`), reported at `key`; skipped when a field of this
    /// section already failed, so that it never judges a half-read pair.
    template <class Rule>
    void check(std::string_view key, Rule const& rule)
    {
        if (failures_ != 0) return;
        report(join_path(path_, key), rule());
    }

    /// Reports every key of the object that no visit() line asked for, with a did-you-mean.
    void finish();

    /// Errors found by this reader and the sections it read.
    std::size_t failures() const noexcept { return failures_; }

  private:
    static json const& empty_object();
    void resolve(std::filesystem::path& p) const;
    void resolve(std::optional<std::filesystem::path>& p) const
    {
        if (p) resolve(*p);
    }
    template <class T>
    void resolve(T&) const
    {
    }
    json const* find(std::string_view key) const;
    void fail(std::string const& where, std::string const& what);
    void report(std::string const& where, problems const& found);

    bool read(json const& j, std::string const& where, bool& out);
    bool read(json const& j, std::string const& where, std::string& out);
    bool read(json const& j, std::string const& where, commands::duration& out);
    bool read(json const& j, std::string const& where, std::filesystem::path& out);
    bool read(json const& j, std::string const& where, std::vector<std::string>& out);
    bool read(json const& j, std::string const& where, std::map<std::string, std::string, std::less<>>& out);

    template <std::integral T>
    requires(!std::same_as<T, bool>) bool read(json const& j, std::string const& where, T& out)
    {
        if (j.is_number_unsigned()) {
            auto v = j.get<std::uint64_t>();
            if (std::in_range<T>(v)) {
                out = static_cast<T>(v);
                return true;
            }
        } else if (j.is_number_integer()) {
            auto v = j.get<std::int64_t>();
            if (std::in_range<T>(v)) {
                out = static_cast<T>(v);
                return true;
            }
        } else {
            fail(where, "expected an integer, got " + kind_of(j));
            return false;
        }
        fail(where, "expected an integer from " + std::to_string(std::numeric_limits<T>::min()) + " to " +
                        std::to_string(std::numeric_limits<T>::max()) + ", got " + j.dump());
        return false;
    }

    template <class T>
    bool read(json const& j, std::string const& where, std::optional<T>& out)
    {
        if (j.is_null()) {
            out.reset();
            return true;
        }
        T value{};
        if (!read(j, where, value)) return false;
        out = std::move(value);
        return true;
    }

    json const& object_;
    std::string path_;
    load_context& ctx_;
    std::vector<std::string_view> known_;   ///< keys visit() asked for (for did-you-mean)
    std::vector<std::string_view> secrets_; ///< secret names, known but never suggested
    std::size_t failures_ = 0;
};

/// Turns a settings struct into JSON with the same keys the reader accepts, in visit() order.
class describer {
  public:
    /// Writes into `out`, which becomes an object.
    explicit describer(json& out) : out_(out) { out_ = json::object(); }

    /// A value, as the file would write it.
    template <class T, class... Rules>
    void operator()(std::string_view key, T const& member, Rules const&...)
    {
        out_[std::string(key)] = value_of(member);
    }

    /// A nested object.
    template <class Section>
    void section(std::string_view key, Section& member)
    {
        json inner;
        describer d(inner);
        member.visit(d);
        out_[std::string(key)] = std::move(inner);
    }

    /// "[redacted]" when set, null when not.
    void secret(std::string_view key, log::secret const& member, std::string_view, bool)
    {
        out_[std::string(key)] = member.empty() ? json(nullptr) : json("[redacted]");
    }

    /// Cross-field rules describe nothing.
    template <class Rule>
    void check(std::string_view, Rule const&)
    {
    }

  private:
    static json value_of(bool v) { return v; }
    static json value_of(std::string const& v) { return v; }
    static json value_of(commands::duration v) { return duration_text(v); }
    static json value_of(std::filesystem::path const& v) { return v.string(); }
    static json value_of(std::vector<std::string> const& v) { return v; }
    static json value_of(std::map<std::string, std::string, std::less<>> const& v)
    {
        json out = json::object();
        for (auto const& [k, text] : v)
            out[k] = text;
        return out;
    }
    template <std::integral T>
    requires(!std::same_as<T, bool>) static json value_of(T v) { return v; }
    template <class T>
    static json value_of(std::optional<T> const& v)
    {
        return v ? value_of(*v) : json(nullptr);
    }

    json& out_;
};

} // namespace coolhead::settings::detail

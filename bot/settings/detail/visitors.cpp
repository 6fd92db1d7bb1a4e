#include "bot/settings/detail/visitors.hpp"

#include "commands/grammar.hpp"

#include <algorithm>
#include <span>

namespace coolhead::settings::detail {

reader::reader(json const& object, std::string path, load_context& ctx)
    : object_(object), path_(std::move(path)), ctx_(ctx)
{
}

json const& reader::empty_object()
{
    static json const empty = json::object();
    return empty;
}

json const* reader::find(std::string_view key) const
{
    auto it = object_.find(std::string(key));
    return it == object_.end() ? nullptr : &*it;
}

void reader::fail(std::string const& where, std::string const& what)
{
    ctx_.errors.push_back(ctx_.file + ": " + where + ": " + what);
    ++failures_;
}

void reader::report(std::string const& where, problems const& found)
{
    for (auto const& p : found)
        fail(where + p.at, p.what);
}

void reader::secret(std::string_view key, log::secret& member, std::string_view env_name, bool enabled)
{
    secrets_.push_back(key);
    auto env = std::string(env_name);
    // Whatever the file says here is never echoed: it may well be the token itself. null says
    // nothing, and is what describe() prints for an unset secret, so its output loads back.
    if (auto const* found = find(key); found != nullptr && !found->is_null())
        fail(join_path(path_, key), "secrets are not read from the config file; set " + env + " or " + env +
                                        "_FILE in the environment instead");
    if (!enabled) return;
    auto found = ctx_.secrets.find(env_name);
    if (found.error) {
        ctx_.errors.push_back(*found.error);
        ++failures_;
        return;
    }
    if (!found.value) {
        ctx_.errors.push_back(path_ + " is enabled but neither " + env + " nor " + env + "_FILE is set");
        ++failures_;
        return;
    }
    member = std::move(*found.value);
}

void reader::finish()
{
    for (auto it = object_.begin(); it != object_.end(); ++it) {
        std::string_view k = it.key();
        if (std::find(known_.begin(), known_.end(), k) != known_.end()) continue;
        if (std::find(secrets_.begin(), secrets_.end(), k) != secrets_.end()) continue;
        std::string what = "unknown key";
        if (auto near = commands::closest(k, std::span<std::string_view const>(known_))) {
            what += " (did you mean \"" + std::string(*near) + "\"?)";
        } else if (!known_.empty()) {
            what += " (the keys here are ";
            for (std::size_t i = 0; i < known_.size(); ++i) {
                if (i > 0) what += i + 1 == known_.size() ? " and " : ", ";
                what += known_[i];
            }
            what += ")";
        } else {
            what += " (this object takes no keys)";
        }
        fail(join_path(path_, k), what);
    }
}

bool reader::read(json const& j, std::string const& where, bool& out)
{
    if (!j.is_boolean()) {
        fail(where, "expected true or false, got " + kind_of(j));
        return false;
    }
    out = j.get<bool>();
    return true;
}

bool reader::read(json const& j, std::string const& where, std::string& out)
{
    if (!j.is_string()) {
        fail(where, "expected a string, got " + kind_of(j));
        return false;
    }
    out = j.get<std::string>();
    return true;
}

bool reader::read(json const& j, std::string const& where, commands::duration& out)
{
    if (!j.is_string()) {
        fail(where, "expected a duration such as \"30m\", got " + kind_of(j));
        return false;
    }
    auto const& text = j.get_ref<json::string_t const&>();
    auto d = commands::parse_duration(text);
    if (!d) {
        fail(where, "expected a duration such as \"30m\", got " + quote_value(text));
        return false;
    }
    if (*d <= commands::duration::zero()) {
        fail(where, "expected a duration longer than zero, got " + quote_value(text));
        return false;
    }
    out = *d;
    return true;
}

bool reader::read(json const& j, std::string const& where, std::filesystem::path& out)
{
    if (!j.is_string()) {
        fail(where, "expected a string, got " + kind_of(j));
        return false;
    }
    auto const& text = j.get_ref<json::string_t const&>();
    if (text.empty()) {
        fail(where, "expected a file path, got an empty string");
        return false;
    }
    // A NUL would cut the path short when it reaches the C library, and no sane path has a
    // control character.
    if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        fail(where, "expected a file path, got " + quote_value(text) + ", which has control characters");
        return false;
    }
    out = text;
    resolve(out);
    return true;
}

void reader::resolve(std::filesystem::path& p) const
{
    if (p.empty() || p.is_absolute() || ctx_.base_dir.empty()) return;
    p = (ctx_.base_dir / p).lexically_normal();
}

bool reader::read(json const& j, std::string const& where, std::vector<std::string>& out)
{
    if (!j.is_array()) {
        fail(where, "expected an array of strings, got " + kind_of(j));
        return false;
    }
    bool ok = true;
    out.clear();
    for (std::size_t i = 0; i < j.size(); ++i) {
        auto const& item = j[i];
        if (!item.is_string()) {
            fail(where + "[" + std::to_string(i) + "]", "expected a string, got " + kind_of(item));
            ok = false;
            continue;
        }
        out.push_back(item.get<std::string>());
    }
    return ok;
}

bool reader::read(json const& j, std::string const& where,
                  std::map<std::string, std::string, std::less<>>& out)
{
    if (!j.is_object()) {
        fail(where, "expected an object of strings, got " + kind_of(j));
        return false;
    }
    bool ok = true;
    out.clear();
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it->is_string()) {
            fail(join_path(where, it.key()), "expected a string, got " + kind_of(*it));
            ok = false;
            continue;
        }
        out.emplace(it.key(), it->get<std::string>());
    }
    return ok;
}

} // namespace coolhead::settings::detail

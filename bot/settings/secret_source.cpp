#include "bot/settings/secret_source.hpp"

#include "bot/settings/detail/json_file.hpp"

#include <cstdlib>
#include <filesystem>
#include <utility>

namespace coolhead::settings {

environment process_environment()
{
    return [](std::string const& name) -> std::optional<std::string> {
        // getenv is only unsafe against a concurrent setenv, and nothing in coolhead calls it.
        if (char const* v = std::getenv(name.c_str())) return std::string(v);
        return std::nullopt;
    };
}

environment fixed_environment(std::map<std::string, std::string, std::less<>> variables)
{
    return [vars = std::move(variables)](std::string const& name) -> std::optional<std::string> {
        if (auto it = vars.find(name); it != vars.end()) return it->second;
        return std::nullopt;
    };
}

secret_source::secret_source(environment env) : env_(std::move(env)) {}

secret_lookup secret_source::find(std::string_view name) const
{
    auto direct_name = std::string(name);
    auto file_name = direct_name + "_FILE";
    auto direct = env_ ? env_(direct_name) : std::nullopt;
    auto file = env_ ? env_(file_name) : std::nullopt;

    secret_lookup out;
    if (direct && file) {
        out.error = direct_name + " and " + file_name + " are both set; set only one of them";
        return out;
    }
    if (direct) {
        if (direct->empty()) {
            out.error = direct_name + " is set but empty";
            return out;
        }
        out.value = log::secret(std::move(*direct));
        out.origin = direct_name;
        return out;
    }
    if (file) {
        if (file->empty()) {
            out.error = file_name + " is set but empty; it should name the file that holds " + direct_name;
            return out;
        }
        // The path is not a secret (systemd and Kubernetes put it in plain sight); the contents are.
        auto read = detail::read_small_file(*file, max_file_bytes);
        if (!read.text) {
            out.error = file_name + ": cannot read " + *file + ": " + read.error;
            return out;
        }
        auto& text = *read.text;
        // Editors and `echo` end files with a newline that is not part of the token.
        if (text.ends_with("\r\n"))
            text.resize(text.size() - 2);
        else if (text.ends_with('\n'))
            text.pop_back();
        if (text.empty()) {
            out.error = file_name + ": " + *file + " is empty";
            return out;
        }
        out.value = log::secret(std::move(text));
        out.origin = file_name;
    }
    return out;
}

} // namespace coolhead::settings

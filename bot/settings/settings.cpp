#include "bot/settings/settings.hpp"

#include "bot/settings/detail/json_file.hpp"
#include "bot/settings/detail/visitors.hpp"
#include "bot/settings/prompts_file.hpp"

#include <utility>

namespace coolhead::settings {
namespace {

// SPDLOG_LEVEL is how operators turn on debug logging without editing the file, so it wins
// over log.levels (STYLE.md section 7). An empty value counts as unset, as in spdlog.
void apply_spdlog_level(environment const& env, log_settings& s, std::vector<std::string>& errors)
{
    if (!env) return;
    auto value = env("SPDLOG_LEVEL");
    if (!value || value->empty()) return;
    auto found = rules::level_spec{}(*value);
    for (auto const& p : found)
        errors.push_back("SPDLOG_LEVEL: " + p.what);
    if (found.empty()) s.levels = std::move(*value);
}

void load_prompts(std::string const& file, std::filesystem::path const& path, policy_settings& s,
                  std::vector<std::string>& errors)
{
    auto read = detail::read_small_file(path, max_config_bytes);
    if (!read.text) {
        errors.push_back(file + ": policy.prompts: cannot read " + path.string() + ": " + read.error);
        return;
    }
    auto parsed = parse_prompts(*read.text, path.string());
    errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
    if (parsed.value) s.prompt_book = std::move(*parsed.value);
}

} // namespace

load_result load_text(std::string_view text, std::string_view display_name,
                      std::filesystem::path const& base_dir, environment const& env)
{
    load_result out;
    auto file = std::string(display_name);
    auto parsed = detail::parse_json(text);
    for (auto const& e : parsed.errors)
        out.errors.push_back(file + ": " + e);
    if (!parsed.value) return out;
    if (!parsed.value->is_object()) {
        out.errors.push_back(file + ": expected a JSON object at the top, got " +
                             detail::kind_of(*parsed.value));
        return out;
    }

    settings s;
    secret_source secrets(env);
    detail::load_context ctx{file, base_dir, secrets, out.errors};
    detail::reader r(*parsed.value, "", ctx);
    s.visit(r);
    r.finish();
    apply_spdlog_level(env, s.log, out.errors);
    if (s.policy.prompts) load_prompts(file, *s.policy.prompts, s.policy, out.errors);

    if (out.errors.empty()) out.value = std::move(s);
    return out;
}

load_result load_file(std::filesystem::path const& file, environment const& env)
{
    auto read = detail::read_small_file(file, max_config_bytes);
    if (!read.text) return {std::nullopt, {file.string() + ": cannot read the file: " + read.error}};
    return load_text(*read.text, file.string(), file.parent_path(), env);
}

commands::policy to_policy(settings const& s)
{
    auto const& p = s.policy;
    commands::policy out;
    out.prompts = p.prompt_book;
    out.tollgates = p.tollgates;
    out.status_interval = p.status_interval;
    out.early_rootcause = p.early_rootcause;
    out.no_rootcause_after = p.no_rootcause_after;
    out.unconfirmed_after = p.unconfirmed_after;
    out.followup_ticket_after = p.followup_ticket_after;
    out.nudge_cooldown = p.nudge_cooldown;
    out.min_reminder_interval = p.min_reminder_interval;
    out.max_reminder_interval = p.max_reminder_interval;
    return out;
}

log::options to_log_options(log_settings const& s)
{
    log::options out;
    out.level = s.level;
    out.levels = s.levels;
    return out;
}

std::string describe(settings const& s)
{
    // visit() takes a mutable struct (the reader fills it); describing works on a copy.
    auto copy = s;
    detail::json out;
    detail::describer d(out);
    copy.visit(d);
    return out.dump(2, ' ', false, detail::json::error_handler_t::replace);
}

} // namespace coolhead::settings

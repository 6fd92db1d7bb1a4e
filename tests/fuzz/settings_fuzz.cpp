// Fuzz target for the settings loader: any bytes as a config file. Besides not crashing or
// throwing, what it returns must hold together: a failure says why on single lines; a success
// describes as valid JSON with its secrets redacted, and (when no secrets are involved) that
// description loads back to the same settings.
#include "bot/settings/settings.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace coolhead::settings;

constexpr std::string_view marker = "fuzz-secret";

environment const& fuzz_env()
{
    static environment const env = fixed_environment({{"SLACK_APP_TOKEN", "xapp-fuzz-secret-1"},
                                                      {"SLACK_BOT_TOKEN", "xoxb-fuzz-secret-2"},
                                                      {"MATTERMOST_TOKEN", "mm-fuzz-secret-3"}});
    return env;
}

// A base directory that does not exist, so relative paths never reach a real file.
constexpr char const* base = "/nonexistent/coolhead-fuzz";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<char const*>(data), size);
    bool input_has_marker = text.find(marker) != std::string_view::npos;

    auto r = load_text(text, "fuzz.json", base, fuzz_env());
    if (!r) {
        if (r.errors.empty()) std::abort();
        for (auto const& e : r.errors) {
            if (e.empty() || e.find('\n') != std::string::npos) std::abort();
            if (!input_has_marker && e.find(marker) != std::string::npos) std::abort();
        }
        return 0;
    }
    if (!r.errors.empty()) std::abort();

    auto shown = describe(*r.value);
    if (!input_has_marker && shown.find(marker) != std::string::npos) std::abort();
    (void)to_policy(*r.value);
    (void)to_log_options(r.value->log);

    if (!r.value->slack.enabled && !r.value->mattermost.enabled) {
        auto again = load_text(shown, "described.json", base, fuzz_env());
        if (!again || describe(*again.value) != shown) std::abort();
    }
    return 0;
}

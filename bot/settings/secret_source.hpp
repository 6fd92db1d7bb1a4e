#pragma once
/// Secrets come from the environment, never from the config file (STYLE.md section 12): each
/// one is either NAME itself or NAME_FILE naming a file that holds it (systemd
/// `LoadCredential=`, Kubernetes secrets). Values are wrapped in log::secret as soon as they are
/// read, and no message here ever contains one. Runs on the caller's thread; blocking reads.

#include "bot/log/secret.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace coolhead::settings {

/// Looks up one environment variable; nothing when it is not set. Injected so tests do not
/// touch the process environment.
using environment = std::function<std::optional<std::string>(std::string const& name)>;

/// The process environment (std::getenv). Call it at start-up, before any thread may setenv.
environment process_environment();

/// A fixed set of variables, for tests and tools.
environment fixed_environment(std::map<std::string, std::string, std::less<>> variables);

/// What one secret lookup found. Exactly one of three outcomes: a value; an error; neither
/// (the secret is not configured at all, which only the caller can judge).
struct secret_lookup {
    std::optional<log::secret> value; ///< set when found and usable
    std::optional<std::string> error; ///< set when configured wrongly; never contains the value
    std::string origin;               ///< "NAME" or "NAME_FILE" when found, else ""
};

/// Reads NAME or NAME_FILE from an environment.
class secret_source {
  public:
    /// Files larger than this are refused: a token is a few hundred bytes.
    static constexpr std::size_t max_file_bytes = 64 * 1024;

    /// Looks secrets up in `env`.
    explicit secret_source(environment env);

    /// NAME's value, or the contents of the file NAME_FILE names with one trailing newline
    /// ("\n" or "\r\n") removed. Errors: both are set; the file cannot be read (the message
    /// names the file); the value is empty.
    secret_lookup find(std::string_view name) const;

  private:
    environment env_;
};

} // namespace coolhead::settings

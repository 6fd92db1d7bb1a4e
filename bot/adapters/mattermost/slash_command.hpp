#pragma once
/// Mattermost custom slash commands (PROTOCOLS.md 2.6): the server POSTs an
/// application/x-www-form-urlencoded body to our command URL; we check its token in constant
/// time and answer with a JSON command response in the HTTP reply. Pure functions: no I/O, no
/// logging; any thread. The parsers never throw (other than std::bad_alloc) for any input
/// (fuzzed: tests/fuzz/mattermost_form_fuzz.cpp) and their errors name fields, never values.

#include "bot/log/secret.hpp"
#include "commands/decide.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace coolhead::mattermost {

/// The Content-Type of a slash-command request (method "P").
inline constexpr std::string_view form_content_type = "application/x-www-form-urlencoded";

/// The Content-Type of our reply: the server reads the body as JSON only with it, otherwise as
/// plain text (mm app/command.go).
inline constexpr std::string_view json_content_type = "application/json";

/// Bodies longer than this are refused unparsed. A command's text is at most one post (16383
/// runes, ≤ 64 KiB of UTF-8), which percent-encoding can triple.
inline constexpr std::size_t max_form_bytes = std::size_t{1} << 20;

/// One `key=value` pair of a form body, decoded.
struct form_field {
    std::string key;
    std::string value;
    friend bool operator==(form_field const&, form_field const&) = default;
};

/// Decodes an application/x-www-form-urlencoded body (WHATWG URL, "urlencoded parsing") into
/// its pairs, in order, repeated keys kept: `&` separates pairs (empty ones are skipped), the
/// first `=` separates key and value (none: the value is empty), `+` is a space and `%XX` the
/// byte XX (hex, either case). Strict where the standard is lenient: a `%` not followed by two
/// hex digits makes the whole body invalid (nothing), because a sender that gets this wrong is
/// not Mattermost. Decoded bytes that are not UTF-8 become U+FFFD. Bodies over max_form_bytes
/// are invalid.
std::optional<std::vector<form_field>> decode_form(std::string_view body);

/// A name typed as a mention in the command text and the id the server resolved it to.
struct mention {
    std::string name; ///< as the server sends it: "alice" for "@alice", "town-square" for "~town-square"
    std::string id;
    friend bool operator==(mention const&, mention const&) = default;
};

/// A slash-command request (mm app/command.go tryExecuteCustomCommand). `command`,
/// `channel_id` and `user_id` are required.
struct slash_command {
    log::secret token; ///< the command's token (also in the Authorization header); check it
    std::string team_id;
    std::string team_domain;
    std::string channel_id;
    std::string channel_name;
    std::string user_id;
    std::string user_name;
    std::string command; ///< with the slash: "/incident"
    std::string text;    ///< what follows the command, as typed (the grammar's mattermost dialect)
    std::string trigger_id; ///< unique per invocation: the delivery id for dedupe
    log::secret response_url; ///< `<SiteURL>/hooks/commands/<id>`: 5 uses in 30 min, a credential
    std::vector<mention> user_mentions;    ///< user_mentions + user_mentions_ids, paired in order
    std::vector<mention> channel_mentions; ///< channel_mentions + channel_mentions_ids
    friend bool operator==(slash_command const&, slash_command const&) = default;
};

/// A body we could not use.
struct malformed_form {
    std::string what; ///< names fields only; safe to log
    friend bool operator==(malformed_form const&, malformed_form const&) = default;
};

/// Parses a slash-command body. Malformed: not decodable (decode_form), a required field missing
/// or empty, a single-valued field given twice (which copy would be the real one?), or mention
/// lists the server itself would refuse (mm model/mention_map.go: names without ids or the
/// reverse, different lengths, one name with two different ids). Unknown fields are ignored.
std::variant<slash_command, malformed_form> parse_slash_command(std::string_view body);

/// The id of mention `name` ("alice", "@alice" and "ALICE" alike), or nullptr.
std::string const* find_mention(std::vector<mention> const& mentions, std::string_view name) noexcept;

/// The token of an `Authorization: Token <token>` header value (scheme case-insensitive, spaces
/// around allowed), or nothing for anything else (another scheme, no token, a token with
/// spaces inside).
std::optional<log::secret> token_from_authorization(std::string_view header_value);

/// True if `got` equals `expected`, compared in constant time: both are hashed with SHA-256 and
/// the digests compared with CRYPTO_memcmp, so the time depends on neither where they differ nor
/// (beyond hashing) how long `got` is. An empty `expected` never matches (a missing
/// configuration must not accept everything). False if hashing fails.
bool tokens_match(log::secret const& expected, std::string_view got) noexcept;

/// The HTTP reply body to a slash command (mm model/command_response.go), sent with
/// json_content_type: `{"response_type":"in_channel"|"ephemeral","text":…,"skip_slack_parsing":true}`.
/// skip_slack_parsing is always true: otherwise the server would turn `<!channel>` in user text
/// into @channel (PROTOCOLS.md 2.8, checklist 22). `text` is rendered markdown (markdown.hpp),
/// at most one post long. Invalid UTF-8 becomes U+FFFD.
std::string command_response(std::string_view text, bool in_channel);

/// The same for a reply that takes several posts: the first chunk as `text`, the others as
/// `extra_responses` (each with the same response_type and skip_slack_parsing), which the server
/// posts in order, each honouring its own skip_slack_parsing (mm app/command.go
/// HandleCommandResponse → HandleCommandResponsePost; read in the source, not tried against a
/// running server). This is how an ephemeral reply longer than one post reaches its user. No
/// chunks: an ephemeral response with empty text.
std::string command_response(std::span<std::string const> chunks, bool in_channel);

/// command_response(chunks, to == everyone): the reply's visibility decides the response type.
std::string command_response(std::span<std::string const> chunks, commands::visibility to);

} // namespace coolhead::mattermost

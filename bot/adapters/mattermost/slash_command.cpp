#include "bot/adapters/mattermost/slash_command.hpp"

#include "bot/adapters/mattermost/detail/json_fields.hpp"
#include "bot/adapters/mattermost/detail/utf8.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/pct_string_view.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <map>

namespace coolhead::mattermost {
namespace {

/// Decodes one key or value (`+` is a space); nothing if a `%` is not followed by two hex
/// digits.
std::optional<std::string> decode_component(std::string_view s)
{
    auto pct = boost::urls::make_pct_string_view(s);
    if (!pct) return std::nullopt;
    boost::urls::encoding_opts opt;
    opt.space_as_plus = true;
    return detail::valid_utf8(pct->decode(opt));
}

/// The single-valued fields of a request, in the order of slash_command.
constexpr std::array single_fields{
    std::string_view{"token"},      std::string_view{"team_id"},   std::string_view{"team_domain"},
    std::string_view{"channel_id"}, std::string_view{"channel_name"}, std::string_view{"user_id"},
    std::string_view{"user_name"},  std::string_view{"command"},   std::string_view{"text"},
    std::string_view{"trigger_id"}, std::string_view{"response_url"},
};

/// Pairs `names` with `ids` the way the server reads them back (mm model/mention_map.go).
std::optional<std::string> pair_mentions(std::vector<std::string> const& names, std::vector<std::string> const& ids,
                                         std::string_view names_key, std::string_view ids_key,
                                         std::vector<mention>& out)
{
    if (names.size() != ids.size())
        return std::string(names_key) + " and " + std::string(ids_key) + ": different lengths";
    std::map<std::string, std::string, std::less<>> seen;
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto [it, inserted] = seen.emplace(names[i], ids[i]);
        if (!inserted) {
            if (it->second != ids[i]) return std::string(names_key) + ": one name with two ids";
            continue; // the same pair twice
        }
        out.push_back({names[i], ids[i]});
    }
    return std::nullopt;
}

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool ascii_iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

using digest = std::array<unsigned char, 32>;

bool sha256(std::string_view data, digest& out) noexcept
{
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1) return false;
    return len == out.size();
}

nlohmann::ordered_json one_response(std::string_view text, bool in_channel)
{
    return nlohmann::ordered_json{
        {"response_type", in_channel ? "in_channel" : "ephemeral"}, {"text", text}, {"skip_slack_parsing", true}};
}

} // namespace

std::optional<std::vector<form_field>> decode_form(std::string_view body)
{
    if (body.size() > max_form_bytes) return std::nullopt;
    std::vector<form_field> out;
    while (!body.empty()) {
        auto amp = body.find('&');
        auto pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        auto key = decode_component(pair.substr(0, eq));
        auto value = decode_component(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!key || !value) return std::nullopt;
        out.push_back({std::move(*key), std::move(*value)});
    }
    return out;
}

std::variant<slash_command, malformed_form> parse_slash_command(std::string_view body)
{
    if (body.size() > max_form_bytes) return malformed_form{"form: too large"};
    auto decoded = decode_form(body);
    if (!decoded) return malformed_form{"form: malformed percent-encoding"};

    std::map<std::string_view, std::string> single;
    std::vector<std::string> user_names, user_ids, channel_names, channel_ids;
    for (auto& f : *decoded) {
        if (f.key == "user_mentions") {
            user_names.push_back(std::move(f.value));
        } else if (f.key == "user_mentions_ids") {
            user_ids.push_back(std::move(f.value));
        } else if (f.key == "channel_mentions") {
            channel_names.push_back(std::move(f.value));
        } else if (f.key == "channel_mentions_ids") {
            channel_ids.push_back(std::move(f.value));
        } else if (auto it = std::find(single_fields.begin(), single_fields.end(), f.key); it != single_fields.end()) {
            if (!single.emplace(*it, std::move(f.value)).second) return malformed_form{"form." + f.key + ": repeated"};
        }
    }

    auto take = [&](std::string_view key) -> std::string {
        auto it = single.find(key);
        return it == single.end() ? std::string{} : std::move(it->second);
    };
    slash_command c;
    c.token = log::secret(take("token"));
    c.team_id = take("team_id");
    c.team_domain = take("team_domain");
    c.channel_id = take("channel_id");
    c.channel_name = take("channel_name");
    c.user_id = take("user_id");
    c.user_name = take("user_name");
    c.command = take("command");
    c.text = take("text");
    c.trigger_id = take("trigger_id");
    c.response_url = log::secret(take("response_url"));
    for (auto [value, key] : {std::pair{&c.command, "command"}, std::pair{&c.channel_id, "channel_id"},
                              std::pair{&c.user_id, "user_id"}})
        if (value->empty()) return malformed_form{std::string("form.") + key + ": missing"};
    if (auto why = pair_mentions(user_names, user_ids, "user_mentions", "user_mentions_ids", c.user_mentions))
        return malformed_form{"form." + *why};
    if (auto why = pair_mentions(channel_names, channel_ids, "channel_mentions", "channel_mentions_ids",
                                 c.channel_mentions))
        return malformed_form{"form." + *why};
    return c;
}

std::string const* find_mention(std::vector<mention> const& mentions, std::string_view name) noexcept
{
    auto bare = [](std::string_view s) {
        if (!s.empty() && (s.front() == '@' || s.front() == '~')) s.remove_prefix(1);
        return s;
    };
    name = bare(name);
    if (name.empty()) return nullptr;
    for (auto const& m : mentions)
        if (ascii_iequals(bare(m.name), name)) return &m.id;
    return nullptr;
}

std::optional<log::secret> token_from_authorization(std::string_view header_value)
{
    auto v = trim(header_value);
    constexpr std::string_view scheme = "token";
    if (v.size() <= scheme.size() || !ascii_iequals(v.substr(0, scheme.size()), scheme)) return std::nullopt;
    auto rest = v.substr(scheme.size());
    if (rest.front() != ' ' && rest.front() != '\t') return std::nullopt; // "Tokenx…"
    auto token = trim(rest);
    if (token.empty() || token.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
    return log::secret(std::string(token));
}

bool tokens_match(log::secret const& expected, std::string_view got) noexcept
{
    digest a{}, b{};
    // Hash both every time, so an empty configuration takes as long as a real one.
    bool const hashed = sha256(expected.reveal(), a) && sha256(got, b);
    bool const same = CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
    return hashed && same && !expected.empty();
}

std::string command_response(std::string_view text, bool in_channel)
{
    return detail::dump(one_response(text, in_channel));
}

std::string command_response(std::span<std::string const> chunks, bool in_channel)
{
    if (chunks.empty()) return command_response(std::string_view{}, false);
    auto j = one_response(chunks.front(), in_channel);
    if (chunks.size() > 1) {
        auto extra = nlohmann::ordered_json::array();
        for (auto const& c : chunks.subspan(1))
            extra.push_back(one_response(c, in_channel));
        j["extra_responses"] = std::move(extra);
    }
    return detail::dump(j);
}

std::string command_response(std::span<std::string const> chunks, commands::visibility to)
{
    return command_response(chunks, to == commands::visibility::everyone);
}

} // namespace coolhead::mattermost

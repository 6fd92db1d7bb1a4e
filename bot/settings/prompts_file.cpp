#include "bot/settings/prompts_file.hpp"

#include "bot/settings/detail/visitors.hpp"
#include "commands/grammar.hpp"

#include <algorithm>
#include <map>

namespace coolhead::settings {
namespace {

using texts_map = std::map<std::string, std::string, std::less<>>;

bool is_placeholder_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

commands::prompt_spec const* find_spec(std::string_view key)
{
    for (auto const& s : commands::prompt_specs())
        if (s.key == key) return &s;
    return nullptr;
}

std::vector<std::string_view> words(std::string_view s)
{
    std::vector<std::string_view> out;
    while (!s.empty()) {
        auto start = s.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        s = s.substr(start);
        auto end = s.find(' ');
        out.push_back(s.substr(0, end));
        s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
    }
    return out;
}

// Each text: a key the core knows, not blank, and only the placeholders its key declares
// (markup::fill would print an undeclared {name} literally, mid-incident).
struct prompt_texts {
    problems operator()(texts_map const& texts) const
    {
        problems found;
        std::vector<std::string_view> keys;
        for (auto const& s : commands::prompt_specs())
            keys.push_back(s.key);
        for (auto const& [key, text] : texts) {
            auto at = "." + detail::join_path("", key);
            auto const* spec = find_spec(key);
            if (spec == nullptr) {
                auto near = commands::closest(key, keys);
                found.push_back(
                    {at, near ? "unknown prompt key (did you mean \"" + std::string(*near) + "\"?)"
                              : std::string("unknown prompt key (config/prompts.json lists every key)")});
                continue;
            }
            if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
                found.push_back({at, "expected the text of the prompt, got an empty string"});
                continue;
            }
            auto declared = words(spec->placeholders);
            for (auto const& name : placeholders_in(text)) {
                if (std::find(declared.begin(), declared.end(), name) != declared.end()) continue;
                std::string what = "unknown placeholder {" + name + "}";
                if (auto near = commands::closest(name, declared)) {
                    what += " (did you mean {" + std::string(*near) + "}?)";
                } else if (declared.empty()) {
                    what += " (this prompt has no placeholders)";
                } else {
                    what += " (this prompt may use ";
                    for (std::size_t i = 0; i < declared.size(); ++i) {
                        if (i > 0) what += i + 1 == declared.size() ? " and " : ", ";
                        what += "{" + std::string(declared[i]) + "}";
                    }
                    what += ")";
                }
                found.push_back({at, what});
            }
        }
        return found;
    }
};

// The file's schema, read with the same reader as the config file.
struct prompts_file {
    texts_map texts;
    std::optional<std::vector<std::string>> blame_phrases;

    template <class V>
    void visit(V& v)
    {
        v("texts", texts, prompt_texts{});
        v("blame_phrases", blame_phrases, [](std::optional<std::vector<std::string>> const& phrases) {
            return phrases ? rules::non_empty_items{"phrase"}(*phrases) : problems{};
        });
    }
};

} // namespace

std::vector<std::string> placeholders_in(std::string_view text)
{
    std::vector<std::string> out;
    for (auto open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
        auto end = open + 1;
        while (end < text.size() && is_placeholder_char(text[end]))
            ++end;
        if (end == open + 1 || end >= text.size() || text[end] != '}') continue;
        auto name = std::string(text.substr(open + 1, end - open - 1));
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    }
    return out;
}

prompts_result parse_prompts(std::string_view text, std::string_view display_name)
{
    prompts_result out;
    auto name = std::string(display_name);
    auto parsed = detail::parse_json(text);
    for (auto const& e : parsed.errors)
        out.errors.push_back(name + ": " + e);
    if (!parsed.value) return out;
    if (!parsed.value->is_object()) {
        out.errors.push_back(name + ": expected a JSON object at the top, got " +
                             detail::kind_of(*parsed.value));
        return out;
    }
    // The prompts file has no secrets; an empty source answers every lookup with "not set".
    secret_source no_secrets{environment{}};
    detail::load_context ctx{name, {}, no_secrets, out.errors};
    prompts_file file;
    detail::reader r(*parsed.value, "", ctx);
    file.visit(r);
    r.finish();
    if (!out.errors.empty()) return out;

    commands::prompt_book book;
    book.texts = std::move(file.texts);
    if (file.blame_phrases) book.blame_phrases = std::move(*file.blame_phrases);
    out.value = std::move(book);
    return out;
}

} // namespace coolhead::settings

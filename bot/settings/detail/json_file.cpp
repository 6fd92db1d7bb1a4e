#include "bot/settings/detail/json_file.hpp"

#include "bot/settings/rules.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <set>
#include <system_error>

namespace coolhead::settings::detail {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

// System messages start with a capital ("No such file or directory"); ours continue a sentence.
std::string reason(std::error_code ec)
{
    if (ec == std::errc::no_such_file_or_directory) return "no such file";
    if (ec == std::errc::permission_denied) return "permission denied";
    if (ec == std::errc::is_a_directory) return "it is a directory";
    auto text = ec.message();
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text;
}

struct file_closer {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

bool is_blank(std::string_view text)
{
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// A SAX pass that finds the syntax error's position, and keys repeated within one object
// (with their key path), before the DOM parse, which would keep only the last of them.
class checking_sax {
  public:
    bool null() { return value(); }
    bool boolean(bool) { return value(); }
    bool number_integer(json::number_integer_t) { return value(); }
    bool number_unsigned(json::number_unsigned_t) { return value(); }
    bool number_float(json::number_float_t, json::string_t const&) { return value(); }
    bool string(json::string_t&) { return value(); }
    bool binary(json::binary_t&) { return value(); }
    bool start_object(std::size_t)
    {
        value();
        frames_.push_back(frame{});
        return true;
    }
    bool key(json::string_t& k)
    {
        auto& f = frames_.back();
        f.key = k;
        if (!f.keys.insert(k).second) duplicates_.push_back(path());
        return true;
    }
    bool end_object()
    {
        frames_.pop_back();
        return true;
    }
    bool start_array(std::size_t)
    {
        value();
        frame f;
        f.array = true;
        frames_.push_back(std::move(f));
        return true;
    }
    bool end_array()
    {
        frames_.pop_back();
        return true;
    }
    bool parse_error(std::size_t, std::string const&, nlohmann::detail::exception const& ex)
    {
        error_ = where_from(ex.what());
        return false;
    }

    std::optional<std::string> const& error() const noexcept { return error_; }
    std::vector<std::string> const& duplicates() const noexcept { return duplicates_; }

  private:
    struct frame {
        bool array = false;
        std::size_t next_index = 0;
        std::string key;
        std::set<std::string, std::less<>> keys;
    };

    bool value()
    {
        if (!frames_.empty() && frames_.back().array) ++frames_.back().next_index;
        return true;
    }

    std::string path() const
    {
        std::string out;
        for (auto const& f : frames_) {
            if (f.array)
                out += "[" + std::to_string(f.next_index - 1) + "]";
            else
                out = join_path(out, f.key);
        }
        return out;
    }

    // nlohmann words its message "[json.exception.parse_error.101] parse error at line 3,
    // column 7: syntax error ... last read: '<input>'". Keep only the position: the rest
    // quotes the input, which is not ours to repeat.
    static std::string where_from(std::string_view what)
    {
        auto at = what.find(" at line ");
        if (at == std::string_view::npos) return "not valid JSON";
        auto rest = what.substr(at + 1);
        auto end = rest.find(':');
        if (end == std::string_view::npos) return "not valid JSON";
        rest = rest.substr(0, end); // "at line 3, column 7"
        for (char c : rest)
            if (!(c == ' ' || c == ',' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')))
                return "not valid JSON";
        return "not valid JSON " + std::string(rest);
    }

    std::vector<frame> frames_;
    std::vector<std::string> duplicates_;
    std::optional<std::string> error_;
};

} // namespace

file_text read_small_file(fs::path const& path, std::size_t max_bytes)
{
    std::error_code ec;
    auto st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) return {std::nullopt, "no such file"};
    if (ec) return {std::nullopt, reason(ec)};
    if (st.type() == fs::file_type::directory) return {std::nullopt, "it is a directory"};
    if (st.type() != fs::file_type::regular) return {std::nullopt, "it is not a regular file"};

    errno = 0;
    std::unique_ptr<std::FILE, file_closer> f(std::fopen(path.c_str(), "rb"));
    if (!f) return {std::nullopt, reason(std::error_code(errno != 0 ? errno : EIO, std::generic_category()))};
    std::string text;
    char buf[8192];
    while (true) {
        auto n = std::fread(buf, 1, sizeof buf, f.get());
        text.append(buf, n);
        if (text.size() > max_bytes)
            return {std::nullopt, "it is larger than " + std::to_string(max_bytes / 1024) + " KiB"};
        if (n < sizeof buf) break;
    }
    if (std::ferror(f.get()) != 0) return {std::nullopt, "reading it failed"};
    return {std::move(text), {}};
}

parsed_json parse_json(std::string_view text)
{
    if (is_blank(text)) return {std::nullopt, {"the file is empty ({} is the smallest valid file)"}};
    checking_sax sax;
    json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json, true, false);
    if (sax.error()) return {std::nullopt, {*sax.error()}};
    auto value = json::parse(text.begin(), text.end(), nullptr, false);
    // The SAX pass accepted it, so this cannot fail; stay graceful all the same.
    if (value.is_discarded()) return {std::nullopt, {"not valid JSON"}};
    parsed_json out{std::move(value), {}};
    for (auto const& d : sax.duplicates())
        out.errors.push_back(d + ": appears more than once; keep only one");
    return out;
}

std::string kind_of(json const& value)
{
    switch (value.type()) {
    case json::value_t::null:
        return "null";
    case json::value_t::boolean:
        return value.get<bool>() ? "true" : "false";
    case json::value_t::string:
        return "a string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
        return "a number";
    case json::value_t::object:
        return "an object";
    case json::value_t::array:
        return "an array";
    case json::value_t::binary:
        return "binary data";
    case json::value_t::discarded:
        return "nothing";
    }
    return "something else";
}

std::string join_path(std::string_view path, std::string_view key)
{
    bool plain = !key.empty();
    for (char c : key)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.'))
            plain = false;
    auto shown = plain ? std::string(key) : quote_value(key);
    if (path.empty()) return shown;
    return std::string(path) + "." + shown;
}

} // namespace coolhead::settings::detail

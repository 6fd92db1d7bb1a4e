#pragma once
/// Reads a console drill script (config/drills/*.txt) into steps, so the adapter tests can play
/// the same script through a fake chat server: who says what, `:wait`, `:pin`. Comments and blank
/// lines are skipped; `:as NAME` changes the speaker, `:as NAME <line>` speaks once. Also the
/// console's published post-mortem, for comparing platforms. Header-only, standard library only.

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace coolhead::test {

struct drill_step {
    enum class kind { command, message, pin, wait };
    kind what = kind::message;
    std::string who;     ///< the speaker (console name: "alice")
    std::string line;    ///< as written: "/incident start …", a message, ":pin", ":wait 3m"
    std::string command; ///< kind::command: "/incident"
    std::string text;    ///< kind::command: the rest after the command; kind::message: the line
    std::chrono::minutes wait{0}; ///< kind::wait
};

inline std::string read_text_file(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// "1h30m", "45m" → minutes.
inline std::chrono::minutes parse_drill_wait(std::string_view s)
{
    std::int64_t minutes = 0, n = 0;
    for (char c : s) {
        if (c >= '0' && c <= '9') n = n * 10 + (c - '0');
        else if (c == 'h') minutes += n * 60, n = 0;
        else if (c == 'm') minutes += n, n = 0;
    }
    return std::chrono::minutes{minutes};
}

inline std::vector<drill_step> read_drill(std::string const& script, std::string speaker = "alice")
{
    std::vector<drill_step> out;
    std::istringstream in(script);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line.starts_with("#")) continue;
        drill_step s;
        s.who = speaker;
        if (line.starts_with(":as ")) {
            auto rest = line.substr(4);
            auto sp = rest.find(' ');
            if (sp == std::string::npos) {
                speaker = rest;
                continue;
            }
            s.who = rest.substr(0, sp);
            line = rest.substr(sp + 1);
        }
        s.line = line;
        if (line.starts_with(":wait ")) {
            s.what = drill_step::kind::wait;
            s.wait = parse_drill_wait(line.substr(6));
        } else if (line == ":pin") {
            s.what = drill_step::kind::pin;
        } else if (line.starts_with(":")) {
            throw std::runtime_error("a console command the players do not know: " + line);
        } else if (line.starts_with("/")) {
            s.what = drill_step::kind::command;
            auto sp = line.find(' ');
            s.command = line.substr(0, sp);
            s.text = sp == std::string::npos ? std::string{} : line.substr(sp + 1);
        } else {
            s.text = line;
        }
        out.push_back(std::move(s));
    }
    return out;
}

/// The shipped drill every platform test plays.
inline std::string const& shipped_drill_path()
{
    static std::string const path = std::string(COOLHEAD_SOURCE_DIR) + "/config/drills/checkout-outage.txt";
    return path;
}

/// The console's published post-mortem in its piped output: the message that starts with the
/// post-mortem heading.
inline std::string console_post_mortem(std::string const& out)
{
    auto start = out.find("\n# Post-mortem: **INC-1**");
    if (start == std::string::npos) return {};
    auto end = out.find("\n\n[#", start);
    return out.substr(start + 1, end == std::string::npos ? std::string::npos : end - start);
}

} // namespace coolhead::test

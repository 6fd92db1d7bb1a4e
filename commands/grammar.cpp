#include "commands/grammar.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>

namespace coolhead::commands {
namespace {

// Characters ---------------------------------------------------------------------------------

/// Length of a whitespace character at i (ASCII space, tab, CR, LF, or U+00A0), else 0.
std::size_t space_len(std::string_view s, std::size_t i) noexcept
{
    auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return 1;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
    return 0;
}

/// Length of a quote character at i: '"', or the curly “ ” „ that phones and Slack insert.
std::size_t quote_len(std::string_view s, std::size_t i) noexcept
{
    if (i >= s.size()) return 0;
    if (s[i] == '"') return 1;
    if (static_cast<unsigned char>(s[i]) == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
        auto d = static_cast<unsigned char>(s[i + 2]);
        if (d == 0x9C || d == 0x9D || d == 0x9E) return 3;
    }
    return 0;
}

/// Position of the closing quote at or after `from`, if any.
std::optional<std::size_t> find_quote(std::string_view s, std::size_t from) noexcept
{
    for (std::size_t i = from; i < s.size(); ++i)
        if (quote_len(s, i)) return i;
    return std::nullopt;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_name_char(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '_' || c == '-';
}

std::optional<std::uint64_t> parse_number(std::string_view s) noexcept
{
    if (s.empty() || s.size() > 9) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : s) {
        if (!is_digit(c)) return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (n == 0) return std::nullopt;
    return n;
}

// Slack's escaped text -------------------------------------------------------------------------

std::string decode_entities(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '&') {
            auto rest = s.substr(i);
            if (rest.starts_with("&amp;")) { out += '&'; i += 4; continue; }
            if (rest.starts_with("&lt;")) { out += '<'; i += 3; continue; }
            if (rest.starts_with("&gt;")) { out += '>'; i += 3; continue; }
        }
        out += s[i];
    }
    return out;
}

/// A Slack <…> unit (without the brackets) as readable text.
std::string slack_unit_text(std::string_view inner)
{
    auto bar = inner.find('|');
    auto target = inner.substr(0, bar);
    auto label = bar == std::string_view::npos ? std::string_view{} : inner.substr(bar + 1);
    if (target.starts_with("@")) return "@" + decode_entities(label.empty() ? target.substr(1) : label);
    if (target.starts_with("#")) return "#" + decode_entities(label.empty() ? target.substr(1) : label);
    if (target.starts_with("!")) {
        // <!here>, <!channel>, <!everyone>, <!subteam^ID|@team>, <!date^…|fallback>
        if (!label.empty()) return decode_entities(label);
        auto name = target.substr(1);
        auto caret = name.find('^');
        return "@" + std::string(name.substr(0, caret));
    }
    // A link: <https://x|label>. Keep the address; the label only when it says something else.
    auto url = decode_entities(target);
    if (label.empty()) return url;
    auto lab = decode_entities(label);
    auto bare = url;
    for (std::string_view scheme : {"https://", "http://", "mailto:"})
        if (bare.starts_with(scheme)) bare = bare.substr(scheme.size());
    if (lab == url || lab == bare) return url;
    return lab + " (" + url + ")";
}

/// Slack-escaped text → readable text.
std::string decode_slack(std::string_view s)
{
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '<') {
            auto close = s.find('>', i);
            if (close != std::string_view::npos) {
                out += slack_unit_text(s.substr(i + 1, close - i - 1));
                i = close + 1;
                continue;
            }
        }
        auto next = s.find('<', i + 1);
        out += decode_entities(s.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i));
        i = next == std::string_view::npos ? s.size() : next;
    }
    return out;
}

bool is_mass_mention(std::string_view name) noexcept
{
    return iequals(name, "here") || iequals(name, "channel") || iequals(name, "all") || iequals(name, "everyone");
}

/// A token that is exactly one person: <@U123|bob>, <@U123> (Slack) or @bob (everywhere).
/// Trailing punctuation after @name ("@bob,") is ignored.
std::optional<user_ref> as_mention(std::string_view raw, dialect d)
{
    if (d == dialect::slack && raw.starts_with("<@") && raw.ends_with(">")) {
        auto inner = raw.substr(2, raw.size() - 3);
        auto bar = inner.find('|');
        auto id = inner.substr(0, bar);
        if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return is_name_char(c); })) return std::nullopt;
        user_ref u{std::string(id), {}};
        if (bar != std::string_view::npos) u.name = decode_entities(inner.substr(bar + 1));
        return u;
    }
    if (!raw.starts_with("@")) return std::nullopt;
    auto name = raw.substr(1);
    while (!name.empty() && (name.back() == ',' || name.back() == ';' || name.back() == ':' || name.back() == '.' ||
                             name.back() == '!' || name.back() == '?' || name.back() == ')'))
        name.remove_suffix(1);
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return is_name_char(c); })) return std::nullopt;
    if (is_mass_mention(name)) return std::nullopt;
    return user_ref{{}, std::string(name)};
}

// Tokens -------------------------------------------------------------------------------------

struct token {
    std::size_t begin = 0, end = 0; ///< raw byte range in the input
    std::string raw;
    std::string display; ///< decoded; a quoted token keeps its quotes here
    std::string content; ///< decoded, without quotes
    bool quoted = false;
    std::optional<user_ref> mention;
    std::string key; ///< lower-cased key of a key=value token, else ""
    std::string value;
    std::optional<user_ref> value_mention;
};

std::vector<token> tokenize(std::string_view s, dialect d)
{
    auto decode = [d](std::string_view raw) { return d == dialect::slack ? decode_slack(raw) : std::string(raw); };
    std::vector<token> out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (auto sp = space_len(s, i)) {
            i += sp;
            continue;
        }
        token t;
        t.begin = i;
        if (auto q = quote_len(s, i)) {
            auto close = find_quote(s, i + q);
            if (close) {
                auto after = *close + quote_len(s, *close);
                if (after == s.size() || space_len(s, after)) {
                    t.end = after;
                    t.raw = std::string(s.substr(i, after - i));
                    t.quoted = true;
                    t.content = decode(s.substr(i + q, *close - i - q));
                    t.display = decode(t.raw);
                    out.push_back(std::move(t));
                    i = after;
                    continue;
                }
            }
        }
        while (i < s.size() && !space_len(s, i)) {
            if (d == dialect::slack && s[i] == '<') {
                auto close = s.find('>', i);
                if (close != std::string_view::npos) {
                    i = close + 1;
                    continue;
                }
            }
            if (s[i] == '=' && quote_len(s, i + 1)) {
                auto q = quote_len(s, i + 1);
                if (auto close = find_quote(s, i + 1 + q)) {
                    i = *close + quote_len(s, *close);
                    continue;
                }
            }
            ++i;
        }
        t.end = i;
        t.raw = std::string(s.substr(t.begin, t.end - t.begin));
        t.display = decode(t.raw);
        t.content = t.display;
        t.mention = as_mention(t.raw, d);
        // key=value: a letter first, then letters, digits, '-' or '_', then '='.
        auto eq = t.raw.find('=');
        if (eq != std::string::npos && eq > 0 &&
            ((t.raw[0] >= 'a' && t.raw[0] <= 'z') || (t.raw[0] >= 'A' && t.raw[0] <= 'Z')) &&
            std::all_of(t.raw.begin(), t.raw.begin() + static_cast<std::ptrdiff_t>(eq),
                        [](char c) { return is_name_char(c) && c != '.'; })) {
            t.key = ascii_lower(t.raw.substr(0, eq));
            auto v = std::string_view(t.raw).substr(eq + 1);
            auto q = quote_len(v, 0);
            auto close = q ? find_quote(v, q) : std::nullopt;
            t.value = close ? decode(v.substr(q, *close - q)) : decode(v);
            t.value_mention = as_mention(v, d);
        }
        out.push_back(std::move(t));
    }
    return out;
}

/// The free text made of tokens [first, last) except those in `skip`, with the original
/// separators (a separator holding a line break is kept; others become one space). A text that
/// is exactly one quoted token loses its quotes.
std::string text_of(std::string_view s, std::vector<token> const& toks, std::size_t first, std::size_t last,
                    std::vector<bool> const& skip)
{
    std::vector<std::size_t> kept;
    for (auto i = first; i < last && i < toks.size(); ++i)
        if (!skip[i]) kept.push_back(i);
    if (kept.size() == 1 && toks[kept[0]].quoted) return toks[kept[0]].content;
    std::string out;
    for (std::size_t k = 0; k < kept.size(); ++k) {
        auto const& t = toks[kept[k]];
        if (k > 0) {
            auto const& prev = toks[kept[k] - 1]; // the token right before, kept or not
            auto sep = s.substr(prev.end, t.begin - prev.end);
            out += sep.find('\n') != std::string_view::npos ? "\n" : " ";
        }
        out += t.display;
    }
    return out;
}

std::optional<item_ref> as_item_ref(std::string_view s) noexcept
{
    // "#3", "3", "INC-7#3"
    if (s.size() > 4 && iequals(s.substr(0, 4), "inc-")) {
        auto hash = s.find('#');
        if (hash == std::string_view::npos) return std::nullopt;
        auto inc = parse_number(s.substr(4, hash - 4));
        auto id = parse_number(s.substr(hash + 1));
        if (!inc || !id) return std::nullopt;
        return item_ref{*inc, *id};
    }
    if (s.starts_with("#")) s.remove_prefix(1);
    auto id = parse_number(s);
    if (!id) return std::nullopt;
    return item_ref{std::nullopt, *id};
}

std::optional<std::uint64_t> as_id(std::string_view s) noexcept
{
    auto r = as_item_ref(s);
    if (!r || r->incident) return std::nullopt;
    return r->id;
}

std::optional<std::uint64_t> as_incident(std::string_view s) noexcept
{
    if (s.starts_with("#")) s.remove_prefix(1);
    if (s.size() <= 4 || !iequals(s.substr(0, 4), "inc-")) return std::nullopt;
    return parse_number(s.substr(4));
}

std::optional<int> as_severity(std::string_view s) noexcept
{
    if (s.size() >= 3 && iequals(s.substr(0, 3), "sev")) s.remove_prefix(3);
    if (s.starts_with("-")) s.remove_prefix(1);
    if (s.size() != 1 || s[0] < '1' || s[0] > '4') return std::nullopt;
    return s[0] - '0';
}

// Help tables ---------------------------------------------------------------------------------

constexpr std::array incident_help{
    subcommand_help{"start", "/incident start <title> [sev=1..4] [reporter=@user]",
                    "Declare an incident in this channel; Discovery begins and you are the lead."},
    subcommand_help{"status", "/incident status [INC-n]",
                    "Where the call stands: phase, time, people, hypotheses, options and what comes next."},
    subcommand_help{"note", "/incident note <text>", "Add a note to the timeline."},
    subcommand_help{"update", "/incident update <text>",
                    "Record a stakeholder status update; the update reminder starts counting again."},
    subcommand_help{"remind", "/incident remind <interval|off>",
                    "How often to ask for a stakeholder update, e.g. 15m or 1h; off silences it."},
    subcommand_help{"lead", "/incident lead @user", "Hand the lead to someone."},
    subcommand_help{"role", "/incident role <lead|decider|scribe|comms|sme> @user", "Give someone a role on the call."},
    subcommand_help{"severity", "/incident severity <1-4>", "Change the severity (1 is the most severe)."},
    subcommand_help{"breakout", "/incident breakout <topic> [@users] | breakout report #id <finding>",
                    "Open a breakout group for a deep dive; report its finding to close it."},
    subcommand_help{"resolve", "/incident resolve <reason>",
                    "Close an incident that needs no post-mortem, such as a false alarm (lead or decider)."},
    subcommand_help{"list", "/incident list", "Open incidents in every channel."},
    subcommand_help{"followups", "/incident followups", "Open follow-ups from every incident, published ones included."},
    subcommand_help{"help", "/incident help [subcommand]", "This help."},
};
constexpr std::array rootcause_help{
    subcommand_help{"", "/rootcause <what you think happened>", "Propose a hypothesis for the root cause."},
    subcommand_help{"confirm", "/rootcause confirm [#id]",
                    "Confirm someone else's hypothesis; the call moves on to Mitigation."},
    subcommand_help{"reject", "/rootcause reject [#id] <why>",
                    "Rule a hypothesis out, with the reason; it stays on the record."},
    subcommand_help{"list", "/rootcause list", "The hypotheses so far."},
    subcommand_help{"help", "/rootcause help", "This help."},
};
constexpr std::array mitigation_help{
    subcommand_help{"", "/mitigation <option> [impact=…] [recovery=…]",
                    "Propose a way to restore service, with its impact and recovery time."},
    subcommand_help{"pro", "/mitigation pro #id <text>", "Add an argument for an option."},
    subcommand_help{"con", "/mitigation con #id <text>", "Add an argument against an option."},
    subcommand_help{"veto", "/mitigation veto #id <why>", "Rule out an option that will not work, and say why."},
    subcommand_help{"choose", "/mitigation choose #id", "Decide which option to carry out (lead or decider)."},
    subcommand_help{"done", "/mitigation done",
                    "The chosen option is in place; the call moves on to the Post-mortem."},
    subcommand_help{"list", "/mitigation list", "The options so far."},
    subcommand_help{"help", "/mitigation help", "This help."},
};
constexpr std::array postmortem_help{
    subcommand_help{"", "/postmortem [INC-n]", "Preview the post-mortem, with what is still missing."},
    subcommand_help{"tollgate", "/postmortem tollgate <name>: <how it got past> | tollgate <name> n/a: <why>",
                    "Record how the issue got past a tollgate, or why the tollgate could not have caught it."},
    subcommand_help{"followup",
                    "/postmortem followup <action> [tollgate=…] [owner=@user] [ticket=…] | followup #id "
                    "[owner=@user] [ticket=…] | followup done #id",
                    "Add a follow-up, change its owner or ticket, or mark it done."},
    subcommand_help{"publish", "/postmortem publish", "Publish the post-mortem and close the incident."},
    subcommand_help{"help", "/postmortem help", "This help."},
};

std::string_view usage_of(family f, std::string_view name) noexcept
{
    for (auto const& h : help_table(f))
        if (h.name == name) return h.usage;
    return {};
}

std::vector<std::string_view> names_of(family f)
{
    std::vector<std::string_view> out;
    for (auto const& h : help_table(f))
        if (!h.name.empty()) out.push_back(h.name);
    return out;
}

// Parsing ---------------------------------------------------------------------------------------

class parser {
public:
    parser(family f, std::string_view text, dialect d)
        : f_(f), d_(d), text_(text), toks_(tokenize(text, d)), skip_(toks_.size(), false)
    {
    }

    parse_result run()
    {
        switch (f_) {
        case family::incident: return incident();
        case family::rootcause: return rootcause();
        case family::mitigation: return mitigation();
        case family::postmortem: return postmortem();
        }
        return fail("", "I don't know that command.");
    }

private:
    family f_;
    dialect d_;
    std::string_view text_;
    std::vector<token> toks_;
    std::vector<bool> skip_;

    std::string slash() const { return "/" + std::string(family_name(f_)); }

    usage_error fail(std::string_view sub, std::string message, std::string suggestion = {}, std::string input = {}) const
    {
        return usage_error{f_, std::move(message), std::move(input), std::move(suggestion), std::string(usage_of(f_, sub))};
    }

    std::string word(std::size_t i) const { return i < toks_.size() ? ascii_lower(toks_[i].raw) : std::string{}; }

    /// Free text of tokens [from, end) minus consumed ones.
    std::string rest(std::size_t from) const { return text_of(text_, toks_, from, toks_.size(), skip_); }

    /// The raw text from token `from` on, as typed (for suggestions).
    std::string raw_from(std::size_t from) const
    {
        return from < toks_.size() ? std::string(text_.substr(toks_[from].begin)) : std::string{};
    }

    /// Takes key=value options out of tokens [from, end). Keys not in `allowed` stay text, unless
    /// they are a near miss of an allowed key: then they are an error, so a typo is not silently
    /// kept as part of a title.
    boost::system::result<std::map<std::string, std::size_t>, usage_error>
    options(std::size_t from, std::string_view sub, std::span<std::string_view const> allowed,
            std::span<std::pair<std::string_view, std::string_view> const> aliases = {})
    {
        std::map<std::string, std::size_t> found;
        for (auto i = from; i < toks_.size(); ++i) {
            auto key = toks_[i].key;
            if (key.empty()) continue;
            for (auto const& [alias, real] : aliases)
                if (key == alias) key = std::string(real);
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
                if (found.contains(key)) return fail(sub, "{input} is given twice; keep one.", {}, key + "=");
                found.emplace(key, i);
                skip_[i] = true;
                continue;
            }
            if (auto near = closest(key, allowed))
                return fail(sub, "I don't know the option {input}.", std::string(*near) + "=", toks_[i].key + "=");
        }
        return found;
    }

    bool require_text(std::string const& s) const { return !s.empty(); }

    std::optional<usage_error> check_length(std::string_view sub, std::string const& s) const
    {
        if (s.size() <= max_text_bytes) return std::nullopt;
        return fail(sub, "That is longer than I keep in one entry (" + std::to_string(max_text_bytes) +
                             " characters). Split it into shorter pieces, for example with `/incident note`.");
    }

    parse_result unknown_subcommand(std::size_t at)
    {
        auto w = word(at);
        auto names = names_of(f_);
        if (auto near = closest(w, names)) {
            std::string suggestion = slash() + " " + std::string(*near);
            auto after = raw_from(at + 1);
            if (!after.empty()) suggestion += " " + after;
            return fail(*near, "{input} isn't something I know.", suggestion, slash() + " " + toks_[at].raw);
        }
        if (f_ == family::incident) {
            // "/incident DB is down": probably meant to start one.
            return fail("start", "{input} isn't something I know.", slash() + " start " + raw_from(at),
                        slash() + " " + toks_[at].raw);
        }
        return fail("help", "{input} isn't something I know. `" + slash() + " help` lists what I can do.", {},
                    slash() + " " + toks_[at].raw);
    }

    parse_result help(std::size_t at)
    {
        show_help h{f_, {}};
        if (at < toks_.size()) {
            auto w = word(at);
            if (w == "sev") w = "severity";
            auto names = names_of(f_);
            if (std::find(names.begin(), names.end(), w) != names.end()) h.topic = w;
            else if (auto near = closest(w, names)) h.topic = std::string(*near);
        }
        return command{h};
    }

    std::optional<user_ref> only_mention(std::size_t from) const
    {
        std::optional<user_ref> m;
        for (auto i = from; i < toks_.size(); ++i) {
            if (skip_[i]) continue;
            if (!toks_[i].mention || m) return std::nullopt;
            m = toks_[i].mention;
        }
        return m;
    }

    // /incident ---------------------------------------------------------------------------------
    parse_result incident()
    {
        if (toks_.empty()) return command{show_status{}};
        auto w = word(0);
        if (w == "start" || w == "declare") return start();
        if (w == "status") {
            show_status s;
            if (toks_.size() > 1) {
                s.incident = as_incident(toks_[1].raw);
                if (!s.incident || toks_.size() > 2)
                    return fail("status", "`status` takes nothing, or an incident such as `INC-7`.");
            }
            return command{s};
        }
        if (w == "note" || w == "update") {
            auto text = rest(1);
            auto sub = w == "note" ? "note" : "update";
            if (text.empty())
                return fail(sub, w == "note" ? "What should the note say?" : "What should the update say?");
            if (auto e = check_length(sub, text)) return *e;
            if (w == "note") return command{add_note{text}};
            return command{post_update{text}};
        }
        if (w == "remind") {
            if (toks_.size() != 2) return fail("remind", "Tell me how often, like `15m` or `1h`, or `off`.");
            if (word(1) == "off") return command{set_reminder{std::nullopt}};
            auto d = parse_duration(toks_[1].raw);
            if (!d) return fail("remind", "{input} isn't an interval I understand; try `15m`, `1h` or `off`.", {}, toks_[1].raw);
            return command{set_reminder{*d}};
        }
        if (w == "lead") {
            auto m = only_mention(1);
            if (!m) return fail("lead", "Tell me who should lead, as one mention: `/incident lead @someone`.");
            return command{assign_role{role::lead, *m}};
        }
        if (w == "role") {
            if (toks_.size() < 3) return fail("role", "Tell me the role and the person: `/incident role comms @someone`.");
            auto r = role_from_name(toks_[1].raw);
            if (!r) {
                std::array<std::string_view, 5> names{"lead", "decider", "scribe", "comms", "sme"};
                std::string suggestion;
                if (auto near = closest(toks_[1].raw, names)) suggestion = "/incident role " + std::string(*near) + " " + raw_from(2);
                return fail("role", "{input} isn't a role here. The roles are lead, decider, scribe, comms and sme.",
                            suggestion, toks_[1].raw);
            }
            auto m = only_mention(2);
            if (!m) return fail("role", "Tell me who, as one mention: `/incident role " + std::string(role_name(*r)) + " @someone`.");
            return command{assign_role{*r, *m}};
        }
        if (w == "severity" || w == "sev") {
            std::optional<int> sev;
            if (toks_.size() == 2) sev = as_severity(toks_[1].raw);
            if (!sev) return fail("severity", "Severity goes from 1 (most severe) to 4: `/incident severity 2`.");
            return command{set_severity{*sev}};
        }
        if (w == "breakout") return breakout();
        if (w == "resolve") {
            auto reason = rest(1);
            if (reason.empty()) return fail("resolve", "Say why no post-mortem is needed, e.g. `/incident resolve false alarm: the alert threshold was wrong`.");
            if (auto e = check_length("resolve", reason)) return *e;
            return command{resolve_incident{reason}};
        }
        if (w == "list") return command{list_incidents{}};
        if (w == "followups" || w == "follow-ups") return command{list_followups{}};
        if (w == "help") return help(1);
        return unknown_subcommand(0);
    }

    parse_result start()
    {
        static constexpr std::array<std::string_view, 2> allowed{"severity", "reporter"};
        static constexpr std::array<std::pair<std::string_view, std::string_view>, 1> aliases{
            std::pair<std::string_view, std::string_view>{"sev", "severity"}};
        auto opts = options(1, "start", allowed, aliases);
        if (!opts) return opts.error();
        start_incident s;
        if (auto it = opts->find("severity"); it != opts->end()) {
            auto sev = as_severity(toks_[it->second].value);
            if (!sev)
                return fail("start", "Severity goes from 1 (most severe) to 4; {input} isn't one of them.", {},
                            toks_[it->second].raw);
            s.severity = *sev;
        }
        if (auto it = opts->find("reporter"); it != opts->end()) {
            if (!toks_[it->second].value_mention)
                return fail("start", "`reporter=` takes one mention, like `reporter=@dana`.");
            s.reporter = toks_[it->second].value_mention;
        }
        s.title = rest(1);
        if (s.title.empty()) return fail("start", "An incident needs a title: what is broken, in a few words.");
        if (auto e = check_length("start", s.title)) return *e;
        return command{s};
    }

    parse_result breakout()
    {
        if (word(1) == "report" && toks_.size() > 2 && as_id(toks_[2].raw)) {
            auto id = as_id(toks_[2].raw);
            auto finding = rest(3);
            if (finding.empty()) return fail("breakout", "What did the breakout find? `/incident breakout report #" + std::to_string(*id) + " <finding>`.");
            if (auto e = check_length("breakout", finding)) return *e;
            return command{report_breakout{*id, finding}};
        }
        if (word(1) == "report" && toks_.size() == 2)
            return fail("breakout", "Which breakout? `/incident breakout report #id <finding>`.");
        // Trailing mentions are the members; the rest is the topic.
        open_breakout b;
        auto end = toks_.size();
        while (end > 1 && toks_[end - 1].mention) {
            --end;
            skip_[end] = true;
        }
        for (auto i = end; i < toks_.size(); ++i) b.members.push_back(*toks_[i].mention);
        b.topic = text_of(text_, toks_, 1, end, skip_);
        if (b.topic.empty()) return fail("breakout", "What is the breakout about? `/incident breakout <topic> @people`.");
        if (auto e = check_length("breakout", b.topic)) return *e;
        return command{b};
    }

    // /rootcause --------------------------------------------------------------------------------
    parse_result rootcause()
    {
        if (toks_.empty()) return command{list_hypotheses{}};
        auto w = word(0);
        if (!toks_[0].quoted) {
            if (w == "help") return help(1);
            if (w == "list" && toks_.size() == 1) return command{list_hypotheses{}};
            if (w == "confirm") {
                confirm_rootcause c;
                if (toks_.size() > 2) return fail("confirm", "`confirm` takes at most one hypothesis, like `#2`.");
                if (toks_.size() == 2) {
                    c.id = as_id(toks_[1].raw);
                    if (!c.id) return fail("confirm", "{input} isn't a hypothesis number; try `/rootcause confirm #2`.", {}, toks_[1].raw);
                }
                return command{c};
            }
            if (w == "reject") {
                reject_rootcause r;
                std::size_t from = 1;
                if (toks_.size() > 1) {
                    if (auto id = as_id(toks_[1].raw)) {
                        r.id = id;
                        from = 2;
                    }
                }
                r.why = rest(from);
                if (r.why.empty()) return fail("reject", "Say why it is ruled out; the reason stays on the record for the post-mortem.");
                if (auto e = check_length("reject", r.why)) return *e;
                return command{r};
            }
            if (auto typo = near_subcommand_typo()) return *typo;
        }
        auto text = rest(0);
        if (auto e = check_length("", text)) return *e;
        return command{propose_rootcause{text}};
    }

    /// In /rootcause and /mitigation, free text is the default action, so a misspelt subcommand
    /// would silently become a hypothesis or an option. A first word close to a subcommand counts
    /// as a typo when it stands alone or is followed by an id: "confrim", "vto #2".
    std::optional<parse_result> near_subcommand_typo()
    {
        auto w = word(0);
        if (w.size() < 3) return std::nullopt;
        bool alone = toks_.size() == 1;
        bool then_id = toks_.size() > 1 && as_id(toks_[1].raw).has_value();
        if (!alone && !then_id) return std::nullopt;
        auto names = names_of(f_);
        auto near = closest(w, names);
        if (!near) return std::nullopt;
        std::string suggestion = slash() + " " + std::string(*near);
        if (auto after = raw_from(1); !after.empty()) suggestion += " " + after;
        std::string msg = "{input} looks like a typo.";
        if (alone)
            msg += " If you meant a one-word " + std::string(f_ == family::rootcause ? "hypothesis" : "option") +
                   ", put it in double quotes.";
        return parse_result{fail(*near, msg, suggestion, slash() + " " + toks_[0].raw)};
    }

    // /mitigation -------------------------------------------------------------------------------
    parse_result mitigation()
    {
        if (toks_.empty()) return command{list_options{}};
        auto w = word(0);
        if (!toks_[0].quoted) {
            if (w == "help") return help(1);
            if (w == "list" && toks_.size() == 1) return command{list_options{}};
            if (w == "pro" || w == "con") {
                std::optional<std::uint64_t> id;
                if (toks_.size() > 1) id = as_id(toks_[1].raw);
                if (!id) return fail(w, "Which option? `/mitigation " + w + " #id <text>`.");
                auto text = rest(2);
                if (text.empty()) return fail(w, "What is the argument? `/mitigation " + w + " #" + std::to_string(*id) + " <text>`.");
                if (auto e = check_length(w, text)) return *e;
                return command{add_tradeoff{*id, w == "pro", text}};
            }
            if (w == "veto") {
                std::optional<std::uint64_t> id;
                if (toks_.size() > 1) id = as_id(toks_[1].raw);
                if (!id) return fail("veto", "Which option? `/mitigation veto #id <why>`.");
                auto why = rest(2);
                if (auto e = check_length("veto", why)) return *e;
                return command{veto_option{*id, why}};
            }
            if (w == "choose" || w == "decide") {
                std::optional<std::uint64_t> id;
                if (toks_.size() == 2) id = as_id(toks_[1].raw);
                if (!id) return fail("choose", "Which option? `/mitigation choose #id`.");
                return command{choose_option{*id}};
            }
            if (w == "done" && toks_.size() == 1) return command{complete_mitigation{}};
            if (auto typo = near_subcommand_typo()) return *typo;
        }
        static constexpr std::array<std::string_view, 2> allowed{"impact", "recovery"};
        auto opts = options(0, "", allowed);
        if (!opts) return opts.error();
        propose_option o;
        if (auto it = opts->find("impact"); it != opts->end()) o.impact = toks_[it->second].value;
        if (auto it = opts->find("recovery"); it != opts->end()) o.recovery = toks_[it->second].value;
        o.text = rest(0);
        if (o.text.empty()) return fail("", "Describe the option itself, then its impact and recovery time.");
        for (auto const* s : {&o.text, &o.impact, &o.recovery})
            if (auto e = check_length("", *s)) return *e;
        return command{o};
    }

    // /postmortem -------------------------------------------------------------------------------
    parse_result postmortem()
    {
        if (toks_.empty()) return command{preview_postmortem{}};
        auto w = word(0);
        if (auto inc = as_incident(toks_[0].raw); inc && toks_.size() == 1) return command{preview_postmortem{inc}};
        if (w == "preview") {
            preview_postmortem p;
            if (toks_.size() == 2) p.incident = as_incident(toks_[1].raw);
            if (toks_.size() > 2 || (toks_.size() == 2 && !p.incident))
                return fail("", "`preview` takes nothing, or an incident such as `INC-7`.");
            return command{p};
        }
        if (w == "help") return help(1);
        if (w == "publish" && toks_.size() == 1) return command{publish_postmortem{}};
        if (w == "tollgate") return tollgate();
        if (w == "followup" || w == "follow-up") return followup();
        return unknown_subcommand(0);
    }

    parse_result tollgate()
    {
        // Everything up to the first ':' names the tollgate (a trailing "n/a" marks it not
        // applicable); everything after says how the issue got past it.
        if (toks_.size() < 2) return fail("tollgate", "Name the tollgate and say how the issue got past it.");
        auto start = toks_[1].begin;
        auto body = text_.substr(start);
        auto colon = body.find(':');
        if (colon == std::string_view::npos)
            return fail("tollgate", "Put a colon after the tollgate's name: `/postmortem tollgate uat: <how it got past>`.");
        record_tollgate t;
        std::string name(body.substr(0, colon));
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
        for (std::string_view na : {" n/a", " N/A", " na", " NA"})
            if (name.size() > na.size() && name.ends_with(na)) {
                t.applicable = false;
                name.resize(name.size() - na.size());
                while (!name.empty() && name.back() == ' ') name.pop_back();
                break;
            }
        if (name.size() >= 2 && quote_len(name, 0) == 1 && name.back() == '"') name = name.substr(1, name.size() - 2);
        if (name.empty()) return fail("tollgate", "Name the tollgate before the colon.");
        if (name.size() > 80) return fail("tollgate", "That tollgate name is too long; keep it to a few words.");
        t.name = d_ == dialect::slack ? decode_slack(name) : name;
        // The explanation gets the same decoding as any other free text.
        auto after = body.substr(colon + 1);
        auto how_toks = tokenize(after, d_);
        t.how = text_of(after, how_toks, 0, how_toks.size(), std::vector<bool>(how_toks.size(), false));
        if (t.how.empty())
            return fail("tollgate", t.applicable ? "Say how the issue got past {input}, after the colon."
                                                 : "Say why {input} could not have caught it, after the colon.",
                        {}, t.name);
        if (auto e = check_length("tollgate", t.how)) return *e;
        return command{t};
    }

    parse_result followup()
    {
        // followup done #id | followup #id [owner=…] [ticket=…] | followup <text> [options]
        if (word(1) == "done") {
            std::optional<item_ref> ref;
            if (toks_.size() == 3) ref = as_item_ref(toks_[2].raw);
            if (!ref) return fail("followup", "Which follow-up? `/postmortem followup done #id`.");
            return command{complete_followup{*ref}};
        }
        if (toks_.size() > 1 && (toks_[1].raw.starts_with("#") || as_incident(toks_[1].raw) || toks_[1].raw.find('#') != std::string::npos)) {
            if (auto ref = as_item_ref(toks_[1].raw)) {
                static constexpr std::array<std::string_view, 2> allowed{"owner", "ticket"};
                auto opts = options(2, "followup", allowed);
                if (!opts) return opts.error();
                skip_[1] = true;
                if (!rest(2).empty() || opts->empty())
                    return fail("followup", "To change a follow-up, give `owner=@someone` and/or `ticket=<id>` after its number.");
                update_followup u{*ref, {}, {}};
                if (auto it = opts->find("owner"); it != opts->end()) {
                    if (!toks_[it->second].value_mention) return fail("followup", "`owner=` takes one mention, like `owner=@dana`.");
                    u.owner = toks_[it->second].value_mention;
                }
                if (auto it = opts->find("ticket"); it != opts->end()) u.ticket = toks_[it->second].value;
                return command{u};
            }
        }
        static constexpr std::array<std::string_view, 3> allowed{"tollgate", "owner", "ticket"};
        auto opts = options(1, "followup", allowed);
        if (!opts) return opts.error();
        add_followup a;
        if (auto it = opts->find("tollgate"); it != opts->end()) a.tollgate = toks_[it->second].value;
        if (auto it = opts->find("owner"); it != opts->end()) {
            if (!toks_[it->second].value_mention) return fail("followup", "`owner=` takes one mention, like `owner=@dana`.");
            a.owner = toks_[it->second].value_mention;
        }
        if (auto it = opts->find("ticket"); it != opts->end()) a.ticket = toks_[it->second].value;
        a.text = rest(1);
        if (a.text.empty()) return fail("followup", "What needs doing? `/postmortem followup <action> owner=@someone`.");
        if (auto e = check_length("followup", a.text)) return *e;
        if (a.ticket.size() > 200 || a.tollgate.size() > 80) return fail("followup", "That ticket or tollgate is too long.");
        return command{a};
    }
};

} // namespace

void throw_exception_from_error(usage_error const& e, boost::source_location const&)
{
    throw std::invalid_argument(e.message);
}

parse_result parse(family f, std::string_view text, dialect d) { return parser(f, text, d).run(); }

std::optional<family> family_from_command(std::string_view slash) noexcept
{
    if (slash.starts_with("/")) slash.remove_prefix(1);
    for (auto f : {family::incident, family::rootcause, family::mitigation, family::postmortem})
        if (iequals(slash, family_name(f))) return f;
    return std::nullopt;
}

std::span<subcommand_help const> help_table(family f) noexcept
{
    switch (f) {
    case family::incident: return incident_help;
    case family::rootcause: return rootcause_help;
    case family::mitigation: return mitigation_help;
    case family::postmortem: return postmortem_help;
    }
    return {};
}

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    auto la = ascii_lower(a), lb = ascii_lower(b);
    auto n = la.size(), m = lb.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            std::size_t cost = la[i - 1] == lb[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && la[i - 1] == lb[j - 2] && la[i - 2] == lb[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

std::optional<std::string_view> closest(std::string_view word, std::span<std::string_view const> candidates)
{
    if (word.empty() || word.size() > 40) return std::nullopt;
    // Short words allow one edit, longer ones two; a unique prefix of three letters also counts.
    std::size_t limit = word.size() <= 4 ? 1 : 2;
    std::optional<std::string_view> best;
    std::size_t best_d = limit + 1;
    for (auto c : candidates) {
        auto dist = edit_distance(word, c);
        if (dist < best_d) {
            best = c;
            best_d = dist;
        }
    }
    if (best) return best;
    if (word.size() >= 3) {
        std::optional<std::string_view> prefix;
        for (auto c : candidates)
            if (c.size() > word.size() && iequals(c.substr(0, word.size()), word)) {
                if (prefix) return std::nullopt; // ambiguous
                prefix = c;
            }
        return prefix;
    }
    return std::nullopt;
}

} // namespace coolhead::commands

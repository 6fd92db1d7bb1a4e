#pragma once
/// The neutral markup the core renders into. Adapters turn a document into Slack mrkdwn,
/// Mattermost markdown or terminal text. Text we wrote is trusted; text a user typed is marked
/// `from_user` and adapters must escape it so it can never become a mention, a link or markup.

#include "commands/user.hpp"

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace coolhead::commands::markup {

enum class style : unsigned char { plain, strong, emphasis, code };

/// A run of text. `from_user` text is shown verbatim after escaping; ours may carry a style.
struct text {
    std::string value;
    style look = style::plain;
    bool from_user = false;
    friend bool operator==(text const&, text const&) = default;
};

/// A person named in the text. `notify` is true only where the bot means to get their
/// attention (a reminder addressed to them); otherwise adapters show the name without pinging.
struct person {
    user_ref who;
    bool notify = false;
    friend bool operator==(person const&, person const&) = default;
};

/// A channel named in the text (Slack <#C…>, Mattermost ~name, console #name).
struct channel {
    channel_ref where;
    friend bool operator==(channel const&, channel const&) = default;
};

using span = std::variant<text, person, channel>;
using inlines = std::vector<span>;

struct paragraph {
    inlines content;
    friend bool operator==(paragraph const&, paragraph const&) = default;
};
struct heading {
    int level = 1; ///< 1 = title, 2 = section
    inlines content;
    friend bool operator==(heading const&, heading const&) = default;
};
struct list_item {
    inlines content;
    std::vector<inlines> children; ///< one level of nesting is enough for our documents
    friend bool operator==(list_item const&, list_item const&) = default;
};
struct bullet_list {
    std::vector<list_item> items;
    friend bool operator==(bullet_list const&, bullet_list const&) = default;
};
struct table {
    std::vector<std::string> header; ///< ours, trusted
    std::vector<std::vector<inlines>> rows;
    friend bool operator==(table const&, table const&) = default;
};

using block = std::variant<paragraph, heading, bullet_list, table>;

struct document {
    std::vector<block> blocks;
    bool empty() const noexcept { return blocks.empty(); }
    friend bool operator==(document const&, document const&) = default;
};

// Builders keep renderers short: paragraph{{t("Hypothesis "), strong("#1"), t(" by "), who(u)}}.
inline span t(std::string_view s) { return text{std::string(s), style::plain, false}; }
inline span strong(std::string_view s) { return text{std::string(s), style::strong, false}; }
inline span em(std::string_view s) { return text{std::string(s), style::emphasis, false}; }
inline span code(std::string_view s) { return text{std::string(s), style::code, false}; }
/// User-typed text: always escaped by adapters.
inline span u(std::string_view s) { return text{std::string(s), style::plain, true}; }
/// User-typed text shown as code (a command they typed): escaped like any user text.
inline span ucode(std::string_view s) { return text{std::string(s), style::code, true}; }
inline span who(user_ref const& p) { return person{p, false}; }
inline span ping(user_ref const& p) { return person{p, true}; }
inline span where(channel_ref const& c) { return channel{c}; }

/// Appends `more` to `to`.
void append(inlines& to, inlines const& more);

/// Values for a template: each placeholder maps to spans, so user text stays user text.
using template_vars = std::map<std::string, inlines, std::less<>>;

/// Fills a trusted template written in our light markup into blocks: blank lines separate
/// paragraphs, lines starting with "- " are list items, `*x*` is strong, `_x_` emphasis,
/// `` `x` `` code, `{name}` is replaced by vars[name] (unknown names are kept as typed).
std::vector<block> fill(std::string_view tmpl, template_vars const& vars);

/// Same as fill() for a one-line template, returned as spans.
inlines fill_inline(std::string_view tmpl, template_vars const& vars);

/// Writes one span; lets a caller (the console) style spans its own way while reusing the
/// block layout of to_plain.
using span_writer = void (*)(std::string& out, span const& s);

/// The canonical plain rendering (CommonMark-like) used by the console adapter and the golden
/// files: "# " headings, "- " lists with two-space nesting, pipe tables, **strong**, _em_,
/// `code`, "@name" for people, "#name" for channels. User text is shown verbatim. A span_writer
/// replaces how spans are written.
std::string to_plain(document const& doc, span_writer write = nullptr);
std::string to_plain(inlines const& line, span_writer write = nullptr);

/// The default span_writer (the markdown forms above).
void write_plain(std::string& out, span const& s);

/// All the text in a document, user text included, without any markup: for searching in tests.
std::string flatten(document const& doc);

} // namespace coolhead::commands::markup

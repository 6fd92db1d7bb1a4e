#include "commands/markup.hpp"

namespace coolhead::commands::markup {
namespace {

// Splits one template line into styled spans and placeholder expansions.
void fill_line(std::string_view line, template_vars const& vars, inlines& out)
{
    std::string plain;
    auto flush = [&] {
        if (!plain.empty()) out.push_back(t(plain));
        plain.clear();
    };
    std::size_t i = 0;
    while (i < line.size()) {
        char c = line[i];
        if (c == '{') {
            auto close = line.find('}', i + 1);
            if (close != std::string_view::npos) {
                auto name = line.substr(i + 1, close - i - 1);
                if (auto it = vars.find(name); it != vars.end()) {
                    flush();
                    append(out, it->second);
                    i = close + 1;
                    continue;
                }
            }
        }
        if (c == '*' || c == '_' || c == '`') {
            auto close = line.find(c, i + 1);
            // Only a marker pair around non-empty text counts; a lone '*' stays literal.
            if (close != std::string_view::npos && close > i + 1) {
                flush();
                auto inner = std::string(line.substr(i + 1, close - i - 1));
                // Placeholders inside code or bold are expanded as plain text of the same style.
                std::string expanded;
                std::size_t j = 0;
                while (j < inner.size()) {
                    if (inner[j] == '{') {
                        auto e = inner.find('}', j + 1);
                        if (e != std::string::npos) {
                            auto it = vars.find(std::string_view(inner).substr(j + 1, e - j - 1));
                            if (it != vars.end()) {
                                for (auto const& s : it->second)
                                    if (auto const* tx = std::get_if<text>(&s)) expanded += tx->value;
                                    else if (auto const* p = std::get_if<person>(&s)) expanded += "@" + display_name(p->who);
                                j = e + 1;
                                continue;
                            }
                        }
                    }
                    expanded += inner[j++];
                }
                auto look = c == '*' ? style::strong : c == '_' ? style::emphasis : style::code;
                out.push_back(text{expanded, look, false});
                i = close + 1;
                continue;
            }
        }
        plain += c;
        ++i;
    }
    flush();
}

std::string_view trim_right(std::string_view s)
{
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

void plain_spans(inlines const& line, std::string& out, span_writer write)
{
    for (auto const& s : line) (write ? write : write_plain)(out, s);
}

} // namespace

void append(inlines& to, inlines const& more) { to.insert(to.end(), more.begin(), more.end()); }

void write_plain(std::string& out, span const& s)
{
    if (auto const* tx = std::get_if<text>(&s)) {
        switch (tx->look) {
        case style::plain: out += tx->value; break;
        case style::strong: out += "**" + tx->value + "**"; break;
        case style::emphasis: out += "_" + tx->value + "_"; break;
        case style::code: out += "`" + tx->value + "`"; break;
        }
    } else if (auto const* p = std::get_if<person>(&s)) {
        out += "@" + display_name(p->who);
    } else if (auto const* ch = std::get_if<channel>(&s)) {
        out += "#" + (ch->where.name.empty() ? ch->where.id : ch->where.name);
    }
}

std::vector<block> fill(std::string_view tmpl, template_vars const& vars)
{
    std::vector<block> blocks;
    paragraph para;
    bullet_list list;
    auto end_para = [&] {
        if (!para.content.empty()) blocks.emplace_back(std::move(para));
        para = {};
    };
    auto end_list = [&] {
        if (!list.items.empty()) blocks.emplace_back(std::move(list));
        list = {};
    };
    while (!tmpl.empty()) {
        auto nl = tmpl.find('\n');
        auto line = trim_right(tmpl.substr(0, nl));
        tmpl = nl == std::string_view::npos ? std::string_view{} : tmpl.substr(nl + 1);
        if (line.empty()) {
            end_para();
            end_list();
            continue;
        }
        if (line.starts_with("- ")) {
            end_para();
            list_item item;
            fill_line(line.substr(2), vars, item.content);
            list.items.push_back(std::move(item));
            continue;
        }
        end_list();
        if (!para.content.empty()) para.content.push_back(t(" "));
        fill_line(line, vars, para.content);
    }
    end_para();
    end_list();
    return blocks;
}

inlines fill_inline(std::string_view tmpl, template_vars const& vars)
{
    inlines out;
    fill_line(tmpl, vars, out);
    return out;
}

std::string to_plain(inlines const& line, span_writer write)
{
    std::string out;
    plain_spans(line, out, write);
    return out;
}

std::string to_plain(document const& doc, span_writer write)
{
    std::string out;
    for (auto const& b : doc.blocks) {
        if (!out.empty()) out += "\n";
        if (auto const* p = std::get_if<paragraph>(&b)) {
            plain_spans(p->content, out, write);
            out += "\n";
        } else if (auto const* h = std::get_if<heading>(&b)) {
            out += std::string(static_cast<std::size_t>(h->level < 1 ? 1 : h->level), '#') + " ";
            plain_spans(h->content, out, write);
            out += "\n";
        } else if (auto const* l = std::get_if<bullet_list>(&b)) {
            for (auto const& item : l->items) {
                out += "- ";
                plain_spans(item.content, out, write);
                out += "\n";
                for (auto const& child : item.children) {
                    out += "  - ";
                    plain_spans(child, out, write);
                    out += "\n";
                }
            }
        } else if (auto const* tb = std::get_if<table>(&b)) {
            out += "|";
            for (auto const& h2 : tb->header) out += " " + h2 + " |";
            out += "\n|";
            for (std::size_t i = 0; i < tb->header.size(); ++i) out += " --- |";
            out += "\n";
            for (auto const& row : tb->rows) {
                out += "|";
                for (auto const& cell : row) {
                    out += " ";
                    std::string c;
                    plain_spans(cell, c, write);
                    // A pipe inside a cell would break the table; newlines too.
                    for (char ch : c) out += ch == '|' ? std::string("\\|") : ch == '\n' ? std::string(" ") : std::string(1, ch);
                    out += " |";
                }
                out += "\n";
            }
        }
    }
    return out;
}

std::string flatten(document const& doc)
{
    std::string out;
    auto spans = [&](inlines const& line) {
        for (auto const& s : line) {
            if (auto const* tx = std::get_if<text>(&s)) out += tx->value;
            else if (auto const* p = std::get_if<person>(&s)) out += "@" + display_name(p->who);
            else if (auto const* ch = std::get_if<channel>(&s)) out += "#" + (ch->where.name.empty() ? ch->where.id : ch->where.name);
        }
        out += "\n";
    };
    for (auto const& b : doc.blocks) {
        if (auto const* p = std::get_if<paragraph>(&b)) spans(p->content);
        else if (auto const* h = std::get_if<heading>(&b)) spans(h->content);
        else if (auto const* l = std::get_if<bullet_list>(&b)) {
            for (auto const& item : l->items) {
                spans(item.content);
                for (auto const& c : item.children) spans(c);
            }
        } else if (auto const* tb = std::get_if<table>(&b)) {
            for (auto const& row : tb->rows)
                for (auto const& cell : row) spans(cell);
        }
    }
    return out;
}

} // namespace coolhead::commands::markup

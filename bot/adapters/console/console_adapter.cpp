#include "bot/adapters/console/console_adapter.hpp"

#include "commands/markup.hpp"

namespace coolhead::console {

namespace asio = boost::asio;
using namespace commands;

namespace {

// Bytes that would drive a terminal (ESC sequences, bells, carriage returns) are replaced.
std::string sanitize(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 && c != '\n' && c != '\t') || u == 0x7f ? '?' : c;
    }
    return out;
}

void write_span(std::string& out, markup::span const& s, bool color)
{
    using namespace markup;
    // On a terminal, styles become ANSI attributes; piped, the markdown markers stay.
    auto styled = [&](char const* ansi, std::string_view marker, std::string const& body) {
        if (color) out += std::string(ansi) + body + "\x1b[0m";
        else out += std::string(marker) + body + std::string(marker);
    };
    if (auto const* tx = std::get_if<text>(&s)) {
        auto v = tx->from_user ? sanitize(tx->value) : tx->value;
        switch (tx->look) {
        case style::plain: out += v; break;
        case style::strong: styled("\x1b[1m", "**", v); break;
        case style::emphasis: styled("\x1b[3m", "_", v); break;
        case style::code: styled("\x1b[36m", "`", v); break;
        }
    } else if (auto const* p = std::get_if<person>(&s)) {
        auto name = "@" + sanitize(display_name(p->who));
        if (color) out += std::string(p->notify ? "\x1b[1;33m" : "\x1b[1m") + name + "\x1b[0m";
        else out += name;
    } else if (auto const* ch = std::get_if<channel>(&s)) {
        out += "#" + sanitize(ch->where.name.empty() ? ch->where.id : ch->where.name);
    }
}

void write_plain_span(std::string& out, markup::span const& s) { write_span(out, s, false); }
void write_color_span(std::string& out, markup::span const& s) { write_span(out, s, true); }

constexpr std::string_view help_text =
    "Console commands (everything else is a message or a slash command in the current channel):\n"
    "  :as NAME            speak as NAME from now on\n"
    "  :as NAME <line>     say one line as NAME\n"
    "  :in CHANNEL         switch to another channel\n"
    "  :wait 30m           move the simulated clock on (fires due reminders)\n"
    "  :pin [N]            pin the last (or the Nth last) message in this channel to the timeline\n"
    "  :unpin              remove the last pin in this channel\n"
    "  :deliver ID <line>  deliver a line with a platform delivery id (a second delivery is a redelivery)\n"
    "  :help               this help\n"
    "  :quit               leave\n"
    "Lines starting with # are comments.\n";

std::pair<std::string, std::string> split_word(std::string_view s)
{
    auto start = s.find_first_not_of(" \t");
    if (start == std::string_view::npos) return {};
    s.remove_prefix(start);
    auto end = s.find_first_of(" \t");
    auto word = std::string(s.substr(0, end));
    auto rest = end == std::string_view::npos ? std::string_view{} : s.substr(end);
    auto r = rest.find_first_not_of(" \t");
    return {word, r == std::string_view::npos ? std::string{} : std::string(rest.substr(r))};
}

std::string strip(std::string s, char prefix)
{
    if (!s.empty() && s.front() == prefix) s.erase(0, 1);
    return s;
}

} // namespace

std::string render(outbound const& msg, bool color)
{
    std::string out;
    auto channel = "#" + sanitize(msg.channel.name.empty() ? msg.channel.id : msg.channel.name);
    std::string audience = msg.to == visibility::everyone ? "to everyone" : "to @" + sanitize(display_name(msg.user)) + " only";
    out += color ? "\x1b[2m[" + channel + " " + audience + "]\x1b[0m\n" : "[" + channel + " " + audience + "]\n";
    out += markup::to_plain(msg.body, color ? write_color_span : write_plain_span);
    if (out.empty() || out.back() != '\n') out += '\n';
    out += '\n';
    return out;
}

console_adapter::console_adapter(adapters::inbound_handler& app, std::function<timestamp()> now,
                                 std::optional<time_control> time, options opts, std::function<void(std::string const&)> write,
                                 log::logger_ptr log)
    : app_(app), now_(std::move(now)), time_(std::move(time)), opts_(std::move(opts)), write_(std::move(write)),
      log_(std::move(log)), user_(strip(opts_.as, '@')), channel_(strip(opts_.channel, '#'))
{
}

void console_adapter::post(outbound message) { write_(render(message, opts_.color)); }

void console_adapter::note(std::string const& text) { write_(text.ends_with('\n') ? text + "\n" : text + "\n\n"); }

user_ref console_adapter::me() const { return user_ref{user_, user_}; }

std::string console_adapter::prompt() const { return user_ + " in #" + channel_ + "> "; }

void console_adapter::print_handled(adapters::handled const& h)
{
    if (h.reply) post(*h.reply);
    for (auto const& e : h.effects) post(e);
}

asio::awaitable<void> console_adapter::say(std::string text, std::string delivery_id)
{
    adapters::inbound in;
    in.platform = "console";
    in.delivery_id = std::move(delivery_id);
    in.channel = {channel_, channel_};
    in.user = me();
    in.received = now_();
    in.dialect = dialect::console;
    if (text.starts_with("/")) {
        auto [cmd, rest] = split_word(text);
        in.what = adapters::slash_command{cmd, rest};
    } else {
        auto id = "m" + std::to_string(next_message_++);
        auto& recent = recent_[channel_];
        recent.push_back({id, me(), text, in.received});
        if (recent.size() > 50) recent.pop_front();
        in.what = adapters::channel_message{id, text};
    }
    print_handled(co_await app_.handle(std::move(in)));
}

asio::awaitable<void> console_adapter::pin(std::size_t back, bool added)
{
    auto& recent = recent_[channel_];
    std::optional<seen_message> target;
    if (added) {
        if (back == 0 || back > recent.size()) {
            note("There is no such message to pin in #" + channel_ + "; `:pin` pins the last plain message, `:pin 2` the one before.");
            co_return;
        }
        target = recent[recent.size() - back];
        last_pinned_[channel_] = target->id;
    } else {
        auto it = last_pinned_.find(channel_);
        if (it == last_pinned_.end()) {
            note("Nothing is pinned in #" + channel_ + " from this console session.");
            co_return;
        }
        for (auto const& m : recent)
            if (m.id == it->second) target = m;
        if (!target) target = seen_message{it->second, {}, {}, {}};
        last_pinned_.erase(it);
    }
    adapters::inbound in;
    in.platform = "console";
    in.channel = {channel_, channel_};
    in.user = me();
    in.received = now_();
    in.what = adapters::reaction{"pushpin", added, target->id, target->author, target->text, target->at};
    print_handled(co_await app_.handle(std::move(in)));
}

asio::awaitable<bool> console_adapter::line(std::string text)
{
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.pop_back();
    auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) co_return true;
    text.erase(0, first);
    if (text.starts_with("#")) co_return true;
    if (!text.starts_with(":")) {
        co_await say(std::move(text), {});
        co_return true;
    }
    auto [word, rest] = split_word(std::string_view(text).substr(1));
    if (word == "quit" || word == "q" || word == "exit") co_return false;
    if (word == "help") {
        note(std::string(help_text));
    } else if (word == "as") {
        auto [name, line_text] = split_word(rest);
        name = strip(name, '@');
        if (name.empty()) {
            note("Tell me who: `:as bob`, or `:as bob /rootcause confirm #1` for one line.");
        } else if (line_text.empty()) {
            user_ = name;
        } else {
            auto saved = user_;
            user_ = name;
            co_await say(line_text, {});
            user_ = saved;
        }
    } else if (word == "in") {
        auto name = strip(split_word(rest).first, '#');
        if (name.empty()) note("Tell me which channel: `:in db-outage`.");
        else channel_ = name;
    } else if (word == "wait") {
        auto d = parse_duration(rest);
        if (!time_) note("`:wait` needs the simulated clock: start the console with `--clock simulated`.");
        else if (!d) note("Tell me how long, like `:wait 30m` or `:wait 1h30m`.");
        else {
            time_->advance(*d);
            co_await time_->moved();
        }
    } else if (word == "pin" || word == "unpin") {
        std::size_t back = 1;
        if (!rest.empty()) {
            try {
                back = static_cast<std::size_t>(std::stoul(rest));
            } catch (...) {
                back = 0;
            }
        }
        co_await pin(back, word == "pin");
    } else if (word == "deliver") {
        auto [id, line_text] = split_word(rest);
        if (id.empty() || line_text.empty()) note("Give an id and a line: `:deliver 42 /incident note hello`.");
        else co_await say(line_text, id);
    } else {
        note("I don't know `:" + word + "`; `:help` lists the console commands.");
    }
    co_return true;
}

} // namespace coolhead::console

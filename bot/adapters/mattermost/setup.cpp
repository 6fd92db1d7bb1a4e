#include "bot/adapters/mattermost/setup.hpp"

#include "bot/adapters/mattermost/rest.hpp"
#include "bot/net/https_client.hpp"

#include <nlohmann/json.hpp>

#include <boost/asio/ssl/context.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coolhead::mattermost {

namespace asio = boost::asio;

namespace {

struct command_text {
    std::string_view display_name, description, hint;
};

command_text text_for(std::string_view trigger)
{
    if (trigger == "incident") return {"Incident", "Start and run an incident call", "start <title> [sev=1..4] | status | note <text> | update <text> | help"};
    if (trigger == "rootcause") return {"Root cause", "Propose, confirm or reject a root cause", "<what you think happened> | confirm [#id] | reject [#id] <why>"};
    if (trigger == "mitigation") return {"Mitigation", "Weigh options to restore service, decide, mark done", "<option> impact=… recovery=… | veto #id <why> | choose #id | done"};
    return {"Post-mortem", "Tollgates, follow-ups and publishing the post-mortem", "tollgate <name>: <how it got past> | followup <action> owner=@user | publish"};
}

asio::awaitable<boost::system::result<net::http_response>> call(net::https_client& client, log::secret const& bearer,
                                                                 net::http_method method, std::string target, std::string body)
{
    net::http_request req;
    req.method = method;
    req.target = std::move(target);
    req.authorization = bearer;
    if (!body.empty()) req.headers.push_back({"Content-Type", "application/json"});
    req.body = std::move(body);
    co_return co_await client.request(std::move(req));
}

} // namespace

std::string manual_steps(std::string const& callback_url)
{
    std::ostringstream out;
    out << "To register the commands by hand, as a team or system admin in Mattermost:\n"
           "  1. Open Integrations > Slash Commands > Add Slash Command (enable custom slash commands in the\n"
           "     System Console under Integrations > Integration Management if the menu is missing).\n"
           "  2. Add each of these commands, with Request URL "
        << callback_url << " and Request Method POST,\n     and turn Autocomplete on:\n";
    for (auto t : triggers) {
        auto text = text_for(t);
        out << "       /" << t << "  (" << text.description << ")\n";
    }
    out << "  3. Mattermost shows a token for each command. Give them to coolhead, either in the file\n"
           "     named by mattermost.command_tokens_file as {\"incident\": \"<token>\", \"rootcause\": …}, or in\n"
           "     the environment as MATTERMOST_COMMAND_TOKENS=incident=<token>,rootcause=<token>,…\n"
           "  4. If coolhead runs on the same host or a private network, allow the callback in the System Console:\n"
           "     Environment > Developer > Allow untrusted internal connections to: the callback's host name.\n";
    return out.str();
}

asio::awaitable<setup_result> register_commands(asio::any_io_executor ex, asio::ssl::context& tls, setup_request request,
                                                log::logger_ptr log)
{
    setup_result out;
    // A named options object: GCC 12 miscompiles defaulted aggregate arguments in coroutines.
    net::https_client_options http;
    net::https_client client(ex, tls, request.server, http);
    log::secret bearer("Bearer " + request.token.reveal());

    // The team: an id as given, or looked up by name.
    std::string team_id = request.team;
    if (!is_id(team_id)) {
        auto r = co_await call(client, bearer, net::http_method::get, "/api/v4/teams/name/" + request.team, {});
        if (!r || r->status != 200) {
            out.report = "Could not find the team \"" + request.team + "\" (" +
                         (r ? "HTTP " + std::to_string(r->status) + ", " + parse_api_error(r->body).id : r.error().message()) + ").";
            co_return out;
        }
        auto j = nlohmann::json::parse(r->body, nullptr, false);
        if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) {
            out.report = "The server's answer about team \"" + request.team + "\" had no id.";
            co_return out;
        }
        team_id = j["id"].get<std::string>();
    }

    // Commands registered before (a second run) keep their tokens.
    std::map<std::string, log::secret> existing;
    if (auto r = co_await call(client, bearer, net::http_method::get, "/api/v4/commands?team_id=" + team_id + "&custom_only=true", {});
        r && r->status == 200) {
        auto j = nlohmann::json::parse(r->body, nullptr, false);
        if (j.is_array())
            for (auto const& c : j)
                if (c.is_object() && c.value("url", "") == request.callback_url && c.contains("token") && c["token"].is_string())
                    existing[c.value("trigger", "")] = log::secret(c["token"].get<std::string>());
    }

    std::ostringstream report;
    for (auto t : triggers) {
        auto trigger = std::string(t);
        if (auto it = existing.find(trigger); it != existing.end()) {
            out.tokens[trigger] = it->second;
            report << "/" << trigger << ": already registered for " << request.callback_url << "; keeping its token.\n";
            continue;
        }
        auto text = text_for(t);
        auto body = register_command_body(command_registration{team_id, trigger, request.callback_url, std::string(text.display_name),
                                                               std::string(text.description), std::string(text.description),
                                                               std::string(text.hint)});
        if (!body.ok()) {
            out.report = report.str() + "/" + trigger + ": " + body.problem + "\n";
            co_return out;
        }
        auto r = co_await call(client, bearer, net::http_method::post, std::string(commands_path), body.json);
        if (!r) {
            out.report = report.str() + "/" + trigger + ": the server could not be reached: " + r.error().message() + "\n";
            co_return out;
        }
        if (r->status == 403 || r->status == 401) {
            out.report = report.str() + "The token may not register slash commands (it needs manage_slash_commands on the team).\n\n" +
                         manual_steps(request.callback_url);
            co_return out;
        }
        if (r->status != 201 && r->status != 200) {
            auto e = parse_api_error(r->body);
            out.report = report.str() + "/" + trigger + ": the server refused it (HTTP " + std::to_string(r->status) + ", " + e.id +
                         "). A command with this trigger may already exist for another URL; remove it or register by hand.\n\n" +
                         manual_steps(request.callback_url);
            co_return out;
        }
        auto created = parse_registered_command(r->body);
        if (!created.ok()) {
            out.report = report.str() + "/" + trigger + ": the server's answer had no token.\n";
            co_return out;
        }
        out.tokens[trigger] = created.token;
        report << "/" << trigger << ": registered.\n";
        log->info("event=mattermost_command_registered trigger={}", trigger);
    }
    out.ok = true;
    out.report = report.str();
    co_return out;
}

std::optional<std::string> write_tokens_file(std::filesystem::path const& path, std::map<std::string, log::secret> const& tokens)
{
    nlohmann::json j = nlohmann::json::object();
    for (auto const& [trigger, token] : tokens) j[trigger] = token.reveal();
    auto text = j.dump(2) + "\n";
    auto tmp = path;
    tmp += ".tmp";
    // Owner-only from the first byte, then an atomic rename.
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return path.string() + ": cannot write it: " + std::strerror(errno);
    ::fchmod(fd, 0600);
    auto n = ::write(fd, text.data(), text.size());
    bool ok = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return path.string() + ": cannot write it: " + std::strerror(errno);
    }
    return std::nullopt;
}

tokens_result read_tokens_file(std::filesystem::path const& path)
{
    tokens_result out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.error = path.string() + ": cannot read it (run `coolhead mattermost setup`, or set MATTERMOST_COMMAND_TOKENS)";
        return out;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (!j.is_object()) {
        out.error = path.string() + ": expected a JSON object from trigger to token";
        return out;
    }
    for (auto const& [trigger, token] : j.items()) {
        if (!token.is_string() || token.get<std::string>().empty()) {
            out.error = path.string() + ": " + trigger + ": expected a token string";
            return out;
        }
        out.tokens[trigger] = log::secret(token.get<std::string>());
    }
    return out;
}

tokens_result parse_tokens_variable(std::string_view value)
{
    tokens_result out;
    while (!value.empty()) {
        auto comma = value.find(',');
        auto item = value.substr(0, comma);
        value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
        if (item.empty()) continue;
        auto eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
            out.error = "MATTERMOST_COMMAND_TOKENS: expected trigger=token pairs separated by commas";
            return out;
        }
        out.tokens[std::string(item.substr(0, eq))] = log::secret(std::string(item.substr(eq + 1)));
    }
    return out;
}

} // namespace coolhead::mattermost

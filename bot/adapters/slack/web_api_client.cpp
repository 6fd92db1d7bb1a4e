#include "bot/adapters/slack/web_api_client.hpp"

#include <boost/asio/ssl/context.hpp>

namespace coolhead::slack {

namespace asio = boost::asio;

web_api_client::web_api_client(asio::any_io_executor ex, asio::ssl::context& tls, net::endpoint base,
                               log::secret app_token, log::secret bot_token, net::https_client_options http,
                               log::logger_ptr log)
    : poster_(ex, tls, base, http), lookups_(ex, tls, base, http), app_auth_("Bearer " + app_token.reveal()),
      bot_auth_("Bearer " + bot_token.reveal()), log_(std::move(log))
{
}

asio::awaitable<call_result> web_api_client::run(net::https_client& client, net::http_request req,
                                                 std::string_view what)
{
    call_result out;
    auto r = co_await client.request(std::move(req));
    if (!r) {
        log_->warn("event=web_api_failed method={} error=\"{}\"", what, r.error().message());
        co_return out;
    }
    out.transport_ok = true;
    out.http_status = r->status;
    out.body = std::move(r->body);
    if (out.http_status == 429) {
        out.retry_after = retry_after(r->header("Retry-After").value_or(""));
        out.status.error = "ratelimited";
        log_->warn("event=web_api_rate_limited method={} retry_after_ms={}", what, out.retry_after.count());
        co_return out;
    }
    out.status = parse_status(out.body);
    if (!out.status.ok) {
        if (out.rate_limited()) out.retry_after = retry_after(r->header("Retry-After").value_or(""));
        log_->warn("event=web_api_error method={} http_status={} error={}{}", what, out.http_status,
                   out.status.error,
                   out.status.needed.empty() ? std::string{} : " needed=" + out.status.needed);
    } else if (!out.status.warning.empty()) {
        log_->info("event=web_api_warning method={} warning={}", what, out.status.warning);
    }
    co_return out;
}

asio::awaitable<call_result> web_api_client::post(std::string method, std::string json_body)
{
    net::http_request req;
    req.method = net::http_method::post;
    req.target = method;
    req.headers.push_back({"Content-Type", "application/json; charset=utf-8"});
    req.authorization = bot_auth_;
    req.body = std::move(json_body);
    co_return co_await run(poster_, std::move(req), method);
}

asio::awaitable<call_result> web_api_client::get(std::string target)
{
    auto method = target.substr(0, target.find('?'));
    net::http_request req;
    req.method = net::http_method::get;
    req.target = std::move(target);
    req.authorization = bot_auth_;
    co_return co_await run(lookups_, std::move(req), method);
}

asio::awaitable<call_result> web_api_client::open_connection()
{
    net::http_request req;
    req.method = net::http_method::post;
    req.target = "apps.connections.open";
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    req.authorization = app_auth_;
    co_return co_await run(lookups_, std::move(req), "apps.connections.open");
}

void web_api_client::learn_name(std::string const& user_id, std::string const& name)
{
    if (user_id.empty() || name.empty() || names_.contains(user_id)) return;
    names_[user_id] = {name, std::chrono::steady_clock::now()};
}

asio::awaitable<std::string> web_api_client::user_name(std::string user_id)
{
    auto now = std::chrono::steady_clock::now();
    if (auto it = names_.find(user_id); it != names_.end() && now - it->second.at < name_ttl)
        co_return it->second.name;
    auto r = co_await get(users_info_target(user_id));
    if (r.transport_ok && r.status.ok) {
        auto info = parse_user_info(r.body);
        if (info.status.ok) {
            auto name = best_name(info);
            names_[user_id] = {name, now};
            co_return name;
        }
    }
    if (r.transport_ok && classify_error(r.status.error) == error_kind::rejected &&
        !names_.contains(user_id)) {
        // user_not_found and the like will not change soon: the id is the name until the entry
        // expires, so each message from this user does not ask again.
        names_[user_id] = {user_id, now};
        co_return user_id;
    }
    // Keep a stale name rather than none; else fall back to the id.
    if (auto it = names_.find(user_id); it != names_.end()) co_return it->second.name;
    co_return user_id;
}

} // namespace coolhead::slack

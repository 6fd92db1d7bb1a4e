#include "bot/net/endpoint.hpp"
#include "bot/net/error.hpp"

#include <gtest/gtest.h>

namespace net = coolhead::net;

TEST(endpoint, an_https_url_parses_into_host_default_port_and_target)
{
    auto ep = net::parse_endpoint("https://Slack.com/api/apps.connections.open?x=1#frag");
    ASSERT_TRUE(ep) << ep.error().message();
    EXPECT_EQ(ep->scheme, net::scheme::https);
    EXPECT_EQ(ep->host, "slack.com");
    EXPECT_EQ(ep->port, 443);
    EXPECT_EQ(ep->target, "/api/apps.connections.open?x=1");
    EXPECT_TRUE(ep->tls());
    EXPECT_EQ(ep->host_header(), "slack.com");
}

TEST(endpoint, a_wss_url_keeps_its_query_and_an_explicit_port)
{
    auto ep = net::parse_endpoint("wss://wss-primary.slack.com:8443/link/?ticket=abc&app_id=A1");
    ASSERT_TRUE(ep);
    EXPECT_EQ(ep->scheme, net::scheme::wss);
    EXPECT_EQ(ep->port, 8443);
    EXPECT_EQ(ep->target, "/link/?ticket=abc&app_id=A1");
    EXPECT_EQ(ep->host_header(), "wss-primary.slack.com:8443");
}

TEST(endpoint, an_empty_path_becomes_slash)
{
    auto ep = net::parse_endpoint("https://mm.example.com");
    ASSERT_TRUE(ep);
    EXPECT_EQ(ep->target, "/");
}

TEST(endpoint, plain_http_and_ws_are_accepted_for_loopback_hosts)
{
    for (auto url : {"http://127.0.0.1:8080/api/", "ws://localhost/ws", "http://LOCALHOST:1/", "ws://[::1]:9000/x",
                     "http://127.255.0.1/"}) {
        auto ep = net::parse_endpoint(url);
        ASSERT_TRUE(ep) << url << ": " << ep.error().message();
        EXPECT_FALSE(ep->tls()) << url;
    }
    auto v6 = net::parse_endpoint("ws://[::1]:9000/x");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->host_header(), "[::1]:9000");
}

TEST(endpoint, plain_http_and_ws_are_refused_for_other_hosts)
{
    for (auto url : {"http://slack.com/api/", "ws://mm.example.com/api/v4/websocket", "http://10.0.0.1/",
                     "http://128.0.0.1/", "ws://localhost.example.com/", "http://[::2]/"}) {
        auto ep = net::parse_endpoint(url);
        ASSERT_FALSE(ep) << url;
        EXPECT_EQ(ep.error(), net::errc::tls_required) << url;
    }
}

TEST(endpoint, other_schemes_are_refused)
{
    auto ep = net::parse_endpoint("ftp://example.com/");
    ASSERT_FALSE(ep);
    EXPECT_EQ(ep.error(), net::errc::unsupported_scheme);
}

TEST(endpoint, credentials_in_the_url_are_refused)
{
    auto ep = net::parse_endpoint("https://user:xoxb-secret@slack.com/api/");
    ASSERT_FALSE(ep);
    EXPECT_EQ(ep.error(), net::errc::credentials_in_url);
}

TEST(endpoint, malformed_urls_are_refused)
{
    for (auto url : {"", "not a url", "slack.com/api", "https://", "https://:443/", "https://host:99999/",
                     "https://host:0/", "https://ho%20st/", "/relative/path"}) {
        auto ep = net::parse_endpoint(url);
        ASSERT_FALSE(ep) << url;
        EXPECT_EQ(ep.error(), net::errc::invalid_url) << url;
    }
}

TEST(endpoint, a_method_name_joins_the_api_base)
{
    auto base = net::parse_endpoint("https://slack.com/api/");
    ASSERT_TRUE(base);
    auto ep = net::join(*base, "chat.postMessage");
    ASSERT_TRUE(ep);
    EXPECT_EQ(ep->host, "slack.com");
    EXPECT_EQ(ep->target, "/api/chat.postMessage");

    auto with_query = net::join(*base, "users.info?user=U1");
    ASSERT_TRUE(with_query);
    EXPECT_EQ(with_query->target, "/api/users.info?user=U1");

    auto absolute_path = net::join(*base, "/api/v4/posts");
    ASSERT_TRUE(absolute_path);
    EXPECT_EQ(absolute_path->target, "/api/v4/posts");
}

TEST(endpoint, a_join_cannot_leave_the_base_origin)
{
    auto base = net::parse_endpoint("https://slack.com/api/");
    ASSERT_TRUE(base);
    for (auto ref : {"//evil.example/x", "https://evil.example/", "http:x"}) {
        auto ep = net::join(*base, ref);
        ASSERT_FALSE(ep) << ref;
        EXPECT_EQ(ep.error(), net::errc::invalid_target) << ref;
    }
}

TEST(endpoint, loopback_hosts_are_recognised)
{
    EXPECT_TRUE(net::is_loopback_host("localhost"));
    EXPECT_TRUE(net::is_loopback_host("LocalHost"));
    EXPECT_TRUE(net::is_loopback_host("127.0.0.1"));
    EXPECT_TRUE(net::is_loopback_host("127.1.2.3"));
    EXPECT_TRUE(net::is_loopback_host("::1"));
    EXPECT_TRUE(net::is_loopback_host("[::1]"));
    EXPECT_FALSE(net::is_loopback_host("128.0.0.1"));
    EXPECT_FALSE(net::is_loopback_host("localhost.example.com"));
    EXPECT_FALSE(net::is_loopback_host("::2"));
    EXPECT_FALSE(net::is_loopback_host(""));
}

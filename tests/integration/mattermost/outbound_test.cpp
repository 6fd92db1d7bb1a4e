// What the Mattermost adapter posts: per-channel order through the outbox, 429s with
// X-Ratelimit-Reset, splitting under the post limit, private messages as DMs, mention safety;
// then the shipped drill as a whole incident call through the fake Mattermost, and the same
// drill's post-mortem compared with the console's. PROTOCOLS.md section 4, items 9, 12, 20, 23,
// 25.
#include "tests/integration/mattermost/mattermost_harness.hpp"
#include "tests/support/drill_script.hpp"
#include "tests/support/wait.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace coolhead::mattermost_it {
namespace {

using testing::command_result;
using testing::fake_mattermost;
using testing::mattermost_post;
using coolhead::test::wait_until;
using std::chrono::duration_cast;

commands::outbound notice(std::string const& channel, std::string const& text)
{
    commands::outbound m;
    m.channel = {channel, ""};
    m.to = commands::visibility::everyone;
    m.kind = commands::message_kind::announcement;
    m.body = commands::markup::document{{commands::markup::paragraph{{commands::markup::t(text)}}}};
    return m;
}

std::vector<std::string> messages(std::vector<mattermost_post> const& ps)
{
    std::vector<std::string> out;
    for (auto const& p : ps) out.push_back(p.message);
    return out;
}

template <class E>
std::size_t count_events(std::vector<commands::event> const& events)
{
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [](auto const& e) { return std::holds_alternative<E>(e.what); }));
}

std::size_t runes(std::string_view s)
{
    std::size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

// ---- the drill ---------------------------------------------------------------------------------

/// One step of a console drill script, as played through the fake Mattermost.
struct step {
    std::string who;
    std::string line;
    command_result answer; ///< for slash commands
};

struct drill_run {
    std::vector<step> steps;
    std::size_t reminders = 0;
};

/// Plays a console drill script (`:as NAME [line]`, `:wait D`, `:pin`, slash commands and
/// messages) through the fake as the named people: commands with invoke_command, messages with
/// post_message (waiting until the app has them, so the order is the script's), `:pin` as a 📌
/// from the current speaker on the channel's last message, `:wait` on the simulated clock.
drill_run play(harness& h, std::string const& script)
{
    drill_run run;
    std::optional<mattermost_post> last_message;
    for (auto const& d : test::read_drill(script)) {
        auto const& who = d.who;
        if (d.what == test::drill_step::kind::wait) {
            run.reminders += h.advance(d.wait);
            continue;
        }
        if (d.what == test::drill_step::kind::pin) {
            if (!last_message) throw std::runtime_error("nothing to pin");
            auto before = h.deliveries("reaction").size();
            h.mm.add_reaction(h.mm.user_id(who), last_message->id, "pushpin");
            if (!h.wait_for_deliveries("reaction", before + 1)) throw std::runtime_error("the pin did not reach the app");
            continue;
        }
        step s{who, d.line, {}};
        if (d.what == test::drill_step::kind::command) {
            s.answer = h.command(h.mm.user_id(who), d.command, d.text);
            if (s.answer.status != 200) throw std::runtime_error("no answer to " + d.line + ": " + s.answer.error);
        } else {
            auto p = h.mm.post_message(h.mm.incident_channel(), h.mm.user_id(who), d.text);
            if (!wait_until([&] {
                    for (auto const& del : h.deliveries())
                        if (del.delivery_id == "post:" + p.id) return true;
                    return false;
                }))
                throw std::runtime_error("the message did not reach the app: " + d.line);
            last_message = p;
        }
        run.steps.push_back(std::move(s));
    }
    return run;
}


/// The published post-mortem's posts (from its heading to the end of the post-mortem), joined.
std::string published_post_mortem(fake_mattermost const& mm)
{
    std::string out;
    bool in = false;
    for (auto const& p : mm.bot_posts(mm.incident_channel())) {
        if (!in && plain(p.message).starts_with("Post-mortem: INC-1")) in = true;
        else if (in && !p.message.empty() && plain(p.message).find("INC-1 is closed") != std::string::npos) break;
        if (in) out += p.message + "\n";
    }
    return out;
}

} // namespace

// Checklist 12, 20: posts leave in the order queued per channel; a 429 with X-Ratelimit-Reset
// (no Retry-After) holds the channel's lane until the reset and the same post goes again.
TEST(mattermost_rest, posts_keep_their_order_and_a_429_is_honoured_until_the_reset)
{
    harness h;
    auto const ch = h.mm.incident_channel();
    h.mm.rate_limit_next("/api/v4/posts", 1, 1s);
    h.post(notice(ch, "b1"));
    h.post(notice(ch, "b2"));
    h.post(notice(ch, "b3"));
    ASSERT_TRUE(h.mm.wait_for_bot_posts(ch, 3, 5s));
    EXPECT_EQ(messages(h.mm.bot_posts(ch)), (std::vector<std::string>{"b1", "b2", "b3"}));
    auto calls = h.mm.requests("/api/v4/posts");
    ASSERT_EQ(calls.size(), 4u);
    EXPECT_EQ(calls[0].scripted, "rate_limit");
    EXPECT_EQ(calls[0].status, 429u);
    EXPECT_FALSE(calls[0].header("Retry-After")) << "only X-Ratelimit-* was sent";
    EXPECT_GE(duration_cast<milliseconds>(calls[1].received_at - calls[0].received_at), 950ms) << "not before the reset";
    EXPECT_NE(calls[1].body.find("b1"), std::string::npos) << "the same post again first";
    EXPECT_TRUE(h.wait_for_log("event=mattermost_rate_limited path=/api/v4/posts retry_after_ms=1000"));

    // A transient 500 is retried; a 403 in a private channel the bot is not in is dropped with
    // a hint; order stays.
    std::string const secret_room = "fakechannelprivate00000001";
    h.mm.add_channel({secret_room, "secret-room", "Secret room", 'P', "", false});
    h.mm.fail_next("/api/v4/posts", 1, 500);
    h.post(notice(ch, "c1"));
    h.post(notice(secret_room, "never"));
    h.post(notice(ch, "c2"));
    ASSERT_TRUE(h.mm.wait_for_bot_posts(ch, 5, 5s));
    EXPECT_EQ(messages(h.mm.bot_posts(ch)), (std::vector<std::string>{"b1", "b2", "b3", "c1", "c2"}));
    EXPECT_TRUE(h.wait_for_log("event=mattermost_post_rejected channel=" + secret_room));
    EXPECT_EQ(h.log_count("event=mattermost_join_failed channel=" + secret_room + " status=403"), 1u);
    for (auto const& c : h.mm.requests("/api/v4/posts")) EXPECT_EQ(c.auth, testing::auth_check::ok);
}

// Checklist 20: a command in a public channel nobody added the bot to still gets its prompts:
// the bot adds itself (POST /channels/{id}/members) and posts again, once per channel.
TEST(mattermost_rest, the_bot_joins_a_public_channel_it_is_not_in)
{
    harness h;
    auto const town = h.mm.options().channels[1].id; // public, the bot is not a member
    h.post(notice(town, "prompt one"));
    h.post(notice(town, "prompt two"));
    ASSERT_TRUE(h.mm.wait_for_bot_posts(town, 2, 5s));
    EXPECT_EQ(messages(h.mm.bot_posts(town)), (std::vector<std::string>{"prompt one", "prompt two"}));
    auto joins = h.mm.requests("/api/v4/channels/" + town + "/members");
    ASSERT_EQ(joins.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(joins[0].body), (nlohmann::json{{"user_id", h.mm.bot()}}));
    EXPECT_EQ(joins[0].auth, testing::auth_check::ok);
    EXPECT_EQ(h.log_count("event=mattermost_joined_channel channel=" + town), 1u);
}

// Checklist 25: a message longer than a post is split on line boundaries into posts under
// 16,383 runes (4,000 when so configured, for old servers), each accepted, in order, and
// together saying everything.
TEST(mattermost_rest, long_messages_are_split_under_the_post_limit)
{
    for (std::size_t limit : {std::size_t{16383}, std::size_t{4000}}) {
        SCOPED_TRACE(limit);
        tuning t;
        t.message_limit = limit;
        auto fake = fast_fake();
        fake.message_max_runes = limit;
        harness h(t, fake);
        commands::outbound m = notice(h.mm.incident_channel(), "");
        m.body.blocks.clear();
        for (int i = 0; i < 400; ++i)
            m.body.blocks.push_back(commands::markup::paragraph{
                {commands::markup::t("line " + std::to_string(i) + ": ünïcödé ✓ and some words to make it longer, ✓✓✓ ")}});
        h.post(m);
        h.post(notice(h.mm.incident_channel(), "after"));
        ASSERT_TRUE(wait_until([&] {
            auto ps = h.mm.bot_posts(h.mm.incident_channel());
            return !ps.empty() && ps.back().message == "after";
        }));
        auto posts = h.mm.bot_posts(h.mm.incident_channel());
        ASSERT_GE(posts.size(), 3u);
        std::string all;
        for (std::size_t i = 0; i + 1 < posts.size(); ++i) {
            EXPECT_LE(runes(posts[i].message), limit);
            all += posts[i].message + "\n";
        }
        for (auto const& a : h.mm.post_attempts()) EXPECT_TRUE(a.ok()) << a.error_id << " " << a.runes;
        auto text = plain(all);
        std::size_t at = 0;
        for (int i = 0; i < 400; ++i) {
            auto found = text.find("line " + std::to_string(i) + ": ", at);
            ASSERT_NE(found, std::string::npos) << i;
            at = found;
        }
    }
}

// Bots can't post ephemerals over REST: a private message that is not a command reply is a DM
// (POST /api/v4/channels/direct, then the post), without holding up the channel.
TEST(mattermost_rest, a_private_message_outside_a_command_reply_arrives_as_a_dm)
{
    harness h;
    auto m = notice(h.mm.incident_channel(), "just for bob");
    m.to = commands::visibility::one_user;
    m.user = {h.mm.bob(), "bob"};
    h.post(m);
    h.post(notice(h.mm.incident_channel(), "for everyone"));
    ASSERT_TRUE(h.mm.wait_for_bot_posts(h.dm_channel(h.mm.bob()), 1));
    ASSERT_TRUE(h.mm.wait_for_bot_posts(h.mm.incident_channel(), 1));
    EXPECT_EQ(h.mm.bot_posts(h.dm_channel(h.mm.bob())).at(0).message, "just for bob");
    EXPECT_EQ(messages(h.mm.bot_posts(h.mm.incident_channel())), (std::vector<std::string>{"for everyone"}));
    auto direct = h.mm.requests("/api/v4/channels/direct");
    ASSERT_EQ(direct.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(direct[0].body), (nlohmann::json::array({h.mm.bot(), h.mm.bob()})));
    h.post(m);
    ASSERT_TRUE(h.mm.wait_for_bot_posts(h.dm_channel(h.mm.bob()), 2));
    EXPECT_EQ(h.mm.requests("/api/v4/channels/direct").size(), 1u) << "the DM channel is remembered";
}

// Checklist 22, 23: text users typed with mass mentions, Slack markup and links is never
// posted or answered as a mention or a link: no `@channel`/`@here`/`@all` outside a code span,
// no raw `<`, no `](`; every answer carries skip_slack_parsing.
TEST(mattermost_rest, user_text_never_becomes_a_mention_or_a_link)
{
    harness h;
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    std::string const evil = "@channel @here @all <!channel> <!everyone> [x](http://evil) ![i](http://evil/i.png) &#64;here \\@all";
    std::vector<command_result> answers;
    answers.push_back(h.command(h.mm.alice(), "/incident", "start " + evil));
    answers.push_back(h.command(h.mm.alice(), "/incident", "note " + evil));
    answers.push_back(h.command(h.mm.bob(), "/rootcause", evil));
    answers.push_back(h.command(h.mm.alice(), "/incident", "breakout " + evil + " @bob"));
    answers.push_back(h.command(h.mm.alice(), "/incident", "frobnicate " + evil));
    answers.push_back(h.command(h.mm.alice(), "/postmortem", ""));
    auto p = h.mm.post_message(h.mm.incident_channel(), h.mm.bob(), evil);
    h.serve_post(p);
    h.mm.add_reaction(h.mm.alice(), p.id, "pushpin");
    ASSERT_TRUE(h.wait_for_deliveries("reaction", 1));
    answers.push_back(h.command(h.mm.alice(), "/postmortem", ""));
    h.post(notice(h.mm.incident_channel(), evil));
    ASSERT_TRUE(wait_until([&] {
        auto ps = h.mm.bot_posts(h.mm.incident_channel());
        return !ps.empty() && ps.back().message.find("evil") != std::string::npos && ps.back().message.find("channel") != std::string::npos;
    }));

    std::vector<std::string> const people{"alice", "bob", "carol", "dana", "erin"};
    std::size_t checked = 0;
    for (auto const& a : answers) {
        ASSERT_EQ(a.status, 200u) << a.body;
        EXPECT_TRUE(a.skip_slack_parsing) << a.body;
        for (auto const& text : answer_texts(a)) {
            ++checked;
            EXPECT_EQ(unsafe_mention(text, people), std::nullopt) << text;
        }
    }
    for (auto const& sent : h.mm.post_attempts()) {
        ++checked;
        EXPECT_EQ(unsafe_mention(sent.message, people), std::nullopt) << sent.message;
    }
    EXPECT_GE(checked, 8u);
    // And the user's text is still there to read.
    EXPECT_NE(plain(answers[1].text).find("[x](http://evil)"), std::string::npos) << answers[1].text;
}

// The shipped drill as a whole incident call through the fake Mattermost, as five people:
// every command answered (in time, in JSON, of the right type), the channel's posts in order
// after what caused them, pings only where meant, nothing unsafe, and the whole call stored.
TEST(mattermost_call, the_shipped_drill_runs_from_start_to_a_published_post_mortem)
{
    auto fake = fast_fake();
    fake.channels[0].name = "ops";
    harness h({}, fake);
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    auto run = play(h, test::read_text_file(test::shipped_drill_path()));
    h.post(notice(h.mm.incident_channel(), "end of call"));
    ASSERT_TRUE(wait_until(
        [&] {
            auto ps = h.mm.bot_posts(h.mm.incident_channel());
            return !ps.empty() && ps.back().message == "end of call";
        },
        10s));

    auto find = [&](std::string const& line) -> step const& {
        for (auto const& s : run.steps)
            if (s.line == line) return s;
        throw std::runtime_error("no step " + line);
    };
    std::size_t commands_seen = 0;
    for (auto const& s : run.steps) {
        if (!s.line.starts_with("/")) continue;
        ++commands_seen;
        EXPECT_EQ(s.answer.status, 200u) << s.line;
        EXPECT_LT(s.answer.elapsed, 2s) << s.line;
        EXPECT_TRUE(s.answer.skip_slack_parsing) << s.line;
        EXPECT_FALSE(s.answer.text.empty()) << s.line;
    }
    EXPECT_EQ(commands_seen, 24u);
    EXPECT_EQ(find("/rootcause confirm #2").answer.response_type, "ephemeral") << "Bob can't confirm his own hypothesis";
    EXPECT_EQ(find("/postmortem publish").answer.response_type, "in_channel");
    EXPECT_NE(find("/incident start Checkout fails for EU customers sev=2 reporter=@dana").answer.text.find("**INC\\-1** declared"),
              std::string::npos);
    EXPECT_GE(run.reminders, 1u) << "reminders fired as time passed";

    // The channel's story, in order.
    auto posts = h.mm.bot_posts(h.mm.incident_channel());
    std::vector<std::string> story{"Discovery:", "A root cause 3m into the call", "Mitigation:", "a stakeholder update for INC-1 is due",
                                   "Post-mortem: service is restored", "Post-mortem: INC-1", "INC-1 is closed", "end of call"};
    std::size_t next = 0;
    for (auto const& p : posts) {
        if (next < story.size() && plain(p.message).find(story[next]) != std::string::npos) ++next;
        EXPECT_EQ(unsafe_mention(p.message, {"carol", "bob", "erin", "alice", "dana"}), std::nullopt) << p.message;
        EXPECT_LE(runes(p.message), 16383u);
    }
    EXPECT_EQ(next, story.size()) << "missing or out of order: " << (next < story.size() ? story[next] : "");
    for (auto i = 1u; i < posts.size(); ++i) EXPECT_LE(posts[i - 1].create_at, posts[i].create_at);
    // Checklist 12, 24: no response_url is used and no ephemeral is posted over REST (a bot may
    // not): private answers are ephemeral command responses, private prompts DMs.
    EXPECT_TRUE(h.mm.response_url_calls().empty());
    EXPECT_TRUE(h.mm.requests("/api/v4/posts/ephemeral").empty());
    for (auto const& e : h.mm.ephemerals()) EXPECT_EQ(e.via, "command_response");
    // Erin's blame: one private nudge, as a DM; Bob's own confirmation: refused privately.
    auto erin_dm = h.mm.bot_posts(h.dm_channel(h.mm.user_id("erin")));
    ASSERT_EQ(erin_dm.size(), 1u);
    EXPECT_NE(plain(erin_dm[0].message).find("A gentle nudge"), std::string::npos) << erin_dm[0].message;
    auto pm = plain(published_post_mortem(h.mm));
    for (std::string_view part : {"roll back the 02:55 config push", "connection pool exhausted on checkout-db", "OPS-101", "OPS-102",
                                  "Route config pushes through UAT", "Error rate on /pay jumped to 30% at 02:58"})
        EXPECT_NE(pm.find(part), std::string::npos) << part;

    // The stored state: the whole call.
    auto events = h.events(1);
    EXPECT_EQ(count_events<commands::incident_started>(events), 1u);
    EXPECT_EQ(count_events<commands::message_pinned>(events), 1u);
    EXPECT_EQ(count_events<commands::hypothesis_proposed>(events), 2u);
    EXPECT_EQ(count_events<commands::hypothesis_rejected>(events), 1u);
    EXPECT_EQ(count_events<commands::hypothesis_confirmed>(events), 1u);
    EXPECT_EQ(count_events<commands::option_proposed>(events), 2u);
    EXPECT_EQ(count_events<commands::option_vetoed>(events), 1u);
    EXPECT_EQ(count_events<commands::option_chosen>(events), 1u);
    EXPECT_EQ(count_events<commands::mitigation_completed>(events), 1u);
    EXPECT_EQ(count_events<commands::tollgate_recorded>(events), 3u);
    EXPECT_EQ(count_events<commands::followup_added>(events), 3u);
    EXPECT_EQ(count_events<commands::incident_closed>(events), 1u);
    for (auto const& e : events)
        if (auto const* st = std::get_if<commands::incident_started>(&e.what)) {
            EXPECT_EQ(st->reporter.name, "dana");
            EXPECT_EQ(e.by.id, h.mm.alice());
        } else if (auto const* p = std::get_if<commands::message_pinned>(&e.what)) {
            EXPECT_EQ(p->author.id, h.mm.bob());
            EXPECT_EQ(p->text, "Error rate on /pay jumped to 30% at 02:58, only in eu-west");
        }
}

// The same drill gives the same post-mortem on the console and on Mattermost, apart from
// markup: the real `coolhead console` plays the script, and its published post-mortem and the
// one posted to the fake Mattermost are compared line by line after stripping markup.
TEST(mattermost_call, the_drill_gives_the_same_post_mortem_as_the_console)
{
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("coolhead-mm-drill-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    auto out_file = dir / "console.out";
    auto cmd = std::string(COOLHEAD_BINARY_DIR) + "/coolhead console --clock simulated --start 2026-11-23T03:00:00Z --store '" +
               (dir / "drill.db").string() + "' --as alice --channel ops < '" + test::shipped_drill_path() + "' > '" + out_file.string() + "' 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto console = test::console_post_mortem(test::read_text_file(out_file.string()));
    std::filesystem::remove_all(dir);
    ASSERT_FALSE(console.empty()) << "the console published no post-mortem";

    auto fake = fast_fake();
    fake.channels[0].name = "ops";
    harness h({}, fake);
    ASSERT_TRUE(h.mm.wait_for_connections(1));
    play(h, test::read_text_file(test::shipped_drill_path()));
    ASSERT_TRUE(wait_until([&] { return plain(published_post_mortem(h.mm)).find("Total:") != std::string::npos; }, 10s))
        << published_post_mortem(h.mm) << "\n--- console ---\n" << console;
    auto mattermost = published_post_mortem(h.mm);

    auto a = plain(console), b = plain(mattermost);
    std::istringstream sa(a), sb(b);
    std::string la, lb;
    std::size_t n = 0;
    while (true) {
        bool ga = static_cast<bool>(std::getline(sa, la)), gb = static_cast<bool>(std::getline(sb, lb));
        if (!ga && !gb) break;
        ++n;
        ASSERT_EQ(ga ? la : "(end)", gb ? lb : "(end)") << "line " << n << "\n--- console ---\n" << console << "\n--- mattermost ---\n"
                                                        << mattermost;
    }
    EXPECT_GE(n, 20u);
}

} // namespace coolhead::mattermost_it

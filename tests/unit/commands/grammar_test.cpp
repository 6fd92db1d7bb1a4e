#include "commands/grammar.hpp"

#include <gtest/gtest.h>

namespace coolhead::commands {
namespace {

template <class T>
T as(parse_result const& r)
{
    EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().message + " [" + r.error().input + "]");
    if (!r.has_value()) return T{};
    EXPECT_TRUE(std::holds_alternative<T>(*r)) << "parsed to another command (index " << r->index() << ")";
    return std::holds_alternative<T>(*r) ? std::get<T>(*r) : T{};
}

parse_result inc(std::string_view s, dialect d = dialect::console) { return parse(family::incident, s, d); }
parse_result rc(std::string_view s, dialect d = dialect::console) { return parse(family::rootcause, s, d); }
parse_result mit(std::string_view s, dialect d = dialect::console) { return parse(family::mitigation, s, d); }
parse_result pm(std::string_view s, dialect d = dialect::console) { return parse(family::postmortem, s, d); }

TEST(grammar, start_takes_a_title_and_optional_severity_and_reporter)
{
    auto s = as<start_incident>(inc("start Checkout fails for EU customers sev=2 reporter=@dana"));
    EXPECT_EQ(s.title, "Checkout fails for EU customers");
    EXPECT_EQ(s.severity, 2);
    ASSERT_TRUE(s.reporter);
    EXPECT_EQ(s.reporter->name, "dana");

    auto d = as<start_incident>(inc("start DB latency"));
    EXPECT_EQ(d.severity, 3) << "severity defaults to 3";
    EXPECT_FALSE(d.reporter);

    EXPECT_EQ(as<start_incident>(inc("start severity=SEV1 x")).severity, 1);
    EXPECT_EQ(as<start_incident>(inc("start sev=\"4\" x")).severity, 4);
}

TEST(grammar, start_refuses_a_missing_title_and_a_severity_out_of_range)
{
    EXPECT_FALSE(inc("start"));
    EXPECT_FALSE(inc("start sev=2"));
    auto r = inc("start Outage sev=7");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().input, "sev=7");
    EXPECT_EQ(r.error().usage, "/incident start <title> [sev=1..4] [reporter=@user]");
    EXPECT_FALSE(inc("start Outage sev=0"));
    EXPECT_FALSE(inc("start Outage reporter=dana")) << "reporter takes a mention";
}

TEST(grammar, a_misspelt_option_is_an_error_not_part_of_the_title)
{
    auto r = inc("start Outage sevrity=2");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().suggestion, "severity=");
    // A key=value that is nothing like an option stays text.
    EXPECT_EQ(as<start_incident>(inc("start mode=readonly broke writes")).title, "mode=readonly broke writes");
}

TEST(grammar, quoting_keeps_words_together_and_strips_a_lone_pair)
{
    EXPECT_EQ(as<start_incident>(inc("start \"DB outage\" sev=1")).title, "DB outage");
    // Phones and Slack turn straight quotes into curly ones.
    EXPECT_EQ(as<start_incident>(inc("start \xE2\x80\x9C" "DB outage\xE2\x80\x9D sev=1")).title, "DB outage");
    // Quotes inside a longer text are the user's own and stay.
    EXPECT_EQ(as<propose_rootcause>(rc("the \"primary\" flapped")).text, "the \"primary\" flapped");
    auto o = as<propose_option>(mit("Roll back config impact=\"5 min of failed checkouts\" recovery=10m"));
    EXPECT_EQ(o.text, "Roll back config");
    EXPECT_EQ(o.impact, "5 min of failed checkouts");
    EXPECT_EQ(o.recovery, "10m");
}

TEST(grammar, line_breaks_in_free_text_survive)
{
    EXPECT_EQ(as<add_note>(inc("note first line\nsecond line")).text, "first line\nsecond line");
    EXPECT_EQ(as<add_note>(inc("note   spaced    out")).text, "spaced out");
}

TEST(grammar, mentions_are_normalised_for_each_platform)
{
    auto slack = as<assign_role>(inc("lead <@U123|alice>", dialect::slack));
    EXPECT_EQ(slack.what, role::lead);
    EXPECT_EQ(slack.user.id, "U123");
    EXPECT_EQ(slack.user.name, "alice");
    EXPECT_EQ(as<assign_role>(inc("lead <@U123>", dialect::slack)).user.id, "U123");

    auto mm = as<assign_role>(inc("role comms @carol.smith", dialect::mattermost));
    EXPECT_EQ(mm.what, role::comms);
    EXPECT_EQ(mm.user.name, "carol.smith");
    EXPECT_TRUE(mm.user.id.empty());

    auto console = as<assign_role>(inc("role sme @bob"));
    EXPECT_EQ(console.what, role::sme);
    EXPECT_EQ(console.user.name, "bob");
}

TEST(grammar, mass_mentions_are_not_people)
{
    EXPECT_FALSE(inc("lead @here"));
    EXPECT_FALSE(inc("lead @channel"));
    EXPECT_FALSE(inc("lead <!channel>", dialect::slack));
    // In free text they are plain words the adapters will escape.
    EXPECT_EQ(as<add_note>(inc("note ping <!here> now", dialect::slack)).text, "ping @here now");
}

TEST(grammar, slack_text_is_decoded)
{
    auto n = as<add_note>(inc("note a &lt; b &amp;&amp; c &gt; d, see <https://grafana.example/d/1|dashboard> in <#C42|ops> with <@U9|erin>",
                              dialect::slack));
    EXPECT_EQ(n.text, "a < b && c > d, see dashboard (https://grafana.example/d/1) in #ops with @erin");
    EXPECT_EQ(as<add_note>(inc("note <https://x.example/a>", dialect::slack)).text, "https://x.example/a");
    EXPECT_EQ(as<add_note>(inc("note <https://x.example|x.example>", dialect::slack)).text, "https://x.example");
    // The console takes text as typed.
    EXPECT_EQ(as<add_note>(inc("note a &lt; b")).text, "a &lt; b");
}

TEST(grammar, references_take_hash_ids_bare_numbers_and_qualified_ids)
{
    EXPECT_EQ(as<confirm_rootcause>(rc("confirm #2")).id, 2u);
    EXPECT_EQ(as<confirm_rootcause>(rc("confirm 2")).id, 2u);
    EXPECT_FALSE(as<confirm_rootcause>(rc("confirm")).id);
    EXPECT_FALSE(rc("confirm #x"));
    EXPECT_FALSE(rc("confirm #1 #2"));
    auto done = as<complete_followup>(pm("followup done INC-7#3"));
    EXPECT_EQ(done.ref, (item_ref{7, 3}));
    EXPECT_EQ(as<complete_followup>(pm("followup done #3")).ref, (item_ref{std::nullopt, 3}));
    EXPECT_EQ(as<show_status>(inc("status INC-12")).incident, 12u);
    EXPECT_EQ(as<preview_postmortem>(pm("INC-4")).incident, 4u);
    EXPECT_FALSE(inc("status nonsense"));
}

TEST(grammar, every_incident_subcommand_parses)
{
    as<show_status>(inc(""));
    as<show_status>(inc("status"));
    EXPECT_EQ(as<post_update>(inc("update EU checkout degraded, next update 03:30")).text, "EU checkout degraded, next update 03:30");
    EXPECT_EQ(as<set_reminder>(inc("remind 15m")).interval, duration{std::chrono::minutes{15}});
    EXPECT_FALSE(as<set_reminder>(inc("remind off")).interval);
    EXPECT_FALSE(inc("remind"));
    EXPECT_FALSE(inc("remind soon"));
    EXPECT_EQ(as<assign_role>(inc("role decider @dana")).what, role::decider);
    EXPECT_EQ(as<assign_role>(inc("role scribe @dana")).what, role::scribe);
    EXPECT_EQ(as<set_severity>(inc("severity 1")).severity, 1);
    EXPECT_EQ(as<set_severity>(inc("sev 2")).severity, 2);
    EXPECT_FALSE(inc("severity 5"));
    auto b = as<open_breakout>(inc("breakout connection pool deep dive @bob @carol"));
    EXPECT_EQ(b.topic, "connection pool deep dive");
    ASSERT_EQ(b.members.size(), 2u);
    EXPECT_EQ(b.members[1].name, "carol");
    EXPECT_TRUE(as<open_breakout>(inc("breakout logs")).members.empty());
    auto r = as<report_breakout>(inc("breakout report #1 pool maxed at 100"));
    EXPECT_EQ(r.id, 1u);
    EXPECT_EQ(r.finding, "pool maxed at 100");
    EXPECT_FALSE(inc("breakout report #1"));
    EXPECT_FALSE(inc("breakout report"));
    EXPECT_EQ(as<open_breakout>(inc("breakout report writing")).topic, "report writing") << "a topic may start with 'report'";
    EXPECT_EQ(as<resolve_incident>(inc("resolve false alarm")).reason, "false alarm");
    EXPECT_FALSE(inc("resolve"));
    as<list_incidents>(inc("list"));
    as<list_followups>(inc("followups"));
    EXPECT_EQ(as<show_help>(inc("help")).topic, "");
    EXPECT_EQ(as<show_help>(inc("help breakout")).topic, "breakout");
    EXPECT_EQ(as<show_help>(inc("help sev")).topic, "severity");
    EXPECT_FALSE(inc("note"));
    EXPECT_FALSE(inc("lead bob")) << "lead takes a mention";
    EXPECT_FALSE(inc("lead @bob @carol")) << "one lead";
    EXPECT_FALSE(inc("role boss @bob"));
}

TEST(grammar, every_rootcause_subcommand_parses)
{
    as<list_hypotheses>(rc(""));
    as<list_hypotheses>(rc("list"));
    EXPECT_EQ(as<propose_rootcause>(rc("connection pool exhausted after the config push")).text,
              "connection pool exhausted after the config push");
    auto r = as<reject_rootcause>(rc("reject #1 provider status is green"));
    EXPECT_EQ(r.id, 1u);
    EXPECT_EQ(r.why, "provider status is green");
    auto r2 = as<reject_rootcause>(rc("reject not it, errors started before"));
    EXPECT_FALSE(r2.id);
    EXPECT_EQ(r2.why, "not it, errors started before");
    EXPECT_FALSE(rc("reject #1")) << "a rejection needs a reason";
    as<show_help>(rc("help"));
}

TEST(grammar, every_mitigation_subcommand_parses)
{
    as<list_options>(mit(""));
    auto pro = as<add_tradeoff>(mit("pro #1 fast"));
    EXPECT_TRUE(pro.pro);
    EXPECT_EQ(pro.text, "fast");
    EXPECT_FALSE(as<add_tradeoff>(mit("con #1 loses writes")).pro);
    EXPECT_FALSE(mit("pro fast")) << "needs an option number";
    EXPECT_FALSE(mit("pro #1"));
    auto v = as<veto_option>(mit("veto #2 the standby is on the old schema"));
    EXPECT_EQ(v.id, 2u);
    EXPECT_EQ(v.why, "the standby is on the old schema");
    EXPECT_EQ(as<veto_option>(mit("veto #2")).why, "") << "accepted; the core asks for a reason";
    EXPECT_EQ(as<choose_option>(mit("choose #1")).id, 1u);
    EXPECT_FALSE(mit("choose"));
    as<complete_mitigation>(mit("done"));
    as<show_help>(mit("help"));
    EXPECT_EQ(as<propose_option>(mit("done is not an option, failover is")).text, "done is not an option, failover is");
}

TEST(grammar, every_postmortem_subcommand_parses)
{
    as<preview_postmortem>(pm(""));
    as<preview_postmortem>(pm("preview"));
    auto t = as<record_tollgate>(pm("tollgate unit tests: no test covered pool exhaustion"));
    EXPECT_EQ(t.name, "unit tests");
    EXPECT_TRUE(t.applicable);
    EXPECT_EQ(t.how, "no test covered pool exhaustion");
    auto na = as<record_tollgate>(pm("tollgate UAT n/a: config pushes skip UAT by design"));
    EXPECT_EQ(na.name, "UAT");
    EXPECT_FALSE(na.applicable);
    EXPECT_EQ(as<record_tollgate>(pm("tollgate \"code review\": reviewed in a rush")).name, "code review");
    EXPECT_EQ(as<record_tollgate>(pm("tollgate uat:missed it")).how, "missed it");
    EXPECT_FALSE(pm("tollgate uat missed it")) << "needs the colon";
    EXPECT_FALSE(pm("tollgate uat:"));
    EXPECT_FALSE(pm("tollgate : x"));

    auto f = as<add_followup>(pm("followup Add a pool-exhaustion alert tollgate=unit-tests owner=@bob ticket=OPS-12"));
    EXPECT_EQ(f.text, "Add a pool-exhaustion alert");
    EXPECT_EQ(f.tollgate, "unit-tests");
    EXPECT_EQ(f.owner->name, "bob");
    EXPECT_EQ(f.ticket, "OPS-12");
    EXPECT_EQ(as<add_followup>(pm("followup x tollgate=\"unit tests\"")).tollgate, "unit tests");
    EXPECT_FALSE(pm("followup x owner=bob")) << "owner takes a mention";
    auto u = as<update_followup>(pm("followup #2 ticket=OPS-13"));
    EXPECT_EQ(u.ref.id, 2u);
    EXPECT_EQ(u.ticket, "OPS-13");
    EXPECT_FALSE(u.owner);
    EXPECT_EQ(as<update_followup>(pm("followup INC-3#2 owner=@carol")).ref, (item_ref{3, 2}));
    EXPECT_FALSE(pm("followup #2")) << "nothing to change";
    EXPECT_FALSE(pm("followup #2 and more words"));
    as<complete_followup>(pm("followup done #2"));
    EXPECT_FALSE(pm("followup done"));
    as<publish_postmortem>(pm("publish"));
    as<show_help>(pm("help"));
}

TEST(grammar, unknown_subcommands_suggest_the_closest_valid_one)
{
    auto r = rc("confrim #2");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().suggestion, "/rootcause confirm #2");
    EXPECT_EQ(r.error().usage, "/rootcause confirm [#id]");

    auto alone = rc("rejetc");
    ASSERT_FALSE(alone);
    EXPECT_EQ(alone.error().suggestion, "/rootcause reject");

    auto m = mit("choos #1");
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().suggestion, "/mitigation choose #1");

    auto p = pm("tolgate uat: x");
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().suggestion, "/postmortem tollgate uat: x");

    auto i = inc("stauts");
    ASSERT_FALSE(i);
    EXPECT_EQ(i.error().suggestion, "/incident status");

    // Forgetting "start" gets a suggestion to start.
    auto forgot = inc("checkout is down for everyone");
    ASSERT_FALSE(forgot);
    EXPECT_EQ(forgot.error().suggestion, "/incident start checkout is down for everyone");

    // A hypothesis that merely starts with a word near a subcommand is a hypothesis.
    EXPECT_EQ(as<propose_rootcause>(rc("config drift on the primary")).text, "config drift on the primary");
    // A one-word hypothesis can be quoted past the typo check.
    EXPECT_EQ(as<propose_rootcause>(rc("\"confirm\"")).text, "confirm");
}

TEST(grammar, text_that_is_too_long_is_refused_plainly)
{
    std::string longer(max_text_bytes + 1, 'x');
    EXPECT_FALSE(inc("note " + longer));
    EXPECT_TRUE(inc("note " + std::string(max_text_bytes, 'x')));
}

TEST(grammar, user_input_never_enters_the_message_template)
{
    // What the user typed goes to `input`, never into `message`, so renderers can escape it.
    auto r = inc("<!channel> now", dialect::slack);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find("channel"), std::string::npos);
    EXPECT_NE(r.error().input.find("<!channel>"), std::string::npos);
}

TEST(grammar, family_names_accept_the_slash_and_any_case)
{
    EXPECT_EQ(family_from_command("/incident"), family::incident);
    EXPECT_EQ(family_from_command("RootCause"), family::rootcause);
    EXPECT_FALSE(family_from_command("/inc"));
}

TEST(grammar, edit_distance_and_closest)
{
    EXPECT_EQ(edit_distance("confirm", "confrim"), 1u) << "a transposition is one edit";
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    std::array<std::string_view, 3> c{"confirm", "reject", "list"};
    EXPECT_EQ(closest("CONFIRM", c), "confirm");
    EXPECT_EQ(closest("conf", c), "confirm") << "a unique prefix";
    EXPECT_FALSE(closest("xyzzy", c));
    EXPECT_FALSE(closest("lsit2", std::array<std::string_view, 2>{"a", "b"}));
}

TEST(grammar, arbitrary_bytes_never_throw)
{
    std::string junk;
    for (int i = 0; i < 600; ++i) {
        junk.push_back(static_cast<char>((i * 7919) % 256));
        for (auto f : {family::incident, family::rootcause, family::mitigation, family::postmortem})
            for (auto d : {dialect::console, dialect::slack, dialect::mattermost}) {
                EXPECT_NO_THROW((void)parse(f, junk, d));
                EXPECT_NO_THROW((void)parse(f, "start " + junk.substr(0, 50), d));
            }
    }
}

} // namespace
} // namespace coolhead::commands

// Walks the rule tables at the top of incident.cpp, rootcause.cpp, mitigation.cpp and
// postmortem.cpp: which commands fit which phase. Every refusal must name the phase or say what
// would move the call on, privately.
#include "call.hpp"

namespace coolhead::commands::testing {
namespace {

enum class where_ { discovery, mitigation, postmortem, closed };

call at_phase(where_ w)
{
    call c;
    c.incident(alice, "start Checkout fails");
    c.wait(20min);
    c.rootcause(bob, "pool exhausted");
    c.mitigation(bob, "roll back");
    if (w == where_::discovery) return c;
    c.rootcause(carol, "confirm #1");
    if (w == where_::mitigation) return c;
    c.mitigation(alice, "choose #1");
    c.mitigation(bob, "done");
    if (w == where_::postmortem) return c;
    c.postmortem(bob, "tollgate unit tests: none");
    c.postmortem(bob, "tollgate uat n/a: none");
    c.postmortem(bob, "tollgate production checkout n/a: none");
    c.postmortem(bob, "followup Test the pool tollgate=#1 owner=@dana");
    c.postmortem(alice, "publish");
    return c;
}

struct row {
    family f;
    char const* text;
    user_ref const* who;
    std::optional<errc> discovery, mitigation, postmortem, closed; ///< nothing = accepted
};

constexpr std::optional<errc> ok = std::nullopt;

TEST(phases, each_command_fits_its_phases_and_is_refused_elsewhere)
{
    std::vector<row> const table{
        {family::incident, "note x", &carol, ok, ok, ok, errc::no_incident},
        {family::incident, "update x", &carol, ok, ok, ok, errc::no_incident},
        {family::incident, "breakout logs", &carol, ok, ok, ok, errc::no_incident},
        {family::incident, "status", &carol, ok, ok, ok, ok},
        {family::incident, "start New thing", &carol, errc::already_active, errc::already_active, errc::already_active, ok},
        {family::rootcause, "another idea", &carol, ok, errc::wrong_phase, errc::wrong_phase, errc::no_incident},
        {family::rootcause, "list", &carol, ok, ok, ok, ok},
        {family::mitigation, "scale up", &carol, ok, ok, errc::wrong_phase, errc::no_incident},
        {family::mitigation, "veto #1 no", &carol, ok, ok, errc::wrong_phase, errc::no_incident},
        {family::mitigation, "done", &carol, errc::wrong_phase, errc::wrong_phase, errc::wrong_phase, errc::no_incident},
        {family::mitigation, "list", &carol, ok, ok, ok, ok},
        {family::postmortem, "tollgate code review: rushed", &carol, errc::wrong_phase, errc::wrong_phase, ok, errc::no_incident},
        {family::postmortem, "followup Add alert", &carol, ok, ok, ok, errc::no_incident},
        {family::postmortem, "publish", &alice, errc::wrong_phase, errc::wrong_phase, errc::publish_incomplete, errc::no_incident},
        {family::postmortem, "", &carol, ok, ok, ok, ok},
    };
    for (auto const& r : table) {
        for (auto [w, expected] : {std::pair{where_::discovery, r.discovery}, std::pair{where_::mitigation, r.mitigation},
                                   std::pair{where_::postmortem, r.postmortem}, std::pair{where_::closed, r.closed}}) {
            auto c = at_phase(w);
            auto out = c.type(*r.who, r.f, r.text);
            std::string label = "/" + std::string(family_name(r.f)) + " " + r.text + " in phase " + std::to_string(static_cast<int>(w));
            if (!expected) {
                EXPECT_TRUE(std::holds_alternative<decision>(out)) << label << ": " << plain(std::get<rejection>(out).reply.body);
                continue;
            }
            ASSERT_TRUE(std::holds_alternative<rejection>(out)) << label << " was accepted";
            auto const& rej = std::get<rejection>(out);
            EXPECT_EQ(rej.why, *expected) << label;
            EXPECT_EQ(rej.reply.to, visibility::one_user) << label << ": refusals are private";
            EXPECT_FALSE(rej.reply.body.empty()) << label << ": never unanswered";
            if (rej.why == errc::wrong_phase) {
                auto text = plain(rej.reply.body);
                bool names_phase = text.find("Discovery") != std::string::npos || text.find("Mitigation") != std::string::npos ||
                                   text.find("Post-mortem") != std::string::npos;
                EXPECT_TRUE(names_phase) << label << ": " << text;
                EXPECT_NE(text.find("`/"), std::string::npos) << label << " says which command moves it on: " << text;
            }
        }
    }
}

TEST(state, replaying_the_log_rebuilds_the_same_state)
{
    auto c = at_phase(where_::closed);
    auto const& live = c.state();
    auto again = replay(live.log);
    EXPECT_EQ(again.seq, live.log.size());
    EXPECT_EQ(again.seq, live.seq);
    EXPECT_EQ(again.current, live.current);
    EXPECT_EQ(again.log, live.log);
    EXPECT_EQ(plain(render_postmortem(again, c.now(), c.rules())), plain(render_postmortem(live, c.now(), c.rules())));
}

TEST(state, events_carry_who_and_when_from_the_request)
{
    call c;
    c.wait(7min);
    c.incident(alice, "start Checkout fails");
    c.wait(3min);
    c.incident(bob, "note hello");
    auto const& log = c.state().log;
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].at, t0 + 7min);
    EXPECT_TRUE(same_person(log[0].by, alice));
    EXPECT_EQ(log[1].at, t0 + 10min);
    EXPECT_TRUE(same_person(log[1].by, bob));
}

TEST(state, people_are_the_same_by_id_or_else_by_name)
{
    EXPECT_TRUE(same_person({"U1", "alice"}, {"U1", "Alice B"}));
    EXPECT_FALSE(same_person({"U1", "alice"}, {"U2", "alice"}));
    EXPECT_TRUE(same_person({"", "alice"}, {"U1", "Alice"}));
    EXPECT_FALSE(same_person({"", ""}, {"", ""}));
}

} // namespace
} // namespace coolhead::commands::testing

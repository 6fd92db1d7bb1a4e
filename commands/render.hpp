#pragma once
/// Status, lists, help and the post-mortem, rendered into neutral markup. Facts only: no
/// blame, no adjectives. All times are passed in; timestamps are shown in UTC, ISO 8601.

#include "commands/grammar.hpp"
#include "commands/markup.hpp"
#include "commands/prompts.hpp"
#include "commands/state.hpp"

#include <span>
#include <string_view>

namespace coolhead::commands {

/// "INC-7 · Checkout fails for EU customers" (the title is user text).
markup::inlines incident_heading(incident_state const& s);

/// Where the call stands: phase and elapsed time, people, hypotheses, options, breakouts, the
/// next stakeholder update, and what would move the call on.
markup::document render_status(incident_state const& s, timestamp now, policy const& p);

/// The hypotheses so far (for `/rootcause` without arguments).
markup::document render_hypotheses(incident_state const& s, timestamp now);

/// The mitigation options so far (for `/mitigation` without arguments).
markup::document render_options(incident_state const& s);

/// The post-mortem: title line; 1. the issue reported; 2. root cause; 3. mitigation;
/// 4. prevention (tollgates and follow-ups); related incidents; timeline; metrics. Before
/// publishing, `now` ends the open intervals and a "still missing" list closes the document.
markup::document render_postmortem(incident_state const& s, timestamp now, policy const& p);

/// Open incidents in every channel.
markup::document render_incident_list(std::span<incident_state const* const> incidents, timestamp now);

/// Open follow-ups of every incident.
markup::document render_followup_list(std::span<incident_state const* const> incidents);

/// Help for a command, or for one of its subcommands.
markup::document render_help(family f, std::string_view topic);

/// A usage error: what went wrong, the suggestion, and the usage line.
markup::document render_usage_error(usage_error const& e);

/// One timeline entry's text, without its time and author (for tests and the timeline).
markup::inlines describe(event const& e, incident_state const& s);

} // namespace coolhead::commands

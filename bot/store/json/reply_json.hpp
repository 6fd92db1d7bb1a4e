#pragma once
/// The JSON codec for a delivery's stored reply (commands::outbound), so a redelivered message is
/// answered exactly as the first time. Pure functions; any thread; decoding never throws on bad
/// input.
///
/// Reply format (stable; the conventions of event_json.hpp apply: sorted keys, compact UTF-8,
/// people and channels as {"id","name"}, unknown keys ignored, strings and lists optional):
///   {"body":{"blocks":[BLOCK…]},"channel":{"id":…,"name":…},"kind":KIND,"to":TO,"user":{…}}
///   TO    "everyone" | "one_user"
///   KIND  "reply" | "phase_prompt" | "humility" | "reminder" | "postmortem" | "announcement"
///   BLOCK {"type":"paragraph","content":[SPAN…]}
///       | {"type":"heading","level":INT,"content":[SPAN…]}
///       | {"type":"bullet_list","items":[{"content":[SPAN…],"children":[[SPAN…]…]}…]}
///       | {"type":"table","header":["…"…],"rows":[[[SPAN…]…]…]}       (row → cell → spans)
///   SPAN  {"type":"text","value":"…","look":STYLE,"from_user":BOOL}
///       | {"type":"person","who":{"id":…,"name":…},"notify":BOOL}
///       | {"type":"channel","where":{"id":…,"name":…}}
///   STYLE "plain" | "strong" | "emphasis" | "code"
/// Required: channel, to, user, kind, body, every "type", heading level, text look and
/// from_user (a missing from_user must not turn user text into trusted, unescaped text).
/// Optional: blocks, content, items, children, header, rows, value, notify (missing = false).

#include "bot/store/json/event_json.hpp"
#include "commands/decide.hpp"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace coolhead::store {

/// Encodes a reply as compact JSON text. Invalid UTF-8 in strings is written as U+FFFD.
std::string reply_to_json(commands::outbound const& reply);

/// Decodes a reply written by this or an earlier version; a codec_errc for anything else.
boost::system::result<commands::outbound> reply_from_json(std::string_view text);

} // namespace coolhead::store

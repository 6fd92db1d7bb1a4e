#pragma once
/// Internal to coolhead_slack_codec: the part of reading a Web API reply that every method
/// shares (defined in web_api.cpp).

#include "bot/adapters/slack/detail/json_fields.hpp"
#include "bot/adapters/slack/web_api.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace coolhead::slack::detail {

/// The reply's status and its JSON (an empty value if the body is not a JSON object).
std::pair<api_status, json> read_reply(std::string_view body);

/// Marks an ok reply unusable because a field we need is missing or of the wrong type: ok
/// becomes false, error invalid_response, and `why` (field names only) joins the messages.
void unusable(api_status& st, std::string const& why);

} // namespace coolhead::slack::detail

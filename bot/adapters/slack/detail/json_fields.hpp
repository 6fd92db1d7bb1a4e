#pragma once
/// Internal to coolhead_slack_codec: the shared JSON reader (bot/adapters/common/json_fields.hpp)
/// under this codec's detail namespace.

#include "bot/adapters/common/json_fields.hpp"

namespace coolhead::slack::detail {

using namespace coolhead::adapters::json_fields; // NOLINT(google-build-using-namespace): one vocabulary

} // namespace coolhead::slack::detail

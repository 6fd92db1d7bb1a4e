#pragma once
/// Internal to coolhead_mattermost_codec: the shared UTF-8 helpers
/// (bot/adapters/common/utf8.hpp) under this codec's detail namespace.

#include "bot/adapters/common/utf8.hpp"

namespace coolhead::mattermost::detail {

using namespace coolhead::adapters::utf8; // NOLINT(google-build-using-namespace): one vocabulary

} // namespace coolhead::mattermost::detail

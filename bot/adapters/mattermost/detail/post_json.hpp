#pragma once
/// Internal to coolhead_mattermost_codec: reading a post object, shared by the websocket events
/// and the REST posts API (defined in websocket_frames.cpp).

#include "bot/adapters/mattermost/detail/json_fields.hpp"
#include "bot/adapters/mattermost/websocket_frames.hpp"

#include <string>

namespace coolhead::mattermost::detail {

/// Reads a post from `obj`; problems go to `outer` (as `where`.field).
post read_post(json const& obj, std::string const& where, fields& outer);

/// A JSON document that the server sends inside a JSON string (data.post, data.mentions,
/// data.reaction): parsed a second time. A plain JSON value is taken as it is. On failure the
/// result is discarded and `outer` has the reason.
json nested_json(json const& value, std::string const& where, fields& outer);

} // namespace coolhead::mattermost::detail

# The Mattermost codec (bot/adapters/mattermost/): websocket frames and REST replies as any bytes,
# any user text through markdown rendering and splitting, and slash-command form bodies. The
# frame seeds are the payloads of tests/data/mattermost/.
coolhead_add_fuzz_target(mattermost_frame_fuzz
    SOURCES mattermost_frame_fuzz.cpp
    LIBS coolhead_mattermost_codec
    CORPUS "${CMAKE_CURRENT_SOURCE_DIR}/corpus/mattermost_frame")
coolhead_add_fuzz_target(mattermost_markdown_fuzz
    SOURCES mattermost_markdown_fuzz.cpp
    LIBS coolhead_mattermost_codec
    CORPUS "${CMAKE_CURRENT_SOURCE_DIR}/corpus/mattermost_markdown")
coolhead_add_fuzz_target(mattermost_form_fuzz
    SOURCES mattermost_form_fuzz.cpp
    LIBS coolhead_mattermost_codec
    CORPUS "${CMAKE_CURRENT_SOURCE_DIR}/corpus/mattermost_form")

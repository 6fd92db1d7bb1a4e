# The Slack codec (bot/adapters/slack/): Socket Mode frames and Web API replies as any bytes, and
# any user text through mrkdwn rendering and splitting. The frame seeds are the payloads of
# tests/data/slack/.
coolhead_add_fuzz_target(slack_frame_fuzz
    SOURCES slack_frame_fuzz.cpp
    LIBS coolhead_slack_codec
    CORPUS "${CMAKE_CURRENT_SOURCE_DIR}/corpus/slack_frame")
coolhead_add_fuzz_target(slack_mrkdwn_fuzz
    SOURCES slack_mrkdwn_fuzz.cpp
    LIBS coolhead_slack_codec
    CORPUS "${CMAKE_CURRENT_SOURCE_DIR}/corpus/slack_mrkdwn")

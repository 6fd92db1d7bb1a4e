# The store's JSON codec (bot/store/json/): events as records, and stored replies. The seeds are
# today's encodings, kept current by tests/unit/bot/store/json/corpus_test.cpp.
coolhead_add_fuzz_target(event_json_fuzz
    SOURCES event_json_fuzz.cpp
    LIBS coolhead_store_json
    CORPUS "${CMAKE_CURRENT_SOURCE_DIR}/corpus/event_json")

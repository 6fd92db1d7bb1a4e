# The settings loader: any bytes as a config file (STYLE.md section 11).
coolhead_add_fuzz_target(settings_fuzz
    SOURCES settings_fuzz.cpp
    LIBS coolhead_settings
    CORPUS "${CMAKE_CURRENT_SOURCE_DIR}/corpus/settings")

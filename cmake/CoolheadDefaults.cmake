# Per-target defaults (flags live on targets, never on directories; see STYLE.md section 10).
include_guard(GLOBAL)

option(COOLHEAD_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)
set(COOLHEAD_SANITIZERS "" CACHE STRING "Semicolon-separated list of -fsanitize= values")

# coolhead_target_defaults(<target>)
#   C++20, the house warning set, optional -Werror and sanitizers, repository-rooted includes.
function(coolhead_target_defaults target)
    target_compile_features(${target} PUBLIC cxx_std_20)
    set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
    get_target_property(type ${target} TYPE)
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
        target_compile_options(${target} PRIVATE
            -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow)
        if(COOLHEAD_WARNINGS_AS_ERRORS)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
        foreach(san IN LISTS COOLHEAD_SANITIZERS)
            target_compile_options(${target} PRIVATE -fsanitize=${san} -fno-omit-frame-pointer)
            target_link_options(${target} PRIVATE -fsanitize=${san})
        endforeach()
        if("undefined" IN_LIST COOLHEAD_SANITIZERS)
            target_compile_options(${target} PRIVATE -fno-sanitize-recover=undefined)
        endif()
    endif()
endfunction()

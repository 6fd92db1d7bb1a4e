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
        if("thread" IN_LIST COOLHEAD_SANITIZERS)
            # GCC 12 warns that TSan can't see atomic_thread_fence, which Asio uses.
            target_compile_options(${target} PRIVATE -Wno-tsan)
        endif()
        if("undefined" IN_LIST COOLHEAD_SANITIZERS)
            target_compile_options(${target} PRIVATE -fno-sanitize-recover=undefined)
        endif()
    endif()
endfunction()

# coolhead_add_subdirectories()
#   Adds every immediate subdirectory of the current source directory that has a
#   CMakeLists.txt, so areas can be added without editing a shared list.
# COOLHEAD_SKIP_DIRS (a list of paths relative to the source root) leaves areas out of a
# developer's build tree, e.g. one that is being rewritten.
set(COOLHEAD_SKIP_DIRS "" CACHE STRING "Source directories coolhead_add_subdirectories() leaves out")
macro(coolhead_add_subdirectories)
    file(GLOB _coolhead_children LIST_DIRECTORIES true RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}"
        "${CMAKE_CURRENT_SOURCE_DIR}/*")
    list(SORT _coolhead_children)
    foreach(_coolhead_child IN LISTS _coolhead_children)
        file(RELATIVE_PATH _coolhead_rel "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}/${_coolhead_child}")
        if(_coolhead_rel IN_LIST COOLHEAD_SKIP_DIRS)
            message(STATUS "coolhead: skipping ${_coolhead_rel} (COOLHEAD_SKIP_DIRS)")
        elseif(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${_coolhead_child}/CMakeLists.txt")
            add_subdirectory(${_coolhead_child})
        endif()
    endforeach()
endmacro()

// The one rule for where the app may save a file (a screenshot, a trace): the in-app save dialog
// and `proclab --screenshot FILE` both ask it before writing, so a bad path leaves nothing behind.
#pragma once
#include <string>

#include "core/lesson_model.hpp"

namespace proclab::gui {

// Why `path` cannot be written, in words of `language`, or empty when it can: the path must not
// be a folder, and its folder must exist (nothing is created) and be writable.
std::string SavePathProblem(const std::string& path, Language language);

}  // namespace proclab::gui

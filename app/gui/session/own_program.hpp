// The Python side of the GUI's runs, without drawing: the learner's own program shown like a
// lesson outside the curriculum, the recent files list, and the request that runs a lesson's
// own Python program (assets/python/<id>.py) with the parameters it takes.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/gui/session/live_run.hpp"
#include "core/lesson_model.hpp"

namespace proclab::gui {

// Id "program": its text is assets/lessons/<lang>/program.md; its tabs every view that reads a
// Python run's facts. Not in the curriculum (no C++ children, no parameters).
const Lesson& OwnProgramLesson();
bool IsOwnProgram(const Lesson& lesson);

// `path` first (made absolute), then the others without it, at most `keep`.
std::vector<std::string> WithRecent(std::vector<std::string> recent, const std::string& path, size_t keep = 8);

// The lesson's Python program with the lesson's parameters its program declares (its
// "# proclab-params:" line), as --name value; nullopt when the lesson has no program.
std::optional<PythonRequest> LessonPythonRequest(const Lesson& lesson, const ParamValues& params, bool lines);
// The lesson's parameters its Python program does not take (they do nothing under Python).
std::vector<std::string> ParamsWithoutPython(const Lesson& lesson);

}  // namespace proclab::gui

#include "app/gui/session/own_program.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/python_program.hpp"

namespace proclab::gui {

const Lesson& OwnProgramLesson() {
  static const Lesson lesson{
      .id = "program",
      .title = {"Your Python program", "你的 Python 程序"},
      .purpose = {"any multiprocessing program, unchanged, traced live", "任何 multiprocessing 程序，原样运行，实时追踪"},
      .steppable = true,
      .views = {"lanes", "console", "shared", "locks", "queue", "pool", "processes", "trials"},
  };
  return lesson;
}

bool IsOwnProgram(const Lesson& lesson) { return &lesson == &OwnProgramLesson(); }

std::vector<std::string> WithRecent(std::vector<std::string> recent, const std::string& path, size_t keep) {
  std::error_code error;
  std::string absolute = std::filesystem::absolute(path, error).lexically_normal().string();
  if (error) absolute = path;
  std::erase(recent, absolute);
  recent.insert(recent.begin(), absolute);
  if (recent.size() > keep) recent.resize(keep);
  return recent;
}

std::optional<PythonRequest> LessonPythonRequest(const Lesson& lesson, const ParamValues& params, bool lines) {
  const std::string path = LessonProgramPath(lesson);
  if (path.empty() || access(path.c_str(), R_OK) != 0) return std::nullopt;
  PythonRequest request{.program = path, .lines = lines};
  const std::vector<std::string> declared = DeclaredParams(path);
  for (const ParamSpec& spec : lesson.params) {
    const std::string name(spec.name);
    if (std::find(declared.begin(), declared.end(), name) == declared.end()) continue;
    request.args.push_back("--" + name);
    request.args.push_back(params.Text(name));
  }
  return request;
}

std::vector<std::string> ParamsWithoutPython(const Lesson& lesson) {
  const std::vector<std::string> declared = DeclaredParams(LessonProgramPath(lesson));
  std::vector<std::string> without;
  for (const ParamSpec& spec : lesson.params)
    if (std::find(declared.begin(), declared.end(), std::string(spec.name)) == declared.end())
      without.emplace_back(spec.name);
  return without;
}

}  // namespace proclab::gui

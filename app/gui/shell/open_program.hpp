// Python programs in the GUI's shell: "Open a Python program" (a path field checked before
// anything starts, the recent files, a .py dropped onto the window), the learner's program once
// open, and each lesson's switch "C++ children | Python" with --lines on|off. What runs is asked
// of the session (RunSession::StartPython); what is drawn of a run is in the views.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/session/own_program.hpp"
#include "app/gui/shell/theme.hpp"
#include "app/gui/shell/widget_rects.hpp"
#include "core/lesson_model.hpp"

namespace proclab::gui {

class PythonPrograms {
 public:
  // Checks and reads `path` (core/python_program.hpp); false, with the reason in `language` in
  // error(), and nothing opened or started.
  bool Open(const std::string& path, Language language);
  void Close() { open_ = false; }
  bool own_open() const { return open_; }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

  // A lesson runs its own Python program (assets/python/<id>.py) instead of its C++ children.
  bool engine_python(const Lesson& lesson) const;
  void SetEngine(const Lesson& lesson, bool python);
  bool lines = true;  // --lines on|off for the next runs

  // The program the code pane shows for `lesson` (the learner's, or the lesson's under Python):
  // its path and text; null when the lesson runs C++ children.
  struct Source {
    std::string path, text;
  };
  const Source* SourceFor(const Lesson& lesson);
  // What runs when `lesson` is run under Python; nullopt for C++ children (or no program).
  std::optional<PythonRequest> RequestFor(const Lesson& lesson, const ParamValues& params) const;
  bool runs_python(const Lesson& lesson) const { return IsOwnProgram(lesson) || engine_python(lesson); }

  // The popup. `open` opens a path (the App's OpenProgram: it remembers it, shows it).
  void ShowDialog();
  void DrawDialog(Language language, const Theme& theme, WidgetRects& rects, const std::vector<std::string>& recent,
                  const std::function<bool(const std::string&)>& open);
  // The engine switch and Trace lines, with the run controls.
  void DrawSwitch(const Lesson& lesson, Language language, const Theme& theme, bool busy, WidgetRects& rects);

  // glfwSetDropCallback: the first path dropped, opened at the next frame.
  void Dropped(int count, const char** paths);
  std::optional<std::string> TakeDropped();

 private:
  bool open_ = false;
  std::string path_, error_;
  Source own_;
  std::map<std::string, Source> lesson_sources_;  // by lesson id
  std::map<std::string, bool> engines_;           // lesson id -> Python
  bool dialog_ = false;
  std::string typed_, dialog_error_;
  std::optional<std::string> dropped_;
};

}  // namespace proclab::gui

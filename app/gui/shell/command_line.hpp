// The command line of `proclab`:
//   proclab [--lesson ID] [--PARAM VALUE ...] [--lang en|zh-CN] [--run] [--trials N] [--screenshot FILE.png]
//           [--size WxH] [--view NAME] [--high-contrast] [--presenter] [--scale F] [--script FILE]
//           [--selftest DIR] [--bench-frames N] [--bench-idle SECONDS] [--python FILE.py]
//           [--engine cpp|python] [--lines on|off] [--help] [--version]
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/gui/shell/script.hpp"
#include "core/lesson_model.hpp"

namespace proclab::gui {

// The most trials one press of "Run trials" (or --trials N) runs.
inline constexpr int kMaxTrials = 1000;

struct CommandLine {
  bool help = false;
  bool version = false;
  std::string lesson;
  std::vector<std::pair<std::string, std::string>> params;  // --name value, as typed
  std::optional<Language> language;
  bool run = false;
  int trials = 0;       // --trials N: run N trials (with --run), the Run pane's trial count
  std::string step;     // --step 1r,2r,1w,2w: run in step mode and take these steps
  std::vector<std::pair<int, char>> step_schedule;  // --step parsed (core/step_schedule.hpp)
  std::string screenshot;
  int screenshot_live_ms = 0;  // --screenshot-live MS: the screenshot while the run is live
  std::string view;  // the view tab to show: one of the view list's ids (views/view_list.cpp)
  int width = 0, height = 0;
  bool high_contrast = false;
  bool presenter = false;
  std::string script_path;                    // --script FILE
  std::vector<ScriptStep> script;             // its steps, parsed and checked
  float scale = 0;  // 0: as remembered
  bool selftest = false;
  std::string selftest_dir;
  int bench_frames = 0;     // --bench-frames N: run the lesson over N frames, print frame times
  double bench_idle_s = 0;  // --bench-idle S: window open, nothing running; print the CPU used
  std::string python_program;  // --python FILE.py: open the learner's own program
  bool engine_python = false;   // --engine python: the lesson runs its Python program
  bool lines = true;            // --lines off: Python runs without line events
  bool benchmark() const { return bench_frames > 0 || bench_idle_s > 0; }
};

// Returns nullopt and a one-line reason on bad input. Lesson parameters and a step schedule are
// checked against the lesson (unknown names, bad values) here, before any window opens; --view
// against `views`, the ids of the GUI's views.
std::optional<CommandLine> ParseCommandLine(int argc, char** argv, std::span<const std::string_view> views,
                                            std::string* error);
std::string UsageText(std::span<const std::string_view> views);

}  // namespace proclab::gui

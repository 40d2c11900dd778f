// The command line of `proclab`:
//   proclab [--lesson ID] [--PARAM VALUE ...] [--lang en|zh-CN] [--run] [--screenshot FILE.png]
//           [--size WxH] [--view NAME] [--high-contrast] [--scale F] [--selftest DIR]
//           [--bench-frames N] [--bench-idle SECONDS] [--help] [--version]
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/lesson_model.hpp"

namespace proclab::gui {

struct CommandLine {
  bool help = false;
  bool version = false;
  std::string lesson;
  std::vector<std::pair<std::string, std::string>> params;  // --name value, as typed
  std::optional<Language> language;
  bool run = false;
  bool trials = false;  // --trials: run 100 trials instead of one
  std::string step;     // --step 1r,2r,1w,2w: run in step mode and post these steps
  std::string screenshot;
  std::string view;  // the view tab to show: lanes, processes, shared, queue, pool, trials
  int width = 0, height = 0;
  bool high_contrast = false;
  float scale = 0;  // 0: as remembered
  bool selftest = false;
  std::string selftest_dir;
  int bench_frames = 0;     // --bench-frames N: run the lesson over N frames, print frame times
  double bench_idle_s = 0;  // --bench-idle S: window open, nothing running; print the CPU used
  bool benchmark() const { return bench_frames > 0 || bench_idle_s > 0; }
};

// Returns nullopt and a one-line reason on bad input. Lesson parameters are checked against
// the lesson (unknown names, bad values) here, before any window opens.
std::optional<CommandLine> ParseCommandLine(int argc, char** argv, std::string* error);
std::string UsageText();

}  // namespace proclab::gui

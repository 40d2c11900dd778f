#include "app/gui/shell/command_line.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <algorithm>

#include "app/gui/settings/settings.hpp"
#include "app/gui/shell/save_path.hpp"
#include "core/python_program.hpp"
#include "core/run_header.hpp"
#include "core/step_schedule.hpp"
#include "lessons/curriculum.hpp"

namespace proclab::gui {

namespace {
std::string Join(std::span<const std::string_view> names) {
  std::string text;
  for (std::string_view name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}
}  // namespace

std::string UsageText(std::span<const std::string_view> views) {
  std::string text =
      "ProcLab: learn Python-style multiprocessing on real child processes.\n\n"
      "Usage: proclab [options]\n\n"
      "  --lesson ID          open this lesson (see the list below)\n"
      "  --PARAM VALUE        set one of the lesson's parameters (e.g. --processes 4)\n"
      "  --lang en|zh-CN      language of the lesson texts and the UI\n"
      "  --run                run the lesson once it is open\n"
      "  --trials N           run N trials instead of one (with --run), 1 .. 1000\n"
      "  --step 1r,2r,1w,2w   run in step mode and take these steps (steppable lessons)\n"
      "  --screenshot FILE    after the run (or at once), save the window as PNG and exit\n"
      "  --screenshot-live MS with --screenshot and --run: take it MS ms into the run, while it is live\n"
      "  --size WxH           window size, e.g. 1920x1080\n"
      "  --view NAME          show this view: " + Join(views) + "\n"
      "  --high-contrast      the high-contrast theme (for projectors)\n"
      "  --presenter          start in presenter mode: the run and its views fill the window\n"
      "  --script FILE        play a demo script (see man proclab) at human speed; its last\n"
      "                       failed `expect` ends it with exit status 1\n"
      "  --scale F            font and UI scale, 0.6 .. 3 (Ctrl +/- in the app)\n"
      "  --selftest DIR       walk every lesson in both languages, check the app's state,\n"
      "                       write one screenshot per lesson into DIR; exit 1 on failure\n"
      "  --bench-frames N     with --lesson: run it while drawing N frames (vsync off), then\n"
      "                       print one JSON object: first_frame_ms, frame_ms_median, _p95 ...\n"
      "  --bench-idle S       keep the window open S seconds with nothing running, then print\n"
      "                       JSON with idle_cpu_percent (CPU time over wall time)\n"
      "  --python FILE.py     open this Python program (traced live when it runs)\n"
      "  --engine cpp|python  the lesson's C++ children, or its Python program (assets/python)\n"
      "  --lines on|off       Python runs: trace each process's current line (off: less probe effect)\n"
      "  --help, --version\n\n"
      "Lessons:\n";
  for (const Lesson* lesson : Curriculum()) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-14s %s\n", std::string(lesson->id).c_str(),
                  std::string(lesson->title.en).c_str());
    text += line;
  }
  text +=
      "\nKeys: Left/Right previous/next lesson, Space run/stop, Esc stop, R reset, V or Page Down\n"
      "next view, Page Up previous view, P or F5 presenter mode, S or 1-9 step, F11 full screen,\n"
      "Ctrl +/- font size. Without a display, use proclab-cli.\n\n"
      "Exit status: 0 done; 1 the screenshot could not be written, the --run run could not\n"
      "start, or the self-test, a script's expect or a benchmark\n"
      "failed; 2 bad input or no display (one line on stderr). See also: man proclab.\n";
  return text;
}

std::optional<CommandLine> ParseCommandLine(int argc, char** argv, std::span<const std::string_view> views,
                                            std::string* error) {
  CommandLine cl;
  auto value_of = [&](int& i, const std::string& name) -> std::optional<std::string> {
    if (i + 1 >= argc) {
      *error = name + " needs a value";
      return std::nullopt;
    }
    return std::string(argv[++i]);
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (const size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto take = [&]() -> std::optional<std::string> {
      return inline_value ? inline_value : value_of(i, arg);
    };
    if (arg == "--help" || arg == "-h") {
      cl.help = true;
    } else if (arg == "--version") {
      cl.version = true;
    } else if (arg == "--run") {
      cl.run = true;
    } else if (arg == "--high-contrast") {
      cl.high_contrast = true;
    } else if (arg == "--presenter") {
      cl.presenter = true;
    } else if (arg == "--lesson" || arg == "--lang" || arg == "--screenshot" || arg == "--size" ||
               arg == "--step" || arg == "--view" || arg == "--scale" || arg == "--bench-frames" ||
               arg == "--bench-idle" || arg == "--screenshot-live" || arg == "--python" || arg == "--engine" ||
               arg == "--lines" || arg == "--script" || arg == "--trials") {
      const auto value = take();
      if (!value) return std::nullopt;
      if (arg == "--lesson") {
        cl.lesson = *value;
      } else if (arg == "--lang") {
        Language language{};
        if (!ParseLanguage(*value, &language)) {
          *error = "--lang must be en or zh-CN, not '" + *value + "'";
          return std::nullopt;
        }
        cl.language = language;
      } else if (arg == "--screenshot") {
        // The in-app save dialog's rule: the folder must exist; nothing is created.
        if (const std::string problem = SavePathProblem(*value, Language::kEnglish); !problem.empty()) {
          *error = "cannot save the screenshot to " + *value + ": " + problem;
          return std::nullopt;
        }
        cl.screenshot = *value;
      } else if (arg == "--step") {
        cl.step = *value;
      } else if (arg == "--trials") {
        // The Run pane's trial count field and its range: the command line sets that field.
        char* end = nullptr;
        const long trials = std::strtol(value->c_str(), &end, 10);
        if (end == value->c_str() || *end != '\0' || trials < 1 || trials > kMaxTrials) {
          *error = "--trials must be a whole number of trials in 1 .. " + std::to_string(kMaxTrials) +
                   ", not '" + *value + "'";
          return std::nullopt;
        }
        cl.trials = static_cast<int>(trials);
      } else if (arg == "--screenshot-live") {
        char* end = nullptr;
        const long ms = std::strtol(value->c_str(), &end, 10);
        if (end == value->c_str() || *end != '\0' || ms < 1 || ms > 600'000) {
          *error = "--screenshot-live must be a whole number of ms in 1 .. 600000, not '" + *value + "'";
          return std::nullopt;
        }
        cl.screenshot_live_ms = static_cast<int>(ms);
      } else if (arg == "--python") {
        // The open dialog's rules (core/python_program.hpp): one line, nothing opened.
        if (const ProgramCheck check = CheckPythonProgram(*value); !check.ok()) {
          *error = check.Text(*value).en;
          return std::nullopt;
        }
        cl.python_program = *value;
      } else if (arg == "--engine") {
        if (*value != "cpp" && *value != "python") {
          *error = "--engine must be cpp or python, not '" + *value + "'";
          return std::nullopt;
        }
        cl.engine_python = *value == "python";
      } else if (arg == "--lines") {
        if (*value != "on" && *value != "off") {
          *error = "--lines must be on or off, not '" + *value + "'";
          return std::nullopt;
        }
        cl.lines = *value == "on";
      } else if (arg == "--script") {
        // Read and checked here, so a bad line is one message before any window opens.
        std::ifstream in(*value, std::ios::binary);
        std::ostringstream text;
        if (!in || !(text << in.rdbuf())) {
          *error = "cannot read the script " + *value;
          return std::nullopt;
        }
        auto steps = ParseScript(text.str(), views, error);
        if (!steps) {
          *error = *value + ": " + *error;
          return std::nullopt;
        }
        cl.script_path = *value;
        cl.script = std::move(*steps);
      } else if (arg == "--view") {
        if (std::find(views.begin(), views.end(), *value) == views.end()) {
          *error = "--view must be one of " + Join(views) + ", not '" + *value + "'";
          return std::nullopt;
        }
        cl.view = *value;
      } else if (arg == "--bench-frames") {
        char* end = nullptr;
        const long frames = std::strtol(value->c_str(), &end, 10);
        if (end == value->c_str() || *end != '\0' || frames < 1 || frames > 100'000) {
          *error = "--bench-frames must be a whole number of frames in 1 .. 100000, not '" + *value + "'";
          return std::nullopt;
        }
        cl.bench_frames = static_cast<int>(frames);
      } else if (arg == "--bench-idle") {
        char* end = nullptr;
        cl.bench_idle_s = std::strtod(value->c_str(), &end);
        if (end == value->c_str() || *end != '\0' || !(cl.bench_idle_s >= 0.1 && cl.bench_idle_s <= 3600)) {
          *error = "--bench-idle must be a number of seconds in 0.1 .. 3600, not '" + *value + "'";
          return std::nullopt;
        }
      } else if (arg == "--scale") {
        char* end = nullptr;
        cl.scale = std::strtof(value->c_str(), &end);
        if (end == value->c_str() || *end != '\0' || cl.scale < 0.6f || cl.scale > 3.0f) {
          *error = "--scale must be a number in 0.6 .. 3, not '" + *value + "'";
          return std::nullopt;
        }
      } else {
        if (std::sscanf(value->c_str(), "%dx%d", &cl.width, &cl.height) != 2 || cl.width < 320 ||
            cl.height < 240 || cl.width > 8192 || cl.height > 8192) {
          *error = "--size must look like 1280x720 (320x240 .. 8192x8192), not '" + *value + "'";
          return std::nullopt;
        }
      }
    } else if (arg == "--selftest") {
      cl.selftest = true;
      if (inline_value) cl.selftest_dir = *inline_value;
      else if (i + 1 < argc && argv[i + 1][0] != '-') cl.selftest_dir = argv[++i];
    } else if (arg.starts_with("--") && arg.size() > 2) {
      const auto value = take();
      if (!value) return std::nullopt;
      cl.params.emplace_back(arg.substr(2), *value);
    } else {
      *error = "unexpected argument '" + arg + "' (see proclab --help)";
      return std::nullopt;
    }
  }
  if (cl.screenshot_live_ms > 0 && (cl.screenshot.empty() || !cl.run)) {
    *error = "--screenshot-live takes the screenshot of a live run: give --screenshot FILE and --run";
    return std::nullopt;
  }
  if (!cl.script_path.empty() && (cl.selftest || cl.benchmark() || !cl.screenshot.empty() || cl.run)) {
    *error = "--script plays its own steps: it cannot be combined with --selftest, --run, --screenshot or a benchmark";
    return std::nullopt;
  }
  if (cl.bench_frames > 0 && cl.bench_idle_s > 0) {
    *error = "--bench-frames and --bench-idle measure different things: give one of them";
    return std::nullopt;
  }
  if (!cl.python_program.empty() && !cl.lesson.empty()) {
    *error = "--python opens a program of your own, --lesson a lesson: give one of them";
    return std::nullopt;
  }
  if (cl.bench_frames > 0 && cl.lesson.empty() && cl.python_program.empty()) {
    *error = "--bench-frames needs the lesson to run: add --lesson ID (or --python FILE.py)";
    return std::nullopt;
  }
  if (cl.benchmark() && (cl.selftest || !cl.screenshot.empty() || cl.trials > 0 || !cl.step.empty())) {
    *error = std::string(cl.bench_frames > 0 ? "--bench-frames" : "--bench-idle") +
             " cannot be combined with --selftest, --screenshot, --trials or --step";
    return std::nullopt;
  }
  if (cl.bench_idle_s > 0 && cl.run) {
    *error = "--bench-idle measures the app with nothing running: leave out --run";
    return std::nullopt;
  }
  if (!cl.lesson.empty() && FindLesson(cl.lesson) == nullptr) {
    *error = "no lesson '" + cl.lesson + "' (see proclab --help for the list)";
    return std::nullopt;
  }
  if (!cl.params.empty() && cl.lesson.empty()) {
    *error = "--" + cl.params.front().first + " is a lesson parameter: give --lesson first";
    return std::nullopt;
  }
  if (!cl.step.empty() && cl.lesson.empty() && cl.python_program.empty()) {
    *error = "--step steps a lesson: give --lesson first (or --python FILE.py)";
    return std::nullopt;
  }
  if (!cl.step.empty() && !cl.python_program.empty()) {
    // A program's child processes: 1 .. the lanes but the main process's.
    Sentence why;
    auto schedule = ParseStepSchedule(cl.step, kMaxLanes - 1, &why);
    if (!schedule) {
      *error = "--step: " + why.In(cl.language.value_or(Language::kEnglish));
      return std::nullopt;
    }
    cl.step_schedule = std::move(*schedule);
  }
  if (!cl.lesson.empty()) {
    const Lesson& lesson = *FindLesson(cl.lesson);
    ParamValues values(lesson.params);
    for (const auto& [name, text] : cl.params) {
      try {
        values.SetText(name, text);
      } catch (const std::exception& e) {
        *error = std::string(e.what()) + " (lesson " + cl.lesson + ")";
        return std::nullopt;
      }
    }
    if (!cl.step.empty()) {
      if (!lesson.steppable) {
        *error = cl.language == Language::kChinese ? "课程 " + cl.lesson + " 没有单步模式（--step）"
                                                   : "lesson " + cl.lesson + " has no step mode (--step)";
        return std::nullopt;
      }
      const int children = lesson.step_children ? lesson.step_children(values)
                                                : (lesson.child_count ? lesson.child_count(values) : 1);
      Sentence why;
      auto schedule = ParseStepSchedule(cl.step, children, &why);
      if (!schedule) {
        *error = "--step: " + why.In(cl.language.value_or(Language::kEnglish));
        return std::nullopt;
      }
      cl.step_schedule = std::move(*schedule);
    }
  }
  return cl;
}

}  // namespace proclab::gui

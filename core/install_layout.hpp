// Where ProcLab's programs and data files are, found from the running program's own path
// (/proc/self/exe): an installed tree works from any prefix and still works after it is moved,
// and a build tree works as it is. The one place that knows both layouts:
//
//   installed   <prefix>/bin/proclab, <prefix>/bin/proclab-cli
//               <prefix>/libexec/proclab/proclab-worker            (not on PATH)
//               <prefix>/share/proclab/lessons/<lang>/<id>.md, ui/, compare_python.py, python/,
//               programs/ (the lessons' Python programs)
//   build tree  build/bin/proclab, proclab-cli, proclab-worker     (side by side)
//               build/python (the Python tracer as built: it has a compiled module)
//               the data from the source tree: assets/, bench/compare_python.py,
//               assets/python (the lessons' Python programs)
//
// A program is installed when <its dir>/../share/proclab exists (the directory names are
// CMake's GNUInstallDirs, compiled in).
#pragma once
#include <filesystem>
#include <string_view>

#include "core/language.hpp"

namespace proclab {

struct InstallLayout {
  bool installed = false;
  std::filesystem::path worker;        // proclab-worker, the program every child runs
  std::filesystem::path assets_dir;    // lessons/<lang>/<id>.md and ui/ (the GUI's files)
  std::filesystem::path bench_script;  // compare_python.py (the costs lesson's Python side)
  std::filesystem::path python_dir;    // the Python tracer: sitecustomize.py, proclab_trace/
  std::filesystem::path python_programs;  // the lessons' Python programs: <id>.py
};

// The layout around the program at `exe` (an absolute path), from the files that exist there.
InstallLayout LayoutFor(const std::filesystem::path& exe);

// The running program's layout, computed once. $PROCLAB_ASSETS and $PROCLAB_BENCH_SCRIPT, when
// set and not empty, replace assets_dir and bench_script (tests, and trying edited texts).
const InstallLayout& ThisInstall();

// A lesson's text in `language` under an assets directory: lessons/<en|zh-CN>/<id>.md.
std::filesystem::path LessonTextFile(const std::filesystem::path& assets_dir, std::string_view id,
                                     Language language);

}  // namespace proclab

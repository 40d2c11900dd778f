// What tracing a Python program costs, measured here: each lesson's Python program run untraced
// and traced (wall time), and a tight `v.value += 1` loop's cost per iteration untraced and
// traced, with lines on and off. `proclab-cli bench --python` prints it; bench/compare_python.py
// --tracing shows it as a table.
#pragma once
#include <atomic>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace proclab {

struct PythonBenchOptions {
  std::string python = "python3";
  int repeats = 5;  // each figure is the median of this many runs, with its range
  bool quick = false;
  const std::atomic<int>* stop_signal = nullptr;
  std::function<void(const std::string&)> on_progress;
};

// {"python": "3.11.7", "programs": [{"program", "untraced_ms": {median, min, max}, "traced_ms":
// {...}, "ratio", "dropped_events"}], "tight_loop": {"untraced_ns", "traced_lines_off_ns",
// "traced_lines_on_ns" (each {median, min, max}), "ratio_lines_off", "ratio_lines_on"}}.
// Throws std::runtime_error when Python or the tracer is missing.
nlohmann::json MeasurePythonTracing(const PythonBenchOptions& options);

// proclab-cli bench --python: measures and prints (a table, or one JSON object); the exit status.
int PythonBench(bool quick, bool json, const std::atomic<int>& stop_signal);

}  // namespace proclab

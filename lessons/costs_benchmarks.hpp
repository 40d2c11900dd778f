// What ProcLab's primitives cost, measured on this machine with real processes: starting and
// joining a process, a shared-counter increment (no lock, the robust lock, fetch_add), a queue
// item, a pool map item, an apply_async task, and one trace event. Used by `proclab-cli bench`
// and by the `costs` lesson. Each figure is the median of several repeats after a warm-up.
#pragma once
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace proclab {

struct BenchOptions {
  bool quick = false;         // fewer items and repeats: seconds, not tens of seconds
  std::string worker_path;    // empty: beside this program
  std::function<bool()> should_stop;                      // asked between measurements
  std::function<void(const std::string&)> on_progress;    // "measuring queue_items_per_s"
};

// One JSON object with exactly these keys, all positive numbers:
//   spawn_join_ms_per_proc, unlocked_increments_per_s, locked_increments_per_s,
//   atomic_increments_per_s, queue_items_per_s, pool_map_items_per_s,
//   pool_apply_async_tasks_per_s, trace_ns_per_event, trace_drain_events_per_s
// Throws RunError if a measurement cannot run, RunStopped if should_stop() said so.
nlohmann::json MeasurePrimitives(const BenchOptions& options);

// The figure names in the order they are reported, with a unit and whether larger is better.
struct BenchFigure {
  const char* key;
  const char* unit;
  bool larger_is_better;
};
extern const BenchFigure kBenchFigures[9];

}  // namespace proclab

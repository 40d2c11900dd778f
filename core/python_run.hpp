// One run of a real Python program under ProcLab's tracer: `proclab-cli trace PROGRAM.py`, and
// the lessons' Python programs (`--engine python`).
//
//   PythonRunOptions options{.python = "python3", .program = "race.py", .tracer_dir = ...};
//   PythonRun run(options);
//   TrialResult result = run.Execute();  // blocks; result.facts as for a lesson's run
//
// The program runs as it would from a terminal, in its own process group, with the tracer
// (python/sitecustomize.py and python/proclab_trace) loaded into every one of its Python
// processes through PYTHONPATH. The segment holds a RunHeader, the Python area
// (core/python_area.hpp) and one ring per lane, made before the program starts. Lane 0 is the
// main process; its children take lanes 1, 2 ... as they start. This process becomes their
// subreaper, so a child whose parent died is reaped here and its end known. The run ends when
// the main process has ended and every other process of the program with it (after a grace
// period they are ended), at Stop or Ctrl-C (the whole group, at once), or when the program
// deadlocks on its locks (if asked). Every process is reaped and the segment removed however
// the run ends.
//
// Sections: OutputChunk · PythonRunOptions · PythonOutcome · PythonRun.
#pragma once
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/stop_request.hpp"
#include "core/run.hpp"
#include "core/step_requests.hpp"
#include "core/step_scheduler.hpp"

namespace proclab {

// What a process of the program wrote to its standard output or error.
struct OutputChunk {
  int64_t t_ns = 0;  // when ProcLab read it
  int32_t pid = 0;   // who wrote it (0: unknown: written around sys.stdout / sys.stderr)
  uint8_t stream = 1;  // 1 stdout, 2 stderr
  std::string text;    // the bytes, as written
};

struct PythonRunOptions {
  std::string python = "python3";  // the interpreter: a path, or a name looked up on PATH
  std::string program;             // the program file
  std::vector<std::string> args;   // its arguments
  std::string tracer_dir;          // holds sitecustomize.py and proclab_trace/ (FindTracerDir)
  bool lines = true;               // line events (--lines on)
  uint32_t lanes = 64;             // processes traced at most (each lane has a ring)
  // Events per lane's ring (2 MiB): a tight loop on a Value emits some 5 M events a second.
  uint32_t ring_capacity = 1u << 16;
  const std::atomic<int>* stop_signal = nullptr;  // set by a signal handler: stop at once
  std::vector<std::pair<int, char>> step_schedule;  // the learner's steps (child 1 = lane 1)
  bool interactive_steps = false;
  std::function<void(const OutputChunk&)> on_output;  // each chunk as it is read
  size_t keep_output_bytes = 4u << 20;  // output kept in the outcome; the rest only counted
  std::chrono::milliseconds orphan_grace{1000};  // others still running after the main ended
  bool end_deadlock = true;  // a cycle of processes waiting for each other's locks ends the run
  int stdin_fd = -1;         // the program's standard input (-1: /dev/null)
  int nice = 0;              // the program's processes' nice value (the GUI: 19, like a lesson's children)
};

// A Python run's own result, beside its facts: the program, its exit and its output.
class PythonOutcome : public LessonOutcome {
 public:
  std::string program;         // as given
  std::string python_version;  // as the main process said ("3.11.7"); empty if it never did
  bool traced = false;         // the main process attached (its tracer started)
  int exit_status = 0;         // as a shell says it: the code, 128 + signal, 130 after Ctrl-C
  int exit_code = -1;          // the main process's own exit code (-1: killed)
  int signal = 0;              // the signal that ended it (0: none)
  int stop_signal = 0;         // the signal that stopped the run (Ctrl-C: SIGINT), 0 if none
  std::vector<OutputChunk> output;
  uint64_t output_bytes = 0, output_dropped_bytes = 0;
  uint32_t untraced_processes = 0;  // processes that found every lane taken
  uint32_t lanes = 0;
  std::optional<Deadlock> deadlock;  // the cycle that ended the run
  std::optional<StepRun> steps;      // step mode
  std::vector<int> ended_by_proclab;  // lanes still running at the end, ended by ProcLab

  nlohmann::json ToJson() const override;
};

class PythonRun {
 public:
  explicit PythonRun(PythonRunOptions options);
  ~PythonRun();
  PythonRun(const PythonRun&) = delete;
  PythonRun& operator=(const PythonRun&) = delete;

  // Blocks until the run ends. Throws RunError when it cannot start (no interpreter, no tracer,
  // no memory): nothing is left behind then.
  TrialResult Execute();

  void RequestStop() { stop_.Ask(); }
  void PostStep(int child, char what);
  // Any thread: the live trace and the lanes' records, under the run's lock.
  void ReadLive(const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view);
  // The same, but false at once, without calling `view`, while the run thread holds the lock:
  // a UI thread must not wait for it.
  bool TryReadLive(const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view);

  // The directory with the tracer's sitecustomize.py (core/install_layout.hpp);
  // PROCLAB_PYTHON_DIR wins. Empty if there is none.
  static std::string FindTracerDir();
  // `name` looked up on PATH (a name with a slash is taken as it is); empty if not found.
  static std::string FindOnPath(const std::string& name);

 private:
  class Session;
  friend class Session;
  PythonRunOptions options_;
  StopRequest stop_;
  std::mutex live_mutex_;
  StepRequests step_requests_;
  Session* session_ = nullptr;  // while Execute runs
};

}  // namespace proclab

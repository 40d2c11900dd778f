// What the run thread executes and the UI thread watches: a lesson's Run (C++ children) or a
// traced Python program (PythonRun), behind one small interface, so the controller, the live
// model and every view treat both alike.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/python_run.hpp"
#include "core/run.hpp"

namespace proclab::gui {

// A Python program to run under the tracer: the learner's own, or a lesson's (assets/python).
struct PythonRequest {
  std::string program;            // its path
  std::vector<std::string> args;  // its arguments (a lesson's parameters, as --name value)
  bool lines = true;              // line events (--lines on); off shows the probe effect
};

// What a Python run's processes wrote, in the order written, as it is read (the console pane's
// live copy; the finished run's PythonOutcome::output holds the same chunks).
class ConsoleBuffer {
 public:
  explicit ConsoleBuffer(size_t keep_bytes) : keep_bytes_(keep_bytes) {}
  void Add(const OutputChunk& chunk);  // the run thread
  // Appends the chunks after the first `have` to `to` (the UI thread).
  void CopySince(size_t have, std::vector<OutputChunk>& to) const;

 private:
  mutable std::mutex mutex_;
  std::vector<OutputChunk> chunks_;
  size_t keep_bytes_, bytes_ = 0;
};

class LiveRun {
 public:
  virtual ~LiveRun() = default;
  virtual TrialResult Execute() = 0;  // the run thread; throws RunError when it cannot start
  virtual void RequestStop() = 0;
  // `lane`'s next step (step mode); -1: the rest one child at a time.
  virtual void PostStep(int lane, char what) = 0;
  virtual bool TryReadLive(const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view) = 0;
  virtual const ConsoleBuffer* console() const { return nullptr; }
};

struct RunRequest;
std::unique_ptr<LiveRun> MakeLiveRun(const RunRequest& request);

// A lesson's children run under SCHED_IDLE (RunOptions::child_idle) when they alone would keep
// every core busy many times over. Measured at 1920x1080 with shared-data, 1,000,000
// iterations: with 64 + 64 children at nice 19 the slowest frames took 270-420 ms (the UI
// thread, the X server and the renderer's threads each waited a child's slice at every wake-up),
// under SCHED_IDLE 95-160 ms; at 8 + 8 it made no difference. Not for fewer: under other load
// SCHED_IDLE children crawl (locks at its defaults with four busy loops beside it: 2.9 s at nice
// 19, 12.7 s under SCHED_IDLE), and a lesson with a few children must run as it would.
inline constexpr int kYieldPerCore = 8;
bool ChildrenYieldAtOnce(int children, int cores);

}  // namespace proclab::gui

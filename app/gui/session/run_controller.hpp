// Runs lessons on one long-lived run thread (children get PR_SET_PDEATHSIG tied to the thread
// that spawned them, so it must outlive every run). The UI thread never blocks on a child or a
// lock: it posts requests and, each frame, copies what is new from the live trace.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/gui/session/live_model.hpp"
#include "app/gui/session/live_run.hpp"
#include "core/run.hpp"

namespace proclab::gui {

struct RunRequest {
  const Lesson* lesson = nullptr;
  ParamValues params;
  int trials = 1;
  bool step_mode = false;  // the learner posts each step (PostStep)
  std::vector<std::pair<int, char>> schedule;  // or gives them all at once (--step 1r,2r,...)
  // Set: run this Python program under the tracer instead of the lesson's C++ children (the
  // lesson is what it is shown under).
  std::optional<PythonRequest> python;
};

struct FinishedTrial {
  uint64_t generation = 0;  // which run it was (matches RunController::Live)
  int trial = 0, trials = 1;
  std::shared_ptr<TrialResult> result;  // null if the run could not start
  std::string error;
};

class RunController {
 public:
  // `wake` is called from the run thread when something changed (to wake the UI's event wait).
  explicit RunController(std::function<void()> wake);
  ~RunController();  // stops any run and joins the thread

  bool Start(RunRequest request);  // false if a run is under way
  void Stop();
  void PostStep(int child, char what);
  // A run is under way, or finished runs wait in TakeFinished.
  bool busy() const { return busy_.load() || untaken_.load() > 0; }
  int trial() const { return trial_.load(); }
  int trials() const { return trials_.load(); }

  // Copies what is new in the live run into `model` (reset when a new run began), at most
  // `budget` events per call. Returns false when no run is under way.
  bool SyncLive(LiveModel& model, uint64_t* model_generation, size_t budget);
  std::vector<FinishedTrial> TakeFinished();

 private:
  void Loop();

  std::function<void()> wake_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<RunRequest> requests_;
  std::deque<FinishedTrial> finished_;
  std::shared_ptr<LiveRun> current_;
  uint64_t generation_ = 0;
  bool quit_ = false;
  std::atomic<bool> busy_{false};
  std::atomic<bool> stop_batch_{false};
  std::atomic<int> trial_{0}, trials_{0};
  std::atomic<int> untaken_{0};  // finished trials not yet taken (busy() stays true until then)
  std::thread thread_;
};

}  // namespace proclab::gui

// One learner's runs, without any drawing: the run thread (RunController), the live model of the
// run under way, and the finished result — each bound to the lesson and the parameters it ran
// with, so a view is never shown a run of another lesson. The App asks it, once per frame, what
// to show (Shown); the self-test and the unit tests drive it the same way.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/session/live_model.hpp"
#include "app/gui/session/run_controller.hpp"
#include "app/gui/session/sync_pace.hpp"
#include "core/run.hpp"

namespace proclab::gui {

// What the views show of one lesson: its live run (facts folded so far), or its last finished
// trial (the run's own final facts and typed outcome), or nothing.
struct ShownRun {
  const Lesson* lesson = nullptr;       // the lesson it ran; null: nothing to show
  const ParamValues* params = nullptr;  // the parameters it ran with
  const RunFacts* facts = nullptr;      // live: folded so far; finished: the result's, final
  const TrialResult* result = nullptr;  // finished: the result; null while the run is live
  const LiveModel* live_model = nullptr;  // live: the events copied so far
  bool live = false;
  bool step_mode = false;  // the learner steps the run (interactive or a schedule)
  // A traced Python program's run: lane 0 is its main process, lanes 1.. the processes it started.
  bool python = false;
  // What a Python run's processes wrote, in order: live, so far; finished, the outcome's.
  const std::vector<OutputChunk>* output = nullptr;

  bool empty() const { return facts == nullptr; }
  // A lane's events (kParentFactLane: the parent's), for tooltips.
  std::span<const Event> Events(int lane) const;
  size_t events() const;
  // Time since the run started: while it is live, on the wall clock at `now_ns` (it ticks
  // while nothing happens: a hang is when the clock must not stop); finished, its end.
  double ElapsedMs(int64_t now_ns) const;
  // How many of its children have ended (been reaped) so far.
  int ChildrenEnded() const;
  // The lesson's typed outcome (finished runs only).
  template <class T>
  const T* Outcome() const {
    return result != nullptr ? result->Outcome<T>() : nullptr;
  }
};

class RunSession {
 public:
  // `wake` is called from the run thread when something changed (the UI's event wait).
  explicit RunSession(std::function<void()> wake = [] {});
  ~RunSession();

  // Starts `trials` runs of `lesson`. `step_mode`: the learner steps it, one PostStep at a time,
  // or all at once with `schedule` (child index, 'r' or 'w'). False if a run is under way.
  bool Start(const Lesson& lesson, const ParamValues& params, int trials = 1, bool step_mode = false,
             std::vector<std::pair<int, char>> schedule = {});
  bool python() const { return python_; }  // the runs under way or last finished are Python's
  // Runs a Python program under the tracer, shown under `lesson` (a lesson's own program, or
  // OwnProgramLesson for the learner's). A program that cannot run (missing, a directory,
  // unreadable, not UTF-8), no python3, no tracer: false, nothing started, error() says why in
  // `language`.
  bool StartPython(const Lesson& lesson, const ParamValues& params, PythonRequest python, Language language,
                   int trials = 1, bool step_mode = false, std::vector<std::pair<int, char>> schedule = {});
  void Stop();
  // `lane`'s next step: a lesson's child i is lane i; a Python run's child processes are lanes 1..
  void PostStep(int child, char what);
  void FinishSteps();  // the lesson takes the remaining steps one child at a time
  // Stops any run and forgets the live run and the result (another lesson, Reset).
  void Clear();
  // Stops any run and joins the run thread (before the window goes); nothing may be called after.
  void Shutdown() { runner_.reset(); }

  // Once per frame: the trials that finished since the last call (every trial of a batch, of
  // whatever lesson), then the live run's new events, at most `budget` of them (by default as
  // many as the pace lets in: about SyncPace::kTargetMs of work).
  std::vector<std::shared_ptr<const TrialResult>> Update(std::optional<size_t> budget = std::nullopt);
  const SyncPace& pace() const { return pace_; }

  bool busy() const;  // a run is under way, or finished trials wait for Update
  // Stop was asked for and the run has not ended yet: its children are frozen, not yet reaped.
  bool stopping() const { return stopping_; }
  int trial() const { return runner_->trial(); }
  int trials() const { return runner_->trials(); }
  const std::string& error() const { return error_; }  // why the last run could not start

  // What the views of `lesson` show: the live run of that lesson, else its last finished trial,
  // else nothing. A run of another lesson is never shown.
  ShownRun Shown(const Lesson& lesson) const;
  // The last finished trial of `lesson`, or null.
  const TrialResult* ResultFor(const Lesson& lesson) const;
  bool live() const { return live_; }  // a live run is being shown (its model is current)
  const LiveModel& live_model() const { return live_model_; }
  // Folds the rest of the finished result's events into the live model, so the self-test can
  // compare the GUI's incremental facts with the run's own.
  void CatchUpLiveModel();

 private:
  void Began(const Lesson& lesson, const ParamValues& params, bool stepping, bool python);  // a run was started
  std::unique_ptr<RunController> runner_;
  LiveModel live_model_;
  uint64_t live_generation_ = 0;  // the run the live model holds
  bool live_ = false;
  const Lesson* lesson_ = nullptr;  // of the runs under way or last finished
  ParamValues params_;
  bool step_mode_ = false;
  bool python_ = false;
  std::shared_ptr<const TrialResult> result_;
  uint64_t result_generation_ = 0;
  std::string error_;
  SyncPace pace_;
  bool stopping_ = false;
};

}  // namespace proclab::gui

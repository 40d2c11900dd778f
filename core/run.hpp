// One execution of one lesson: create the segment, start the children, release them together,
// let the lesson's parent side drive the run while events are drained and children reaped,
// then clean up: every child reaped and the segment removed, however the run ends.
//
//   Run run(lesson, params);
//   TrialResult result = run.Execute();   // blocks; the GUI calls it on a run thread
//
// Sections: RunOptions, LessonOutcome and TrialResult · Run · ParentContext (the lesson's parent
// side) · ChildContext (what a child sees).
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

#include <nlohmann/json.hpp>

#include "core/stop_request.hpp"
#include "core/event.hpp"
#include "core/event_ring.hpp"
#include "core/facts/run_facts.hpp"
#include "core/language.hpp"
#include "core/lesson_model.hpp"
#include "core/process.hpp"
#include "core/segment.hpp"
#include "core/step_requests.hpp"
#include "core/trace.hpp"
#include "core/traced_value.hpp"

namespace proclab {

struct RunHeader;

// Events per ring when the whole trace is wanted (proclab-cli --trace-out): 2^20 events, 32 MiB
// of address space per ring, of which only what is written takes memory. No lesson at its default
// parameters comes near it, even with the parent too busy to drain (queue --items 100000 does
// not fill it either). A run lowers it to fit the free space of /dev/shm.
inline constexpr uint32_t kWholeTraceRingCapacity = 1u << 20;

struct RunOptions {
  std::string worker_path;  // absolute path of proclab-worker; empty: DefaultWorkerPath()
  uint32_t ring_capacity = 1u << 15;  // events per ring (a power of two; the parent's too)
  // Children map their whole ring before the start line, so no event pays a page fault. Costs
  // ~0.3 ms per MiB of ring at start, so only runs that measure the emit cost ask for it; others
  // fault each page once, on the ring's first lap.
  bool prefault_rings = false;
  // Set by a signal handler (CLI): a non-zero value stops the run as if RequestStop was called.
  const std::atomic<int>* stop_signal = nullptr;
  // Steps the learner schedules ("be the scheduler"): child index (0-based) and 'r' or 'w'.
  // Non-empty turns step mode on: children wait before each read and write.
  std::vector<std::pair<int, char>> step_schedule;
  bool interactive_steps = false;  // step mode driven by PostStep (the GUI)
  // The children's nice value (0..19). Above the parent's, a parent that 128 busy children
  // compete with still gets the CPU to drain, reap, and stop them at once. Among themselves
  // the children compete as equals, so races happen as they would.
  int child_nice = 0;
  // The children run under SCHED_IDLE: only on CPU that no ordinary thread wants, and they give
  // it up the moment one wakes. Why (the GUI): at nice 19, 128 busy children still kept the UI
  // thread, the X server and the renderer's threads waiting on the run queue about half the
  // time, a slice of a child at every wake-up (frames of 300-400 ms at 1920x1080). Among
  // themselves they still compete as equals, so races happen as they would.
  bool child_idle = false;
  // The most children's events one run keeps (8M: 256 MB). Past it the rings are still
  // drained, to keep the run moving, but their events are counted as dropped: the totals stay
  // exact (each child counts its own), only the timeline ends. The parent's own are all kept,
  // and so is what a child says once (started, finished, declared ...: run.cpp, SaidOnce).
  size_t max_trace_events = 8u << 20;
};

// An explanation a run produced (a stall, a dead holder ...), in both languages of the app.
using RunNote = Sentence;

struct TrialResult;

// A lesson's own result of one trial, typed: what the parent read from shared memory at the end
// (the final counter, the pool's results ...) and what the lesson concludes from the run's facts.
// Each lesson defines its struct (lessons/<id>.cpp); JSON exists only at the edges (ToJson).
class LessonOutcome {
 public:
  virtual ~LessonOutcome() = default;
  int64_t t0_ns = 0;  // the run's time zero (set before Conclude): times in JSON are ms from it
  double Ms(int64_t t_ns) const { return static_cast<double>(t_ns - t0_ns) / 1e6; }
  // Called once every child has exited, however the run ended (Stop included), while the
  // segment still exists: reads the final shared state (the counter's value ...).
  virtual void ReadShared(Segment&) {}
  // Called once, after the run, when the facts are final: derives the fields the facts give.
  virtual void Conclude(const TrialResult&) {}
  // The lesson's fields of the trial's JSON (core/trial_json.cpp adds processes and facts).
  virtual nlohmann::json ToJson() const = 0;
};

struct TrialResult {
  std::string lesson_id;
  ParamValues params;
  std::vector<ChildRecord> children;
  Trace trace;
  RunFacts facts;  // derived once from the trace and the children: what every report reads
  std::shared_ptr<LessonOutcome> outcome;  // the lesson's typed result; null if it has none
  std::vector<RunNote> notes;
  int64_t release_ns = 0;  // when the children were released from the start barrier
  int64_t end_ns = 0;
  bool stopped = false;  // stopped early (Stop button, Ctrl-C)
  int64_t stop_ns = 0;   // when the stop was asked for (0: not stopped)
  // A stopped run: ms from the stop asked for to its last child reaped (every child ended).
  double StopToEndedMs() const;
  double Ms(int64_t t_ns) const { return trace.Ms(t_ns); }
  // The lesson's outcome as its own type, or null.
  template <class T>
  const T* Outcome() const {
    return dynamic_cast<const T*>(outcome.get());
  }
};

class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown inside the run thread when a stop was requested; Execute catches it.
struct RunStopped {};

class ParentContext;

class Run {
 public:
  Run(const Lesson& lesson, ParamValues params, RunOptions options = {});
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // Blocks until the run ends. Throws RunError when it cannot start (no worker, no memory).
  TrialResult Execute();

  // Any thread.
  void RequestStop();
  void PostStep(int child, char what);  // interactive step mode: let `child` take one step
  bool running() const { return running_.load(); }

  // Any thread: calls `view` with the live trace and children under the run's lock.
  void ReadLive(const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view);
  // The same, but returns false at once, without calling `view`, while the run thread holds
  // the trace (spawning, draining): a UI thread must not wait for it.
  bool TryReadLive(const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view);

  // Where this program's install (or build tree) keeps proclab-worker (core/install_layout.hpp).
  static std::string DefaultWorkerPath();

 private:
  friend class ParentContext;
  const Lesson& lesson_;
  ParamValues params_;
  RunOptions options_;
  StopRequest stop_;
  std::atomic<bool> running_{false};
  // Copies of the children's pidfds, so RequestStop can freeze them from any thread at once: the
  // run thread, short of CPU among 128 busy children, then gets the CPU to kill and reap them.
  // A pidfd never names another process, even once its child is reaped.
  std::mutex freeze_mutex_;
  std::vector<int> freeze_fds_;
  std::mutex live_mutex_;  // guards trace_ and supervisor_ records for ReadLive
  StepRequests step_requests_;
  std::unique_ptr<ParentContext> context_;
};

// The parent's side of a run, handed to Lesson::parent.
class ParentContext {
 public:
  ParentContext(Run& run, Segment& segment, RunHeader& header, Supervisor& supervisor,
                Trace& trace, TrialResult& result);

  const ParamValues& params() const { return run_.params_; }
  int64_t param(std::string_view name) const { return run_.params_.Get(name); }
  Segment& segment() { return segment_; }
  int child_count() const;
  const ChildRecord& child(int index) const { return supervisor_.child(index); }
  const std::vector<ChildRecord>& children() const { return supervisor_.children(); }
  // A child not yet ended that the kernel has ready to run (or running): short of CPU, if
  // nothing moves, rather than stuck.
  bool AnyChildRunnable() const;
  const Trace& trace() const { return trace_; }
  // The run's facts so far (every event drained up to the last Poll).
  const RunFacts& facts() const { return result_.facts; }
  std::string ChildError(int index) const;
  int64_t release_ns() const { return result_.release_ns; }

  // Names one of the run's objects for every report (emits kDeclare and kName). Lessons declare
  // their slots, locks and queues in setup, before any child starts.
  void Declare(ObjectKind kind, uint32_t id, std::string_view name, SlotValue initial = {});

  // Drains every ring and reaps exited children. Throws RunStopped when a stop was requested.
  void Poll();
  // Waits up to `timeout`, polling; returns early when a child exits.
  void Wait(std::chrono::microseconds timeout);
  // Waits for every child to exit; returns false if `timeout` passed first.
  bool WaitChildren(std::chrono::milliseconds timeout = std::chrono::hours(24 * 365));
  // Waits until `done()` holds or `timeout` passes; returns done().
  bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  // Signals a child and records why (kKill), so a report can tell a death the lesson caused
  // from one ProcLab caused by stopping the run.
  void Kill(int index, int signal = 9, KillReason reason = KillReason::kLesson);
  void KillAll(int signal = 9, KillReason reason = KillReason::kStop);
  // The lesson's parent saw the run stall (kStall): reports read the cause from the facts.
  void ReportStall(StallCause cause, uint32_t object, int64_t quiet_ms);
  // Starts one more child (e.g. a pool replacing a dead worker); returns its index.
  int SpawnChild();
  // Asks children to stop at their next check (ChildContext::stop_requested).
  void AskChildrenToStop();

  // Step mode: lets `child` pass its next step gate, then waits until it has taken the step
  // (emitted its read or write) or exited. Returns false if it did neither within `timeout`.
  bool GrantStep(int child, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool step_mode() const;
  // Next step the learner asked for: from the schedule, or posted by the GUI.
  std::optional<std::pair<int, char>> NextStep(std::chrono::milliseconds timeout);
  bool interactive_steps() const { return run_.options_.interactive_steps; }

  void Emit(EventKind kind, int64_t a = 0, int64_t b = 0);
  void EmitOn(EventKind kind, uint32_t object, int64_t a = 0, int64_t b = 0);
  const Emitter& emitter() const { return parent_emitter_; }
  // The lesson's typed outcome of this trial (created on first use).
  template <class T>
  T& outcome() {
    if (!result_.outcome) result_.outcome = std::make_shared<T>();
    return dynamic_cast<T&>(*result_.outcome);
  }
  void Note(std::string en, std::string zh) {
    result_.notes.push_back({std::move(en), std::move(zh)});
  }

 private:
  friend class Run;
  void Drain();           // CollectEvents then PublishEvents (the caller holds the live lock)
  // Rings -> scratch_, times converted to ns; no lock needed. `all`: until every ring is empty
  // (the end of a run); else at most a fair share of kPollEventBudget from each ring, so a parent
  // that busy children keep short of CPU still gets round to reaping, stopping and reporting.
  void CollectEvents(bool all = false);
  bool StopAsked() const;  // the Stop button, Ctrl-C
  void PublishEvents();   // scratch_ -> the trace and the facts; under the live lock
  void SpawnChildAt(int index);
  void FinishFacts();     // the run is over: tallies in, facts final

  Run& run_;
  Segment& segment_;
  RunHeader& header_;
  Supervisor& supervisor_;
  Trace& trace_;
  TrialResult& result_;
  Emitter parent_emitter_;
  std::vector<Event> own_events_;  // the parent's events since the last CollectEvents
  std::vector<uint64_t> discarded_;  // per child: events drained past max_trace_events
  // Per lane (the parent's last): the latest time converted so far. The tick scale is
  // re-estimated at every collection, so two batches of one lane could come out in the wrong
  // order by a few microseconds (a get stamped before the put just before it, in one child).
  std::vector<int64_t> lane_last_ns_;
  // Per child: every event it stamped before this time has been collected (Trace::watermark).
  std::vector<int64_t> watermark_ns_;
  std::vector<Event> scratch_;
  std::vector<EventRing*> rings_;  // child i's ring at i
};

// What a child process sees: its index, the parameters, the segment, and its event emitter.
class ChildContext {
 public:
  ChildContext(Segment& segment, RunHeader& header, const Lesson& lesson, int index);

  int index() const { return index_; }
  int count() const;
  int64_t param(std::string_view name) const { return params_.Get(name); }
  const ParamValues& params() const { return params_; }
  Segment& segment() { return segment_; }
  template <class T>
  T& Shared(const char* name) {
    T* object = segment_.Find<T>(name);
    if (object == nullptr) throw std::runtime_error(std::string("no shared object ") + name);
    return *object;
  }
  const Emitter& emit() const { return emitter_; }
  void Emit(EventKind kind, int64_t a = 0, int64_t b = 0) const { emitter_(kind, a, b); }
  // A shared number (Value, Array element) as slot `slot`: its reads and writes are events,
  // and this child keeps its own exact count of them (core/traced_value.hpp).
  template <class T>
  TracedValue<T> Traced(std::atomic<T>& value, uint32_t slot) {
    return TracedValue<T>(value, emitter_, slot, TallyFor(slot));
  }
  bool stop_requested() const;
  // Records what went wrong for the parent's report without ending the child.
  void ReportError(std::string_view text);
  // Step mode: before a read ('r') or a write ('w'), waits until the scheduler grants the step.
  // Does nothing when step mode is off.
  void StepGate(char what);
  void SleepMs(int64_t ms) const;
  void SleepUs(int64_t us) const;

 private:
  SharedSlotTally* TallyFor(uint32_t slot);
  Segment& segment_;
  RunHeader& header_;
  ParamValues params_;
  int index_;
  Emitter emitter_;
};

}  // namespace proclab

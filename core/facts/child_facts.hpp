// Facts about each process of a run: its life (spawned, started, finished, ended, and how: an
// exit status, a signal, and whether ProcLab itself sent it and why), and its state over time
// (starting, running, sleeping, waiting for or holding a lock, blocked on a queue, waiting for
// the learner's step, in a task, exited, killed), kept as state changes with per-block time
// summaries so a view can draw any stretch of it in O(pixels).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/language.hpp"
#include "core/process.hpp"

namespace proclab {

enum class LaneState : uint8_t {
  kNone,  // before the process existed
  kStarting,
  kRunning,
  kSleeping,
  kLockWait,
  kLockHeld,
  kQueueBlocked,
  kStepWait,
  kTask,
  kExited,
  kKilled,
  kCount
};
inline constexpr size_t kLaneStates = static_cast<size_t>(LaneState::kCount);
std::string_view LaneStateName(LaneState state);  // "running", "lock wait" ...
using StateTimes = std::array<int64_t, kLaneStates>;  // ns spent in each state

struct StateChange {
  int64_t t_ns;
  LaneState state;
};

// State changes per summary block: the time per state up to any moment is one block lookup
// plus at most this many changes.
inline constexpr size_t kSummaryBlock = 32;

// A Python process moved to another line of the program (kLine).
struct LineChange {
  int64_t t_ns;
  uint32_t file;  // ObjectKind::kFile
  int32_t line;
};

struct TaskSpan {
  int64_t start_ns = 0;
  int64_t end_ns = 0;  // 0 while the task runs
  int64_t first = 0, last = 0;
  uint32_t object = 0;  // the pool it ran for (a Python process's own run() has none declared)
};

struct ChildFacts {
  ChildRecord record;        // pid, spawn, reap time, exit status or signal (from the supervisor)
  int64_t started_ns = 0;    // passed the start barrier (kStarted)
  int64_t finished_ns = 0;   // its code returned (kFinished); its lane shows it exited at its end
                             // (end_ns, the reaping), the one end time every report gives
  int64_t failed_ns = 0;     // it reported an error (kFailed); it may go on running
  std::string error;         // what it reported
  bool killed_by_proclab = false;  // the signal that ended it came from the parent (kKill)
  KillReason kill_reason = KillReason::kStop;
  int64_t kill_ns = 0;
  bool has_result = false;
  int64_t result = 0;        // kResult
  int64_t pid = 0, parent_pid = 0;  // as the process said at kStarted (a Python process's parent)
  // A Python process's current line (kLine): file id (ObjectKind::kFile), line, since when.
  uint32_t file = 0;
  int64_t line = 0;
  int64_t line_ns = 0;
  std::vector<LineChange> lines;  // every change of line, in time order (a lane's hover)

  // State over time.
  std::vector<StateChange> changes;
  std::vector<StateTimes> block_time;  // block k: time per state up to change k * kSummaryBlock
  std::vector<TaskSpan> tasks;
  int pending_step = -1;     // 0 read, 1 write: the step it waits for (step mode)
  int64_t events = 0;

  bool ended() const { return record.done(); }
  int64_t end_ns() const { return record.end_ns; }
  LaneState StateAt(int64_t t_ns) const;
  LaneState StateNow() const { return changes.empty() ? LaneState::kNone : changes.back().state; }
  // The line it was on at `t_ns`; null before its first line event (or with --lines off).
  const LineChange* LineAt(int64_t t_ns) const;

  // Bookkeeping of the state machine.
  struct Now {
    int holding = 0;  // locks held
    bool waiting_lock = false, blocked = false, step_wait = false, in_task = false,
         finished = false, wake_pending = false;
  } now;
};

// Folds one event of the child's own lane into its facts.
void AddChildEvent(ChildFacts& child, const Event& event);
// The supervisor's record changed (spawned, reaped): `complete` means every event the child
// emitted is in, so an ended child's end can be drawn.
void UpdateChildRecord(ChildFacts& child, const ChildRecord& record, bool complete);
// Extends the per-block summaries over changes that can no longer change.
void SummariseChild(ChildFacts& child);

// Time per state from the first change up to `t_ns`. `cursor` is the change found by the
// previous call (-1 at first); calls with increasing times reuse it, so a sweep over a row of
// pixel columns costs O(columns x log(changes per column)). Returns the change at t_ns.
long TimeUpTo(const ChildFacts& child, int64_t t_ns, long& cursor, StateTimes& out);

// "child 1 (pid 4242)" / "子进程 1（pid 4242）", and how it ended in words.
std::string ChildName(const ChildRecord& child, Language language);
std::string HowItEnded(const ChildFacts& child, Language language);

}  // namespace proclab

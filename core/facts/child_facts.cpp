#include "core/facts/child_facts.hpp"

#include <algorithm>

namespace proclab {

std::string_view LaneStateName(LaneState state) {
  switch (state) {
    case LaneState::kNone: return "none";
    case LaneState::kStarting: return "starting";
    case LaneState::kRunning: return "running";
    case LaneState::kSleeping: return "sleeping";
    case LaneState::kLockWait: return "lock wait";
    case LaneState::kLockHeld: return "lock held";
    case LaneState::kQueueBlocked: return "queue blocked";
    case LaneState::kStepWait: return "step wait";
    case LaneState::kTask: return "task";
    case LaneState::kExited: return "exited";
    case LaneState::kKilled: return "killed";
    case LaneState::kCount: break;
  }
  return "?";
}

LaneState ChildFacts::StateAt(int64_t t_ns) const {
  auto it = std::upper_bound(changes.begin(), changes.end(), t_ns,
                             [](int64_t t, const StateChange& s) { return t < s.t_ns; });
  if (it == changes.begin()) return LaneState::kNone;
  return std::prev(it)->state;
}

const LineChange* ChildFacts::LineAt(int64_t t_ns) const {
  auto it = std::upper_bound(lines.begin(), lines.end(), t_ns,
                             [](int64_t t, const LineChange& l) { return t < l.t_ns; });
  return it == lines.begin() ? nullptr : &*std::prev(it);
}

namespace {

// The state the bookkeeping says, most telling first: a process waiting for the learner's
// step shows that even while it holds a lock.
LaneState Current(const ChildFacts::Now& now) {
  if (now.finished) return LaneState::kExited;
  if (now.step_wait) return LaneState::kStepWait;
  if (now.waiting_lock) return LaneState::kLockWait;
  if (now.blocked) return LaneState::kQueueBlocked;
  if (now.holding > 0) return LaneState::kLockHeld;
  if (now.in_task) return LaneState::kTask;
  return LaneState::kRunning;
}

void Change(ChildFacts& child, int64_t t_ns) {
  auto& changes = child.changes;
  // A sleep's wake-up was written ahead of time; an earlier event cuts the sleep short.
  if (child.now.wake_pending && !changes.empty() && changes.back().t_ns > t_ns) changes.pop_back();
  child.now.wake_pending = false;
  const LaneState state = Current(child.now);
  if (changes.empty() || changes.back().state != state) changes.push_back({t_ns, state});
}

}  // namespace

void AddChildEvent(ChildFacts& child, const Event& e) {
  ChildFacts::Now& now = child.now;
  ++child.events;
  const int64_t t = e.t_ns;
  switch (e.kind) {
    case EventKind::kStarted:
      child.started_ns = t;
      child.pid = e.a;
      child.parent_pid = e.b;
      break;
    case EventKind::kFinished:  // its code returned; it has ended once it is reaped (below)
      child.finished_ns = t;
      now.waiting_lock = now.blocked = now.step_wait = now.in_task = false;  // it waits for nothing now
      break;
    case EventKind::kFailed:  // reported an error: it goes on running until it returns
      child.failed_ns = t;
      break;
    case EventKind::kResult:
      child.has_result = true;
      child.result = e.a;
      break;
    case EventKind::kRead:
    case EventKind::kWrite:
      now.step_wait = false;
      break;
    case EventKind::kSleep:
      Change(child, t);
      if (now.holding == 0 && !now.finished && e.a > 0) {
        child.changes.push_back({t, LaneState::kSleeping});
        child.changes.push_back({t + e.a * 1000, Current(now)});
        now.wake_pending = true;
      }
      return;
    case EventKind::kLockWait:
      now.step_wait = false;
      now.waiting_lock = true;
      break;
    case EventKind::kLockAcquired:
      now.step_wait = false;
      now.waiting_lock = false;
      ++now.holding;
      break;
    case EventKind::kLockGaveUp:
      now.waiting_lock = false;
      break;
    case EventKind::kLine:  // where it is, not what it does: no change of state
      child.file = e.object;
      child.line = e.a;
      child.line_ns = t;
      child.lines.push_back({t, e.object, static_cast<int32_t>(e.a)});
      return;
    case EventKind::kLockReleased:
      now.holding = std::max(0, now.holding - 1);
      break;
    case EventKind::kQueueBlocked:
      now.blocked = true;
      break;
    case EventKind::kQueueUnblocked:
      now.blocked = false;
      break;
    case EventKind::kTaskStart:
      now.in_task = true;
      child.tasks.push_back({t, 0, e.a, e.b, e.object});
      break;
    case EventKind::kTaskEnd:
    case EventKind::kTaskFailed:
      now.in_task = false;
      if (!child.tasks.empty() && child.tasks.back().end_ns == 0) child.tasks.back().end_ns = t;
      break;
    case EventKind::kStepWait:
      now.step_wait = true;
      child.pending_step = static_cast<int>(e.a);
      break;
    default:
      break;
  }
  Change(child, t);
}

void UpdateChildRecord(ChildFacts& child, const ChildRecord& record, bool complete) {
  child.record = record;
  auto& changes = child.changes;
  // From its spawn until its first event it is starting (the record can come after the events).
  if (record.spawn_ns != 0 && child.block_time.empty() &&
      (changes.empty() || (changes.front().t_ns > record.spawn_ns &&
                           changes.front().state != LaneState::kStarting)))
    changes.insert(changes.begin(), {record.spawn_ns, LaneState::kStarting});
  if (!record.done() || !complete) return;
  const LaneState end = record.state == ChildState::kKilled ? LaneState::kKilled : LaneState::kExited;
  child.now.finished = true;
  if (!changes.empty() && changes.back().state == end) return;
  if (child.now.wake_pending && !changes.empty() && changes.back().t_ns > record.end_ns)
    changes.pop_back();
  child.now.wake_pending = false;
  // It ended when the supervisor reaped it: the one end time every view and report uses.
  const int64_t at = changes.empty() ? record.end_ns : std::max(record.end_ns, changes.back().t_ns);
  changes.push_back({at, end});
}

void SummariseChild(ChildFacts& child) {
  const auto& changes = child.changes;
  auto& blocks = child.block_time;
  if (blocks.empty() && changes.size() >= 2) blocks.push_back(StateTimes{});  // up to change 0
  // Block k needs changes up to k * kSummaryBlock final: all but the last one are.
  while (!blocks.empty() && blocks.size() * kSummaryBlock + 2 <= changes.size()) {
    StateTimes times = blocks.back();
    const size_t from = (blocks.size() - 1) * kSummaryBlock;
    for (size_t j = from; j < from + kSummaryBlock; ++j)
      times[static_cast<size_t>(changes[j].state)] +=
          std::max<int64_t>(0, changes[j + 1].t_ns - changes[j].t_ns);
    blocks.push_back(times);
  }
}

long TimeUpTo(const ChildFacts& child, int64_t t_ns, long& cursor, StateTimes& out) {
  const auto& changes = child.changes;
  const size_t n = changes.size();
  // Gallop forward from the cursor, then binary-search the last bracket.
  size_t lo = cursor < 0 ? 0 : static_cast<size_t>(cursor);
  if (lo >= n || (cursor >= 0 && changes[lo].t_ns > t_ns)) lo = 0;  // times went backwards
  size_t step = 1, hi = lo + 1;
  while (hi < n && changes[hi].t_ns <= t_ns) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  hi = std::min(hi, n);
  const auto it = std::upper_bound(changes.begin() + static_cast<long>(lo),
                                   changes.begin() + static_cast<long>(hi), t_ns,
                                   [](int64_t t, const StateChange& s) { return t < s.t_ns; });
  const long index = static_cast<long>(it - changes.begin()) - 1;
  cursor = index;
  out.fill(0);
  if (index < 0) return index;
  const size_t at = static_cast<size_t>(index);
  const auto& blocks = child.block_time;
  size_t from = 0;
  if (!blocks.empty()) {
    const size_t block = std::min(at / kSummaryBlock, blocks.size() - 1);
    out = blocks[block];
    from = block * kSummaryBlock;
  }
  for (size_t j = from; j < at; ++j)
    out[static_cast<size_t>(changes[j].state)] +=
        std::max<int64_t>(0, changes[j + 1].t_ns - changes[j].t_ns);
  out[static_cast<size_t>(changes[at].state)] += std::max<int64_t>(0, t_ns - changes[at].t_ns);
  return index;
}

std::string ChildName(const ChildRecord& child, Language language) {
  if (!child.name.empty()) return child.name + " (pid " + std::to_string(child.pid) + ")";
  if (language == Language::kChinese)
    return "子进程 " + std::to_string(child.index + 1) + "（pid " + std::to_string(child.pid) + "）";
  return "child " + std::to_string(child.index + 1) + " (pid " + std::to_string(child.pid) + ")";
}

std::string HowItEnded(const ChildFacts& child, Language language) {
  const ChildRecord& r = child.record;
  const bool zh = language == Language::kChinese;
  if (r.state == ChildState::kKilled) {
    const std::string signal = std::to_string(r.signal) + " (" + SignalName(r.signal) + ")";
    if (!child.killed_by_proclab)
      return zh ? "被信号 " + signal + " 杀死" : "killed by signal " + signal;
    const std::string name = SignalName(r.signal);
    switch (child.kill_reason) {
      case KillReason::kLesson:
        return zh ? "被 ProcLab 按课程要求用信号 " + signal + " 杀死"
                  : "killed by signal " + signal + ", sent by ProcLab as the lesson asks";
      case KillReason::kStall:
        return zh ? "运行卡住后被 ProcLab 停止（" + name + "）"
                  : "stopped by ProcLab after the run stalled (" + name + ")";
      case KillReason::kStop:
      case KillReason::kDeadline:
        return zh ? "被 ProcLab 停止（" + name + "）" : "stopped by ProcLab (" + name + ")";
    }
  }
  if (r.state == ChildState::kExited)
    return zh ? "以状态码 " + std::to_string(r.exit_status) + " 退出"
              : "exited with status " + std::to_string(r.exit_status);
  return zh ? "仍在运行" : "still running";
}

}  // namespace proclab

#include "core/facts/lock_facts.hpp"

#include <algorithm>

namespace proclab {

int64_t LockFacts::wait_ns() const {
  int64_t total = 0;
  lanes.ForEach([&](int, const PerLane& lane) { total += lane.wait_ns; });
  return total;
}

int64_t LockFacts::hold_ns() const {
  int64_t total = 0;
  lanes.ForEach([&](int, const PerLane& lane) { total += lane.hold_ns; });
  return total;
}

int LockFacts::Holder() const {
  int holder = kNoLane;
  lanes.ForEach([&](int lane, const PerLane& mine) {
    if (mine.open_hold >= 0 && holder == kNoLane) holder = lane;
  });
  return holder;
}

int64_t LockFacts::HeldSince() const {
  int64_t since = 0;
  lanes.ForEach([&](int, const PerLane& mine) {
    if (mine.open_hold >= 0) since = spans[static_cast<size_t>(mine.open_hold)].begin_ns;
  });
  return since;
}

std::vector<int> LockFacts::Waiters() const {
  std::vector<int> waiting;
  lanes.ForEach([&](int lane, const PerLane& mine) {
    if (mine.open_wait >= 0) waiting.push_back(lane);
  });
  return waiting;
}

namespace {

void EndSpan(LockFacts& lock, LockFacts::PerLane& mine, int& open, int64_t t_ns) {
  if (open < 0) return;
  LockSpan& span = lock.spans[static_cast<size_t>(open)];
  span.end_ns = std::max(t_ns, span.begin_ns);
  (span.kind == LockSpanKind::kWait ? mine.wait_ns : mine.hold_ns) += span.end_ns - span.begin_ns;
  open = -1;
}

int OpenSpan(LockFacts& lock, int lane, LockSpanKind kind, int64_t t_ns) {
  lock.spans.push_back({lane, kind, t_ns});
  return static_cast<int>(lock.spans.size()) - 1;
}

}  // namespace

void AddLockEvent(LockFacts& lock, int lane, const Event& event) {
  LockFacts::PerLane& mine = lock.lanes[lane];
  const int64_t t = event.t_ns;
  switch (event.kind) {
    case EventKind::kLockWait:
      EndSpan(lock, mine, mine.open_wait, t);  // a wait whose end was dropped
      mine.open_wait = OpenSpan(lock, lane, LockSpanKind::kWait, t);
      break;
    case EventKind::kLockAcquired:
      EndSpan(lock, mine, mine.open_wait, t);
      EndSpan(lock, mine, mine.open_hold, t);  // a hold whose release was dropped
      mine.open_hold = OpenSpan(lock, lane, LockSpanKind::kHold, t);
      ++mine.acquisitions;
      ++lock.acquisitions;
      break;
    case EventKind::kLockReleased:
      EndSpan(lock, mine, mine.open_hold, t);
      break;
    case EventKind::kLockGaveUp:  // acquire(timeout=...) ran out: the wait ends, no hold begins
      EndSpan(lock, mine, mine.open_wait, t);
      break;
    case EventKind::kLockOwnerDied: {
      const int dead = static_cast<int>(event.a);
      lock.owner_deaths.push_back({t, dead, lane});
      // The kernel gave the lock away because its holder was gone: the dead lane's hold ended
      // by now, though its reaping may come later (otherwise two holds would overlap).
      if (dead != lane && lock.lanes.Find(dead) != nullptr) {
        LockFacts::PerLane& theirs = lock.lanes[dead];
        if (theirs.open_hold >= 0 && lock.spans[static_cast<size_t>(theirs.open_hold)].begin_ns <= t) {
          lock.spans[static_cast<size_t>(theirs.open_hold)].cut = true;
          EndSpan(lock, theirs, theirs.open_hold, t);
        }
      }
      break;
    }
    default:
      break;
  }
}

void CloseLockSpans(LockFacts& lock, int lane, int64_t t_ns) {
  if (lock.lanes.Find(lane) == nullptr) return;
  LockFacts::PerLane& mine = lock.lanes[lane];
  for (int open : {mine.open_wait, mine.open_hold})
    if (open >= 0) lock.spans[static_cast<size_t>(open)].cut = true;
  EndSpan(lock, mine, mine.open_wait, t_ns);
  // A hold whose owner-died recovery was folded before the hold itself still ends at the recovery.
  int64_t hold_end = t_ns;
  if (mine.open_hold >= 0)
    for (const LockFacts::OwnerDied& death : lock.owner_deaths)
      if (death.dead_lane == lane && death.t_ns >= lock.spans[static_cast<size_t>(mine.open_hold)].begin_ns)
        hold_end = std::min(hold_end, death.t_ns);
  EndSpan(lock, mine, mine.open_hold, hold_end);
}

std::optional<Deadlock> FindDeadlock(const std::map<uint32_t, LockFacts>& locks) {
  // Each waiting lane has one outgoing edge: to the holder of the lock it waits for.
  struct Edge {
    int to = -1;
    uint32_t waits_for = 0;
    int64_t since = 0;
  };
  std::map<int, Edge> waits;
  for (const auto& [id, lock] : locks) {
    const int holder = lock.Holder();
    for (int waiter : lock.Waiters()) {
      if (holder == kNoLane || holder == waiter) continue;
      const LockSpan& span = lock.spans[static_cast<size_t>(lock.lanes.Find(waiter)->open_wait)];
      waits[waiter] = {holder, id, span.begin_ns};
    }
  }
  for (const auto& [start, first] : waits) {
    // Follow the edges from `start`; a walk that comes back to a lane it passed is a cycle.
    std::vector<int> path;
    int at = start;
    while (waits.count(at) != 0 && std::find(path.begin(), path.end(), at) == path.end()) {
      path.push_back(at);
      at = waits[at].to;
    }
    const auto loop = std::find(path.begin(), path.end(), at);
    if (loop == path.end()) continue;
    Deadlock deadlock;
    for (auto it = loop; it != path.end(); ++it) {
      const Edge& edge = waits[*it];
      // What it holds: the lock the previous lane of the cycle waits for.
      const int previous = it == loop ? path.back() : *std::prev(it);
      deadlock.cycle.push_back({*it, waits[previous].waits_for, edge.waits_for});
      deadlock.formed_ns = std::max(deadlock.formed_ns, edge.since);
    }
    // Start the cycle at its lowest lane, so the same deadlock always reads the same way.
    const auto lowest = std::min_element(deadlock.cycle.begin(), deadlock.cycle.end(),
                                         [](const DeadlockEdge& x, const DeadlockEdge& y) { return x.lane < y.lane; });
    std::rotate(deadlock.cycle.begin(), lowest, deadlock.cycle.end());
    return deadlock;
  }
  return std::nullopt;
}

}  // namespace proclab

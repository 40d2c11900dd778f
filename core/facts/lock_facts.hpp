// Facts about locks, per lock id: every wait and every hold (who, from when, to when), who holds
// it and who waits for it at any moment, holders that died with it, and the wait-for graph
// between processes, with the cycle that is a deadlock.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/facts/lane_table.hpp"

namespace proclab {

enum class LockSpanKind : uint8_t { kWait, kHold };

struct LockSpan {
  int lane;
  LockSpanKind kind;
  int64_t begin_ns;
  int64_t end_ns = 0;  // 0: still open (waiting, or holding) as far as the events go
  bool cut = false;    // it ended because its process ended (it never got, or never released)
  bool open() const { return end_ns == 0; }
};

struct LockFacts {
  uint32_t id = 0;
  std::string name;  // from the run's declarations, e.g. "lock"
  std::vector<LockSpan> spans;  // in each lane's order; a lane's spans never overlap
  int64_t acquisitions = 0;
  struct PerLane {
    int64_t wait_ns = 0, hold_ns = 0, acquisitions = 0;
    int open_wait = -1, open_hold = -1;  // index into spans, or -1
  };
  LaneTable<PerLane> lanes;  // per lane (the parent is lane -1)
  struct OwnerDied {
    int64_t t_ns;
    int dead_lane;   // who died holding it
    int recovered_by;  // who was told (EOWNERDEAD) and recovered it
    // The holder was one ProcLab ended to stop the run (Stop, a stall, a deadlock): a side
    // effect of stopping, not a death the lesson shows (set when the facts are final).
    bool by_stop = false;
  };
  std::vector<OwnerDied> owner_deaths;

  int64_t wait_ns() const;
  int64_t hold_ns() const;
  // Who holds it, as far as the events go (kNoLane: nobody; the parent is kParentFactLane); the lanes waiting.
  int Holder() const;
  std::vector<int> Waiters() const;
  // The open hold's start (0 if nobody holds it).
  int64_t HeldSince() const;
};

// Folds one lock event of `lane` into `lock`.
void AddLockEvent(LockFacts& lock, int lane, const Event& event);
// A lane ended (exited or killed) at `t_ns`: its open spans end there.
void CloseLockSpans(LockFacts& lock, int lane, int64_t t_ns);

// One edge of the wait-for graph: `lane` holds `holds` and waits for `waits_for`, which the next
// lane of the cycle holds.
struct DeadlockEdge {
  int lane;
  uint32_t holds;
  uint32_t waits_for;
};
struct Deadlock {
  std::vector<DeadlockEdge> cycle;  // in wait-for order: cycle[i] waits for cycle[i + 1]
  int64_t formed_ns = 0;            // when the last of its waits began
};
// The first cycle in the wait-for graph of the locks' open spans (lane -> the lane holding the
// lock it waits for), or nullopt. Ended lanes have no open spans (CloseLockSpans).
std::optional<Deadlock> FindDeadlock(const std::map<uint32_t, LockFacts>& locks);

}  // namespace proclab

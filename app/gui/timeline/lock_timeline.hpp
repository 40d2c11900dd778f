// One lock's holds and waits indexed by lane for drawing a row of pixel columns: per column the
// lane that held it longest and every lane that waited for it, in O(lanes x log spans) per
// column however many times it was taken. Built from the lock's facts as they grow
// (core/facts/lock_facts.hpp); the spans themselves are the facts', not re-paired events.
#pragma once
#include <cstdint>
#include <vector>

#include "core/facts/lock_facts.hpp"

namespace proclab::gui {

struct LockColumn {
  int holder = kNoLane;  // the lane that held the lock longest in the column
  uint64_t waiting = 0;  // bit per lane that waited in it: bit lane + 1 (the parent is bit 0)
  static int Bit(int lane) { return lane + 1 < 63 ? lane + 1 : 63; }
  bool Waits(int lane) const { return (waiting >> Bit(lane)) & 1u; }
};

class LockTimeline {
 public:
  // Takes in the spans added or closed since the last call; starts over for another lock.
  void Update(const LockFacts& lock);
  // `columns` equal slices of [t_begin, t_end); spans still open reach `now_ns`.
  void Summarise(int64_t t_begin, int64_t t_end, int columns, int64_t now_ns,
                 std::vector<LockColumn>& out) const;
  // At one moment: who held it (kNoLane: nobody) and who waited.
  int HolderAt(int64_t t_ns, int64_t now_ns) const;
  std::vector<int> WaitersAt(int64_t t_ns, int64_t now_ns) const;
  // Every lane that held or waited for the lock, in the order they first did.
  std::vector<int> lanes() const;

 private:
  // One lane's closed spans of one kind, in time order (a lane's spans never overlap), with
  // their summed lengths; and the span still open, if any.
  struct Spans {
    std::vector<int64_t> begin, end, before;  // before[k]: total length of spans 0..k-1
    int open = -1;  // index into the lock's spans
    int64_t open_begin = 0;
    void Close(int64_t b, int64_t e);
    int64_t TimeIn(int64_t a, int64_t b, int64_t now_ns) const;
    bool Covers(int64_t t, int64_t now_ns) const;
  };
  struct Lane {
    int lane;
    Spans hold, wait;
  };
  Lane& LaneFor(int lane);

  const LockFacts* source_ = nullptr;
  uint32_t id_ = 0;
  size_t seen_ = 0;  // spans of the lock taken in
  std::vector<Lane> lanes_;
};

}  // namespace proclab::gui

// Facts about queues, per queue id: every put and get (who, when, which value, the depth it
// left), the items in the queue's own order with who put each one and who got it, depth over
// time, and every span a process was blocked on it (full or empty).
//
// Puts and gets are stamped while the queue's lock is held (core/shared_queue.cpp), so their
// time order is the queue's order: the k-th put's item is the one the k-th get took.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/facts/lane_table.hpp"

namespace proclab {

struct QueueOp {
  int64_t t_ns;
  int lane;
  int64_t value;
  int64_t depth_after;
  ValueType type = ValueType::kInt;  // how `value` reads (a Python queue carries any object)
};

struct QueueItemTrip {
  int64_t value;  // as the put's type says (QueueFacts::puts[k].type)
  int producer;      // lane that put it
  int consumer;      // lane that got it (kNoLane: still in the queue)
  int64_t put_ns, get_ns;  // get_ns 0: still in the queue
  int64_t put_depth, get_depth;  // the depth just after each
};

struct QueueBlockSpan {
  int lane;
  bool full;  // true: a put waited for room; false: a get waited for an item
  int64_t begin_ns;
  int64_t end_ns = 0;  // 0: still blocked as far as the events go
};

struct QueueFacts {
  uint32_t id = 0;
  std::string name;
  // Every put and every get, in time order (the queue's order). Events arrive lane by lane, in
  // batches: new ones are ordered into the rest when these are next read, in O(new + all).
  const std::vector<QueueOp>& puts() const { return Ordered(puts_, puts_ordered_); }
  const std::vector<QueueOp>& gets() const { return Ordered(gets_, gets_ordered_); }
  std::vector<QueueBlockSpan> blocked;
  int64_t max_depth = 0;
  struct PerLane {
    int64_t puts = 0, gets = 0, blocked_full_ns = 0, blocked_empty_ns = 0;
    int open_block = -1;
  };
  LaneTable<PerLane> lanes;  // per lane (the parent is lane -1)

  // Items in FIFO order: the k-th put matched with the k-th get.
  std::vector<QueueItemTrip> Trips() const;
  // Every put and get in time order (for replay), with a flag for gets.
  struct Step {
    int64_t t_ns;
    size_t trip;  // index into Trips()
    bool get;
  };
  std::vector<Step> Steps() const;
  int64_t DepthAt(int64_t t_ns) const;
  // Time lane spent blocked on a full queue (put) / an empty one (get), open spans up to `now`.
  int64_t BlockedFullNs(int lane, int64_t now_ns = 0) const;
  int64_t BlockedEmptyNs(int lane, int64_t now_ns = 0) const;

  // Appends a put or get (AddQueueEvent).
  void Record(bool put, const QueueOp& op);

 private:
  static const std::vector<QueueOp>& Ordered(std::vector<QueueOp>& ops, size_t& ordered);
  mutable std::vector<QueueOp> puts_, gets_;
  mutable size_t puts_ordered_ = 0, gets_ordered_ = 0;  // length of the time-ordered prefix
};

void AddQueueEvent(QueueFacts& queue, int lane, const Event& event);
void CloseQueueSpans(QueueFacts& queue, int lane, int64_t t_ns);

}  // namespace proclab

// The parent's record of a run: every event drained from the children's rings, kept per lane
// (one lane per child, plus the parent's own), each lane in time order. Append-only while the
// run lasts; the CLI, the exporter and the GUI read it.
#pragma once
#include <cstdint>
#include <vector>

#include "core/event.hpp"

namespace proclab {

class Trace {
 public:
  void Reset(int64_t t0_ns);
  // Appends events that came from one ring (already in that lane's time order).
  void Append(const std::vector<Event>& events);
  void SetDrops(int lane, uint64_t drops);
  // Every event of `lane` stamped before `t_ns` is in the trace (its ring was emptied at that
  // time, or read up to an event stamped then). A live view folds every lane up to one such
  // time, so the figures it shows belong to one moment.
  void SetWatermark(int lane, int64_t t_ns);
  // INT64_MAX where nobody said (the lane's events are all in, as far as anyone knows).
  int64_t watermark(int lane) const;

  int64_t t0_ns() const { return t0_ns_; }
  double Ms(int64_t t_ns) const { return static_cast<double>(t_ns - t0_ns_) / 1e6; }
  // Lanes 0..children-1 are children by index; ParentLane() is the parent's.
  int lanes() const { return static_cast<int>(lanes_.size()); }
  const std::vector<Event>& lane(int index) const;
  const std::vector<Event>& parent_lane() const { return parent_; }
  size_t size() const { return size_; }
  uint64_t drops() const;
  uint64_t drops(int lane) const;
  // Every lane merged in time order. On equal times the parent's event comes first (it is
  // usually the cause: a release, a step granted), then the children's in lane order.
  std::vector<Event> Merged() const;

 private:
  std::vector<Event>& LaneFor(uint16_t worker);

  int64_t t0_ns_ = 0;
  std::vector<std::vector<Event>> lanes_;
  std::vector<Event> parent_;
  std::vector<uint64_t> drops_;
  std::vector<int64_t> watermarks_;
  size_t size_ = 0;
};

}  // namespace proclab

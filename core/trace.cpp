#include "core/trace.hpp"

#include <algorithm>
#include <limits>
#include <queue>

namespace proclab {

void Trace::Reset(int64_t t0_ns) {
  t0_ns_ = t0_ns;
  lanes_.clear();
  parent_.clear();
  drops_.clear();
  watermarks_.clear();
  size_ = 0;
}

std::vector<Event>& Trace::LaneFor(uint16_t worker) {
  if (worker == kParentLane) return parent_;
  if (worker >= lanes_.size()) lanes_.resize(worker + 1u);
  return lanes_[worker];
}

void Trace::Append(const std::vector<Event>& events) {
  for (const Event& event : events) LaneFor(event.worker).push_back(event);
  size_ += events.size();
}

void Trace::SetDrops(int lane, uint64_t drops) {
  if (lane < 0) return;
  if (static_cast<size_t>(lane) >= drops_.size()) drops_.resize(static_cast<size_t>(lane) + 1);
  drops_[static_cast<size_t>(lane)] = drops;
}

void Trace::SetWatermark(int lane, int64_t t_ns) {
  if (lane < 0) return;
  if (static_cast<size_t>(lane) >= watermarks_.size())
    watermarks_.resize(static_cast<size_t>(lane) + 1, std::numeric_limits<int64_t>::max());
  watermarks_[static_cast<size_t>(lane)] = t_ns;
}

int64_t Trace::watermark(int lane) const {
  if (lane < 0 || static_cast<size_t>(lane) >= watermarks_.size()) return std::numeric_limits<int64_t>::max();
  return watermarks_[static_cast<size_t>(lane)];
}

const std::vector<Event>& Trace::lane(int index) const {
  static const std::vector<Event> kEmpty;
  if (index < 0 || static_cast<size_t>(index) >= lanes_.size()) return kEmpty;
  return lanes_[static_cast<size_t>(index)];
}

uint64_t Trace::drops() const {
  uint64_t total = 0;
  for (uint64_t d : drops_) total += d;
  return total;
}

uint64_t Trace::drops(int lane) const {
  return lane >= 0 && static_cast<size_t>(lane) < drops_.size() ? drops_[static_cast<size_t>(lane)]
                                                                  : 0;
}

std::vector<Event> Trace::Merged() const {
  std::vector<Event> merged;
  merged.reserve(size_);
  // k-way merge: each lane is already sorted by time.
  struct Cursor {
    const std::vector<Event>* lane;
    size_t next;
    size_t order;
  };
  auto later = [](const Cursor& x, const Cursor& y) {
    const Event& a = (*x.lane)[x.next];
    const Event& b = (*y.lane)[y.next];
    return a.t_ns != b.t_ns ? a.t_ns > b.t_ns : x.order > y.order;
  };
  std::priority_queue<Cursor, std::vector<Cursor>, decltype(later)> heap(later);
  if (!parent_.empty()) heap.push(Cursor{&parent_, 0, 0});
  for (size_t i = 0; i < lanes_.size(); ++i)
    if (!lanes_[i].empty()) heap.push(Cursor{&lanes_[i], 0, i + 1});
  while (!heap.empty()) {
    Cursor c = heap.top();
    heap.pop();
    merged.push_back((*c.lane)[c.next]);
    if (++c.next < c.lane->size()) heap.push(c);
  }
  return merged;
}

}  // namespace proclab

// Per-lane records of a fact: children by index (0, 1, ...), and the parent (lane -1), which
// writes its own events (a queue it drains, a lock it takes) like any process.
#pragma once
#include <cstddef>
#include <vector>

namespace proclab {

// The lane number facts use: a child's index, or this for the parent's lane.
inline constexpr int kParentFactLane = -1;
// "No lane": nobody holds the lock, nobody got the item ...
inline constexpr int kNoLane = -2;

template <class T>
class LaneTable {
 public:
  T& operator[](int lane) {
    if (lane < 0) return parent_;
    const auto index = static_cast<size_t>(lane);
    if (index >= children_.size()) children_.resize(index + 1);
    return children_[index];
  }
  // nullptr when the lane has no record.
  const T* Find(int lane) const {
    if (lane < 0) return &parent_;
    const auto index = static_cast<size_t>(lane);
    return index < children_.size() ? &children_[index] : nullptr;
  }
  const std::vector<T>& children() const { return children_; }
  const T& parent() const { return parent_; }
  // Calls f(lane, record) for the parent (-1), then each child.
  template <class F>
  void ForEach(F&& f) const {
    f(kParentFactLane, parent_);
    for (size_t i = 0; i < children_.size(); ++i) f(static_cast<int>(i), children_[i]);
  }
  template <class F>
  void ForEach(F&& f) {
    f(kParentFactLane, parent_);
    for (size_t i = 0; i < children_.size(); ++i) f(static_cast<int>(i), children_[i]);
  }

 private:
  std::vector<T> children_;
  T parent_{};
};

}  // namespace proclab

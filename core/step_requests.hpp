// The steps a learner asked for that no child has taken yet: posted by the UI thread (a click) or
// given up front (a schedule such as 1r,2r,1w,2w), taken one at a time by the thread that runs
// the step scheduler. One queue for a lesson's run and a Python program's.
#pragma once
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace proclab {

class StepRequests {
 public:
  void Post(int child, char what) {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(child, what);
  }
  // The oldest step asked for, or nullopt if there is none yet.
  std::optional<std::pair<int, char>> TryTake() {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) return std::nullopt;
    const std::pair<int, char> step = queue_.front();
    queue_.pop_front();
    return step;
  }

 private:
  std::mutex mutex_;
  std::deque<std::pair<int, char>> queue_;
};

}  // namespace proclab

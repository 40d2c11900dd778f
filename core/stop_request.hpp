// A stop asked for from any thread, and when it was first asked for: the run thread polls it,
// and a stopped run's reports say how soon its children ended after it (StopToEndedMs).
#pragma once
#include <atomic>
#include <cstdint>

#include "core/clock.hpp"

namespace proclab {

class StopRequest {
 public:
  void Ask() {
    int64_t unset = 0;
    at_ns_.compare_exchange_strong(unset, MonotonicNs());  // the first ask counts
  }
  bool asked() const { return at_ns_.load() != 0; }
  // When it was asked for; a stop seen another way first (a signal's flag) counts from `now_ns`.
  int64_t AskedAtOr(int64_t now_ns) const {
    const int64_t at = at_ns_.load();
    return at != 0 ? at : now_ns;
  }

 private:
  std::atomic<int64_t> at_ns_{0};
};

}  // namespace proclab

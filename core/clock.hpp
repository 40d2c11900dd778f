// Monotonic time in nanoseconds: the one clock every process of a run stamps events with.
#pragma once
#include <time.h>

#include <cstdint>

namespace proclab {

inline int64_t MonotonicNs() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

inline double NsToMs(int64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace proclab

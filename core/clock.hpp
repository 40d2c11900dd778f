// Clocks. MonotonicNs is CLOCK_MONOTONIC in nanoseconds: the time base of every trace.
// Children stamp events with TraceTicks, the CPU's invariant time-stamp counter where there is
// one (a few ns, against ~25-50 ns for clock_gettime), and the parent converts ticks to
// CLOCK_MONOTONIC nanoseconds as it drains the rings (CurrentTickScale). Without an invariant TSC,
// ticks are nanoseconds and the conversion is the identity.
#pragma once
#include <time.h>

#include <atomic>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace proclab {

inline int64_t MonotonicNs() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

inline double NsToMs(int64_t ns) { return static_cast<double>(ns) / 1e6; }

// True when the CPU's TSC runs at a constant rate in every state (CPUID 80000007h EDX bit 8).
// Asks the CPU once per process. CPUID traps to the hypervisor in a virtual machine (~17 us
// each on the machines we measured), so a child does not ask: it takes the parent's answer
// from the run header through UseTscForTrace before its first event.
bool TscIsInvariant();
void UseTscForTrace(bool use_tsc);

namespace detail {
// -1: not decided yet, 0: CLOCK_MONOTONIC, 1: the TSC.
inline std::atomic<int> trace_clock{-1};
int DecideTraceClock();
}  // namespace detail

inline int64_t TraceTicks() noexcept {
#if defined(__x86_64__)
  int clock = detail::trace_clock.load(std::memory_order_relaxed);
  if (clock < 0) clock = detail::DecideTraceClock();
  if (clock == 1) return static_cast<int64_t>(__rdtsc());
#endif
  return MonotonicNs();
}

// Converts TraceTicks values to CLOCK_MONOTONIC nanoseconds. The TSC rate is measured against
// CLOCK_MONOTONIC since this process started, so it grows more exact the longer we run. Take one
// scale per batch (a drain), not one per event: taking it reads the clock.
struct TickScale {
  int64_t ticks0 = 0;
  int64_t ns0 = 0;
  double ns_per_tick = 1.0;
  bool identity = true;
  int64_t ToNs(int64_t ticks) const {
    return identity ? ticks
                    : ns0 + static_cast<int64_t>(static_cast<double>(ticks - ticks0) * ns_per_tick);
  }
};
TickScale CurrentTickScale();

}  // namespace proclab

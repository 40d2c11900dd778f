#include "core/clock.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace proclab {

bool TscIsInvariant() {
#if defined(__x86_64__)
  static const bool invariant = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007u) return false;
    __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx);
    return (edx & (1u << 8)) != 0;
  }();
  return invariant;
#else
  return false;
#endif
}

void UseTscForTrace(bool use_tsc) {
  detail::trace_clock.store(use_tsc ? 1 : 0, std::memory_order_relaxed);
}

int detail::DecideTraceClock() {
  const int clock = TscIsInvariant() ? 1 : 0;
  detail::trace_clock.store(clock, std::memory_order_relaxed);
  return clock;
}

namespace {

// Both clocks sampled as early as possible, so the measured TSC rate spans the whole process.
// Reading the TSC here is harmless where it is not used; no CPUID at start-up (see clock.hpp).
struct TickBase {
  int64_t ticks0 = RawTicks();
  int64_t ns0 = MonotonicNs();
  static int64_t RawTicks() {
#if defined(__x86_64__)
    return static_cast<int64_t>(__rdtsc());
#else
    return 0;
#endif
  }
};
const TickBase& Base() {
  static const TickBase base;
  return base;
}
[[maybe_unused]] const TickBase& kBaseAtStart = Base();

}  // namespace

TickScale CurrentTickScale() {
  const TickBase& base = Base();
  TickScale scale;
  const int64_t now_ticks = TraceTicks();  // decides the clock if no event did yet
  const int64_t now_ns = MonotonicNs();
  if (detail::trace_clock.load(std::memory_order_relaxed) != 1) return scale;
  if (now_ticks <= base.ticks0 || now_ns <= base.ns0) return scale;
  scale.identity = false;
  scale.ticks0 = base.ticks0;
  scale.ns0 = base.ns0;
  scale.ns_per_tick =
      static_cast<double>(now_ns - base.ns0) / static_cast<double>(now_ticks - base.ticks0);
  return scale;
}

}  // namespace proclab

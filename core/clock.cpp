#include "core/clock.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace proclab {

bool TscIsInvariant() {
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007u) return false;
  __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx);
  return (edx & (1u << 8)) != 0;
#else
  return false;
#endif
}

namespace {

struct TickBase {
  bool tsc = TscIsInvariant();
  int64_t ticks0 = TraceTicks();
  int64_t ns0 = MonotonicNs();
};
const TickBase& Base() {
  static const TickBase base;
  return base;
}
[[maybe_unused]] const TickBase& kBaseAtStart = Base();  // sampled as early as possible

}  // namespace

TickScale CurrentTickScale() {
  const TickBase& base = Base();
  TickScale scale;
  if (!base.tsc) return scale;
  const int64_t now_ticks = TraceTicks();
  const int64_t now_ns = MonotonicNs();
  if (now_ticks <= base.ticks0 || now_ns <= base.ns0) return scale;
  scale.identity = false;
  scale.ticks0 = base.ticks0;
  scale.ns0 = base.ns0;
  scale.ns_per_tick =
      static_cast<double>(now_ns - base.ns0) / static_cast<double>(now_ticks - base.ticks0);
  return scale;
}

}  // namespace proclab

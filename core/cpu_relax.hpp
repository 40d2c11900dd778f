// One step of a busy wait: tells the CPU we are spinning (x86 `pause`, Arm `yield`), which saves
// power and lets the other hyper-thread run, and leaves the cache line alone for a moment.
#pragma once

namespace proclab {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace proclab

// The start line of a run: children attach, arrive here, and wait; the parent releases them all
// at once, so they truly overlap instead of the first one finishing before the last has started.
#pragma once
#include <atomic>
#include <cstdint>

namespace proclab {

struct StartBarrier {
  std::atomic<uint32_t> arrived{0};   // futex word: the parent waits on it for arrivals
  std::atomic<uint32_t> released{0};  // futex word: 0 until the parent says go

  // Child: counts itself in and sleeps until released. `keep_waiting` is called about every
  // 100 ms; returning false abandons the wait (the parent is gone) and returns false.
  template <class KeepWaiting>
  bool ArriveAndWait(KeepWaiting keep_waiting);
  // Parent: lets every waiting child go.
  void Release();
};

}  // namespace proclab

#include "core/futex.hpp"

namespace proclab {

template <class KeepWaiting>
bool StartBarrier::ArriveAndWait(KeepWaiting keep_waiting) {
  arrived.fetch_add(1, std::memory_order_acq_rel);
  FutexWakeAll(arrived);  // the parent sleeps on `arrived` until everyone is in
  while (released.load(std::memory_order_acquire) == 0) {
    FutexWait(released, 0, 100'000'000);
    if (released.load(std::memory_order_acquire) == 0 && !keep_waiting()) return false;
  }
  return true;
}

inline void StartBarrier::Release() {
  released.store(1, std::memory_order_release);
  FutexWakeAll(released);
}

}  // namespace proclab

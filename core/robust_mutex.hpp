// A process-shared lock that survives the death of its holder.
// Boost 1.74's interprocess_mutex is a plain process-shared pthread mutex: if a process dies
// holding it, every later lock() hangs forever. This one is PTHREAD_MUTEX_ROBUST: the next
// locker is told the owner died, marks the lock consistent, and carries on.
//
// TracedLock wraps it for one child and emits wait / acquired / released events, so lock
// instrumentation lives in the primitive, not in lesson code. It is BasicLockable, so
// std::lock_guard and std::unique_lock work with it.
#pragma once
#include <pthread.h>

#include <atomic>
#include <cstdint>

#include "core/event_ring.hpp"

namespace proclab {

class RobustMutex {
 public:
  enum class Locked { kClean, kOwnerDied };

  RobustMutex();
  ~RobustMutex();
  RobustMutex(const RobustMutex&) = delete;
  RobustMutex& operator=(const RobustMutex&) = delete;

  // `who` is the caller's worker index, recorded as the holder while it holds the lock.
  Locked Lock(int32_t who);
  bool TryLock(int32_t who);
  void Unlock();

  int32_t holder() const { return holder_.load(std::memory_order_relaxed); }
  // The worker that died holding the lock most recently, or -1.
  int32_t died_holding() const { return died_holding_.load(); }
  pthread_mutex_t* native() { return &mutex_; }
  // For condition variables: after pthread_cond_wait returned EOWNERDEAD.
  void RecoverAfterOwnerDied(int32_t who);

 private:
  Locked Acquired(int result, int32_t who);
  pthread_mutex_t mutex_;
  std::atomic<int32_t> holder_{-1};
  std::atomic<int32_t> died_holding_{-1};
};

class TracedLock {
 public:
  // `lock_id`: the lock's id in events (the `object` of kLockWait ...), as the lesson declared it.
  TracedLock(RobustMutex& mutex, const Emitter& emit, int32_t who, uint32_t lock_id = 0)
      : mutex_(mutex), emit_(emit), who_(who), lock_id_(lock_id) {}
  void lock();
  void unlock();
  RobustMutex& mutex() { return mutex_; }

 private:
  RobustMutex& mutex_;
  const Emitter& emit_;
  int32_t who_;
  uint32_t lock_id_;
};

}  // namespace proclab

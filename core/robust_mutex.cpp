#include "core/robust_mutex.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/cpu_relax.hpp"

namespace proclab {

RobustMutex::RobustMutex() {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  const int result = pthread_mutex_init(&mutex_, &attr);
  pthread_mutexattr_destroy(&attr);
  if (result != 0)
    throw std::runtime_error(std::string("cannot create a robust mutex: ") + std::strerror(result));
}

RobustMutex::~RobustMutex() { pthread_mutex_destroy(&mutex_); }

RobustMutex::Locked RobustMutex::Acquired(int result, int32_t who) {
  Locked how = Locked::kClean;
  if (result == EOWNERDEAD) {
    RecoverAfterOwnerDied(who);
    how = Locked::kOwnerDied;
  } else if (result != 0) {
    throw std::runtime_error(std::string("cannot lock: ") + std::strerror(result));
  }
  holder_.store(who, std::memory_order_relaxed);
  return how;
}

void RobustMutex::RecoverAfterOwnerDied(int32_t who) {
  // The dead holder's index is still in holder_: it never got to clear it.
  died_holding_.store(holder_.load());
  pthread_mutex_consistent(&mutex_);
  holder_.store(who, std::memory_order_relaxed);
}

namespace {
// How many `pause`s a locker watches a held lock before it sleeps in the kernel: ~3 us here,
// about what a futex sleep and wake-up cost.
constexpr int kSpins = 100;
}  // namespace

RobustMutex::Locked RobustMutex::Lock(int32_t who) {
  // Adaptive: a holder on another core usually lets go within a few hundred nanoseconds, and
  // reading holder_ (no write: the holder keeps its cache line) until it reads free costs less
  // than sleeping on the futex and being woken by a system call. A holder that died leaves
  // holder_ set: the spin just ends, and pthread_mutex_lock reports EOWNERDEAD.
  if (holder_.load(std::memory_order_relaxed) >= 0 && MultiCore())
    for (int i = 0; i < kSpins && holder_.load(std::memory_order_relaxed) >= 0; ++i) CpuRelax();
  const int result = pthread_mutex_lock(&mutex_);
  if (result == 0) {
    holder_.store(who, std::memory_order_relaxed);
    return Locked::kClean;
  }
  return Acquired(result, who);
}

bool RobustMutex::TryLock(int32_t who) {
  const int result = pthread_mutex_trylock(&mutex_);
  if (result == EBUSY) return false;
  Acquired(result, who);
  return true;
}

void RobustMutex::Unlock() {
  holder_.store(-1, std::memory_order_relaxed);
  pthread_mutex_unlock(&mutex_);
}

void TracedLock::lock() {
  emit_.Emit(EventKind::kLockWait, lock_id_);
  const RobustMutex::Locked how = mutex_.Lock(who_);
  // Stamped holding the lock, so hold spans never overlap in the trace.
  if (how == RobustMutex::Locked::kOwnerDied)
    emit_.Emit(EventKind::kLockOwnerDied, lock_id_, mutex_.died_holding());
  emit_.Emit(EventKind::kLockAcquired, lock_id_);
}

void TracedLock::unlock() {
  emit_.Emit(EventKind::kLockReleased, lock_id_);  // still holding it
  mutex_.Unlock();
}

}  // namespace proclab

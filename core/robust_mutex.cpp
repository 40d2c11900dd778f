#include "core/robust_mutex.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

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

RobustMutex::Locked RobustMutex::Lock(int32_t who) {
  return Acquired(pthread_mutex_lock(&mutex_), who);
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

#include "core/futex.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <climits>

namespace proclab {
namespace {
static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
static_assert(std::atomic<uint32_t>::is_always_lock_free);

long Futex(std::atomic<uint32_t>& word, int op, uint32_t value, const timespec* timeout) {
  return syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), op, value, timeout, nullptr, 0);
}
}  // namespace

void FutexWait(std::atomic<uint32_t>& word, uint32_t expected, int64_t timeout_ns) {
  if (timeout_ns < 0) {
    Futex(word, FUTEX_WAIT, expected, nullptr);
    return;
  }
  const timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000),
                    static_cast<long>(timeout_ns % 1'000'000'000)};
  Futex(word, FUTEX_WAIT, expected, &ts);
}

void FutexWakeAll(std::atomic<uint32_t>& word) { Futex(word, FUTEX_WAKE, INT_MAX, nullptr); }
void FutexWakeOne(std::atomic<uint32_t>& word) { Futex(word, FUTEX_WAKE, 1, nullptr); }

}  // namespace proclab

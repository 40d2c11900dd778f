// Waiting on a 32-bit word in shared memory (Linux futex, process-shared).
#pragma once
#include <atomic>
#include <cstdint>

namespace proclab {

// Sleeps while `*word == expected`, at most `timeout_ns` (negative: no limit). Spurious wake-ups
// are possible; callers re-check their condition.
void FutexWait(std::atomic<uint32_t>& word, uint32_t expected, int64_t timeout_ns);
void FutexWakeAll(std::atomic<uint32_t>& word);
void FutexWakeOne(std::atomic<uint32_t>& word);

}  // namespace proclab

// The fixed-size event every child writes for each observable step it takes.
// One enum of kinds; the meaning of the two values `a` and `b` is fixed per kind (see below),
// so the CLI, the exporter and the GUI all read events the same way.
#pragma once
#include <cstdint>
#include <string_view>

namespace proclab {

enum class EventKind : uint16_t {
  kStarted,        // a: pid                      the child passed the start barrier
  kFinished,       // a: exit code                the child's code returned
  kFailed,         // a: error code               the child's code threw (text in its slot)
  kRead,           // a: value read,  b: slot     (slot 0 = counter, 1.. = array elements)
  kWrite,          // a: value written, b: slot
  kSleep,          // a: microseconds asked
  kLockWait,       // a: lock id                  the child starts waiting for the lock
  kLockAcquired,   // a: lock id
  kLockReleased,   // a: lock id
  kLockOwnerDied,  // a: lock id, b: worker index of the dead holder
  kQueuePut,       // a: value, b: depth after
  kQueueGet,       // a: value, b: depth after
  kQueueBlocked,   // a: 0 = full (put), 1 = empty (get)
  kQueueUnblocked, // a: same as kQueueBlocked
  kTaskStart,      // a: first item, b: last item
  kTaskEnd,        // a: first item, b: last item
  kStepWait,       // a: step kind (0 read, 1 write)  the child waits for the scheduler
  kMessage,        // a: lesson-defined code, b: value
  kCount
};

struct Event {
  int64_t t_ns;     // CLOCK_MONOTONIC ns in a Trace; TraceTicks in a ring (see core/clock.hpp)
  uint16_t worker;  // index of the child; the parent uses kParentLane
  EventKind kind;
  uint32_t reserved;
  int64_t a;
  int64_t b;
};
static_assert(sizeof(Event) == 32, "events are copied through rings in 32-byte slots");

// The worker index of the parent's own events (Trace keeps them in parent_lane()).
inline constexpr uint16_t kParentLane = 0xFFFF;

std::string_view EventKindName(EventKind kind);

}  // namespace proclab

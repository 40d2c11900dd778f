// The fixed-size event every process of a run writes for each observable step it takes.
// One enum of kinds; what `object`, `a` and `b` mean is fixed per kind by one table
// (core/event_schema.hpp), so the fact layer, the CLI, the exporter and the GUI all read events
// the same way. Lesson-specific meaning never hides in an event: a lesson names its objects
// with kDeclare / kName events, and the facts carry those names.
#pragma once
#include <cstdint>
#include <string_view>

namespace proclab {

enum class EventKind : uint8_t {
  // The life of a process (on its own lane).
  kStarted,   // a: pid, b: parent pid (Python; 0)    passed the start barrier / attached
  kFinished,  // a: exit code                        the child's code returned
  kFailed,    // a: 1                                the child reported an error (text in its slot)
  kSleep,     // a: microseconds asked               the lane sleeps [t, t + a)
  kStepWait,  // a: 0 before a read, 1 before a write  waits for the learner's step
  kResult,    // a: value                            a child's result (the last square ...)
  // Naming the run's objects (any lane; the parent's before the children start).
  kDeclare,  // object: id, a: ObjectKind, b: initial value (as `type` says)
  kName,     // object: id, a, b: 16 bytes of UTF-8; a name is its kName chunks in order
  // Shared memory: a Value, or one element of an Array.
  kRead,   // object: slot, a: value read
  kWrite,  // object: slot, a: value written, b: the value it replaced (an atomic exchange)
  // Locks. Acquired is stamped holding the lock, Released still holding it: hold spans are exact.
  kLockWait,       // object: lock                 begins waiting
  kLockAcquired,   // object: lock                 ends the wait, begins the hold
  kLockReleased,   // object: lock                 ends the hold
  kLockOwnerDied,  // object: lock, a: lane of the holder that died with it
  // Queues. Put and get are stamped under the queue's lock: their order is the queue's order.
  kQueuePut,        // object: queue, a: value, b: depth after
  kQueueGet,        // object: queue, a: value, b: depth after
  kQueueBlocked,    // object: queue, a: 0 full (put), 1 empty (get)
  kQueueUnblocked,  // object: queue, a: as kQueueBlocked
  // A unit of work: a pool task, or a child's whole job (pool 0).
  kTaskStart,   // object: pool, a: first item, b: last item
  kTaskEnd,     // object: pool, a: first item, b: last item   the task returned
  kTaskFailed,  // object: pool, a: first item, b: last item   the task raised
  // A process pool (the parent's lane).
  kPoolState,     // object: pool, a: PoolState
  kPoolCallback,  // object: pool, a: value (apply) or how many values (map), b: 1 error callback
  kPoolReplaced,  // object: pool, a: lane of the dead worker, b: lane of its replacement
  // The run itself (the parent's lane).
  kKill,       // a: lane, b: signal, object: KillReason   the parent signals a child
  kJoinBegin,  // a: lane                          the parent begins join() of one child
  kJoinEnd,    // a: lane                          that join() returned
  kStall,      // object: the lock or queue id, a: StallCause, b: ms without progress
  // Python programs (proclab-cli trace): written by the tracer inside each Python process.
  kLine,           // object: file, a: line              the process is now on this line
  kChildExit,      // a: pid of a child, b: exit code (>= 0) or -signal   as the process learnt it
  kProcessJoin,    // a: pid                             begins join() of a child process
  kProcessJoined,  // a: pid, b: exit code, or kStillRunning   that join() returned
  kLockGaveUp,     // object: lock                       a wait ended without the lock (timeout)
  kPoolCall,       // object: pool, a: PoolCall, b: chunksize   the method of the next submission
  kPoolSubmit,     // object: pool, a: job, b: items     work handed to the pool
  kTaskJob,        // object: pool, a: job               the next task on this lane is of that job
  kFinalValue,     // object: slot, a: value (as type says)   the slot's value at the end
  kCount
};

// How `a` (and `b` where the schema says "as type says") hold a value.
enum class ValueType : uint8_t {
  kInt,     // int64
  kDouble,  // the bits of a double (std::bit_cast)
  kText,    // up to 8 bytes of UTF-8, zero-padded (a short string put on a Python queue)
  kOpaque,  // a value events do not carry (a list, an object ...): the field is 0
};

// What a kDeclare names.
enum class ObjectKind : int64_t {
  kSlot,
  kLock,
  kQueue,
  kPool,
  kProcess,   // id: a lane; the name of the process on it ("MainProcess", "Process-1")
  kFile,      // id: a file of a Python program; the name is its path (kLine's object)
  kArray,     // id: the array's first slot, b: its length; the name of the whole array
  kTypecode,  // id: a Value's slot or an Array's first slot, b: its typecode ('i', 'd' ...)
};

// How a Python program handed work to a pool (kPoolCall's a).
enum class PoolCall : int64_t { kMap, kMapAsync, kApply, kApplyAsync, kImap, kImapUnordered,
                                kStarmap, kStarmapAsync };
std::string_view PoolCallName(PoolCall call);  // "map", "apply_async" ...

// kProcessJoined's b when join(timeout) returned with the child still running.
inline constexpr int64_t kStillRunning = INT64_MIN;

// Why the parent signalled a child (kKill's object).
enum class KillReason : uint32_t {
  kLesson,    // the lesson kills it on purpose (kill the lock holder, pool terminate ...)
  kStop,      // Stop, Ctrl-C, or the end of a run that had to be cut short
  kStall,     // a stall or deadlock was detected: the run ends its children
  kDeadline,  // still alive when the lesson's parent side ended
};

// Why a run stalled (kStall's a).
enum class StallCause : int64_t {
  kNoProgress,        // no process made progress (a lock nobody releases ...)
  kQueueFullNoGet,    // producers block on a full queue that nobody drains (join before drain)
  kDeadlock,          // a cycle of processes, each waiting for a lock the next one holds
};

enum class PoolState : int64_t { kRunning, kClosed, kTerminated, kJoined };
std::string_view PoolStateName(PoolState state);  // "running", "closed" ...

struct Event {
  int64_t t_ns;     // CLOCK_MONOTONIC ns in a Trace; TraceTicks in a ring (see core/clock.hpp)
  uint16_t worker;  // lane: the child's index; the parent writes kParentLane
  EventKind kind;
  ValueType type;   // how `a` holds a value
  uint32_t object;  // which slot, lock, queue or job (see the kind)
  int64_t a;
  int64_t b;
};
static_assert(sizeof(Event) == 32, "events are copied through rings in 32-byte slots");

// A queue's own lock in lock events (kLockOwnerDied when a holder died inside a put or get):
// the queue's id with this bit set, apart from the locks a lesson declares.
inline constexpr uint32_t kQueueLockBit = 1u << 31;

// The worker index of the parent's own events (Trace keeps them in parent_lane()).
inline constexpr uint16_t kParentLane = 0xFFFF;

std::string_view EventKindName(EventKind kind);

}  // namespace proclab

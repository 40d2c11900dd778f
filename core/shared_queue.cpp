#include "core/shared_queue.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <new>
#include <stdexcept>

#include "core/clock.hpp"
#include "core/cpu_relax.hpp"
#include "core/futex.hpp"
#include "core/run.hpp"
#include "core/segment.hpp"

namespace proclab {

const char* QueueStatusName(QueueStatus status) {
  switch (status) {
    case QueueStatus::kOk: return "ok";
    case QueueStatus::kTimeout: return "timeout";
    case QueueStatus::kClosed: return "closed";
    case QueueStatus::kAbandoned: return "abandoned";
  }
  return "unknown";
}

QueueCaller QueueCaller::Traced(const Emitter& emitter, int32_t who) {
  QueueCaller caller;
  caller.emit = [](const void* sink, EventKind kind, uint32_t object, int64_t a, int64_t b) {
    static_cast<const Emitter*>(sink)->Emit(kind, object, a, b);
  };
  caller.sink = &emitter;
  caller.who = who;
  return caller;
}

size_t SharedQueue::BytesFor(uint32_t capacity, uint32_t slot_bytes) {
  return kHeaderBytes + static_cast<size_t>(capacity) * slot_bytes;
}

SharedQueue* SharedQueue::Create(void* memory, uint32_t capacity, uint32_t slot_bytes,
                                 uint32_t id) {
  static_assert(sizeof(SharedQueue) <= kHeaderBytes);
  if (capacity == 0) throw std::invalid_argument("a queue needs room for at least one item");
  if (slot_bytes == 0 || slot_bytes % 8 != 0)
    throw std::invalid_argument("queue slots are a positive multiple of 8 bytes");
  return new (memory) SharedQueue(capacity, slot_bytes, id);
}

namespace {
// What the segment keeps under the queue's name: where the queue itself lives.
struct QueueAnchor {
  boost::interprocess::managed_shared_memory::handle_t handle;
};
}  // namespace

SharedQueue* SharedQueue::Construct(Segment& segment, const char* name, uint32_t capacity,
                                    uint32_t slot_bytes, uint32_t id) {
  boost::interprocess::managed_shared_memory::handle_t handle = 0;
  void* memory = segment.Allocate(BytesFor(capacity, slot_bytes), &handle);
  SharedQueue* queue = Create(memory, capacity, slot_bytes, id);
  segment.Construct<QueueAnchor>(name, QueueAnchor{handle});
  return queue;
}

SharedQueue* SharedQueue::Find(Segment& segment, const char* name) {
  const QueueAnchor* anchor = segment.Find<QueueAnchor>(name);
  return anchor == nullptr ? nullptr : static_cast<SharedQueue*>(segment.FromHandle(anchor->handle));
}

namespace {
constexpr int64_t kWaitSpinNs = 10'000;
}  // namespace

void SharedQueue::Lock(const QueueCaller& caller) {
  // The critical section is a few stores: the robust mutex's own short spin usually gets the
  // lock without a syscall.
  if (mutex_.Lock(caller.who) == RobustMutex::Locked::kOwnerDied)
    // The ring is consistent at every instant (head and tail are single stores), so the queue
    // carries on; the trace records whose death it survived.
    caller.Emit(EventKind::kLockOwnerDied, kQueueLockBit | id_, mutex_.died_holding());
}

size_t SharedQueue::size() const {
  const uint64_t head = head_.load(std::memory_order_acquire);
  const uint64_t tail = tail_.load(std::memory_order_acquire);
  return tail > head ? std::min<uint64_t>(tail - head, capacity_) : 0;
}

namespace {

// Deadline bookkeeping shared by put and get: slices the wait so keep_waiting is asked
// regularly. Reads the clock only once a wait begins, keeping the fast path free of it.
struct WaitClock {
  int64_t timeout_ns;
  int64_t slice_ns;
  int64_t deadline = 0;
  int64_t next_check = 0;
  bool started = false;
  WaitClock(int64_t timeout, int64_t slice) : timeout_ns(timeout), slice_ns(slice) {}
  // How long the next futex sleep may last (at most one slice), or 0 once the deadline passed.
  int64_t NextSleep() {
    const int64_t now = MonotonicNs();
    if (!started) {
      started = true;
      deadline = timeout_ns < 0 ? INT64_MAX : now + timeout_ns;
      next_check = now + slice_ns;
    }
    if (now >= deadline) return 0;
    return std::max<int64_t>(1, std::min(deadline - now, slice_ns));
  }
};

// Asks keep_waiting at most once per slice; true to keep waiting.
bool StillWaiting(WaitClock& clock, const QueueCaller& caller) {
  if (!caller.keep_waiting) return true;
  const int64_t now = MonotonicNs();
  if (now < clock.next_check) return true;
  clock.next_check = now + caller.slice_ns;
  return caller.keep_waiting();
}

}  // namespace

QueueStatus SharedQueue::PutRaw(const void* item, size_t bytes, int64_t trace_value,
                                const QueueCaller& caller, int64_t timeout_ns) {
  if (bytes > slot_bytes_) throw std::invalid_argument("item larger than the queue's slots");
  WaitClock clock(timeout_ns, caller.slice_ns);
  bool blocked = false;
  bool spun = false;
  QueueStatus status = QueueStatus::kOk;
  while (true) {
    Lock(caller);
    if (closed_.load(std::memory_order_relaxed) != 0) {
      mutex_.Unlock();
      status = QueueStatus::kClosed;
      break;
    }
    const uint64_t head = head_.load(std::memory_order_relaxed);
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head < capacity_) {
      std::memcpy(Slot(tail), item, bytes);
      tail_.store(tail + 1, std::memory_order_release);  // the one store that publishes the item
      const uint32_t depth = static_cast<uint32_t>(tail + 1 - head);
      if (depth > max_depth_.load(std::memory_order_relaxed))
        max_depth_.store(depth, std::memory_order_relaxed);
      // The waker takes every registered sleeper off the list and wakes them all: one syscall
      // per sleep, not one per put while a woken getter waits for a core. Sleepers register
      // under the lock, so a plain load tells whether there are any: no atomic write (and no
      // cache line taken from the other side) on a put that wakes nobody.
      const bool wake = get_waiters_.load(std::memory_order_relaxed) != 0 &&
                        get_waiters_.exchange(0, std::memory_order_relaxed) > 0;
      if (wake) not_empty_.fetch_add(1, std::memory_order_release);
      // Stamped under the lock: the events' time order is the queue's order.
      if (blocked) caller.Emit(EventKind::kQueueUnblocked, id_, 0);
      caller.Emit(EventKind::kQueuePut, id_, trace_value, depth);
      mutex_.Unlock();
      if (wake) FutexWakeAll(not_empty_);
      return QueueStatus::kOk;
    }
    // Full: sleep until a get bumps not_full_ (read under the lock, so no wake-up is lost).
    const int64_t sleep_ns = clock.NextSleep();
    if (sleep_ns == 0) {
      mutex_.Unlock();
      status = QueueStatus::kTimeout;
      break;
    }
    if (!spun && MultiCore()) {  // a consumer on another core usually makes room within µs
      mutex_.Unlock();
      spun = true;
      const int64_t until = MonotonicNs() + std::min(kWaitSpinNs, sleep_ns);
      while (head_.load(std::memory_order_acquire) == head && closed_.load() == 0 &&
             MonotonicNs() < until)
        CpuRelax();
      continue;
    }
    const uint32_t seen = not_full_.load(std::memory_order_acquire);
    put_waiters_.fetch_add(1, std::memory_order_relaxed);
    mutex_.Unlock();
    if (!blocked) caller.Emit(EventKind::kQueueBlocked, id_, 0);
    blocked = true;
    FutexWait(not_full_, seen, sleep_ns);  // the waker unregisters us; a timed-out sleeper
                                           // stays registered and costs one spare wake later
    if (!StillWaiting(clock, caller)) {
      status = QueueStatus::kAbandoned;
      break;
    }
  }
  if (blocked) caller.Emit(EventKind::kQueueUnblocked, id_, 0);
  return status;
}

QueueStatus SharedQueue::GetRaw(void* item, size_t bytes, const QueueCaller& caller,
                                int64_t timeout_ns, void (*on_taken)(const void*, void*),
                                void* context) {
  if (bytes > slot_bytes_) throw std::invalid_argument("item larger than the queue's slots");
  WaitClock clock(timeout_ns, caller.slice_ns);
  bool blocked = false;
  bool spun = false;
  QueueStatus status = QueueStatus::kOk;
  while (true) {
    Lock(caller);
    const uint64_t head = head_.load(std::memory_order_relaxed);
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail != head) {
      const unsigned char* slot = Slot(head);
      std::memcpy(item, slot, bytes);
      if (on_taken != nullptr) on_taken(slot, context);
      head_.store(head + 1, std::memory_order_release);  // the one store that removes the item
      const uint32_t depth = static_cast<uint32_t>(tail - head - 1);
      int64_t trace_value = 0;
      std::memcpy(&trace_value, slot, sizeof trace_value);  // every slot type starts with it
      const bool wake = put_waiters_.load(std::memory_order_relaxed) != 0 &&
                        put_waiters_.exchange(0, std::memory_order_relaxed) > 0;
      if (wake) not_full_.fetch_add(1, std::memory_order_release);
      if (blocked) caller.Emit(EventKind::kQueueUnblocked, id_, 1);
      caller.Emit(EventKind::kQueueGet, id_, trace_value, depth);
      mutex_.Unlock();
      if (wake) FutexWakeAll(not_full_);
      return QueueStatus::kOk;
    }
    if (closed_.load(std::memory_order_relaxed) != 0) {
      mutex_.Unlock();
      status = QueueStatus::kClosed;
      break;
    }
    const int64_t sleep_ns = clock.NextSleep();
    if (sleep_ns == 0) {
      mutex_.Unlock();
      status = QueueStatus::kTimeout;
      break;
    }
    if (!spun && MultiCore()) {  // a producer on another core usually puts within µs
      mutex_.Unlock();
      spun = true;
      const int64_t until = MonotonicNs() + std::min(kWaitSpinNs, sleep_ns);
      while (tail_.load(std::memory_order_acquire) == tail && closed_.load() == 0 &&
             MonotonicNs() < until)
        CpuRelax();
      continue;
    }
    const uint32_t seen = not_empty_.load(std::memory_order_acquire);
    get_waiters_.fetch_add(1, std::memory_order_relaxed);
    mutex_.Unlock();
    if (!blocked) caller.Emit(EventKind::kQueueBlocked, id_, 1);
    blocked = true;
    FutexWait(not_empty_, seen, sleep_ns);
    if (!StillWaiting(clock, caller)) {
      status = QueueStatus::kAbandoned;
      break;
    }
  }
  if (blocked) caller.Emit(EventKind::kQueueUnblocked, id_, 1);
  return status;
}

bool SharedQueue::WaitNotEmpty(int64_t timeout_ns) {
  QueueCaller caller;
  Lock(caller);
  if (tail_.load(std::memory_order_relaxed) != head_.load(std::memory_order_relaxed) ||
      closed_.load(std::memory_order_relaxed) != 0) {
    mutex_.Unlock();
    return !empty();
  }
  const uint32_t seen = not_empty_.load(std::memory_order_acquire);
  get_waiters_.fetch_add(1, std::memory_order_relaxed);
  mutex_.Unlock();
  if (timeout_ns > 0) FutexWait(not_empty_, seen, timeout_ns);
  return !empty();
}

void SharedQueue::Close(int32_t who) {
  QueueCaller caller;
  caller.who = who;
  Lock(caller);
  closed_.store(1, std::memory_order_release);
  get_waiters_.store(0, std::memory_order_relaxed);
  put_waiters_.store(0, std::memory_order_relaxed);
  not_empty_.fetch_add(1, std::memory_order_release);
  not_full_.fetch_add(1, std::memory_order_release);
  mutex_.Unlock();
  FutexWakeAll(not_empty_);
  FutexWakeAll(not_full_);
}

void SharedQueue::SnapshotRaw(int32_t who, const std::function<void(const void*)>& visit) {
  QueueCaller caller;
  caller.who = who;
  Lock(caller);
  const uint64_t head = head_.load(std::memory_order_relaxed);
  const uint64_t tail = tail_.load(std::memory_order_relaxed);
  try {
    for (uint64_t i = head; i != tail; ++i) visit(Slot(i));
  } catch (...) {
    mutex_.Unlock();
    throw;
  }
  mutex_.Unlock();
}

QueueCaller ChildQueueCaller(const ChildContext& child) {
  QueueCaller caller = QueueCaller::Traced(child.emit(), child.index());
  const pid_t parent = getppid();  // the worker checked it is the run's parent at start-up
  caller.keep_waiting = [&child, parent] {
    return !child.stop_requested() && getppid() == parent;
  };
  return caller;
}

QueueCaller ParentQueueCaller(ParentContext& parent, std::function<bool()> keep_waiting) {
  QueueCaller caller;
  caller.emit = [](const void* sink, EventKind kind, uint32_t object, int64_t a, int64_t b) {
    static_cast<const ParentContext*>(sink)->emitter().Emit(kind, object, a, b);
  };
  caller.sink = &parent;
  caller.who = kParentLane;
  caller.slice_ns = 2'000'000;
  caller.keep_waiting = [&parent, keep_waiting = std::move(keep_waiting)] {
    parent.Poll();  // drains rings, reaps; throws RunStopped on a stop request
    return !keep_waiting || keep_waiting();
  };
  return caller;
}

}  // namespace proclab

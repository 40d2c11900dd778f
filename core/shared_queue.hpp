// A bounded, process-safe FIFO queue living in a run's shared-memory segment.
// Any process that maps the segment can put and get: a ring of fixed-size slots guarded by a
// RobustMutex (a process that dies holding it does not freeze the others), with futex words to
// sleep on when the queue is full (put) or empty (get). Every wait is sliced: between slices the
// caller's keep_waiting() is asked, so a child notices a vanished parent or a stop request and a
// parent keeps draining event rings; nothing ever waits unbounded.
//
// Every put, get, block and unblock is an event in the caller's trace lane, about the queue's
// id (core/event_schema.cpp): kQueuePut / kQueueGet (value, depth after), stamped while the
// queue's lock is held so their order is the queue's own; kQueueBlocked / kQueueUnblocked.
//
// Why a lock and not lock-free: the critical section is a copy and an index store (~20 ns), the
// robust mutex makes holder death recoverable, and head/tail are single stores, so the ring is
// consistent at every instant a holder could die.
//
// Sections: QueueItem and QueueCaller · SharedQueue · helpers for parent and child callers.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <type_traits>
#include <vector>

#include "core/event.hpp"
#include "core/event_ring.hpp"
#include "core/robust_mutex.hpp"

namespace proclab {

class Segment;
class ChildContext;
class ParentContext;

// What the lessons put on a queue: a value and the index of the process that put it.
struct QueueItem {
  int64_t value = 0;
  int32_t producer = 0;
  int32_t tag = 0;
  int64_t trace_value() const { return value; }
};

enum class QueueStatus : uint8_t {
  kOk,
  kTimeout,    // the timeout passed while the queue stayed full (put) or empty (get)
  kClosed,     // put: the queue is closed; get: closed and nothing left
  kAbandoned,  // keep_waiting() said stop (the parent is gone, a stop was requested ...)
};
const char* QueueStatusName(QueueStatus status);

// Who is calling: where its events go, its worker index (recorded as the lock's holder), and
// what to ask between wait slices.
struct QueueCaller {
  using EmitFn = void (*)(const void* sink, EventKind kind, uint32_t object, int64_t a, int64_t b);
  EmitFn emit = nullptr;  // nullptr: untraced (benchmarks, tests)
  const void* sink = nullptr;
  int32_t who = -1;
  std::function<bool()> keep_waiting;  // empty: always keep waiting (until the timeout)
  int64_t slice_ns = 50'000'000;       // how often keep_waiting is asked while blocked

  void Emit(EventKind kind, uint32_t object, int64_t a, int64_t b = 0) const {
    if (emit != nullptr) emit(sink, kind, object, a, b);
  }
  static QueueCaller Traced(const Emitter& emitter, int32_t who);
};

// A no-limit timeout: the caller still gets keep_waiting() checks.
inline constexpr int64_t kWaitForever = -1;

class SharedQueue {
 public:
  // Bytes for a queue of `capacity` slots of `slot_bytes` each, header included.
  static size_t BytesFor(uint32_t capacity, uint32_t slot_bytes = sizeof(QueueItem));
  // Builds a queue in `memory` (BytesFor bytes, 64-byte aligned). `id` names it in events.
  static SharedQueue* Create(void* memory, uint32_t capacity, uint32_t slot_bytes,
                             uint32_t id = 0);
  // Builds a queue in the segment under `name`; children find it with Find.
  static SharedQueue* Construct(Segment& segment, const char* name, uint32_t capacity,
                                uint32_t slot_bytes = sizeof(QueueItem), uint32_t id = 0);
  static SharedQueue* Find(Segment& segment, const char* name);  // nullptr if absent

  SharedQueue(const SharedQueue&) = delete;
  SharedQueue& operator=(const SharedQueue&) = delete;

  // Typed access: T must be trivially copyable, fit a slot, and have trace_value(). A slot type
  // starts with the int64 its trace_value() returns: get events read it from the slot's bytes.
  template <class T>
  QueueStatus Put(const T& item, const QueueCaller& caller, int64_t timeout_ns = kWaitForever) {
    CheckType<T>();
    return PutRaw(&item, sizeof(T), item.trace_value(), caller, timeout_ns);
  }
  template <class T>
  QueueStatus Get(T* item, const QueueCaller& caller, int64_t timeout_ns = kWaitForever) {
    CheckType<T>();
    return GetRaw(item, sizeof(T), caller, timeout_ns, nullptr, nullptr);
  }
  // Like Get; `on_taken(item, context)` runs while the lock is still held, before the item leaves
  // the queue: a taker that dies at any instant has either not taken it or recorded it.
  template <class T>
  QueueStatus GetAndMark(T* item, const QueueCaller& caller, int64_t timeout_ns,
                         void (*on_taken)(const void* item, void* context), void* context) {
    CheckType<T>();
    return GetRaw(item, sizeof(T), caller, timeout_ns, on_taken, context);
  }
  template <class T>
  bool TryPut(const T& item, const QueueCaller& caller) {
    return Put(item, caller, 0) == QueueStatus::kOk;
  }
  template <class T>
  bool TryGet(T* item, const QueueCaller& caller) {
    return Get(item, caller, 0) == QueueStatus::kOk;
  }

  QueueStatus PutRaw(const void* item, size_t bytes, int64_t trace_value,
                     const QueueCaller& caller, int64_t timeout_ns);
  QueueStatus GetRaw(void* item, size_t bytes, const QueueCaller& caller, int64_t timeout_ns,
                     void (*on_taken)(const void*, void*), void* context);

  // Sleeps until the queue holds an item or is closed, at most `timeout_ns`; untraced (for a
  // consumer that wants to wait without a blocked/unblocked pair per slice). True if not empty.
  bool WaitNotEmpty(int64_t timeout_ns);

  // No more puts; gets drain what is left, then report kClosed. Wakes every waiter.
  void Close(int32_t who = -1);
  bool closed() const { return closed_.load(std::memory_order_acquire) != 0; }
  size_t size() const;
  bool empty() const { return size() == 0; }
  uint32_t capacity() const { return capacity_; }
  uint32_t slot_bytes() const { return slot_bytes_; }
  uint32_t max_depth() const { return max_depth_.load(std::memory_order_relaxed); }
  uint32_t id() const { return id_; }
  uint64_t puts() const { return tail_.load(std::memory_order_acquire); }
  uint64_t gets() const { return head_.load(std::memory_order_acquire); }
  // Callers registered as sleeping in put (full) or get (empty); approximate: a sleeper that
  // timed out stays counted until the next wake.
  uint32_t put_waiters() const { return put_waiters_.load(std::memory_order_relaxed); }
  uint32_t get_waiters() const { return get_waiters_.load(std::memory_order_relaxed); }
  // A copy of the contents, front first (under the lock).
  template <class T>
  std::vector<T> Snapshot(int32_t who = -1) {
    CheckType<T>();
    std::vector<T> out;
    SnapshotRaw(who, [&](const void* slot) {
      T item;
      std::memcpy(&item, slot, sizeof(T));
      out.push_back(item);
    });
    return out;
  }
  RobustMutex& mutex() { return mutex_; }  // for tests that kill a holder

 private:
  SharedQueue(uint32_t capacity, uint32_t slot_bytes, uint32_t id)
      : capacity_(capacity), slot_bytes_(slot_bytes), id_(id) {}
  template <class T>
  void CheckType() const {
    static_assert(std::is_trivially_copyable_v<T>, "queue slots are copied as bytes");
  }
  unsigned char* Slot(uint64_t index) {
    return reinterpret_cast<unsigned char*>(this) + kHeaderBytes +
           static_cast<size_t>(index % capacity_) * slot_bytes_;
  }
  void Lock(const QueueCaller& caller);
  void SnapshotRaw(int32_t who, const std::function<void(const void*)>& visit);
  static constexpr size_t kHeaderBytes = 256;

  RobustMutex mutex_;
  std::atomic<uint64_t> head_{0};  // next slot to get (total gets so far)
  std::atomic<uint64_t> tail_{0};  // next slot to put (total puts so far)
  std::atomic<uint32_t> closed_{0};
  std::atomic<uint32_t> max_depth_{0};
  std::atomic<uint32_t> not_empty_{0};  // futex word: bumped when a put may wake a getter
  std::atomic<uint32_t> not_full_{0};   // futex word: bumped when a get may wake a putter
  std::atomic<uint32_t> get_waiters_{0};
  std::atomic<uint32_t> put_waiters_{0};
  uint32_t capacity_;
  uint32_t slot_bytes_;
  uint32_t id_;
};

// A caller for a child process: traced into its lane; gives up when the parent is gone or a stop
// was requested.
QueueCaller ChildQueueCaller(const ChildContext& child);
// A caller for the parent: traced into the parent's lane; polls the run (drains rings, reaps,
// notices a stop) every 2 ms while blocked, and gives up when `keep_waiting` (optional) says so.
QueueCaller ParentQueueCaller(ParentContext& parent, std::function<bool()> keep_waiting = {});

}  // namespace proclab

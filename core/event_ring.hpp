// A single-producer, single-consumer ring of events living in shared memory.
// The child that owns the ring pushes; the parent drains. Pushing never blocks and never takes
// a lock: when the ring is full the event is counted as dropped, so tracing cannot serialise
// racing children or hide the race it is meant to show.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/event.hpp"

namespace proclab {

class EventRing {
 public:
  // Bytes needed for a ring of `capacity` events (a power of two), header included.
  static size_t BytesFor(uint32_t capacity);
  // Constructs a ring in `memory`, which must hold BytesFor(capacity) bytes, 64-byte aligned.
  static EventRing* Create(void* memory, uint32_t capacity);

  // Producer side. Returns false (and counts a drop) when the ring is full.
  bool Push(const Event& event) noexcept {
    const uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - cached_tail_ >= capacity_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head - cached_tail_ >= capacity_) {
        drops_.store(drops_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return false;
      }
    }
    Slots()[head & (capacity_ - 1)] = event;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Consumer side: appends the published events to `out`, at most `max`, oldest first; returns
  // how many.
  size_t Drain(std::vector<Event>& out, size_t max = SIZE_MAX);

  uint64_t drops() const { return drops_.load(std::memory_order_relaxed); }
  uint32_t capacity() const { return capacity_; }

 private:
  explicit EventRing(uint32_t capacity) : capacity_(capacity) {}
  Event* Slots() noexcept { return reinterpret_cast<Event*>(this + 1); }

  // Producer's cache line: head, its private copy of tail, and the drop count.
  alignas(64) std::atomic<uint64_t> head_{0};
  uint64_t cached_tail_ = 0;
  std::atomic<uint64_t> drops_{0};
  uint32_t capacity_;
  // Consumer's cache line.
  alignas(64) std::atomic<uint64_t> tail_{0};
};
static_assert(sizeof(EventRing) % alignof(Event) == 0);

// What a process holds to emit events into its own ring (a child), or into a list the same
// thread drains itself (the parent's own events: never dropped).
class Emitter {
 public:
  Emitter() = default;
  Emitter(EventRing* ring, uint16_t worker) : ring_(ring), worker_(worker) {}
  Emitter(std::vector<Event>* list, uint16_t worker) : list_(list), worker_(worker) {}
  // An event about no particular object (object 0), with whole-number fields.
  void operator()(EventKind kind, int64_t a = 0, int64_t b = 0) const noexcept {
    Emit(kind, 0, a, b);
  }
  // An event about one object (a slot, a lock, a queue, a job: see core/event_schema.cpp).
  void Emit(EventKind kind, uint32_t object, int64_t a = 0, int64_t b = 0,
            ValueType type = ValueType::kInt) const noexcept;
  uint16_t worker() const { return worker_; }

 private:
  EventRing* ring_ = nullptr;
  std::vector<Event>* list_ = nullptr;
  uint16_t worker_ = 0;
};

}  // namespace proclab

#include "core/event_ring.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>

#include "core/clock.hpp"

namespace proclab {

size_t EventRing::BytesFor(uint32_t capacity) {
  return sizeof(EventRing) + size_t{capacity} * sizeof(Event);
}

EventRing* EventRing::Create(void* memory, uint32_t capacity) {
  if (capacity == 0 || (capacity & (capacity - 1)) != 0)
    throw std::invalid_argument("event ring capacity must be a power of two");
  return new (memory) EventRing(capacity);
}

size_t EventRing::Drain(std::vector<Event>& out, size_t max) {
  const uint64_t tail = tail_.load(std::memory_order_relaxed);
  const uint64_t published = head_.load(std::memory_order_acquire);
  const uint64_t head = tail + std::min<uint64_t>(published - tail, max);  // no overflow
  const Event* slots = reinterpret_cast<const Event*>(this + 1);
  // At most two contiguous runs: up to the end of the slot array, then from its start.
  const uint64_t mask = capacity_ - 1;
  uint64_t i = tail;
  while (i != head) {
    const uint64_t run = std::min<uint64_t>(head - i, capacity_ - (i & mask));
    out.insert(out.end(), slots + (i & mask), slots + (i & mask) + run);
    i += run;
  }
  tail_.store(head, std::memory_order_release);
  return static_cast<size_t>(head - tail);
}

void Emitter::Emit(EventKind kind, uint32_t object, int64_t a, int64_t b,
                   ValueType type) const noexcept {
  // Stamped in ticks; the parent converts them to ns as it drains.
  const Event event{TraceTicks(), worker_, kind, type, object, a, b};
  if (ring_ != nullptr) ring_->Push(event);
  else if (list_ != nullptr) list_->push_back(event);
}

}  // namespace proclab

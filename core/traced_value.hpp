// A number in shared memory whose reads and writes are events: Python's `Value`, or one element
// of an `Array`, as a child sees it. Like TracedLock, the instrumentation lives in the
// primitive, not in lesson code:
//
//   auto counter = child.Traced(shared.counter, kCounterSlot);
//   const int32_t seen = counter.Read();   // number.value  (read)
//   counter.Write(seen + 1);               // number.value = seen + 1  (write)
//
// A write is an atomic exchange, not a plain store: it stores as blindly as a store does (the
// race is real), and it also returns the value it replaced, in the memory's own order. The event
// carries both, so the fact layer knows exactly which updates a write erased, however the
// processes' clocks order the events (core/facts/slot_facts.hpp).
#pragma once
#include <atomic>
#include <bit>
#include <cstdint>
#include <type_traits>

#include "core/event_ring.hpp"
#include "core/facts/slot_facts.hpp"
#include "core/run_header.hpp"

namespace proclab {

template <class T>
constexpr ValueType ValueTypeOf() {
  return std::is_floating_point_v<T> ? ValueType::kDouble : ValueType::kInt;
}

// A value as an event field: whole numbers as themselves, doubles as their bits.
template <class T>
int64_t EncodeValue(T value) {
  if constexpr (std::is_floating_point_v<T>) return std::bit_cast<int64_t>(static_cast<double>(value));
  else return static_cast<int64_t>(value);
}
inline double DecodeValue(int64_t field, ValueType type) {
  return type == ValueType::kDouble ? std::bit_cast<double>(field) : static_cast<double>(field);
}

template <class T>
SlotValue AsSlotValue(T value) {
  return SlotValue{EncodeValue(value), ValueTypeOf<T>()};
}

template <class T>
class TracedValue {
 public:
  // `tally`: this process's counts for the slot (ChildContext::Traced finds them); may be null.
  TracedValue(std::atomic<T>& value, const Emitter& emit, uint32_t slot, SharedSlotTally* tally)
      : value_(value), emit_(emit), slot_(slot), tally_(tally) {}

  T Read() {
    const T value = value_.load(std::memory_order_relaxed);
    emit_.Emit(EventKind::kRead, slot_, EncodeValue(value), 0, ValueTypeOf<T>());
    last_read_ = value;
    has_read_ = true;
    if (tally_ != nullptr) Bump(tally_->reads, 1);
    return value;
  }
  void Write(T value) {
    const T replaced = value_.exchange(value, std::memory_order_relaxed);
    emit_.Emit(EventKind::kWrite, slot_, EncodeValue(value), EncodeValue(replaced),
               ValueTypeOf<T>());
    if (tally_ == nullptr) return;
    Bump(tally_->writes, 1);
    // The same rule the fact layer applies to the events (a write with no read before it
    // erases nothing): the two agree whenever no event was dropped.
    if (has_read_)
      Bump(tally_->erased, ErasedBy(AsSlotValue(last_read_), AsSlotValue(value), AsSlotValue(replaced)));
    has_read_ = false;
  }

 private:
  // Only this process writes its tally: a relaxed load and store, no read-modify-write.
  static void Bump(std::atomic<int64_t>& counter, int64_t by) {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }
  std::atomic<T>& value_;
  const Emitter& emit_;
  uint32_t slot_;
  SharedSlotTally* tally_;
  T last_read_{};
  bool has_read_ = false;
};

}  // namespace proclab

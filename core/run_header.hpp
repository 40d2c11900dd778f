// The fixed header at the start of every run's segment: what a child needs to find its lesson,
// its parameters, its ring, and the start barrier. Shared by the parent (run.cpp) and the
// worker executable; both are built from the same source, so the layout always matches.
#pragma once
#include <atomic>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <cstdint>

#include "core/start_barrier.hpp"

namespace proclab {

inline constexpr int kMaxLanes = 160;   // children of one run, replacements included
inline constexpr int kMaxParams = 16;
inline constexpr size_t kErrorTextBytes = 240;
inline constexpr int kTalliedSlots = 16;  // slots a child counts its reads and writes of

// A child's own count of its reads, writes and lost updates of one slot (core/traced_value.hpp):
// exact however many events its ring drops. Only the child writes it; the parent reads it after.
struct SharedSlotTally {
  std::atomic<uint32_t> slot_plus_one{0};  // which slot (+1); 0: unused
  std::atomic<int64_t> reads{0};
  std::atomic<int64_t> writes{0};
  std::atomic<int64_t> erased{0};
};

struct StepGate {
  std::atomic<uint32_t> granted{0};  // futex word: steps the scheduler has allowed
  std::atomic<uint32_t> taken{0};    // steps the child has started
};

struct ChildSlot {
  boost::interprocess::managed_shared_memory::handle_t ring = 0;
  StepGate step;
  char error[kErrorTextBytes] = {};  // what the child's code threw, for the parent's report
  SharedSlotTally tallies[kTalliedSlots];
};

struct RunHeader {
  static constexpr uint32_t kMagic = 0x50524c42;  // "PRLB"
  static constexpr uint32_t kVersion = 5;
  uint32_t magic = kMagic;
  uint32_t version = kVersion;
  int32_t parent_pid = 0;
  std::atomic<uint32_t> child_count{0};
  char lesson_id[48] = {};
  int64_t params[kMaxParams] = {};
  uint32_t param_count = 0;
  StartBarrier barrier;
  std::atomic<uint32_t> stop{0};       // children check it between steps
  std::atomic<uint32_t> step_mode{0};  // children wait at step gates
  uint32_t trace_uses_tsc = 0;         // the parent's clock choice: children stamp events alike
  uint32_t prefault_rings = 0;         // RunOptions::prefault_rings
  uint32_t child_nice = 0;             // RunOptions::child_nice
  uint32_t child_idle = 0;             // RunOptions::child_idle
  ChildSlot children[kMaxLanes];
};

}  // namespace proclab

// Facts about shared memory: per slot (a Value, or one element of an Array) its reads, its
// writes and every lost update.
//
// A lost update is found at the write that causes it. Each write is an atomic exchange
// (core/traced_value.hpp), so its event says what the writer read before, what it wrote, and
// exactly which value it replaced. When nobody wrote between the writer's read and its write,
// the replaced value is the one it read and nothing is lost; otherwise the write erased the
// updates made in between. ErasedBy counts them: for updates by a fixed step (+= 1, -= 1, += d)
// the sum over every write is exactly writes - (final - initial) / step, whatever order the
// processes' clocks put the events in.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/facts/lane_table.hpp"

namespace proclab {

// A value as events carry it: its field and how to read it.
struct SlotValue {
  int64_t field = 0;
  ValueType type = ValueType::kInt;
  double AsDouble() const;
  bool operator==(const SlotValue& other) const { return AsDouble() == other.AsDouble(); }
  std::string Text() const;  // "7", "101.0"
};

// How many updates of others a write erased: it read `read`, wrote `written`, and replaced
// `replaced`. 0 when replaced == read. For a step update (written - read == d != 0) whose
// replaced value is a whole number of steps away, that number (negative when the write brought
// back a value others had taken away); for any other write that replaced a value it did not
// read, 1.
int64_t ErasedBy(const SlotValue& read, const SlotValue& written, const SlotValue& replaced);

// What each process counts for each slot while it runs, in the run's segment, so totals stay
// exact even when the event ring drops events (core/traced_value.hpp keeps it).
struct SlotTally {
  int64_t reads = 0;
  int64_t writes = 0;
  int64_t erased = 0;  // the sum of ErasedBy over this process's writes
};

struct WriteFact {
  int64_t t_ns;
  int lane;
  SlotValue written;
};

// One write that erased others' updates.
struct LostUpdate {
  int lane;             // who wrote
  int64_t t_ns;         // when
  SlotValue read;       // what it had read
  SlotValue written;    // what it wrote
  SlotValue replaced;   // what it overwrote
  int64_t erased;       // how many updates that erased (ErasedBy)
  int overwritten_lane = kNoLane;  // who had written the value it overwrote (kNoLane: not found)
};

struct SlotFacts {
  uint32_t id = 0;
  std::string name;        // from the run's declarations ("counter", "array[1]", "shared_number")
  SlotValue initial;       // the declared initial value
  bool declared = false;
  // Totals. From the processes' tallies where they have them (exact), else from the events.
  int64_t reads = 0, writes = 0, lost = 0;
  bool exact = true;       // false: some of this slot's events were dropped and no tally covers it
  SlotValue last_written;  // the value of the latest write by time (the slot's value, live)
  bool has_final = false;  // a process read the slot's value at the end (kFinalValue)
  SlotValue final_value;
  SlotValue Final() const { return has_final ? final_value : last_written; }
  int64_t last_write_ns = 0;
  // Every write seen (in time order once finalised) and every write that erased updates, up to
  // kMaxListed each: a run of 128 children racing flat out makes hundreds of millions; the
  // counts above stay exact, and `listed_all` says whether the lists are whole.
  static constexpr size_t kMaxListed = 1'000'000;
  // Writes that erased a negative number of updates (they wrote over a value older than the one
  // they read, so they brought back updates an earlier write had erased), and how many they
  // brought back: `lost` is what stayed lost after them. From the events seen.
  int64_t bringing_back_writes = 0, brought_back = 0;
  std::vector<WriteFact> write_log;
  std::vector<LostUpdate> lost_updates;
  bool listed_all = true;
  // Per lane: how many reads and writes, and how many updates its writes erased.
  struct PerLane {
    int64_t reads = 0, writes = 0, erased = 0;
    SlotValue last_read;
    bool has_read = false;     // it read and has not written since
    SlotValue last_written;    // what its latest write wrote (a view shows each lane's last step)
    bool has_written = false;
    bool tallied = false;  // the counts are the lane's own tally
  };
  LaneTable<PerLane> lanes;  // per lane (the parent is lane -1)
};

// Folds one read or write event (kind kRead / kWrite) of `lane` into `slot`.
void AddSlotEvent(SlotFacts& slot, int lane, const Event& event);
// Once every event is in: time-orders the write log and finds who wrote each overwritten value.
void FinaliseSlot(SlotFacts& slot);
// Replaces the event counts with the processes' own tallies (exact even when events dropped).
void ApplyTally(SlotFacts& slot, int lane, const SlotTally& tally);

}  // namespace proclab

// What the views show, derived from a run's trace: a copy of every lane's events (synced
// incrementally from the live trace, append-only), each lane's state over time with per-state
// time summaries, and the shared counter, array, lock, queue and task facts the events carry.
// No ImGui here. Syncing costs O(new events); summarising a lane into pixel columns costs
// O(columns), however many events the run had.
//
// Sections: LaneState · LaneModel (one child) · TraceModel · per-pixel-column aggregation.
#pragma once
#include <array>
#include <cstdint>
#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/process.hpp"
#include "core/trace.hpp"

namespace proclab::gui {

enum class LaneState : uint8_t {
  kNone,  // before the child existed, or after the visible data
  kStarting,
  kRunning,
  kSleeping,
  kLockWait,
  kLockHeld,
  kQueueBlocked,
  kStepWait,
  kTask,
  kExited,
  kKilled,
  kCount
};

inline constexpr size_t kLaneStates = static_cast<size_t>(LaneState::kCount);
using StateTimes = std::array<int64_t, kLaneStates>;  // ns spent in each state

struct StateSegment {
  int64_t t_ns;
  LaneState state;
};

// Segments per summary block: a column's time per state is two block lookups plus at most
// this many segments on each side.
inline constexpr size_t kSummaryBlock = 32;

struct TaskBlock {
  int64_t start_ns = 0;
  int64_t end_ns = 0;  // 0 while the task runs
  int64_t first = 0, last = 0;
};

// One child's lane.
struct LaneModel {
  std::vector<Event> events;  // in time order
  std::vector<StateSegment> segments;  // state changes in time order
  std::vector<TaskBlock> tasks;
  std::vector<int64_t> lost_marks;  // times of writes that overwrote another child's update
  // block_time[k]: time in each state from the first segment to segment k * kSummaryBlock.
  // Only blocks whose segments can no longer change are summarised (the last segment may
  // still be replaced: a sleep's wake-up is pushed ahead of time).
  std::vector<StateTimes> block_time;
  int64_t lock_wait_ns = 0, lock_hold_ns = 0;
  int64_t last_read = -1, last_write = -1;  // values (slot 0), -1: none yet
  int pending_step = -1;                    // 0 read, 1 write: the step the child waits for
  bool holding = false, waiting_lock = false, blocked = false, step_wait = false, in_task = false,
       finished = false;
  bool wake_pending = false;
  int64_t lock_since_ns = 0;
  int queue_blocked_kind = -1;  // 0 full (put), 1 empty (get)

  LaneState StateNow() const;
  LaneState StateAt(int64_t t_ns) const;
};

struct SlotStats {
  int64_t writes = 0;
  int64_t value = 0;        // the latest write in time order
  int64_t latest_t = std::numeric_limits<int64_t>::min();
  int64_t lost = 0;         // writes that overwrote another's update (in merged order)
  int64_t ordered_value = 0;  // the value as of the merged-order watermark
  bool ordered_started = false;
  int64_t first_read = 0;     // the value before any write: the earliest read (array slots
  int64_t first_read_t = std::numeric_limits<int64_t>::max();  // do not start at 0)
  int64_t Lost() const { return writes == 0 ? 0 : std::max<int64_t>(0, writes - (value - first_read)); }
};

struct DepthPoint {
  int64_t t_ns;
  int64_t depth;
};

class TraceModel {
 public:
  void Reset(int64_t t0_ns = 0);
  // Copies what is new in `trace` (lanes are append-only) and updates the derived facts.
  // `final` means no more events will come: the merged-order analysis runs to the end.
  // `budget` caps the events copied per call, shared among the lanes (keeps a frame short;
  // the rest comes in the next calls). `final` takes effect once every event is copied.
  // Returns true when the model holds every event of `trace` (and, if final, is complete).
  bool Sync(const Trace& trace, const std::vector<ChildRecord>& children, bool final,
            size_t budget = std::numeric_limits<size_t>::max());
  // Sync in two steps, for a live trace: Copy only copies (cheap, under the run's lock, so the
  // run thread's draining waits as little as possible); Analyse derives the rest.
  bool Copy(const Trace& trace, const std::vector<ChildRecord>& children,
            size_t budget = std::numeric_limits<size_t>::max());
  void Analyse(bool final);

  int64_t t0_ns() const { return t0_ns_; }
  int64_t last_ns() const { return last_ns_; }  // the latest event or child end seen
  double Ms(int64_t t_ns) const { return static_cast<double>(t_ns - t0_ns_) / 1e6; }
  int lanes() const { return static_cast<int>(lanes_.size()); }
  const LaneModel& lane(int index) const { return lanes_.at(static_cast<size_t>(index)); }
  const std::vector<Event>& parent_events() const { return parent_; }
  const std::vector<ChildRecord>& children() const { return children_; }
  size_t events() const { return events_; }

  // Shared data: slot 0 is the counter, 1.. the array.
  const std::map<int64_t, SlotStats>& slots() const { return slots_; }
  bool has_counter() const { return slots_.count(0) > 0; }
  bool has_locks() const { return has_locks_; }
  bool has_queue() const { return !depth_.empty() || has_queue_block_; }
  bool has_tasks() const { return has_tasks_; }
  bool owner_died() const { return owner_died_; }
  // Which lane states occur anywhere (bit per LaneState), for the legend.
  uint32_t states_seen() const { return states_seen_; }  // a kLockOwnerDied event was seen
  int64_t lost_total() const;  // writes minus the value, summed over slots
  // Queue depth changes in time order (merged from every lane).
  const std::vector<DepthPoint>& depth() const { return depth_; }
  int64_t DepthAt(int64_t t_ns) const;
  int64_t max_depth() const { return max_depth_; }
  std::vector<int64_t> queue_items() const;  // values put and not yet taken, oldest first

 private:
  void Apply(int lane, const Event& event);
  void MergeWrites(int64_t watermark);
  void SetState(LaneModel& lane, int64_t t_ns);
  static void ExtendSummaries(LaneModel& lane);

  int64_t t0_ns_ = 0;
  int64_t last_ns_ = 0;
  size_t events_ = 0;
  std::vector<LaneModel> lanes_;
  std::vector<Event> parent_;
  std::vector<ChildRecord> children_;
  std::map<int64_t, SlotStats> slots_;
  std::vector<size_t> write_cursor_;  // per child lane, then the parent's (kept last)
  std::vector<size_t> applied_;       // per lane: events analysed so far
  std::vector<size_t> available_;     // per lane: events in the trace at the last Copy
  size_t parent_available_ = 0;
  bool all_copied_ = true;
  std::vector<std::pair<int64_t, size_t>> merge_heads_;  // the merge's heap, kept between calls
  std::deque<int64_t> queue_items_;   // put and not yet taken, in merged order
  int64_t early_gets_ = 0;            // gets stamped before the put they took
  std::vector<DepthPoint> depth_;
  int64_t max_depth_ = 0;
  uint32_t states_seen_ = 0;
  std::vector<size_t> seen_upto_;  // per lane: segments already counted in states_seen_
  bool has_locks_ = false, has_queue_block_ = false, has_tasks_ = false, owner_died_ = false;
};

// Time per state from the lane's first segment up to `t_ns`. `cursor` is the segment found by
// the previous call (-1 at first); calls with increasing times reuse it, so a sweep over a row
// of pixel columns costs O(columns x log(segments per column)). Returns the segment at t_ns.
long TimeUpTo(const LaneModel& lane, int64_t t_ns, long& cursor, StateTimes& out);

// One pixel column of a lane.
struct ColumnSummary {
  LaneState dominant = LaneState::kNone;  // the state that fills most of the column
  uint16_t present = 0;                   // bit per LaneState: occurs in the column, however briefly
  bool Has(LaneState state) const { return (present >> static_cast<unsigned>(state)) & 1u; }
};
// Summarises each of `columns` equal slices of [t_begin, t_end), exactly (time per state, not
// sampled), in O(columns) whatever the number of events. Reuses `out`'s storage.
void SummariseColumns(const LaneModel& lane, int64_t t_begin, int64_t t_end, int columns,
                      std::vector<ColumnSummary>& out);
// The dominant state only (one value per pixel column).
void AggregateColumns(const LaneModel& lane, int64_t t_begin, int64_t t_end, int columns,
                      std::vector<LaneState>& out);
// How many events of `lane` fall in [t_begin, t_end) (binary search).
size_t CountEvents(const std::vector<Event>& events, int64_t t_begin, int64_t t_end);

}  // namespace proclab::gui

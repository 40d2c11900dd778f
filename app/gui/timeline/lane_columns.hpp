// Drawing helpers over the fact layer, for rows of pixel columns: what each column of a child's
// lane shows (its dominant state, and every state that occurred in it however briefly), which
// states occur at all (the legend), and how many events fall in a time range. O(columns), not
// O(events): built on ChildFacts' per-block time summaries (core/facts/child_facts.hpp).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/facts/child_facts.hpp"
#include "core/facts/run_facts.hpp"

namespace proclab::gui {

// One pixel column of a lane.
struct ColumnSummary {
  LaneState dominant = LaneState::kNone;  // the state that fills most of the column
  uint16_t present = 0;                   // bit per LaneState: occurs in the column, however briefly
  bool Has(LaneState state) const { return (present >> static_cast<unsigned>(state)) & 1u; }
};

// Summarises each of `columns` equal slices of [t_begin, t_end), exactly (time per state, not
// sampled), in O(columns) whatever the number of events. Reuses `out`'s storage.
void SummariseColumns(const ChildFacts& child, int64_t t_begin, int64_t t_end, int columns,
                      std::vector<ColumnSummary>& out);
// The dominant state only (one value per pixel column).
void AggregateColumns(const ChildFacts& child, int64_t t_begin, int64_t t_end, int columns,
                      std::vector<LaneState>& out);

// Which states occur in any child's lane (bit per LaneState), for the legend: from each lane's
// last summary block plus the few changes after it.
uint32_t StatesSeen(const RunFacts& facts);

// A task's label on its lane: the items of a pool's task ("7", "0–99"), or a range of items a
// child worked on ("0–999"); "" for a task that names no items (a Python process's run(), which
// the tracer marks as a task 0..0 of no pool: it drew a stray "0").
std::string TaskLabel(const RunFacts& facts, const TaskSpan& task);

// How many of `events` (one lane, in time order) fall in [t_begin, t_end), by binary search.
size_t CountEvents(std::span<const Event> events, int64_t t_begin, int64_t t_end);
// The first event at or after `t_ns` (events.size() if none).
size_t FirstEventAt(std::span<const Event> events, int64_t t_ns);

}  // namespace proclab::gui

#include "app/gui/timeline/lane_columns.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace proclab::gui {

void SummariseColumns(const ChildFacts& child, int64_t t_begin, int64_t t_end, int columns,
                      std::vector<ColumnSummary>& out) {
  out.assign(static_cast<size_t>(std::max(columns, 0)), ColumnSummary{});
  if (child.changes.empty() || columns <= 0 || t_end <= t_begin) return;
  const double step = static_cast<double>(t_end - t_begin) / columns;
  long cursor = -1;
  StateTimes before{}, after{};
  TimeUpTo(child, t_begin, cursor, before);
  for (int c = 0; c < columns; ++c) {
    const int64_t b = t_begin + static_cast<int64_t>(step * (c + 1));
    const long index = TimeUpTo(child, b, cursor, after);
    ColumnSummary& column = out[static_cast<size_t>(c)];
    int64_t best = 0;
    for (size_t s = 1; s < kLaneStates; ++s) {  // "nothing" (s = 0) never wins over a state
      const int64_t time = after[s] - before[s];
      if (time <= 0) continue;
      column.present |= static_cast<uint16_t>(1u << s);
      if (time > best) {
        best = time;
        column.dominant = static_cast<LaneState>(s);
      }
    }
    // Zoomed in below a nanosecond per column: the state at the column's end.
    if (best == 0 && index >= 0) column.dominant = child.changes[static_cast<size_t>(index)].state;
    std::swap(before, after);
  }
}

void AggregateColumns(const ChildFacts& child, int64_t t_begin, int64_t t_end, int columns,
                      std::vector<LaneState>& out) {
  std::vector<ColumnSummary> summaries;
  SummariseColumns(child, t_begin, t_end, columns, summaries);
  out.resize(summaries.size());
  for (size_t c = 0; c < summaries.size(); ++c) out[c] = summaries[c].dominant;
}

uint32_t StatesSeen(const RunFacts& facts) {
  uint32_t seen = 0;
  for (const ChildFacts& child : facts.all_children()) {
    size_t from = 0;
    if (!child.block_time.empty()) {
      const StateTimes& times = child.block_time.back();
      for (size_t s = 0; s < kLaneStates; ++s)
        if (times[s] > 0) seen |= 1u << s;
      from = (child.block_time.size() - 1) * kSummaryBlock;
    }
    for (size_t k = from; k < child.changes.size(); ++k)
      seen |= 1u << static_cast<unsigned>(child.changes[k].state);
  }
  return seen;
}

std::string TaskLabel(const RunFacts& facts, const TaskSpan& task) {
  if (facts.pool(task.object) == nullptr && task.first == task.last) return {};
  char text[48];
  if (task.first == task.last) std::snprintf(text, sizeof text, "%" PRId64, task.first);
  else std::snprintf(text, sizeof text, "%" PRId64 "–%" PRId64, task.first, task.last);
  return text;
}

size_t FirstEventAt(std::span<const Event> events, int64_t t_ns) {
  const auto it = std::lower_bound(events.begin(), events.end(), t_ns,
                                   [](const Event& e, int64_t t) { return e.t_ns < t; });
  return static_cast<size_t>(it - events.begin());
}

size_t CountEvents(std::span<const Event> events, int64_t t_begin, int64_t t_end) {
  const size_t lo = FirstEventAt(events, t_begin);
  return std::max(FirstEventAt(events, t_end), lo) - lo;
}

}  // namespace proclab::gui

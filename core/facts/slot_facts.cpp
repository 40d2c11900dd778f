#include "core/facts/slot_facts.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace proclab {

double SlotValue::AsDouble() const {
  return type == ValueType::kDouble ? std::bit_cast<double>(field) : static_cast<double>(field);
}

std::string SlotValue::Text() const {
  if (type == ValueType::kInt) return std::to_string(field);
  if (type == ValueType::kOpaque) return "?";
  if (type == ValueType::kText) {
    char text[9] = {};
    std::memcpy(text, &field, 8);
    return std::string("'") + text + "'";
  }
  char text[40];
  std::snprintf(text, sizeof text, "%.1f", AsDouble());
  return text;
}

int64_t ErasedBy(const SlotValue& read, const SlotValue& written, const SlotValue& replaced) {
  if (read.type == ValueType::kInt && written.type == ValueType::kInt &&
      replaced.type == ValueType::kInt) {
    const int64_t gap = replaced.field - read.field;
    if (gap == 0) return 0;
    const int64_t step = written.field - read.field;
    if (step != 0 && gap % step == 0) return gap / step;
    return 1;
  }
  const double gap = replaced.AsDouble() - read.AsDouble();
  if (gap == 0) return 0;
  const double step = written.AsDouble() - read.AsDouble();
  if (step != 0) {
    const double steps = gap / step;
    if (std::isfinite(steps) && std::floor(steps) == steps && std::fabs(steps) < 9e15)
      return static_cast<int64_t>(steps);
  }
  return 1;
}

void AddSlotEvent(SlotFacts& slot, int lane, const Event& event) {
  SlotFacts::PerLane& mine = slot.lanes[lane];
  const SlotValue value{event.a, event.type};
  if (event.kind == EventKind::kRead) {
    ++mine.reads;
    ++slot.reads;
    mine.last_read = value;
    mine.has_read = true;
    return;
  }
  ++mine.writes;
  ++slot.writes;
  mine.last_written = value;
  mine.has_written = true;
  const SlotValue replaced{event.b, event.type};
  if (slot.write_log.size() < SlotFacts::kMaxListed) slot.write_log.push_back({event.t_ns, lane, value});
  else slot.listed_all = false;
  if (event.t_ns >= slot.last_write_ns) {
    slot.last_write_ns = event.t_ns;
    slot.last_written = value;
  }
  // A write without a read of its own before it (a plain store) erases nothing: it did not
  // update anything, it set a value.
  if (!mine.has_read) return;
  const int64_t erased = ErasedBy(mine.last_read, value, replaced);
  mine.has_read = false;
  if (erased == 0) return;
  if (erased < 0) {
    ++slot.bringing_back_writes;
    slot.brought_back -= erased;
  }
  mine.erased += erased;
  slot.lost += erased;
  if (slot.lost_updates.size() < SlotFacts::kMaxListed)
    slot.lost_updates.push_back({lane, event.t_ns, mine.last_read, value, replaced, erased});
  else
    slot.listed_all = false;
}

void FinaliseSlot(SlotFacts& slot) {
  auto& log = slot.write_log;
  std::stable_sort(log.begin(), log.end(),
                   [](const WriteFact& x, const WriteFact& y) { return x.t_ns < y.t_ns; });
  std::stable_sort(slot.lost_updates.begin(), slot.lost_updates.end(),
                   [](const LostUpdate& x, const LostUpdate& y) { return x.t_ns < y.t_ns; });
  // The overwritten value was written shortly before, by another process: look back a little.
  constexpr int kLookBack = 64;
  for (LostUpdate& lost : slot.lost_updates) {
    auto at = std::lower_bound(log.begin(), log.end(), lost.t_ns,
                               [](const WriteFact& w, int64_t t) { return w.t_ns < t; });
    for (int k = 0; k < kLookBack && at != log.begin(); ++k) {
      --at;
      if (at->lane != lost.lane && at->written == lost.replaced) {
        lost.overwritten_lane = at->lane;
        break;
      }
    }
  }
}

void ApplyTally(SlotFacts& slot, int lane, const SlotTally& tally) {
  SlotFacts::PerLane& mine = slot.lanes[lane];
  slot.reads += tally.reads - mine.reads;
  slot.writes += tally.writes - mine.writes;
  slot.lost += tally.erased - mine.erased;
  mine.reads = tally.reads;
  mine.writes = tally.writes;
  mine.erased = tally.erased;
  mine.tallied = true;
}

}  // namespace proclab

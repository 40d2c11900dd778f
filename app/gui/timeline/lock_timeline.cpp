#include "app/gui/timeline/lock_timeline.hpp"

#include <algorithm>

namespace proclab::gui {

void LockTimeline::Spans::Close(int64_t b, int64_t e) {
  before.push_back(before.empty() ? 0 : before.back() + (end.back() - begin.back()));
  begin.push_back(b);
  end.push_back(std::max(e, b));
}

int64_t LockTimeline::Spans::TimeIn(int64_t a, int64_t b, int64_t now_ns) const {
  int64_t total = 0;
  // Closed spans that overlap [a, b): from the first ending after a to the last beginning before b.
  const size_t i = static_cast<size_t>(std::upper_bound(end.begin(), end.end(), a) - end.begin());
  const size_t j = static_cast<size_t>(std::lower_bound(begin.begin(), begin.end(), b) - begin.begin());
  if (i < j) {
    const int64_t last_len = end[j - 1] - begin[j - 1];
    total = before[j - 1] + last_len - before[i];
    total -= std::max<int64_t>(0, a - begin[i]);
    total -= std::max<int64_t>(0, end[j - 1] - b);
  }
  if (open >= 0) total += std::max<int64_t>(0, std::min(b, now_ns) - std::max(a, open_begin));
  return total;
}

bool LockTimeline::Spans::Covers(int64_t t, int64_t now_ns) const {
  if (open >= 0 && open_begin <= t && t <= now_ns) return true;
  const size_t i = static_cast<size_t>(std::upper_bound(end.begin(), end.end(), t) - end.begin());
  return i < begin.size() && begin[i] <= t;
}

LockTimeline::Lane& LockTimeline::LaneFor(int lane) {
  for (Lane& mine : lanes_)
    if (mine.lane == lane) return mine;
  lanes_.push_back(Lane{lane, {}, {}});
  return lanes_.back();
}

void LockTimeline::Update(const LockFacts& lock) {
  if (&lock != source_ || lock.id != id_ || lock.spans.size() < seen_) {
    *this = LockTimeline{};
    source_ = &lock;
    id_ = lock.id;
  }
  // Spans open at the last call first: they come before any newer span of their lane.
  for (Lane& mine : lanes_)
    for (Spans* spans : {&mine.hold, &mine.wait}) {
      if (spans->open < 0) continue;
      const LockSpan& span = lock.spans[static_cast<size_t>(spans->open)];
      if (span.open()) continue;
      spans->Close(span.begin_ns, span.end_ns);
      spans->open = -1;
    }
  for (; seen_ < lock.spans.size(); ++seen_) {
    const LockSpan& span = lock.spans[seen_];
    Lane& mine = LaneFor(span.lane);
    Spans& spans = span.kind == LockSpanKind::kHold ? mine.hold : mine.wait;
    if (span.open()) {
      spans.open = static_cast<int>(seen_);
      spans.open_begin = span.begin_ns;
    } else {
      spans.Close(span.begin_ns, span.end_ns);
    }
  }
}

void LockTimeline::Summarise(int64_t t_begin, int64_t t_end, int columns, int64_t now_ns,
                             std::vector<LockColumn>& out) const {
  out.assign(static_cast<size_t>(std::max(columns, 0)), LockColumn{});
  if (columns <= 0 || t_end <= t_begin) return;
  const double step = static_cast<double>(t_end - t_begin) / columns;
  for (int c = 0; c < columns; ++c) {
    const int64_t a = t_begin + static_cast<int64_t>(step * c);
    const int64_t b = std::max(t_begin + static_cast<int64_t>(step * (c + 1)), a + 1);
    LockColumn& column = out[static_cast<size_t>(c)];
    int64_t best = 0;
    for (const Lane& mine : lanes_) {
      const int64_t held = mine.hold.TimeIn(a, b, now_ns);
      if (held > best) {
        best = held;
        column.holder = mine.lane;
      }
      if (mine.wait.TimeIn(a, b, now_ns) > 0) column.waiting |= uint64_t{1} << LockColumn::Bit(mine.lane);
    }
  }
}

int LockTimeline::HolderAt(int64_t t_ns, int64_t now_ns) const {
  for (const Lane& mine : lanes_)
    if (mine.hold.Covers(t_ns, now_ns)) return mine.lane;
  return kNoLane;
}

std::vector<int> LockTimeline::WaitersAt(int64_t t_ns, int64_t now_ns) const {
  std::vector<int> waiting;
  for (const Lane& mine : lanes_)
    if (mine.wait.Covers(t_ns, now_ns)) waiting.push_back(mine.lane);
  return waiting;
}

std::vector<int> LockTimeline::lanes() const {
  std::vector<int> out;
  for (const Lane& mine : lanes_) out.push_back(mine.lane);
  return out;
}

}  // namespace proclab::gui

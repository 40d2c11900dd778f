#include "app/gui/views/trace_model.hpp"

#include <algorithm>
#include <array>

#include "core/clock.hpp"

namespace proclab::gui {

// ---------------------------------------------------------------------------------- LaneModel

LaneState LaneModel::StateNow() const {
  if (finished) return LaneState::kExited;
  if (step_wait) return LaneState::kStepWait;
  if (waiting_lock) return LaneState::kLockWait;
  if (blocked) return LaneState::kQueueBlocked;
  if (holding) return LaneState::kLockHeld;
  if (in_task) return LaneState::kTask;
  return LaneState::kRunning;
}

LaneState LaneModel::StateAt(int64_t t_ns) const {
  auto it = std::upper_bound(segments.begin(), segments.end(), t_ns,
                             [](int64_t t, const StateSegment& s) { return t < s.t_ns; });
  if (it == segments.begin()) return LaneState::kNone;
  return std::prev(it)->state;
}

// --------------------------------------------------------------------------------- TraceModel

void TraceModel::Reset(int64_t t0_ns) { *this = TraceModel{}; t0_ns_ = t0_ns; last_ns_ = t0_ns; }

void TraceModel::SetState(LaneModel& lane, int64_t t_ns) {
  // A sleep's wake-up was pushed ahead of time; an earlier event cuts the sleep short.
  if (lane.wake_pending && !lane.segments.empty() && lane.segments.back().t_ns > t_ns)
    lane.segments.pop_back();
  lane.wake_pending = false;
  const LaneState state = lane.StateNow();
  if (lane.segments.empty() || lane.segments.back().state != state)
    lane.segments.push_back({t_ns, state});
}

void TraceModel::Apply(int index, const Event& e) {
  LaneModel& lane = lanes_[static_cast<size_t>(index)];
  const int64_t t = e.t_ns;
  switch (e.kind) {
    case EventKind::kStarted:
      break;
    case EventKind::kFinished:
    case EventKind::kFailed:
      lane.finished = true;
      break;
    case EventKind::kRead:
      lane.step_wait = false;
      if (e.b == 0) lane.last_read = e.a;
      {
        SlotStats& slot = slots_[e.b];
        if (t < slot.first_read_t) {
          slot.first_read_t = t;
          slot.first_read = e.a;
        }
      }
      break;
    case EventKind::kWrite:
      lane.step_wait = false;
      if (e.b == 0) lane.last_write = e.a;
      {
        SlotStats& slot = slots_[e.b];
        ++slot.writes;
        if (t >= slot.latest_t) {
          slot.latest_t = t;
          slot.value = e.a;
        }
      }
      break;
    case EventKind::kSleep:
      SetState(lane, t);
      if (!lane.holding && !lane.finished && e.a > 0) {
        lane.segments.push_back({t, LaneState::kSleeping});
        lane.segments.push_back({t + e.a * 1000, lane.StateNow()});
        lane.wake_pending = true;
      }
      return;
    case EventKind::kLockWait:
      has_locks_ = true;
      lane.waiting_lock = true;
      lane.lock_since_ns = t;
      break;
    case EventKind::kLockAcquired:
      has_locks_ = true;
      if (lane.waiting_lock) lane.lock_wait_ns += t - lane.lock_since_ns;
      lane.waiting_lock = false;
      lane.holding = true;
      lane.lock_since_ns = t;
      break;
    case EventKind::kLockReleased:
      if (lane.holding) lane.lock_hold_ns += t - lane.lock_since_ns;
      lane.holding = false;
      break;
    case EventKind::kLockOwnerDied:
      has_locks_ = true;
      owner_died_ = true;
      break;
    case EventKind::kQueueBlocked:
      has_queue_block_ = true;
      lane.blocked = true;
      lane.queue_blocked_kind = static_cast<int>(e.a);
      break;
    case EventKind::kQueueUnblocked:
      lane.blocked = false;
      lane.queue_blocked_kind = -1;
      break;
    case EventKind::kTaskStart:
      has_tasks_ = true;
      lane.in_task = true;
      lane.tasks.push_back({t, 0, e.a, e.b});
      break;
    case EventKind::kTaskEnd:
      lane.in_task = false;
      if (!lane.tasks.empty() && lane.tasks.back().end_ns == 0) lane.tasks.back().end_ns = t;
      break;
    case EventKind::kStepWait:
      lane.step_wait = true;
      lane.pending_step = static_cast<int>(e.a);
      break;
    default:
      break;
  }
  SetState(lane, t);
}

void TraceModel::ExtendSummaries(LaneModel& lane) {
  const auto& segs = lane.segments;
  auto& blocks = lane.block_time;
  if (blocks.empty() && segs.size() >= 2) blocks.push_back(StateTimes{});  // up to segment 0
  // Block k needs segments up to k * kSummaryBlock final: all but the last one are.
  while (!blocks.empty() && blocks.size() * kSummaryBlock + 2 <= segs.size()) {
    StateTimes times = blocks.back();
    const size_t from = (blocks.size() - 1) * kSummaryBlock;
    for (size_t j = from; j < from + kSummaryBlock; ++j)
      times[static_cast<size_t>(segs[j].state)] += std::max<int64_t>(0, segs[j + 1].t_ns - segs[j].t_ns);
    blocks.push_back(times);
  }
}

bool TraceModel::Copy(const Trace& trace, const std::vector<ChildRecord>& children, size_t budget) {
  if (t0_ns_ == 0) t0_ns_ = last_ns_ = trace.t0_ns();
  children_ = children;
  const int count = std::max(trace.lanes(), static_cast<int>(children.size()));
  if (static_cast<int>(lanes_.size()) < count) {
    // The parent's cursor stays last as lanes are added (children appear one by one).
    const size_t parent_cursor = write_cursor_.empty() ? 0 : write_cursor_.back();
    lanes_.resize(static_cast<size_t>(count));
    write_cursor_.resize(static_cast<size_t>(count) + 1, 0);
    for (size_t i = 0; i + 1 < write_cursor_.size(); ++i)
      if (i >= lanes_.size() || lanes_[i].events.empty()) write_cursor_[i] = 0;
    write_cursor_.back() = parent_cursor;
  }
  applied_.resize(lanes_.size(), 0);
  available_.resize(lanes_.size(), 0);
  // Each lane (and the parent's) gets an equal share of the budget, so lanes advance together
  // and the merge is not held back by one lane that lags.
  const size_t lane_budget = std::max<size_t>(budget / (static_cast<size_t>(count) + 1), 1000);
  auto copy = [&](std::vector<Event>& to, const std::vector<Event>& from) {
    const size_t until = from.size() - to.size() <= lane_budget ? from.size() : to.size() + lane_budget;
    if (to.capacity() < until) to.reserve(std::max(until, from.capacity()));  // one step per trace growth
    to.insert(to.end(), from.begin() + static_cast<long>(to.size()), from.begin() + static_cast<long>(until));
    return until == from.size();
  };
  all_copied_ = true;
  for (int i = 0; i < trace.lanes(); ++i) {
    LaneModel& lane = lanes_[static_cast<size_t>(i)];
    const size_t before = lane.events.size();
    all_copied_ = copy(lane.events, trace.lane(i)) && all_copied_;
    events_ += lane.events.size() - before;
    available_[static_cast<size_t>(i)] = trace.lane(i).size();
  }
  const size_t parent_before = parent_.size();
  all_copied_ = copy(parent_, trace.parent_lane()) && all_copied_;
  events_ += parent_.size() - parent_before;
  parent_available_ = trace.parent_lane().size();
  return all_copied_;
}

void TraceModel::Analyse(bool final) {
  for (size_t i = 0; i < lanes_.size(); ++i) {
    LaneModel& lane = lanes_[i];
    const ChildRecord* child = i < children_.size() ? &children_[i] : nullptr;
    if (lane.segments.empty() && child != nullptr && child->spawn_ns)
      lane.segments.push_back({child->spawn_ns, LaneState::kStarting});
    for (size_t k = applied_[i]; k < lane.events.size(); ++k) Apply(static_cast<int>(i), lane.events[k]);
    applied_[i] = lane.events.size();
    if (!lane.events.empty()) last_ns_ = std::max(last_ns_, lane.events.back().t_ns);
    if (child != nullptr && child->done() && lane.events.size() == available_[i]) {
      const LaneState end = child->state == ChildState::kKilled ? LaneState::kKilled : LaneState::kExited;
      lane.finished = true;
      if (lane.segments.empty() || lane.segments.back().state != end) {
        if (lane.wake_pending && lane.segments.back().t_ns > child->end_ns) lane.segments.pop_back();
        lane.wake_pending = false;
        lane.segments.push_back({std::max(child->end_ns, lane.segments.empty()
                                                             ? child->end_ns
                                                             : lane.segments.back().t_ns),
                                 end});
      }
      last_ns_ = std::max(last_ns_, child->end_ns);
    }
    ExtendSummaries(lane);
  }
  seen_upto_.resize(lanes_.size(), 0);
  for (size_t i = 0; i < lanes_.size(); ++i) {
    const auto& segments = lanes_[i].segments;
    // A popped wake-up may have shortened the list: recount from a safe point.
    size_t k = std::min(seen_upto_[i], segments.size() > 0 ? segments.size() - 1 : 0);
    for (; k < segments.size(); ++k) states_seen_ |= 1u << static_cast<unsigned>(segments[k].state);
    seen_upto_[i] = segments.size();
  }
  if (!parent_.empty()) last_ns_ = std::max(last_ns_, parent_.back().t_ns);

  // Events of every lane before the watermark are all here: merge them in time order.
  // A lane's next event comes after its last one, so a lane not yet copied to its end holds
  // the watermark at its last copied event. A lane copied to its end that waits for the
  // learner's step, or has finished, emits nothing earlier; any other lane (and the parent)
  // may still have events in its ring, but the run thread drains every ring within
  // milliseconds, so anything older than 100 ms is already in the trace.
  int64_t watermark = std::numeric_limits<int64_t>::max();
  if (!(final && all_copied_)) {
    const int64_t floor = MonotonicNs() - 100'000'000;
    auto bound = [&](const std::vector<Event>& copied, size_t available, bool quiet) {
      const int64_t last = copied.empty() ? std::numeric_limits<int64_t>::min() : copied.back().t_ns;
      if (copied.size() < available) watermark = std::min(watermark, last);
      else if (!quiet) watermark = std::min(watermark, std::max(last, floor));
    };
    for (size_t i = 0; i < lanes_.size(); ++i)
      bound(lanes_[i].events, available_[i], lanes_[i].finished || lanes_[i].step_wait);
    bound(parent_, parent_available_, false);
  }
  MergeWrites(watermark);
}

bool TraceModel::Sync(const Trace& trace, const std::vector<ChildRecord>& children, bool final,
                      size_t budget) {
  const bool all = Copy(trace, children, budget);
  Analyse(final);
  return all;
}

void TraceModel::MergeWrites(int64_t watermark) {
  // A k-way merge over every lane (children, then the parent) from each lane's cursor.
  const size_t n = lanes_.size();
  if (write_cursor_.size() < n + 1) write_cursor_.resize(n + 1, 0);  // before any child
  auto lane_events = [&](size_t i) -> const std::vector<Event>& {
    return i < n ? lanes_[i].events : parent_;
  };
  using Head = std::pair<int64_t, size_t>;  // time, lane
  auto& heads = merge_heads_;
  heads.clear();
  for (size_t i = 0; i <= n; ++i) {
    const auto& events = lane_events(i);
    if (write_cursor_[i] < events.size()) heads.push_back({events[write_cursor_[i]].t_ns, i});
  }
  std::make_heap(heads.begin(), heads.end(), std::greater<Head>());
  while (!heads.empty()) {
    std::pop_heap(heads.begin(), heads.end(), std::greater<Head>());
    const auto [t, i] = heads.back();
    if (t > watermark) break;
    heads.pop_back();
    const auto& events = lane_events(i);
    const Event& e = events[write_cursor_[i]++];
    if (write_cursor_[i] < events.size()) {
      heads.push_back({events[write_cursor_[i]].t_ns, i});
      std::push_heap(heads.begin(), heads.end(), std::greater<Head>());
    }
    if (e.kind == EventKind::kWrite) {
      SlotStats& slot = slots_[e.b];
      if (!slot.ordered_started) {
        slot.ordered_started = true;
        slot.ordered_value = slot.first_read_t != std::numeric_limits<int64_t>::max() ? slot.first_read : 0;
      }
      // Every write adds one to what its writer read: a write at or below the value already
      // there overwrote (prev + 1 - value) updates of others.
      if (e.a <= slot.ordered_value && i < n) {
        slot.lost += slot.ordered_value + 1 - e.a;
        lanes_[i].lost_marks.push_back(e.t_ns);
      }
      slot.ordered_value = e.a;
    } else if (e.kind == EventKind::kQueuePut || e.kind == EventKind::kQueueGet) {
      depth_.push_back({e.t_ns, e.b});
      max_depth_ = std::max(max_depth_, e.b);
      // A get can be stamped before the put it took (each side emits after acting): a get on
      // an empty queue cancels the next put.
      if (e.kind == EventKind::kQueuePut) {
        if (early_gets_ > 0) --early_gets_;
        else queue_items_.push_back(e.a);
      } else if (!queue_items_.empty()) {
        queue_items_.pop_front();
      } else {
        ++early_gets_;
      }
    }
  }
}

int64_t TraceModel::lost_total() const {
  int64_t lost = 0;
  for (const auto& [slot, stats] : slots_) lost += stats.Lost();
  return lost;
}

int64_t TraceModel::DepthAt(int64_t t_ns) const {
  auto it = std::upper_bound(depth_.begin(), depth_.end(), t_ns,
                             [](int64_t t, const DepthPoint& p) { return t < p.t_ns; });
  return it == depth_.begin() ? 0 : std::prev(it)->depth;
}

std::vector<int64_t> TraceModel::queue_items() const {
  return {queue_items_.begin(), queue_items_.end()};
}

// ------------------------------------------------------------------ per-pixel-column aggregation

long TimeUpTo(const LaneModel& lane, int64_t t_ns, long& cursor, StateTimes& out) {
  const auto& segs = lane.segments;
  const size_t n = segs.size();
  // Gallop forward from the cursor, then binary-search the last bracket.
  size_t lo = cursor < 0 ? 0 : static_cast<size_t>(cursor);
  if (lo >= n || (cursor >= 0 && segs[lo].t_ns > t_ns)) lo = 0;  // times went backwards
  size_t step = 1, hi = lo + 1;
  while (hi < n && segs[hi].t_ns <= t_ns) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  hi = std::min(hi, n);
  const auto it = std::upper_bound(segs.begin() + static_cast<long>(lo), segs.begin() + static_cast<long>(hi),
                                   t_ns, [](int64_t t, const StateSegment& s) { return t < s.t_ns; });
  const long index = static_cast<long>(it - segs.begin()) - 1;
  cursor = index;
  out.fill(0);
  if (index < 0) return index;
  const size_t at = static_cast<size_t>(index);
  const auto& blocks = lane.block_time;
  size_t from = 0;
  if (!blocks.empty()) {
    const size_t block = std::min(at / kSummaryBlock, blocks.size() - 1);
    out = blocks[block];
    from = block * kSummaryBlock;
  }
  for (size_t j = from; j < at; ++j)
    out[static_cast<size_t>(segs[j].state)] += std::max<int64_t>(0, segs[j + 1].t_ns - segs[j].t_ns);
  out[static_cast<size_t>(segs[at].state)] += std::max<int64_t>(0, t_ns - segs[at].t_ns);
  return index;
}

void SummariseColumns(const LaneModel& lane, int64_t t_begin, int64_t t_end, int columns,
                      std::vector<ColumnSummary>& out) {
  out.assign(static_cast<size_t>(std::max(columns, 0)), ColumnSummary{});
  if (lane.segments.empty() || columns <= 0 || t_end <= t_begin) return;
  const double step = static_cast<double>(t_end - t_begin) / columns;
  long cursor = -1;
  StateTimes before{}, after{};
  TimeUpTo(lane, t_begin, cursor, before);
  for (int c = 0; c < columns; ++c) {
    const int64_t b = t_begin + static_cast<int64_t>(step * (c + 1));
    const long index = TimeUpTo(lane, b, cursor, after);
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
    if (best == 0 && index >= 0) column.dominant = lane.segments[static_cast<size_t>(index)].state;
    std::swap(before, after);
  }
}

void AggregateColumns(const LaneModel& lane, int64_t t_begin, int64_t t_end, int columns,
                      std::vector<LaneState>& out) {
  std::vector<ColumnSummary> summaries;
  SummariseColumns(lane, t_begin, t_end, columns, summaries);
  out.resize(summaries.size());
  for (size_t c = 0; c < summaries.size(); ++c) out[c] = summaries[c].dominant;
}

size_t CountEvents(const std::vector<Event>& events, int64_t t_begin, int64_t t_end) {
  auto by_time = [](const Event& e, int64_t t) { return e.t_ns < t; };
  auto lo = std::lower_bound(events.begin(), events.end(), t_begin, by_time);
  auto hi = std::lower_bound(lo, events.end(), t_end, by_time);
  return static_cast<size_t>(hi - lo);
}

}  // namespace proclab::gui

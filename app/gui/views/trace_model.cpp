#include "app/gui/views/trace_model.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <queue>

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

void TraceModel::Sync(const Trace& trace, const std::vector<ChildRecord>& children, bool final,
                      size_t budget) {
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
  for (int i = 0; i < count; ++i) {
    LaneModel& lane = lanes_[static_cast<size_t>(i)];
    if (lane.segments.empty() && i < static_cast<int>(children.size()) && children[i].spawn_ns)
      lane.segments.push_back({children[i].spawn_ns, LaneState::kStarting});
    if (i < trace.lanes()) {
      const std::vector<Event>& source = trace.lane(i);
      const size_t lane_budget = final ? source.size() : std::max<size_t>(budget / static_cast<size_t>(count), 1000);
      const size_t until = std::min(source.size(), lane.events.size() + lane_budget);
      for (size_t k = lane.events.size(); k < until; ++k) {
        lane.events.push_back(source[k]);
        Apply(i, source[k]);
        ++events_;
      }
      if (!lane.events.empty()) last_ns_ = std::max(last_ns_, lane.events.back().t_ns);
    }
    if (i < static_cast<int>(children.size()) && children[i].done() &&
        lane.events.size() == trace.lane(i).size()) {
      const ChildRecord& child = children[i];
      const LaneState end =
          child.state == ChildState::kKilled ? LaneState::kKilled : LaneState::kExited;
      lane.finished = true;
      if (lane.segments.empty() || lane.segments.back().state != end) {
        if (lane.wake_pending && lane.segments.back().t_ns > child.end_ns) lane.segments.pop_back();
        lane.wake_pending = false;
        lane.segments.push_back({std::max(child.end_ns, lane.segments.empty()
                                                            ? child.end_ns
                                                            : lane.segments.back().t_ns),
                                 end});
      }
      last_ns_ = std::max(last_ns_, child.end_ns);
    }
  }
  seen_upto_.resize(lanes_.size(), 0);
  for (size_t i = 0; i < lanes_.size(); ++i) {
    const auto& segments = lanes_[i].segments;
    // A popped wake-up may have shortened the list: recount from a safe point.
    size_t k = std::min(seen_upto_[i], segments.size() > 0 ? segments.size() - 1 : 0);
    for (; k < segments.size(); ++k) states_seen_ |= 1u << static_cast<unsigned>(segments[k].state);
    seen_upto_[i] = segments.size();
  }
  const std::vector<Event>& parent = trace.parent_lane();
  for (size_t k = parent_.size(); k < parent.size(); ++k) {
    parent_.push_back(parent[k]);
    ++events_;
  }
  if (!parent_.empty()) last_ns_ = std::max(last_ns_, parent_.back().t_ns);

  // Events of every lane before the watermark are all here: merge them in time order.
  // A lane's next event comes after its last one; a lane waiting for the learner's step emits
  // nothing until granted; and the run thread drains every ring within milliseconds, so
  // anything older than 100 ms is already here.
  int64_t watermark = std::numeric_limits<int64_t>::max();
  if (!final) {
    for (size_t i = 0; i < lanes_.size(); ++i) {
      const LaneModel& lane = lanes_[i];
      if (lane.finished || lane.step_wait) continue;
      watermark = std::min(watermark, lane.events.empty() ? std::numeric_limits<int64_t>::min()
                                                          : lane.events.back().t_ns);
    }
    watermark = std::max(watermark, MonotonicNs() - 100'000'000);
  }
  MergeWrites(watermark);
}

void TraceModel::MergeWrites(int64_t watermark) {
  // A k-way merge over every lane (children, then the parent) from each lane's cursor.
  const size_t n = lanes_.size();
  if (write_cursor_.size() < n + 1) write_cursor_.resize(n + 1, 0);  // before any child
  auto lane_events = [&](size_t i) -> const std::vector<Event>& {
    return i < n ? lanes_[i].events : parent_;
  };
  using Head = std::pair<int64_t, size_t>;  // time, lane
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  for (size_t i = 0; i <= n; ++i) {
    const auto& events = lane_events(i);
    if (write_cursor_[i] < events.size()) heads.push({events[write_cursor_[i]].t_ns, i});
  }
  while (!heads.empty()) {
    const auto [t, i] = heads.top();
    if (t > watermark) break;
    heads.pop();
    const auto& events = lane_events(i);
    const Event& e = events[write_cursor_[i]++];
    if (write_cursor_[i] < events.size()) heads.push({events[write_cursor_[i]].t_ns, i});
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
      queue_events_.push_back(e);
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
  // A get can be stamped before the put it took (each side emits after acting): a get on an
  // empty simulated queue cancels the next put.
  std::deque<int64_t> items;
  int64_t early_gets = 0;
  for (const Event& e : queue_events_) {
    if (e.kind == EventKind::kQueuePut) {
      if (early_gets > 0) --early_gets;
      else items.push_back(e.a);
    } else if (!items.empty()) {
      items.pop_front();
    } else {
      ++early_gets;
    }
  }
  return {items.begin(), items.end()};
}

// ------------------------------------------------------------------ per-pixel-column aggregation

void AggregateColumns(const LaneModel& lane, int64_t t_begin, int64_t t_end, int columns,
                      std::vector<LaneState>& out) {
  out.assign(static_cast<size_t>(std::max(columns, 0)), LaneState::kNone);
  const auto& segs = lane.segments;
  if (segs.empty() || columns <= 0 || t_end <= t_begin) return;
  const double step = static_cast<double>(t_end - t_begin) / columns;
  auto index_at = [&](int64_t t) -> long {  // last segment starting at or before t, or -1
    auto it = std::upper_bound(segs.begin(), segs.end(), t,
                               [](int64_t v, const StateSegment& s) { return v < s.t_ns; });
    return static_cast<long>(it - segs.begin()) - 1;
  };
  long first = index_at(t_begin);
  for (int c = 0; c < columns; ++c) {
    const int64_t a = t_begin + static_cast<int64_t>(step * c);
    const int64_t b = std::max(a + 1, t_begin + static_cast<int64_t>(step * (c + 1)));
    const long last = index_at(b - 1);
    if (last < 0) {
      first = last;
      continue;
    }
    if (first == last) {
      out[static_cast<size_t>(c)] = segs[static_cast<size_t>(first)].state;
    } else {
      std::array<int64_t, static_cast<size_t>(LaneState::kCount)> time{};
      if (last - first <= 32) {
        for (long k = std::max(first, 0L); k <= last; ++k) {
          const int64_t from = std::max(a, segs[static_cast<size_t>(k)].t_ns);
          const int64_t to =
              k + 1 <= last ? std::min(b, segs[static_cast<size_t>(k + 1)].t_ns) : b;
          time[static_cast<size_t>(segs[static_cast<size_t>(k)].state)] += std::max<int64_t>(0, to - from);
        }
      } else {
        for (int s = 0; s < 32; ++s) {
          const int64_t t = a + (b - a) * s / 32;
          time[static_cast<size_t>(lane.StateAt(t))] += 1;
        }
      }
      time[0] = 0;  // "nothing" never wins over a real state
      size_t best = 0;
      for (size_t s = 1; s < time.size(); ++s)
        if (time[s] > time[best]) best = s;
      out[static_cast<size_t>(c)] = static_cast<LaneState>(best);
    }
    first = last;
  }
}

size_t CountEvents(const std::vector<Event>& events, int64_t t_begin, int64_t t_end) {
  auto by_time = [](const Event& e, int64_t t) { return e.t_ns < t; };
  auto lo = std::lower_bound(events.begin(), events.end(), t_begin, by_time);
  auto hi = std::lower_bound(lo, events.end(), t_end, by_time);
  return static_cast<size_t>(hi - lo);
}

}  // namespace proclab::gui

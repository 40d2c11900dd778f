#include "core/facts/queue_facts.hpp"

#include <algorithm>

namespace proclab {

namespace {

void EndBlock(QueueFacts& queue, QueueFacts::PerLane& mine, int64_t t_ns) {
  if (mine.open_block < 0) return;
  QueueBlockSpan& span = queue.blocked[static_cast<size_t>(mine.open_block)];
  span.end_ns = std::max(t_ns, span.begin_ns);
  (span.full ? mine.blocked_full_ns : mine.blocked_empty_ns) += span.end_ns - span.begin_ns;
  mine.open_block = -1;
}

}  // namespace

void AddQueueEvent(QueueFacts& queue, int lane, const Event& event) {
  QueueFacts::PerLane& mine = queue.lanes[lane];
  switch (event.kind) {
    case EventKind::kQueuePut:
    case EventKind::kQueueGet: {
      queue.Record(event.kind == EventKind::kQueuePut, QueueOp{event.t_ns, lane, event.a, event.b, event.type});
      (event.kind == EventKind::kQueuePut ? mine.puts : mine.gets) += 1;
      queue.max_depth = std::max(queue.max_depth, event.b);
      break;
    }
    case EventKind::kQueueBlocked:
      EndBlock(queue, mine, event.t_ns);
      queue.blocked.push_back({lane, event.a == 0, event.t_ns});
      mine.open_block = static_cast<int>(queue.blocked.size()) - 1;
      break;
    case EventKind::kQueueUnblocked:
      EndBlock(queue, mine, event.t_ns);
      break;
    default:
      break;
  }
}

void CloseQueueSpans(QueueFacts& queue, int lane, int64_t t_ns) {
  if (queue.lanes.Find(lane) == nullptr) return;
  EndBlock(queue, queue.lanes[lane], t_ns);
}

void QueueFacts::Record(bool put, const QueueOp& op) { (put ? puts_ : gets_).push_back(op); }

const std::vector<QueueOp>& QueueFacts::Ordered(std::vector<QueueOp>& ops, size_t& ordered) {
  if (ordered == ops.size()) return ops;
  auto by_time = [](const QueueOp& x, const QueueOp& y) { return x.t_ns < y.t_ns; };
  const auto middle = ops.begin() + static_cast<long>(ordered);
  std::stable_sort(middle, ops.end(), by_time);  // the new ones (each lane's already in order)
  std::inplace_merge(ops.begin(), middle, ops.end(), by_time);
  ordered = ops.size();
  return ops;
}

std::vector<QueueItemTrip> QueueFacts::Trips() const {
  const std::vector<QueueOp>& puts = this->puts();
  const std::vector<QueueOp>& gets = this->gets();
  std::vector<QueueItemTrip> trips;
  trips.reserve(puts.size());
  for (size_t k = 0; k < puts.size(); ++k) {
    QueueItemTrip trip{puts[k].value, puts[k].lane, kNoLane, puts[k].t_ns, 0, puts[k].depth_after, -1};
    if (k < gets.size()) {
      trip.consumer = gets[k].lane;
      trip.get_ns = gets[k].t_ns;
      trip.get_depth = gets[k].depth_after;
    }
    trips.push_back(trip);
  }
  return trips;
}

std::vector<QueueFacts::Step> QueueFacts::Steps() const {
  const std::vector<QueueOp>& puts = this->puts();
  const std::vector<QueueOp>& gets = this->gets();
  std::vector<Step> steps;
  steps.reserve(puts.size() + gets.size());
  size_t p = 0, g = 0;
  // A get never comes before the put of the item it took, whatever the stamps say.
  while (p < puts.size() || g < gets.size()) {
    const bool take_get = g < gets.size() && g < p &&
                          (p == puts.size() || gets[g].t_ns <= puts[p].t_ns);
    if (take_get) {
      steps.push_back({gets[g].t_ns, g, true});
      ++g;
    } else if (p < puts.size()) {
      steps.push_back({puts[p].t_ns, p, false});
      ++p;
    } else {
      break;  // gets without puts (dropped events): nothing to replay them with
    }
  }
  return steps;
}

int64_t QueueFacts::DepthAt(int64_t t_ns) const {
  auto last_before = [t_ns](const std::vector<QueueOp>& ops) -> const QueueOp* {
    auto it = std::upper_bound(ops.begin(), ops.end(), t_ns,
                               [](int64_t t, const QueueOp& op) { return t < op.t_ns; });
    return it == ops.begin() ? nullptr : &*std::prev(it);
  };
  const QueueOp* put = last_before(puts());
  const QueueOp* get = last_before(gets());
  if (put == nullptr && get == nullptr) return 0;
  if (put == nullptr) return get->depth_after;
  if (get == nullptr) return put->depth_after;
  return put->t_ns >= get->t_ns ? put->depth_after : get->depth_after;
}

namespace {
int64_t BlockedNs(const QueueFacts& queue, int lane, bool full, int64_t now_ns) {
  int64_t total = 0;
  for (const QueueBlockSpan& span : queue.blocked) {
    if (span.lane != lane || span.full != full) continue;
    const int64_t end = span.end_ns != 0 ? span.end_ns : std::max(now_ns, span.begin_ns);
    total += end - span.begin_ns;
  }
  return total;
}
}  // namespace

int64_t QueueFacts::BlockedFullNs(int lane, int64_t now_ns) const {
  return BlockedNs(*this, lane, true, now_ns);
}
int64_t QueueFacts::BlockedEmptyNs(int lane, int64_t now_ns) const {
  return BlockedNs(*this, lane, false, now_ns);
}

}  // namespace proclab

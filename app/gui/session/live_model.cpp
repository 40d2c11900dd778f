#include "app/gui/session/live_model.hpp"

#include <algorithm>
#include <limits>

#include "app/gui/session/live_run.hpp"

namespace proclab::gui {

void LiveModel::Reset() { *this = LiveModel{}; }

std::span<const Event> LiveModel::lane(int lane) const {
  if (lane < 0) return parent_;
  if (static_cast<size_t>(lane) >= lanes_.size()) return {};
  return lanes_[static_cast<size_t>(lane)];
}

bool LiveModel::Copy(const Trace& trace, const std::vector<ChildRecord>& children, size_t budget) {
  if (!started_) {
    started_ = true;
    facts_ = RunFacts(trace.t0_ns());
  }
  children_ = children;
  const size_t count = static_cast<size_t>(std::max(trace.lanes(), static_cast<int>(children.size())));
  if (lanes_.size() < count) {
    lanes_.resize(count);
    folded_.resize(count, 0);
    available_.resize(count, 0);
  }
  // One moment for every lane: the figures a view shows (the counter, its expected value, the
  // updates lost) are folded from every lane up to the same time `cut`: no later than a lane
  // still running is known to be complete (its watermark; a lane that ended has all its events
  // in), and no later than `budget` events in all allow.
  int64_t cut = std::numeric_limits<int64_t>::max();
  int64_t earliest = std::numeric_limits<int64_t>::max(), latest = std::numeric_limits<int64_t>::min();
  // How many of `from`'s events are stamped at or before `t` (the first `have` are).
  auto up_to = [](const std::vector<Event>& from, size_t have, int64_t t) {
    return static_cast<size_t>(std::upper_bound(from.begin() + static_cast<long>(have), from.end(), t,
                                                [](int64_t v, const Event& e) { return v < e.t_ns; }) -
                               from.begin());
  };
  for (int i = 0; i < trace.lanes(); ++i) {
    const std::vector<Event>& from = trace.lane(i);
    const size_t have = lanes_[static_cast<size_t>(i)].size();
    const bool ended = static_cast<size_t>(i) < children.size() && children[static_cast<size_t>(i)].done();
    if (!ended) cut = std::min(cut, trace.watermark(i));
    if (have < from.size()) {
      earliest = std::min(earliest, from[have].t_ns);
      latest = std::max(latest, from.back().t_ns);
    }
  }
  auto events_until = [&](int64_t t) {
    size_t n = 0;
    for (int i = 0; i < trace.lanes(); ++i)
      n += up_to(trace.lane(i), lanes_[static_cast<size_t>(i)].size(), t) - lanes_[static_cast<size_t>(i)].size();
    return n;
  };
  if (earliest <= latest && events_until(std::min(cut, latest)) > budget) {
    // The latest time with at most `budget` new events before it (at least the next event).
    int64_t lo = earliest, hi = std::min(cut, latest);
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo + 1) / 2;
      if (events_until(mid) <= budget) lo = mid;
      else hi = mid - 1;
    }
    cut = lo;
  }
  bool all = true;
  auto take = [&](std::vector<Event>& to, const std::vector<Event>& from, int64_t until_ns) {
    const size_t before = to.size();
    const size_t until = up_to(from, before, until_ns);
    if (to.capacity() < until) to.reserve(std::max(until, from.capacity()));
    to.insert(to.end(), from.begin() + static_cast<long>(before), from.begin() + static_cast<long>(until));
    events_ += until - before;
    all = all && until == from.size();
  };
  for (int i = 0; i < trace.lanes(); ++i) {
    take(lanes_[static_cast<size_t>(i)], trace.lane(i), cut);
    available_[static_cast<size_t>(i)] = trace.lane(i).size();
    // What the run dropped so far: the live facts must know their events are not all there.
    facts_.SetDrops(i, trace.drops(i));
  }
  take(parent_, trace.parent_lane(), cut);
  return all;
}

void LiveModel::CopyOutput(const ConsoleBuffer& console) { console.CopySince(output_.size(), output_); }

void LiveModel::Analyse() {
  // The children's lanes first, then the parent's: what the parent concluded from the children
  // (a stall, a deadlock) comes after what it saw.
  for (size_t i = 0; i < lanes_.size(); ++i) {
    const std::vector<Event>& events = lanes_[i];
    if (folded_[i] < events.size())
      facts_.Add(std::span<const Event>(events).subspan(folded_[i]));
    folded_[i] = events.size();
  }
  if (parent_folded_ < parent_.size()) facts_.Add(std::span<const Event>(parent_).subspan(parent_folded_));
  parent_folded_ = parent_.size();
  std::vector<bool> complete(children_.size(), false);
  for (size_t i = 0; i < children_.size(); ++i)
    complete[i] = i >= lanes_.size() || lanes_[i].size() == available_[i];
  facts_.UpdateChildren(children_, complete);
}

}  // namespace proclab::gui

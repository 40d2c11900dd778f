#include "app/gui/session/live_model.hpp"

#include <algorithm>

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
  const size_t lane_budget = std::max<size_t>(budget / (count + 1), 1000);
  bool all = true;
  auto take = [&](std::vector<Event>& to, const std::vector<Event>& from) {
    const size_t before = to.size();
    const size_t until = from.size() - before <= lane_budget ? from.size() : before + lane_budget;
    if (to.capacity() < until) to.reserve(std::max(until, from.capacity()));
    to.insert(to.end(), from.begin() + static_cast<long>(before), from.begin() + static_cast<long>(until));
    events_ += until - before;
    all = all && until == from.size();
  };
  for (int i = 0; i < trace.lanes(); ++i) {
    take(lanes_[static_cast<size_t>(i)], trace.lane(i));
    available_[static_cast<size_t>(i)] = trace.lane(i).size();
    // What the run dropped so far: the live facts must know their events are not all there.
    facts_.SetDrops(i, trace.drops(i));
  }
  take(parent_, trace.parent_lane());
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

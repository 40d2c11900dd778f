#include "app/gui/session/sync_pace.hpp"

#include <algorithm>

namespace proclab::gui {

size_t SyncPace::budget() const {
  const double events = kTargetMs * 1e6 / ns_per_event_;
  return std::clamp(static_cast<size_t>(events), kFewest, kMost);
}

void SyncPace::Took(size_t events, double ms) {
  if (events < 1'000 || ms <= 0) return;
  // One frame preempted by the scheduler must not starve the next ones: a sample counts at
  // most four times the current estimate, and a quarter of it goes into the estimate.
  const double sample = std::min(ms * 1e6 / static_cast<double>(events), 4 * ns_per_event_);
  ns_per_event_ = std::max(0.75 * ns_per_event_ + 0.25 * sample, 1.0);
}

}  // namespace proclab::gui

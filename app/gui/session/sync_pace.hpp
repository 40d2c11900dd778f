// How many of a live run's events the views take in per frame, so that copying and folding
// them costs about the same time every frame, whatever the machine and the load.
// Why: a fixed count (120,000) took 1-2 ms on an idle machine but 5-21 ms in the slowest
// frames at 1920x1080 (shared-data 8 x 1,000,000), which alone broke the 16.7 ms frame. A run
// that delivers more than the pace lets in is shown a little behind, never wrong: its events
// are taken in their order, and the finished run's own facts replace the live ones.
#pragma once
#include <cstddef>

namespace proclab::gui {

class SyncPace {
 public:
  static constexpr double kTargetMs = 3.0;  // of a 16.7 ms frame
  static constexpr size_t kFewest = 5'000;  // even on a slow frame the run moves on
  static constexpr size_t kMost = 400'000;

  size_t budget() const;
  // A frame took in `events` in `ms` (copy and fold). Frames with few events say little about
  // the cost per event (the fixed costs dominate) and are left out.
  void Took(size_t events, double ms);
  double ns_per_event() const { return ns_per_event_; }

 private:
  double ns_per_event_ = 25.0;  // measured idle: 120,000 events in ~2-4 ms
};

}  // namespace proclab::gui

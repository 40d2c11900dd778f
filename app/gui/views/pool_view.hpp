// Pool: what the pool does, live, from the shown run's facts: its states (running, closed,
// terminated, joined), a lane per worker with its chunks labelled by their items (a worker that
// died and the one that replaced it marked as such), the task queue (chunks not yet taken), the
// results in input order as they arrive, and the callbacks that fired in the parent. Hovering
// the lanes shows all of it at that moment. After the run the pool lesson's outcome adds the
// values and the error.
#pragma once
#include <cstdint>
#include <vector>

#include "app/gui/views/view.hpp"

namespace proclab::gui {

// The pool's queues read for drawing: what the parent put on the task queue and when a worker
// took it, and the results the parent got, in order (from the queues' facts).
struct PoolPicture {
  struct Put {
    int64_t t_ns, taken_ns;  // taken_ns 0: still in the task queue
    int64_t first, last;
    bool exit;  // the exit task close() puts for each worker
  };
  struct Arrival {
    int64_t t_ns;
    int64_t first, last;
    int worker;  // lane
  };
  std::vector<Put> task_puts;   // in queue order
  std::vector<Arrival> arrivals;  // in the order the parent got them
  int64_t items = 0;              // highest item seen + 1
  std::vector<Put> WaitingAt(int64_t t_ns) const;  // chunks in the task queue at `t_ns`, oldest first
};
PoolPicture ReadPool(const RunFacts& facts);

class PoolView : public View {
 public:
  std::string_view id() const override { return "pool"; }
  const char* Title(Language language) const override { return Tr(Str::kPool, language); }
  void Draw(const ViewContext& ctx) override;
  const PoolPicture& picture() const { return picture_; }
  const PoolFacts* pool() const { return pool_; }  // the pool drawn last frame

 private:
  PoolPicture picture_;
  const PoolFacts* pool_ = nullptr;
  const RunFacts* source_ = nullptr;
  int64_t source_t0_ = -1;
  bool source_final_ = false;
  size_t seen_events_ = SIZE_MAX;
  double read_at_ = -1;
};

}  // namespace proclab::gui

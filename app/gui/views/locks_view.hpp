// Locks: each lock of the run as a row over time, coloured by the child holding it, with a thin
// strip per child waiting for it and a mark where a holder died with it; each child's wait and
// hold time; a stall on a lock in words; and a deadlock drawn as its cycle (child -> the lock it
// waits for -> the child holding that lock -> ...) with the sentence that explains it. All from
// the shown run's lock facts (and its stalls); its words are its own (texts()).
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/gui/timeline/lock_timeline.hpp"
#include "app/gui/views/view.hpp"

namespace proclab::gui {

class LocksView : public View {
 public:
  std::string_view id() const override { return "locks"; }
  const char* Title(Language language) const override;
  std::span<const LocalText> texts() const override;
  void Draw(const ViewContext& ctx) override;

  // What the last frame showed (the self-test compares it with the facts).
  struct Row {
    uint32_t lock = 0;
    std::string name;
    std::set<int> holders, waiters;  // lanes drawn holding it / waiting for it somewhere
    size_t owner_deaths = 0;         // marks drawn
  };
  struct Shown {
    std::vector<Row> rows;
    std::optional<Deadlock> cycle;  // the cycle drawn
    std::string explanation;        // the sentence under it
  };
  const Shown& shown() const { return shown_; }
  // Who the row of `lock` shows holding it at `t_ns` (kNoLane: nobody).
  int HolderShownAt(uint32_t lock, int64_t t_ns) const;

 private:
  void DrawCycle(const ViewContext& ctx, const Deadlock& deadlock);
  const RunFacts* source_ = nullptr;
  int64_t source_t0_ = -1;
  bool source_final_ = false;
  int64_t now_ns_ = 0;
  std::map<uint32_t, LockTimeline> timelines_;
  std::vector<LockColumn> columns_;  // scratch
  Shown shown_;
};

}  // namespace proclab::gui

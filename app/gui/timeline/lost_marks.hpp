// The lost updates of a run by lane, in time order (writes that erased others' updates; not
// those that brought some back): where the lanes view draws its marks, found
// per pixel by binary search. Built from the slots' lost-update facts as they grow (each write
// that erased others' updates: core/facts/slot_facts.hpp), not by looking at writes again.
#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include "core/facts/run_facts.hpp"

namespace proclab::gui {

struct LostMark {
  int64_t t_ns;
  uint32_t slot;
  size_t index;  // into that slot's lost_updates
};

class LostMarks {
 public:
  // Takes in what is new since the last call; starts over for other facts (another run, or the
  // finished run's final facts, whose lost updates are re-ordered).
  void Update(const RunFacts& facts);
  // Lane `lane`'s marks, in time order (empty for a lane without any).
  const std::vector<LostMark>& lane(int lane) const;
  const LostUpdate& update(const RunFacts& facts, const LostMark& mark) const {
    return facts.slot(mark.slot)->lost_updates[mark.index];
  }
  size_t total() const { return total_; }

 private:
  const RunFacts* source_ = nullptr;
  int64_t source_t0_ = -1;
  bool source_final_ = false;
  std::map<uint32_t, size_t> taken_;  // per slot: lost updates taken in
  std::map<int, std::vector<LostMark>> lanes_;
  size_t total_ = 0;
};

}  // namespace proclab::gui

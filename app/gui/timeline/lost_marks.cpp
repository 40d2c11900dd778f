#include "app/gui/timeline/lost_marks.hpp"

#include <algorithm>

namespace proclab::gui {

void LostMarks::Update(const RunFacts& facts) {
  if (&facts != source_ || facts.t0_ns() != source_t0_ || facts.final() != source_final_) {
    *this = LostMarks{};
    source_ = &facts;
    source_t0_ = facts.t0_ns();
    source_final_ = facts.final();
  }
  for (const auto& [id, slot] : facts.slots()) {
    size_t& taken = taken_[id];
    for (; taken < slot.lost_updates.size(); ++taken) {
      const LostUpdate& lost = slot.lost_updates[taken];
      if (lost.erased <= 0) continue;  // it brought updates back: nothing of others' lost there
      std::vector<LostMark>& marks = lanes_[lost.lane];
      // Each slot's marks come in its lane's order; marks of several slots interleave, so
      // insert from the back (nearly always at the end).
      auto at = marks.end();
      while (at != marks.begin() && std::prev(at)->t_ns > lost.t_ns) --at;
      marks.insert(at, LostMark{lost.t_ns, id, taken});
      ++total_;
    }
  }
}

const std::vector<LostMark>& LostMarks::lane(int lane) const {
  static const std::vector<LostMark> kNone;
  const auto it = lanes_.find(lane);
  return it == lanes_.end() ? kNone : it->second;
}

}  // namespace proclab::gui

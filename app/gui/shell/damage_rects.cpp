#include "app/gui/shell/damage_rects.hpp"

#include <algorithm>

namespace proclab::gui {

DamageRect DamageRect::Union(const DamageRect& other) const {
  if (empty()) return other;
  if (other.empty()) return *this;
  return {std::min(x0, other.x0), std::min(y0, other.y0), std::max(x1, other.x1), std::max(y1, other.y1)};
}

namespace {

// What joining a and b costs in pixels drawn beyond the two of them. A rectangle drawn costs
// about as much as this many pixels more (a clear, a copy, every command's setup again).
constexpr int64_t kPerRectangle = 64 * 64;

int64_t JoinCost(const DamageRect& a, const DamageRect& b) { return a.Union(b).area() - a.area() - b.area(); }

// Joins overlapping rectangles until none overlap (a join can make a box that meets a third).
void JoinOverlapping(std::vector<DamageRect>& rects) {
  for (bool joined = true; joined;) {
    joined = false;
    for (size_t i = 0; i < rects.size() && !joined; ++i)
      for (size_t j = i + 1; j < rects.size() && !joined; ++j)
        if (rects[i].Meets(rects[j])) {
          rects[i] = rects[i].Union(rects[j]);
          rects.erase(rects.begin() + static_cast<long>(j));
          joined = true;
        }
  }
}

}  // namespace

void MergeDamage(std::vector<DamageRect>& rects, size_t most) {
  std::erase_if(rects, [](const DamageRect& r) { return r.empty(); });
  most = std::max<size_t>(most, 1);
  JoinOverlapping(rects);
  // Then the cheapest joins: those that cost less than a rectangle, and any while there are too many.
  while (rects.size() > 1) {
    size_t best_i = 0, best_j = 1;
    int64_t best = JoinCost(rects[0], rects[1]);
    for (size_t i = 0; i < rects.size(); ++i)
      for (size_t j = i + 1; j < rects.size(); ++j)
        if (const int64_t cost = JoinCost(rects[i], rects[j]); cost < best) best = cost, best_i = i, best_j = j;
    if (best > kPerRectangle && rects.size() <= most) break;
    rects[best_i] = rects[best_i].Union(rects[best_j]);
    rects.erase(rects.begin() + static_cast<long>(best_j));
    JoinOverlapping(rects);
  }
}

void ClipToDamage(ImDrawList& list, std::span<const ImVec4> rects, ImVector<ImDrawCmd>& scratch) {
  scratch.resize(0);
  for (const ImDrawCmd& cmd : list.CmdBuffer) {
    if (cmd.UserCallback != nullptr) {
      scratch.push_back(cmd);
      continue;
    }
    for (const ImVec4& r : rects) {
      ImDrawCmd clipped = cmd;
      clipped.ClipRect = ImVec4(std::max(cmd.ClipRect.x, r.x), std::max(cmd.ClipRect.y, r.y),
                                std::min(cmd.ClipRect.z, r.z), std::min(cmd.ClipRect.w, r.w));
      if (clipped.ClipRect.z <= clipped.ClipRect.x || clipped.ClipRect.w <= clipped.ClipRect.y) continue;
      scratch.push_back(clipped);
    }
  }
  list.CmdBuffer.swap(scratch);
}

}  // namespace proclab::gui

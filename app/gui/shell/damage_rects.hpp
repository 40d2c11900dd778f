// The damaged parts of a frame as a few rectangles that do not overlap, and the draw commands
// clipped to them. Why several: in a live frame the lanes, the status line at the bottom and the
// header at the top change, and their one bounding box is most of the window (82% of a
// 1920x1080 frame measured), while the three together are a third of it. Why disjoint: a pixel
// in two rectangles would be drawn twice, and translucent colours would blend twice.
// No OpenGL here: the unit tests check the merging and the clipping.
#pragma once
#include <imgui.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace proclab::gui {

struct DamageRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // framebuffer pixels, rows from the top; x1, y1 past the end
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  int64_t area() const { return empty() ? 0 : int64_t{x1 - x0} * (y1 - y0); }
  bool Meets(const DamageRect& other) const {
    return x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1;
  }
  DamageRect Union(const DamageRect& other) const;
};

// Makes `rects` at most `most` rectangles that do not overlap and cover every pixel they
// covered: overlapping ones are joined, and so are ones whose joint box costs little more than
// the two (drawing one rectangle is cheaper than two small ones), then the pairs that add least
// until `most` are left. Empty rectangles are dropped.
void MergeDamage(std::vector<DamageRect>& rects, size_t most);

// Rewrites `list`'s commands: each command once for every rectangle its clip rectangle meets,
// clipped to that rectangle (`rects` in ImGui's coordinates: x0, y0, x1, y1), in the command's
// order. Callbacks are kept once, in their place. `scratch` is reused storage.
void ClipToDamage(ImDrawList& list, std::span<const ImVec4> rects, ImVector<ImDrawCmd>& scratch);

}  // namespace proclab::gui

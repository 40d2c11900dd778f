// Where the last frame drew the widgets the self-test clicks, by name ("run", "param:processes"),
// and what it needs to tell whether each was shown whole (the projector checks).
#pragma once
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace proclab::gui {

struct Rect {
  ImVec2 min, max;
  ImVec2 clip_min, clip_max;  // the part of its window it could be seen in
  bool scrolls = false;       // its window scrolls vertically (an item below its edge is reachable)
  float need_w = 0;           // the width its label needs, when known (else 0)
  ImVec2 Centre() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};
using WidgetRects = std::map<std::string, Rect>;

// Records the last ImGui item under `name`; `need_w`: the width its whole label takes.
inline void Remember(WidgetRects& rects, const std::string& name, float need_w = 0) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  rects[name] = Rect{ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), draw->GetClipRectMin(), draw->GetClipRectMax(),
                     ImGui::GetScrollMaxY() > 0 || ImGui::GetScrollY() > 0, need_w};
}

// One frame of a click made of injected input, the way Dear ImGui 1.86 takes it (io.MousePos,
// io.MouseDown written before NewFrame): 0 hover at `fx` of the widget's width (3 px inside its
// edges: ImGui floors the position), 1 press, 2 release (a button fires on release), 3 and 4
// away, so nothing stays hovered. Returns true once the click is complete.
inline bool ClickFrame(int phase, const Rect& r, float fx, ImVec2* mouse, bool* down) {
  if (phase == 0)
    *mouse = ImVec2(std::clamp(r.min.x + (r.max.x - r.min.x) * fx, r.min.x + 3, r.max.x - 3),
                    std::floor((r.min.y + r.max.y) * 0.5f));
  *down = phase == 1;
  if (phase >= 3) *mouse = ImVec2(-1, -1);
  return phase >= 5;
}

}  // namespace proclab::gui

// Where the last frame drew the widgets the self-test clicks, by name ("run", "param:processes").
#pragma once
#include <imgui.h>

#include <map>
#include <string>

namespace proclab::gui {

struct Rect {
  ImVec2 min, max;
  ImVec2 Centre() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};
using WidgetRects = std::map<std::string, Rect>;

// Records the last ImGui item under `name`.
inline void Remember(WidgetRects& rects, const std::string& name) {
  rects[name] = Rect{ImGui::GetItemRectMin(), ImGui::GetItemRectMax()};
}

}  // namespace proclab::gui

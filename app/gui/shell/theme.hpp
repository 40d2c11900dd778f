// Colours: a calm dark theme for screens and a high-contrast light theme for projectors, and
// one colour per lane state so every view paints a state the same way.
#pragma once
#include <imgui.h>

#include "app/gui/markdown/markdown_view.hpp"
#include "core/facts/child_facts.hpp"

namespace proclab::gui {

struct Theme {
  bool high_contrast = false;
  ImU32 state[static_cast<int>(LaneState::kCount)] = {};
  ImU32 text, dim, accent, good, bad, warn, grid, lane_bg, panel_bg, marker, expected, actual;
  MarkdownColors markdown;
  ImU32 State(LaneState s) const { return state[static_cast<int>(s)]; }
};

Theme MakeTheme(bool high_contrast);
// Applies the ImGui style for the theme at `scale` (sizes are set for 1.0, then scaled).
void ApplyStyle(const Theme& theme, float scale);

}  // namespace proclab::gui

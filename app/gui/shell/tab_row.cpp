#include "app/gui/shell/tab_row.hpp"

#include <imgui.h>

namespace proclab::gui {

int TabRow::Draw(const char* id, const std::vector<std::string>& labels,
                 const std::vector<std::string>& names, int request, WidgetRects& rects) {
  const int n = static_cast<int>(labels.size());
  if (n == 0) return -1;
  const ImGuiStyle& style = ImGui::GetStyle();
  auto width = [&](const std::string& label) {
    return ImGui::CalcTextSize(label.c_str(), nullptr, true).x + style.FramePadding.x * 2;
  };
  float all_w = 0;
  for (const std::string& label : labels) all_w += width(label) + style.ItemInnerSpacing.x;
  const bool as_tabs = all_w <= ImGui::GetContentRegionAvail().x;
  if (shown_ >= n) shown_ = 0;
  // Coming back to tabs, the tab bar selects what the buttons showed.
  if (as_tabs && !was_tabs_ && request < 0) request = shown_;
  was_tabs_ = as_tabs;
  if (as_tabs) {
    if (ImGui::BeginTabBar(id)) {
      for (int i = 0; i < n; ++i) {
        const bool open = ImGui::BeginTabItem(labels[static_cast<size_t>(i)].c_str(), nullptr,
                                              i == request ? ImGuiTabItemFlags_SetSelected : 0);
        Remember(rects, names[static_cast<size_t>(i)], width(labels[static_cast<size_t>(i)]));
        if (!open) continue;
        // A tab asked for is shown from the frame it is selected (the tab bar takes a frame).
        shown_ = request >= 0 ? request : i;
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
    return shown_;
  }
  if (request >= 0 && request < n) shown_ = request;
  for (int i = 0; i < n; ++i) {
    const std::string& label = labels[static_cast<size_t>(i)];
    if (i > 0) {
      ImGui::SameLine(0, style.ItemInnerSpacing.x);
      if (ImGui::GetCursorPosX() + width(label) > ImGui::GetWindowContentRegionMax().x)
        ImGui::NewLine();
    }
    ImGui::PushStyleColor(
        ImGuiCol_Button, ImGui::GetStyleColorVec4(i == shown_ ? ImGuiCol_TabActive : ImGuiCol_Tab));
    if (ImGui::Button(label.c_str())) shown_ = i;
    ImGui::PopStyleColor();
    Remember(rects, names[static_cast<size_t>(i)], width(label));
  }
  ImGui::Separator();
  return shown_;
}

}  // namespace proclab::gui

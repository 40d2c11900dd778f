#include "app/gui/shell/theme.hpp"

namespace proclab::gui {

namespace {
constexpr ImU32 Rgb(unsigned rgb, unsigned alpha = 255) {
  return IM_COL32((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, alpha);
}
}  // namespace

Theme MakeTheme(bool high_contrast) {
  Theme t;
  t.high_contrast = high_contrast;
  auto set = [&](LaneState s, unsigned rgb) { t.state[static_cast<int>(s)] = Rgb(rgb); };
  if (!high_contrast) {
    set(LaneState::kNone, 0x000000);
    set(LaneState::kStarting, 0x78909C);
    set(LaneState::kRunning, 0x43A047);
    set(LaneState::kSleeping, 0x5C6BC0);
    set(LaneState::kLockWait, 0xE53935);
    set(LaneState::kLockHeld, 0xFFB300);
    set(LaneState::kQueueBlocked, 0xAB47BC);
    set(LaneState::kStepWait, 0x26C6DA);
    set(LaneState::kTask, 0x26A69A);
    set(LaneState::kExited, 0x616161);
    set(LaneState::kKilled, 0xB71C1C);
    t.text = Rgb(0xE8EAED);
    t.dim = Rgb(0x9AA0A6);
    t.accent = Rgb(0x8AB4F8);
    t.good = Rgb(0x81C995);
    t.bad = Rgb(0xF28B82);
    t.warn = Rgb(0xFDD663);
    t.grid = Rgb(0x3C4043);
    t.lane_bg = Rgb(0x202124);
    t.panel_bg = Rgb(0x292A2D);
    t.marker = Rgb(0xFF5252);
    t.expected = Rgb(0x5F6368);
    t.actual = Rgb(0x8AB4F8);
    t.markdown = {Rgb(0xE8EAED), Rgb(0xFFFFFF), Rgb(0xF6C177), Rgb(0x35363A), Rgb(0xC3E88D),
                  Rgb(0x5F6368)};
  } else {
    set(LaneState::kNone, 0xFFFFFF);
    set(LaneState::kStarting, 0x607D8B);
    set(LaneState::kRunning, 0x1B7F1F);
    set(LaneState::kSleeping, 0x283593);
    set(LaneState::kLockWait, 0xC62828);
    set(LaneState::kLockHeld, 0xE08A00);
    set(LaneState::kQueueBlocked, 0x6A1B9A);
    set(LaneState::kStepWait, 0x00838F);
    set(LaneState::kTask, 0x00695C);
    set(LaneState::kExited, 0x9E9E9E);
    set(LaneState::kKilled, 0x8B0000);
    t.text = Rgb(0x000000);
    t.dim = Rgb(0x333333);
    t.accent = Rgb(0x0B57D0);
    t.good = Rgb(0x0B6E1F);
    t.bad = Rgb(0xB00020);
    t.warn = Rgb(0x8A5A00);
    t.grid = Rgb(0xBDBDBD);
    t.lane_bg = Rgb(0xF2F2F2);
    t.panel_bg = Rgb(0xFFFFFF);
    t.marker = Rgb(0xD50000);
    t.expected = Rgb(0xBDBDBD);
    t.actual = Rgb(0x0B57D0);
    t.markdown = {Rgb(0x000000), Rgb(0x000000), Rgb(0x8B2500), Rgb(0xEDEDED), Rgb(0x0B4F14),
                  Rgb(0x757575)};
  }
  return t;
}

void ApplyStyle(const Theme& theme, float scale) {
  ImGuiStyle style;
  if (theme.high_contrast) {
    ImGui::StyleColorsLight(&style);
    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
    c[ImGuiCol_TextDisabled] = ImVec4(0.25f, 0.25f, 0.25f, 1);
    c[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_Border] = ImVec4(0, 0, 0, 0.6f);
    c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgActive] = c[ImGuiCol_TitleBgCollapsed] =
        ImVec4(0.85f, 0.85f, 0.85f, 1);
    c[ImGuiCol_Button] = ImVec4(0.82f, 0.87f, 0.96f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.68f, 0.78f, 0.95f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.55f, 0.68f, 0.93f, 1);
    c[ImGuiCol_FrameBg] = ImVec4(0.93f, 0.93f, 0.93f, 1);
    c[ImGuiCol_Header] = ImVec4(0.80f, 0.86f, 0.97f, 1);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.70f, 0.80f, 0.96f, 1);
    c[ImGuiCol_HeaderActive] = ImVec4(0.60f, 0.73f, 0.95f, 1);
    style.WindowBorderSize = 1.5f;
    style.FrameBorderSize = 1.0f;
  } else {
    ImGui::StyleColorsDark(&style);
    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = ImVec4(0.91f, 0.92f, 0.93f, 1);
    c[ImGuiCol_TextDisabled] = ImVec4(0.60f, 0.63f, 0.65f, 1);
    c[ImGuiCol_WindowBg] = ImVec4(0.125f, 0.129f, 0.141f, 1);
    c[ImGuiCol_ChildBg] = ImVec4(0.125f, 0.129f, 0.141f, 1);
    c[ImGuiCol_PopupBg] = ImVec4(0.16f, 0.165f, 0.18f, 0.98f);
    c[ImGuiCol_Border] = ImVec4(0.24f, 0.25f, 0.26f, 1);
    c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgActive] = c[ImGuiCol_TitleBgCollapsed] =
        ImVec4(0.16f, 0.165f, 0.18f, 1);
    c[ImGuiCol_FrameBg] = ImVec4(0.20f, 0.21f, 0.22f, 1);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.25f, 0.26f, 0.28f, 1);
    c[ImGuiCol_Button] = ImVec4(0.20f, 0.33f, 0.55f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.26f, 0.41f, 0.66f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.30f, 0.47f, 0.75f, 1);
    c[ImGuiCol_Header] = ImVec4(0.20f, 0.33f, 0.55f, 0.65f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.26f, 0.41f, 0.66f, 0.8f);
    c[ImGuiCol_HeaderActive] = ImVec4(0.30f, 0.47f, 0.75f, 1);
    c[ImGuiCol_Tab] = ImVec4(0.18f, 0.19f, 0.21f, 1);
    c[ImGuiCol_TabActive] = ImVec4(0.20f, 0.33f, 0.55f, 1);
    c[ImGuiCol_TabHovered] = ImVec4(0.26f, 0.41f, 0.66f, 1);
    c[ImGuiCol_SliderGrab] = ImVec4(0.54f, 0.71f, 0.97f, 1);
  }
  style.WindowRounding = 0;
  style.FrameRounding = 4;
  style.GrabRounding = 4;
  style.TabRounding = 4;
  style.WindowPadding = ImVec2(14, 10);
  style.FramePadding = ImVec2(10, 5);
  style.ItemSpacing = ImVec2(10, 7);
  style.CellPadding = ImVec2(8, 4);
  style.ScrollbarSize = 16;
  style.GrabMinSize = 14;
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

}  // namespace proclab::gui

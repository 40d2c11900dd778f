// Processes table: pid, state, exit status or signal, runtime (lesson `processes`).
#include <imgui.h>

#include <cinttypes>
#include <cstdio>

#include "app/gui/views/views.hpp"

namespace proclab::gui {

void DrawProcessesTable(const ViewContext& ctx) {
  const TraceModel& model = ctx.model;
  const auto& children = model.children();
  if (children.empty()) {
    ImGui::TextDisabled("%s", ctx.T(Str::kNoRunYet));
    return;
  }
  if (ctx.result != nullptr) {
    // The lesson's own outcome fields, as the CLI prints them ("joined", "wait_ms" ...).
    std::string line;
    for (const auto& [key, value] : ctx.result->outcome.items()) {
      if (!value.is_primitive()) continue;
      char text[96];
      if (value.is_number_float()) std::snprintf(text, sizeof text, "%s: %.2f", key.c_str(), value.get<double>());
      else std::snprintf(text, sizeof text, "%s: %s", key.c_str(), value.dump().c_str());
      line += (line.empty() ? "" : "   ") + std::string(text);
    }
    if (!line.empty()) ImGui::TextWrapped("%s", line.c_str());
    for (const std::string& note : ctx.result->notes)
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.warn), "%s", note.c_str());
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("processes", 5, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(ctx.T(Str::kChild), ImGuiTableColumnFlags_WidthStretch, 0.7f);
  ImGui::TableSetupColumn(ctx.T(Str::kPid), ImGuiTableColumnFlags_WidthStretch, 0.8f);
  ImGui::TableSetupColumn(ctx.T(Str::kState), ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn(ctx.T(Str::kExitStatus), ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupColumn(ctx.T(Str::kRuntime), ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableHeadersRow();
  const int64_t now = model.last_ns();
  for (size_t i = 0; i < children.size(); ++i) {
    const ChildRecord& child = children[i];
    const LaneState state = static_cast<int>(i) < model.lanes()
                                ? (child.done() ? (child.state == ChildState::kKilled ? LaneState::kKilled
                                                                                       : LaneState::kExited)
                                                : model.lane(static_cast<int>(i)).segments.empty()
                                                      ? LaneState::kStarting
                                                      : model.lane(static_cast<int>(i)).segments.back().state)
                                : LaneState::kStarting;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%zu", i + 1);
    ImGui::TableNextColumn();
    ImGui::PushFont(ctx.fonts.mono);
    ImGui::Text("%d", child.pid);
    ImGui::PopFont();
    ImGui::TableNextColumn();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float box = ImGui::GetFontSize() * 0.7f;
    ImGui::GetWindowDrawList()->AddRectFilled(
        ImVec2(p.x, p.y + (ImGui::GetFontSize() - box) * 0.5f + 2),
        ImVec2(p.x + box, p.y + (ImGui::GetFontSize() + box) * 0.5f + 2), ctx.theme.State(state), 2);
    ImGui::Dummy(ImVec2(box, 1));
    ImGui::SameLine();
    ImGui::TextUnformatted(StateName(state, ctx.language));
    ImGui::TableNextColumn();
    if (child.state == ChildState::kKilled) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.bad), "%s (%d)",
                         SignalName(child.signal).c_str(), child.signal);
    } else if (child.state == ChildState::kExited) {
      if (child.exit_status == 0) ImGui::Text("0");
      else ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.warn), "%d", child.exit_status);
    } else {
      ImGui::TextDisabled("—");
    }
    ImGui::TableNextColumn();
    const int64_t from = child.spawn_ns;
    const int64_t to = child.end_ns != 0 ? child.end_ns : now;
    if (from != 0 && to > from) ImGui::Text("%.2f ms", static_cast<double>(to - from) / 1e6);
    else ImGui::TextDisabled("—");
  }
  ImGui::EndTable();
}

}  // namespace proclab::gui

// Processes table: pid, state, exit status or signal, runtime (lesson `processes`).
#include <imgui.h>

#include <cinttypes>
#include <cstdio>
#include <map>

#include "app/gui/views/views.hpp"
#include "core/process_pool.hpp"

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
      char number[48];
      std::string text = key + ": ";
      if (value.is_number_float()) std::snprintf(number, sizeof number, "%.2f", value.get<double>()), text += number;
      else if (value.is_string()) text += value.get<std::string>();  // whole, unquoted (an error message)
      else text += value.dump();
      line += (line.empty() ? "" : "   ") + text;
    }
    if (!line.empty()) ImGui::TextWrapped("%s", line.c_str());
    for (const RunNote& note : ctx.result->notes)
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.warn), "%s",
                         note.In(ctx.language).c_str());
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("processes", 5, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(ctx.T(Str::kChild), ImGuiTableColumnFlags_WidthStretch, 0.5f);
  ImGui::TableSetupColumn(ctx.T(Str::kPid), ImGuiTableColumnFlags_WidthStretch, 0.8f);
  ImGui::TableSetupColumn(ctx.T(Str::kState), ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn(ctx.T(Str::kExitStatus), ImGuiTableColumnFlags_WidthStretch, 2.3f);
  ImGui::TableSetupColumn(ctx.T(Str::kRuntime), ImGuiTableColumnFlags_WidthStretch, 0.9f);
  ImGui::TableHeadersRow();
  const int64_t now = model.last_ns();
  // Pool workers that died and were replaced, and their replacements (the pool lesson).
  std::map<int, int> replaced_by, replaces;
  for (const Event& e : model.parent_events())
    if (e.kind == EventKind::kMessage && e.a == kPoolReplacedMessage) {
      replaced_by[static_cast<int>(e.b / 65536)] = static_cast<int>(e.b % 65536);
      replaces[static_cast<int>(e.b % 65536)] = static_cast<int>(e.b / 65536);
    }
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
    const int index = static_cast<int>(i);
    if (replaced_by.count(index) > 0) {
      ImGui::SameLine();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.bad), "· %s %d", ctx.T(Str::kPoolReplacedBy),
                         replaced_by[index] + 1);
    } else if (replaces.count(index) > 0) {
      ImGui::SameLine();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.good), "· %s %d", ctx.T(Str::kPoolReplaces),
                         replaces[index] + 1);
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

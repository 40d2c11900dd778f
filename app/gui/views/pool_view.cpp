// Pool: each worker's chunks (blocks labelled by their items, also drawn on the lanes), the
// results in order, the callbacks that fired in the parent, and the pool's states (running,
// closed, terminated, joined), read from the lesson's outcome.
#include <imgui.h>

#include <cinttypes>
#include <cstdio>

#include "app/gui/views/views.hpp"

namespace proclab::gui {
namespace {

std::string Short(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

void JsonList(const ViewContext& ctx, const char* key, Str title) {
  if (ctx.result == nullptr || !ctx.result->outcome.contains(key)) return;
  const nlohmann::json& list = ctx.result->outcome[key];
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextUnformatted(ctx.T(title));
  ImGui::PopFont();
  if (!list.is_array()) {
    ImGui::TextWrapped("%s", Short(list).c_str());
    return;
  }
  std::string line;
  for (const auto& item : list) line += (line.empty() ? "" : "  ") + Short(item);
  ImGui::PushFont(ctx.fonts.mono);
  ImGui::TextWrapped("%s", line.c_str());
  ImGui::PopFont();
}

}  // namespace

void DrawPoolView(const ViewContext& ctx) {
  const TraceModel& model = ctx.model;
  const float em = ImGui::GetFontSize();
  ImGui::BeginChild("pool");
  // Chunks per worker, in the order each took them.
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextUnformatted(ctx.T(Str::kPoolChunks));
  ImGui::PopFont();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int i = 0; i < model.lanes(); ++i) {
    const LaneModel& lane = model.lane(i);
    if (lane.tasks.empty()) continue;
    ImGui::Text("%s %d", ctx.T(Str::kChild), i + 1);
    ImGui::SameLine(em * 5);
    for (const TaskBlock& task : lane.tasks) {
      char text[48];
      if (task.first == task.last) std::snprintf(text, sizeof text, "%" PRId64, task.first);
      else std::snprintf(text, sizeof text, "%" PRId64 "–%" PRId64, task.first, task.last);
      const ImVec2 size = ImGui::CalcTextSize(text);
      if (ImGui::GetCursorPosX() + size.x + em > ImGui::GetContentRegionMax().x) {
        ImGui::NewLine();
        ImGui::SetCursorPosX(em * 5);
      }
      const ImVec2 p = ImGui::GetCursorScreenPos();
      const ImU32 color = ctx.theme.State(task.end_ns ? LaneState::kTask : LaneState::kRunning);
      draw->AddRectFilled(p, ImVec2(p.x + size.x + em * 0.6f, p.y + size.y + 4), color, 3);
      draw->AddText(ImVec2(p.x + em * 0.3f, p.y + 2), IM_COL32(255, 255, 255, 255), text);
      ImGui::Dummy(ImVec2(size.x + em * 0.6f, size.y + 4));
      ImGui::SameLine(0, em * 0.3f);
    }
    ImGui::NewLine();
  }
  ImGui::Spacing();
  JsonList(ctx, "result", Str::kPoolResults);
  JsonList(ctx, "chunks", Str::kPoolChunks);
  JsonList(ctx, "callbacks", Str::kPoolCallbacks);
  JsonList(ctx, "pool_states", Str::kPoolStates);
  if (ctx.result == nullptr && !model.has_tasks()) ImGui::TextDisabled("%s", ctx.T(Str::kNoPool));
  if (ctx.result != nullptr)
    for (const std::string& note : ctx.result->notes) ImGui::TextWrapped("%s", note.c_str());
  ImGui::EndChild();
}

}  // namespace proclab::gui

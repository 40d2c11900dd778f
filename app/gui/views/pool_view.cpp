// Pool: each worker's chunks (blocks labelled by their items, also drawn on the lanes), the
// results in order, the callbacks that fired in the parent, and the pool's states (running,
// closed, terminated, joined), read from the lesson's outcome.
#include <imgui.h>

#include <cinttypes>
#include <cstdio>

#include "app/gui/views/views.hpp"

namespace proclab::gui {

std::string FormatOutcomeItem(const nlohmann::json& item) {
  char text[96];
  auto number = [](const nlohmann::json& v) {
    char t[32];
    if (v.is_number_float()) std::snprintf(t, sizeof t, "%.1f", v.get<double>());
    else std::snprintf(t, sizeof t, "%s", v.dump().c_str());
    return std::string(t);
  };
  if (item.is_string()) return item.get<std::string>();
  if (!item.is_object()) return item.is_number_float() ? number(item) : item.dump();
  if (item.contains("state")) {
    std::snprintf(text, sizeof text, "%s%s%s", item["state"].is_string() ? item["state"].get<std::string>().c_str() : "?",
                  item.contains("ms") ? " @ " : "", item.contains("ms") ? (number(item["ms"]) + " ms").c_str() : "");
    return text;
  }
  if (item.contains("first") && item.contains("last")) {
    std::string range = item["first"] == item["last"] ? number(item["first"])
                                                      : number(item["first"]) + "–" + number(item["last"]);
    if (item.contains("worker")) range += " → w" + number(item["worker"]);
    if (item.contains("ok") && item["ok"].is_boolean() && !item["ok"].get<bool>()) range += " ✗";
    return range;
  }
  if (item.contains("callback")) {
    std::string line = FormatOutcomeItem(item["callback"]);
    if (item.contains("ms")) line += " @ " + number(item["ms"]) + " ms";
    if (item.contains("values")) line += " (" + number(item["values"]) + ")";
    return line;
  }
  if (item.contains("value")) return number(item["value"]);
  std::string line = item.dump();
  if (line.size() > 60) line = line.substr(0, 57) + "...";
  return line;
}

std::string FormatOutcomeList(const nlohmann::json& list, const char* separator) {
  if (!list.is_array()) return FormatOutcomeItem(list);
  std::string line;
  size_t shown = 0;
  for (const auto& item : list) {
    if (++shown > 40) {
      line += std::string(separator) + "… (" + std::to_string(list.size()) + ")";
      break;
    }
    line += (line.empty() ? "" : separator) + FormatOutcomeItem(item);
  }
  return line;
}

namespace {

void JsonList(const ViewContext& ctx, const char* key, Str title) {
  if (ctx.result == nullptr || !ctx.result->outcome.contains(key)) return;
  const nlohmann::json& list = ctx.result->outcome[key];
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextUnformatted(ctx.T(title));
  ImGui::PopFont();
  ImGui::PushFont(ctx.fonts.mono);
  ImGui::TextWrapped("%s", FormatOutcomeList(list, std::string(key) == "pool_states" ? "  →  " : "   ").c_str());
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

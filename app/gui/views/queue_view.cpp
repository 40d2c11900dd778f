// Queue: the items waiting in it drawn as slots, its depth over time, the producers blocked on a
// full queue, and the outcome (received, max depth, time blocked) with the lesson's notes (the
// join-before-drain stall is explained there).
#include <imgui.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "app/gui/views/views.hpp"

namespace proclab::gui {

void DrawQueueView(const ViewContext& ctx) {
  const TraceModel& model = ctx.model;
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  ImGui::BeginChild("queue");
  ImDrawList* draw = ImGui::GetWindowDrawList();

  // Capacity: a parameter named like one, else the deepest the queue got.
  int64_t capacity = 0;
  if (ctx.result != nullptr)
    for (const char* key : {"maxsize", "capacity", "queue_size"})
      if (ctx.result->params.contains(key) && ctx.result->params[key].is_number())
        capacity = ctx.result->params[key].get<int64_t>();
  const std::vector<int64_t> items = model.queue_items();
  // Draw the slots the run used (at least 8), not all of a large capacity.
  const int64_t used = std::max({model.max_depth(), static_cast<int64_t>(items.size()), int64_t{8}});
  const int64_t slots = std::clamp<int64_t>(capacity > 0 ? std::min(capacity, used) : used, 1, 32);

  ImGui::PushFont(ctx.fonts.bold);
  if (capacity > 0)
    ImGui::Text("%s  (%zu / %" PRId64 ")", ctx.T(Str::kQueueSlots), items.size(), capacity);
  else
    ImGui::Text("%s  (%zu)", ctx.T(Str::kQueueSlots), items.size());
  ImGui::PopFont();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float slot_w = std::min(width / static_cast<float>(slots), em * 3.2f);
  for (int64_t i = 0; i < slots; ++i) {
    const float x0 = p.x + slot_w * static_cast<float>(i);
    const ImVec2 a(x0 + 2, p.y), b(x0 + slot_w - 2, p.y + em * 2.2f);
    draw->AddRect(a, b, theme.dim, 3, 0, 1.5f);
    if (i < static_cast<int64_t>(items.size())) {
      draw->AddRectFilled(ImVec2(a.x + 2, a.y + 2), ImVec2(b.x - 2, b.y - 2), theme.actual, 3);
      const std::string label = std::to_string(items[static_cast<size_t>(i)]);
      const float tw = ImGui::CalcTextSize(label.c_str()).x;
      if (tw < slot_w - 4)
        draw->AddText(ImVec2((a.x + b.x - tw) * 0.5f, a.y + em * 0.6f), IM_COL32(255, 255, 255, 255), label.c_str());
    }
  }
  ImGui::Dummy(ImVec2(width, em * 2.5f));

  // Blocked producers and consumers, now.
  std::string blocked;
  for (int i = 0; i < model.lanes(); ++i) {
    const LaneModel& lane = model.lane(i);
    if (!lane.blocked) continue;
    blocked += (blocked.empty() ? "" : ", ") + std::string(ctx.T(Str::kChild)) + " " + std::to_string(i + 1) +
               (lane.queue_blocked_kind == 0 ? " (put)" : " (get)");
  }
  if (!blocked.empty())
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.State(LaneState::kQueueBlocked)), "%s: %s",
                       ctx.T(Str::kQueueBlockedProducers), blocked.c_str());

  // Depth over time, one sample per pixel column.
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextUnformatted(ctx.T(Str::kQueueDepth));
  ImGui::PopFont();
  const float plot_h = em * 6;
  const ImVec2 q = ImGui::GetCursorScreenPos();
  draw->AddRectFilled(q, ImVec2(q.x + width, q.y + plot_h), theme.lane_bg);
  const int64_t t0 = model.t0_ns();
  const int64_t t1 = std::max(model.last_ns(), t0 + 1);
  const int columns = static_cast<int>(width);
  const float top = static_cast<float>(std::max<int64_t>(model.max_depth(), 1));
  // Per column: the deepest the queue got in it (a walk over the sorted depth changes).
  const auto& depth = model.depth();
  size_t k = 0;
  int64_t current = 0;
  for (int c = 0; c < columns && !depth.empty(); ++c) {
    const int64_t end = t0 + (t1 - t0) * (c + 1) / columns;
    int64_t deepest = current;
    while (k < depth.size() && depth[k].t_ns < end) {
      current = depth[k++].depth;
      deepest = std::max(deepest, current);
    }
    const float h = plot_h * static_cast<float>(deepest) / top;
    if (h > 0) draw->AddLine(ImVec2(q.x + c + 0.5f, q.y + plot_h), ImVec2(q.x + c + 0.5f, q.y + plot_h - h), theme.actual);
  }
  // The capacity, when the queue got full.
  if (capacity > 0 && model.max_depth() >= capacity)
    draw->AddLine(ImVec2(q.x, q.y + 1), ImVec2(q.x + width, q.y + 1), theme.bad, 1.5f);
  char depth_label[32];
  std::snprintf(depth_label, sizeof depth_label, "%" PRId64, model.max_depth());
  draw->AddText(ImVec2(q.x + 4, q.y + 2), theme.dim, depth_label);
  ImGui::Dummy(ImVec2(width, plot_h + em * 0.3f));

  // Outcome.
  if (ctx.result != nullptr) {
    const nlohmann::json& o = ctx.result->outcome;
    auto field = [&](const char* key, Str label) {
      if (!o.contains(key)) return;
      ImGui::TextWrapped("%s: %s", ctx.T(label), FormatOutcomeList(o[key]).c_str());
    };
    field("received", Str::kReceived);
    field("max_depth", Str::kMaxDepth);
    field("blocked_ms", Str::kBlockedMs);
    for (const std::string& note : ctx.result->notes) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.warn));
      ImGui::TextWrapped("%s", note.c_str());
      ImGui::PopStyleColor();
    }
  } else if (!model.has_queue()) {
    ImGui::TextDisabled("%s", ctx.T(Str::kNoQueue));
  }
  ImGui::EndChild();
}

}  // namespace proclab::gui

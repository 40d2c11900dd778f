#include <imgui.h>

#include <algorithm>
#include <cinttypes>

#include "app/gui/views/python_views.hpp"

namespace proclab::gui {

void DrawPythonShared(const ViewContext& ctx) {
  const RunFacts& facts = *ctx.run.facts;
  SectionTitle(ctx, Str::kSharedValues);
  if (facts.slots().empty()) {
    ImGui::TextDisabled("%s", ctx.T(Str::kNoSharedValues));
    DrawNotes(ctx, ctx.theme.text);
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp |
                                ImGuiTableFlags_ScrollY;
  const float em = ImGui::GetFontSize();
  const float rows = static_cast<float>(std::min<size_t>(facts.slots().size(), 12) + 1);
  if (ImGui::BeginTable("python_shared", 6, flags, ImVec2(0, rows * ImGui::GetFrameHeightWithSpacing() + em * 0.5f))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupColumn(ctx.T(Str::kInitial));
    ImGui::TableSetupColumn(ctx.T(ctx.run.live ? Str::kValue : Str::kFinal));
    ImGui::TableSetupColumn(ctx.T(Str::kReads));
    ImGui::TableSetupColumn(ctx.T(Str::kWrites));
    ImGui::TableSetupColumn(ctx.T(Str::kLostSoFar));
    ImGui::TableHeadersRow();
    for (const auto& [id, slot] : facts.slots()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(slot.name.empty() ? ("#" + std::to_string(id)).c_str() : slot.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(slot.initial.Text().c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(slot.Final().Text().c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%" PRId64, slot.reads);
      ImGui::TableNextColumn();
      ImGui::Text("%" PRId64, slot.writes);
      ImGui::TableNextColumn();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(slot.lost > 0 ? ctx.theme.bad : ctx.theme.good), "%" PRId64, slot.lost);
    }
    ImGui::EndTable();
  }
  // The latest lost updates in words: who overwrote whose value.
  std::vector<std::pair<const SlotFacts*, const LostUpdate*>> latest;
  for (const auto& [id, slot] : facts.slots())
    for (size_t k = slot.lost_updates.size() > 4 ? slot.lost_updates.size() - 4 : 0; k < slot.lost_updates.size(); ++k)
      latest.emplace_back(&slot, &slot.lost_updates[k]);
  std::sort(latest.begin(), latest.end(), [](const auto& a, const auto& b) { return a.second->t_ns < b.second->t_ns; });
  if (latest.size() > 4) latest.erase(latest.begin(), latest.end() - 4);
  if (!latest.empty()) {
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ctx.theme.bad));
    ImGui::TextWrapped("%s", ctx.T(Str::kLostUpdateCallout));
    ImGui::PopStyleColor();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ctx.theme.dim));
    for (const auto& [slot, lost] : latest)
      ImGui::TextWrapped("%s %s: %s", MsText(facts, lost->t_ns, 2, ctx.language).c_str(), slot->name.c_str(),
                         LostUpdateText(ctx, *lost).c_str());
    ImGui::PopStyleColor();
  }
  ImGui::Spacing();
  DrawNotes(ctx, ctx.theme.text);
}

}  // namespace proclab::gui

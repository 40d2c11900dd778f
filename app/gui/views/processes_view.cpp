// Processes: one row per child with its pid, its state, how it ended (an exit status, or the
// signal and who sent it), how long it ran and how long the parent's join() of it waited; the
// processes lesson's join totals above. From the shown run's child facts.
#include <imgui.h>

#include <cstdio>

#include "app/gui/views/view.hpp"
#include "core/clock.hpp"
#include "core/process_pool.hpp"
#include "lessons/common.hpp"
#include "lessons/processes.hpp"

namespace proclab::gui {
namespace {

class ProcessesView : public View {
 public:
  std::string_view id() const override { return "processes"; }
  const char* Title(Language language) const override { return Tr(Str::kProcesses, language); }
  void Draw(const ViewContext& ctx) override;
};

void ProcessesView::Draw(const ViewContext& ctx) {
  if (ctx.run.empty() || ctx.run.facts->children() == 0) {
    ImGui::TextDisabled("%s", ctx.T(ctx.busy || ctx.run.live ? Str::kRunning : Str::kNoRunYet));
    return;
  }
  const RunFacts& facts = *ctx.run.facts;
  if (const ProcessesOutcome* o = ctx.run.Outcome<ProcessesOutcome>()) {
    char text[160];
    std::snprintf(text, sizeof text, ctx.T(Str::kJoinedTotals), o->joined, facts.children(), o->wait_ms);
    ImGui::TextWrapped("%s", text);
  }
  DrawNotes(ctx, ctx.theme.warn);
  const PoolFacts* pool = facts.pool(kPoolId);  // pool workers that died and were replaced
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("processes", 6, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(ctx.T(Str::kChild), ImGuiTableColumnFlags_WidthStretch, 0.5f);
  ImGui::TableSetupColumn(ctx.T(Str::kPid), ImGuiTableColumnFlags_WidthStretch, 0.7f);
  ImGui::TableSetupColumn(ctx.T(Str::kState), ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableSetupColumn(ctx.T(Str::kExitStatus), ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupColumn(ctx.T(Str::kLifeTimes), ImGuiTableColumnFlags_WidthStretch, 1.9f);
  ImGui::TableSetupColumn(ctx.T(Str::kJoinWait), ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableHeadersRow();
  for (int i = 0; i < facts.children(); ++i) {
    const ChildFacts& child = facts.child(i);
    const ChildRecord& record = child.record;
    LaneState state = child.ended() ? (record.state == ChildState::kKilled ? LaneState::kKilled : LaneState::kExited)
                                    : child.StateNow();
    if (state == LaneState::kNone) state = LaneState::kStarting;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%d", i + 1);
    ImGui::TableNextColumn();
    ImGui::PushFont(ctx.fonts.mono);
    ImGui::Text("%d", record.pid);
    ImGui::PopFont();
    ImGui::TableNextColumn();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float box = ImGui::GetFontSize() * 0.7f;
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + (ImGui::GetFontSize() - box) * 0.5f + 2),
                                              ImVec2(p.x + box, p.y + (ImGui::GetFontSize() + box) * 0.5f + 2),
                                              ctx.theme.State(state), 2);
    ImGui::Dummy(ImVec2(box, 1));
    ImGui::SameLine();
    ImGui::TextUnformatted(StateName(state, ctx.language));
    ImGui::TableNextColumn();
    if (child.ended()) {
      const bool bad = record.state == ChildState::kKilled || record.exit_status != 0;
      const ImU32 color = record.state == ChildState::kKilled ? ctx.theme.bad : bad ? ctx.theme.warn : ctx.theme.text;
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color));
      ImGui::TextWrapped("%s", HowItEnded(child, ctx.language).c_str());
      ImGui::PopStyleColor();
    } else {
      ImGui::TextDisabled("—");
    }
    if (pool != nullptr) {
      if (const int by = pool->ReplacementOf(i); by != kNoLane) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.bad), "· %s %d", ctx.T(Str::kPoolReplacedBy), by + 1);
      } else if (const int of = pool->Replaced(i); of != kNoLane) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.good), "· %s %d", ctx.T(Str::kPoolReplaces), of + 1);
      }
    }
    ImGui::TableNextColumn();
    // Spawned → reaped: the times the transcript says it started and ended at, and where its
    // lane begins and ends.
    ImGui::TextUnformatted(ChildLifeText(facts, i, ctx.language).c_str());
    ImGui::TableNextColumn();
    bool joined = false;
    for (const JoinFact& join : facts.joins())
      if (join.lane == i) {
        joined = true;
        if (join.end_ns != 0) ImGui::TextUnformatted(FormatMs(NsToMs(join.end_ns - join.begin_ns), ctx.language).c_str());
        else ImGui::TextDisabled("%s", ctx.T(Str::kJoinWaiting));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", JoinText(ctx, facts, join).c_str());
      }
    if (!joined) ImGui::TextDisabled("—");
  }
  ImGui::EndTable();
}

}  // namespace

std::unique_ptr<View> MakeProcessesView() { return std::make_unique<ProcessesView>(); }

}  // namespace proclab::gui

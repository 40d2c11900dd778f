// The drawing words the views share (state names, lane colours, headings, notes).
#include "app/gui/views/view.hpp"

#include <cstdio>

#include "app/gui/timeline/lane_words.hpp"
#include "core/clock.hpp"
#include "lessons/common.hpp"

namespace proclab::gui {

const char* StateName(LaneState state, Language language) {
  switch (state) {
    case LaneState::kStarting: return Tr(Str::kStateStarting, language);
    case LaneState::kRunning: return Tr(Str::kStateRunning, language);
    case LaneState::kSleeping: return Tr(Str::kStateSleeping, language);
    case LaneState::kLockWait: return Tr(Str::kStateLockWait, language);
    case LaneState::kLockHeld: return Tr(Str::kStateLockHeld, language);
    case LaneState::kQueueBlocked: return Tr(Str::kStateQueueBlocked, language);
    case LaneState::kStepWait: return Tr(Str::kStateStepWait, language);
    case LaneState::kTask: return Tr(Str::kStateTask, language);
    case LaneState::kExited: return Tr(Str::kStateExited, language);
    case LaneState::kKilled: return Tr(Str::kStateKilled, language);
    default: return "";
  }
}

ImU32 LaneColor(int lane) {
  // Saturated hues that read on the dark and on the high-contrast light theme, with white text.
  // Eight: the deadlock lesson's most children.
  static const ImU32 kColors[] = {IM_COL32(52, 120, 220, 255), IM_COL32(214, 120, 20, 255),
                                  IM_COL32(0, 137, 123, 255),  IM_COL32(142, 36, 170, 255),
                                  IM_COL32(192, 57, 43, 255),  IM_COL32(96, 110, 200, 255),
                                  IM_COL32(120, 130, 0, 255),  IM_COL32(200, 60, 140, 255)};
  if (lane < 0) return IM_COL32(120, 120, 120, 255);
  return kColors[static_cast<size_t>(lane) % std::size(kColors)];
}

std::string LaneLabel(const ViewContext& ctx, int lane) {
  if (lane < 0) return ctx.T(Str::kParent);
  if (ctx.run.python && ctx.run.facts != nullptr) {
    // A Python process by the name multiprocessing gave it (MainProcess, Process-1 ...).
    const RunFacts& facts = *ctx.run.facts;
    if (lane < facts.children() && !facts.child(lane).record.name.empty()) return facts.child(lane).record.name;
    if (lane == 0) return ctx.T(Str::kMainProcess);
  }
  return std::string(ctx.T(Str::kChild)) + " " + std::to_string(lane + 1);
}

void TextBeside(const char* text, bool dim) {
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(text).x) ImGui::NewLine();
  if (dim) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  if (dim) ImGui::PopStyleColor();
}

void SectionTitle(const ViewContext& ctx, Str title, const char* remark) {
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextUnformatted(ctx.T(title));
  ImGui::PopFont();
  if (remark != nullptr && remark[0] != '\0') TextBeside(remark, true);
}

void BigNumber(const ViewContext& ctx, const char* label, const std::string& value, ImU32 color) {
  ImGui::BeginGroup();
  ImGui::TextDisabled("%s", label);
  ImGui::PushFont(ctx.fonts.h1);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color));
  ImGui::TextUnformatted(value.c_str());
  ImGui::PopStyleColor();
  ImGui::PopFont();
  ImGui::EndGroup();
}

void DrawNotes(const ViewContext& ctx, ImU32 color) {
  if (ctx.run.result == nullptr) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color));
  for (const RunNote& note : ctx.run.result->notes) ImGui::TextWrapped("%s", note.In(ctx.language).c_str());
  ImGui::PopStyleColor();
}

std::string LostUpdateText(const ViewContext& ctx, const LostUpdate& lost) {
  char text[320];
  const std::string writer = LaneLabel(ctx, lost.lane);
  // Who wrote the value it overwrote is found once the run is over (FinaliseSlot).
  if (lost.erased < 0) return BroughtBackText(writer, lost, ctx.language);  // it lost nothing
  const bool known = lost.overwritten_lane != kNoLane;
  const std::string other = known ? LaneLabel(ctx, lost.overwritten_lane) : std::string();
  std::snprintf(text, sizeof text, ctx.T(known ? Str::kLostUpdateDetail : Str::kLostUpdateDetailLive), writer.c_str(),
                lost.read.Text().c_str(), lost.written.Text().c_str(), lost.replaced.Text().c_str(), other.c_str(),
                static_cast<long long>(lost.erased));
  return text;
}

std::string MsText(const RunFacts& facts, int64_t t_ns, int decimals, Language language) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f %s", decimals, facts.Ms(t_ns), Tr(Str::kMs, language));
  return text;
}

std::string LifeTimeText(const RunFacts& facts, int64_t t_ns, Language language) {
  return FormatMs(facts.Ms(t_ns), language);
}

std::string ChildLifeText(const RunFacts& facts, int lane, Language language) {
  const ChildRecord& record = facts.child(lane).record;
  if (record.spawn_ns == 0) return "—";
  return LifeTimeText(facts, record.spawn_ns, language) + " → " +
         (record.done() ? LifeTimeText(facts, record.end_ns, language) : std::string("…"));
}

std::string JoinText(const ViewContext& ctx, const RunFacts& facts, const JoinFact& join) {
  char text[200];
  const std::string begin = LifeTimeText(facts, join.begin_ns, ctx.language);
  const std::string end = join.end_ns != 0 ? LifeTimeText(facts, join.end_ns, ctx.language) : "…";
  const std::string wait = join.end_ns != 0 ? FormatMs(NsToMs(join.end_ns - join.begin_ns), ctx.language)
                                            : std::string(ctx.T(Str::kJoinWaiting));
  std::snprintf(text, sizeof text, ctx.T(Str::kJoinSpanTip), join.lane + 1, begin.c_str(), end.c_str(), wait.c_str());
  return text;
}

}  // namespace proclab::gui

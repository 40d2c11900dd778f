// Shared data: the counter, the array and the lost updates of the race lessons.
#include "app/gui/views/shared_view.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "app/gui/timeline/lane_words.hpp"
#include "app/gui/views/counter_figures.hpp"
#include "app/gui/views/python_views.hpp"
#include "lessons/shared_counter.hpp"

namespace proclab::gui {

void SharedView::DrawPrediction(const ViewContext& ctx) {
  std::string& guess = guesses_[std::string(ctx.lesson.id)];
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s", guess.c_str());
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(ctx.T(Str::kPredict));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  if (ImGui::InputTextWithHint("##guess", ctx.T(Str::kYourGuess), buffer, sizeof buffer,
                               ImGuiInputTextFlags_CharsDecimal))
    guess = buffer;
  const RaceOutcome* race = ctx.run.Outcome<RaceOutcome>();
  if (guess.empty() || race == nullptr) return;
  const int64_t diff = std::llabs(std::atoll(guess.c_str()) - race->final);
  ImGui::SameLine();
  if (diff == 0) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.good), "%s", ctx.T(Str::kGuessRight));
  } else {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.warn), "%s %lld (%s %lld)", ctx.T(Str::kGuessWrong),
                       static_cast<long long>(diff), ctx.T(Str::kFinal), static_cast<long long>(race->final));
  }
}

void SharedView::Draw(const ViewContext& ctx) {
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  shown_ = Shown{};
  ImGui::BeginChild("shared");
  if (ctx.run.python && !ctx.run.empty()) {  // a Python program's own Values, not the lesson's counter
    DrawPythonShared(ctx);
    ImGui::EndChild();
    return;
  }
  const CounterFigures figures = CounterFiguresOf(ctx.run);
  if (!figures.shown) {
    // Before the first step of a stepped run the counter has not been touched yet: it is there.
    ImGui::TextDisabled("%s", ctx.T(ctx.busy || ctx.run.live ? Str::kRunning : Str::kNoRunYet));
    ImGui::EndChild();
    return;
  }
  const RunFacts& facts = *ctx.run.facts;
  const SlotFacts* counter = facts.slot(kCounterSlot);
  const RaceOutcome* race = ctx.run.Outcome<RaceOutcome>();
  shown_.counter = true;

  // The counter: live from its facts, after the run the lesson's own numbers.
  SectionTitle(ctx, Str::kCounterTitle);
  const int64_t value = figures.value, expected = figures.expected, lost = figures.lost;
  BigNumber(ctx, ctx.T(ctx.run.live ? Str::kValue : Str::kFinal), std::to_string(value), theme.text);
  ImGui::SameLine(0, em * 3);
  // No loss in a run ProcLab cut short is no success: not green.
  const bool incomplete = !figures.complete;
  if (figures.totals_known) {
    BigNumber(ctx, ctx.T(Str::kExpected), std::to_string(expected), theme.dim);
    ImGui::SameLine(0, em * 3);
    BigNumber(ctx, ctx.T(Str::kLostSoFar), std::to_string(lost), lost > 0 ? theme.bad : incomplete ? theme.dim : theme.good);
  } else {
    ImGui::PushTextWrapPos(0.0f);  // beside the value, wrapped at the edge rather than cut
    ImGui::TextDisabled("%s", ctx.T(Str::kTotalsAtTheEnd));
    ImGui::PopTextWrapPos();
  }
  if (figures.totals_known && lost > 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
    ImGui::TextWrapped("%s", ctx.T(Str::kLostUpdateCallout));
    ImGui::PopStyleColor();
  }
  // Step mode: what each stepping child last read and wrote.
  if (ctx.run.step_mode && counter != nullptr) {
    for (int i = 0; i < facts.children(); ++i) {
      const ChildFacts& child = facts.child(i);
      const std::string step = LastStepText(facts, *counter, i, ctx.language);
      if (child.pending_step < 0 && step.empty()) continue;
      const bool waiting = ctx.run.live && child.StateNow() == LaneState::kStepWait;
      ImGui::Text("%s %d:  %s%s", ctx.T(Str::kChild), i + 1, step.empty() ? "—" : step.c_str(),
                  waiting ? (std::string("   (") + ctx.T(Str::kStepWaiting) + ")").c_str() : "");
    }
  }
  // A child killed between its read and its write (the lock holder the locks lesson kills).
  if (counter != nullptr) {
    for (int i = 0; i < facts.children(); ++i) {
      const std::string text = NeverWroteBackText(facts, *counter, i, ctx.language);
      if (text.empty()) continue;
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.warn));
      ImGui::TextWrapped("%s", text.c_str());
      ImGui::PopStyleColor();
      ++shown_.never_wrote_back;
    }
  }
  // The counter's lost updates in words: who overwrote whose value (the latest few that lost
  // something; writes that brought updates back are counted on one line after them).
  if (counter != nullptr && !counter->lost_updates.empty()) {
    const auto& updates = race != nullptr ? race->lost_updates : counter->lost_updates;
    std::vector<size_t> losing;
    for (size_t k = updates.size(); k-- > 0 && losing.size() < 4;)
      if (updates[k].erased > 0) losing.insert(losing.begin(), k);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.dim));
    for (const size_t k : losing) {
      const LostUpdate& u = updates[k];
      ImGui::TextWrapped("%s %s", MsText(facts, u.t_ns, 2, ctx.language).c_str(), LostUpdateText(ctx, u).c_str());
      ++shown_.lost_lines;
    }
    const size_t before = losing.empty() ? 0 : losing.front();
    if (before > 0) ImGui::TextDisabled("… %s", ctx.T(Str::kEarlierLost));
    if (counter->bringing_back_writes > 0) {
      char text[400];
      std::snprintf(text, sizeof text, ctx.T(Str::kBroughtBackTotal), static_cast<long long>(counter->bringing_back_writes),
                    static_cast<long long>(counter->brought_back));
      ImGui::TextWrapped("%s", text);
      shown_.brought_back_line = true;
    }
    ImGui::PopStyleColor();
  }
  ImGui::Spacing();

  // The array: expected (outline) vs actual (filled) per element, with its lost updates.
  std::vector<double> actual, expect;
  std::vector<int64_t> element_lost;
  for (int k = 0; k < kArrayLength; ++k) {
    const SlotFacts* element = facts.slot(ArraySlot(k));
    if (race != nullptr) {
      actual.push_back(race->array_final[static_cast<size_t>(k)]);
      expect.push_back(race->array_expected[static_cast<size_t>(k)]);
      element_lost.push_back(race->array_lost[static_cast<size_t>(k)]);
    } else if (element != nullptr) {
      actual.push_back(element->last_written.AsDouble());
      expect.push_back(element->initial.AsDouble() + static_cast<double>(element->writes));
      element_lost.push_back(element->lost);
    }
  }
  const bool array_used = std::any_of(facts.slots().begin(), facts.slots().end(), [](const auto& slot) {
    return slot.first != kCounterSlot && slot.second.writes > 0;
  });
  if (!actual.empty() && array_used) {
    int64_t total_lost = 0;
    for (int64_t l : element_lost) total_lost += l;
    char remark[64];
    std::snprintf(remark, sizeof remark, "%s: %" PRId64, ctx.T(Str::kLostSoFar), total_lost);
    SectionTitle(ctx, Str::kArrayTitle, remark);
    double top = 1;
    for (double v : actual) top = std::max(top, v);
    for (double v : expect) top = std::max(top, v);
    const float height = em * 7;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetContentRegionAvail().x;
    const size_t n = actual.size();
    const float slot_w = std::min(width / static_cast<float>(n), em * 4.5f);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (size_t i = 0; i < n; ++i) {
      const float x0 = p.x + slot_w * static_cast<float>(i) + slot_w * 0.15f;
      const float x1 = p.x + slot_w * static_cast<float>(i + 1) - slot_w * 0.15f;
      const float base = p.y + height;
      const float ya = base - height * static_cast<float>(actual[i] / top);
      const bool short_of = actual[i] < expect[i];
      draw->AddRectFilled(ImVec2(x0, ya), ImVec2(x1, base), short_of ? theme.bad : theme.actual, 2);
      const float ye = base - height * static_cast<float>(expect[i] / top);
      draw->AddRect(ImVec2(x0 - 2, ye), ImVec2(x1 + 2, base), theme.text, 2, 0, 1.5f);
      if (slot_w > em * 1.6f) {
        char label[48];
        std::snprintf(label, sizeof label, "%.0f", actual[i]);
        const float tw = ImGui::CalcTextSize(label).x;
        draw->AddText(ImVec2((x0 + x1 - tw) * 0.5f, base + 2), theme.dim, label);
        if (element_lost[i] > 0) {
          std::snprintf(label, sizeof label, "-%" PRId64, element_lost[i]);
          draw->AddText(ImVec2((x0 + x1 - ImGui::CalcTextSize(label).x) * 0.5f, base + 2 + em), theme.bad, label);
        }
      }
    }
    ImGui::Dummy(ImVec2(width, height + em * 2.4f));
  }
  if (race != nullptr && race->stuck) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
    ImGui::TextWrapped("%s", ctx.T(Str::kStuckTotals));
    ImGui::PopStyleColor();
  }
  DrawNotes(ctx, theme.text);
  ImGui::EndChild();
}

std::unique_ptr<View> MakeSharedView() { return std::make_unique<SharedView>(); }

}  // namespace proclab::gui

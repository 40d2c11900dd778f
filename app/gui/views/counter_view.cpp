// Shared data: the counter (value, expected, lost so far), the array (a bar per element,
// expected vs actual), the lock (wait and hold time per child, the holder, a holder that died)
// and, in step mode, a lost update called out in words.
#include <imgui.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "app/gui/views/views.hpp"

namespace proclab::gui {
namespace {

std::optional<int64_t> OutcomeInt(const ViewContext& ctx, const char* key) {
  if (ctx.result == nullptr) return std::nullopt;
  const auto it = ctx.result->outcome.find(key);
  if (it == ctx.result->outcome.end() || !it->is_number()) return std::nullopt;
  return it->get<int64_t>();
}

std::vector<int64_t> OutcomeArray(const ViewContext& ctx, const char* key) {
  std::vector<int64_t> values;
  if (ctx.result == nullptr) return values;
  const auto it = ctx.result->outcome.find(key);
  if (it == ctx.result->outcome.end()) return values;
  if (it->is_array()) {
    for (const auto& v : *it) values.push_back(v.is_number() ? v.get<int64_t>() : 0);
  } else if (it->is_number()) {
    values.push_back(it->get<int64_t>());
  }
  return values;
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

}  // namespace

void DrawSharedData(const ViewContext& ctx) {
  const TraceModel& model = ctx.model;
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  ImGui::BeginChild("shared");

  // The counter.
  const auto slots = model.slots();
  const bool has_counter = model.has_counter() || OutcomeInt(ctx, "final").has_value();
  if (has_counter) {
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted(ctx.T(Str::kCounterTitle));
    ImGui::PopFont();
    const SlotStats counter = model.has_counter() ? slots.at(0) : SlotStats{};
    const int64_t value = OutcomeInt(ctx, "final").value_or(counter.value);
    const auto expected = OutcomeInt(ctx, "expected");
    const int64_t lost = OutcomeInt(ctx, "lost").value_or(counter.Lost());
    BigNumber(ctx, ctx.T(ctx.live ? Str::kValue : Str::kFinal), std::to_string(value), theme.text);
    ImGui::SameLine(0, em * 3);
    BigNumber(ctx, ctx.T(Str::kExpected), expected ? std::to_string(*expected) : std::string("—"), theme.dim);
    ImGui::SameLine(0, em * 3);
    BigNumber(ctx, ctx.T(Str::kLostSoFar), std::to_string(lost), lost > 0 ? theme.bad : theme.good);
    if (lost > 0) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
      ImGui::TextWrapped("%s", ctx.T(Str::kLostUpdateCallout));
      ImGui::PopStyleColor();
    }
    // Step mode: what each child read and wrote.
    for (int i = 0; i < model.lanes(); ++i) {
      const LaneModel& lane = model.lane(i);
      if (lane.last_read < 0 && lane.last_write < 0) continue;
      ImGui::Text("%s %d:  %s %s   %s %s%s", ctx.T(Str::kChild), i + 1, ctx.T(Str::kStepRead),
                  lane.last_read >= 0 ? std::to_string(lane.last_read).c_str() : "—", ctx.T(Str::kStepWrite),
                  lane.last_write >= 0 ? std::to_string(lane.last_write).c_str() : "—",
                  lane.step_wait ? (std::string("   (") + ctx.T(Str::kStepWaiting) + ")").c_str() : "");
    }
    ImGui::Spacing();
  } else if (!model.has_locks()) {
    ImGui::TextDisabled("%s", ctx.T(Str::kNoCounter));
  }

  // The array: expected (outline) vs actual (filled) per element.
  std::vector<int64_t> actual = OutcomeArray(ctx, "array_final");
  std::vector<int64_t> expected = OutcomeArray(ctx, "array_expected");
  if (actual.empty()) {
    for (const auto& [slot, stats] : slots)
      if (slot >= 1) {
        if (actual.size() < static_cast<size_t>(slot)) actual.resize(static_cast<size_t>(slot), 0);
        actual[static_cast<size_t>(slot - 1)] = stats.value;
      }
  }
  if (!actual.empty()) {
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted(ctx.T(Str::kArrayTitle));
    ImGui::PopFont();
    if (expected.size() == 1 && actual.size() > 1) expected.assign(actual.size(), expected[0]);
    int64_t top = 1;
    for (int64_t v : actual) top = std::max(top, v);
    for (int64_t v : expected) top = std::max(top, v);
    const float height = em * 7;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetContentRegionAvail().x;
    const size_t n = actual.size();
    const float slot_w = std::min(width / static_cast<float>(n), em * 3.5f);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (size_t i = 0; i < n; ++i) {
      const float x0 = p.x + slot_w * static_cast<float>(i) + slot_w * 0.15f;
      const float x1 = p.x + slot_w * static_cast<float>(i + 1) - slot_w * 0.15f;
      const float base = p.y + height;
      const float ya = base - height * static_cast<float>(actual[i]) / static_cast<float>(top);
      const bool short_of = i < expected.size() && actual[i] < expected[i];
      draw->AddRectFilled(ImVec2(x0, ya), ImVec2(x1, base), short_of ? theme.bad : theme.actual, 2);
      if (i < expected.size()) {
        const float ye = base - height * static_cast<float>(expected[i]) / static_cast<float>(top);
        draw->AddRect(ImVec2(x0 - 2, ye), ImVec2(x1 + 2, base), theme.text, 2, 0, 1.5f);
      }
      if (slot_w > em * 1.6f) {
        const std::string label = std::to_string(actual[i]);
        const float tw = ImGui::CalcTextSize(label.c_str()).x;
        draw->AddText(ImVec2((x0 + x1 - tw) * 0.5f, base + 2), theme.dim, label.c_str());
      }
    }
    ImGui::Dummy(ImVec2(width, height + em * 1.4f));
  }

  // The lock: per child wait and hold time; the holder; a holder that died.
  if (model.has_locks()) {
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted(ctx.T(Str::kLockWaitHold));
    ImGui::PopFont();
    double max_ms = 0.001;
    for (int i = 0; i < model.lanes(); ++i)
      max_ms = std::max({max_ms, model.lane(i).lock_wait_ns / 1e6, model.lane(i).lock_hold_ns / 1e6});
    const float bar_w = ImGui::GetContentRegionAvail().x * 0.32f;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (int i = 0; i < model.lanes(); ++i) {
      const LaneModel& lane = model.lane(i);
      ImGui::Text("%s %d", ctx.T(Str::kChild), i + 1);
      ImGui::SameLine(em * 5);
      const double wait_ms = lane.lock_wait_ns / 1e6, hold_ms = lane.lock_hold_ns / 1e6;
      ImVec2 q = ImGui::GetCursorScreenPos();
      draw->AddRectFilled(ImVec2(q.x, q.y + 3), ImVec2(q.x + bar_w * static_cast<float>(wait_ms / max_ms) + 1, q.y + em),
                          theme.State(LaneState::kLockWait));
      ImGui::Dummy(ImVec2(bar_w, em));
      ImGui::SameLine();
      ImGui::Text("%s %.2f", ctx.T(Str::kWaitMs), wait_ms);
      ImGui::SameLine(em * 5 + bar_w * 2.1f);
      q = ImGui::GetCursorScreenPos();
      draw->AddRectFilled(ImVec2(q.x, q.y + 3), ImVec2(q.x + bar_w * static_cast<float>(hold_ms / max_ms) + 1, q.y + em),
                          theme.State(LaneState::kLockHeld));
      ImGui::Dummy(ImVec2(bar_w, em));
      ImGui::SameLine();
      ImGui::Text("%s %.2f%s", ctx.T(Str::kHoldMs), hold_ms, lane.holding && ctx.live ? "  ◀" : "");
    }
    // Died holding: from the outcome, or a kLockOwnerDied event.
    bool died = false;
    if (ctx.result != nullptr) {
      const auto it = ctx.result->outcome.find("died_holding");
      died = it != ctx.result->outcome.end() &&
             ((it->is_boolean() && it->get<bool>()) || (it->is_number() && it->get<int64_t>() >= 0) ||
              (it->is_array() && !it->empty()));
    }
    died = died || model.owner_died();
    if (died) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
      ImGui::PushFont(ctx.fonts.bold);
      std::string who;
      if (ctx.result) {
        const auto it = ctx.result->outcome.find("died_holding");
        if (it != ctx.result->outcome.end() && !it->is_boolean()) who = " (" + it->dump() + ")";
      }
      ImGui::TextWrapped("%s%s", ctx.T(Str::kDiedHolding), who.c_str());
      ImGui::PopFont();
      ImGui::PopStyleColor();
    }
  }
  if (ctx.result != nullptr)
    for (const RunNote& note : ctx.result->notes)
      ImGui::TextWrapped("%s", note.In(ctx.language).c_str());
  ImGui::EndChild();
}

}  // namespace proclab::gui

// Trials: a histogram of a lesson's final values over repeated runs, one per parameter setting,
// side by side (e.g. without a lock and with one), with the expected value marked.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "app/gui/views/views.hpp"

namespace proclab::gui {

std::string TrialField(const nlohmann::json& outcome) {
  for (const char* key : {"final", "received", "result_sum", "wait_ms"})
    if (outcome.contains(key) && outcome[key].is_number()) return key;
  for (const auto& [key, value] : outcome.items())
    if (value.is_number()) return key;
  return {};
}

namespace {

void Histogram(const ViewContext& ctx, const TrialSeries& series, ImVec2 size) {
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  double lo = *std::min_element(series.values.begin(), series.values.end());
  double hi = *std::max_element(series.values.begin(), series.values.end());
  if (series.has_expected) {
    lo = std::min(lo, series.expected);
    hi = std::max(hi, series.expected);
  }
  const bool integers = std::all_of(series.values.begin(), series.values.end(),
                                    [](double v) { return v == std::floor(v); });
  int bins = 24;
  if (integers && hi - lo + 1 <= 40) bins = static_cast<int>(hi - lo + 1);
  if (hi <= lo) hi = lo + 1;
  const double width = integers && hi - lo + 1 <= 40 ? 1.0 : (hi - lo) / bins;
  std::vector<int> counts(static_cast<size_t>(bins), 0);
  for (double v : series.values) {
    int b = static_cast<int>((v - lo) / width);
    counts[static_cast<size_t>(std::clamp(b, 0, bins - 1))]++;
  }
  const int top = std::max(1, *std::max_element(counts.begin(), counts.end()));
  const float plot_h = size.y - em * 1.6f;
  const float bar_w = size.x / static_cast<float>(bins);
  draw->AddRectFilled(p, ImVec2(p.x + size.x, p.y + plot_h), theme.lane_bg);
  for (int b = 0; b < bins; ++b) {
    if (counts[static_cast<size_t>(b)] == 0) continue;
    const float x0 = p.x + bar_w * static_cast<float>(b) + 1;
    const float h = plot_h * static_cast<float>(counts[static_cast<size_t>(b)]) / static_cast<float>(top);
    const double bin_lo = lo + width * b;
    const bool at_expected = series.has_expected && series.expected >= bin_lo && series.expected < bin_lo + width;
    draw->AddRectFilled(ImVec2(x0, p.y + plot_h - h), ImVec2(x0 + std::max(bar_w - 2, 1.0f), p.y + plot_h),
                        at_expected || !series.has_expected ? theme.good : theme.bad);
  }
  if (series.has_expected) {
    const float x = p.x + static_cast<float>((series.expected - lo) / (hi - lo + (integers ? 1 : 0))) * size.x + bar_w * 0.5f;
    draw->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + plot_h), theme.text, 2);
  }
  char text[64];
  std::snprintf(text, sizeof text, "%g", lo);
  draw->AddText(ImVec2(p.x, p.y + plot_h + 2), theme.dim, text);
  std::snprintf(text, sizeof text, "%g", hi);
  draw->AddText(ImVec2(p.x + size.x - ImGui::CalcTextSize(text).x, p.y + plot_h + 2), theme.dim, text);
  ImGui::Dummy(size);
}

}  // namespace

void DrawTrials(const ViewContext& ctx, const std::vector<TrialSeries>& series) {
  if (series.empty()) {
    ImGui::TextDisabled("%s", ctx.T(Str::kTrialsHint));
    return;
  }
  // The two most recent settings side by side.
  const size_t first = series.size() > 2 ? series.size() - 2 : 0;
  const float em = ImGui::GetFontSize();
  const float gap = em;
  const size_t n = series.size() - first;
  const float w = (ImGui::GetContentRegionAvail().x - gap * static_cast<float>(n - 1)) / static_cast<float>(n);
  const float h = std::max(ImGui::GetContentRegionAvail().y - em * 5.5f, em * 6);
  for (size_t i = first; i < series.size(); ++i) {
    const TrialSeries& s = series[i];
    if (i > first) ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w);
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextWrapped("%s", s.label.c_str());
    ImGui::PopFont();
    double sum = 0;
    for (double v : s.values) sum += v;
    const double mean = sum / static_cast<double>(s.values.size());
    if (s.has_expected)
      ImGui::Text("%zu × %s   %s %.1f   %s %g", s.values.size(), s.field.c_str(), ctx.T(Str::kMean), mean,
                  ctx.T(Str::kExpected), s.expected);
    else
      ImGui::Text("%zu × %s   %s %.2f", s.values.size(), s.field.c_str(), ctx.T(Str::kMean), mean);
    ImGui::PopTextWrapPos();
    Histogram(ctx, s, ImVec2(w, h));
    ImGui::EndGroup();
  }
}

}  // namespace proclab::gui

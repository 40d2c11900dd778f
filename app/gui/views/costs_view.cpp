// Costs (lesson `costs`): each figure measured on this machine as three bars, Python's
// multiprocessing, ProcLab, and the machine's limit for the same work, grouped by what they
// measure; the bars of a group share one scale (logarithmic when the group spans more than
// kLogScaleRatio, and then labelled so). Under the bars: what the limit is, how much of it ProcLab
// reaches, and a sentence, from parts measured in the same run, on where ProcLab's cost goes.
// The numbers are the lesson's typed outcome (CostsOutcome, lessons/costs_benchmarks.hpp).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "app/gui/markdown/markdown_view.hpp"
#include "app/gui/views/view.hpp"
#include "lessons/costs_benchmarks.hpp"

namespace proclab::gui {
namespace {

// 2.8 M/s, 39.1 k/s, 1.54 ms, 13 ns: three significant digits with an SI prefix for rates.
std::string Figure(double value, const char* unit) {
  char text[48];
  const bool rate = std::string(unit) == "/s";
  if (rate && value >= 1e9) std::snprintf(text, sizeof text, "%.3g G%s", value / 1e9, unit);
  else if (rate && value >= 1e6) std::snprintf(text, sizeof text, "%.3g M%s", value / 1e6, unit);
  else if (rate && value >= 1e3) std::snprintf(text, sizeof text, "%.3g k%s", value / 1e3, unit);
  else std::snprintf(text, sizeof text, "%.3g %s", value, unit);
  return text;
}

Str FigureName(size_t index) {
  static const Str kNames[] = {Str::kCostSpawn,   Str::kCostUnlocked, Str::kCostLocked,
                               Str::kCostAtomic,  Str::kCostQueue,    Str::kCostPoolMap,
                               Str::kCostApply,   Str::kCostTraceEmit, Str::kCostTraceDrain};
  return kNames[std::min<size_t>(index, 8)];
}

Str GroupName(int group) {
  static const Str kNames[kBenchGroupCount] = {Str::kCostsGroupStart, Str::kCostsGroupCounter,
                                               Str::kCostsGroupQueuePool, Str::kCostsGroupTraceEvent,
                                               Str::kCostsGroupTraceDrain};
  return kNames[std::clamp(group, 0, kBenchGroupCount - 1)];
}

class CostsView : public View {
 public:
  std::string_view id() const override { return "costs"; }
  const char* Title(Language language) const override { return Tr(Str::kCosts, language); }
  void Draw(const ViewContext& ctx) override;
};

void CostsView::Draw(const ViewContext& ctx) {
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  ImGui::BeginChild("costs");
  const CostsOutcome* outcome = ctx.run.result != nullptr ? ctx.run.result->Outcome<CostsOutcome>() : nullptr;
  if (outcome == nullptr || !outcome->proclab) {
    DrawWrappedText(ctx.T(ctx.busy || ctx.run.live ? Str::kCostsMeasuring : Str::kCostsHint), ctx.fonts, theme.text);
    ImGui::EndChild();
    return;
  }
  const PrimitiveCosts& ours = *outcome->proclab;
  const PythonCosts* python = outcome->python ? &*outcome->python : nullptr;
  if (python == nullptr) {
    DrawWrappedText(ctx.T(Str::kCostsNoPython), ctx.fonts, theme.warn);
    if (!outcome->python_note.en.empty())
      DrawWrappedText(outcome->python_note.In(ctx.language), ctx.fonts, theme.warn);
  }
  DrawWrappedText(ctx.T(Str::kCostsLegend), ctx.fonts, theme.dim);
  const std::vector<CostExplanation> explanations = ExplainCosts(ours);
  const float name_w = std::min(em * 5.0f, ImGui::GetContentRegionAvail().x * 0.2f);
  const ImU32 limit_color = theme.good;
  ImDrawList* draw = ImGui::GetWindowDrawList();

  for (int group = 0; group < kBenchGroupCount; ++group) {
    // One scale for every bar of the group: Python's, ProcLab's and the limits.
    std::vector<double> values;
    for (size_t i = 0; i < std::size(kBenchFigures); ++i) {
      if (kBenchFigures[i].group != group) continue;
      if (ours.figures[i]) values.insert(values.end(), {ours.figures[i]->value, ours.figures[i]->limit});
      if (python != nullptr && python->figures[i]) values.push_back(*python->figures[i]);
    }
    if (values.empty()) continue;
    const BarScale scale = ScaleFor(values);
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::PushFont(ctx.fonts.h2 != nullptr ? ctx.fonts.h2 : ctx.fonts.bold);
    ImGui::TextUnformatted(ctx.T(GroupName(group)));
    ImGui::PopFont();
    if (scale.log) {
      ImGui::SameLine();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.accent), "(%s)", ctx.T(Str::kCostsLogScale));
    }

    for (size_t i = 0; i < std::size(kBenchFigures); ++i) {
      const BenchFigure& figure = kBenchFigures[i];
      if (figure.group != group) continue;
      if (!ours.figures[i]) continue;
      const MeasuredFigure& measured = *ours.figures[i];
      const std::optional<double> mine = measured.value, limit = measured.limit, of_limit = measured.of_limit;
      const std::optional<double> theirs = python != nullptr ? python->figures[i] : std::nullopt;
      const std::optional<double> ratio = python != nullptr ? TimesPython(ours, *python, i) : std::nullopt;
      ImGui::Spacing();
      ImGui::PushFont(ctx.fonts.bold);
      ImGui::TextUnformatted(ctx.T(FigureName(i)));
      ImGui::PopFont();
      ImGui::SameLine();
      ImGui::TextDisabled("(%s)", ctx.T(figure.larger_is_better ? Str::kCostsHigherBetter : Str::kCostsLowerBetter));
      // Right-aligned: how ProcLab compares with Python, and how much of the limit it reaches.
      std::string verdict;
      if (ratio) {
        char text[96];
        if (*ratio >= 1) std::snprintf(text, sizeof text, "C++ %.1f× %s", *ratio, ctx.T(Str::kCostsBetter));
        else std::snprintf(text, sizeof text, "Python %.1f× %s", 1 / *ratio, ctx.T(Str::kCostsBetter));
        verdict = text;
      }
      if (of_limit) {
        char text[96];
        std::snprintf(text, sizeof text, ctx.T(Str::kCostsOfLimit), *of_limit * 100);
        verdict += (verdict.empty() ? "" : " · ") + std::string(text);
      }
      if (!verdict.empty()) {
        const float w = ImGui::CalcTextSize(verdict.c_str()).x;
        ImGui::SameLine(std::max(ImGui::GetCursorPosX() + em, ImGui::GetContentRegionMax().x - w));
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(!ratio || *ratio >= 1 ? theme.good : theme.bad), "%s",
                           verdict.c_str());
      }
      auto bar = [&](const char* who, std::optional<double> value, ImU32 color) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(who);
        ImGui::SameLine(name_w);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const std::string label = value ? Figure(*value, figure.unit) : std::string("—");
        const float text_w = ImGui::CalcTextSize(label.c_str()).x;
        const float full = std::max(ImGui::GetContentRegionAvail().x - text_w - em, em * 2);
        const float h = em * 1.1f;
        if (scale.log)  // a faint tick at each power of ten: the scale is logarithmic
          for (double tick = std::pow(10.0, std::ceil(std::log10(scale.low))); tick < scale.high; tick *= 10) {
            const float x = p.x + full * static_cast<float>(scale.Fraction(tick));
            draw->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + h + 2), theme.grid);
          }
        if (value && *value > 0) {
          const float w = std::max(full * static_cast<float>(scale.Fraction(*value)), 2.0f);
          draw->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + w, p.y + h), color, 2);
          draw->AddText(ImVec2(p.x + w + em * 0.4f, p.y + (h - em) * 0.5f + 1), theme.text, label.c_str());
        } else {
          draw->AddText(ImVec2(p.x, p.y + (h - em) * 0.5f + 1), theme.dim, label.c_str());
        }
        ImGui::Dummy(ImVec2(full + text_w, h + 2));
      };
      if (python != nullptr) bar("Python", theirs, theme.warn);
      bar("ProcLab", mine, theme.actual);
      bar(ctx.T(Str::kCostsLimitBar), limit, limit_color);
      char limit_is[512];
      std::snprintf(limit_is, sizeof limit_is, ctx.T(Str::kCostsLimitIs),
                    std::string(figure.limit.In(ctx.language)).c_str());
      DrawWrappedText(limit_is, ctx.fonts, theme.dim, name_w);
      if (measured.limit_suspect) DrawWrappedText(ctx.T(Str::kCostsSuspect), ctx.fonts, theme.warn, name_w);
      for (const CostExplanation& e : explanations)
        if (std::string_view(e.key) == figure.key)
          DrawWrappedText(ctx.language == Language::kChinese ? e.zh : e.en, ctx.fonts, theme.text, name_w);
    }
  }
  ImGui::EndChild();
}

}  // namespace

std::unique_ptr<View> MakeCostsView() { return std::make_unique<CostsView>(); }

}  // namespace proclab::gui

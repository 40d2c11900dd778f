// Costs (lesson `costs`): each figure measured on this machine as bars, ProcLab's C++ beside
// Python's multiprocessing, with how many times faster one is; a note when Python was not
// measured. The numbers are the lesson's outcome (lessons/costs.cpp), which for now keeps its
// figures as JSON ("proclab", "python", "ratios", "python_note"): the costs lesson is being
// rewritten, and this view reads it through its ToJson until it has a typed outcome.
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

std::optional<double> Number(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
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
  const nlohmann::json o = ctx.run.result != nullptr && ctx.run.result->outcome ? ctx.run.result->outcome->ToJson()
                                                                               : nlohmann::json::object();
  if (!o.contains("proclab")) {
    DrawWrappedText(ctx.T(ctx.busy || ctx.run.live ? Str::kCostsMeasuring : Str::kCostsHint), ctx.fonts, theme.text);
    ImGui::EndChild();
    return;
  }
  const nlohmann::json& ours = o["proclab"];
  const nlohmann::json python = o.contains("python") ? o["python"] : nlohmann::json(nullptr);
  const nlohmann::json ratios = o.contains("ratios") ? o["ratios"] : nlohmann::json::object();
  if (!python.is_object()) {
    DrawWrappedText(ctx.T(Str::kCostsNoPython), ctx.fonts, theme.warn);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.warn));
    const char* note_key =
        ctx.language == Language::kChinese && o.contains("python_note_zh") ? "python_note_zh"
                                                                            : "python_note";
    if (o.contains(note_key) && o[note_key].is_string())
      ImGui::TextWrapped("%s", o[note_key].get<std::string>().c_str());
    ImGui::PopStyleColor();
  }
  ImGui::TextDisabled("%s", ctx.T(Str::kCostsLegend));
  const float name_w = std::min(em * 5.0f, ImGui::GetContentRegionAvail().x * 0.2f);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (size_t i = 0; i < std::size(kBenchFigures); ++i) {
    const BenchFigure& figure = kBenchFigures[i];
    const std::optional<double> mine = Number(ours, figure.key);
    if (!mine) continue;
    const std::optional<double> theirs = Number(python, figure.key);
    const std::optional<double> ratio = Number(ratios, figure.key);
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted(ctx.T(FigureName(i)));
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::TextDisabled("(%s)", ctx.T(figure.larger_is_better ? Str::kCostsHigherBetter : Str::kCostsLowerBetter));
    if (ratio) {
      // ratio > 1: ProcLab is better by that factor, whichever way the figure counts.
      char text[96];
      if (*ratio >= 1) std::snprintf(text, sizeof text, "C++ %.1f× %s", *ratio, ctx.T(Str::kCostsBetter));
      else std::snprintf(text, sizeof text, "Python %.1f× %s", 1 / *ratio, ctx.T(Str::kCostsBetter));
      const float w = ImGui::CalcTextSize(text).x;
      ImGui::SameLine(std::max(ImGui::GetCursorPosX() + em, ImGui::GetContentRegionMax().x - w));
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(*ratio >= 1 ? theme.good : theme.bad), "%s", text);
    }
    // Both bars on one scale per figure: the larger value fills the row.
    const double top = std::max(*mine, theirs.value_or(0));
    auto bar = [&](const char* who, std::optional<double> value, ImU32 color) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(who);
      ImGui::SameLine(name_w);
      const ImVec2 p = ImGui::GetCursorScreenPos();
      const std::string label = value ? Figure(*value, figure.unit) : std::string("—");
      const float text_w = ImGui::CalcTextSize(label.c_str()).x;
      const float full = std::max(ImGui::GetContentRegionAvail().x - text_w - em, em * 2);
      const float h = em * 1.1f;
      if (value && top > 0) {
        const float w = std::max(full * static_cast<float>(*value / top), 2.0f);
        draw->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + w, p.y + h), color, 2);
        draw->AddText(ImVec2(p.x + w + em * 0.4f, p.y + (h - em) * 0.5f + 1), theme.text, label.c_str());
      } else {
        draw->AddText(ImVec2(p.x, p.y + (h - em) * 0.5f + 1), theme.dim, label.c_str());
      }
      ImGui::Dummy(ImVec2(full + text_w, h + 2));
    };
    bar("C++", mine, theme.actual);
    if (python.is_object()) bar("Python", theirs, theme.warn);
  }
  ImGui::EndChild();
}

}  // namespace

std::unique_ptr<View> MakeCostsView() { return std::make_unique<CostsView>(); }

}  // namespace proclab::gui

// Trials: a histogram of the race lessons' final counter over repeated runs, one per parameter
// setting, side by side (this lesson's latest setting beside another lesson's, e.g. without a
// lock and with one), with the expected value marked. It counts every finished trial it is
// told of (TrialFinished), from the race lessons' typed outcome.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "app/gui/views/trials_view.hpp"
#include "app/gui/views/view.hpp"
#include "core/python_run.hpp"
#include "lessons/shared_counter.hpp"

namespace proclab::gui {

HistogramBins BinValues(const std::vector<double>& values, std::optional<double> expected) {
  HistogramBins out;
  if (values.empty()) return out;
  double lo = *std::min_element(values.begin(), values.end());
  double hi = *std::max_element(values.begin(), values.end());
  if (expected) lo = std::min(lo, *expected), hi = std::max(hi, *expected);
  const bool integers = std::all_of(values.begin(), values.end(), [](double v) { return v == std::floor(v); }) &&
                        (!expected || *expected == std::floor(*expected));
  out.integers = integers && hi - lo + 1 <= 40;
  int bins = 24;
  double width = 0;
  if (out.integers) {
    bins = static_cast<int>(hi - lo + 1);
    width = 1;
    hi = lo + bins;  // each whole number has its bin [v, v + 1)
  } else {
    if (hi <= lo) hi = lo + 1;
    width = (hi - lo) / bins;
  }
  out.lo = lo, out.hi = hi;
  out.bins.resize(static_cast<size_t>(bins));
  for (int b = 0; b < bins; ++b) out.bins[static_cast<size_t>(b)].lo = lo + width * b, out.bins[static_cast<size_t>(b)].hi = lo + width * (b + 1);
  for (size_t k = 0; k < values.size(); ++k) {
    const int b = std::clamp(static_cast<int>((values[k] - lo) / width), 0, bins - 1);
    out.bins[static_cast<size_t>(b)].trials.push_back(static_cast<int>(k + 1));
  }
  for (const HistogramBin& bin : out.bins) out.top = std::max(out.top, static_cast<int>(bin.trials.size()));
  return out;
}

std::string BinRangeText(const HistogramBins& bins, const HistogramBin& bin) {
  char text[64];
  if (bins.integers) std::snprintf(text, sizeof text, "%g", bin.lo);
  else std::snprintf(text, sizeof text, "%.4g – %.4g", bin.lo, bin.hi);
  return text;
}

std::string BinTooltip(const HistogramBins& bins, const HistogramBin& bin, Language language) {
  char text[128];
  std::snprintf(text, sizeof text, Tr(Str::kHistBarTip, language), BinRangeText(bins, bin).c_str(),
                static_cast<int>(bin.trials.size()));
  std::string out = std::string(text) + "\n" + Tr(Str::kHistWhich, language) + (language == Language::kChinese ? "：" : ": ");
  const size_t listed = std::min<size_t>(bin.trials.size(), 30);
  for (size_t i = 0; i < listed; ++i) out += (i > 0 ? ", " : "") + std::to_string(bin.trials[i]);
  if (bin.trials.size() > listed) out += " … +" + std::to_string(bin.trials.size() - listed);
  return out;
}

namespace {

struct TrialSeries {
  Sentence label;  // "Processes on the counter = 2, Increments per process = 100 ..." in both languages
  double expected = 0;
  bool has_expected = false;
  std::vector<double> values;
  std::vector<double> lost;  // a Python run's: lost updates per trial
};

// A histogram with its axes: values along x (lowest, highest, the axis's name), trials counted up
// y (0, the tallest bar, the axis's name), the expected value marked, a tooltip per bar.
void Histogram(const ViewContext& ctx, const TrialSeries& series, ImVec2 size) {
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const HistogramBins binned = BinValues(series.values, series.has_expected ? std::optional<double>(series.expected) : std::nullopt);
  const int bins = static_cast<int>(binned.bins.size());
  char text[64];
  std::snprintf(text, sizeof text, "%d", binned.top);
  const float axis_w = ImGui::CalcTextSize(text).x + em * 0.5f;
  const ImVec2 p(origin.x + axis_w, origin.y + em * 1.2f);  // the plot's top left
  const float plot_w = std::max(size.x - axis_w, em * 4);
  const float plot_h = std::max(size.y - em * 1.2f - em * 2.6f, em * 2);
  const float bar_w = plot_w / static_cast<float>(bins);
  draw->AddRectFilled(p, ImVec2(p.x + plot_w, p.y + plot_h), theme.lane_bg);
  // The y axis: its name above, 0 and the tallest count beside it.
  draw->AddText(ImVec2(origin.x, origin.y), theme.dim, ctx.T(Str::kHistCountAxis));
  draw->AddText(ImVec2(p.x - ImGui::CalcTextSize(text).x - em * 0.25f, p.y), theme.dim, text);
  draw->AddText(ImVec2(p.x - ImGui::CalcTextSize("0").x - em * 0.25f, p.y + plot_h - em), theme.dim, "0");
  draw->AddLine(ImVec2(p.x, p.y), ImVec2(p.x, p.y + plot_h), theme.dim);
  draw->AddLine(ImVec2(p.x, p.y + plot_h), ImVec2(p.x + plot_w, p.y + plot_h), theme.dim);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool hover_plot = !ctx.instant && ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows) && mouse.x >= p.x &&
                          mouse.x < p.x + plot_w && mouse.y >= p.y && mouse.y < p.y + plot_h;
  for (int b = 0; b < bins; ++b) {
    const HistogramBin& bin = binned.bins[static_cast<size_t>(b)];
    const float x0 = p.x + bar_w * static_cast<float>(b) + 1;
    if (hover_plot && mouse.x >= x0 - 1 && mouse.x < x0 - 1 + bar_w && !bin.trials.empty())
      ImGui::SetTooltip("%s", BinTooltip(binned, bin, ctx.language).c_str());
    if (bin.trials.empty()) continue;
    const float h = plot_h * static_cast<float>(bin.trials.size()) / static_cast<float>(binned.top);
    const bool at_expected = series.has_expected && series.expected >= bin.lo && series.expected < bin.hi;
    draw->AddRectFilled(ImVec2(x0, p.y + plot_h - h), ImVec2(x0 + std::max(bar_w - 2, 1.0f), p.y + plot_h),
                        at_expected || !series.has_expected ? theme.good : theme.bad);
  }
  if (series.has_expected) {
    const double at = series.expected + (binned.integers ? 0.5 : 0.0);  // the middle of its bar
    const float x = p.x + static_cast<float>((at - binned.lo) / (binned.hi - binned.lo)) * plot_w;
    draw->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + plot_h), theme.text, 2);
  }
  // The x axis: each bar's value under it where they all fit, else the lowest and the highest;
  // its name below.
  std::snprintf(text, sizeof text, "%g", binned.integers ? binned.hi - 1 : binned.hi);
  const bool each = binned.integers && ImGui::CalcTextSize(text).x + em * 0.4f < bar_w;
  for (int b = 0; each && b < bins; ++b) {
    char value[32];
    std::snprintf(value, sizeof value, "%g", binned.bins[static_cast<size_t>(b)].lo);
    draw->AddText(ImVec2(p.x + bar_w * (static_cast<float>(b) + 0.5f) - ImGui::CalcTextSize(value).x * 0.5f, p.y + plot_h + 2),
                  theme.dim, value);
  }
  if (!each) {
    draw->AddText(ImVec2(p.x + plot_w - ImGui::CalcTextSize(text).x, p.y + plot_h + 2), theme.dim, text);
    std::snprintf(text, sizeof text, "%g", binned.lo);
    draw->AddText(ImVec2(p.x, p.y + plot_h + 2), theme.dim, text);
  }
  const char* axis = ctx.T(Str::kHistValueAxis);
  draw->AddText(ImVec2(p.x + (plot_w - ImGui::CalcTextSize(axis).x) * 0.5f, p.y + plot_h + 2 + em * 1.1f), theme.dim, axis);
  ImGui::Dummy(size);
}

class TrialsView : public View {
 public:
  std::string_view id() const override { return "trials"; }
  const char* Title(Language language) const override { return Tr(Str::kTrials, language); }
  void Draw(const ViewContext& ctx) override;
  void TrialFinished(const TrialResult& result, bool step_mode) override;

 private:
  void PythonTrialFinished(const TrialResult& result, bool step_mode);
  std::map<std::string, std::vector<TrialSeries>> series_;  // per lesson, oldest first
};

void TrialsView::TrialFinished(const TrialResult& result, bool step_mode) {
  // One series per parameter setting; a single run counts as a trial too. A stepped, stopped or
  // stuck run says nothing about how often updates are lost.
  if (result.Outcome<PythonOutcome>() != nullptr) {
    PythonTrialFinished(result, step_mode);
    return;
  }
  const RaceOutcome* race = result.Outcome<RaceOutcome>();
  if (race == nullptr || result.stopped || step_mode || race->stuck) return;
  auto& all = series_[result.lesson_id];
  const Sentence label{result.params.Described(Language::kEnglish), result.params.Described(Language::kChinese)};
  auto it = std::find_if(all.begin(), all.end(), [&](const TrialSeries& s) { return s.label.en == label.en; });
  if (it == all.end()) {
    all.push_back(TrialSeries{.label = label});
    it = std::prev(all.end());
  }
  it->values.push_back(static_cast<double>(race->final));
  it->expected = static_cast<double>(race->expected);
  it->has_expected = true;
  if (all.size() > 4) all.erase(all.begin());
}

void TrialsView::PythonTrialFinished(const TrialResult& result, bool step_mode) {
  // A Python run: one series per Value the program made (its final value as the facts give it;
  // an Array's elements are left out), named after the Value, per program and arguments.
  if (result.stopped || step_mode) return;
  const auto* outcome = result.Outcome<PythonOutcome>();
  auto& all = series_[result.lesson_id];
  for (const auto& [id, slot] : result.facts.slots()) {
    if (slot.writes == 0 || slot.name.find('[') != std::string::npos) continue;
    const std::string program = slot.name + " · " + std::filesystem::path(outcome->program).filename().string();
    Sentence label{program, program};
    if (!result.params.specs().empty()) {
      label.en += ", " + result.params.Described(Language::kEnglish);
      label.zh += "，" + result.params.Described(Language::kChinese);
    }
    auto it = std::find_if(all.begin(), all.end(), [&](const TrialSeries& s) { return s.label.en == label.en; });
    if (it == all.end()) {
      all.push_back(TrialSeries{.label = label});
      it = std::prev(all.end());
    }
    it->values.push_back(slot.Final().AsDouble());
    it->lost.push_back(static_cast<double>(slot.lost));
  }
  while (all.size() > 4) all.erase(all.begin());
}

void TrialsView::Draw(const ViewContext& ctx) {
  // This lesson's latest setting beside another lesson's (the lock lessons beside shared-data),
  // else this lesson's last two settings.
  const std::string id(ctx.lesson.id);
  std::vector<const TrialSeries*> shown;
  const auto mine = series_.find(id);
  if (mine != series_.end() && !mine->second.empty()) {
    const TrialSeries* other = nullptr;
    for (const auto& [lesson, theirs] : series_)
      if (lesson != id && !theirs.empty()) other = &theirs.back();
    if (other != nullptr) {
      shown = {other, &mine->second.back()};
    } else {
      const auto& list = mine->second;
      for (size_t i = list.size() > 2 ? list.size() - 2 : 0; i < list.size(); ++i) shown.push_back(&list[i]);
    }
  }
  if (shown.empty()) {
    ImGui::TextDisabled("%s", ctx.T(Str::kTrialsHint));
    return;
  }
  const float em = ImGui::GetFontSize();
  const float gap = em;
  const size_t n = shown.size();
  const float w = (ImGui::GetContentRegionAvail().x - gap * static_cast<float>(n - 1)) / static_cast<float>(n);
  const float h = std::max(ImGui::GetContentRegionAvail().y - em * 5.5f, em * 6);
  for (size_t i = 0; i < n; ++i) {
    const TrialSeries& s = *shown[i];
    if (i > 0) ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w);
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextWrapped("%s", s.label.In(ctx.language).c_str());
    ImGui::PopFont();
    double sum = 0;
    for (double v : s.values) sum += v;
    const double mean = sum / static_cast<double>(s.values.size());
    if (s.has_expected)
      ImGui::Text("%zu × %s   %s %.1f   %s %g", s.values.size(), ctx.T(Str::kFinal), ctx.T(Str::kMean), mean,
                  ctx.T(Str::kExpected), s.expected);
    else
      ImGui::Text("%zu × %s   %s %.1f", s.values.size(), ctx.T(Str::kFinal), ctx.T(Str::kMean), mean);
    if (!s.lost.empty()) {
      const auto [least, most] = std::minmax_element(s.lost.begin(), s.lost.end());
      double lost = 0;
      for (double l : s.lost) lost += l;
      ImGui::Text("%s: %s %.1f (%g–%g)", ctx.T(Str::kLostSoFar), ctx.T(Str::kMean), lost / static_cast<double>(s.lost.size()),
                  *least, *most);
    }
    ImGui::PopTextWrapPos();
    Histogram(ctx, s, ImVec2(w, h));
    ImGui::EndGroup();
  }
}

}  // namespace

std::unique_ptr<View> MakeTrialsView() { return std::make_unique<TrialsView>(); }

}  // namespace proclab::gui

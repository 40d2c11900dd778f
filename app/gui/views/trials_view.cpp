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

#include "app/gui/views/view.hpp"
#include "core/python_run.hpp"
#include "lessons/shared_counter.hpp"

namespace proclab::gui {
namespace {

struct TrialSeries {
  Sentence label;  // "Processes on the counter = 2, Increments per process = 100 ..." in both languages
  double expected = 0;
  bool has_expected = false;
  std::vector<double> values;
  std::vector<double> lost;  // a Python run's: lost updates per trial
};

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
    const int b = static_cast<int>((v - lo) / width);
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

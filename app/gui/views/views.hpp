// The live views, each drawn from the TraceModel (and, after a run, the lesson's outcome JSON):
// process lanes, processes table, shared data (counter, array, locks, step mode), trials,
// queue and pool. One function or small state struct per view, one file each.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/gui/fonts/fonts.hpp"
#include "app/gui/shell/theme.hpp"
#include "app/gui/shell/ui_strings.hpp"
#include "app/gui/views/trace_model.hpp"
#include "core/run.hpp"

namespace proclab::gui {

struct ViewContext {
  const TraceModel& model;
  const TrialResult* result;  // the last finished trial of this lesson, or null
  const Lesson& lesson;
  Language language;
  const Fonts& fonts;
  const Theme& theme;
  bool live;  // a run is under way
  const char* T(Str key) const { return Tr(key, language); }
};

const char* StateName(LaneState state, Language language);

// Process lanes: one row per child, aggregated per pixel column, zoom and pan.
struct LanesView {
  double begin_ns = 0, end_ns = 0;  // relative to the trace's t0
  bool follow = true;               // fit the whole run (until the user zooms or pans)
  void Fit() { follow = true; }
  void Draw(const ViewContext& ctx, float height);
};

void DrawProcessesTable(const ViewContext& ctx);
void DrawSharedData(const ViewContext& ctx);
void DrawQueueView(const ViewContext& ctx);
void DrawPoolView(const ViewContext& ctx);

// Final values over repeated trials, one series per parameter setting (e.g. lock vs no lock).
struct TrialSeries {
  std::string label;  // "lock=none, increments=100"
  std::string field;  // the outcome field counted ("final")
  double expected = 0;
  bool has_expected = false;
  std::vector<double> values;
};
void DrawTrials(const ViewContext& ctx, const std::vector<TrialSeries>& series);
// One item of an outcome list in a few words: {"first":0,"last":1,"worker":2} -> "0–1 (2)",
// {"state":"closed","ms":36.4} -> "closed 36.4 ms", {"value":9,...} -> "9".
std::string FormatOutcomeItem(const nlohmann::json& item);
// A whole outcome list, items separated by `separator`.
std::string FormatOutcomeList(const nlohmann::json& list, const char* separator = "  ");

// The outcome field a histogram counts for this trial: "final", else the first number.
std::string TrialField(const nlohmann::json& outcome);

}  // namespace proclab::gui

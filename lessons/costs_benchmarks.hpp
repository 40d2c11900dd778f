// What ProcLab's primitives cost, measured on this machine with real processes: starting and
// joining a process, a shared-counter increment (no lock, the robust lock, fetch_add), a queue
// item, a pool map item, an apply_async task, and one trace event; each beside the machine's own
// limit for the same work (lessons/machine_limits.hpp), measured in the same invocation. Used by
// `proclab-cli bench` and by the `costs` lesson. Each figure is the median of several repeats
// after a warm-up; a figure's samples and its limit's alternate, so load hits both alike.
#pragma once
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/lesson_model.hpp"
#include "core/run.hpp"

namespace proclab {

struct BenchOptions {
  bool quick = false;         // fewer items and repeats: seconds, not tens of seconds
  std::string worker_path;    // empty: beside this program
  std::string noop_path;      // the static no-op (proclab-noop); empty: beside the worker
  std::function<bool()> should_stop;                      // asked between measurements
  std::function<void(const std::string&)> on_progress;    // "measuring queue_items_per_s"
};

struct BenchFigure;

// One figure as measured: ProcLab's median beside the median of the machine's limit for the
// same work, each with the spread of its samples.
struct MeasuredFigure {
  double value = 0, value_min = 0, value_max = 0;
  double limit = 0, limit_min = 0, limit_max = 0;
  // How much of the limit ProcLab reaches: value / limit for rates, limit / value for times
  // (1 = at the limit).
  double of_limit = 0;
  // ProcLab beat its limit in every sample (a limit should bound its figure: a sign of a busy
  // machine, flagged, not an error).
  bool limit_suspect = false;
};

// What MeasurePrimitives found. `figures` and `parts` are indexed as kBenchFigures and
// kBenchParts; one not measured is empty.
struct PrimitiveCosts {
  std::array<std::optional<MeasuredFigure>, 9> figures;
  std::array<std::optional<double>, 7> parts;
  int repeats = 0;  // samples per figure
  const MeasuredFigure* Figure(std::string_view key) const;  // null if not measured
  std::optional<double> Part(std::string_view key) const;
  // The edge (`proclab-cli bench --json`, the costs lesson's JSON): <key>, limit_<key>,
  // <key>_of_limit, limit_suspect (keys), range {<key>: [min, max], limit_<key>: [min, max]},
  // parts {<key>: value}, repeats.
  nlohmann::json ToJson() const;
};

// Python's figures as compare_python.py --python-only reports them, indexed as kBenchFigures.
struct PythonCosts {
  std::array<std::optional<double>, 9> figures;
  std::optional<double> Figure(std::string_view key) const;
  // The edge in: the script's JSON object (unknown keys ignored; a non-positive figure is none).
  static PythonCosts FromJson(const nlohmann::json& object);
  nlohmann::json ToJson() const;
};

// How many times better ProcLab does figure `index` than Python (below 1: Python does better),
// when both measured it.
std::optional<double> TimesPython(const PrimitiveCosts& proclab, const PythonCosts& python, size_t index);

// The costs lesson's result: ProcLab's figures and limits, Python's when measured, and why not.
struct CostsOutcome : LessonOutcome {
  std::optional<PrimitiveCosts> proclab;  // empty until measured (or when stopped first)
  std::optional<PythonCosts> python;
  Sentence python_note;  // empty when Python was measured
  // {"proclab": ..., "python": ... | null, "ratios": {<key>: times}, "python_note"[, _zh]}.
  nlohmann::json ToJson() const override;
};

// Throws RunError if a measurement cannot run, RunStopped if should_stop() said so.
PrimitiveCosts MeasurePrimitives(const BenchOptions& options);

// The figures in the order they are reported, with a unit, whether larger is better, the
// group whose bars share one scale, what the limit measured beside it is, and its name in words
// (the Chinese transcript's; the English table keeps the keys `proclab-cli bench` prints).
struct BenchFigure {
  const char* key;
  const char* unit;
  bool larger_is_better;
  int group;
  LocalText limit;
  LocalText name;
};
extern const BenchFigure kBenchFigures[9];
// Groups of figures with one unit, drawn on one scale: start, counter, queue and pool, trace.
inline constexpr int kBenchGroupCount = 5;

// The parts measured to say where ProcLab's cost goes (in "parts"), with their units.
struct BenchPart {
  const char* key;
  const char* unit;
  const char* what;
};
extern const BenchPart kBenchParts[7];

// One sentence per figure that has measured parts: where ProcLab's cost beyond the limit goes,
// with the numbers of this run, in both languages. Empty for a figure without parts.
struct CostExplanation {
  const char* key;  // the figure explained
  std::string en;
  std::string zh;
};
std::vector<CostExplanation> ExplainCosts(const PrimitiveCosts& costs);

// The bench's table, one line per figure: [Python,] ProcLab, the limit, how much of the limit
// ProcLab reaches [, how many times Python], a (!) on a suspect limit, then a line per
// footnote and the explanations. `python` may be null (no Python column). In Chinese each figure
// is one line by its name, the same numbers in the same order (a table of CJK names does not align).
std::vector<std::string> FormatBenchTable(const PrimitiveCosts& costs, const PythonCosts* python,
                                          Language language = Language::kEnglish);
// "0.626 ms", "31,200,000 /s", "10.2 ns": how the table writes a figure.
std::string FormatFigure(double value, const char* unit);

// How to draw one group's bars: linear from 0, or logarithmic when the largest value is more
// than `kLogScaleRatio` times the smallest (the smaller bars would be invisible otherwise).
inline constexpr double kLogScaleRatio = 20.0;
struct BarScale {
  bool log = false;
  double low = 0;   // the value at the left edge (log: a decade at or below the smallest)
  double high = 0;  // the value at the right edge (0: nothing to draw)
  // Where `value` ends, from 0 (left edge) to 1 (right edge).
  double Fraction(double value) const;
};
BarScale ScaleFor(const std::vector<double>& values);

}  // namespace proclab

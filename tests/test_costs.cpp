// The costs benchmark's parts that need no CLI: the machine's limits run, check their own work and
// leave no child behind; the sentences on where ProcLab's cost goes use this run's numbers in
// both languages; a group of bars gets a log scale only when its range is wide. Not timed: the
// numbers' sizes are the benchmark's business.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <set>

#include "core/run.hpp"
#include "lessons/costs_benchmarks.hpp"
#include "lessons/machine_limits.hpp"
#include "support.hpp"

using namespace proclab;
using nlohmann::json;

namespace {
bool NoChildLeft() { return waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD; }

struct Measured {
  const char* key;
  double value;
  double limit = 0;
};

// Costs as a measurement would leave them: each figure's median and its limit's (samples all
// at the median), and the parts.
PrimitiveCosts Costs(std::initializer_list<Measured> figures,
                     std::initializer_list<std::pair<const char*, double>> parts = {}) {
  PrimitiveCosts costs;
  costs.repeats = 3;
  for (const Measured& m : figures)
    for (size_t i = 0; i < std::size(kBenchFigures); ++i)
      if (std::string_view(kBenchFigures[i].key) == m.key) {
        const bool rate = kBenchFigures[i].larger_is_better;
        costs.figures[i] = MeasuredFigure{m.value, m.value, m.value, m.limit, m.limit, m.limit,
                                          m.limit > 0 ? (rate ? m.value / m.limit : m.limit / m.value) : 0,
                                          rate ? m.value > m.limit : m.value < m.limit};
      }
  for (const auto& [key, value] : parts)
    for (size_t i = 0; i < std::size(kBenchParts); ++i)
      if (std::string_view(kBenchParts[i].key) == key) costs.parts[i] = value;
  return costs;
}

const std::initializer_list<Measured> kSomeFigures = {{"spawn_join_ms_per_proc", 0.5, 0.3},
                                                      {"locked_increments_per_s", 50e6, 400e6},
                                                      {"queue_items_per_s", 4e6, 10e6},
                                                      {"pool_map_items_per_s", 50e6, 100e6},
                                                      {"pool_apply_async_tasks_per_s", 1e6, 2e6},
                                                      {"trace_ns_per_event", 10.0, 8.0}};
const std::initializer_list<std::pair<const char*, double>> kSomeParts = {
    {"worker_start_ms_per_proc", 0.4}, {"lock_pair_ns", 9.0},          {"queue_pair_ns", 40.0},
    {"map_before_ns_per_item", 8.0},   {"map_work_ns_per_item", 5.0}, {"map_after_ns_per_item", 7.0},
    {"clock_read_ns", 6.0}};
}  // namespace

TEST_CASE("each machine limit measures a positive rate and leaves no child behind") {
  CHECK(SpawnJoinMsPerProc({test::BinPath("proclab-noop")}, 2, 2) > 0);
  CHECK(SpawnJoinMsPerProc({test::BinPath("proclab-worker"), "--exit"}, 2, 1) > 0);
  CHECK(LimitLoadStorePerS(10'000) > 0);
  CHECK(LimitFetchAddPerS(10'000) > 0);
  CHECK(LimitLockPairsPerS(10'000) > 0);
  CHECK(LimitRingItemsPerS(50'000, 64) > 0);  // a small ring: it fills and drains many times
  CHECK(LimitPlainLoopItemsPerS(10'001, 3) > 0);  // slices of unequal size
  CHECK(LimitRoundTripsPerS(5'000, 2, 16) > 0);
  CHECK(LimitEventNs(10'000) > 0);
  CHECK(LimitEventCopyPerS(1) > 0);
  CHECK(NoChildLeft());
}

TEST_CASE("a program that does not exit with 0 fails the start + join limit") {
  CHECK_THROWS_AS(SpawnJoinMsPerProc({"/bin/false"}, 1, 1), RunError);
  CHECK_THROWS_AS(SpawnJoinMsPerProc({"/nonexistent/proclab-noop"}, 1, 1), RunError);
  CHECK(NoChildLeft());
}

TEST_CASE("the explanations of where ProcLab's cost goes use this run's numbers, in both languages") {
  PrimitiveCosts figures = Costs(kSomeFigures, kSomeParts);
  const std::vector<CostExplanation> all = ExplainCosts(figures);
  std::set<std::string> explained;
  for (const CostExplanation& e : all) {
    INFO(e.en);
    explained.insert(e.key);
    CHECK(!e.en.empty());
    CHECK(!e.zh.empty());
    CHECK(e.zh != e.en);
  }
  CHECK(explained == std::set<std::string>{"spawn_join_ms_per_proc", "locked_increments_per_s",
                                           "queue_items_per_s", "pool_map_items_per_s",
                                           "pool_apply_async_tasks_per_s", "trace_ns_per_event"});
  // Start + join: 0.3 limit, 0.1 the worker's own start-up, 0.1 the run around it.
  CHECK(all[0].en.find("Of the 0.500 ms per process, 0.300 ms is the machine's limit") == 0);
  CHECK(all[0].en.find("0.100 ms loading the larger worker program") != std::string::npos);
  CHECK(all[0].zh.find("0.100 ms 是围绕它的运行") != std::string::npos);
  CHECK(all[1].en.find("costs 9.00 ns (the bare pair: 2.50 ns); the rest of the 20.0 ns") != std::string::npos);
  CHECK(all[3].en.find("Of the 20.0 ns per item, 8.00 ns pass before") == 0);
  // No parts, no sentences (and nothing made up).
  CHECK(ExplainCosts(Costs(kSomeFigures)).empty());
}

TEST_CASE("the table flags a limit ProcLab beat and adds a Python column when there is one") {
  const PrimitiveCosts figures = Costs({{"queue_items_per_s", 4e6, 3e6}});
  const std::vector<std::string> plain = FormatBenchTable(figures, nullptr);
  REQUIRE(plain.size() > 2);
  CHECK(plain[1] == "  queue_items_per_s                    4,000,000 /s       3,000,000 /s      133% (!)");
  const PythonCosts python = PythonCosts::FromJson(json{{"queue_items_per_s", 1e5}});
  const std::vector<std::string> with_python = FormatBenchTable(figures, &python);
  CHECK(with_python[0].find("Python") != std::string::npos);
  CHECK(with_python[1].find("100,000 /s") != std::string::npos);
  CHECK(with_python[1].find("40.0x (!)") != std::string::npos);
}

TEST_CASE("the costs outcome's JSON is made from its figures: limits, shares, spreads, ratios to Python") {
  CostsOutcome outcome;
  CHECK(outcome.ToJson() == json::object());  // not measured (stopped first): nothing to claim
  outcome.proclab = Costs({{"queue_items_per_s", 4e6, 10e6}, {"spawn_join_ms_per_proc", 0.5, 0.4}}, {{"queue_pair_ns", 40.0}});
  outcome.proclab->figures[0]->value_min = 0.45;
  outcome.python = PythonCosts::FromJson(
      json{{"queue_items_per_s", 1e5}, {"spawn_join_ms_per_proc", 1.0}, {"unknown", 3}, {"locked_increments_per_s", -1}});
  const json o = outcome.ToJson();
  CHECK(o["proclab"]["queue_items_per_s"] == 4e6);
  CHECK(o["proclab"]["limit_queue_items_per_s"] == 10e6);
  CHECK(o["proclab"]["queue_items_per_s_of_limit"].get<double>() == Approx(0.4));
  CHECK(o["proclab"]["spawn_join_ms_per_proc_of_limit"].get<double>() == Approx(0.8));  // a time: limit / figure
  CHECK(o["proclab"]["range"]["spawn_join_ms_per_proc"] == json{0.45, 0.5});
  CHECK(o["proclab"]["parts"] == json{{"queue_pair_ns", 40.0}});
  CHECK(o["proclab"]["limit_suspect"] == json::array());
  CHECK_FALSE(o["proclab"].contains("locked_increments_per_s"));  // not measured, not made up
  CHECK(o["python"] == json{{"queue_items_per_s", 1e5}, {"spawn_join_ms_per_proc", 1.0}});  // -1 and unknown keys dropped
  CHECK(o["ratios"]["queue_items_per_s"].get<double>() == Approx(40.0));
  CHECK(o["ratios"]["spawn_join_ms_per_proc"].get<double>() == Approx(2.0));
  CHECK_FALSE(o.contains("python_note"));
  outcome.python.reset();
  outcome.python_note = {"no python3", "没有 python3"};
  const json without = outcome.ToJson();
  CHECK(without["python"].is_null());
  CHECK(without["ratios"] == json::object());
  CHECK(without["python_note_zh"] == "没有 python3");
}

TEST_CASE("a group of bars is drawn on a log scale only when its range is wide") {
  const BarScale narrow = ScaleFor({2.0, 10.0, 30.0});
  CHECK_FALSE(narrow.log);
  CHECK(narrow.Fraction(30.0) == 1.0);
  CHECK(narrow.Fraction(15.0) == Approx(0.5));
  const BarScale wide = ScaleFor({1.5e5, 4e6, 3e8});
  CHECK(wide.log);
  CHECK(wide.low == Approx(1e4));  // a decade below the smallest
  CHECK(wide.Fraction(3e8) == 1.0);
  CHECK(wide.Fraction(1.5e5) > 0.1);  // the smallest bar still shows
  CHECK(wide.Fraction(1.5e5) < wide.Fraction(4e6));
  CHECK(ScaleFor({}).Fraction(1.0) == 0.0);
  CHECK(wide.Fraction(0.0) == 0.0);
}

#ifdef PROCLAB_HAS_GUI_LOGIC
#include <filesystem>
#include <fstream>
#include <iterator>

#include "app/gui/shell/ui_strings.hpp"

namespace {
// The code points of UTF-8 text beyond ASCII.
std::set<char32_t> WideChars(std::string_view text) {
  std::set<char32_t> out;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n > 1) {
      char32_t cp = c & (0xFF >> (n + 1));
      for (int k = 1; k < n && i + k < text.size(); ++k) cp = (cp << 6) | (text[i + k] & 0x3F);
      out.insert(cp);
    }
    i += static_cast<size_t>(n);
  }
  return out;
}
}  // namespace

TEST_CASE("the costs view's sentences use only characters the GUI's font atlas holds") {
  // The atlas is built from the UI strings and the lesson texts (App::AllTexts): a character the
  // costs lesson generates must occur in one of them, or it draws as '?'.
  std::string known;
  for (size_t i = 0; i < gui::UiStringCount(); ++i) known += std::string(gui::UiStrings()[i].zh);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(PROCLAB_SOURCE_DIR) + "/assets/lessons")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    known.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::set<char32_t> atlas = WideChars(known);
  const PrimitiveCosts figures = Costs(kSomeFigures, kSomeParts);
  std::string shown;
  for (const CostExplanation& e : ExplainCosts(figures)) shown += e.zh + e.en;
  for (const BenchFigure& figure : kBenchFigures) shown += std::string(figure.limit.zh) + std::string(figure.limit.en);
  for (char32_t c : WideChars(shown)) {
    INFO("U+" << std::hex << static_cast<uint32_t>(c));
    CHECK(atlas.count(c) == 1);
  }
}
#endif

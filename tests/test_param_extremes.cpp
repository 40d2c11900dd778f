// Every lesson with each whole-number parameter at its minimum, and at its maximum where that is
// a size rather than a duration (64 processes, capacity 65536, chunksize far beyond the items):
// the run completes, every child exits 0, the lesson produces its outcome, and nothing is left
// behind. Whatever a student types within the ranges, a run ends.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "core/run.hpp"
#include "lessons/curriculum.hpp"
#include "support.hpp"

using namespace proclab;

namespace {

// Small, quick values for the parameters not under test: the point is the extreme, not the load.
ParamValues QuickDefaults(const Lesson& lesson) {
  ParamValues values(lesson.params);
  for (const ParamSpec& spec : lesson.params) {
    const std::string_view name = spec.name;
    const auto set = [&](int64_t value) {
      values.Set(spec.name, std::clamp(value, spec.min, spec.max));
    };
    if (name == "iterations") set(3);
    if (name == "work") set(1000);
    if (name == "items") set(10);
    if (name.ends_with("-ms")) set(0);
    if (name.ends_with("-us")) set(0);
    if (name == "order") values.SetText("order", "same");  // deadlock: no cycle, all finish
  }
  return values;
}

// A maximum worth running: counts and sizes, not durations or millions of items.
bool MaxIsQuick(const ParamSpec& spec) {
  const std::string_view name = spec.name;
  if (name.ends_with("-ms")) return false;
  if (name == "window-us") return true;  // 0.1 s per increment, 3 increments per child
  return spec.max <= 65'536 || name == "chunksize";
}

void CheckRunCompletes(const Lesson& lesson, const ParamValues& params) {
  RunOptions options;
  options.worker_path = test::BinPath("proclab-worker");
  Run run(lesson, params, options);
  const TrialResult result = run.Execute();
  INFO("outcome: " << test::OutcomeJson(result).dump().substr(0, 400));
  CHECK_FALSE(result.stopped);
  for (const ChildRecord& child : result.children) {
    INFO("child " << child.index << " pid " << child.pid << " signal " << child.signal);
    CHECK(child.state == ChildState::kExited);
    CHECK(child.exit_status == 0);
  }
  for (const ChildFacts& child : result.facts.all_children()) CHECK(child.error.empty());
  REQUIRE(result.outcome != nullptr);
  CHECK_FALSE(result.outcome->ToJson().empty());
  CHECK(test::SegmentsOwnedBy(getpid()).empty());
  CHECK(test::ChildrenOf(getpid()).empty());
}

}  // namespace

TEST_CASE("every lesson completes with each whole-number parameter at its extremes") {
  for (const Lesson* lesson : Curriculum()) {
    if (lesson->id == "costs") continue;  // a measurement: its extremes are minutes long
    for (const ParamSpec& spec : lesson->params) {
      if (spec.kind != ParamKind::kInt) continue;
      std::vector<int64_t> extremes{spec.min};
      if (MaxIsQuick(spec)) extremes.push_back(spec.max);
      for (int64_t value : extremes) {
        INFO(lesson->id << " --" << spec.name << " " << value);
        ParamValues params = QuickDefaults(*lesson);
        params.Set(spec.name, value);
        CheckRunCompletes(*lesson, params);
      }
    }
  }
}

TEST_CASE("the named extremes: 64 processes, 0 iterations, capacity 1, chunksize > items") {
  const auto run = [](std::string_view id, std::initializer_list<std::pair<const char*, int64_t>> set) {
    const Lesson* lesson = FindLesson(id);
    REQUIRE(lesson != nullptr);
    ParamValues params = QuickDefaults(*lesson);
    for (const auto& [name, value] : set) params.Set(name, value);
    INFO(id << " " << params.ToJson().dump());
    CheckRunCompletes(*lesson, params);
  };
  run("processes", {{"processes", 64}});
  run("shared-data", {{"processes", 64}, {"iterations", 0}});
  run("locks", {{"processes", 64}, {"array-processes", 64}, {"iterations", 0}});
  run("queue", {{"capacity", 1}, {"items", 200}});
  run("pool", {{"workers", 64}, {"items", 10}, {"chunksize", 1000}});
  run("pool", {{"workers", 1}, {"items", 0}});
}

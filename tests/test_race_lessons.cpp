// The race lessons (shared-data, locks, lock-guard) on real processes. Where the outcome depends
// on scheduling, only invariants are asserted (a lock makes totals exact; without one the total
// never exceeds what was added); stepping by hand is deterministic and asserted exactly.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>

#include "app/cli/step_schedule.hpp"
#include "core/run.hpp"
#include "lessons/curriculum.hpp"
#include "lessons/shared_counter.hpp"
#include "support.hpp"

using namespace proclab;
using nlohmann::json;

namespace {

TrialResult RunLesson(const std::string& id, const std::vector<std::pair<std::string, std::string>>& params,
                      std::vector<std::pair<int, char>> steps = {}) {
  const Lesson* lesson = FindLesson(id);
  REQUIRE(lesson != nullptr);
  ParamValues values(lesson->params);
  for (const auto& [name, text] : params) values.SetText(name, text);
  RunOptions options;
  options.worker_path = test::BinPath("proclab-worker");
  options.step_schedule = std::move(steps);
  Run run(*lesson, values, options);
  TrialResult result = run.Execute();
  CHECK(test::SegmentsOwnedBy(getpid()).empty());
  return result;
}

// Small and quick, but still real processes doing real read-modify-writes.
const std::vector<std::pair<std::string, std::string>> kQuick = {
    {"iterations", "200"}, {"sleep-ms", "0"}, {"window-us", "20"}};

}  // namespace

TEST_CASE("with a lock, the counter and the array are exact every time") {
  for (const char* id : {"locks", "lock-guard"}) {
    for (int trial = 0; trial < 3; ++trial) {
      const TrialResult result = RunLesson(id, kQuick);
      const json& o = result.outcome;
      CHECK(o.at("expected") == 400);
      CHECK(o.at("final") == o.at("expected"));
      CHECK(o.at("lost") == 0);
      CHECK(o.at("array_final") == json({400.0, 500.0, 600.0}));  // two array children, 200 rounds each
      CHECK(o.at("array_final") == o.at("array_expected"));
      CHECK(o.at("died_holding").is_null());
      for (const ChildRecord& child : result.children) CHECK(child.exit_status == 0);
    }
  }
}

TEST_CASE("the locks lesson reports each child's lock wait and hold times") {
  const TrialResult result = RunLesson("locks", kQuick);
  const json& o = result.outcome;
  REQUIRE(o.at("lock_wait_ms").size() == 4);
  REQUIRE(o.at("lock_hold_ms").size() == 4);
  for (size_t c = 0; c < 4; ++c) {
    CHECK(o.at("lock_wait_ms")[c].get<double>() >= 0.0);
    // Each child held the lock at least once per increment, for at least its window.
    CHECK(o.at("lock_hold_ms")[c].get<double>() > 0.0);
  }
}

TEST_CASE("without a lock, the counter never exceeds what was added and lost = expected - final") {
  for (int trial = 0; trial < 3; ++trial) {
    const TrialResult result = RunLesson("shared-data", kQuick);
    const json& o = result.outcome;
    CHECK(o.at("expected") == 400);
    CHECK(o.at("final").get<int64_t>() <= 400);
    CHECK(o.at("final").get<int64_t>() >= 1);  // a stale write can undo almost everything else
    CHECK(o.at("lost").get<int64_t>() == 400 - o.at("final").get<int64_t>());
    for (size_t k = 0; k < 3; ++k)
      CHECK(o.at("array_final")[k].get<double>() <= o.at("array_expected")[k].get<double>());
    CHECK(o.at("increments") == json({200, 200, 200, 200}));
    CHECK_FALSE(o.contains("lock_wait_ms"));
  }
}

TEST_CASE("stepping 1r,2r,1w,2w loses exactly one update, every time") {
  for (int trial = 0; trial < 3; ++trial) {
    const TrialResult result = RunLesson(
        "shared-data", {{"iterations", "5"}, {"sleep-ms", "0"}, {"array-processes", "0"}},
        {{0, 'r'}, {1, 'r'}, {0, 'w'}, {1, 'w'}});
    const json& o = result.outcome;
    CHECK(o.at("expected") == 10);
    CHECK(o.at("final") == 9);
    CHECK(o.at("lost") == 1);
    const json& steps = o.at("steps");
    REQUIRE(steps.size() == 4);
    CHECK(steps[0].at("result") == "read");
    CHECK(steps[0].at("value") == 0);
    CHECK(steps[1].at("value") == 0);
    CHECK(steps[2].at("result") == "wrote");
    CHECK(steps[2].at("value") == 1);
    CHECK_FALSE(steps[2].contains("lost_update"));
    CHECK(steps[3].at("value") == 1);
    CHECK(steps[3].at("lost_update") == true);
    CHECK(steps[3].at("overwrote") == 1);
  }
}

TEST_CASE("with the lock, the same schedule loses nothing: the second read waits for the lock") {
  const TrialResult result = RunLesson(
      "locks", {{"iterations", "3"}, {"sleep-ms", "0"}, {"array-processes", "0"}},
      {{0, 'r'}, {1, 'r'}, {0, 'w'}, {1, 'w'}});
  const json& o = result.outcome;
  CHECK(o.at("final") == 6);
  CHECK(o.at("lost") == 0);
  const json& steps = o.at("steps");
  REQUIRE(steps.size() == 5);
  CHECK(steps[1].at("result") == "waiting for the lock");
  CHECK(steps[1].at("holder") == 1);
  CHECK(steps[3].at("got_lock") == true);
  CHECK(steps[3].at("value") == 1);
  CHECK(steps[4].at("value") == 2);
}

TEST_CASE("killing the lock holder: the others finish and died_holding names it") {
  const TrialResult result =
      RunLesson("locks", {{"iterations", "20"}, {"sleep-ms", "0"}, {"window-us", "10"},
                          {"kill-holder", "on"}});
  const json& o = result.outcome;
  REQUIRE(result.children.size() == 4);
  const ChildRecord& victim = result.children[0];
  CHECK(victim.state == ChildState::kKilled);
  CHECK(victim.signal == SIGKILL);
  CHECK(o.at("died_holding") == victim.pid);
  for (size_t c = 1; c < 4; ++c) CHECK(result.children[c].exit_status == 0);
  // Child 1 completed half its increments; the one it was inside never got written.
  CHECK(o.at("increments")[0] == 10);
  CHECK(o.at("expected") == 30);
  CHECK(o.at("final") == 30);
  CHECK(o.at("array_final") == json({40.0, 140.0, 240.0}));
  REQUIRE_FALSE(result.notes.empty());
  CHECK_THAT(result.notes.back().en, Catch::Contains("died holding the lock"));
  CHECK_THAT(result.notes.back().zh, Catch::Contains("持有锁时死亡"));
}

TEST_CASE("an exception inside a guarded critical section releases the lock and the others finish") {
  const TrialResult result =
      RunLesson("lock-guard", {{"iterations", "10"}, {"sleep-ms", "0"}, {"window-us", "10"},
                               {"style", "guard"}, {"fail-inside", "on"}});
  const json& o = result.outcome;
  CHECK_FALSE(o.contains("stuck"));
  for (const ChildRecord& child : result.children) CHECK(child.exit_status == 0);
  CHECK_THAT(result.child_errors[0], Catch::Contains("failed inside the critical section"));
  CHECK(o.at("expected") == 19);  // child 1 skipped the increment that threw
  CHECK(o.at("final") == 19);
}

TEST_CASE("a manual unlock skipped by an exception is reported as a stuck lock, not a hang") {
  const TrialResult result =
      RunLesson("lock-guard", {{"iterations", "10"}, {"sleep-ms", "0"}, {"window-us", "10"},
                               {"style", "manual"}, {"fail-inside", "on"}});
  const json& o = result.outcome;
  CHECK(o.at("stuck") == true);
  CHECK(o.at("stuck_holder") == result.children[0].pid);
  REQUIRE_FALSE(result.notes.empty());
  CHECK_THAT(result.notes[0].en, Catch::Contains("still holds the lock"));
  CHECK_THAT(result.notes[0].zh, Catch::Contains("仍持有锁"));
  for (const ChildRecord& child : result.children) CHECK(child.done());
  CHECK(o.at("final").get<int64_t>() < 20);
}

TEST_CASE("lost writes are found by replaying the counter's writes in time order") {
  Trace trace;
  trace.Reset(0);
  trace.Append({
      Event{10, 0, EventKind::kRead, 0, 0, kCounterSlot},
      Event{20, 1, EventKind::kRead, 0, 0, kCounterSlot},
  });
  trace.Append({
      Event{30, 0, EventKind::kWrite, 0, 1, kCounterSlot},
      Event{40, 1, EventKind::kWrite, 0, 1, kCounterSlot},  // overwrites child 0's 1
      Event{50, 0, EventKind::kWrite, 0, 2, kCounterSlot},
  });
  const std::vector<LostWrite> lost = FindLostWrites(trace);
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].child == 1);
  CHECK(lost[0].t_ns == 40);
  CHECK(lost[0].wrote == 1);
  CHECK(lost[0].overwrote == 1);
}

TEST_CASE("a step schedule must name real children and alternate read and write") {
  std::string error;
  auto steps = ParseStepSchedule("1r,2r,1w,2w", 2, &error);
  REQUIRE(steps);
  CHECK(*steps == std::vector<std::pair<int, char>>{{0, 'r'}, {1, 'r'}, {0, 'w'}, {1, 'w'}});
  CHECK_FALSE(ParseStepSchedule("1w", 2, &error));
  CHECK_THAT(error, Catch::Contains("next step is a read"));
  CHECK_FALSE(ParseStepSchedule("3r", 2, &error));
  CHECK_THAT(error, Catch::Contains("from 1 to 2"));
  CHECK_FALSE(ParseStepSchedule("1r,,2r", 2, &error));
  CHECK_FALSE(ParseStepSchedule("", 2, &error));
  CHECK_FALSE(ParseStepSchedule("0r", 2, &error));
}

TEST_CASE("proclab-cli prints the race in the tutorial's words and a step transcript") {
  const auto result = test::RunProgram(
      "proclab-cli", {"run", "shared-data", "--step", "1r,2r,1w,2w", "--iterations", "2",
                      "--sleep-ms", "0", "--array-processes", "0"});
  REQUIRE(result.exit_status == 0);
  CHECK_THAT(result.out, Catch::Contains("Value at beginning: 0"));
  CHECK_THAT(result.out, Catch::Contains("Array at beginning: [0.0, 100.0, 200.0]"));
  CHECK_THAT(result.out, Catch::Contains("step 4: child 2 writes counter = 1   <- lost update"));
  CHECK_THAT(result.out, Catch::Contains("Value at end: 3"));
  CHECK_THAT(result.out, Catch::Contains("1 of 4 updates were lost"));
}

TEST_CASE("repeated trials of a race lesson add a summary of the final values") {
  const auto result = test::RunProgram(
      "proclab-cli", {"run", "locks", "--trials", "3", "--json", "--iterations", "20",
                      "--sleep-ms", "0", "--window-us", "0"});
  REQUIRE(result.exit_status == 0);
  const json out = json::parse(result.out);
  CHECK(out.at("trials").size() == 3);
  const json& summary = out.at("summary");
  CHECK(summary.at("trials") == 3);
  CHECK(summary.at("final_min") == 40);
  CHECK(summary.at("final_median") == 40.0);
  CHECK(summary.at("final_max") == 40);
  CHECK(summary.at("lost_fraction") == 0.0);
}

TEST_CASE("every race-lesson parameter out of range or of the wrong kind is one clear error") {
  const std::vector<std::vector<std::string>> bad = {
      {"run", "shared-data", "--processes", "0"},
      {"run", "shared-data", "--processes", "65"},
      {"run", "shared-data", "--array-processes", "-1"},
      {"run", "shared-data", "--iterations", "10000001"},
      {"run", "shared-data", "--sleep-ms", "1001"},
      {"run", "shared-data", "--window-us", "100001"},
      {"run", "shared-data", "--window-us", "fast"},
      {"run", "locks", "--kill-holder", "maybe"},
      {"run", "lock-guard", "--style", "auto"},
      {"run", "lock-guard", "--fail-inside", "1"},
      {"run", "shared-data", "--kill-holder", "on"},
      {"run", "shared-data", "--step", "1r,2r,3w"},
      {"run", "shared-data", "--trials", "10001"},
  };
  for (const auto& args : bad) {
    INFO(args[1] + " " + args[2] + " " + args[3]);
    const auto result = test::RunProgram("proclab-cli", args);
    CHECK(result.exit_status == 2);
    CHECK(result.out.empty());
    CHECK(test::Lines(result.err).size() == 1);
    CHECK_THAT(result.err, Catch::StartsWith("proclab-cli: "));
  }
}

// The race lessons (shared-data, locks, lock-guard) on real processes. Where the outcome depends
// on scheduling, only invariants are asserted (a lock makes totals exact; without one the total
// never exceeds what was added); stepping by hand is deterministic and asserted exactly.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <csignal>

#include "core/run.hpp"
#include "core/step_schedule.hpp"
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

TEST_CASE("past the trace's cap, every child is still seen starting and finishing; only its other events are dropped") {
  const Lesson& lesson = *FindLesson("shared-data");
  ParamValues values(lesson.params);
  for (const auto& [name, text] : kQuick) values.SetText(name, text);
  values.SetText("processes", "3");
  values.SetText("array-processes", "3");
  RunOptions options;
  options.worker_path = test::BinPath("proclab-worker");
  options.max_trace_events = 1;  // full after the first events: nearly everything else dropped
  Run run(lesson, values, options);
  const TrialResult result = run.Execute();
  CHECK(test::SegmentsOwnedBy(getpid()).empty());
  REQUIRE(result.facts.children() == 6);
  CHECK(result.facts.drops() > 0);
  for (const ChildFacts& child : result.facts.all_children()) {
    INFO(ChildName(child.record, Language::kEnglish));
    CHECK(child.started_ns != 0);
    CHECK(child.record.state == ChildState::kExited);
    const auto lane = result.trace.lane(static_cast<int>(child.record.index));
    CHECK(std::count_if(lane.begin(), lane.end(), [](const Event& e) { return e.kind == EventKind::kStarted; }) == 1);
    CHECK(std::count_if(lane.begin(), lane.end(), [](const Event& e) { return e.kind == EventKind::kFinished; }) == 1);
    CHECK(std::none_of(lane.begin(), lane.end(), [](const Event& e) { return e.kind == EventKind::kRead; }));
  }
  // The totals stay exact: each child counted its own updates.
  const json outcome = test::OutcomeJson(result);
  CHECK(outcome.at("expected") == 600);
  CHECK(outcome.at("final").get<int64_t>() == 600 - outcome.at("lost").get<int64_t>());
}

TEST_CASE("with a lock, the counter and the array are exact every time") {
  for (const char* id : {"locks", "lock-guard"}) {
    for (int trial = 0; trial < 3; ++trial) {
      const TrialResult result = RunLesson(id, kQuick);
      const json o = test::OutcomeJson(result);
      CHECK(o.at("expected") == 400);
      CHECK(o.at("final") == o.at("expected"));
      CHECK(o.at("lost") == 0);
      CHECK(o.at("array_final") == json({400.0, 500.0, 600.0}));  // two array children, 200 rounds each
      CHECK(o.at("array_final") == o.at("array_expected"));
      CHECK(o.at("died_holding").is_null());
      CHECK(o.at("lost_total") == 0);
      for (const ChildRecord& child : result.children) CHECK(child.exit_status == 0);
    }
  }
}

TEST_CASE("the locks lesson's facts hold each child's acquisitions, wait and hold times") {
  const TrialResult result = RunLesson("locks", kQuick);
  const LockFacts* lock = result.facts.lock(kNumbersLock);
  REQUIRE(lock != nullptr);
  CHECK(lock->name == "lock");
  CHECK(lock->acquisitions == 2 * 200 + 2 * 200 * 3);  // counter children once, array thrice
  for (int c = 0; c < 4; ++c) {
    INFO("child " << c + 1);
    const LockFacts::PerLane* mine = lock->lanes.Find(c);
    REQUIRE(mine != nullptr);
    CHECK(mine->acquisitions == (c < 2 ? 200 : 600));
    CHECK(mine->wait_ns >= 0);
    CHECK(mine->hold_ns > 0);  // it held the lock for at least its window, every time
    CHECK(mine->open_hold == -1);
    CHECK(mine->open_wait == -1);
  }
  // Holds never overlap: it is a lock.
  std::vector<LockSpan> holds;
  for (const LockSpan& span : lock->spans)
    if (span.kind == LockSpanKind::kHold) holds.push_back(span);
  std::sort(holds.begin(), holds.end(), [](auto& a, auto& b) { return a.begin_ns < b.begin_ns; });
  for (size_t i = 1; i < holds.size(); ++i) CHECK(holds[i].begin_ns >= holds[i - 1].end_ns);
  CHECK(lock->owner_deaths.empty());
}

TEST_CASE("without a lock, lost updates counted from the writes explain the final values exactly") {
  for (int trial = 0; trial < 3; ++trial) {
    const TrialResult result = RunLesson("shared-data", kQuick);
    const json o = test::OutcomeJson(result);
    // The counter: the final value read from shared memory, the lost updates found at the
    // writes that erased them.
    CHECK(o.at("expected") == 400);
    CHECK(o.at("final").get<int64_t>() <= 400);
    CHECK(o.at("final").get<int64_t>() >= 1);  // a stale write can undo almost everything else
    CHECK(o.at("final").get<int64_t>() == o.at("expected").get<int64_t>() - o.at("lost").get<int64_t>());
    // The array too, element by element, and all of it in lost_total.
    int64_t lost_total = o.at("lost").get<int64_t>();
    for (size_t k = 0; k < 3; ++k) {
      INFO("array[" << k << "]");
      CHECK(o.at("array_expected")[k].get<double>() == 100.0 * static_cast<double>(k) + 400.0);
      CHECK(o.at("array_final")[k].get<double>() ==
            o.at("array_expected")[k].get<double>() - o.at("array_lost")[k].get<double>());
      lost_total += o.at("array_lost")[k].get<int64_t>();
    }
    CHECK(o.at("lost_total") == lost_total);
    CHECK(o.at("exact") == true);
    CHECK(result.facts.drops() == 0);
    // With no events dropped, the writes the events show erase exactly what the children's
    // own tallies say.
    const SlotFacts* counter = result.facts.slot(kCounterSlot);
    REQUIRE(counter != nullptr);
    int64_t erased = 0;
    for (const LostUpdate& update : counter->lost_updates) erased += update.erased;
    CHECK(erased == counter->lost);
    CHECK(o.at("lost_updates").size() == counter->lost_updates.size());
    CHECK(o.at("writes_by_child") == json({200, 200, 200, 200}));
    const LockFacts* lock = result.facts.lock(kNumbersLock);
    CHECK((lock == nullptr || lock->acquisitions == 0));
  }
}

TEST_CASE("stepping 1r,2r,1w,2w loses exactly one update, every time") {
  for (int trial = 0; trial < 3; ++trial) {
    const TrialResult result = RunLesson(
        "shared-data", {{"iterations", "5"}, {"sleep-ms", "0"}, {"array-processes", "0"}},
        {{0, 'r'}, {1, 'r'}, {0, 'w'}, {1, 'w'}});
    const json o = test::OutcomeJson(result);
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
  const json o = test::OutcomeJson(result);
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
  const json o = test::OutcomeJson(result);
  REQUIRE(result.children.size() == 4);
  const ChildRecord& victim = result.children[0];
  CHECK(victim.state == ChildState::kKilled);
  CHECK(victim.signal == SIGKILL);
  CHECK(o.at("died_holding") == 1);
  CHECK(result.facts.child(0).killed_by_proclab);
  CHECK(result.facts.child(0).kill_reason == KillReason::kLesson);
  for (size_t c = 1; c < 4; ++c) CHECK(result.children[c].exit_status == 0);
  // Child 1 completed half its increments; the one it was inside never got written.
  CHECK(o.at("writes_by_child")[0] == 10);
  CHECK(o.at("expected") == 30);
  CHECK(o.at("final") == 30);
  CHECK(o.at("lost") == 0);
  CHECK(o.at("array_final") == json({40.0, 140.0, 240.0}));
  const LockFacts* lock = result.facts.lock(kNumbersLock);
  REQUIRE(lock != nullptr);
  REQUIRE(lock->owner_deaths.size() == 1);
  CHECK(lock->owner_deaths[0].dead_lane == 0);
  REQUIRE_FALSE(result.notes.empty());
  CHECK_THAT(result.notes.back().en, Catch::Contains("died holding 'lock'"));
  CHECK_THAT(result.notes.back().zh, Catch::Contains("在持有“lock”时死亡"));
}

TEST_CASE("an exception inside a guarded critical section releases the lock and the others finish") {
  const TrialResult result =
      RunLesson("lock-guard", {{"iterations", "10"}, {"sleep-ms", "0"}, {"window-us", "10"},
                               {"style", "guard"}, {"fail-inside", "on"}});
  const json o = test::OutcomeJson(result);
  CHECK(o.at("stuck") == false);
  for (const ChildRecord& child : result.children) CHECK(child.exit_status == 0);
  CHECK_THAT(result.facts.child(0).error, Catch::Contains("failed inside the critical section"));
  // It reported the error and went on: its life did not end there.
  CHECK(result.facts.child(0).failed_ns != 0);
  CHECK(result.facts.child(0).finished_ns > result.facts.child(0).failed_ns);
  CHECK(o.at("expected") == 19);  // child 1 skipped the increment that threw
  CHECK(o.at("final") == 19);
}

TEST_CASE("a manual unlock skipped by an exception is reported as a stuck lock, not a hang") {
  const TrialResult result =
      RunLesson("lock-guard", {{"iterations", "10"}, {"sleep-ms", "0"}, {"window-us", "10"},
                               {"style", "manual"}, {"fail-inside", "on"}});
  const json o = test::OutcomeJson(result);
  CHECK(o.at("stuck") == true);
  CHECK(o.at("stuck_holder") == 1);
  // One story: child 1 was alive, holding the lock, and ProcLab stopped it because the run
  // stalled. It did not "die holding the lock".
  CHECK(o.at("died_holding").is_null());
  const LockFacts* lock = result.facts.lock(kNumbersLock);
  REQUIRE(lock != nullptr);
  CHECK(lock->owner_deaths.empty());
  REQUIRE(result.facts.stalls().size() == 1);
  CHECK(result.facts.stalls()[0].cause == StallCause::kNoProgress);
  CHECK(result.facts.child(0).kill_reason == KillReason::kStall);
  CHECK(HowItEnded(result.facts.child(0), Language::kEnglish) ==
        "stopped by ProcLab after the run stalled (SIGKILL)");
  REQUIRE(result.notes.size() == 1);
  CHECK_THAT(result.notes[0].en, Catch::Contains("has held 'lock' since"));
  CHECK_THAT(result.notes[0].en, Catch::Contains("and is still running"));
  CHECK_THAT(result.notes[0].en, Catch::Contains("for it (since"));  // the others that had not finished
  CHECK_THAT(result.notes[0].zh, Catch::Contains("一直持有“lock”，并且仍在运行"));
  for (const ChildRecord& child : result.children) CHECK(child.done());
  CHECK(o.at("final").get<int64_t>() < 20);
}

TEST_CASE("a step schedule must name real children and alternate read and write") {
  Sentence error;
  auto steps = ParseStepSchedule("1r,2r,1w,2w", 2, &error);
  REQUIRE(steps);
  CHECK(*steps == std::vector<std::pair<int, char>>{{0, 'r'}, {1, 'r'}, {0, 'w'}, {1, 'w'}});
  CHECK(error.en.empty());
}

TEST_CASE("every bad step schedule is refused with one sentence in English and in Chinese") {
  struct Bad {
    const char* text;
    const char* en;
    const char* zh;
  };
  const std::string not_a_step_en = " is not a step: write <child><r|w> with a child from 1 to 2, e.g. 1r,2r,1w,2w";
  const std::string not_a_step_zh = "” 不是一个步骤：写成 <子进程编号><r|w>，子进程编号从 1 到 2，例如 1r,2r,1w,2w";
  const Bad bad[] = {
      {"1w", "step 1 asks child 1 to write, but its next step is a read (each child reads, then writes)",
       "第 1 步要子进程 1 写，但它的下一步是读（每个子进程先读，再写）"},
      {"1r,2r,2r", "step 3 asks child 2 to read, but its next step is a write (each child reads, then writes)",
       "第 3 步要子进程 2 读，但它的下一步是写（每个子进程先读，再写）"},
      {"", "at least one step is needed, e.g. 1r,2r,1w,2w", "至少需要一个步骤，例如 1r,2r,1w,2w"},
  };
  for (const Bad& b : bad) {
    INFO("'" << b.text << "'");
    Sentence error;
    CHECK_FALSE(ParseStepSchedule(b.text, 2, &error));
    CHECK(error.en == b.en);
    CHECK(error.zh == b.zh);
  }
  // Not a step at all: a child out of range, no number, a letter other than r or w, a number too
  // large for an int, an empty item, a sign.
  for (const std::string item : {"3r", "0r", "r", "1x", "99999999999r", "", "-1r", "1rw"}) {
    INFO("'" << item << "'");
    Sentence error;
    CHECK_FALSE(ParseStepSchedule("1r," + item + ",1w", 2, &error));
    CHECK(error.en == "'" + item + "'" + not_a_step_en);
    CHECK(error.zh == "“" + item + not_a_step_zh);
  }
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
  CHECK_THAT(result.out, Catch::Contains("1 of 4 updates of the counter were lost"));
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

// Lesson `deadlock`: children take two real robust locks in opposite order and really deadlock;
// the run finds the cycle from its lock facts, names it, and ends the children. In the same order
// nobody waits forever.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/run.hpp"
#include "lessons/curriculum.hpp"
#include "support.hpp"

using namespace proclab;
using nlohmann::json;

namespace {

TrialResult RunDeadlock(int processes, const std::string& order, int hold_ms = 50) {
  const Lesson* lesson = FindLesson("deadlock");
  REQUIRE(lesson != nullptr);
  ParamValues params(lesson->params);
  params.Set("processes", processes);
  params.SetText("order", order);
  params.Set("hold-ms", hold_ms);
  Run run(*lesson, params, RunOptions{.worker_path = test::BinPath("proclab-worker")});
  TrialResult result = run.Execute();
  CHECK(test::SegmentsOwnedBy(getpid()).empty());
  CHECK(test::ChildrenOf(getpid()).empty());
  return result;
}

}  // namespace

TEST_CASE("deadlock: opposite order forms a cycle of two, found, named, and the children ended") {
  const int64_t start = MonotonicNs();
  const TrialResult result = RunDeadlock(2, "opposite");
  CHECK(MonotonicNs() - start < 10'000'000'000);
  const json o = test::OutcomeJson(result);
  REQUIRE_FALSE(o.at("deadlock").is_null());
  const json& cycle = o.at("deadlock").at("cycle");
  REQUIRE(cycle.size() == 2);
  CHECK(cycle[0] == json({{"child", 1}, {"holds", 0}, {"waits_for", 1}}));
  CHECK(cycle[1] == json({{"child", 2}, {"holds", 1}, {"waits_for", 0}}));
  CHECK(o.at("deadlock").at("detected_ms").get<double>() >= o.at("deadlock").at("formed_ms").get<double>());
  // The facts agree: a deadlock stall, and every child ended by ProcLab because of it.
  REQUIRE(result.facts.stalls().size() == 1);
  CHECK(result.facts.stalls()[0].cause == StallCause::kDeadlock);
  for (const ChildFacts& child : result.facts.all_children()) {
    CHECK(child.record.state == ChildState::kKilled);
    CHECK(child.kill_reason == KillReason::kStall);
  }
  // Nobody got its second lock, and no death is reported as one in a critical section.
  for (const auto& [id, lock] : result.facts.locks()) {
    CHECK(lock.acquisitions == 1);
    CHECK(lock.owner_deaths.empty());
  }
  REQUIRE(result.notes.size() == 1);
  CHECK_THAT(result.notes[0].en, Catch::StartsWith("Deadlock: child 1 (pid "));
  CHECK_THAT(result.notes[0].en, Catch::Contains("holds 'lock A' and waits for 'lock B'"));
  CHECK_THAT(result.notes[0].zh, Catch::StartsWith("死锁：子进程 1"));
}

TEST_CASE("deadlock: with eight children the cycle runs through every one of them") {
  const TrialResult result = RunDeadlock(8, "opposite");
  const json o = test::OutcomeJson(result);
  REQUIRE_FALSE(o.at("deadlock").is_null());
  const json& cycle = o.at("deadlock").at("cycle");
  REQUIRE(cycle.size() == 8);
  for (int i = 0; i < 8; ++i) {
    CHECK(cycle[static_cast<size_t>(i)].at("child") == i + 1);
    CHECK(cycle[static_cast<size_t>(i)].at("holds") == i);
    CHECK(cycle[static_cast<size_t>(i)].at("waits_for") == (i + 1) % 8);
  }
}

TEST_CASE("deadlock: the same order for every child lets all of them finish") {
  for (int processes : {2, 5}) {
    INFO(processes << " children");
    const TrialResult result = RunDeadlock(processes, "same");
    const json o = test::OutcomeJson(result);
    CHECK(o.at("deadlock").is_null());
    CHECK(result.facts.stalls().empty());
    for (const ChildRecord& child : result.children) {
      CHECK(child.state == ChildState::kExited);
      CHECK(child.exit_status == 0);
    }
    int64_t acquisitions = 0;
    for (const auto& [id, lock] : result.facts.locks()) acquisitions += lock.acquisitions;
    CHECK(acquisitions == 2 * processes);  // every child got both its locks
  }
}

TEST_CASE("proclab-cli run deadlock --json ends with the cycle named; --order same exits 0") {
  const auto deadlocked = test::RunProgram("proclab-cli", {"run", "deadlock", "--json"}, 10);
  REQUIRE(deadlocked.exit_status == 0);
  const json out = json::parse(deadlocked.out);
  const json& trial = out.at("trials")[0];
  REQUIRE(trial.at("deadlock").at("cycle").size() == 2);
  CHECK(trial.at("stalls")[0].at("cause") == "deadlock");
  const auto fine = test::RunProgram("proclab-cli", {"run", "deadlock", "--order", "same", "--json"}, 10);
  REQUIRE(fine.exit_status == 0);
  const json ok = json::parse(fine.out).at("trials")[0];
  CHECK(ok.at("deadlock").is_null());
  for (const json& process : ok.at("processes")) CHECK(process.at("exit_status") == 0);
  const auto text = test::RunProgram("proclab-cli", {"run", "deadlock"}, 10);
  CHECK_THAT(text.out, Catch::Contains("waits for 'lock B' at"));
  CHECK_THAT(text.out, Catch::Contains("and never gets it"));
  CHECK_THAT(text.out, Catch::Contains("Note: Deadlock: child 1"));
}

TEST_CASE("deadlock parameters out of range are one clear error") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "deadlock", "--processes", "1"},
        std::vector<std::string>{"run", "deadlock", "--processes", "9"},
        std::vector<std::string>{"run", "deadlock", "--order", "reverse"},
        std::vector<std::string>{"run", "deadlock", "--hold-ms", "-1"}}) {
    const auto result = test::RunProgram("proclab-cli", args);
    CHECK(result.exit_status == 2);
    CHECK(test::Lines(result.err).size() == 1);
  }
}

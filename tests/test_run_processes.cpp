// A whole Run of lesson `processes` in the test process: real children, their states and times,
// exit codes and signals with --fail, a stop from another thread, and nothing left behind.
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "core/clock.hpp"
#include "core/run.hpp"
#include "lessons/curriculum.hpp"
#include "support.hpp"

using namespace proclab;
using namespace std::chrono_literals;

namespace {

const Lesson& Processes() {
  const Lesson* lesson = FindLesson("processes");
  if (lesson == nullptr) throw std::runtime_error("no lesson processes");
  return *lesson;
}

RunOptions Options() { return RunOptions{.worker_path = test::BinPath("proclab-worker")}; }

TrialResult RunProcesses(int processes, const std::string& fail = "none", int64_t work = 1000) {
  ParamValues params(Processes().params);
  params.Set("processes", processes);
  params.Set("work", work);
  params.SetText("fail", fail);
  Run run(Processes(), params, Options());
  return run.Execute();
}

size_t Count(const std::vector<Event>& lane, EventKind kind) {
  return static_cast<size_t>(
      std::count_if(lane.begin(), lane.end(), [kind](const Event& e) { return e.kind == kind; }));
}

void CheckNothingLeft() {
  CHECK(test::SegmentsOwnedBy(getpid()).empty());
  CHECK(test::ChildrenOf(getpid()).empty());
}

}  // namespace

TEST_CASE("a processes run starts N real children with distinct pids that all exit 0") {
  constexpr int kChildren = 3;
  const int64_t before = MonotonicNs();
  const TrialResult result = RunProcesses(kChildren);

  CHECK(result.lesson_id == "processes");
  CHECK(result.params.Get("processes") == kChildren);
  CHECK(result.params.Text("fail") == "none");
  CHECK_FALSE(result.stopped);
  REQUIRE(result.children.size() == kChildren);
  std::set<pid_t> pids;
  for (const ChildRecord& child : result.children) {
    INFO("child " << child.index << " pid " << child.pid);
    CHECK(child.pid > 0);
    CHECK(child.pid != getpid());
    pids.insert(child.pid);
    CHECK(child.state == ChildState::kExited);
    CHECK(child.exit_status == 0);
    CHECK(child.signal == 0);
    CHECK_FALSE(test::ProcessExists(child.pid));
  }
  CHECK(pids.size() == kChildren);
  for (int i = 0; i < kChildren; ++i) CHECK(result.children[i].index == i);
  CHECK(result.trace.t0_ns() >= before);
  CHECK(result.end_ns >= result.release_ns);
  REQUIRE(result.facts.children() == kChildren);
  for (const ChildFacts& child : result.facts.all_children()) CHECK(child.error.empty());
  CheckNothingLeft();
}

TEST_CASE("every child of a processes run was seen running after the start line") {
  constexpr int kChildren = 3;
  const TrialResult result = RunProcesses(kChildren, "none", 5000);
  REQUIRE(result.children.size() == kChildren);
  CHECK(result.trace.drops() == 0);
  for (const ChildRecord& child : result.children) {
    INFO("child " << child.index << " pid " << child.pid);
    // start_ns is set from the child's Started event: it passed the barrier and ran.
    CHECK(child.start_ns != 0);
    CHECK(child.spawn_ns <= child.start_ns);
    CHECK(result.release_ns <= child.start_ns);
    CHECK(child.start_ns <= child.end_ns);

    const std::vector<Event>& lane = result.trace.lane(child.index);
    REQUIRE_FALSE(lane.empty());
    CHECK(lane.front().kind == EventKind::kStarted);
    CHECK(lane.front().a == child.pid);
    CHECK(lane.front().t_ns == child.start_ns);
    CHECK(lane.back().kind == EventKind::kFinished);
    CHECK(lane.back().a == 0);
    CHECK(Count(lane, EventKind::kStarted) == 1);
    CHECK(Count(lane, EventKind::kFinished) == 1);
    // The squaring loop: a task over 0 .. work-1, and the last square as its result.
    const auto task = std::find_if(lane.begin(), lane.end(),
                                   [](const Event& e) { return e.kind == EventKind::kTaskStart; });
    REQUIRE(task != lane.end());
    CHECK(task->a == 0);
    CHECK(task->b == 4999);
    CHECK(Count(lane, EventKind::kTaskEnd) == 1);
    const auto answer = std::find_if(lane.begin(), lane.end(),
                                     [](const Event& e) { return e.kind == EventKind::kResult; });
    REQUIRE(answer != lane.end());
    CHECK(answer->a == 4999 * 4999);
    CHECK(result.facts.child(child.index).result == 4999 * 4999);
    for (const Event& event : lane) CHECK(event.worker == child.index);
  }
  const nlohmann::json outcome = test::OutcomeJson(result);
  CHECK(outcome.at("joined") == kChildren);
  CHECK(outcome.at("wait_ms").get<double>() >= 0.0);
  // The parent joined each child in turn, like `for p in procs: p.join()`, and said so.
  const std::vector<JoinFact>& joins = result.facts.joins();
  REQUIRE(joins.size() == kChildren);
  for (int i = 0; i < kChildren; ++i) {
    CHECK(joins[static_cast<size_t>(i)].lane == i);
    CHECK(joins[static_cast<size_t>(i)].end_ns >= joins[static_cast<size_t>(i)].begin_ns);
    // A join returns once its child has ended, not before.
    CHECK(joins[static_cast<size_t>(i)].end_ns >= result.children[static_cast<size_t>(i)].end_ns);
  }
  CHECK(outcome.at("joins").size() == kChildren);
  CheckNothingLeft();
}

TEST_CASE("fail=exit makes the last child exit with status 3, the others 0") {
  const TrialResult result = RunProcesses(3, "exit");
  REQUIRE(result.children.size() == 3);
  CHECK(result.children[0].exit_status == 0);
  CHECK(result.children[1].exit_status == 0);
  CHECK(result.children[2].state == ChildState::kExited);
  CHECK(result.children[2].exit_status == 3);
  CHECK(result.children[2].signal == 0);
  REQUIRE_FALSE(result.trace.lane(2).empty());
  CHECK(result.trace.lane(2).back().kind == EventKind::kFinished);
  CHECK(result.trace.lane(2).back().a == 3);
  CHECK(test::OutcomeJson(result).at("joined") == 3);
  CheckNothingLeft();
}

TEST_CASE("fail=crash makes the last child die by SIGSEGV", "[crash]") {
  const TrialResult result = RunProcesses(2, "crash");
  REQUIRE(result.children.size() == 2);
  CHECK(result.children[0].state == ChildState::kExited);
  CHECK(result.children[0].exit_status == 0);
  CHECK(result.children[1].state == ChildState::kKilled);
  CHECK(result.children[1].signal == SIGSEGV);
  CHECK(result.children[1].exit_status == -1);
  CHECK(result.trace.lane(1).empty() == false);
  CHECK(Count(result.trace.lane(1), EventKind::kFinished) == 0);  // it never returned
  CHECK(test::OutcomeJson(result).at("joined") == 2);
  CheckNothingLeft();
}

TEST_CASE("a single child run works and its child is the only one") {
  const TrialResult result = RunProcesses(1);
  REQUIRE(result.children.size() == 1);
  CHECK(result.children[0].exit_status == 0);
  CHECK(test::OutcomeJson(result).at("joined") == 1);
  CheckNothingLeft();
}

TEST_CASE("RequestStop from another thread ends a long run within a second, leaving nothing") {
  ParamValues params(Processes().params);
  params.Set("processes", 2);
  params.Set("work", 1'000'000'000);  // the lesson's maximum: far longer than the stop takes
  Run run(Processes(), params, Options());

  std::atomic<int64_t> stop_ns{0};
  std::atomic<bool> saw_children{false};
  std::thread stopper([&] {
    // Stop once both children were spawned (bounded: a broken run cannot hang the test).
    saw_children = test::WaitFor(
        [&] {
          bool two = false;
          run.ReadLive([&](const Trace&, const std::vector<ChildRecord>& children) {
            two = children.size() == 2;
          });
          return two;
        },
        10s);
    stop_ns = MonotonicNs();
    run.RequestStop();
  });
  const TrialResult result = run.Execute();
  const int64_t end_ns = MonotonicNs();
  stopper.join();

  CHECK(saw_children);
  CHECK(result.stopped);
  CHECK(end_ns - stop_ns.load() < 1'000'000'000);
  CHECK_FALSE(run.running());
  REQUIRE(result.children.size() == 2);
  for (const ChildRecord& child : result.children) {
    INFO("child " << child.index << " pid " << child.pid);
    CHECK(child.done());
    CHECK(child.state == ChildState::kKilled);
    CHECK(child.signal == SIGKILL);
    CHECK_FALSE(test::ProcessExists(child.pid));
    // ProcLab's own stop, and the reports say so.
    CHECK(result.facts.child(child.index).killed_by_proclab);
    CHECK(result.facts.child(child.index).kill_reason == KillReason::kStop);
    CHECK(HowItEnded(result.facts.child(child.index), Language::kEnglish) == "stopped by ProcLab (SIGKILL)");
  }
  CHECK(test::OutcomeJson(result).value("joined", 0) == 0);  // no join completed
  CheckNothingLeft();
}

TEST_CASE("the children run at the priority the run asks for: a nice value, and SCHED_IDLE") {
  const bool idle = GENERATE(false, true);
  INFO("child_idle " << idle);
  ParamValues params(Processes().params);
  params.Set("processes", 2);
  params.Set("work", 1'000'000'000);
  RunOptions options = Options();
  options.child_nice = 19;
  options.child_idle = idle;
  Run run(Processes(), params, options);
  std::vector<int> policies, nices;
  std::thread stopper([&] {
    // Once both children have passed the start line, their priority is what they run at.
    std::vector<pid_t> pids;
    test::WaitFor(
        [&] {
          pids.clear();
          run.ReadLive([&](const Trace& trace, const std::vector<ChildRecord>& children) {
            for (const ChildRecord& child : children)
              if (static_cast<int>(child.index) < trace.lanes() && Count(trace.lane(child.index), EventKind::kStarted) > 0)
                pids.push_back(child.pid);
          });
          return pids.size() == 2;
        },
        10s);
    for (pid_t pid : pids) {
      policies.push_back(sched_getscheduler(pid));
      errno = 0;
      nices.push_back(getpriority(PRIO_PROCESS, static_cast<id_t>(pid)));
    }
    run.RequestStop();
  });
  const TrialResult result = run.Execute();
  stopper.join();
  REQUIRE(policies.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(policies[i] == (idle ? SCHED_IDLE : SCHED_OTHER));
    CHECK(nices[i] == 19);
  }
  // The stop, as the run says it: asked for once the children ran, and every child ended after.
  CHECK(result.stopped);
  CHECK(result.stop_ns >= result.release_ns);
  CHECK(result.StopToEndedMs() >= 0);
  for (const ChildRecord& child : result.children) CHECK(child.end_ns >= result.stop_ns);
  CheckNothingLeft();
}

TEST_CASE("a stop signal flag set before the run stops it at the start line") {
  std::atomic<int> stop_signal{SIGINT};
  RunOptions options = Options();
  options.stop_signal = &stop_signal;
  ParamValues params(Processes().params);
  params.Set("processes", 2);
  Run run(Processes(), params, options);
  const TrialResult result = run.Execute();
  CHECK(result.stopped);
  for (const ChildRecord& child : result.children) CHECK(child.done());
  CheckNothingLeft();
}

TEST_CASE("a run whose worker program is missing fails to start with a clear error") {
  ParamValues params(Processes().params);
  Run run(Processes(), params, RunOptions{.worker_path = "/nonexistent/proclab-worker"});
  CHECK_THROWS_MATCHES(run.Execute(), RunError,
                       Catch::Message("cannot find the worker program /nonexistent/proclab-worker"));
  CheckNothingLeft();
}

TEST_CASE("with one-slot rings every child event is either in the trace or counted as dropped") {
  ParamValues params(Processes().params);
  params.Set("processes", 3);
  RunOptions options = Options();
  options.ring_capacity = 1;
  Run run(Processes(), params, options);
  const TrialResult result = run.Execute();
  REQUIRE(result.children.size() == 3);
  uint64_t dropped = 0;
  for (const ChildRecord& child : result.children) {
    INFO("child " << child.index);
    CHECK(child.exit_status == 0);
    const std::vector<Event>& lane = result.trace.lane(child.index);
    // A processes child emits exactly five events: started, task start, task end, its
    // result (the last square), finished. Whatever the timing, none vanishes without being counted.
    CHECK(lane.size() + result.trace.drops(child.index) == 5);
    // The first one always finds the ring empty.
    REQUIRE_FALSE(lane.empty());
    CHECK(lane.front().kind == EventKind::kStarted);
    CHECK(child.start_ns == lane.front().t_ns);
    dropped += result.trace.drops(child.index);
  }
  CHECK(result.trace.drops() == dropped + result.trace.drops(kParentLane));
  CheckNothingLeft();
}

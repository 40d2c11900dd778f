// Chrome Trace Event export: a real `processes` run, and a hand-made trial with lock holds,
// tasks, queue blocks and written values.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <sstream>

#include "core/run.hpp"
#include "core/trace_export.hpp"
#include "lessons/curriculum.hpp"
#include "support.hpp"

using namespace proclab;
using nlohmann::json;

namespace {

// Events of the export that match every given key/value.
std::vector<json> Select(const json& trace, const json& match) {
  std::vector<json> found;
  for (const json& event : trace.at("traceEvents")) {
    bool all = true;
    for (const auto& [key, value] : match.items())
      all = all && event.contains(key) && event.at(key) == value;
    if (all) found.push_back(event);
  }
  return found;
}

ChildRecord Child(int index, pid_t pid, int64_t spawn_ns, int64_t end_ns) {
  ChildRecord child;
  child.index = index;
  child.pid = pid;
  child.state = ChildState::kExited;
  child.exit_status = 0;
  child.spawn_ns = spawn_ns;
  child.start_ns = spawn_ns + 1000;
  child.end_ns = end_ns;
  return child;
}

Event At(int64_t t_ns, uint16_t worker, EventKind kind, uint32_t object = 0, int64_t a = 0,
         int64_t b = 0) {
  return Event{t_ns, worker, kind, ValueType::kInt, object, a, b};
}

constexpr int64_t kT0 = 5'000'000'000;  // the trial's start; exported times count from it

// A two-child trial, built by hand: child 1 (pid 1001) takes lock 1 twice, writes values and runs
// a task; child 2 (pid 1002) blocks on a full queue, puts and gets. The parent names the objects.
TrialResult HandMadeTrial() {
  TrialResult result;
  result.lesson_id = "hand-made";
  result.trace.Reset(kT0);
  result.children = {Child(0, 1001, kT0, kT0 + 100'000), Child(1, 1002, kT0 + 500, kT0 + 90'000)};
  result.children[1].state = ChildState::kKilled;
  result.children[1].exit_status = -1;
  result.children[1].signal = 9;
  std::vector<Event> names;
  for (auto [kind, id, name] : {std::tuple{ObjectKind::kSlot, 0u, "counter"},
                                std::tuple{ObjectKind::kSlot, 2u, "array[1]"},
                                std::tuple{ObjectKind::kLock, 1u, "lock"},
                                std::tuple{ObjectKind::kQueue, 0u, "queue"}})
    for (Event e : DeclarationEvents(kind, id, name, {}, kParentLane)) {
      e.t_ns = kT0 + 100;
      names.push_back(e);
    }
  result.trace.Append(names);
  result.trace.Append({
      At(kT0 + 1'000, 0, EventKind::kLockWait, 1),
      At(kT0 + 2'000, 0, EventKind::kLockAcquired, 1),
      At(kT0 + 2'500, 0, EventKind::kRead, 0, 4),
      At(kT0 + 3'000, 0, EventKind::kWrite, 0, 5, 4),
      At(kT0 + 5'000, 0, EventKind::kLockReleased, 1),
      At(kT0 + 10'000, 0, EventKind::kLockAcquired, 1),
      At(kT0 + 10'500, 0, EventKind::kRead, 2, 6),
      At(kT0 + 11'000, 0, EventKind::kWrite, 2, 7, 9),  // replaced 9, not the 6 it read: lost
      At(kT0 + 12'000, 0, EventKind::kLockReleased, 1),
      At(kT0 + 13'000, 0, EventKind::kLockReleased, 1),  // unmatched: no span
      At(kT0 + 20'000, 0, EventKind::kTaskStart, 0, 0, 9),
      At(kT0 + 30'000, 0, EventKind::kTaskEnd, 0, 0, 9),
      At(kT0 + 40'000, 0, EventKind::kLockAcquired, 1),  // still held when the child ends
  });
  result.trace.Append({
      At(kT0 + 1'500, 1, EventKind::kQueueBlocked, 0, 0),
      At(kT0 + 4'500, 1, EventKind::kQueueUnblocked, 0, 0),
      At(kT0 + 4'600, 1, EventKind::kQueuePut, 0, 42, 3),
      At(kT0 + 6'000, 1, EventKind::kQueueGet, 0, 42, 2),
  });
  result.trace.Append({At(kT0 + 50'000, kParentLane, EventKind::kJoinBegin, 0, 1)});
  result.release_ns = kT0 + 800;
  result.end_ns = kT0 + 100'000;
  result.facts = DeriveFacts(result.trace, result.children);
  return result;
}

}  // namespace

TEST_CASE("the Chrome trace of a real processes run is JSON with one track per process") {
  const Lesson* lesson = FindLesson("processes");
  REQUIRE(lesson != nullptr);
  ParamValues params(lesson->params);
  params.Set("processes", 3);
  Run run(*lesson, params, RunOptions{.worker_path = test::BinPath("proclab-worker")});
  const TrialResult result = run.Execute();
  REQUIRE(result.children.size() == 3);

  std::ostringstream out;
  WriteChromeTrace(result, out);
  const std::string text = out.str();
  REQUIRE_FALSE(text.empty());
  CHECK(text.back() == '\n');
  const json trace = json::parse(text);  // throws, failing the test, if it is not JSON
  REQUIRE(trace.contains("traceEvents"));
  REQUIRE(trace.at("traceEvents").is_array());
  CHECK(trace.at("otherData").at("lesson") == "processes");
  CHECK(trace.at("otherData").at("params").at("processes") == 3);
  for (const json& event : trace.at("traceEvents")) {
    CHECK(event.contains("ph"));
    CHECK(event.contains("pid"));
  }

  // process_name tracks: the parent and each child, once each.
  std::set<int> named;
  for (const json& m : Select(trace, {{"ph", "M"}, {"name", "process_name"}}))
    CHECK(named.insert(m.at("pid").get<int>()).second);
  std::set<int> expected{getpid()};
  for (const ChildRecord& child : result.children) expected.insert(child.pid);
  CHECK(named == expected);
  CHECK(expected.size() == 4);  // three distinct child pids besides ours
  const auto parent_name = Select(trace, {{"ph", "M"}, {"name", "process_name"}, {"pid", getpid()}});
  REQUIRE(parent_name.size() == 1);
  CHECK(parent_name[0].at("args").at("name").get<std::string>().starts_with("parent"));

  for (const ChildRecord& child : result.children) {
    INFO("child " << child.index << " pid " << child.pid);
    const auto name = Select(trace, {{"ph", "M"}, {"name", "process_name"}, {"pid", child.pid}});
    REQUIRE(name.size() == 1);
    CHECK(name[0].at("args").at("name") == "child " + std::to_string(child.index + 1) + " (pid " +
                                               std::to_string(child.pid) + ")");
    const auto sort = Select(trace, {{"ph", "M"}, {"name", "process_sort_index"}, {"pid", child.pid}});
    REQUIRE(sort.size() == 1);
    CHECK(sort[0].at("args").at("sort_index") == child.index + 1);

    // The process's life as one span, ending as it ended.
    const auto life = Select(trace, {{"ph", "X"}, {"name", "process"}, {"pid", child.pid}});
    REQUIRE(life.size() == 1);
    CHECK(life[0].at("ts").get<double>() >= 0.0);
    CHECK(life[0].at("dur").get<double>() > 0.0);
    CHECK(life[0].at("args").at("ended") == "exited with status 0");
    CHECK(life[0].at("args").at("exit_status") == 0);
    CHECK_FALSE(life[0].at("args").contains("signal"));

    // The squaring loop as a task span inside the process's life.
    const auto task = Select(trace, {{"ph", "X"}, {"cat", "task"}, {"pid", child.pid}});
    REQUIRE(task.size() == 1);
    CHECK(task[0].at("name") == "task 0..999");
    CHECK(task[0].at("ts").get<double>() >= life[0].at("ts").get<double>());
    CHECK(task[0].at("ts").get<double>() + task[0].at("dur").get<double>() <=
          life[0].at("ts").get<double>() + life[0].at("dur").get<double>());

    // Its "started" instant carries its own pid.
    const auto started = Select(trace, {{"ph", "i"}, {"name", "started"}, {"pid", child.pid}});
    REQUIRE(started.size() == 1);
    CHECK(started[0].at("args").at("pid") == child.pid);
  }
}

TEST_CASE("lock holds and waits are spans named after the lock, on the process's track") {
  const json trace = ChromeTraceJson(HandMadeTrial());
  const auto holds = Select(trace, {{"ph", "X"}, {"name", "holds lock"}});
  // Two complete holds, and the one still open when child 1 ended (it ends with the child).
  REQUIRE(holds.size() == 3);
  CHECK(holds[0].at("pid") == 1001);
  CHECK(holds[0].at("tid") == 1001);
  CHECK(holds[0].at("cat") == "lock");
  CHECK(holds[0].at("ts").get<double>() == Approx(2.0));  // microseconds from the trial's start
  CHECK(holds[0].at("dur").get<double>() == Approx(3.0));
  CHECK(holds[1].at("ts").get<double>() == Approx(10.0));
  CHECK(holds[1].at("dur").get<double>() == Approx(2.0));
  CHECK(holds[2].at("ts").get<double>() == Approx(40.0));
  CHECK(holds[2].at("dur").get<double>() == Approx(60.0));  // until the child's end at 100 us

  const auto waits = Select(trace, {{"ph", "X"}, {"name", "waits for lock"}, {"pid", 1001}});
  REQUIRE(waits.size() == 1);
  CHECK(waits[0].at("ts").get<double>() == Approx(1.0));
  CHECK(waits[0].at("dur").get<double>() == Approx(1.0));
  CHECK(waits[0].at("args").at("lock") == 1);
}

TEST_CASE("written values become counter events named as the lesson declared the slot") {
  const json trace = ChromeTraceJson(HandMadeTrial());
  const auto counter = Select(trace, {{"ph", "C"}, {"name", "counter"}});
  REQUIRE(counter.size() == 1);
  CHECK(counter[0].at("pid") == 1001);
  CHECK(counter[0].at("ts").get<double>() == Approx(3.0));
  CHECK(counter[0].at("args").at("value") == 5);
  const auto element = Select(trace, {{"ph", "C"}, {"name", "array[1]"}});
  REQUIRE(element.size() == 1);
  CHECK(element[0].at("args").at("value") == 7);
}

TEST_CASE("a write that replaced a value it had not read is a lost update in the trace") {
  const json trace = ChromeTraceJson(HandMadeTrial());
  const auto lost = Select(trace, {{"ph", "i"}, {"name", "lost update: array[1]"}});
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].at("pid") == 1001);
  CHECK(lost[0].at("ts").get<double>() == Approx(11.0));
  CHECK(lost[0].at("args").at("read") == 6);
  CHECK(lost[0].at("args").at("wrote") == 7);
  CHECK(lost[0].at("args").at("overwrote") == 9);
  CHECK(lost[0].at("args").at("updates_lost") == 3);  // 9 - 6 increments of 1 were erased
  const auto total = Select(trace, {{"ph", "C"}, {"name", "lost updates: array[1]"}});
  REQUIRE(total.size() == 1);
  CHECK(total[0].at("args").at("lost") == 3);
  CHECK(Select(trace, {{"ph", "i"}, {"name", "lost update: counter"}}).empty());
  CHECK(trace.at("otherData").at("lost_updates") == 3);
}

TEST_CASE("tasks and blocked queue operations become spans, and queue depth a counter") {
  const json trace = ChromeTraceJson(HandMadeTrial());
  const auto tasks = Select(trace, {{"ph", "X"}, {"cat", "task"}});
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0].at("name") == "task 0..9");
  CHECK(tasks[0].at("pid") == 1001);
  CHECK(tasks[0].at("ts").get<double>() == Approx(20.0));
  CHECK(tasks[0].at("dur").get<double>() == Approx(10.0));

  const auto blocked = Select(trace, {{"ph", "X"}, {"cat", "queue"}});
  REQUIRE(blocked.size() == 1);
  CHECK(blocked[0].at("name") == "blocked: queue full");
  CHECK(blocked[0].at("pid") == 1002);
  CHECK(blocked[0].at("ts").get<double>() == Approx(1.5));
  CHECK(blocked[0].at("dur").get<double>() == Approx(3.0));

  const auto depth = Select(trace, {{"ph", "C"}, {"name", "queue depth"}, {"pid", 1002}});
  REQUIRE(depth.size() == 2);
  CHECK(depth[0].at("args").at("depth") == 3);
  CHECK(depth[1].at("args").at("depth") == 2);
}

TEST_CASE("each process's life is a span that says how it ended") {
  const json trace = ChromeTraceJson(HandMadeTrial());
  const auto first = Select(trace, {{"ph", "X"}, {"name", "process"}, {"pid", 1001}});
  REQUIRE(first.size() == 1);
  CHECK(first[0].at("ts").get<double>() == Approx(0.0));
  CHECK(first[0].at("dur").get<double>() == Approx(100.0));
  CHECK(first[0].at("args").at("ended") == "exited with status 0");
  CHECK(first[0].at("args").at("exit_status") == 0);

  const auto second = Select(trace, {{"ph", "X"}, {"name", "process"}, {"pid", 1002}});
  REQUIRE(second.size() == 1);
  CHECK(second[0].at("ts").get<double>() == Approx(0.5));
  CHECK(second[0].at("args").at("ended") == "killed by signal 9 (SIGKILL)");
  CHECK(second[0].at("args").at("signal") == 9);
  CHECK_FALSE(second[0].at("args").contains("exit_status"));
}

TEST_CASE("a child not yet reaped has a named track but no life span") {
  TrialResult result = HandMadeTrial();
  result.children[1].state = ChildState::kRunning;
  result.children[1].end_ns = 0;
  result.children[1].signal = 0;
  result.facts = DeriveFacts(result.trace, result.children);
  const json trace = ChromeTraceJson(result);
  CHECK(Select(trace, {{"ph", "M"}, {"name", "process_name"}, {"pid", 1002}}).size() == 1);
  CHECK(Select(trace, {{"ph", "X"}, {"name", "process"}, {"pid", 1002}}).empty());
}

TEST_CASE("the parent's events go on the parent's track and the trial's identity in otherData") {
  const json trace = ChromeTraceJson(HandMadeTrial());
  const auto parent = Select(trace, {{"ph", "i"}, {"pid", getpid()}});
  REQUIRE(parent.size() == 1);
  CHECK(parent[0].at("name") == "join");
  CHECK(parent[0].at("args").at("lane") == 1);
  CHECK(parent[0].at("ts").get<double>() == Approx(50.0));
  std::set<int> named;
  for (const json& m : Select(trace, {{"ph", "M"}, {"name", "process_name"}}))
    named.insert(m.at("pid").get<int>());
  CHECK(named == std::set<int>{getpid(), 1001, 1002});
  CHECK(trace.at("otherData").at("lesson") == "hand-made");
  CHECK(trace.at("otherData").at("dropped_events") == 0);
  CHECK_FALSE(trace.at("otherData").contains("warning"));
  CHECK(trace.at("displayTimeUnit") == "ms");
}

TEST_CASE("a trace that dropped events says so inside the export") {
  TrialResult result = HandMadeTrial();
  result.trace.SetDrops(0, 17);
  result.facts = DeriveFacts(result.trace, result.children);
  const json trace = ChromeTraceJson(result);
  CHECK(trace.at("otherData").at("dropped_events") == 17);
  CHECK(trace.at("otherData").at("warning").get<std::string>().starts_with("17 events were dropped"));
}

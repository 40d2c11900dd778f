// The process pool (core/process_pool.*), driven from a test's own parent side: each test runs
// the `pool` lesson's real worker processes (proclab-worker serves the pool) with its parent
// replaced by the test's, so the pool's API is exercised call by call on real processes.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <numeric>
#include <set>

#include "core/clock.hpp"
#include "core/process_pool.hpp"
#include "core/run.hpp"
#include "lessons/curriculum.hpp"
#include "lessons/pool.hpp"

using namespace proclab;

namespace {

// The task functions of lessons/pool.cpp, by number.
constexpr int32_t kCube = 0, kSlow = 2, kFail = 3;

std::vector<int64_t> Range(int64_t n) {
  std::vector<int64_t> values(static_cast<size_t>(n));
  std::iota(values.begin(), values.end(), 0);
  return values;
}

std::vector<int64_t> Cubes(int64_t n) {
  std::vector<int64_t> values;
  for (int64_t x = 0; x < n; ++x) values.push_back(x * x * x);
  return values;
}

// Runs the pool lesson's workers with `parent` as the parent side.
TrialResult RunWithParent(void (*parent)(ParentContext&), int workers, int64_t items = 100) {
  Lesson lesson = *FindLesson("pool");
  lesson.parent = parent;
  ParamValues params(lesson.params);
  params.Set("workers", workers);
  params.Set("items", items);  // sizes the shared memory for map jobs
  Run run(lesson, params);
  return run.Execute();
}

bool WaitBusy(ProcessPool& pool, std::chrono::milliseconds timeout) {
  const int64_t deadline = MonotonicNs() + timeout.count() * 1'000'000;
  while (pool.BusyWorker() < 0 && MonotonicNs() < deadline)
    pool.Pump(std::chrono::microseconds(1000));
  return pool.BusyWorker() >= 0;
}

int g_workers = 1;

}  // namespace

TEST_CASE("the automatic chunksize is computed the way Python's Pool.map does") {
  CHECK(ProcessPool::AutoChunksize(10, 2) == 2);    // divmod(10, 8) = (1, 2): 1 + 1
  CHECK(ProcessPool::AutoChunksize(8, 2) == 1);     // divmod(8, 8) = (1, 0)
  CHECK(ProcessPool::AutoChunksize(1000, 4) == 63);
  CHECK(ProcessPool::AutoChunksize(3, 4) == 1);
  CHECK(ProcessPool::AutoChunksize(1'000'000, 2) == 125'000);
  CHECK(ProcessPool::AutoChunksize(0, 4) == 0);
}

TEST_CASE("map returns results in input order for several chunk sizes and worker counts") {
  for (int workers : {1, 2, 3}) {
    INFO("workers " << workers);
    g_workers = workers;
    const TrialResult result = RunWithParent(
        [](ParentContext& parent) {
          ProcessPool pool(parent);
          CHECK(pool.worker_count() == g_workers);
          for (int64_t chunksize : {0, 1, 3, 7, 50, 1000}) {
            INFO("chunksize " << chunksize);
            CHECK(pool.Map(kCube, Range(50), chunksize) == Cubes(50));
          }
          CHECK(pool.Map(kCube, {}, 0).empty());
          pool.Close();
          CHECK(pool.Join(std::chrono::seconds(10)));
        },
        workers);
    for (const ChildRecord& child : result.children) {
      CHECK(child.state == ChildState::kExited);
      CHECK(child.exit_status == 0);
    }
  }
}

TEST_CASE("a map's chunks cover the input once, each chunk chunksize items long") {
  const TrialResult result = RunWithParent(
      [](ParentContext& parent) {
        ProcessPool pool(parent);
        REQUIRE(pool.Map(kCube, Range(10), 3) == Cubes(10));
        pool.Close();
        pool.Join(std::chrono::seconds(10));
      },
      2);
  // The pool's facts, from its workers' task events.
  const PoolFacts* pool = result.facts.pool(kPoolId);
  REQUIRE(pool != nullptr);
  std::vector<PoolTaskFact> chunks = pool->tasks;
  std::sort(chunks.begin(), chunks.end(),
            [](const PoolTaskFact& a, const PoolTaskFact& b) { return a.first < b.first; });
  REQUIRE(chunks.size() == 4);
  const int64_t firsts[] = {0, 3, 6, 9}, lasts[] = {2, 5, 8, 9};
  for (size_t i = 0; i < 4; ++i) {
    CHECK(chunks[i].first == firsts[i]);
    CHECK(chunks[i].last == lasts[i]);
    CHECK(chunks[i].ok);
    REQUIRE(chunks[i].lane >= 0);
    REQUIRE(chunks[i].lane < 2);
    CHECK(result.children[static_cast<size_t>(chunks[i].lane)].pid != getpid());
    CHECK(chunks[i].start_ns <= chunks[i].end_ns);
  }
  // The pool's life in states: running, closed, joined.
  REQUIRE(pool->states.size() == 3);
  CHECK(pool->states[0].state == PoolState::kRunning);
  CHECK(pool->states[1].state == PoolState::kClosed);
  CHECK(pool->states[2].state == PoolState::kJoined);
  // Its queues are named: the tasks went through one, the results came back through the other.
  const QueueFacts* tasks = result.facts.queue(kPoolTaskQueueId);
  REQUIRE(tasks != nullptr);
  CHECK(tasks->name == "task queue");
  CHECK(tasks->puts().size() == 4 + 2);  // four chunks, then one exit task per worker
  CHECK(tasks->puts().back().value == -1);
  CHECK(result.facts.queue(kPoolResultQueueId)->gets().size() == 4);
}

TEST_CASE("apply runs one call on a worker and returns its value") {
  RunWithParent(
      [](ParentContext& parent) {
        ProcessPool pool(parent);
        CHECK(pool.Apply(kCube, 7) == 343);
        CHECK(pool.Apply(kCube, -3) == -27);
        pool.Close();
        pool.Join(std::chrono::seconds(10));
      },
      2);
  const TrialResult result = RunWithParent(
      [](ParentContext& parent) {
        ProcessPool pool(parent);
        pool.Apply(kCube, 7);
        pool.Close();
        pool.Join(std::chrono::seconds(10));
      },
      2);
  const PoolFacts* pool = result.facts.pool(kPoolId);
  REQUIRE(pool != nullptr);
  REQUIRE(pool->tasks.size() == 1);
  CHECK(pool->tasks[0].first == 7);  // an apply task's item is its input
  CHECK(pool->tasks[0].last == 7);
  CHECK(result.children[static_cast<size_t>(pool->tasks[0].lane)].pid != getpid());
}

TEST_CASE("map_async returns at once, ready wait and get follow the work, and its callback runs in the parent") {
  RunWithParent(
      [](ParentContext& parent) {
        ProcessPool pool(parent);
        std::vector<pid_t> callback_pids;
        std::vector<int64_t> seen;
        const int64_t start = MonotonicNs();
        AsyncResult handle = pool.MapAsync(
            kSlow, Range(2), 2, 400,
            [&](const std::vector<int64_t>& values) {
              callback_pids.push_back(getpid());
              seen = values;
            },
            [&](const std::string&) { callback_pids.push_back(-1); });
        CHECK(MonotonicNs() - start < 300'000'000);  // returned before the 400 ms task ended
        CHECK_FALSE(handle.Wait(std::chrono::milliseconds(1)));
        CHECK_THROWS_AS(handle.Get(std::chrono::milliseconds(1)), PoolTimeout);
        CHECK(handle.Wait(std::chrono::seconds(10)));
        CHECK(handle.ready());
        CHECK(handle.successful());
        CHECK(handle.Get() == Cubes(2));
        CHECK(callback_pids == std::vector<pid_t>{getpid()});
        CHECK(seen == Cubes(2));
        pool.Close();
        pool.Join(std::chrono::seconds(10));
      },
      1);
}

TEST_CASE("apply_async calls callback per result and error_callback for a failing task, in the parent") {
  RunWithParent(
      [](ParentContext& parent) {
        ProcessPool pool(parent);
        std::vector<int64_t> values;
        std::vector<std::string> errors;
        std::vector<AsyncResult> handles;
        for (int64_t x = 0; x < 6; ++x)
          handles.push_back(pool.ApplyAsync(
              kFail, x, 4, [&](const std::vector<int64_t>& v) { values.push_back(v.at(0)); },
              [&](const std::string& error) { errors.push_back(error); }));
        for (size_t x = 0; x < handles.size(); ++x) {
          INFO("item " << x);
          if (x == 4) {
            CHECK_THROWS_WITH(handles[x].Get(std::chrono::seconds(10)),
                              Catch::Contains("cube(4) failed on purpose"));
            CHECK_FALSE(handles[x].successful());
          } else {
            CHECK(handles[x].GetValue(std::chrono::seconds(10)) ==
                  static_cast<int64_t>(x * x * x));
          }
        }
        std::sort(values.begin(), values.end());
        CHECK(values == std::vector<int64_t>{0, 1, 8, 27, 125});
        REQUIRE(errors.size() == 1);
        CHECK(errors[0] == "cube(4) failed on purpose");
        pool.Close();
        pool.Join(std::chrono::seconds(10));
      },
      2);
}

TEST_CASE("an exception in a map task reaches map's caller with the worker's message") {
  RunWithParent(
      [](ParentContext& parent) {
        ProcessPool pool(parent);
        std::string error_seen;
        CHECK_THROWS_WITH(pool.Map(kFail, Range(10), 2, 5),
                          Catch::Contains("cube(5) failed on purpose"));
        AsyncResult handle = pool.MapAsync(kFail, Range(10), 0, 5, {},
                                           [&](const std::string& e) { error_seen = e; });
        CHECK_THROWS_AS(handle.Get(std::chrono::seconds(10)), PoolTaskError);
        CHECK(error_seen == "cube(5) failed on purpose");
        // The worker caught the exception and carries on.
        CHECK(pool.Map(kCube, Range(10)) == Cubes(10));
        pool.Close();
        pool.Join(std::chrono::seconds(10));
      },
      2);
}

TEST_CASE("join is an error with a clear message unless close or terminate came first") {
  RunWithParent(
      [](ParentContext& parent) {
        ProcessPool pool(parent);
        CHECK_THROWS_AS(pool.Join(), PoolStateError);
        CHECK_THROWS_WITH(pool.Join(), Catch::Contains("close() or terminate() first"));
        CHECK(pool.state() == PoolState::kRunning);
        pool.Close();
        CHECK_THROWS_WITH(pool.Map(kCube, Range(3)), Catch::Contains("closed"));
        CHECK_THROWS_AS(pool.ApplyAsync(kCube, 1), PoolStateError);
        CHECK(pool.Join(std::chrono::seconds(10)));
        CHECK(pool.state() == PoolState::kJoined);
        CHECK(pool.live_workers().empty());
      },
      2);
}

TEST_CASE("terminate kills the workers at once and unfinished work fails instead of hanging") {
  const TrialResult result = RunWithParent(
      [](ParentContext& parent) {
        ProcessPool pool(parent);
        AsyncResult handle = pool.MapAsync(kSlow, Range(4), 1, 20'000);
        REQUIRE(WaitBusy(pool, std::chrono::seconds(10)));
        const int64_t start = MonotonicNs();
        pool.Terminate();
        CHECK(MonotonicNs() - start < 3'000'000'000);
        CHECK(handle.ready());
        CHECK_THROWS_WITH(handle.Get(std::chrono::seconds(1)), Catch::Contains("terminated"));
        CHECK(pool.Join(std::chrono::seconds(5)));
        CHECK(pool.state() == PoolState::kJoined);
      },
      2);
  const PoolFacts* pool = result.facts.pool(kPoolId);
  REQUIRE(pool != nullptr);
  REQUIRE(pool->states.size() == 3);
  CHECK(pool->states[1].state == PoolState::kTerminated);
  CHECK(pool->states.back().state == PoolState::kJoined);
  // The killed workers' open tasks failed with them.
  int failed = 0;
  for (const PoolTaskFact& task : pool->tasks) failed += task.ok ? 0 : 1;
  CHECK(failed >= 1);
  CHECK(result.children.size() == 2);  // terminate replaces nobody
  for (const ChildRecord& child : result.children) {
    CHECK(child.state == ChildState::kKilled);
    CHECK(child.signal == SIGKILL);
    CHECK(result.facts.child(child.index).kill_reason == KillReason::kLesson);
  }
}

TEST_CASE("a worker SIGKILLed mid-task is replaced and its task fails naming its pid and signal") {
  const TrialResult result = RunWithParent(
      [](ParentContext& parent) {
        ProcessPool pool(parent);
        AsyncResult handle = pool.ApplyAsync(kSlow, 3, 20'000);
        REQUIRE(WaitBusy(pool, std::chrono::seconds(10)));
        const int busy = pool.BusyWorker();
        const pid_t victim = parent.child(busy).pid;
        const int64_t start = MonotonicNs();
        parent.Kill(busy, SIGKILL);
        std::string error;
        try {
          handle.Get(std::chrono::seconds(10));
        } catch (const PoolTaskError& e) {
          error = e.what();
        }
        CHECK(MonotonicNs() - start < 5'000'000'000);  // not the task's 20 s
        CHECK_THAT(error, Catch::Contains("pid " + std::to_string(victim)) &&
                              Catch::Contains("SIGKILL") && Catch::Contains("replaces it"));
        CHECK(pool.live_workers().size() == 2);  // the replacement took its place
        CHECK(pool.Map(kCube, Range(10), 1) == Cubes(10));
        pool.Close();
        CHECK(pool.Join(std::chrono::seconds(10)));
      },
      2);
  REQUIRE(result.children.size() == 3);
  int killed = 0;
  for (const ChildRecord& child : result.children) killed += child.signal == SIGKILL ? 1 : 0;
  CHECK(killed == 1);
  const PoolFacts* pool = result.facts.pool(kPoolId);
  REQUIRE(pool != nullptr);
  REQUIRE(pool->replacements.size() == 1);
  const PoolReplacementFact& replaced = pool->replacements[0];
  CHECK(result.children[static_cast<size_t>(replaced.dead_lane)].signal == SIGKILL);
  CHECK(replaced.new_lane == 2);
  CHECK(pool->ReplacementOf(replaced.dead_lane) == 2);
  CHECK(pool->Replaced(2) == replaced.dead_lane);
  // The task it held failed with it.
  bool failed = false;
  for (const PoolTaskFact& task : pool->tasks) failed |= task.lane == replaced.dead_lane && !task.ok;
  CHECK(failed);
}

// ------------------------------------------------------------------ the lesson's defaults

TEST_CASE("the pool lesson's defaults hand out more chunks than workers, each sleeping longer than a start") {
  // The shape only: whether the work spreads is the scheduler's business (1 core, a busy machine).
  const Lesson& lesson = *FindLesson("pool");
  const ParamValues defaults(lesson.params);
  CHECK(defaults.Text("task") == "slow");
  CHECK(defaults.Text("mode") == "map");
  CHECK(defaults.Get("chunksize") == 0);  // automatic, as Python chooses
  const int64_t items = defaults.Get("items");
  for (int workers = 1; workers <= std::max<int>(2, static_cast<int>(defaults.Get("workers"))) && workers <= 5; ++workers) {
    INFO(workers << " workers");
    const int64_t chunk = ProcessPool::AutoChunksize(items, workers);
    CHECK((items + chunk - 1) / chunk >= workers);
  }
  // A chunk sleeps ~100 ms: a worker process starts in well under a millisecond here (costs).
  CHECK(ProcessPool::AutoChunksize(items, 2) * defaults.Get("delay-ms") >= 100);
}

TEST_CASE("the pool's transcript says how many workers got tasks, as the run's own tasks say") {
  const Lesson& lesson = *FindLesson("pool");
  for (const char* task : {"cube", "slow"}) {
    INFO(task);
    ParamValues params(lesson.params);
    params.SetText("task", task);
    params.Set("workers", 2);
    params.Set("delay-ms", 5);
    Run run(lesson, params);
    const TrialResult result = run.Execute();
    const auto* outcome = result.Outcome<PoolOutcome>();
    REQUIRE(outcome != nullptr);
    std::set<int> pids(outcome->task_pids.begin(), outcome->task_pids.end());
    // Every chunk slept at least its items' delays: a fact of the run, whatever the scheduler did.
    if (std::string(task) == "slow")
      for (const PoolTaskFact& chunk : outcome->tasks)
        CHECK(chunk.end_ns - chunk.start_ns >= (chunk.last - chunk.first + 1) * 5'000'000);
    for (Language language : {Language::kEnglish, Language::kChinese}) {
      std::vector<std::string> lines;
      lesson.transcript(result, language, lines);
      const bool zh = language == Language::kChinese;
      const std::string all = zh ? "全部 2 个工作进程都拿到了任务" : "All 2 workers got tasks";
      const std::string one = zh ? "2 个工作进程中有 1 个拿到任务" : "1 of 2 workers got tasks";
      const std::string why = zh ? "先空闲的工作进程拿下一个任务" : "A worker that is free first takes the next task";
      const auto has = [&](const std::string& words) {
        return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) { return line.find(words) != std::string::npos; });
      };
      CHECK(has(all) == (pids.size() == 2));
      CHECK(has(one) == (pids.size() == 1));
      CHECK(has(why) == (pids.size() == 1));
      for (int pid : pids) CHECK(has("pid " + std::to_string(pid) + (zh ? " 拿到 " : " took ")));
    }
  }
}

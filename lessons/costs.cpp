// Lesson `costs` (after the tutorial's sections): what a process, a lock, a queue item, a pool
// task and a trace event cost, measured on the learner's machine, next to Python's
// multiprocessing when python3 is present.
// The child programs below are what the measuring runs start; they are not in the curriculum
// (FindLesson finds them through BenchLessons()).
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/clock.hpp"
#include "core/install_layout.hpp"
#include "core/process_pool.hpp"
#include "core/robust_mutex.hpp"
#include "core/shared_queue.hpp"
#include "lessons/common.hpp"
#include "lessons/costs_benchmarks.hpp"
#include "lessons/machine_limits.hpp"

extern char** environ;

namespace proclab {

const BenchFigure kBenchFigures[9] = {
    {"spawn_join_ms_per_proc", "ms", false, 0,
     {"posix_spawn + waitpid of proclab-noop, a static program that returns at once",
      "对 proclab-noop（一个立即返回的静态程序）做 posix_spawn + waitpid"},
     {"Start and join one process", "启动并 join 一个进程"}},
    {"unlocked_increments_per_s", "/s", true, 1,
     {"two processes, a relaxed load + store on one shared cache line",
      "两个进程在同一共享缓存行上做 relaxed 读 + 写"},
     {"Increments without a lock", "无锁自增"}},
    {"locked_increments_per_s", "/s", true, 1,
     {"one process, no contention: compare-exchange to lock, increment, a store to unlock",
      "一个进程、无竞争：比较交换加锁、自增、一次写入解锁"},
     {"Increments with the lock", "加锁自增"}},
    {"atomic_increments_per_s", "/s", true, 1,
     {"two processes, fetch_add on one shared cache line",
      "两个进程在同一共享缓存行上做 fetch_add"},
     {"Atomic increments", "原子自增"}},
    {"queue_items_per_s", "/s", true, 2,
     {"a single-producer/single-consumer ring between two processes",
      "两个进程之间的单生产者/单消费者环形缓冲区"},
     {"Queue items", "队列元素"}},
    {"pool_map_items_per_s", "/s", true, 2,
     {"a plain loop over the same items split across the workers' processes, results in place",
      "把同样的元素分给与 worker 同样多的进程做普通循环，结果原地写入"},
     {"Pool map items", "进程池 map 元素"}},
    {"pool_apply_async_tasks_per_s", "/s", true, 2,
     {"a round trip per task through two single-producer/single-consumer rings per worker",
      "每个任务经每个 worker 的两个单生产者/单消费者环形缓冲区往返一次"},
     {"apply_async tasks", "apply_async 任务"}},
    {"trace_ns_per_event", "ns", false, 3,
     {"one process: read the trace clock, store 32 bytes", "一个进程：读取跟踪时钟，写入 32 字节"},
     {"One trace event", "一个轨迹事件"}},
    {"trace_drain_events_per_s", "/s", true, 4,
     {"one process: memcpy of the same ring", "一个进程：对同样的环形缓冲区做 memcpy"},
     {"Trace events drained", "读取的轨迹事件"}},
};

const BenchPart kBenchParts[7] = {
    {"worker_start_ms_per_proc", "ms", "posix_spawn + waitpid of proclab-worker --exit"},
    {"lock_pair_ns", "ns", "ProcLab's robust lock + unlock, one process, no contention"},
    {"queue_pair_ns", "ns", "one put + get on ProcLab's queue, one process"},
    {"map_before_ns_per_item", "ns", "pool map: from map() to the first chunk's start"},
    {"map_work_ns_per_item", "ns", "pool map: from the first chunk's start to the last one's end"},
    {"map_after_ns_per_item", "ns", "pool map: from the last chunk's end to map() returning"},
    {"clock_read_ns", "ns", "one read of the trace clock"},
};

namespace {

enum IncrementMode : int64_t { kUnlocked, kLocked, kAtomic };

// What one measuring run found (each bench lesson fills the fields it measures).
struct BenchSample : LessonOutcome {
  double per_s = 0;        // increments, queue items
  double ns = 0;           // per trace event
  double map_per_s = 0, apply_per_s = 0;
  double map_before_ns_per_item = 0, map_work_ns_per_item = 0, map_after_ns_per_item = 0;
  nlohmann::json ToJson() const override {
    return {{"per_s", per_s}, {"ns", ns}, {"map_per_s", map_per_s}, {"apply_per_s", apply_per_s},
            {"map_before_ns_per_item", map_before_ns_per_item}, {"map_work_ns_per_item", map_work_ns_per_item},
            {"map_after_ns_per_item", map_after_ns_per_item}};
  }
};
BenchSample& SampleOf(ParentContext& parent) { return parent.outcome<BenchSample>(); }
const BenchSample& SampleOf(const TrialResult& result) {
  const BenchSample* sample = result.Outcome<BenchSample>();
  if (sample == nullptr) throw RunError("a benchmark run of " + result.lesson_id + " measured nothing");
  return *sample;
}

struct BenchCounter {
  std::atomic<int64_t> value{0};
  RobustMutex lock;
};

// <child-code>
// Two children increment one shared counter `count` times each, in one of three ways.
int IncrementMany(ChildContext& child) {
  BenchCounter& counter = child.Shared<BenchCounter>("counter");
  const int64_t count = child.param("count");
  const int64_t mode = child.param("mode");
  child.Emit(EventKind::kTaskStart, 0, count);
  for (int64_t i = 0; i < count; ++i) {
    if (mode == kUnlocked) {  // load + store: fast, and loses updates
      counter.value.store(counter.value.load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
    } else if (mode == kLocked) {  // the robust lock around the same load + store
      counter.lock.Lock(child.index());
      counter.value.store(counter.value.load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
      counter.lock.Unlock();
    } else {  // one atomic read-modify-write instruction (lock xadd)
      counter.value.fetch_add(1, std::memory_order_relaxed);
    }
  }
  child.Emit(EventKind::kTaskEnd, 0, count);
  return 0;
}

// One producer puts `count` small integers into the shared queue; the parent gets them.
int ProduceMany(ChildContext& child) {
  SharedQueue& queue = *SharedQueue::Find(child.segment(), "queue");
  QueueCaller caller = ChildQueueCaller(child);
  caller.emit = nullptr;  // untraced: we measure the queue, not the tracing
  const int64_t count = child.param("count");
  for (int64_t i = 0; i < count; ++i)
    if (queue.Put(QueueItem{i, 0, 0}, caller) != QueueStatus::kOk) return 1;
  return 0;
}

// One child emits `count` trace events as fast as it can.
int EmitMany(ChildContext& child) {
  const int64_t count = child.param("count");
  child.Emit(EventKind::kTaskStart, 0, count);
  for (int64_t i = 0; i < count; ++i) child.Emit(EventKind::kResult, i);
  child.Emit(EventKind::kTaskEnd, 0, count);
  return 0;
}

// Pool workers compute cubes.
int64_t Cube(int32_t, int64_t x, int64_t) { return x * x * x; }
int CubeWorker(ChildContext& child) { return ServePool(child, Cube); }
// </child-code>

int ReturnAtOnce(ChildContext&) { return 0; }

ParamSpec Count(int64_t max) {
  return {.name = "count", .label = {"Count", "数量"}, .default_value = 1000, .min = 0, .max = max, .help = {"items", "数量"}};
}

// Time between the first kTaskStart and the last kTaskEnd over every child.
double TaskSpanSeconds(const ParentContext& parent) {
  int64_t first = INT64_MAX, last = 0;
  for (int c = 0; c < parent.child_count(); ++c)
    for (const Event& e : parent.trace().lane(c)) {
      if (e.kind == EventKind::kTaskStart) first = std::min(first, e.t_ns);
      if (e.kind == EventKind::kTaskEnd) last = std::max(last, e.t_ns);
    }
  return last > first ? static_cast<double>(last - first) / 1e9 : 0.0;
}

const Lesson& NoopBench() {
  static const Lesson lesson{
      .id = "bench-noop",
      .title = {"start and join", "启动与等待"},
      .params = {{.name = "processes", .label = {"Processes", "进程数"}, .default_value = 2, .min = 1, .max = 64, .help = {"n", "n"}}},
      .child_count = [](const ParamValues& p) { return static_cast<int>(p.Get("processes")); },
      .child = ReturnAtOnce,
  };
  return lesson;
}

const Lesson& IncrementBench() {
  static const Lesson lesson{
      .id = "bench-increment",
      .title = {"increments", "自增"},
      .params = {Count(100'000'000),
                 {.name = "mode",
                  .label = {"Increment kind", "自增方式"},
                  .kind = ParamKind::kChoice,
                  .choices = {"unlocked", "locked", "atomic"},
                  .help = {"how", "方式"}}},
      .child_count = [](const ParamValues&) { return 2; },
      .setup = [](ParentContext& p) { p.segment().Construct<BenchCounter>("counter"); },
      .child = IncrementMany,
      .parent =
          [](ParentContext& parent) {
            parent.WaitChildren();
            const double seconds = TaskSpanSeconds(parent);
            SampleOf(parent).per_s =
                seconds > 0 ? 2.0 * static_cast<double>(parent.param("count")) / seconds : 0.0;
          },
  };
  return lesson;
}

const Lesson& QueueBench() {
  static const Lesson lesson{
      .id = "bench-queue",
      .title = {"queue items", "队列元素"},
      .params = {Count(100'000'000)},
      .child_count = [](const ParamValues&) { return 1; },
      .shared_bytes = [](const ParamValues&) { return SharedQueue::BytesFor(4096) + 4096; },
      .setup = [](ParentContext& p) { SharedQueue::Construct(p.segment(), "queue", 4096); },
      .child = ProduceMany,
      .parent =
          [](ParentContext& parent) {
            SharedQueue& queue = *SharedQueue::Find(parent.segment(), "queue");
            QueueCaller caller = ParentQueueCaller(parent);
            caller.emit = nullptr;
            const int64_t count = parent.param("count");
            const int64_t start = parent.release_ns();
            QueueItem item;
            for (int64_t i = 0; i < count; ++i)
              if (queue.Get(&item, caller, 10'000'000'000) != QueueStatus::kOk || item.value != i)
                throw RunError("the queue benchmark lost or reordered an item");
            const double seconds = static_cast<double>(MonotonicNs() - start) / 1e9;
            SampleOf(parent).per_s = static_cast<double>(count) / seconds;
            parent.WaitChildren();
          },
  };
  return lesson;
}

const Lesson& PoolBench() {
  static const Lesson lesson{
      .id = "bench-pool",
      .title = {"pool", "进程池"},
      .params = {Count(10'000'000),
                 {.name = "tasks", .label = {"Tasks", "任务数"}, .default_value = 2000, .min = 1, .max = 1'000'000, .help = {"n", "n"}},
                 {.name = "workers", .label = {"Workers", "工作进程数"}, .default_value = 2, .min = 1, .max = 64, .help = {"n", "n"}}},
      .child_count = [](const ParamValues& p) { return static_cast<int>(p.Get("workers")); },
      .shared_bytes = [](const ParamValues& p) { return ProcessPool::SharedBytes(p.Get("count")); },
      .setup = [](ParentContext& p) { ProcessPool::Setup(p, /*trace=*/false); },
      .child = CubeWorker,
      .parent =
          [](ParentContext& parent) {
            ProcessPool pool(parent, PoolOptions{.trace = false});
            std::vector<int64_t> inputs(static_cast<size_t>(parent.param("count")));
            for (size_t i = 0; i < inputs.size(); ++i) inputs[i] = static_cast<int64_t>(i % 1000);
            // The figure is a map on a started, warm pool, as Python's is (compare_python.py
            // maps the same items once before it measures): one untimed map of the same size.
            pool.Map(0, inputs);
            pool.ResetWorkSpan();
            int64_t start = MonotonicNs();
            const std::vector<int64_t> cubes = pool.Map(0, inputs);
            const int64_t end = MonotonicNs();
            const double map_s = static_cast<double>(end - start) / 1e9;
            if (cubes.size() != inputs.size() || cubes.back() != Cube(0, inputs.back(), 0))
              throw RunError("the pool benchmark got wrong results");
            // Where the map's time went, from the workers' own clocks: before the first chunk,
            // working, after the last.
            const int64_t first = pool.work_span().first_start_ns, last = pool.work_span().last_end_ns;
            const double n = static_cast<double>(inputs.size());
            SampleOf(parent).map_before_ns_per_item = static_cast<double>(first - start) / n;
            SampleOf(parent).map_work_ns_per_item = static_cast<double>(last - first) / n;
            SampleOf(parent).map_after_ns_per_item = static_cast<double>(end - last) / n;

            const int64_t tasks = parent.param("tasks");
            std::vector<AsyncResult> handles;
            handles.reserve(static_cast<size_t>(tasks));
            start = MonotonicNs();
            for (int64_t i = 0; i < tasks; ++i) handles.push_back(pool.ApplyAsync(0, i % 1000));
            for (int64_t i = 0; i < tasks; ++i)
              if (handles[static_cast<size_t>(i)].GetValue() != Cube(0, i % 1000, 0))
                throw RunError("the pool benchmark got a wrong apply_async result");
            const double apply_s = static_cast<double>(MonotonicNs() - start) / 1e9;
            pool.Close();
            pool.Join();
            SampleOf(parent).map_per_s = static_cast<double>(inputs.size()) / map_s;
            SampleOf(parent).apply_per_s = static_cast<double>(tasks) / apply_s;
          },
  };
  return lesson;
}

const Lesson& TraceBench() {
  static const Lesson lesson{
      .id = "bench-trace",
      .title = {"trace events", "跟踪事件"},
      .params = {Count(100'000'000)},
      .child_count = [](const ParamValues&) { return 1; },
      .child = EmitMany,
      .parent =
          [](ParentContext& parent) {
            parent.WaitChildren();
            SampleOf(parent).ns =
                TaskSpanSeconds(parent) * 1e9 / static_cast<double>(parent.param("count"));
          },
  };
  return lesson;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

// The parent's drain: copy a full ring of events out, in-process (no child needed to measure a
// memcpy-bound loop).
double DrainEventsPerSecond(int64_t events) {
  const uint32_t capacity = 1u << 20;
  std::vector<std::byte> memory(EventRing::BytesFor(capacity) + 64);
  void* aligned = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(memory.data()) + 63) & ~uintptr_t{63});
  EventRing* ring = EventRing::Create(aligned, capacity);
  std::vector<Event> out;
  out.reserve(capacity);
  int64_t drained = 0, spent_ns = 0;
  while (drained < events) {
    for (uint32_t i = 0; i < capacity; ++i) ring->Push(Event{i, 0, EventKind::kResult, ValueType::kInt, 0, i, i});
    out.clear();
    const int64_t start = MonotonicNs();
    drained += static_cast<int64_t>(ring->Drain(out));
    spent_ns += MonotonicNs() - start;
  }
  return static_cast<double>(drained) / (static_cast<double>(spent_ns) / 1e9);
}

// --- the lesson `costs` ----------------------------------------------------------------------

enum Size : int64_t { kQuick, kFull };
enum PythonToo : int64_t { kPythonOff, kPythonOn };

std::string FindExecutable(const char* name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (!candidate.starts_with("/")) {  // only absolute directories: never run from "."
    } else if (access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return {};
}

std::string FindComparisonScript() {
  std::error_code error;
  const std::filesystem::path& script = ThisInstall().bench_script;
  return std::filesystem::exists(script, error) ? script.string() : std::string();
}

// Runs python3 compare_python.py --python-only --json and returns its figures, or a note on why
// there are none. Polls the run while waiting, so Stop works; never waits more than 5 minutes.
std::optional<PythonCosts> MeasurePython(ParentContext& parent, bool quick, RunNote* note) {
  const std::string python = FindExecutable("python3");
  const std::string script = FindComparisonScript();
  if (python.empty()) {
    *note = {"python3 is not installed here, so only ProcLab's figures are shown.",
             "这里没有安装 python3，所以只显示 ProcLab 的数据。"};
    return std::nullopt;
  }
  if (script.empty()) {
    *note = {"bench/compare_python.py was not found, so only ProcLab's figures are shown.",
             "找不到 bench/compare_python.py，所以只显示 ProcLab 的数据。"};
    return std::nullopt;
  }
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    *note = {"cannot start python3 (no pipe).", "无法启动 python3（无法创建管道）。"};
    return std::nullopt;
  }
  std::vector<std::string> args = {python, script, "--python-only", "--json"};
  if (quick) args.push_back("--quick");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (error != 0) {
    close(out[0]);
    *note = {"cannot start python3.", "无法启动 python3。"};
    return std::nullopt;
  }
  std::string text;
  const int64_t deadline = MonotonicNs() + 300'000'000'000;
  try {
    char buffer[4096];
    while (true) {
      pollfd fd{out[0], POLLIN, 0};
      if (poll(&fd, 1, 50) > 0) {
        const ssize_t n = read(out[0], buffer, sizeof buffer);
        if (n <= 0) break;
        text.append(buffer, static_cast<size_t>(n));
      }
      parent.Poll();  // throws RunStopped on Stop / Ctrl-C
      if (MonotonicNs() > deadline) throw RunError("python3 took more than 5 minutes");
    }
  } catch (...) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(out[0]);
    throw;
  }
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  try {
    const nlohmann::json figures = nlohmann::json::parse(text);
    return PythonCosts::FromJson(figures.contains("python") ? figures.at("python") : figures);
  } catch (const nlohmann::json::exception&) {
    const std::string code = std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    *note = {"python3's measurement did not finish (exit status " + code + ").",
             "python3 的测量没有完成（退出状态 " + code + "）。"};
    return std::nullopt;
  }
}

void MeasureEverything(ParentContext& parent) {
  const bool quick = parent.param("size") == kQuick;
  BenchOptions options;
  options.quick = quick;
  options.should_stop = [&parent] {
    parent.Poll();  // a stop request throws RunStopped out of the measurement
    return false;
  };
  CostsOutcome& out = parent.outcome<CostsOutcome>();
  out.proclab = MeasurePrimitives(options);
  if (parent.param("python") == kPythonOn)
    out.python = MeasurePython(parent, quick, &out.python_note);
  else
    out.python_note = {"Python was not measured (--python off).", "没有测量 Python（python 参数为 off）。"};
  if (!out.python_note.en.empty()) parent.Note(out.python_note.en, out.python_note.zh);
}

void CostsTranscript(const TrialResult& result, Language language, std::vector<std::string>& out) {
  const CostsOutcome* costs = result.Outcome<CostsOutcome>();
  if (costs == nullptr || !costs->proclab) return;
  for (std::string& line : FormatBenchTable(*costs->proclab, costs->python ? &*costs->python : nullptr, language))
    out.push_back(std::move(line));
}

}  // namespace

const Lesson& CostsLesson() {
  static const Lesson lesson{
      .id = "costs",
      .title = {"What things cost", "各种操作的代价"},
      .purpose = {"Measure what a process, a lock, a queue item and a pool task cost on this machine.",
                  "在这台机器上测量进程、锁、队列元素和进程池任务各自的代价。"},
      .params =
          {
              {.name = "size",
               .label = {"Size", "规模"},
               .kind = ParamKind::kChoice,
               .default_value = kQuick,
               .choices = {"quick", "full"},
               .help = {"quick: a few seconds; full: the benchmark's full sizes (about a minute).",
                        "quick：几秒钟；full：完整规模（约一分钟）。"}},
              {.name = "python",
               .label = {"Measure Python too", "也测量 Python"},
               .kind = ParamKind::kChoice,
               .default_value = kPythonOn,
               .choices = {"off", "on"},
               .help = {"Also measure Python's multiprocessing (needs python3).",
                        "同时测量 Python 的 multiprocessing（需要 python3）。"}},
          },
      .child_count = [](const ParamValues&) { return 0; },  // the measurements start their own
      .child = ReturnAtOnce,
      .parent = MeasureEverything,
      .transcript = CostsTranscript,
      .python = {R"(import multiprocessing as mp, time

def cube(x):
    return x * x * x

with mp.get_context('fork').Pool() as pool:
    start = time.perf_counter()
    pool.map(cube, range(1_000_000))
    print(1_000_000 / (time.perf_counter() - start), 'items/s')
)"},  // no comments: the same in Chinese
      .views = {"costs", "transcript"},
  };
  return lesson;
}

std::span<const Lesson* const> BenchLessons() {
  static const Lesson* const kLessons[] = {&NoopBench(), &IncrementBench(), &QueueBench(),
                                           &PoolBench(), &TraceBench()};
  return kLessons;
}

namespace {

// Parts of ProcLab's costs that one process can measure alone (no hand-off to another).
double RobustLockPairNs(int64_t count) {
  RobustMutex mutex;
  const int64_t start = MonotonicNs();
  for (int64_t i = 0; i < count; ++i) {
    mutex.Lock(0);
    mutex.Unlock();
  }
  return static_cast<double>(MonotonicNs() - start) / static_cast<double>(count);
}

double QueuePairNs(int64_t count) {
  const uint32_t capacity = 4096;
  std::vector<std::byte> memory(SharedQueue::BytesFor(capacity) + 64);
  void* aligned = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(memory.data()) + 63) & ~uintptr_t{63});
  SharedQueue* queue = SharedQueue::Create(aligned, capacity, sizeof(QueueItem));
  const QueueCaller caller;  // untraced
  QueueItem item;
  const int64_t start = MonotonicNs();
  for (int64_t i = 0; i < count; ++i) {
    queue->Put(QueueItem{i, 0, 0}, caller);
    queue->Get(&item, caller);
  }
  const int64_t spent = MonotonicNs() - start;
  if (item.value != count - 1) throw RunError("the queue lost an item in one process");
  queue->~SharedQueue();
  return static_cast<double>(spent) / static_cast<double>(count);
}

double ClockReadNs(int64_t count) {
  uint64_t sum = 0;  // unsigned: a sum of clock readings wraps, and only has to be kept
  const int64_t start = MonotonicNs();
  for (int64_t i = 0; i < count; ++i) sum += static_cast<uint64_t>(TraceTicks());
  Keep(sum);
  return static_cast<double>(MonotonicNs() - start) / static_cast<double>(count);
}

std::string Beside(const std::string& program, const char* name) {
  return (std::filesystem::path(program).parent_path() / name).string();
}

// A figure's samples beside its limit's: medians, spread, and whether the limit came out faster
// than ProcLab in every sample.
size_t FigureIndex(std::string_view key) {
  for (size_t i = 0; i < std::size(kBenchFigures); ++i)
    if (key == kBenchFigures[i].key) return i;
  throw std::logic_error("no bench figure " + std::string(key));
}

size_t PartIndex(std::string_view key) {
  for (size_t i = 0; i < std::size(kBenchParts); ++i)
    if (key == kBenchParts[i].key) return i;
  throw std::logic_error("no bench part " + std::string(key));
}

void Record(PrimitiveCosts& costs, std::string_view key, const std::vector<double>& ours,
            const std::vector<double>& limit) {
  const size_t index = FigureIndex(key);
  const BenchFigure& figure = kBenchFigures[index];
  MeasuredFigure measured;
  measured.value = Median(ours);
  measured.limit = Median(limit);
  measured.of_limit = figure.larger_is_better ? measured.value / measured.limit : measured.limit / measured.value;
  const auto [our_min, our_max] = std::minmax_element(ours.begin(), ours.end());
  const auto [limit_min, limit_max] = std::minmax_element(limit.begin(), limit.end());
  measured.value_min = *our_min;
  measured.value_max = *our_max;
  measured.limit_min = *limit_min;
  measured.limit_max = *limit_max;
  measured.limit_suspect = figure.larger_is_better ? *our_min > *limit_max : *our_max < *limit_min;
  costs.figures[index] = measured;
}

void RecordPart(PrimitiveCosts& costs, std::string_view key, double value) { costs.parts[PartIndex(key)] = value; }

}  // namespace

PrimitiveCosts MeasurePrimitives(const BenchOptions& options) {
  const int repeats = options.quick ? 3 : 5;
  const int cpus = CpuCount();
  const std::string worker = options.worker_path.empty() ? Run::DefaultWorkerPath() : options.worker_path;
  const std::string noop = options.noop_path.empty() ? Beside(worker, "proclab-noop") : options.noop_path;
  if (access(noop.c_str(), X_OK) != 0)
    throw RunError("cannot find " + noop + " (the static no-op the start + join limit starts)");
  auto stop_check = [&] {
    if (options.should_stop && options.should_stop()) throw RunStopped{};
  };
  // A large ring is prefaulted: the figure is the steady cost of an event, not of a page fault.
  auto run = [&](const Lesson& lesson, std::vector<std::pair<const char*, int64_t>> values,
                 uint32_t ring_capacity = 1u << 15) {
    stop_check();
    ParamValues params(lesson.params);
    for (const auto& [name, value] : values) params.Set(name, value);
    RunOptions run_options;
    run_options.worker_path = worker;
    run_options.ring_capacity = ring_capacity;
    run_options.prefault_rings = ring_capacity > (1u << 15);
    Run run(lesson, params, run_options);
    TrialResult result = run.Execute();
    for (const ChildRecord& child : result.children)
      if (child.state != ChildState::kExited || child.exit_status != 0)
        throw RunError("a benchmark child of " + std::string(lesson.id) + " failed: " +
                       std::string(ChildStateName(child.state)) + " " +
                       std::to_string(child.state == ChildState::kKilled ? child.signal
                                                                         : child.exit_status));
    return result;
  };
  // Each measurement once to warm up, then `repeats` rounds of all of them in turn: a figure's
  // samples alternate with its limit's. Returns the samples of each measurement.
  auto alternate = [&](const char* key, const std::vector<std::function<double()>>& measures) {
    if (options.on_progress) options.on_progress(key);
    for (const auto& measure : measures) {
      stop_check();
      measure();
    }
    std::vector<std::vector<double>> samples(measures.size());
    for (int r = 0; r < repeats; ++r)
      for (size_t i = 0; i < measures.size(); ++i) {
        stop_check();
        samples[i].push_back(measures[i]());
      }
    return samples;
  };

  PrimitiveCosts costs;
  costs.repeats = repeats;

  // Start + join: several runs per sample (one run of `cpus` children is under a millisecond).
  const int rounds = options.quick ? 3 : 10;
  auto spawn = alternate("spawn_join_ms_per_proc", {
      [&] {
        const int64_t start = MonotonicNs();
        for (int i = 0; i < rounds; ++i) run(NoopBench(), {{"processes", cpus}});
        return NsToMs(MonotonicNs() - start) / (rounds * cpus);
      },
      [&] { return SpawnJoinMsPerProc({noop}, cpus, rounds); },
      [&] { return SpawnJoinMsPerProc({worker, "--exit"}, cpus, rounds); }});
  Record(costs, "spawn_join_ms_per_proc", spawn[0], spawn[1]);
  RecordPart(costs, "worker_start_ms_per_proc", Median(spawn[2]));

  const int64_t increments = options.quick ? 200'000 : 1'000'000;
  auto increments_with = [&](int64_t mode) {
    return SampleOf(run(IncrementBench(), {{"count", increments}, {"mode", mode}})).per_s;
  };
  auto unlocked = alternate("unlocked_increments_per_s", {
      [&] { return increments_with(kUnlocked); }, [&] { return LimitLoadStorePerS(increments); }});
  Record(costs, "unlocked_increments_per_s", unlocked[0], unlocked[1]);
  auto locked = alternate("locked_increments_per_s", {
      [&] { return increments_with(kLocked); }, [&] { return LimitLockPairsPerS(2 * increments); },
      [&] { return RobustLockPairNs(2 * increments); }});
  Record(costs, "locked_increments_per_s", locked[0], locked[1]);
  RecordPart(costs, "lock_pair_ns", Median(locked[2]));
  auto atomic = alternate("atomic_increments_per_s", {
      [&] { return increments_with(kAtomic); }, [&] { return LimitFetchAddPerS(increments); }});
  Record(costs, "atomic_increments_per_s", atomic[0], atomic[1]);

  const int64_t items = options.quick ? 200'000 : 1'000'000;
  auto queue = alternate("queue_items_per_s", {
      [&] { return SampleOf(run(QueueBench(), {{"count", items}})).per_s; },
      [&] { return LimitRingItemsPerS(items, 4096); },
      [&] { return QueuePairNs(items); }});
  Record(costs, "queue_items_per_s", queue[0], queue[1]);
  RecordPart(costs, "queue_pair_ns", Median(queue[2]));

  const int64_t tasks = options.quick ? 2'000 : 20'000;
  std::vector<double> apply_samples;
  std::vector<std::vector<double>> map_parts(3);
  const char* map_part_keys[] = {"map_before_ns_per_item", "map_work_ns_per_item", "map_after_ns_per_item"};
  auto pool = alternate("pool_map_items_per_s", {
      [&] {
        const TrialResult result = run(PoolBench(), {{"count", items}, {"tasks", tasks}, {"workers", cpus}});
        apply_samples.push_back(SampleOf(result).apply_per_s);
        const BenchSample& sample = SampleOf(result);
        const double parts[] = {sample.map_before_ns_per_item, sample.map_work_ns_per_item,
                                sample.map_after_ns_per_item};
        for (size_t i = 0; i < 3; ++i) map_parts[i].push_back(parts[i]);
        return SampleOf(result).map_per_s;
      },
      [&] { return LimitPlainLoopItemsPerS(items, cpus); },
      [&] { return LimitRoundTripsPerS(tasks, cpus, ProcessPool::kTaskCapacity); }});
  apply_samples.erase(apply_samples.begin());  // the warm-up
  Record(costs, "pool_map_items_per_s", pool[0], pool[1]);
  Record(costs, "pool_apply_async_tasks_per_s", apply_samples, pool[2]);
  for (size_t i = 0; i < 3; ++i) {
    map_parts[i].erase(map_parts[i].begin());
    RecordPart(costs, map_part_keys[i], Median(map_parts[i]));
  }

  const int64_t events = options.quick ? 1'000'000 : 4'000'000;
  auto trace = alternate("trace_ns_per_event", {
      [&] { return SampleOf(run(TraceBench(), {{"count", events}}, 1u << 23)).ns; },
      [&] { return LimitEventNs(events); },
      [&] { return ClockReadNs(events); }});
  Record(costs, "trace_ns_per_event", trace[0], trace[1]);
  RecordPart(costs, "clock_read_ns", Median(trace[2]));
  auto drain = alternate("trace_drain_events_per_s", {
      [&] { return DrainEventsPerSecond(events); }, [&] { return LimitEventCopyPerS(events); }});
  Record(costs, "trace_drain_events_per_s", drain[0], drain[1]);
  return costs;
}

}  // namespace proclab

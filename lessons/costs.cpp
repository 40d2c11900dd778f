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

extern char** environ;

namespace proclab {

const BenchFigure kBenchFigures[9] = {
    {"spawn_join_ms_per_proc", "ms", false},
    {"unlocked_increments_per_s", "/s", true},
    {"locked_increments_per_s", "/s", true},
    {"atomic_increments_per_s", "/s", true},
    {"queue_items_per_s", "/s", true},
    {"pool_map_items_per_s", "/s", true},
    {"pool_apply_async_tasks_per_s", "/s", true},
    {"trace_ns_per_event", "ns", false},
    {"trace_drain_events_per_s", "/s", true},
};

namespace {

enum IncrementMode : int64_t { kUnlocked, kLocked, kAtomic };

// What a measuring run or the lesson found: named figures (and, for the lesson, Python's and the
// ratios), kept as the JSON object the CLI prints.
struct Figures : LessonOutcome {
  nlohmann::json values = nlohmann::json::object();
  nlohmann::json ToJson() const override { return values; }
};
nlohmann::json& FiguresOf(ParentContext& parent) { return parent.outcome<Figures>().values; }
const nlohmann::json& FiguresOf(const TrialResult& result) {
  static const nlohmann::json kNone = nlohmann::json::object();
  const Figures* figures = result.Outcome<Figures>();
  return figures != nullptr ? figures->values : kNone;
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
  return {.name = "count", .default_value = 1000, .min = 0, .max = max, .help = {"items", "数量"}};
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
      .params = {{.name = "processes", .default_value = 2, .min = 1, .max = 64, .help = {"n", "n"}}},
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
            FiguresOf(parent)["per_s"] =
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
            FiguresOf(parent)["per_s"] = static_cast<double>(count) / seconds;
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
                 {.name = "tasks", .default_value = 2000, .min = 1, .max = 1'000'000, .help = {"n", "n"}},
                 {.name = "workers", .default_value = 2, .min = 1, .max = 64, .help = {"n", "n"}}},
      .child_count = [](const ParamValues& p) { return static_cast<int>(p.Get("workers")); },
      .shared_bytes = [](const ParamValues& p) { return ProcessPool::SharedBytes(p.Get("count")); },
      .setup = [](ParentContext& p) { ProcessPool::Setup(p, /*trace=*/false); },
      .child = CubeWorker,
      .parent =
          [](ParentContext& parent) {
            ProcessPool pool(parent, PoolOptions{.trace = false});
            pool.Map(0, std::vector<int64_t>(64, 3));  // the pool is started and warm
            std::vector<int64_t> inputs(static_cast<size_t>(parent.param("count")));
            for (size_t i = 0; i < inputs.size(); ++i) inputs[i] = static_cast<int64_t>(i % 1000);
            int64_t start = MonotonicNs();
            const std::vector<int64_t> cubes = pool.Map(0, inputs);
            const double map_s = static_cast<double>(MonotonicNs() - start) / 1e9;
            if (cubes.size() != inputs.size() || cubes.back() != Cube(0, inputs.back(), 0))
              throw RunError("the pool benchmark got wrong results");

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
            FiguresOf(parent)["map_per_s"] = static_cast<double>(inputs.size()) / map_s;
            FiguresOf(parent)["apply_per_s"] = static_cast<double>(tasks) / apply_s;
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
            FiguresOf(parent)["ns"] =
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
nlohmann::json MeasurePython(ParentContext& parent, bool quick, RunNote* note) {
  const std::string python = FindExecutable("python3");
  const std::string script = FindComparisonScript();
  if (python.empty()) {
    *note = {"python3 is not installed here, so only ProcLab's figures are shown.",
             "这里没有安装 python3，所以只显示 ProcLab 的数据。"};
    return nullptr;
  }
  if (script.empty()) {
    *note = {"bench/compare_python.py was not found, so only ProcLab's figures are shown.",
             "找不到 bench/compare_python.py，所以只显示 ProcLab 的数据。"};
    return nullptr;
  }
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    *note = {"cannot start python3 (no pipe).", "无法启动 python3（无法创建管道）。"};
    return nullptr;
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
    return nullptr;
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
    nlohmann::json figures = nlohmann::json::parse(text);
    if (figures.contains("python")) figures = figures.at("python");
    return figures;
  } catch (const nlohmann::json::exception&) {
    const std::string code = std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    *note = {"python3's measurement did not finish (exit status " + code + ").",
             "python3 的测量没有完成（退出状态 " + code + "）。"};
    return nullptr;
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
  nlohmann::json& out = FiguresOf(parent);
  out["proclab"] = MeasurePrimitives(options);
  RunNote note;
  out["python"] = parent.param("python") == kPythonOn ? MeasurePython(parent, quick, &note)
                                                       : nlohmann::json(nullptr);
  if (parent.param("python") == kPythonOff)
    note = {"Python was not measured (--python off).", "没有测量 Python（--python off）。"};
  // How many times better ProcLab is, per figure Python also has.
  nlohmann::json ratios = nlohmann::json::object();
  if (out["python"].is_object())
    for (const BenchFigure& figure : kBenchFigures) {
      const nlohmann::json& py = out["python"].value(figure.key, nlohmann::json(nullptr));
      const double ours = out["proclab"].at(figure.key).get<double>();
      if (!py.is_number() || py.get<double>() <= 0 || ours <= 0) continue;
      ratios[figure.key] = figure.larger_is_better ? ours / py.get<double>() : py.get<double>() / ours;
    }
  out["ratios"] = ratios;
  if (!note.en.empty()) {
    out["python_note"] = note.en;
    out["python_note_zh"] = note.zh;
    parent.Note(note.en, note.zh);
  }
}

void CostsTranscript(const TrialResult& result, Language, std::vector<std::string>& out) {
  const nlohmann::json& o = FiguresOf(result);
  if (!o.contains("proclab")) return;
  char line[160];
  std::snprintf(line, sizeof line, "%-30s %16s %16s %8s", "figure", "ProcLab (C++)", "Python",
                "ratio");
  out.push_back(line);
  for (const BenchFigure& figure : kBenchFigures) {
    const double ours = o.at("proclab").at(figure.key).get<double>();
    std::string py = "-", ratio = "";
    if (o.at("python").is_object() && o.at("python").value(figure.key, nlohmann::json()).is_number()) {
      char text[32];
      const double value = o.at("python").at(figure.key).get<double>();
      std::snprintf(text, sizeof text, value < 100 ? "%.3f %s" : "%.0f %s", value, figure.unit);
      py = text;
    }
    if (o.at("ratios").contains(figure.key)) {
      char text[32];
      std::snprintf(text, sizeof text, "%.1fx", o.at("ratios").at(figure.key).get<double>());
      ratio = text;
    }
    char value[32];
    std::snprintf(value, sizeof value, ours < 100 ? "%.3f %s" : "%.0f %s", ours, figure.unit);
    std::snprintf(line, sizeof line, "%-30s %16s %16s %8s", figure.key, value, py.c_str(),
                  ratio.c_str());
    out.push_back(line);
  }
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
               .kind = ParamKind::kChoice,
               .default_value = kQuick,
               .choices = {"quick", "full"},
               .help = {"quick: a few seconds; full: the benchmark's full sizes (about a minute).",
                        "quick：几秒钟；full：完整规模（约一分钟）。"}},
              {.name = "python",
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
      .python = R"(import multiprocessing as mp, time

def cube(x):
    return x * x * x

with mp.get_context('fork').Pool() as pool:
    start = time.perf_counter()
    pool.map(cube, range(1_000_000))
    print(1_000_000 / (time.perf_counter() - start), 'items/s')
)",
      .views = {"costs", "transcript"},
  };
  return lesson;
}

std::span<const Lesson* const> BenchLessons() {
  static const Lesson* const kLessons[] = {&NoopBench(), &IncrementBench(), &QueueBench(),
                                           &PoolBench(), &TraceBench()};
  return kLessons;
}

nlohmann::json MeasurePrimitives(const BenchOptions& options) {
  const int repeats = options.quick ? 3 : 5;
  const int cpus = CpuCount();
  // A large ring is prefaulted: the figure is the steady cost of an event, not of a page fault.
  auto run = [&](const Lesson& lesson, std::vector<std::pair<const char*, int64_t>> values,
                 uint32_t ring_capacity = 1u << 15) {
    if (options.should_stop && options.should_stop()) throw RunStopped{};
    ParamValues params(lesson.params);
    for (const auto& [name, value] : values) params.Set(name, value);
    RunOptions run_options;
    run_options.worker_path = options.worker_path;
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
  // Warm-up once, then the median of `repeats` measurements.
  auto median_of = [&](const char* key, const std::function<double()>& measure) {
    if (options.on_progress) options.on_progress(key);
    measure();
    std::vector<double> samples;
    for (int i = 0; i < repeats; ++i) samples.push_back(measure());
    return Median(samples);
  };

  nlohmann::json figures;
  figures["spawn_join_ms_per_proc"] = median_of("spawn_join_ms_per_proc", [&] {
    const int64_t start = MonotonicNs();
    run(NoopBench(), {{"processes", cpus}});
    return NsToMs(MonotonicNs() - start) / cpus;
  });
  const int64_t increments = options.quick ? 200'000 : 1'000'000;
  const char* increment_keys[] = {"unlocked_increments_per_s", "locked_increments_per_s",
                                  "atomic_increments_per_s"};
  for (int64_t mode : {kUnlocked, kLocked, kAtomic})
    figures[increment_keys[mode]] = median_of(increment_keys[mode], [&] {
      return FiguresOf(run(IncrementBench(), {{"count", increments}, {"mode", mode}}))
          .at("per_s")
          .get<double>();
    });
  const int64_t items = options.quick ? 200'000 : 1'000'000;
  figures["queue_items_per_s"] = median_of("queue_items_per_s", [&] {
    return FiguresOf(run(QueueBench(), {{"count", items}})).at("per_s").get<double>();
  });
  double apply_sample = 0;
  std::vector<double> apply_samples;
  figures["pool_map_items_per_s"] = median_of("pool_map_items_per_s", [&] {
    const TrialResult result = run(PoolBench(), {{"count", items},
                                                 {"tasks", options.quick ? 2'000 : 20'000},
                                                 {"workers", cpus}});
    apply_sample = FiguresOf(result).at("apply_per_s").get<double>();
    apply_samples.push_back(apply_sample);
    return FiguresOf(result).at("map_per_s").get<double>();
  });
  apply_samples.erase(apply_samples.begin());  // the warm-up
  figures["pool_apply_async_tasks_per_s"] = Median(apply_samples);
  const int64_t events = options.quick ? 1'000'000 : 4'000'000;
  figures["trace_ns_per_event"] = median_of("trace_ns_per_event", [&] {
    return FiguresOf(run(TraceBench(), {{"count", events}}, 1u << 23)).at("ns").get<double>();
  });
  figures["trace_drain_events_per_s"] = median_of("trace_drain_events_per_s", [&] {
    return DrainEventsPerSecond(events);
  });
  return figures;
}

}  // namespace proclab

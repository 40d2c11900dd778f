// Lesson `pool` (tutorial section 7): a pool of worker processes.
// Teaches: a pool starts its workers once and feeds them tasks through a queue, saving a process
// start per task; map cuts the input into chunks and still returns results in input order;
// chunksize trades messaging overhead against balance; apply runs one call and waits; the async
// forms return a handle at once and run callbacks in the parent; close, join and terminate end
// the pool; a failing task or a dying worker becomes a clear error instead of a hang.
// The pool itself is core/process_pool.*; this file holds the tasks and drives one run.
#include <signal.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "core/clock.hpp"
#include "core/process_pool.hpp"
#include "lessons/common.hpp"
#include "lessons/lessons.hpp"

namespace proclab {
namespace {

enum Task : int32_t { kCube, kSquare, kSlow, kFail, kCrash };
enum Mode : int64_t { kMap, kApply, kMapAsync, kApplyAsync };
constexpr size_t kMaxValuesInTranscript = 40;

// <child-code>
// The function a worker runs on one item (Python: def cube(x): return x ** 3).
// `arg` is the delay for `slow`, and the unlucky item for `fail` and `crash`.
int64_t RunTask(int32_t task, int64_t x, int64_t arg) {
  switch (task) {
    case kSquare: return x * x;
    case kSlow: std::this_thread::sleep_for(std::chrono::milliseconds(arg)); break;
    case kFail:
      if (x == arg) throw std::runtime_error("cube(" + std::to_string(x) + ") failed on purpose");
      break;
    case kCrash:
      if (x == arg) raise(SIGKILL);  // this worker dies mid-task; the pool must cope
      break;
  }
  return x * x * x;
}

// Each worker process: take a task from the pool's task queue, run it, put the result on the
// result queue, and repeat until the pool is closed.
int PoolWorker(ChildContext& child) { return ServePool(child, RunTask); }
// </child-code>

int64_t TaskArg(const ParamValues& p) {
  const int64_t task = p.Get("task");
  if (task == kSlow) return p.Get("delay-ms");
  return p.Get("items") / 2;  // fail / crash: the middle item
}

nlohmann::json NullOr(double ms, bool present) {
  return present ? nlohmann::json(ms) : nlohmann::json(nullptr);
}

void DrivePool(ParentContext& parent) {
  const int64_t items = parent.param("items");
  const int32_t task = static_cast<int32_t>(parent.param("task"));
  const int64_t arg = TaskArg(parent.params());
  const int64_t chunksize = parent.param("chunksize");
  std::vector<int64_t> inputs(static_cast<size_t>(items));
  for (int64_t i = 0; i < items; ++i) inputs[static_cast<size_t>(i)] = i;  // range(items)

  ProcessPool pool(parent);
  nlohmann::json callbacks = nlohmann::json::array();
  auto fired = [&](const char* which, const nlohmann::json& about) {
    nlohmann::json entry = about;
    entry["callback"] = which;
    entry["ms"] = parent.trace().Ms(MonotonicNs());
    callbacks.push_back(std::move(entry));
  };
  std::vector<int64_t> result;
  std::string error;
  try {
    switch (parent.param("mode")) {
      case kMap:
        result = pool.Map(task, inputs, chunksize, arg);
        break;
      case kApply:  // one call at a time: each apply waits for its answer
        for (int64_t x : inputs) result.push_back(pool.Apply(task, x, arg));
        break;
      case kMapAsync: {
        AsyncResult handle = pool.MapAsync(
            task, inputs, chunksize, arg,
            [&](const std::vector<int64_t>& values) {
              fired("callback", {{"values", values.size()}});
            },
            [&](const std::string& message) { fired("error_callback", {{"error", message}}); });
        handle.Wait(std::chrono::hours(24));
        result = handle.Get();
        break;
      }
      case kApplyAsync: {
        std::vector<AsyncResult> handles;
        for (int64_t x : inputs)
          handles.push_back(pool.ApplyAsync(
              task, x, arg,
              [&, x](const std::vector<int64_t>& values) {
                fired("callback", {{"item", x}, {"value", values.front()}});
              },
              [&, x](const std::string& message) {
                fired("error_callback", {{"item", x}, {"error", message}});
              }));
        for (AsyncResult& handle : handles) result.push_back(handle.GetValue());
        break;
      }
    }
  } catch (const PoolTaskError& e) {
    error = e.what();
  }
  pool.Close();
  pool.Join();

  nlohmann::json& outcome = parent.outcome();
  outcome["result"] = error.empty() ? nlohmann::json(result) : nlohmann::json(nullptr);
  outcome["error"] = error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error);
  outcome["chunksize"] = chunksize > 0 ? chunksize : ProcessPool::AutoChunksize(items, pool.worker_count());
  std::vector<PoolChunk> chunks = pool.chunks();
  std::stable_sort(chunks.begin(), chunks.end(), [](const PoolChunk& a, const PoolChunk& b) {
    return a.first < b.first;
  });
  nlohmann::json chunk_json = nlohmann::json::array();
  for (const PoolChunk& chunk : chunks)
    chunk_json.push_back({{"worker", chunk.worker + 1},
                          {"pid", chunk.pid},
                          {"first", chunk.first},
                          {"last", chunk.last},
                          {"start_ms", NullOr(parent.trace().Ms(chunk.start_ns), chunk.start_ns != 0)},
                          {"end_ms", NullOr(parent.trace().Ms(chunk.end_ns), chunk.end_ns != 0)},
                          {"ok", chunk.ok}});
  outcome["chunks"] = std::move(chunk_json);
  outcome["callbacks"] = std::move(callbacks);
  nlohmann::json states = nlohmann::json::array();
  for (const PoolStateChange& change : pool.states())
    states.push_back({{"state", change.state}, {"ms", parent.trace().Ms(change.t_ns)}});
  outcome["pool_states"] = std::move(states);
  outcome["replacements"] = pool.replacements();
}

std::string PythonList(const nlohmann::json& values) {
  std::string text = "[";
  size_t shown = 0;
  for (const nlohmann::json& value : values) {
    if (shown == kMaxValuesInTranscript) {
      text += ", ... " + std::to_string(values.size() - shown) + " more";
      break;
    }
    text += (shown++ == 0 ? "" : ", ") + std::to_string(value.get<int64_t>());
  }
  return text + "]";
}

void Transcript(const TrialResult& result, std::vector<std::string>& out) {
  const nlohmann::json& params = result.params;
  const nlohmann::json& outcome = result.outcome;
  const std::string mode = params.at("mode").get<std::string>();
  const std::string task = params.at("task").get<std::string>();
  const int64_t workers = params.at("workers").get<int64_t>();
  std::string call = mode + "(" + task + ", range(" +
                     std::to_string(params.at("items").get<int64_t>()) + ")";
  if (mode == "apply" || mode == "apply_async")
    call = "one " + mode + "(" + task + ", (x,)) per x in range(" +
           std::to_string(params.at("items").get<int64_t>()) + ")";
  else
    call += (outcome.contains("chunksize")
                 ? ", chunksize=" + std::to_string(outcome.at("chunksize").get<int64_t>()) +
                       (params.at("chunksize").get<int64_t>() == 0 ? " (automatic)" : "")
                 : std::string()) +
            ")";
  out.push_back("A pool of " + std::to_string(workers) + " worker processes runs " + call + ".");
  if (!outcome.contains("chunks")) return;
  size_t shown = 0;
  for (const nlohmann::json& chunk : outcome.at("chunks")) {
    if (shown++ == kMaxValuesInTranscript) {
      out.push_back("  ... " + std::to_string(outcome.at("chunks").size() - kMaxValuesInTranscript) +
                    " more tasks (all of them with --json)");
      break;
    }
    const int64_t first = chunk.at("first").get<int64_t>(), last = chunk.at("last").get<int64_t>();
    std::string line = "  " + (first == last ? "item " + std::to_string(first)
                                             : "items " + std::to_string(first) + ".." +
                                                   std::to_string(last)) +
                       " on worker pid " + std::to_string(chunk.at("pid").get<int64_t>());
    if (!chunk.at("start_ms").is_null())
      line += ", " + FormatMs(chunk.at("start_ms").get<double>()) + " to " +
              FormatMs(chunk.at("end_ms").get<double>());
    if (!chunk.at("ok").get<bool>()) line += "  FAILED";
    out.push_back(line);
  }
  for (const nlohmann::json& callback : outcome.at("callbacks")) {
    std::string line = "  " + callback.at("callback").get<std::string>() + " ran in the parent";
    if (callback.contains("item")) line += " for item " + std::to_string(callback.at("item").get<int64_t>());
    if (callback.contains("value")) line += ": " + std::to_string(callback.at("value").get<int64_t>());
    if (callback.contains("values"))
      line += " with " + std::to_string(callback.at("values").get<int64_t>()) + " results";
    if (callback.contains("error")) line += ": " + callback.at("error").get<std::string>();
    out.push_back(line);
  }
  for (const nlohmann::json& replacement : outcome.at("replacements"))
    out.push_back("  " + replacement.get<std::string>());
  if (outcome.at("error").is_null())
    out.push_back(PythonList(outcome.at("result")));
  else
    out.push_back("Error: " + outcome.at("error").get<std::string>());
  std::string states;
  for (const nlohmann::json& state : outcome.at("pool_states"))
    states += (states.empty() ? "" : ", ") + state.at("state").get<std::string>() + " at " +
              FormatMs(state.at("ms").get<double>());
  out.push_back("Pool: " + states + ".");
}

}  // namespace

const Lesson& PoolLesson() {
  static const Lesson lesson{
      .id = "pool",
      .title = {"Process pools", "进程池"},
      .purpose = {"Start worker processes once and feed them tasks: map, apply, the async forms "
                  "with callbacks, close, join.",
                  "只启动一次工作进程并不断给它们分派任务：map、apply、异步形式与回调、close、join。"},
      .params =
          {
              {.name = "workers",
               .default_value = 2,
               .min = 1,
               .max = 64,
               .help = {"How many worker processes the pool starts (default: one per CPU).",
                        "进程池启动多少个工作进程（默认：每个 CPU 一个）。"},
               .default_is_cpu_count = true},
              {.name = "items",
               .default_value = 10,
               .min = 0,
               .max = 1'000'000,
               .help = {"The inputs are range(items).", "输入为 range(items)。"}},
              {.name = "chunksize",
               .default_value = 0,
               .min = 0,
               .max = 1'000'000,
               .help = {"Items per map task; 0 chooses like Python: items / (4 x workers), "
                        "rounded up.",
                        "map 每个任务包含的元素数；0 表示按 Python 的规则自动选择：items / (4 x "
                        "workers)，向上取整。"}},
              {.name = "task",
               .kind = ParamKind::kChoice,
               .default_value = kCube,
               .choices = {"cube", "square", "slow", "fail", "crash"},
               .help = {"What each worker computes: x**3, x**2, x**3 after sleeping delay-ms, "
                        "x**3 but raising for item items/2, or x**3 but dying by SIGKILL at "
                        "item items/2.",
                        "每个工作进程计算什么：x**3、x**2、先睡 delay-ms 再算 x**3、对第 items/2 "
                        "个元素抛出异常、或在第 items/2 个元素处被 SIGKILL 杀死。"}},
              {.name = "delay-ms",
               .default_value = 100,
               .min = 0,
               .max = 10'000,
               .help = {"How long the slow task sleeps per item.", "slow 任务对每个元素睡眠多少毫秒。"}},
              {.name = "mode",
               .kind = ParamKind::kChoice,
               .default_value = kMap,
               .choices = {"map", "apply", "map_async", "apply_async"},
               .help = {"How the parent hands out the work.", "父进程以哪种方式分派工作。"}},
          },
      .child_count = [](const ParamValues& p) { return static_cast<int>(p.Get("workers")); },
      .shared_bytes = [](const ParamValues& p) { return ProcessPool::SharedBytes(p.Get("items")); },
      .setup = [](Segment& segment, const ParamValues&) { ProcessPool::Setup(segment); },
      .child = PoolWorker,
      .parent = DrivePool,
      .transcript = Transcript,
      .python = R"(from multiprocessing import Pool

def cube(x):
    return x ** 3

if __name__ == "__main__":
    with Pool() as pool:                      # one worker per CPU
        print(pool.map(cube, range(10)))      # [0, 1, 8, ..., 729]
        done = pool.apply_async(cube, (4,), callback=print)
        print(done.get(timeout=5))            # 64
        pool.close()
        pool.join()
)",
      .views = {LessonView::kPool, LessonView::kLanes, LessonView::kProcesses,
                LessonView::kTranscript},
  };
  return lesson;
}

}  // namespace proclab

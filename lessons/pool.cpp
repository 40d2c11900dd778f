// Lesson `pool` (tutorial section 7): a pool of worker processes.
// Teaches: a pool starts its workers once and feeds them tasks through a queue, saving a process
// start per task; map cuts the input into chunks and still returns results in input order;
// chunksize trades messaging overhead against balance; apply runs one call and waits; the async
// forms return a handle at once and run callbacks in the parent; close, join and terminate end
// the pool; a failing task or a dying worker becomes a clear error instead of a hang.
// The pool itself is core/process_pool.*; this file holds the tasks and drives one run.
#include <signal.h>

#include <algorithm>
#include <regex>
#include <stdexcept>
#include <thread>

#include "core/clock.hpp"
#include "core/process_pool.hpp"
#include "lessons/common.hpp"
#include "lessons/pool.hpp"

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

}  // namespace

void PoolOutcome::Conclude(const TrialResult& r) {
  const RunFacts& facts = r.facts;
  const PoolFacts* pool = facts.pool(kPoolId);
  if (pool == nullptr) return;
  tasks = pool->tasks;
  std::stable_sort(tasks.begin(), tasks.end(),
                   [](const PoolTaskFact& a, const PoolTaskFact& b) { return a.first < b.first; });
  task_pids.clear();
  for (const PoolTaskFact& task : tasks)
    task_pids.push_back(task.lane >= 0 && task.lane < facts.children() ? facts.child(task.lane).record.pid : -1);
  callbacks = pool->callbacks;
  states = pool->states;
  replacements.clear();
  replacements_zh.clear();
  for (const PoolReplacementFact& rep : pool->replacements) {
    if (rep.dead_lane < 0 || rep.dead_lane >= facts.children()) continue;
    const ChildFacts& dead = facts.child(rep.dead_lane);
    const std::string pid = std::to_string(dead.record.pid);
    std::string text = "worker pid " + pid + " " + HowItEnded(dead, Language::kEnglish);
    std::string zh = "工作进程 pid " + pid + " " + HowItEnded(dead, Language::kChinese);
    if (rep.new_lane >= 0 && rep.new_lane < facts.children()) {
      const std::string fresh = std::to_string(facts.child(rep.new_lane).record.pid);
      text += "; worker pid " + fresh + " replaces it";
      zh += "；工作进程 pid " + fresh + " 接替它";
    }
    replacements.push_back(text);
    replacements_zh.push_back(zh);
  }
  error_zh = error.empty() ? std::string() : PoolErrorText(error).zh;
}

Sentence PoolErrorText(const std::string& en) {
  // The forms core/process_pool.cpp and this lesson's tasks write; a new form shows in English
  // until it is added here (tests/test_chinese.cpp finds it).
  static const std::regex worker(
      R"(worker pid (\d+) (?:was killed by signal (\d+) \((\w+)\)|exited with status (-?\d+)) while running (?:(apply)\((-?\d+)\)|items? (\S+?))(; worker pid (\d+) replaces it)?)");
  static const std::regex task(R"((\w+)\((-?\d+)\) failed on purpose)");
  std::smatch m;
  std::string zh;
  if (std::regex_search(en, m, worker)) {
    zh = "工作进程 pid " + m[1].str() +
         (m[2].matched ? " 被信号 " + m[2].str() + "（" + m[3].str() + "）杀死" : " 以状态 " + m[4].str() + " 退出") +
         "，当时正在运行" + (m[5].matched ? "apply(" + m[6].str() + ")" : "第 " + m[7].str() + " 项") +
         (m[8].matched ? "；工作进程 pid " + m[9].str() + " 接替它" : "");
  } else if (std::regex_search(en, m, task)) {
    zh = m[1].str() + "(" + m[2].str() + ") 按设定失败（故意的）";
  } else if (en == "no worker is left to run the pool's tasks") {
    zh = "没有剩下的工作进程来运行进程池的任务";
  } else if (en == "the pool was terminated before this task finished") {
    zh = "这个任务完成之前，进程池就被终止了";
  } else if (en == "the pool's workers exited before this task finished") {
    zh = "这个任务完成之前，进程池的工作进程就退出了";
  }
  return {en, zh};
}

nlohmann::json PoolOutcome::ToJson() const {
  nlohmann::json chunks = nlohmann::json::array();
  for (size_t i = 0; i < tasks.size(); ++i) {
    const PoolTaskFact& task = tasks[i];
    chunks.push_back({{"worker", task.lane + 1},
                      {"pid", task_pids[i]},
                      {"first", task.first},
                      {"last", task.last},
                      {"start_ms", Ms(task.start_ns)},
                      {"end_ms", task.end_ns != 0 ? nlohmann::json(Ms(task.end_ns)) : nlohmann::json(nullptr)},
                      {"ok", task.ok}});
  }
  nlohmann::json calls = nlohmann::json::array();
  for (const PoolCallbackFact& c : callbacks)
    calls.push_back({{"callback", c.error ? "error_callback" : "callback"}, {"value", c.value}, {"ms", Ms(c.t_ns)}});
  nlohmann::json state_list = nlohmann::json::array();
  for (const PoolStateFact& state : states)
    state_list.push_back({{"state", PoolStateName(state.state)}, {"ms", Ms(state.t_ns)}});
  return {{"result", error.empty() ? nlohmann::json(result) : nlohmann::json(nullptr)},
          {"error", error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error)},
          {"chunksize", chunksize},
          {"chunks", std::move(chunks)},
          {"callbacks", std::move(calls)},
          {"pool_states", std::move(state_list)},
          {"replacements", replacements}};
}

namespace {

void DrivePool(ParentContext& parent) {
  const int64_t items = parent.param("items");
  const int32_t task = static_cast<int32_t>(parent.param("task"));
  const int64_t arg = TaskArg(parent.params());
  const int64_t chunksize = parent.param("chunksize");
  std::vector<int64_t> inputs(static_cast<size_t>(items));
  for (int64_t i = 0; i < items; ++i) inputs[static_cast<size_t>(i)] = i;  // range(items)

  PoolOutcome& outcome = parent.outcome<PoolOutcome>();
  ProcessPool pool(parent);
  // The callbacks run in the parent; the pool records each one as an event (kPoolCallback).
  auto nothing = [](const std::vector<int64_t>&) {};
  auto no_error = [](const std::string&) {};
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
        AsyncResult handle = pool.MapAsync(task, inputs, chunksize, arg, nothing, no_error);
        handle.Wait(std::chrono::hours(24));
        result = handle.Get();
        break;
      }
      case kApplyAsync: {
        std::vector<AsyncResult> handles;
        for (int64_t x : inputs) handles.push_back(pool.ApplyAsync(task, x, arg, nothing, no_error));
        for (AsyncResult& handle : handles) result.push_back(handle.GetValue());
        break;
      }
    }
  } catch (const PoolTaskError& e) {
    error = e.what();
  }
  pool.Close();
  pool.Join();
  outcome.result = std::move(result);
  outcome.error = error;
  outcome.automatic_chunksize = chunksize == 0;
  outcome.chunksize = chunksize > 0 ? chunksize : ProcessPool::AutoChunksize(items, pool.worker_count());
}

std::string PoolStateZh(PoolState state) {
  switch (state) {
    case PoolState::kRunning: return "运行中（running）";
    case PoolState::kClosed: return "已关闭（closed）";
    case PoolState::kTerminated: return "已终止（terminated）";
    case PoolState::kJoined: return "已 join（joined）";
  }
  return "?";
}

std::string PythonList(const std::vector<int64_t>& values) {
  std::string text = "[";
  size_t shown = 0;
  for (int64_t value : values) {
    if (shown == kMaxValuesInTranscript) {
      text += ", ... " + std::to_string(values.size() - shown) + " more";
      break;
    }
    text += (shown++ == 0 ? "" : ", ") + std::to_string(value);
  }
  return text + "]";
}

void Transcript(const TrialResult& result, Language l, std::vector<std::string>& out) {
  const ParamValues& params = result.params;
  const std::string mode = params.Text("mode");
  const std::string task = params.Text("task");
  const int64_t workers = params.Get("workers");
  const int64_t items = params.Get("items");
  const PoolOutcome* o = result.Outcome<PoolOutcome>();
  std::string call = mode + "(" + task + ", range(" + std::to_string(items) + ")";
  if (mode == "apply" || mode == "apply_async")
    call = Pick(l, "one " + mode + "(" + task + ", (x,)) per x in range(" + std::to_string(items) + ")",
                "对 range(" + std::to_string(items) + ") 中的每个 x 调用一次 " + mode + "(" + task + ", (x,))");
  else
    call += (o != nullptr ? ", chunksize=" + std::to_string(o->chunksize) +
                                (o->automatic_chunksize ? Pick(l, " (automatic)", "（自动）") : "")
                          : std::string()) +
            ")";
  out.push_back(Pick(l, "A pool of " + std::to_string(workers) + " worker processes runs " + call + ".",
                     "一个有 " + std::to_string(workers) + " 个工作进程的进程池运行 " + call + "。"));
  if (o == nullptr) return;
  const RunFacts& facts = result.facts;
  size_t shown = 0;
  for (size_t i = 0; i < o->tasks.size(); ++i) {
    const PoolTaskFact& chunk = o->tasks[i];
    if (shown++ == kMaxValuesInTranscript) {
      out.push_back(Pick(l, "  ... " + std::to_string(o->tasks.size() - kMaxValuesInTranscript) + " more tasks (all of them with --json)",
                         "  …… 还有 " + std::to_string(o->tasks.size() - kMaxValuesInTranscript) + " 个任务（--json 列出全部）"));
      break;
    }
    const std::string which = chunk.first == chunk.last
                                  ? std::to_string(chunk.first)
                                  : std::to_string(chunk.first) + ".." + std::to_string(chunk.last);
    const std::string from = FormatMs(facts.Ms(chunk.start_ns), l);
    const std::string to = FormatMs(facts.Ms(chunk.end_ns != 0 ? chunk.end_ns : chunk.start_ns), l);
    const std::string pid = std::to_string(o->task_pids[i]);
    std::string line = Pick(l, "  " + std::string(chunk.first == chunk.last ? "item " : "items ") + which +
                                   " on worker pid " + pid + ", " + from + " to " + to,
                            "  第 " + which + " 项在工作进程 pid " + pid + " 上运行，" + from + " 到 " + to);
    if (!chunk.ok) line += Pick(l, "  FAILED", "  失败");
    out.push_back(line);
  }
  // Who got work, from the tasks' own pids: one worker taking everything is a fact to explain.
  std::vector<std::pair<int, int>> per_worker;  // pid, tasks, in order of first task
  for (const int pid : o->task_pids) {
    auto it = std::find_if(per_worker.begin(), per_worker.end(), [&](const auto& w) { return w.first == pid; });
    if (it == per_worker.end()) per_worker.emplace_back(pid, 1);
    else ++it->second;
  }
  if (!per_worker.empty()) {
    const std::string got = std::to_string(per_worker.size());
    const std::string of = std::to_string(facts.children());
    std::string who_en, who_zh;
    for (const auto& [pid, count] : per_worker) {
      who_en += (who_en.empty() ? "" : ", ") + std::string("pid ") + std::to_string(pid) + " took " + std::to_string(count);
      who_zh += (who_zh.empty() ? "" : "，") + std::string("pid ") + std::to_string(pid) + " 拿到 " + std::to_string(count) + " 个";
    }
    const std::string tasks = std::to_string(o->tasks.size());
    if (o->tasks.size() < static_cast<size_t>(facts.children()))
      out.push_back(Pick(l, got + " of " + of + " workers got tasks (" + who_en + "): there are " + tasks + " tasks for " + of + " workers.",
                         of + " 个工作进程中有 " + got + " 个拿到任务（" + who_zh + "）：" + tasks + " 个任务分给 " + of + " 个工作进程。"));
    else if (per_worker.size() < static_cast<size_t>(facts.children()))
      out.push_back(Pick(l, got + " of " + of + " workers got tasks (" + who_en + "). A worker that is free first takes "
                             "the next task: these ended so soon that the same worker was free again before another asked.",
                         of + " 个工作进程中有 " + got + " 个拿到任务（" + who_zh + "）。先空闲的工作进程拿下一个任务："
                             "这些任务结束得太快，别的工作进程还没来要，同一个工作进程就又空闲了。"));
    else
      out.push_back(Pick(l, "All " + of + " workers got tasks (" + who_en + ").",
                         "全部 " + of + " 个工作进程都拿到了任务（" + who_zh + "）。"));
  }
  for (const PoolCallbackFact& callback : o->callbacks) {
    const std::string name = callback.error ? "error_callback" : "callback";
    const std::string ms = FormatMs(facts.Ms(callback.t_ns), l);
    const std::string value = std::to_string(callback.value);
    out.push_back(Pick(l, "  " + name + " ran in the parent at " + ms +
                              (callback.error ? std::string() : mode == "map_async" ? " with " + value + " results" : ": " + value),
                       "  " + name + " 在 " + ms + " 于父进程中运行" +
                              (callback.error ? std::string() : mode == "map_async" ? "，带着 " + value + " 个结果" : "：" + value)));
  }
  const std::vector<std::string>& replacements = l == Language::kChinese ? o->replacements_zh : o->replacements;
  for (const std::string& replacement : replacements) out.push_back("  " + replacement);
  if (o->error.empty())
    out.push_back(PythonList(o->result));
  else
    out.push_back(Pick(l, "Error: " + o->error, "错误：" + (o->error_zh.empty() ? o->error : o->error_zh)));
  std::string states;
  for (const PoolStateFact& state : o->states) {
    const std::string ms = FormatMs(facts.Ms(state.t_ns), l);
    const std::string name(PoolStateName(state.state));
    states += (states.empty() ? "" : Pick(l, ", ", "，")) + Pick(l, name + " at " + ms, ms + " 时为 " + PoolStateZh(state.state));
  }
  out.push_back(Pick(l, "Pool: " + states + ".", "进程池：" + states + "。"));
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
               .label = {"Workers", "工作进程数"},
               .default_value = 2,
               .min = 1,
               .max = 64,
               .help = {"How many worker processes the pool starts (default: one per CPU).",
                        "进程池启动多少个工作进程（默认：每个 CPU 一个）。"},
               .default_is_cpu_count = true},
              {.name = "items",
               .label = {"Items", "输入个数"},
               .default_value = 10,
               .min = 0,
               .max = 1'000'000,
               .help = {"How many inputs: range(items) in Python.", "输入的个数：即 Python 的 range(items)。"}},
              {.name = "chunksize",
               .label = {"Chunk size (0: automatic)", "块大小（0：自动）"},
               .default_value = 0,
               .min = 0,
               .max = 1'000'000,
               .help = {"Items per map task; 0 chooses like Python: the items divided by four "
                        "times the workers, rounded up.",
                        "map 每个任务包含的输入个数；0 表示按 Python 的规则自动选择：输入个数除以工作"
                        "进程数的四倍，向上取整。"}},
              {.name = "task",
               .label = {"Task", "任务"},
               .kind = ParamKind::kChoice,
               // slow by default: a chunk that takes 100 ms outlasts a worker's start, so the
               // work spreads; cube's chunks end in microseconds and one worker can take them all.
               .default_value = kSlow,
               .choices = {"cube", "square", "slow", "fail", "crash"},
               .help = {"What each worker computes: cube x**3, square x**2, slow (x**3 after the delay per "
                        "item), fail (x**3 but raising for the middle item) or crash (x**3 but dying "
                        "by SIGKILL at the middle item).",
                        "每个工作进程计算什么：cube 求 x**3，square 求 x**2，slow 先等“每个输入的延时”"
                        "再算 x**3，fail 对中间那个输入抛出异常，crash 在中间那个输入处被 SIGKILL 杀死。"}},
              {.name = "delay-ms",
               .label = {"Delay per item (ms)", "每个输入的延时（毫秒）"},
               .default_value = 50,
               .min = 0,
               .max = 10'000,
               .help = {"How long the slow task sleeps per item, in milliseconds.",
                        "slow 任务对每个输入睡眠多少毫秒。"}},
              {.name = "mode",
               .label = {"How work is handed out", "分派方式"},
               .kind = ParamKind::kChoice,
               .default_value = kMap,
               .choices = {"map", "apply", "map_async", "apply_async"},
               .help = {"How the parent hands out the work.", "父进程以哪种方式分派工作。"}},
          },
      .child_count = [](const ParamValues& p) { return static_cast<int>(p.Get("workers")); },
      .shared_bytes = [](const ParamValues& p) { return ProcessPool::SharedBytes(p.Get("items")); },
      .setup = [](ParentContext& parent) { ProcessPool::Setup(parent); },
      .child = PoolWorker,
      .parent = DrivePool,
      .transcript = Transcript,
      .python = {R"(from multiprocessing import Pool

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
                 R"(from multiprocessing import Pool

def cube(x):
    return x ** 3

if __name__ == "__main__":
    with Pool() as pool:                      # 每个 CPU 一个工作进程
        print(pool.map(cube, range(10)))      # [0, 1, 8, ..., 729]
        done = pool.apply_async(cube, (4,), callback=print)
        print(done.get(timeout=5))            # 64
        pool.close()
        pool.join()
)"},
      .views = {"pool", "lanes", "processes", "transcript"},
  };
  return lesson;
}

}  // namespace proclab

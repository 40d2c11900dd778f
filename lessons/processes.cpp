// Lesson `processes` (tutorial section 1): create, start and join processes.
// Teaches: each child is a separate program instance with its own pid and memory; the parent
// starts them, then waits in join until each has exited, and learns how each one ended
// (an exit status, or the signal that killed it).
#include <algorithm>

#include "core/clock.hpp"
#include "lessons/common.hpp"
#include "lessons/processes.hpp"

namespace proclab {
namespace {

enum Fail : int64_t { kNone, kExit, kCrash };

// <child-code>
// Each child squares the numbers 0 .. work-1, like the tutorial's square_numbers().
int SquareNumbers(ChildContext& child) {
  const int64_t work = child.param("work");
  child.Emit(EventKind::kTaskStart, 0, work - 1);
  int64_t result = 0;
  for (int64_t i = 0; i < work; ++i) {
    result = i * i;
    Keep(result);  // the compiler may not skip the work
  }
  child.Emit(EventKind::kTaskEnd, 0, work - 1);
  child.Emit(EventKind::kResult, result);

  // --fail makes the last child end badly, to show exit codes and signals.
  const bool last = child.index() == child.count() - 1;
  if (last && child.param("fail") == kExit) return 3;
  if (last && child.param("fail") == kCrash) {
    volatile int* volatile nowhere = nullptr;
    *nowhere = 1;  // a real invalid write: the kernel kills us with SIGSEGV
  }
  return 0;
}
// </child-code>

}  // namespace

void ProcessesOutcome::Conclude(const TrialResult& result) {
  const RunFacts& facts = result.facts;
  joins.clear();
  joined = 0;
  int64_t first = 0, last = 0;
  for (const JoinFact& join : facts.joins()) {
    if (join.end_ns == 0) continue;
    joins.push_back({join.lane, NsToMs(join.end_ns - join.begin_ns)});
    ++joined;
    if (first == 0) first = join.begin_ns;
    last = std::max(last, join.end_ns);
  }
  wait_ms = first != 0 ? NsToMs(last - first) : 0.0;
}

nlohmann::json ProcessesOutcome::ToJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const Join& join : joins) list.push_back({{"child", join.child + 1}, {"wait_ms", join.wait_ms}});
  return {{"joined", joined}, {"wait_ms", wait_ms}, {"joins", std::move(list)}};
}

namespace {

void JoinAll(ParentContext& parent) {
  // Like `for p in processes: p.join()`: wait for each child in turn, timing each wait.
  parent.outcome<ProcessesOutcome>();
  for (int c = 0; c < parent.child_count(); ++c) {
    parent.Emit(EventKind::kJoinBegin, c);
    parent.WaitUntil([&] { return parent.child(c).done(); }, std::chrono::hours(24 * 365));
    parent.Emit(EventKind::kJoinEnd, c);
  }
}

void Transcript(const TrialResult& result, Language l, std::vector<std::string>& out) {
  const std::string work = std::to_string(result.params.Get("work"));
  const std::string n = std::to_string(result.children.size());
  out.push_back(Pick(l, "Parent starts " + n + " children (os.cpu_count() is " + std::to_string(CpuCount()) +
                            "); each squares " + work + " numbers.",
                     "父进程启动 " + n + " 个子进程（os.cpu_count() 为 " + std::to_string(CpuCount()) +
                            "）；每个子进程计算 " + work + " 个数的平方。"));
  std::vector<TimedLine> timed;
  AddLifecycleLines(result, l, timed);
  for (const JoinFact& join : result.facts.joins())
    if (join.end_ns != 0) {
      const std::string child = std::to_string(join.lane + 1);
      const std::string ms = FormatMs(NsToMs(join.end_ns - join.begin_ns), l);
      timed.push_back({join.end_ns, Pick(l, "Parent: join() of child " + child + " returned after " + ms,
                                         "父进程：对子进程 " + child + " 的 join() 等待 " + ms + " 后返回")});
    }
  AppendSorted(timed, out);
  if (const auto* o = result.Outcome<ProcessesOutcome>())
    out.push_back(Pick(l, "Parent waited " + FormatMs(o->wait_ms) + " in join(); " + std::to_string(o->joined) +
                              " of " + n + " children joined.",
                       "父进程在 join() 中共等待 " + FormatMs(o->wait_ms, l) + "；" + n + " 个子进程中有 " +
                              std::to_string(o->joined) + " 个被 join。"));
}

}  // namespace

const Lesson& ProcessesLesson() {
  static const Lesson lesson{
      .id = "processes",
      .title = {"Creating, starting and joining processes", "创建、启动和等待进程"},
      .purpose = {"Start real child processes, wait for them, and read how each one ended.",
                  "启动真实的子进程，等待它们结束，并查看每个进程是如何结束的。"},
      .params =
          {
              {.name = "processes",
               .label = {"Processes", "进程数"},
               .default_value = 2,
               .min = 1,
               .max = 64,
               .help = {"How many child processes to start (default: one per CPU).",
                        "启动多少个子进程（默认：每个 CPU 一个）。"},
               .default_is_cpu_count = true},
              {.name = "work",
               .label = {"Numbers each child squares", "每个子进程求平方的个数"},
               .default_value = 1000,
               .min = 0,
               .max = 1'000'000'000,
               .help = {"How many numbers each child squares.", "每个子进程要计算平方的数字个数。"}},
              {.name = "fail",
               .label = {"How the last child fails", "最后一个子进程如何失败"},
               .kind = ParamKind::kChoice,
               .default_value = kNone,
               .choices = {"none", "exit", "crash"},
               .help = {"Make the last child exit with status 3 (exit) or die by SIGSEGV (crash).",
                        "让最后一个子进程以状态码 3 退出（exit），或因 SIGSEGV 崩溃（crash）。"}},
          },
      .child_count = [](const ParamValues& p) { return static_cast<int>(p.Get("processes")); },
      .child = SquareNumbers,
      .parent = JoinAll,
      .transcript = Transcript,
      .python = {R"(from multiprocessing import Process
import os

def square_numbers(work):
    for i in range(work):
        result = i * i

procs = [Process(target=square_numbers, args=(1000,))
         for _ in range(os.cpu_count())]
for p in procs: p.start()
for p in procs: p.join()      # wait for each to exit
print([p.exitcode for p in procs])
)",
                 R"(from multiprocessing import Process
import os

def square_numbers(work):
    for i in range(work):
        result = i * i

procs = [Process(target=square_numbers, args=(1000,))
         for _ in range(os.cpu_count())]
for p in procs: p.start()
for p in procs: p.join()      # 等每个进程退出
print([p.exitcode for p in procs])
)"},
      .views = {"processes", "lanes", "transcript"},
  };
  return lesson;
}

}  // namespace proclab

// Lesson `deadlock` (after the tutorial's sections, before `costs`): two locks taken in opposite
// order. Teaches: each child holds one lock and waits for another that the next child holds; the
// waits form a cycle, and none can ever go on. ProcLab reads the cycle from the run's facts
// (the wait-for graph of the lock events), names who waits for whom, and ends the children.
// Taking the locks in one agreed order (--order same) breaks every cycle.
#include <algorithm>
#include <array>
#include <csignal>
#include <string>

#include "core/clock.hpp"
#include "core/facts/explain.hpp"
#include "core/robust_mutex.hpp"
#include "lessons/common.hpp"

namespace proclab {
namespace {

constexpr int kMaxChildren = 8;
enum Order : int64_t { kOpposite, kSame };
constexpr const char* kLocksName = "locks";

struct DeadlockLocks {
  RobustMutex locks[kMaxChildren];  // lock A, lock B, ... (ids 0, 1, ...)
};

// Which two locks child `i` of `n` needs, in the order it takes them.
std::pair<uint32_t, uint32_t> LocksOf(int i, int n, int64_t order) {
  const auto mine = static_cast<uint32_t>(i);
  const auto next = static_cast<uint32_t>((i + 1) % n);
  if (order == kSame) return {std::min(mine, next), std::max(mine, next)};
  return {mine, next};  // each child starts with its own lock, then wants its neighbour's
}

// <child-code>
// Each child needs two locks: its own and its neighbour's. It takes one, works a while
// holding it, then asks for the other. With --order opposite, child 1 takes A then B while
// child 2 takes B then A: each ends up holding what the other waits for.
int TakeTwoLocks(ChildContext& child) {
  DeadlockLocks& shared = child.Shared<DeadlockLocks>(kLocksName);
  const auto [first_id, second_id] =
      LocksOf(child.index(), child.count(), child.param("order"));
  TracedLock first(shared.locks[first_id], child.emit(), child.index(), first_id);
  TracedLock second(shared.locks[second_id], child.emit(), child.index(), second_id);

  first.lock();                          // with first_lock:
  child.SleepMs(child.param("hold-ms"));  //     do some work while holding it
  second.lock();                         //     with second_lock:  <- may wait forever
  child.SleepMs(1);                      //         use both
  second.unlock();
  first.unlock();
  return 0;
}
// </child-code>

std::string LockLetter(uint32_t id) { return std::string("lock ") + static_cast<char>('A' + id); }

void Setup(ParentContext& parent) {
  parent.segment().Construct<DeadlockLocks>(kLocksName);
  const int n = static_cast<int>(parent.param("processes"));
  for (int i = 0; i < n; ++i)
    parent.Declare(ObjectKind::kLock, static_cast<uint32_t>(i), LockLetter(static_cast<uint32_t>(i)));
}

// What the run found: the cycle, if one formed, and when it formed and was seen.
struct DeadlockOutcome : LessonOutcome {
  std::optional<Deadlock> deadlock;
  int64_t detected_ns = 0;

  nlohmann::json ToJson() const override {
    nlohmann::json out = {{"deadlock", nullptr}};
    if (!deadlock) return out;
    nlohmann::json cycle = nlohmann::json::array();
    for (const DeadlockEdge& edge : deadlock->cycle)
      cycle.push_back({{"child", edge.lane + 1}, {"holds", edge.holds}, {"waits_for", edge.waits_for}});
    out["deadlock"] = {{"cycle", std::move(cycle)},
                       {"formed_ms", Ms(deadlock->formed_ns)},
                       {"detected_ms", Ms(detected_ns)}};
    return out;
  }
};

// A cycle in the wait-for graph is a deadlock once it holds still: none of its processes has
// said anything for this long (events reach the parent within milliseconds, so a cycle that
// is only an artefact of an undrained release cannot last this long).
constexpr int64_t kSettleNs = 30'000'000;

void WatchForDeadlock(ParentContext& parent) {
  DeadlockOutcome& out = parent.outcome<DeadlockOutcome>();
  size_t events_seen = 0;
  int64_t quiet_since = 0;
  while (true) {
    bool all_done = true;
    for (const ChildRecord& c : parent.children()) all_done = all_done && c.done();
    if (all_done) return;
    const std::optional<Deadlock> cycle = parent.facts().FindDeadlock();
    const size_t events = parent.trace().size();
    const int64_t now = MonotonicNs();
    if (!cycle || events != events_seen) {
      events_seen = events;
      quiet_since = now;
    } else if (now - quiet_since >= kSettleNs) {
      out.deadlock = cycle;
      out.detected_ns = now;
      parent.ReportStall(StallCause::kDeadlock, cycle->cycle.front().waits_for,
                         (now - cycle->formed_ns) / 1'000'000);
      const Sentence why = ExplainDeadlock(parent.facts(), *cycle);
      parent.Note(why.en + " ProcLab ended the children.", why.zh + "ProcLab 已结束这些子进程。");
      parent.KillAll(SIGKILL, KillReason::kStall);
      parent.WaitChildren(std::chrono::seconds(5));
      return;
    }
    parent.Wait(std::chrono::milliseconds(5));
  }
}

void Transcript(const TrialResult& result, Language l, std::vector<std::string>& out) {
  const RunFacts& facts = result.facts;
  const std::string n = std::to_string(result.params.Get("processes"));
  const int64_t order = result.params.Get("order");
  const std::string hold = std::to_string(result.params.Get("hold-ms"));
  out.push_back(Pick(l, n + " children, " + n + " locks; each child takes " +
                            (order == kSame ? "the lower-lettered of its two locks first"
                                            : "its own lock first, then its neighbour's") +
                            ", holding the first for " + hold + " ms.",
                     n + " 个子进程，" + n + " 把锁；每个子进程先拿" +
                            (order == kSame ? "它的两把锁中字母靠前的那把" : "自己的锁，再拿邻居的锁") +
                            "，拿到第一把后持有 " + hold + " 毫秒。"));
  std::vector<TimedLine> timed;
  for (const auto& [id, lock] : facts.locks())
    for (const LockSpan& span : lock.spans) {
      if (span.lane < 0 || span.lane >= facts.children()) continue;
      const std::string who = ChildName(facts.child(span.lane).record, l);
      const std::string what = LockName(facts, id, l);
      const std::string ms = FormatMs(facts.Ms(span.begin_ns), l);
      if (span.kind == LockSpanKind::kHold)
        timed.push_back({span.begin_ns, Pick(l, who + " takes " + what + " at " + ms, who + " 在 " + ms + " 拿到" + what)});
      else if (span.cut || span.end_ns - span.begin_ns > 100'000)  // a wait worth saying
        timed.push_back({span.begin_ns, Pick(l, who + " waits for " + what + " at " + ms + (span.cut ? " and never gets it" : ""),
                                             who + " 在 " + ms + " 开始等" + what + (span.cut ? "，始终没有等到" : ""))});
    }
  for (const ChildFacts& child : facts.all_children())
    if (child.ended()) {
      const std::string ms = FormatMs(facts.Ms(child.end_ns()), l);
      timed.push_back({child.end_ns(), Pick(l, ChildName(child.record, l) + " " + HowItEnded(child, l) + " at " + ms,
                                            ChildName(child.record, l) + " 在 " + ms + " " + HowItEnded(child, l))});
    }
  AppendSorted(timed, out);
  const DeadlockOutcome* o = result.Outcome<DeadlockOutcome>();
  if (o != nullptr && o->deadlock) {
    const std::string ms = FormatMs(NsToMs(o->detected_ns - o->deadlock->formed_ns), l);
    out.push_back(Pick(l, "Deadlock found " + ms + " after the cycle closed.", "等待环形成 " + ms + " 后发现了死锁。"));
  } else if (!result.stopped) {
    out.push_back(Pick(l, "No deadlock: every child got both its locks and finished.",
                       "没有死锁：每个子进程都拿到了它的两把锁并完成了工作。"));
  }
}

}  // namespace

const Lesson& DeadlockLesson() {
  static const Lesson lesson{
      .id = "deadlock",
      .title = {"Deadlock: locks taken in opposite order", "死锁：以相反顺序获取锁"},
      .purpose = {"Two processes each hold the lock the other waits for; nobody moves again.",
                  "两个进程各自持有对方正在等待的锁，谁也无法再前进。"},
      .params =
          {
              {.name = "processes",
               .label = {"Processes (one lock each)", "进程数（每个一把锁）"},
               .default_value = 2,
               .min = 2,
               .max = kMaxChildren,
               .help = {"How many children (and locks): each needs its own lock and the next one's.",
                        "子进程（以及锁）的数量：每个子进程需要自己的锁和下一个子进程的锁。"}},
              {.name = "order",
               .label = {"Lock order", "加锁顺序"},
               .kind = ParamKind::kChoice,
               .default_value = kOpposite,
               .choices = {"opposite", "same"},
               .help = {"opposite: each takes its own lock first (a cycle); same: all take the "
                        "lower-lettered lock first (no cycle).",
                        "opposite：每个子进程先拿自己的锁（会形成环）；same：都先拿字母靠前的锁"
                        "（不会成环）。"}},
              {.name = "hold-ms",
               .label = {"Hold the first lock (ms)", "持有第一把锁（毫秒）"},
               .default_value = 50,
               .min = 0,
               .max = 1000,
               .help = {"How long a child works holding its first lock before it asks for the second.",
                        "子进程持有第一把锁、在请求第二把锁之前工作多少毫秒。"}},
          },
      .child_count = [](const ParamValues& p) { return static_cast<int>(p.Get("processes")); },
      .shared_bytes = [](const ParamValues&) { return sizeof(DeadlockLocks) + 1024; },
      .setup = Setup,
      .child = TakeTwoLocks,
      .parent = WatchForDeadlock,
      .transcript = Transcript,
      .python = {R"(from multiprocessing import Process, Lock
import time

def worker(first, second):
    with first:              # take one lock ...
        time.sleep(0.05)     # ... work while holding it ...
        with second:         # ... then wait for the other: forever, if
            pass             # its holder is waiting for ours

if __name__ == "__main__":
    a, b = Lock(), Lock()
    p1 = Process(target=worker, args=(a, b))   # A, then B
    p2 = Process(target=worker, args=(b, a))   # B, then A: opposite order
    p1.start(); p2.start()
    p1.join(); p2.join()     # never returns
)",
                 R"(from multiprocessing import Process, Lock
import time

def worker(first, second):
    with first:              # 先拿一把锁……
        time.sleep(0.05)     # ……拿着它做点事……
        with second:         # ……再等另一把：如果它的持有者
            pass             # 正在等我们这把，就永远等下去

if __name__ == "__main__":
    a, b = Lock(), Lock()
    p1 = Process(target=worker, args=(a, b))   # 先 A，后 B
    p2 = Process(target=worker, args=(b, a))   # 先 B，后 A：顺序相反
    p1.start(); p2.start()
    p1.join(); p2.join()     # 永远不会返回
)"},
      .views = {"locks", "lanes", "processes", "transcript"},
  };
  return lesson;
}

}  // namespace proclab

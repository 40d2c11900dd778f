// Lesson `locks` (tutorial section 3): a lock around each read-modify-write makes the totals
// exact. Teaches: mutual exclusion, what waiting for a lock costs, and what happens when the
// holder dies: ProcLab's lock is robust, so the next locker is told the owner died and goes on.
#include <csignal>

#include "lessons/common.hpp"
#include "lessons/shared_counter.hpp"

namespace proclab {
namespace {

enum KillHolder : int64_t { kOff, kOn };

// --kill-holder: child 1 stops halfway, inside the critical section, until the parent kills it.
bool WaitsToBeKilled(ChildContext& child, int64_t i, const RaceKnobs& k) {
  return child.param("kill-holder") == kOn && child.index() == 0 && i == k.iterations / 2;
}

// <child-code>
// Counter children: the same increment as before, now inside lock.acquire() ... lock.release().
int AddToCounter(ChildContext& child, SharedNumbers& shared, const RaceKnobs& k) {
  TracedLock lock(shared.lock, child.emit(), child.index(), kNumbersLock);
  auto counter = child.Traced(shared.counter, kCounterSlot);
  for (int64_t i = 0; i < k.iterations; ++i) {
    child.SleepMs(k.sleep_ms);
    child.StepGate('r');
    lock.lock();  // lock.acquire(): wait until no other child holds it
    const int32_t value = counter.Read();
    child.SleepUs(k.window_us);
    if (WaitsToBeKilled(child, i, k)) child.SleepMs(60'000);  // the parent SIGKILLs us here
    child.StepGate('w');
    counter.Write(value + 1);
    lock.unlock();  // lock.release(): let the next child in
  }
  return 0;
}

// Array children: one locked read-modify-write per element.
int AddToArray(ChildContext& child, SharedNumbers& shared, const RaceKnobs& k) {
  TracedLock lock(shared.lock, child.emit(), child.index(), kNumbersLock);
  for (int64_t i = 0; i < k.iterations; ++i) {
    child.SleepMs(k.sleep_ms);
    for (int e = 0; e < kArrayLength; ++e) {
      auto element = child.Traced(shared.array[e], ArraySlot(e));
      lock.lock();
      const double value = element.Read();
      child.SleepUs(k.window_us);
      element.Write(value + 1);
      lock.unlock();
    }
  }
  return 0;
}
// </child-code>

}  // namespace

const Lesson& LocksLesson() {
  static const Lesson lesson{
      .id = "locks",
      .title = {"Race conditions and locks", "竞态条件与锁"},
      .purpose = {"Take a lock around each read-modify-write and the totals become exact.",
                  "在每次“读-改-写”外加锁，总数就变得准确。"},
      .params = RaceParams({
          {.name = "kill-holder",
           .label = {"Kill the lock holder", "杀死持锁的进程"},
           .kind = ParamKind::kChoice,
           .default_value = kOff,
           .choices = {"off", "on"},
           .help = {"Kill child 1 with SIGKILL while it holds the lock.",
                    "在子进程 1 持有锁时用 SIGKILL 杀死它。"}},
      }),
      .child_count = RaceChildCount,
      .setup = SetUpNumbers,
      .child = [](ChildContext& c) { return RunRaceChild(c, AddToCounter, AddToArray); },
      .parent =
          [](ParentContext& parent) {
            DriveRace(parent, {.locked = true, .kill_holder = parent.param("kill-holder") == kOn});
          },
      .transcript = RaceTranscript,
      .summarise_trials = SummariseRaceTrials,
      .step_children = [](const ParamValues& p) { return static_cast<int>(p.Get("processes")); },
      .python = {R"(from multiprocessing import Process, Value, Lock

def add_100(number, lock):
    for _ in range(100):
        time.sleep(0.01)
        lock.acquire()
        number.value += 1    # only one process at a time
        lock.release()

lock = Lock()
counter = Value('i', 0)
# start two processes with args=(counter, lock), join them
print(counter.value)         # 200, every time
)",
                 R"(from multiprocessing import Process, Value, Lock

def add_100(number, lock):
    for _ in range(100):
        time.sleep(0.01)
        lock.acquire()
        number.value += 1    # 同一时刻只有一个进程
        lock.release()

lock = Lock()
counter = Value('i', 0)
# 用 args=(counter, lock) 启动两个进程，再 join 它们
print(counter.value)         # 每次都是 200
)"},
      .steppable = true,
      .views = {"lanes", "shared", "locks", "trials", "processes", "transcript"},
  };
  return lesson;
}

}  // namespace proclab

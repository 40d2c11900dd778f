// Lesson `lock-guard` (tutorial section 4): the lock as a scoped guard, C++'s `with lock:`.
// Teaches: a guard releases the lock however the block is left, an exception included; a manual
// acquire/release pair does not, and a live process that forgot to release freezes the others
// (a robust lock cannot help: its owner has not died).
#include <mutex>
#include <stdexcept>

#include "lessons/common.hpp"
#include "lessons/shared_counter.hpp"

namespace proclab {
namespace {

enum Style : int64_t { kGuard, kManual };
enum FailInside : int64_t { kOff, kOn };

// --fail-inside: child 1 throws inside the critical section on its 4th increment.
void MaybeFail(ChildContext& child, int64_t i) {
  if (child.param("fail-inside") == kOn && child.index() == 0 && i == 3)
    throw std::runtime_error("child 1 failed inside the critical section");
}

// <child-code>
// Style `guard`: std::lock_guard unlocks in its destructor, like Python's `with lock:`,
// so the lock is released even when the block is left by an exception.
void AddOneGuarded(ChildContext& child, SharedNumbers& shared, TracedLock& lock,
                   const RaceKnobs& k, int64_t i) {
  auto counter = child.Traced(shared.counter, kCounterSlot);
  child.StepGate('r');
  std::lock_guard guard(lock);
  const int32_t value = counter.Read();
  child.SleepUs(k.window_us);
  MaybeFail(child, i);
  child.StepGate('w');
  counter.Write(value + 1);
}

// Style `manual`: lock() ... unlock(). An exception in between skips the unlock().
void AddOneManually(ChildContext& child, SharedNumbers& shared, TracedLock& lock,
                    const RaceKnobs& k, int64_t i) {
  auto counter = child.Traced(shared.counter, kCounterSlot);
  child.StepGate('r');
  lock.lock();
  const int32_t value = counter.Read();
  child.SleepUs(k.window_us);
  MaybeFail(child, i);
  child.StepGate('w');
  counter.Write(value + 1);
  lock.unlock();
}

// Each counter child handles an error and carries on, as long-lived workers do.
int AddToCounter(ChildContext& child, SharedNumbers& shared, const RaceKnobs& k) {
  TracedLock lock(shared.lock, child.emit(), child.index(), kNumbersLock);
  const bool guarded = child.param("style") == kGuard;
  for (int64_t i = 0; i < k.iterations; ++i) {
    child.SleepMs(k.sleep_ms);
    try {
      if (guarded)
        AddOneGuarded(child, shared, lock, k, i);
      else
        AddOneManually(child, shared, lock, k, i);
    } catch (const std::exception& error) {
      child.ReportError(error.what());  // report it, skip this increment, keep going
    }
  }
  return 0;
}
// </child-code>

// Array children take the guard too; they are not the point of this lesson.
int AddToArray(ChildContext& child, SharedNumbers& shared, const RaceKnobs& k) {
  TracedLock lock(shared.lock, child.emit(), child.index(), kNumbersLock);
  for (int64_t i = 0; i < k.iterations; ++i) {
    child.SleepMs(k.sleep_ms);
    for (int e = 0; e < kArrayLength; ++e) {
      auto element = child.Traced(shared.array[e], ArraySlot(e));
      std::lock_guard guard(lock);
      const double value = element.Read();
      child.SleepUs(k.window_us);
      element.Write(value + 1);
    }
  }
  return 0;
}

}  // namespace

const Lesson& LockGuardLesson() {
  static const Lesson lesson{
      .id = "lock-guard",
      .title = {"The lock as a scoped guard (with lock:)", "把锁当作作用域守卫（with lock:）"},
      .purpose = {"A guard releases the lock on every way out; a forgotten release freezes everyone.",
                  "守卫在任何退出路径上都会释放锁；忘记释放会让所有进程卡住。"},
      .params = RaceParams({
          {.name = "style",
           .label = {"Lock style", "加锁方式"},
           .kind = ParamKind::kChoice,
           .default_value = kGuard,
           .choices = {"guard", "manual"},
           .help = {"guard: std::lock_guard (with lock:); manual: lock() ... unlock().",
                    "guard：std::lock_guard（即 with lock:）；manual：手动 lock() ... unlock()。"}},
          {.name = "fail-inside",
           .label = {"Throw inside the lock", "在锁内抛出异常"},
           .kind = ParamKind::kChoice,
           .default_value = kOff,
           .choices = {"off", "on"},
           .help = {"Child 1 throws an exception inside the critical section.",
                    "子进程 1 在临界区内抛出异常。"}},
      }),
      .child_count = RaceChildCount,
      .setup = SetUpNumbers,
      .child = [](ChildContext& c) { return RunRaceChild(c, AddToCounter, AddToArray); },
      .parent =
          [](ParentContext& parent) {
            DriveRace(parent, {.locked = true, .detect_stall = true});
          },
      .transcript = RaceTranscript,
      .summarise_trials = SummariseRaceTrials,
      .step_children = [](const ParamValues& p) { return static_cast<int>(p.Get("processes")); },
      .python = {R"(def add_100(number, lock):
    for _ in range(100):
        time.sleep(0.01)
        with lock:             # acquire ... release, even on an exception
            number.value += 1

# the same without the guard: an exception between the two calls
# leaves the lock held for good
lock.acquire()
number.value += 1
lock.release()
)",
                 R"(def add_100(number, lock):
    for _ in range(100):
        time.sleep(0.01)
        with lock:             # 获取……释放，即使抛出异常也会释放
            number.value += 1

# 不用守卫的同样代码：两次调用之间一旦抛出异常，
# 锁就永远处于被持有的状态
lock.acquire()
number.value += 1
lock.release()
)"},
      .steppable = true,
      .views = {"lanes", "shared", "locks", "trials", "processes", "transcript"},
  };
  return lesson;
}

}  // namespace proclab

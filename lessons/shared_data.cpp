// Lesson `shared-data` (tutorial section 2): processes share data only through shared memory,
// and a read-modify-write on shared memory without a lock loses updates.
// Teaches: Value and Array live in a segment every child maps; two children that read the
// same value and both write value + 1 leave the counter one short. The gap between the read
// and the write (`window-us`) is what makes the collision likely.
#include "lessons/common.hpp"
#include "lessons/shared_counter.hpp"

namespace proclab {
namespace {

// <child-code>
// Counter children: add 1 to the shared counter, `iterations` times, without a lock.
// (Traced: every read and write is an event; a write is a blind store that also says which
// value it replaced.)
int AddToCounter(ChildContext& child, SharedNumbers& shared, const RaceKnobs& k) {
  auto counter = child.Traced(shared.counter, kCounterSlot);  // number = Value('i', 0)
  for (int64_t i = 0; i < k.iterations; ++i) {
    child.SleepMs(k.sleep_ms);  // like time.sleep(0.01)
    child.StepGate('r');
    const int32_t value = counter.Read();  // read number.value ...
    child.SleepUs(k.window_us);  // ... time passes (in Python: the interpreter's work) ...
    child.StepGate('w');
    counter.Write(value + 1);  // ... write back value + 1, whatever the counter holds now
  }
  return 0;
}

// Array children: add 1 to every element of the shared array, `iterations` times, no lock.
int AddToArray(ChildContext& child, SharedNumbers& shared, const RaceKnobs& k) {
  for (int64_t i = 0; i < k.iterations; ++i) {
    child.SleepMs(k.sleep_ms);
    for (int e = 0; e < kArrayLength; ++e) {
      auto element = child.Traced(shared.array[e], ArraySlot(e));  // arr[e]
      const double value = element.Read();
      child.SleepUs(k.window_us);
      element.Write(value + 1);
    }
  }
  return 0;
}
// </child-code>

}  // namespace

const Lesson& SharedDataLesson() {
  static const Lesson lesson{
      .id = "shared-data",
      .title = {"Sharing data: Value and Array (and lost updates)",
                "共享数据：Value 与 Array（以及丢失的更新）"},
      .purpose = {"Watch two real processes lose updates to a shared counter without a lock.",
                  "观察两个真实进程在没有锁的情况下丢失对共享计数器的更新。"},
      .params = RaceParams(),
      .child_count = RaceChildCount,
      .setup = SetUpNumbers,
      .child = [](ChildContext& c) { return RunRaceChild(c, AddToCounter, AddToArray); },
      .parent = [](ParentContext& parent) { DriveRace(parent, {}); },
      .transcript = RaceTranscript,
      .summarise_trials = SummariseRaceTrials,
      .step_children = [](const ParamValues& p) { return static_cast<int>(p.Get("processes")); },
      .python = {R"(from multiprocessing import Process, Value, Array
import time

def add_100(number):
    for _ in range(100):
        time.sleep(0.01)
        number.value += 1   # read, add, write: not atomic

counter = Value('i', 0)
nums = Array('d', [0.0, 100.0, 200.0])
ps = [Process(target=add_100, args=(counter,)) for _ in range(2)]
for p in ps: p.start()
for p in ps: p.join()
print(counter.value)        # often less than 200
)",
                 R"(from multiprocessing import Process, Value, Array
import time

def add_100(number):
    for _ in range(100):
        time.sleep(0.01)
        number.value += 1   # 读、加、写：不是原子操作

counter = Value('i', 0)
nums = Array('d', [0.0, 100.0, 200.0])
ps = [Process(target=add_100, args=(counter,)) for _ in range(2)]
for p in ps: p.start()
for p in ps: p.join()
print(counter.value)        # 常常少于 200
)"},
      .steppable = true,
      .views = {"lanes", "shared", "trials", "processes", "transcript"},
  };
  return lesson;
}

}  // namespace proclab

// What the three race lessons (shared-data, locks, lock-guard) share: the numbers they keep in
// shared memory (the tutorial's Value('i', 0) and Array('d', [0, 100, 200])) and their names in
// every report, their common parameters, the parent's side of a run (stepping by hand, killing
// the lock holder, noticing a stuck lock), and the outcome they report.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/robust_mutex.hpp"
#include "core/run.hpp"
#include "core/step_scheduler.hpp"

namespace proclab {

inline constexpr int kArrayLength = 3;
inline constexpr double kArrayStart[kArrayLength] = {0.0, 100.0, 200.0};
// Slots in read and write events: the counter, then array element k as slot k + 1.
inline constexpr uint32_t kCounterSlot = 0;
inline constexpr uint32_t ArraySlot(int element) { return static_cast<uint32_t>(element) + 1; }
inline constexpr uint32_t kNumbersLock = 0;  // the lock's id in lock events
inline constexpr const char* kNumbersName = "numbers";

struct SharedNumbers {
  std::atomic<int32_t> counter{0};          // Value('i', 0)
  std::atomic<double> array[kArrayLength];  // Array('d', [0.0, 100.0, 200.0])
  RobustMutex lock;                         // Lock(), for the lessons that use one

  SharedNumbers() {
    for (int k = 0; k < kArrayLength; ++k) array[k].store(kArrayStart[k]);
  }
};

// The parameters every race lesson has, as read by a child or the parent.
struct RaceKnobs {
  int counter_children;
  int array_children;
  int64_t iterations;
  int64_t sleep_ms;
  int64_t window_us;
};
RaceKnobs ReadKnobs(const ParamValues& params);

// processes, array-processes, iterations, sleep-ms, window-us; `extra` goes after them.
std::vector<ParamSpec> RaceParams(std::vector<ParamSpec> extra = {});
int RaceChildCount(const ParamValues& params);

// What one race-lesson child does: the first `processes` children run `counter`, the rest
// `array`, both on the run's shared numbers.
using RaceWork = int (*)(ChildContext&, SharedNumbers&, const RaceKnobs&);
int RunRaceChild(ChildContext& child, RaceWork counter, RaceWork array);
// Builds the shared numbers and declares them: "counter", "array[0]" .. "array[2]", "lock".
void SetUpNumbers(ParentContext& parent);

struct RaceDrive {
  bool locked = false;        // the children take the lock around each read-modify-write
  bool kill_holder = false;   // SIGKILL child 1 while it holds the lock
  bool detect_stall = false;  // stop the run when no child makes progress
};
// The parent's side of a race lesson; fills the outcome.
void DriveRace(ParentContext& parent, const RaceDrive& drive);

// One race trial's result. The final values are read from shared memory once every child has
// exited; everything else comes from the run's facts (Conclude).
struct RaceOutcome : LessonOutcome {
  // From shared memory, after the run.
  int64_t final = 0;
  std::array<double, kArrayLength> array_final{};
  // From the facts.
  int64_t expected = 0;  // what the counter would hold had no update been lost: initial + writes
  int64_t lost = 0;      // updates of the counter erased by other children's writes
  std::array<double, kArrayLength> array_expected{};
  std::array<int64_t, kArrayLength> array_lost{};
  int64_t lost_total = 0;  // counter and array together
  bool exact = true;       // false: events were dropped where no tally covers them
  std::vector<LostUpdate> lost_updates;  // the counter's, in time order
  bool lost_updates_complete = true;     // false: more than the facts list (lost counts all)
  std::vector<int64_t> writes_by_child;  // counter writes (counter children) or array rounds
  bool locked = false;
  std::optional<int> died_holding;  // lane of a child that died holding the lock (not ProcLab's stop)
  bool stuck = false;               // no progress: the run was stopped
  std::optional<int> stuck_holder;  // lane holding the lock when the run got stuck
  StepRun steps;
  bool step_mode = false;
  bool complete = false;  // the children did all their work (false: stopped or stuck)

  void ReadShared(Segment& segment) override;
  void Conclude(const TrialResult& result) override;
  nlohmann::json ToJson() const override;
};

void RaceTranscript(const TrialResult& result, Language language, std::vector<std::string>& out);
nlohmann::json SummariseRaceTrials(const std::vector<TrialResult>& trials);

}  // namespace proclab

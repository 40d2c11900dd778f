// What the three race lessons (shared-data, locks, lock-guard) share: the numbers they keep in
// shared memory (the tutorial's Value('i', 0) and Array('d', [0, 100, 200])), their common
// parameters, and the parent's side of a run: stepping by hand, killing the lock holder,
// noticing a stuck lock, and summarising what happened to the updates.
#pragma once
#include <atomic>
#include <cstdint>
#include <vector>

#include "core/robust_mutex.hpp"
#include "core/run.hpp"
#include "core/run_header.hpp"

namespace proclab {

inline constexpr int kArrayLength = 3;
inline constexpr double kArrayStart[kArrayLength] = {0.0, 100.0, 200.0};
inline constexpr int64_t kCounterSlot = 0;  // in read/write events; array element k is slot k + 1
inline constexpr const char* kNumbersName = "numbers";
inline constexpr int64_t kAwaitingKillMessage = 7;  // kMessage code: "I hold the lock, kill me"

struct SharedNumbers {
  std::atomic<int32_t> counter{0};        // Value('i', 0)
  std::atomic<double> array[kArrayLength];  // Array('d', [0.0, 100.0, 200.0])
  RobustMutex lock;                       // Lock(), for the lessons that use one
  std::atomic<int64_t> done[kMaxLanes] = {};  // per child: increments (or array rounds) completed

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
void SetUpNumbers(Segment& segment, const ParamValues& params);

struct RaceDrive {
  bool locked = false;        // the children take the lock around each read-modify-write
  bool kill_holder = false;   // SIGKILL child 1 while it holds the lock
  bool detect_stall = false;  // stop the run when no child makes progress
};
// The parent's side of a race lesson; fills the outcome.
void DriveRace(ParentContext& parent, const RaceDrive& drive);

void RaceTranscript(const TrialResult& result, std::vector<std::string>& out);
nlohmann::json SummariseRaceTrials(const std::vector<TrialResult>& trials);

// Writes that overwrote another child's update, found by replaying the counter's reads and
// writes in time order: `overwrote` is the value the counter held, `wrote` what replaced it.
struct LostWrite {
  int child;
  int64_t t_ns;
  int64_t wrote;
  int64_t overwrote;
};
std::vector<LostWrite> FindLostWrites(const Trace& trace, int64_t slot = kCounterSlot);

}  // namespace proclab

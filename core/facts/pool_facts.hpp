// Facts about process pools, per pool id: its states over time (running, closed, terminated,
// joined), each task a worker ran (which items, when, whether it finished), callbacks run in the
// parent, and workers replaced after they died.
#pragma once
#include <cstdint>
#include <vector>

#include "core/event.hpp"
#include "core/facts/lane_table.hpp"

namespace proclab {

struct PoolTaskFact {
  int lane;  // the worker
  int64_t first, last;  // items (map: indexes; apply: the input)
  int64_t start_ns;
  int64_t end_ns = 0;   // 0: running, or the worker died during it (see ok)
  bool ok = true;       // false: the task raised, or its worker died while running it
  int64_t job = -1;     // the submission it belongs to (a Python pool's job; -1: not said)
  bool open() const { return end_ns == 0 && ok; }
};

struct PoolStateFact {
  int64_t t_ns;
  PoolState state;
};

struct PoolCallbackFact {
  int64_t t_ns;
  bool error;     // error_callback
  int64_t value;  // apply: the value; map: how many values
};

// Work handed to a Python pool: which method, how many items, in chunks of how many.
struct PoolSubmitFact {
  int64_t t_ns;
  int lane;
  PoolCall call;
  int64_t job;
  int64_t items;
  int64_t chunksize;
};

struct PoolReplacementFact {
  int64_t t_ns;
  int dead_lane, new_lane;
};

struct PoolFacts {
  uint32_t id = 0;
  std::vector<PoolStateFact> states;
  std::vector<PoolTaskFact> tasks;  // in each worker's order
  std::vector<PoolCallbackFact> callbacks;
  std::vector<PoolReplacementFact> replacements;
  std::vector<PoolSubmitFact> submissions;
  uint32_t task_queue = 0, result_queue = 0;  // the queues the pool hands work through
  bool has_queues = false;
  struct PerLane {
    int open_task = -1;  // index into tasks
    int64_t next_job = -1;  // kTaskJob: the job of the lane's next task
    PoolCall next_call = PoolCall::kMap;  // kPoolCall: the method of the lane's next submission
    int64_t next_chunksize = 1;
  };
  LaneTable<PerLane> lanes;

  int StateAt(int64_t t_ns) const;  // index into PoolState, or -1 before the pool started
  std::vector<const PoolTaskFact*> TasksOf(int lane) const;
  int ReplacementOf(int dead_lane) const;  // the lane that replaced it, or kNoLane
  int Replaced(int new_lane) const;        // the lane it replaced, or kNoLane
};

void AddPoolEvent(PoolFacts& pool, int lane, const Event& event);
// A worker lane ended: a task it was running failed with it.
void ClosePoolTasks(PoolFacts& pool, int lane, int64_t t_ns);

}  // namespace proclab

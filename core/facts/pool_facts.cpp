#include "core/facts/pool_facts.hpp"

namespace proclab {

void AddPoolEvent(PoolFacts& pool, int lane, const Event& event) {
  switch (event.kind) {
    case EventKind::kPoolState:
      pool.states.push_back({event.t_ns, static_cast<PoolState>(event.a)});
      break;
    case EventKind::kPoolCallback:
      pool.callbacks.push_back({event.t_ns, event.b != 0, event.a});
      break;
    case EventKind::kPoolReplaced:
      pool.replacements.push_back({event.t_ns, static_cast<int>(event.a), static_cast<int>(event.b)});
      break;
    case EventKind::kTaskStart: {
      PoolFacts::PerLane& mine = pool.lanes[lane];
      ClosePoolTasks(pool, lane, event.t_ns);  // a start whose end was dropped
      pool.tasks.push_back({lane, event.a, event.b, event.t_ns});
      pool.tasks.back().job = mine.next_job;
      mine.next_job = -1;
      mine.open_task = static_cast<int>(pool.tasks.size()) - 1;
      break;
    }
    case EventKind::kTaskJob:
      pool.lanes[lane].next_job = event.a;
      break;
    case EventKind::kPoolCall: {
      PoolFacts::PerLane& mine = pool.lanes[lane];
      mine.next_call = static_cast<PoolCall>(event.a);
      mine.next_chunksize = event.b;
      break;
    }
    case EventKind::kPoolSubmit: {
      const PoolFacts::PerLane& mine = pool.lanes[lane];
      pool.submissions.push_back(
          {event.t_ns, lane, mine.next_call, event.a, event.b, mine.next_chunksize});
      break;
    }
    case EventKind::kTaskEnd:
    case EventKind::kTaskFailed: {
      PoolFacts::PerLane& mine = pool.lanes[lane];
      if (mine.open_task < 0) break;
      PoolTaskFact& task = pool.tasks[static_cast<size_t>(mine.open_task)];
      task.end_ns = event.t_ns;
      task.ok = event.kind == EventKind::kTaskEnd;
      mine.open_task = -1;
      break;
    }
    default:
      break;
  }
}

void ClosePoolTasks(PoolFacts& pool, int lane, int64_t t_ns) {
  if (pool.lanes.Find(lane) == nullptr) return;
  PoolFacts::PerLane& mine = pool.lanes[lane];
  if (mine.open_task < 0) return;
  PoolTaskFact& task = pool.tasks[static_cast<size_t>(mine.open_task)];
  task.end_ns = t_ns;
  task.ok = false;  // it never ended: its worker died, or the pool was terminated
  mine.open_task = -1;
}

int PoolFacts::StateAt(int64_t t_ns) const {
  int state = -1;
  for (const PoolStateFact& change : states) {
    if (change.t_ns > t_ns) break;
    state = static_cast<int>(change.state);
  }
  return state;
}

std::vector<const PoolTaskFact*> PoolFacts::TasksOf(int lane) const {
  std::vector<const PoolTaskFact*> mine;
  for (const PoolTaskFact& task : tasks)
    if (task.lane == lane) mine.push_back(&task);
  return mine;
}

int PoolFacts::ReplacementOf(int dead_lane) const {
  for (const PoolReplacementFact& r : replacements)
    if (r.dead_lane == dead_lane) return r.new_lane;
  return kNoLane;
}

int PoolFacts::Replaced(int new_lane) const {
  for (const PoolReplacementFact& r : replacements)
    if (r.new_lane == new_lane) return r.dead_lane;
  return kNoLane;
}

}  // namespace proclab

// A Python program's run in sentences, in both languages: what each process was doing when the
// run was stopped, a lock whose holder ended without releasing it, and a join that waits for a
// process that waits for its queue to be drained. Made from the facts only.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "core/facts/run_facts.hpp"
#include "core/language.hpp"

namespace proclab {

// "MainProcess (pid 42) was on line 12 of race.py, waiting in join() for Process-1 (pid 43);
// Process-1 (pid 43) was on line 5 of race.py, waiting for 'lock', which Process-2 holds."
Sentence ExplainWhereEach(const RunFacts& facts, const std::vector<int>& lanes);

// A process ended while it held a lock (multiprocessing does not release it then): the lanes
// that wait for it wait forever.
struct DeadHolder {
  uint32_t lock;
  int lane;        // who ended holding it
  int64_t t_ns;    // when it ended
};
Sentence ExplainDeadHolder(const RunFacts& facts, const DeadHolder& dead, const std::vector<int>& waiters);

// A process waits in join() for one that cannot end before what it put on a queue is taken out,
// and only the joining process would take it out, after the join.
struct JoinBeforeDrain {
  int joiner;   // lane waiting in join()
  int joined;   // lane it joins
  uint32_t queue;
  int64_t left;  // items still in the queue
  bool blocked_on_put;  // the joined process waits to put (a full queue), rather than to end
};
// The first such wait in the facts as they stand, if every process concerned is still at it.
std::optional<JoinBeforeDrain> FindJoinBeforeDrain(const RunFacts& facts);
Sentence ExplainJoinBeforeDrain(const RunFacts& facts, const JoinBeforeDrain& stall);

// The lane of the process `pid`, or kNoLane.
int LaneOfPid(const RunFacts& facts, int64_t pid);

}  // namespace proclab

// The fact layer: everything ProcLab says about a run, derived once from that run's events and
// its children's records. Every report reads it — the lesson's outcome, the transcript, the
// CLI's JSON, the Chrome-trace export and every GUI view — so the same run shows the same
// numbers everywhere. Each fact has one function that computes it, in the file named for it:
//
//   child_facts  each process's life and its state over time
//   slot_facts   shared Values and Array elements: reads, writes, lost updates
//   lock_facts   locks: waits, holds, holders that died, the wait-for graph and deadlocks
//   queue_facts  queues: puts, gets, items in order, depth, blocked spans
//   pool_facts   pools: states, tasks per worker, callbacks, replaced workers
//   run_facts    (here) the run: names of its objects, stalls, joins, kills; one dispatch
//
// Incremental: events can be added as they are drained (the parent watches for a deadlock while
// the run goes; the GUI draws a live run), then Finalise once the run is over. Adding costs
// O(new events); no fact needs the lanes merged into one time order.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/facts/child_facts.hpp"
#include "core/facts/lane_table.hpp"
#include "core/facts/lock_facts.hpp"
#include "core/facts/pool_facts.hpp"
#include "core/facts/queue_facts.hpp"
#include "core/facts/slot_facts.hpp"
#include "core/process.hpp"

namespace proclab {

// What a kDeclare (and its kName chunks) said about one object.
struct Declaration {
  ObjectKind kind;
  uint32_t id;
  std::string name;
  SlotValue initial;
  int lane;  // who declared it
};

struct StallFact {
  int64_t t_ns;        // when the parent detected it
  StallCause cause;
  uint32_t object;     // the lock or queue concerned
  int64_t quiet_ms;    // how long nothing had moved
  // kDeadlock: the cycle as the facts stood when the stall was added (the parent reports it
  // while the processes still wait; once they are ended, FindDeadlock finds nothing).
  std::optional<Deadlock> deadlock;
};

// A Python process joining one of its children (kProcessJoin / kProcessJoined).
struct ProcessJoinFact {
  int lane;            // who joins
  int64_t pid;         // whom
  int64_t begin_ns;
  int64_t end_ns = 0;  // 0: still waiting
  int64_t result = 0;  // the exit code join() saw, or kStillRunning
};

struct JoinFact {
  int lane;
  int64_t begin_ns;
  int64_t end_ns = 0;  // 0: still waiting
};

class RunFacts {
 public:
  explicit RunFacts(int64_t t0_ns = 0) : t0_ns_(t0_ns) {}

  // Folds events in. Each lane's events must come in that lane's order; lanes may interleave.
  void Add(std::span<const Event> events);
  // The supervisor's records (spawn, reap, exit status). `complete(i)`: every event child i
  // emitted has been added (so its end can be placed after them).
  void UpdateChildren(const std::vector<ChildRecord>& children, const std::vector<bool>& complete);
  // The processes' own counts of their reads, writes and lost updates (exact even when events
  // were dropped): lane, slot, counts.
  void ApplyTally(int lane, uint32_t slot, const SlotTally& tally);
  void SetDrops(int lane, uint64_t drops);
  void SetError(int lane, std::string text);  // what the child reported (its error slot)
  // A Python process's current line as it keeps it in shared memory: exact when its ring
  // dropped line events (kLine carries the same).
  void SetCurrentLine(int lane, uint32_t file, int64_t line);
  // The run is over and every event is in: close what is open, order the logs.
  void Finalise();

  int64_t t0_ns() const { return t0_ns_; }
  double Ms(int64_t t_ns) const { return static_cast<double>(t_ns - t0_ns_) / 1e6; }
  int64_t last_ns() const { return last_ns_; }  // the latest event or end seen
  size_t events() const { return events_; }
  uint64_t drops() const;
  uint64_t drops(int lane) const;
  bool final() const { return final_; }

  // Children by lane.
  int children() const { return static_cast<int>(children_.size()); }
  const ChildFacts& child(int lane) const { return children_.at(static_cast<size_t>(lane)); }
  const std::vector<ChildFacts>& all_children() const { return children_; }

  const std::map<uint32_t, SlotFacts>& slots() const { return slots_; }
  const SlotFacts* slot(uint32_t id) const;
  const std::map<uint32_t, LockFacts>& locks() const { return locks_; }
  const LockFacts* lock(uint32_t id) const;
  const std::map<uint32_t, QueueFacts>& queues() const { return queues_; }
  const QueueFacts* queue(uint32_t id) const;
  const std::map<uint32_t, PoolFacts>& pools() const { return pools_; }
  const PoolFacts* pool(uint32_t id) const;

  const std::vector<Declaration>& declarations() const { return declarations_; }
  std::string NameOf(ObjectKind kind, uint32_t id) const;  // "" when undeclared
  const std::vector<StallFact>& stalls() const { return stalls_; }
  const std::vector<JoinFact>& joins() const { return joins_; }
  const std::vector<ProcessJoinFact>& process_joins() const { return process_joins_; }
  // How a process ended, as its parent reported it (kChildExit: exit code, or -signal).
  std::optional<int64_t> ReportedExit(int64_t pid) const;
  // The first cycle of processes waiting for each other's locks, as the events stand now.
  std::optional<Deadlock> FindDeadlock() const { return proclab::FindDeadlock(locks_); }
  int64_t lost_total() const;  // lost updates over every slot

 private:
  void AddParentEvent(const Event& event);
  void AddObjectEvent(int lane, const Event& event);
  Declaration* FindDeclaration(ObjectKind kind, uint32_t id);
  void Close(int lane, int64_t t_ns);

  int64_t t0_ns_ = 0;
  int64_t last_ns_ = 0;
  size_t events_ = 0;
  bool final_ = false;
  std::vector<ChildFacts> children_;
  std::vector<bool> closed_;  // per child: its open spans were closed at its end
  LaneTable<uint64_t> drops_;
  std::map<uint32_t, SlotFacts> slots_;
  std::map<uint32_t, LockFacts> locks_;
  std::map<uint32_t, QueueFacts> queues_;
  std::map<uint32_t, PoolFacts> pools_;
  std::vector<Declaration> declarations_;
  std::vector<StallFact> stalls_;
  std::vector<JoinFact> joins_;
  std::vector<ProcessJoinFact> process_joins_;
  std::map<int64_t, int64_t> exits_reported_;  // pid -> exit code or -signal
};

class Trace;
// The facts of a finished run, derived in one go from its trace and its children's records.
RunFacts DeriveFacts(const Trace& trace, const std::vector<ChildRecord>& children);

// Names of objects: kDeclare then kName chunks, emitted by Declare (core/run.hpp) or the Python
// tracer. Splits `name` into the 16-byte chunks of kName events.
std::vector<Event> DeclarationEvents(ObjectKind kind, uint32_t id, std::string_view name,
                                     SlotValue initial, uint16_t lane);

}  // namespace proclab

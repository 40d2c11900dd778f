// Step mode: the learner is the scheduler. Children that call ChildContext::StepGate before
// each shared read ('r') and write ('w') wait there; each step the learner asks for (a
// schedule such as 1r,2r,1w,2w from the CLI, or one click at a time in the GUI) lets one child
// pass one gate, and the step is reported from the events it caused: the value read or
// written, a write that overwrote another child's update, or a child held up by a lock.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "core/facts/slot_facts.hpp"
#include "core/run.hpp"

namespace proclab {

enum class StepResult : uint8_t {
  kRead,            // the child read `value`
  kWrote,           // the child wrote `value`
  kWaitingForLock,  // the child is held up by a lock (`holder` holds it)
  kNoStep,          // the child took no step in time
  kFinished,        // the child had already finished
  kNotStepping,     // no such stepping child
};

struct StepRecord {
  int number = 0;     // the learner's step number; a consequence has its cause's number
  int child = 0;      // lane
  char asked = 'r';   // 'r' or 'w'
  StepResult result = StepResult::kNoStep;
  uint32_t slot = 0;
  SlotValue value;
  bool lost_update = false;  // a write that replaced a value other than the one its child read
  SlotValue overwrote;       // what it replaced
  int holder = -2;           // kWaitingForLock: the lane holding the lock (kNoLane: unknown)
  bool consequence = false;  // a held-up read that happened once a later step freed the lock
};

struct StepRun {
  std::vector<StepRecord> steps;
  size_t scheduled = 0;  // how many of them the learner asked for
  bool finished_for_you = false;  // after the learner's steps, the children ran one at a time
};

// What the scheduler drives: a lesson's run (its children are lanes 0, 1 ...) or a Python
// program (its child processes are lanes 1, 2 ...; the main process runs freely). Children are
// numbered from 0 here, as in a parsed schedule.
class StepHost {
 public:
  virtual ~StepHost() = default;
  virtual int children() const = 0;        // children that exist now and may step
  virtual bool more_may_come() const = 0;  // a child may still appear (a Python program runs)
  virtual int LaneOf(int child) const = 0;
  virtual bool Done(int child) const = 0;
  virtual const Trace& trace() const = 0;
  virtual const RunFacts& facts() const = 0;
  // Lets `child` pass its next step gate and waits until it took the step or exited.
  virtual bool GrantStep(int child, std::chrono::milliseconds timeout) = 0;
  virtual bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) = 0;
  virtual std::optional<std::pair<int, char>> NextStep(std::chrono::milliseconds timeout) = 0;
  virtual bool interactive() const = 0;
};

// Runs step mode until every stepping child has finished: the learner's steps first, then one
// child at a time, so no update is lost that the learner did not schedule. `locked`: the
// children take a lock around their steps (a held-up step waits less). StepRecord::child is a
// child number; StepRecord::holder a lane.
StepRun RunStepMode(StepHost& host, bool locked);
// A lesson's run: its first `stepping` children step.
StepRun RunStepMode(ParentContext& parent, int stepping, bool locked);

}  // namespace proclab

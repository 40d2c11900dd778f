#include "app/gui/shell/runtime_words.hpp"

#include "core/facts/explain.hpp"
#include "core/python_program.hpp"
#include "core/step_schedule.hpp"

namespace proclab::gui {

std::string RuntimeWords() {
  // Two children deadlock on two locks; a third dies holding one, and the parent recovers it.
  RunFacts facts(0);
  std::vector<Event> events;
  for (const Event& e : DeclarationEvents(ObjectKind::kLock, 0, "A", {}, kParentLane)) events.push_back(e);
  auto at = [&](int64_t t, uint16_t lane, EventKind kind, uint32_t lock, int64_t a = 0) {
    events.push_back(Event{t, lane, kind, ValueType::kInt, lock, a, 0});
  };
  at(1, 0, EventKind::kLockAcquired, 0);
  at(2, 1, EventKind::kLockAcquired, 1);
  at(3, 0, EventKind::kLockWait, 1);
  at(4, 1, EventKind::kLockWait, 0);
  at(5, 2, EventKind::kLockAcquired, 2);
  at(6, kParentLane, EventKind::kLockOwnerDied, 2, 2);
  facts.Add(events);
  std::vector<ChildRecord> children(3);
  for (int i = 0; i < 3; ++i) children[static_cast<size_t>(i)].index = i;
  facts.UpdateChildren(children, {false, false, false});
  std::string words;
  // Why a Python program cannot be opened, every reason.
  for (ProgramProblem problem : {ProgramProblem::kEmptyPath, ProgramProblem::kMissing, ProgramProblem::kDirectory,
                                 ProgramProblem::kNotRegular, ProgramProblem::kUnreadable, ProgramProblem::kReadFailed,
                                 ProgramProblem::kNotUtf8})
    words += ProgramCheck{.problem = problem}.Text("0123456789").zh;
  // Why a typed step schedule cannot run, every reason.
  for (const char* schedule : {"1w", "0r", ""}) {
    Sentence why;
    ParseStepSchedule(schedule, 2, &why);
    words += why.zh;
  }
  for (Language language : {Language::kChinese, Language::kEnglish}) {
    words += ExplainLockHeld(facts, 0).In(language);
    words += ExplainLockHeld(facts, 9).In(language);
    if (const auto deadlock = facts.FindDeadlock()) words += ExplainDeadlock(facts, *deadlock).In(language);
    if (const LockFacts* lock = facts.lock(2); lock != nullptr && !lock->owner_deaths.empty())
      words += ExplainOwnerDeath(facts, *lock, lock->owner_deaths.front()).In(language);
    words += LaneName(facts, kParentFactLane, language);
    // Every way a child can end.
    ChildFacts child;
    child.record.state = ChildState::kExited;
    words += HowItEnded(child, language);
    child.record.state = ChildState::kKilled;
    child.record.signal = 9;
    words += HowItEnded(child, language);
    child.killed_by_proclab = true;
    for (KillReason reason : {KillReason::kLesson, KillReason::kStop, KillReason::kStall, KillReason::kDeadline}) {
      child.kill_reason = reason;
      words += HowItEnded(child, language);
    }
    child.record.state = ChildState::kRunning;
    words += HowItEnded(child, language);
  }
  return words;
}

}  // namespace proclab::gui

#include "core/step_scheduler.hpp"

#include <algorithm>

namespace proclab {

namespace {

const Event* LastStep(const StepHost& host, int child) {
  const std::vector<Event>& lane = host.trace().lane(host.LaneOf(child));
  for (auto it = lane.rbegin(); it != lane.rend(); ++it)
    if (it->kind == EventKind::kRead || it->kind == EventKind::kWrite) return &*it;
  return nullptr;
}

// The read before `write` on the same lane and slot (what the writer had read).
const Event* ReadBefore(const StepHost& host, int child, const Event* write) {
  const std::vector<Event>& lane = host.trace().lane(host.LaneOf(child));
  for (const Event* e = write; e != lane.data();) {
    --e;
    if (e->kind == EventKind::kRead && e->object == write->object) return e;
  }
  return nullptr;
}

// The lock `child` waits for, and who holds it, as the facts stand; nullopt if it waits for none.
std::optional<int> HolderOfAwaitedLock(const StepHost& host, int child) {
  const int lane = host.LaneOf(child);
  for (const auto& [id, lock] : host.facts().locks()) {
    const auto waiters = lock.Waiters();
    if (std::find(waiters.begin(), waiters.end(), lane) != waiters.end()) return lock.Holder();
  }
  return std::nullopt;
}

void Describe(const StepHost& parent, int child, const Event& step, StepRecord& record) {
  record.slot = step.object;
  record.value = SlotValue{step.a, step.type};
  record.result = step.kind == EventKind::kRead ? StepResult::kRead : StepResult::kWrote;
  if (step.kind != EventKind::kWrite) return;
  const Event* read = ReadBefore(parent, child, &step);
  const SlotValue replaced{step.b, step.type};
  if (read != nullptr && !(SlotValue{read->a, read->type} == replaced)) {
    record.lost_update = true;
    record.overwrote = replaced;
  }
}

}  // namespace

// A lesson's run as a step host: child c is lane c.
class LessonStepHost final : public StepHost {
 public:
  LessonStepHost(ParentContext& parent, int stepping)
      : parent_(parent), stepping_(std::min(stepping, parent.child_count())) {}
  int children() const override { return stepping_; }
  bool more_may_come() const override { return false; }
  int LaneOf(int child) const override { return child; }
  bool Done(int child) const override { return parent_.child(child).done(); }
  const Trace& trace() const override { return parent_.trace(); }
  const RunFacts& facts() const override { return parent_.facts(); }
  bool GrantStep(int child, std::chrono::milliseconds timeout) override {
    return parent_.GrantStep(child, timeout);
  }
  bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) override {
    return parent_.WaitUntil(done, timeout);
  }
  std::optional<std::pair<int, char>> NextStep(std::chrono::milliseconds timeout) override {
    return parent_.NextStep(timeout);
  }
  bool interactive() const override { return parent_.interactive_steps(); }

 private:
  ParentContext& parent_;
  int stepping_;
};

StepRun RunStepMode(ParentContext& parent, int stepping, bool locked) {
  LessonStepHost host(parent, stepping);
  return RunStepMode(host, locked);
}

StepRun RunStepMode(StepHost& parent, bool locked) {
  StepRun run;
  auto all_done = [&] {
    for (int c = 0; c < parent.children(); ++c)
      if (!parent.Done(c)) return false;
    return !parent.more_may_come();
  };
  // Children whose granted read is held up by the lock: their read happens during a later step.
  std::vector<int> held_up;
  int number = 0;
  auto report_late_reads = [&] {
    for (auto it = held_up.begin(); it != held_up.end();) {
      const Event* last = LastStep(parent, *it);
      if (last != nullptr && last->kind == EventKind::kRead && !HolderOfAwaitedLock(parent, *it)) {
        StepRecord record{.number = number, .child = *it, .asked = 'r', .consequence = true};
        Describe(parent, *it, *last, record);
        run.steps.push_back(record);
        it = held_up.erase(it);
      } else {
        ++it;
      }
    }
  };
  auto take_step = [&](int child, char what) {
    StepRecord record{.number = ++number, .child = child, .asked = what};
    // A Python child may not have started yet: GrantStep waits for it to appear.
    if (child < 0 || (child >= parent.children() && !parent.more_may_come())) {
      record.result = StepResult::kNotStepping;
    } else if (child < parent.children() && parent.Done(child)) {
      record.result = StepResult::kFinished;
    } else {
      const auto timeout = locked ? std::chrono::milliseconds(300) : std::chrono::seconds(5);
      if (!parent.GrantStep(child, timeout)) {
        const std::optional<int> holder = HolderOfAwaitedLock(parent, child);
        record.result = holder ? StepResult::kWaitingForLock : StepResult::kNoStep;
        record.holder = holder.value_or(kNoLane);
        if (what == 'r') held_up.push_back(child);
      } else if (const Event* last = LastStep(parent, child); last != nullptr) {
        Describe(parent, child, *last, record);
      }
    }
    run.steps.push_back(record);
    // A write releases the lock: a child held up on it may now have read. Give it a moment.
    if (!held_up.empty()) {
      parent.WaitUntil(
          [&] {
            for (int c : held_up) {
              const Event* last = LastStep(parent, c);
              if (last == nullptr || last->kind != EventKind::kRead) return false;
            }
            return true;
          },
          std::chrono::milliseconds(what == 'w' ? 200 : 0));
      report_late_reads();
    }
  };

  // The learner's steps: a schedule (CLI) or steps posted one by one (GUI).
  while (!all_done()) {
    const auto next = parent.NextStep(parent.interactive() ? std::chrono::milliseconds(50)
                                                           : std::chrono::milliseconds(0));
    if (!next) {
      if (parent.interactive()) continue;  // wait for the learner (or Stop)
      break;
    }
    if (next->first < 0) break;  // "finish the run for me"
    take_step(next->first, next->second);
  }
  run.scheduled = static_cast<size_t>(number);

  // The rest of the run goes one child at a time, so no update is lost that the learner did not
  // schedule.
  int stuck_rounds = 0;
  while (!all_done() && stuck_rounds < 3) {
    run.finished_for_you = true;
    bool progressed = false;
    for (int c = 0; c < parent.children(); ++c) {
      while (!parent.Done(c)) {
        const size_t events_before = parent.trace().lane(parent.LaneOf(c)).size();
        if (!parent.GrantStep(c, std::chrono::seconds(2))) break;
        progressed |= parent.trace().lane(parent.LaneOf(c)).size() != events_before || parent.Done(c);
      }
    }
    stuck_rounds = progressed ? 0 : stuck_rounds + 1;
  }
  return run;
}

}  // namespace proclab

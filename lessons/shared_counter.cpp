#include "lessons/shared_counter.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <sstream>

#include "core/clock.hpp"
#include "lessons/common.hpp"

namespace proclab {

RaceKnobs ReadKnobs(const ParamValues& params) {
  return RaceKnobs{
      .counter_children = static_cast<int>(params.Get("processes")),
      .array_children = static_cast<int>(params.Get("array-processes")),
      .iterations = params.Get("iterations"),
      .sleep_ms = params.Get("sleep-ms"),
      .window_us = params.Get("window-us"),
  };
}

std::vector<ParamSpec> RaceParams(std::vector<ParamSpec> extra) {
  std::vector<ParamSpec> params = {
      {.name = "processes",
       .default_value = 2,
       .min = 1,
       .max = 64,
       .help = {"Children that add 1 to the shared counter.", "给共享计数器加 1 的子进程数。"}},
      {.name = "array-processes",
       .default_value = 2,
       .min = 0,
       .max = 64,
       .help = {"Children that add 1 to every element of the shared array.",
                "给共享数组每个元素加 1 的子进程数。"}},
      {.name = "iterations",
       .default_value = 100,
       .min = 0,
       .max = 10'000'000,
       .help = {"How many times each child adds 1.", "每个子进程加 1 的次数。"}},
      {.name = "sleep-ms",
       .default_value = 10,
       .min = 0,
       .max = 1000,
       .help = {"Pause before each increment, in milliseconds (the tutorial's time.sleep(0.01)).",
                "每次加 1 之前暂停的毫秒数（即教程中的 time.sleep(0.01)）。"}},
      {.name = "window-us",
       .default_value = 200,
       .min = 0,
       .max = 100'000,
       .help = {"Time between reading the value and writing it back, in microseconds.",
                "读取数值与写回数值之间的时间（微秒）。"}},
  };
  for (ParamSpec& spec : extra) params.push_back(std::move(spec));
  return params;
}

int RaceChildCount(const ParamValues& params) {
  const RaceKnobs knobs = ReadKnobs(params);
  return knobs.counter_children + knobs.array_children;
}

int RunRaceChild(ChildContext& child, RaceWork counter, RaceWork array) {
  const RaceKnobs knobs = ReadKnobs(child.params());
  SharedNumbers& shared = child.Shared<SharedNumbers>(kNumbersName);
  return child.index() < knobs.counter_children ? counter(child, shared, knobs)
                                                : array(child, shared, knobs);
}

void SetUpNumbers(Segment& segment, const ParamValues&) {
  segment.Construct<SharedNumbers>(kNumbersName);
}

std::vector<LostWrite> FindLostWrites(const Trace& trace, int64_t slot) {
  std::vector<LostWrite> lost;
  int64_t current = slot == kCounterSlot ? 0 : static_cast<int64_t>(kArrayStart[slot - 1]);
  for (const Event& event : trace.Merged()) {
    if (event.kind != EventKind::kWrite || event.b != slot || event.worker == kParentLane) continue;
    if (current != event.a - 1) lost.push_back({event.worker, event.t_ns, event.a, current});
    current = event.a;
  }
  return lost;
}

namespace {

SharedNumbers& Numbers(ParentContext& parent) {
  SharedNumbers* numbers = parent.segment().Find<SharedNumbers>(kNumbersName);
  if (numbers == nullptr) throw RunError("the shared numbers are missing from the segment");
  return *numbers;
}

bool LastEventIs(const ParentContext& parent, int child, EventKind kind) {
  const std::vector<Event>& lane = parent.trace().lane(child);
  return !lane.empty() && lane.back().kind == kind;
}

const Event* LastStep(const ParentContext& parent, int child) {
  const std::vector<Event>& lane = parent.trace().lane(child);
  for (auto it = lane.rbegin(); it != lane.rend(); ++it)
    if (it->kind == EventKind::kRead || it->kind == EventKind::kWrite) return &*it;
  return nullptr;
}

// Step mode: the learner is the scheduler. Each granted step lets one child pass one gate
// (before its read, before its write); a write that replaces a value another child wrote since
// this child's read is a lost update, and is reported as one.
void RunSteps(ParentContext& parent, SharedNumbers& numbers, const RaceKnobs& knobs,
              const RaceDrive& drive, nlohmann::json& steps) {
  auto counter_children_done = [&] {
    for (int c = 0; c < knobs.counter_children; ++c)
      if (!parent.child(c).done()) return false;
    return true;
  };
  // Children whose granted read is held up by the lock: their read happens during a later step.
  std::vector<int> held_up;
  int step_number = 0;
  auto report_late_reads = [&] {
    for (auto it = held_up.begin(); it != held_up.end();) {
      const Event* last = LastStep(parent, *it);
      if (last != nullptr && last->kind == EventKind::kRead && !LastEventIs(parent, *it, EventKind::kLockWait)) {
        // Numbered like the step that released the lock: it is a consequence, not a new step.
        steps.push_back({{"step", step_number}, {"child", *it + 1}, {"what", "read"},
                         {"result", "read"}, {"value", last->a}, {"got_lock", true}});
        it = held_up.erase(it);
      } else {
        ++it;
      }
    }
  };
  auto take_step = [&](int child, char what) {
    nlohmann::json step = {{"step", ++step_number}, {"child", child + 1},
                           {"what", what == 'r' ? "read" : "write"}};
    if (child < 0 || child >= knobs.counter_children) {
      step["result"] = "no such counter child";
    } else if (parent.child(child).done()) {
      step["result"] = "finished";
    } else {
      const int32_t before = numbers.counter.load();
      const auto timeout = drive.locked ? std::chrono::milliseconds(300) : std::chrono::seconds(5);
      if (!parent.GrantStep(child, timeout)) {
        step["result"] = LastEventIs(parent, child, EventKind::kLockWait) ? "waiting for the lock"
                                                                          : "no step taken";
        step["holder"] = numbers.lock.holder() >= 0 ? nlohmann::json(numbers.lock.holder() + 1)
                                                    : nlohmann::json(nullptr);
        if (what == 'r') held_up.push_back(child);
      } else if (const Event* last = LastStep(parent, child); last != nullptr) {
        step["value"] = last->a;
        step["result"] = last->kind == EventKind::kRead ? "read" : "wrote";
        if (last->kind == EventKind::kWrite && before != last->a - 1) {
          step["lost_update"] = true;
          step["overwrote"] = before;
        }
      }
    }
    steps.push_back(std::move(step));
    // A write releases the lock: a child held up on it may now have read. Give it a moment.
    if (!held_up.empty()) {
      parent.WaitUntil([&] {
        for (int c : held_up) {
          const Event* last = LastStep(parent, c);
          if (last == nullptr || last->kind != EventKind::kRead) return false;
        }
        return true;
      }, std::chrono::milliseconds(what == 'w' ? 200 : 0));
      report_late_reads();
    }
  };

  // The learner's steps: a schedule (CLI) or steps posted one by one (GUI).
  while (!counter_children_done()) {
    const auto next =
        parent.NextStep(parent.interactive_steps() ? std::chrono::milliseconds(50)
                                                   : std::chrono::milliseconds(0));
    if (!next) {
      if (parent.interactive_steps()) continue;  // wait for the learner (or Stop)
      break;
    }
    if (next->first < 0) break;  // "finish the run for me"
    take_step(next->first, next->second);
  }

  // The rest of the run goes one child at a time, so no update is lost that the learner did
  // not schedule.
  const size_t scheduled = steps.size();
  int stuck_rounds = 0;
  while (!counter_children_done() && stuck_rounds < 3) {
    bool progressed = false;
    for (int c = 0; c < knobs.counter_children; ++c) {
      while (!parent.child(c).done()) {
        const size_t events_before = parent.trace().lane(c).size();
        if (!parent.GrantStep(c, std::chrono::seconds(2))) break;
        progressed |= parent.trace().lane(c).size() != events_before || parent.child(c).done();
      }
    }
    stuck_rounds = progressed ? 0 : stuck_rounds + 1;
  }
  parent.outcome()["scheduled_steps"] = scheduled;
}

// --kill-holder: child 1 pauses inside its critical section halfway through; the parent kills
// it there with SIGKILL, so it dies holding the lock.
void KillTheHolder(ParentContext& parent, SharedNumbers& numbers, const RaceKnobs& knobs) {
  if (knobs.counter_children < 1 || knobs.iterations < 1) {
    parent.Note("--kill-holder: there is no increment to interrupt, so nobody was killed.",
                "--kill-holder：没有可以打断的自增，所以没有杀死任何子进程。");
    return;
  }
  auto awaiting_kill = [&] {
    for (const Event& e : parent.trace().lane(0))
      if (e.kind == EventKind::kMessage && e.a == kAwaitingKillMessage) return true;
    return parent.child(0).done();
  };
  parent.WaitUntil(awaiting_kill, std::chrono::hours(24));
  if (parent.child(0).done() || numbers.lock.holder() != 0) return;
  parent.Kill(0, SIGKILL);
  parent.Emit(EventKind::kMessage, kAwaitingKillMessage, parent.child(0).pid);
}

void WaitForChildren(ParentContext& parent, SharedNumbers& numbers, const RaceKnobs& knobs,
                     const RaceDrive& drive) {
  if (!drive.detect_stall) {
    parent.WaitChildren();
    return;
  }
  // No progress = no new event and no child exit. Children legitimately go quiet for one
  // sleep plus one window, so the limit is well above that.
  const int64_t limit_ns =
      std::max<int64_t>(1'500'000'000, 3 * (knobs.sleep_ms * 1'000'000 + knobs.window_us * 1000));
  size_t seen_events = parent.trace().size();
  int alive = -1;
  int64_t last_progress = MonotonicNs();
  while (true) {
    int now_alive = 0;
    for (const ChildRecord& c : parent.children()) now_alive += c.done() ? 0 : 1;
    if (now_alive == 0) return;
    if (parent.trace().size() != seen_events || now_alive != alive) {
      seen_events = parent.trace().size();
      alive = now_alive;
      last_progress = MonotonicNs();
    } else if (MonotonicNs() - last_progress > limit_ns) {
      const int holder = numbers.lock.holder();
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.1f s", NsToMs(limit_ns) / 1000.0);
      std::string why = std::string("Stuck: no child made progress for ") + seconds + ". ";
      std::string why_zh = std::string("卡住了：") + seconds + " 内没有任何子进程取得进展。";
      if (holder >= 0 && !parent.child(holder).done()) {
        why += "C" + ChildName(parent.child(holder)).substr(1) +
               " is alive and still holds the lock: the exception skipped its unlock(), so the "
               "others wait forever. ProcLab stopped the children.";
        why_zh += ChildNameZh(parent.child(holder)) +
                  "还活着，并且仍持有锁：异常跳过了它的 unlock()，其他子进程只能永远等下去。"
                  "ProcLab 已停止这些子进程。";
      } else {
        why += "The children are blocked; ProcLab stopped them.";
        why_zh += "子进程都被阻塞了；ProcLab 已停止它们。";
      }
      parent.Note(why, why_zh);
      parent.outcome()["stuck"] = true;
      parent.outcome()["stuck_holder"] =
          holder >= 0 ? nlohmann::json(parent.child(holder).pid) : nlohmann::json(nullptr);
      parent.KillAll();
      parent.WaitChildren(std::chrono::seconds(5));
      return;
    }
    parent.Wait(std::chrono::milliseconds(20));
  }
}

// Per child: total time spent waiting for the lock and holding it, from the trace.
void LockTimes(const ParentContext& parent, nlohmann::json& wait_ms, nlohmann::json& hold_ms) {
  for (int c = 0; c < parent.child_count(); ++c) {
    int64_t waiting = 0, holding = 0, wait_since = -1, hold_since = -1;
    for (const Event& e : parent.trace().lane(c)) {
      if (e.kind == EventKind::kLockWait) wait_since = e.t_ns;
      if (e.kind == EventKind::kLockAcquired) {
        if (wait_since >= 0) waiting += e.t_ns - wait_since;
        wait_since = -1;
        hold_since = e.t_ns;
      }
      if (e.kind == EventKind::kLockReleased && hold_since >= 0) {
        holding += e.t_ns - hold_since;
        hold_since = -1;
      }
    }
    wait_ms.push_back(NsToMs(waiting));
    hold_ms.push_back(NsToMs(holding));
  }
}

}  // namespace

void DriveRace(ParentContext& parent, const RaceDrive& drive) {
  SharedNumbers& numbers = Numbers(parent);
  const RaceKnobs knobs = ReadKnobs(parent.params());
  nlohmann::json steps = nlohmann::json::array();
  if (parent.step_mode()) RunSteps(parent, numbers, knobs, drive, steps);
  if (drive.kill_holder) KillTheHolder(parent, numbers, knobs);
  WaitForChildren(parent, numbers, knobs, drive);
  parent.Poll();
  // If no child locked after the holder died (they may all have finished first), the parent
  // takes the lock once itself, so the owner's death is found and recorded all the same.
  if (drive.locked && numbers.lock.died_holding() < 0 && numbers.lock.holder() >= 0 &&
      numbers.lock.TryLock(kParentLane))
    numbers.lock.Unlock();

  // Every child has exited: the shared numbers are final.
  nlohmann::json& out = parent.outcome();
  int64_t counted = 0, rounds = 0;
  nlohmann::json increments = nlohmann::json::array();
  for (int c = 0; c < parent.child_count(); ++c) {
    const int64_t done = numbers.done[c].load();
    increments.push_back(done);
    (c < knobs.counter_children ? counted : rounds) += done;
  }
  const int64_t final_value = numbers.counter.load();
  out["expected"] = counted;  // what the counter would hold had no update been lost
  out["final"] = final_value;
  out["lost"] = counted - final_value;
  nlohmann::json array_expected = nlohmann::json::array(), array_final = nlohmann::json::array();
  for (int k = 0; k < kArrayLength; ++k) {
    array_expected.push_back(kArrayStart[k] + static_cast<double>(rounds));
    array_final.push_back(numbers.array[k].load());
  }
  out["array_expected"] = array_expected;
  out["array_final"] = array_final;
  out["increments"] = increments;

  const std::vector<LostWrite> lost_writes = FindLostWrites(parent.trace());
  out["overwrites_seen"] = lost_writes.size();
  nlohmann::json shown = nlohmann::json::array();
  for (size_t i = 0; i < lost_writes.size() && i < 100; ++i)
    shown.push_back({{"child", lost_writes[i].child + 1},
                     {"t_ms", parent.trace().Ms(lost_writes[i].t_ns)},
                     {"wrote", lost_writes[i].wrote},
                     {"overwrote", lost_writes[i].overwrote}});
  out["lost_writes"] = shown;
  if (parent.step_mode()) out["steps"] = steps;

  if (drive.locked) {
    nlohmann::json wait_ms = nlohmann::json::array(), hold_ms = nlohmann::json::array();
    LockTimes(parent, wait_ms, hold_ms);
    out["lock_wait_ms"] = wait_ms;
    out["lock_hold_ms"] = hold_ms;
    const int died = numbers.lock.died_holding();
    out["died_holding"] = died >= 0 && died < parent.child_count()
                              ? nlohmann::json(parent.child(died).pid)
                              : nlohmann::json(nullptr);
    if (died >= 0 && died < parent.child_count())
      parent.Note(ChildName(parent.child(died)) +
                      " died holding the lock; the next child to lock it was told the owner died, "
                      "marked it consistent and carried on.",
                  ChildNameZh(parent.child(died)) +
                      "在持有锁时死亡；下一个加锁的子进程得知锁的主人已死，"
                      "把锁标记为一致（consistent）后继续运行。");
  }
}

namespace {

std::string FormatArray(const nlohmann::json& values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    char number[32];
    std::snprintf(number, sizeof number, "%.1f", values[i].get<double>());
    text += (i ? ", " : "") + std::string(number);
  }
  return text + "]";
}

}  // namespace

void RaceTranscript(const TrialResult& result, std::vector<std::string>& out) {
  const nlohmann::json& o = result.outcome;
  const nlohmann::json& p = result.params;
  out.push_back("Value at beginning: 0");
  out.push_back("Array at beginning: " + FormatArray(nlohmann::json(std::vector<double>(
                                             std::begin(kArrayStart), std::end(kArrayStart)))));
  out.push_back(std::to_string(p.at("processes").get<int>()) + " children add 1 to the counter and " +
                std::to_string(p.at("array-processes").get<int>()) +
                " add 1 to every array element, " + std::to_string(p.at("iterations").get<int64_t>()) +
                " times each; " + std::to_string(p.at("window-us").get<int64_t>()) +
                " us pass between each read and its write.");
  if (o.contains("steps")) {
    for (const nlohmann::json& step : o.at("steps")) {
      const bool consequence = step.value("got_lock", false);
      std::string line = (consequence ? std::string("        then child ")
                                      : "step " + std::to_string(step.at("step").get<int>()) +
                                            ": child ") +
                         std::to_string(step.at("child").get<int>()) + " ";
      const std::string what = step.at("result").get<std::string>();
      if (what == "read" || what == "wrote") {
        line += (step.value("got_lock", false) ? "gets the lock and reads counter = "
                 : what == "read"                 ? "reads counter = "
                                                  : "writes counter = ") +
                std::to_string(step.at("value").get<int64_t>());
        if (step.value("lost_update", false))
          line += "   <- lost update: it overwrote " +
                  std::to_string(step.at("overwrote").get<int64_t>()) +
                  ", which another child had written since this child read";
      } else if (what == "waiting for the lock") {
        line += "cannot " + step.at("what").get<std::string>() +
                " yet: it is waiting for the lock" +
                (step.at("holder").is_null()
                     ? std::string()
                     : " that child " + std::to_string(step.at("holder").get<int>()) + " holds");
      } else {
        line += "takes no step (" + what + ")";
      }
      out.push_back(line);
    }
    if (o.value("scheduled_steps", 0) > 0)
      out.push_back("(after your steps, the children finished one at a time)");
  }
  std::vector<TimedLine> timed;
  for (const ChildRecord& child : result.children) {
    const std::string& error = result.child_errors.at(static_cast<size_t>(child.index));
    if (!error.empty()) {
      int64_t when = child.end_ns;  // the time it reported the error, if the trace has it
      for (const Event& e : result.trace.lane(child.index))
        if (e.kind == EventKind::kFailed) when = e.t_ns;
      timed.push_back({when, ChildName(child) + " reported an error: " + error});
    }
    if (child.state == ChildState::kKilled || child.exit_status != 0)
      timed.push_back({child.end_ns, ChildName(child) + " " + HowItEnded(child)});
  }
  AppendSorted(timed, out);
  if (o.contains("lock_wait_ms")) {
    for (size_t c = 0; c < result.children.size(); ++c)
      out.push_back(ChildName(result.children[c]) + " waited " +
                    FormatMs(o.at("lock_wait_ms")[c].get<double>()) + " for the lock and held it " +
                    FormatMs(o.at("lock_hold_ms")[c].get<double>()));
  }
  if (!o.contains("final")) return;
  const int64_t expected = o.at("expected").get<int64_t>();
  const int64_t lost = o.at("lost").get<int64_t>();
  out.push_back("Value at end: " + std::to_string(o.at("final").get<int64_t>()));
  out.push_back("Array at end: " + FormatArray(o.at("array_final")));
  out.push_back(lost == 0 ? "No update was lost: " + std::to_string(expected) +
                                " increments, counter " + std::to_string(expected) + "."
                          : std::to_string(lost) + " of " + std::to_string(expected) +
                                " updates were lost (expected " + std::to_string(expected) +
                                ", array expected " + FormatArray(o.at("array_expected")) + ").");
}

nlohmann::json SummariseRaceTrials(const std::vector<TrialResult>& trials) {
  std::vector<int64_t> finals;
  int lossy = 0;
  for (const TrialResult& t : trials) {
    if (!t.outcome.contains("final")) continue;
    finals.push_back(t.outcome.at("final").get<int64_t>());
    lossy += t.outcome.at("lost").get<int64_t>() > 0 ? 1 : 0;
  }
  if (finals.empty()) return nullptr;
  std::vector<int64_t> sorted = finals;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  const double median = n % 2 ? static_cast<double>(sorted[n / 2])
                              : (static_cast<double>(sorted[n / 2 - 1]) + sorted[n / 2]) / 2.0;
  return {{"trials", n},
          {"final_min", sorted.front()},
          {"final_median", median},
          {"final_max", sorted.back()},
          {"finals", finals},
          {"lost_fraction", static_cast<double>(lossy) / static_cast<double>(n)}};
}

}  // namespace proclab

#include "lessons/shared_counter.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <sstream>

#include "core/clock.hpp"
#include "core/facts/explain.hpp"
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
       .label = {"Processes on the counter", "加计数器的进程数"},
       .default_value = 2,
       .min = 1,
       .max = 64,
       .help = {"Children that add 1 to the shared counter.", "给共享计数器加 1 的子进程数。"}},
      {.name = "array-processes",
       .label = {"Processes on the array", "加数组的进程数"},
       .default_value = 2,
       .min = 0,
       .max = 64,
       .help = {"Children that add 1 to every element of the shared array.",
                "给共享数组每个元素加 1 的子进程数。"}},
      {.name = "iterations",
       .label = {"Increments per process", "每个进程的自增次数"},
       .default_value = 100,
       .min = 0,
       .max = 10'000'000,
       .help = {"How many times each child adds 1.", "每个子进程加 1 的次数。"}},
      {.name = "sleep-ms",
       .label = {"Pause before each increment (ms)", "每次自增前暂停（毫秒）"},
       .default_value = 10,
       .min = 0,
       .max = 1000,
       .help = {"Pause before each increment, in milliseconds (the tutorial's time.sleep(0.01)).",
                "每次加 1 之前暂停的毫秒数（即教程中的 time.sleep(0.01)）。"}},
      {.name = "window-us",
       .label = {"Window between read and write (µs)", "读写之间的间隔（微秒）"},
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

void SetUpNumbers(ParentContext& parent) {
  parent.segment().Construct<SharedNumbers>(kNumbersName);
  parent.Declare(ObjectKind::kSlot, kCounterSlot, "counter", AsSlotValue(int32_t{0}));
  for (int k = 0; k < kArrayLength; ++k)
    parent.Declare(ObjectKind::kSlot, ArraySlot(k), "array[" + std::to_string(k) + "]",
                   AsSlotValue(kArrayStart[k]));
  parent.Declare(ObjectKind::kLock, kNumbersLock, "lock");
}

namespace {

SharedNumbers& Numbers(ParentContext& parent) {
  SharedNumbers* numbers = parent.segment().Find<SharedNumbers>(kNumbersName);
  if (numbers == nullptr) throw RunError("the shared numbers are missing from the segment");
  return *numbers;
}

// --kill-holder: child 1 pauses inside its critical section halfway through (a long sleep while
// it holds the lock); the parent kills it there with SIGKILL, so it dies holding the lock.
void KillTheHolder(ParentContext& parent, const RaceKnobs& knobs) {
  if (knobs.counter_children < 1 || knobs.iterations < 1) {
    parent.Note("--kill-holder: there is no increment to interrupt, so nobody was killed.",
                "--kill-holder：没有可以打断的自增，所以没有杀死任何子进程。");
    return;
  }
  auto paused_holding = [&] {
    const std::vector<Event>& lane = parent.trace().lane(0);
    const LockFacts* lock = parent.facts().lock(kNumbersLock);
    const bool holds = lock != nullptr && lock->Holder() == 0;
    return parent.child(0).done() ||
           (holds && !lane.empty() && lane.back().kind == EventKind::kSleep &&
            lane.back().a >= 1'000'000);
  };
  parent.WaitUntil(paused_holding, std::chrono::hours(24));
  if (parent.child(0).done()) return;
  parent.Kill(0, SIGKILL, KillReason::kLesson);
}

void WaitForChildren(ParentContext& parent, const RaceKnobs& knobs, const RaceDrive& drive) {
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
    } else if (MonotonicNs() - last_progress > limit_ns && parent.AnyChildRunnable()) {
      // Short of CPU, not stuck (a holder at nice 19 beside other busy work can wait longer
      // than the limit for its turn): the limit starts again.
      last_progress = MonotonicNs();
    } else if (MonotonicNs() - last_progress > limit_ns) {
      const int64_t quiet_ms = (MonotonicNs() - last_progress) / 1'000'000;
      const LockFacts* lock = parent.facts().lock(kNumbersLock);
      const int holder = lock != nullptr ? lock->Holder() : kNoLane;
      RaceOutcome& out = parent.outcome<RaceOutcome>();
      out.stuck = true;
      if (holder >= 0) out.stuck_holder = holder;
      parent.ReportStall(StallCause::kNoProgress, kNumbersLock, quiet_ms);
      // Said while it is true: the holder is alive and the others wait.
      const Sentence held = ExplainLockHeld(parent.facts(), kNumbersLock);
      const std::string seconds = std::to_string(quiet_ms / 1000) + "." +
                                  std::to_string(quiet_ms / 100 % 10) + " s";
      std::string en = "Stuck: no child made progress for " + seconds + ". " + held.en;
      std::string zh = "卡住了：" + seconds + " 内没有任何子进程取得进展。" + held.zh;
      if (holder >= 0) {
        en += " An exception skipped its unlock(), so the others wait forever: the lock is "
              "robust only against a holder that dies, and this one is alive.";
        zh += "异常跳过了它的 unlock()，其他子进程只能永远等下去：健壮锁只能应对持有者死亡，"
              "而这个持有者还活着。";
      }
      en += " ProcLab stopped the children.";
      zh += "ProcLab 已停止这些子进程。";
      parent.Note(en, zh);
      parent.KillAll(SIGKILL, KillReason::kStall);
      parent.WaitChildren(std::chrono::seconds(5));
      return;
    }
    parent.Wait(std::chrono::milliseconds(20));
  }
}

}  // namespace

void DriveRace(ParentContext& parent, const RaceDrive& drive) {
  SharedNumbers& numbers = Numbers(parent);
  const RaceKnobs knobs = ReadKnobs(parent.params());
  RaceOutcome& out = parent.outcome<RaceOutcome>();
  out.locked = drive.locked;
  if (parent.step_mode()) {
    out.step_mode = true;
    out.steps = RunStepMode(parent, knobs.counter_children, drive.locked);
  }
  if (drive.kill_holder) KillTheHolder(parent, knobs);
  WaitForChildren(parent, knobs, drive);
  parent.Poll();
  // The killed holder left the lock marked as owned by a dead process. If every other child
  // had finished first, nobody was told: the parent locks it once itself, so the death is
  // found and recorded (a kLockOwnerDied on the parent's lane) like any other.
  if (drive.kill_holder && numbers.lock.holder() >= 0 && numbers.lock.TryLock(kParentLane)) {
    const int32_t died = numbers.lock.died_holding();
    numbers.lock.Unlock();
    if (died >= 0) parent.EmitOn(EventKind::kLockOwnerDied, kNumbersLock, died);
  }
  out.complete = !out.stuck;  // every child did all its work
}

void RaceOutcome::ReadShared(Segment& segment) {
  // Every child has exited: the shared numbers are final (also after a Stop).
  const SharedNumbers* numbers = segment.Find<SharedNumbers>(kNumbersName);
  if (numbers == nullptr) return;
  final = numbers->counter.load();
  for (int k = 0; k < kArrayLength; ++k) array_final[static_cast<size_t>(k)] = numbers->array[k].load();
}

void RaceOutcome::Conclude(const TrialResult& result) {
  const RunFacts& facts = result.facts;
  const RaceKnobs knobs = ReadKnobs(result.params);
  auto slot = [&](uint32_t id) { return facts.slot(id); };
  if (const SlotFacts* counter = slot(kCounterSlot)) {
    expected = counter->initial.field + counter->writes;
    lost = counter->lost;
    exact = exact && counter->exact;
    lost_updates = counter->lost_updates;
    lost_updates_complete = counter->listed_all;
  }
  lost_total = lost;
  exact = exact && complete;  // a child killed mid-write can be one write off its own count
  for (int k = 0; k < kArrayLength; ++k) {
    const auto i = static_cast<size_t>(k);
    array_expected[i] = kArrayStart[k];
    if (const SlotFacts* element = slot(ArraySlot(k))) {
      array_expected[i] = element->initial.AsDouble() + static_cast<double>(element->writes);
      array_lost[i] = element->lost;
      lost_total += element->lost;
      exact = exact && element->exact;
    }
  }
  // Per child: its counter writes, or (an array child) its rounds, i.e. writes of array[0].
  writes_by_child.clear();
  for (int c = 0; c < facts.children(); ++c) {
    const SlotFacts* s = slot(c < knobs.counter_children ? kCounterSlot : ArraySlot(0));
    const SlotFacts::PerLane* mine = s != nullptr ? s->lanes.Find(c) : nullptr;
    writes_by_child.push_back(mine != nullptr ? mine->writes : 0);
  }
  // A child that died holding the lock: the lock's facts say who was recovered from. A child
  // ProcLab stopped while it held the lock (a stall) did not "die holding it" in the lesson's
  // sense, and no owner death is recorded for it.
  if (const LockFacts* lock = facts.lock(kNumbersLock))
    for (const LockFacts::OwnerDied& death : lock->owner_deaths)
      if (!death.by_stop && !died_holding) died_holding = death.dead_lane;
}

namespace {

nlohmann::json Value(const SlotValue& v) {
  return v.type == ValueType::kInt ? nlohmann::json(v.field) : nlohmann::json(v.AsDouble());
}

std::string_view StepResultName(StepResult r) {
  switch (r) {
    case StepResult::kRead: return "read";
    case StepResult::kWrote: return "wrote";
    case StepResult::kWaitingForLock: return "waiting for the lock";
    case StepResult::kNoStep: return "no step taken";
    case StepResult::kFinished: return "finished";
    case StepResult::kNotStepping: return "no such counter child";
  }
  return "?";
}

}  // namespace

nlohmann::json RaceOutcome::ToJson() const {
  nlohmann::json out = {{"final", final},
                        {"complete", complete},
                        {"expected", expected},
                        {"lost", lost},
                        {"array_final", array_final},
                        {"array_expected", array_expected},
                        {"array_lost", array_lost},
                        {"lost_total", lost_total},
                        {"exact", exact},
                        {"writes_by_child", writes_by_child}};
  nlohmann::json updates = nlohmann::json::array();
  for (const LostUpdate& u : lost_updates)
    updates.push_back({{"child", u.lane + 1},
                       {"read", Value(u.read)},
                       {"wrote", Value(u.written)},
                       {"overwrote", Value(u.replaced)},
                       {"updates_lost", u.erased},
                       {"overwrote_child", u.overwritten_lane >= 0 ? nlohmann::json(u.overwritten_lane + 1)
                                                                   : nlohmann::json(nullptr)},
                       {"t_ms", Ms(u.t_ns)}});
  out["lost_updates"] = std::move(updates);
  // A flat-out run of many children makes more lost updates than can be listed; `lost` counts
  // them all, the list keeps the first SlotFacts::kMaxListed.
  out["lost_updates_complete"] = lost_updates_complete;
  if (step_mode) {
    nlohmann::json list = nlohmann::json::array();
    for (const StepRecord& step : steps.steps) {
      nlohmann::json entry = {{"step", step.number}, {"child", step.child + 1},
                              {"what", step.asked == 'r' ? "read" : "write"},
                              {"result", StepResultName(step.result)}};
      if (step.result == StepResult::kRead || step.result == StepResult::kWrote)
        entry["value"] = Value(step.value);
      if (step.lost_update) {
        entry["lost_update"] = true;
        entry["overwrote"] = Value(step.overwrote);
      }
      if (step.result == StepResult::kWaitingForLock)
        entry["holder"] = step.holder >= 0 ? nlohmann::json(step.holder + 1) : nlohmann::json(nullptr);
      if (step.consequence) entry["got_lock"] = true;
      list.push_back(std::move(entry));
    }
    out["steps"] = std::move(list);
    out["scheduled_steps"] = steps.scheduled;
  }
  if (locked) {
    out["died_holding"] = died_holding ? nlohmann::json(*died_holding + 1) : nlohmann::json(nullptr);
    out["stuck"] = stuck;
    out["stuck_holder"] = stuck_holder ? nlohmann::json(*stuck_holder + 1) : nlohmann::json(nullptr);
  }
  return out;
}

namespace {

std::string StepResultZh(StepResult r) {
  switch (r) {
    case StepResult::kRead: return "读取";
    case StepResult::kWrote: return "写入";
    case StepResult::kWaitingForLock: return "在等锁";
    case StepResult::kNoStep: return "没有走任何一步";
    case StepResult::kFinished: return "已完成";
    case StepResult::kNotStepping: return "没有这个计数器子进程";
  }
  return "?";
}

// What a race child reported (lock-guard's failure inside the critical section), in `l`.
std::string ChildErrorText(const std::string& en, Language l) {
  if (l == Language::kChinese && en == "child 1 failed inside the critical section") return "子进程 1 在临界区内失败";
  return en;
}

std::string FormatArray(const std::array<double, kArrayLength>& values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    char number[32];
    std::snprintf(number, sizeof number, "%.1f", values[i]);
    text += (i ? ", " : "") + std::string(number);
  }
  return text + "]";
}

}  // namespace

void RaceTranscript(const TrialResult& result, Language l, std::vector<std::string>& out) {
  const RaceKnobs knobs = ReadKnobs(result.params);
  const RunFacts& facts = result.facts;
  // A run that got stuck says so first: what is stuck is the headline, not the totals.
  for (const StallFact& stall : facts.stalls()) out.push_back(ExplainStall(facts, stall).In(l));
  out.push_back(Pick(l, "Value at beginning: 0", "开始时的值：0"));
  std::array<double, kArrayLength> start{};
  std::copy(std::begin(kArrayStart), std::end(kArrayStart), start.begin());
  out.push_back(Pick(l, "Array at beginning: ", "开始时的数组：") + FormatArray(start));
  const std::string counters = std::to_string(knobs.counter_children), arrays = std::to_string(knobs.array_children);
  const std::string times = std::to_string(knobs.iterations), window = std::to_string(knobs.window_us);
  out.push_back(Pick(l, counters + " children add 1 to the counter and " + arrays + " add 1 to every array element, " +
                            times + " times each; " + window + " us pass between each read and its write.",
                     counters + " 个子进程给计数器加 1，" + arrays + " 个给数组的每个元素加 1，各做 " + times +
                            " 次；每次读和写之间隔 " + window + " 微秒。"));
  const RaceOutcome* o = result.Outcome<RaceOutcome>();
  if (o != nullptr && o->step_mode) {
    for (const StepRecord& step : o->steps.steps) {
      const std::string child = std::to_string(step.child + 1);
      std::string line = step.consequence ? Pick(l, "        then child " + child + " ", "        接着子进程 " + child + " ")
                                          : Pick(l, "step " + std::to_string(step.number) + ": child " + child + " ",
                                                 "第 " + std::to_string(step.number) + " 步：子进程 " + child + " ");
      switch (step.result) {
        case StepResult::kRead:
        case StepResult::kWrote:
          line += (step.consequence ? Pick(l, "gets the lock and reads counter = ", "拿到锁并读取 counter = ")
                   : step.result == StepResult::kRead ? Pick(l, "reads counter = ", "读取 counter = ")
                                                      : Pick(l, "writes counter = ", "写入 counter = ")) +
                  step.value.Text();
          if (step.lost_update)
            line += Pick(l, "   <- lost update: it overwrote " + step.overwrote.Text() +
                                ", which another child had written since this child read",
                         "   <- 丢失更新：它覆盖了 " + step.overwrote.Text() + "，那是它读取之后另一个子进程写入的值");
          break;
        case StepResult::kWaitingForLock: {
          const std::string holder = std::to_string(step.holder + 1);
          line += Pick(l, std::string("cannot ") + (step.asked == 'r' ? "read" : "write") + " yet: it is waiting for the lock" +
                              (step.holder >= 0 ? " that child " + holder + " holds" : std::string()),
                       std::string("还不能") + (step.asked == 'r' ? "读" : "写") + "：它在等" +
                              (step.holder >= 0 ? "子进程 " + holder + " 持有的" : std::string()) + "锁");
          break;
        }
        default:
          line += Pick(l, "takes no step (" + std::string(StepResultName(step.result)) + ")",
                       "没有走这一步（" + StepResultZh(step.result) + "）");
      }
      out.push_back(line);
    }
    if (o->steps.finished_for_you)
      out.push_back(Pick(l, "(after your steps, the children finished one at a time)", "（你的步骤之后，子进程逐个完成了剩下的工作）"));
  }
  std::vector<TimedLine> timed;
  for (const ChildFacts& child : facts.all_children()) {
    if (!child.error.empty())
      timed.push_back({child.failed_ns != 0 ? child.failed_ns : child.end_ns(),
                       ChildName(child.record, l) + Pick(l, " reported an error: ", " 报告了一个错误：") + ChildErrorText(child.error, l)});
    if (child.record.state == ChildState::kKilled || child.record.exit_status != 0)
      timed.push_back({child.end_ns(), ChildName(child.record, l) + " " + HowItEnded(child, l)});
  }
  AppendSorted(timed, out);
  if (o != nullptr && o->locked) {
    if (const LockFacts* lock = facts.lock(kNumbersLock))
      for (int c = 0; c < facts.children(); ++c) {
        const LockFacts::PerLane* mine = lock->lanes.Find(c);
        const double wait = mine ? static_cast<double>(mine->wait_ns) / 1e6 : 0.0;
        const double hold = mine ? static_cast<double>(mine->hold_ns) / 1e6 : 0.0;
        const std::string name = ChildName(facts.child(c).record, l);
        out.push_back(Pick(l, name + " waited " + FormatMs(wait) + " for the lock and held it " + FormatMs(hold),
                           name + " 等锁 " + FormatMs(wait, l) + "，持有锁 " + FormatMs(hold, l)));
      }
  }
  if (o == nullptr) return;
  out.push_back(Pick(l, "Value at end: ", "结束时的值：") + std::to_string(o->final));
  out.push_back(Pick(l, "Array at end: ", "结束时的数组：") + FormatArray(o->array_final));
  if (o->stuck) {
    out.push_back(Pick(l, "The run was stopped because it got stuck, so these totals are not complete.",
                       "运行卡住后被停止了，所以这些总数并不完整。"));
    return;
  }
  if (!o->complete)
    out.push_back(Pick(l, "The run was stopped before the children finished; the counts below cover what "
                          "they did until then (a child killed in the middle of a write may count that "
                          "one write differently).",
                       "运行在子进程完成之前被停止了；下面的计数只包括它们到那时为止做的事"
                       "（在写入中途被杀死的子进程可能会把那一次写入算得不同）。"));
  std::string array_lost;
  for (size_t k = 0; k < o->array_lost.size(); ++k)
    array_lost += (k ? ", " : "") + std::to_string(o->array_lost[k]);
  const std::string expected = std::to_string(o->expected), final = std::to_string(o->final), lost = std::to_string(o->lost);
  out.push_back(o->lost == 0 ? Pick(l, "No update of the counter was lost: " + expected + " increments, counter " + final + ".",
                                    "计数器没有丢失任何更新：" + expected + " 次加 1，计数器为 " + final + "。")
                             : Pick(l, lost + " of " + expected + " updates of the counter were lost (expected " + expected +
                                           ", got " + final + ").",
                                    "计数器的 " + expected + " 次更新中丢失了 " + lost + " 次（期望 " + expected + "，实际 " +
                                           final + "）。"));
  if (knobs.array_children > 0)
    out.push_back(Pick(l, "Array: expected " + FormatArray(o->array_expected) + ", updates lost per element [" + array_lost +
                              "]; " + std::to_string(o->lost_total) + " lost in all.",
                       "数组：期望 " + FormatArray(o->array_expected) + "，每个元素丢失的更新 [" + array_lost + "]；共丢失 " +
                              std::to_string(o->lost_total) + " 次。"));
  if (!o->exact)
    out.push_back(Pick(l, "(Some trace events were dropped: the lanes show fewer lost updates than these "
                          "totals, which each child counted itself.)",
                       "（有些跟踪事件被丢弃了：泳道显示的丢失更新比这些总数少，总数是每个子进程自己数的。）"));
}

nlohmann::json SummariseRaceTrials(const std::vector<TrialResult>& trials) {
  std::vector<int64_t> finals;
  int lossy = 0;
  for (const TrialResult& t : trials) {
    const RaceOutcome* o = t.Outcome<RaceOutcome>();
    if (o == nullptr || o->stuck) continue;
    finals.push_back(o->final);
    lossy += o->lost_total > 0 ? 1 : 0;
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

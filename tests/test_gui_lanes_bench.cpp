// The GUI's smooth-drawing logic, without a display: per-state time summaries give each pixel
// column its dominant state and every state that occurred in it (a brief lock hold shows when
// zoomed out), exactly as a sweep over every state change would; a lock's row gives each column
// the holder its spans say; the live model folded in small budgets ends with the facts folded
// at once, and the run's own; and the frame benchmark's figures and options.
// Compiled only when the GUI's logic library is built (PROCLAB_GUI=ON).
#ifdef PROCLAB_HAS_GUI_LOGIC
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "app/gui/session/live_model.hpp"
#include "app/gui/shell/command_line.hpp"
#include "app/gui/shell/frame_bench.hpp"
#include "app/gui/timeline/lane_columns.hpp"
#include "app/gui/timeline/lock_timeline.hpp"
#include "app/gui/timeline/lost_marks.hpp"
#include "app/gui/views/view.hpp"

using namespace proclab;
using namespace proclab::gui;

namespace {

Event At(int64_t t, uint16_t worker, EventKind kind, uint32_t object = 0, int64_t a = 0, int64_t b = 0) {
  return Event{t, worker, kind, ValueType::kInt, object, a, b};
}

// Time per state over [from, to), by walking every state change (what the summaries must equal).
StateTimes SlowTimes(const ChildFacts& child, int64_t from, int64_t to) {
  StateTimes times{};
  const auto& changes = child.changes;
  for (size_t k = 0; k < changes.size(); ++k) {
    const int64_t a = std::max(from, changes[k].t_ns);
    const int64_t b = std::min(to, k + 1 < changes.size() ? changes[k + 1].t_ns : to);
    if (b > a) times[static_cast<size_t>(changes[k].state)] += b - a;
  }
  return times;
}

// A child that takes lock 1 `holds` times: waits 30 ns, holds it `hold_ns`, runs 1000 ns.
std::vector<Event> LockingChild(uint16_t worker, int holds, int64_t hold_ns) {
  std::vector<Event> events{At(0, worker, EventKind::kStarted)};
  int64_t t = 10;
  for (int i = 0; i < holds; ++i) {
    events.push_back(At(t, worker, EventKind::kLockWait, 1));
    events.push_back(At(t + 30, worker, EventKind::kLockAcquired, 1));
    events.push_back(At(t + 30 + hold_ns, worker, EventKind::kLockReleased, 1));
    t += 30 + hold_ns + 1000;
  }
  events.push_back(At(t, worker, EventKind::kFinished));
  return events;
}

// The facts of `trace`, folded by the live model, with a supervisor's record per lane (the
// records are what makes the facts summarise a lane's state changes).
RunFacts Fold(const Trace& trace) {
  std::vector<ChildRecord> children(static_cast<size_t>(trace.lanes()));
  for (size_t i = 0; i < children.size(); ++i) children[i].index = static_cast<int>(i);
  LiveModel model;
  model.Sync(trace, children);
  return model.facts();
}

}  // namespace

TEST_CASE("a column where the lock was held briefly shows it beside the state that fills it") {
  Trace trace;
  trace.Reset(0);
  trace.Append(LockingChild(0, 100'000, 5));  // 5 ns held in every ~1 µs
  const RunFacts facts = Fold(trace);
  const ChildFacts& child = facts.child(0);
  REQUIRE(child.changes.size() > 200'000);
  std::vector<ColumnSummary> columns;
  const int64_t end = child.changes.back().t_ns;
  SummariseColumns(child, 0, end, 700, columns);
  REQUIRE(columns.size() == 700);
  for (const ColumnSummary& column : columns) {
    CHECK(column.dominant == LaneState::kRunning);
    CHECK(column.Has(LaneState::kLockHeld));
    CHECK(column.Has(LaneState::kLockWait));
    CHECK(!column.Has(LaneState::kQueueBlocked));
  }
  // Zoomed in on one gap between holds: running only.
  SummariseColumns(child, 100, 1000, 10, columns);
  for (const ColumnSummary& column : columns) {
    CHECK(column.dominant == LaneState::kRunning);
    CHECK(!column.Has(LaneState::kLockHeld));
  }
  const uint32_t seen = StatesSeen(facts);
  CHECK((seen >> static_cast<unsigned>(LaneState::kLockHeld)) & 1u);
  CHECK(!((seen >> static_cast<unsigned>(LaneState::kQueueBlocked)) & 1u));
}

TEST_CASE("per-state time from the summaries equals a walk over every state change") {
  Trace trace;
  trace.Reset(0);
  std::mt19937_64 random(7);
  std::vector<Event> events{At(0, 0, EventKind::kStarted)};
  int64_t t = 0;
  for (int i = 0; i < 20'000; ++i) {
    t += 1 + static_cast<int64_t>(random() % 500);
    const EventKind kinds[] = {EventKind::kLockWait, EventKind::kLockAcquired, EventKind::kLockReleased,
                               EventKind::kQueueBlocked, EventKind::kQueueUnblocked, EventKind::kWrite};
    events.push_back(At(t, 0, kinds[i % 6], 1));
  }
  trace.Append(events);
  const RunFacts facts = Fold(trace);
  const ChildFacts& child = facts.child(0);
  REQUIRE(child.block_time.size() > 10);
  long cursor = -1;
  StateTimes from_summary{}, zero{};
  int64_t previous = -1;
  for (int i = 0; i < 300; ++i) {
    // Increasing times (as a row of columns asks), and now and then one that goes back.
    const int64_t at = i % 50 == 49 ? previous / 2 : static_cast<int64_t>(random() % static_cast<uint64_t>(t + 1000));
    TimeUpTo(child, at, cursor, from_summary);
    CHECK(from_summary == SlowTimes(child, child.changes.front().t_ns, at));
    previous = at;
  }
  TimeUpTo(child, -5, cursor, from_summary);
  CHECK(from_summary == zero);
}

TEST_CASE("the live model folded a few events at a time ends with the facts folded at once") {
  Trace trace;
  trace.Reset(0);
  // Two children racing on slot 0, interleaved in time: child 2 overwrites every write of child 1.
  std::vector<Event> one{At(1, 0, EventKind::kStarted)}, two{At(2, 1, EventKind::kStarted)};
  for (int64_t i = 0; i < 2000; ++i) {
    one.push_back(At(10 + i * 40, 0, EventKind::kRead, 0, i));
    two.push_back(At(20 + i * 40, 1, EventKind::kRead, 0, i));
    one.push_back(At(30 + i * 40, 0, EventKind::kWrite, 0, i + 1, i));
    two.push_back(At(40 + i * 40, 1, EventKind::kWrite, 0, i + 1, i + 1));
  }
  one.push_back(At(90'000, 0, EventKind::kFinished));
  two.push_back(At(90'001, 1, EventKind::kFinished));
  trace.Append(one);
  trace.Append(two);
  std::vector<ChildRecord> children(2);
  for (int i = 0; i < 2; ++i) {
    children[static_cast<size_t>(i)].index = i;
    children[static_cast<size_t>(i)].spawn_ns = 1;
    children[static_cast<size_t>(i)].state = ChildState::kExited;
    children[static_cast<size_t>(i)].exit_status = 0;
    children[static_cast<size_t>(i)].end_ns = 90'010;
  }
  LiveModel whole, bit_by_bit;
  REQUIRE(whole.Sync(trace, children));
  int calls = 0;
  while (!bit_by_bit.Sync(trace, children, 3000)) ++calls;
  CHECK(calls >= 2);  // 8000 events in shares of 1000 per lane and call
  CHECK(bit_by_bit.events() == whole.events());
  const SlotFacts& a = *bit_by_bit.facts().slot(0);
  const SlotFacts& b = *whole.facts().slot(0);
  CHECK(a.lost == b.lost);
  CHECK(b.lost == 2000);
  LostMarks marks_a, marks_b;
  marks_a.Update(bit_by_bit.facts());
  marks_b.Update(whole.facts());
  for (int i = 0; i < 2; ++i) {
    CHECK(marks_a.lane(i).size() == marks_b.lane(i).size());
    CHECK(bit_by_bit.facts().child(i).changes.size() == whole.facts().child(i).changes.size());
    CHECK(bit_by_bit.facts().child(i).block_time.size() == whole.facts().child(i).block_time.size());
  }
  // Every mark is on child 2's write: it overwrote child 1's.
  CHECK(marks_b.lane(0).empty());
  REQUIRE(marks_b.lane(1).size() == 2000);
  CHECK(marks_b.lane(1).front().t_ns == 40);
  // The run's own one-go derivation says the same.
  const RunFacts derived = DeriveFacts(trace, children);
  CHECK(derived.slot(0)->lost == b.lost);
  for (int i = 0; i < 2; ++i) CHECK(derived.child(i).changes.size() == whole.facts().child(i).changes.size());
  // A run that dropped events says so to its live facts, lane by lane, as the trace counts them.
  CHECK(whole.facts().drops() == 0);
  trace.SetDrops(1, 7);
  whole.Sync(trace, children);
  CHECK(whole.facts().drops() == 7);
  CHECK(whole.facts().drops(1) == 7);
}

TEST_CASE("a lock's row gives each column the child that held it longest and every child that waited") {
  Trace trace;
  trace.Reset(0);
  // Child 1 holds lock 1 over [100, 600), child 2 waits for it over [200, 600) and holds it
  // over [600, 700); child 3 waits over [650, 700) and holds it from 700 on (still holding).
  trace.Append({At(100, 0, EventKind::kLockAcquired, 1), At(600, 0, EventKind::kLockReleased, 1)});
  trace.Append({At(200, 1, EventKind::kLockWait, 1), At(600, 1, EventKind::kLockAcquired, 1),
                At(700, 1, EventKind::kLockReleased, 1)});
  trace.Append({At(650, 2, EventKind::kLockWait, 1), At(700, 2, EventKind::kLockAcquired, 1),
                At(1000, 2, EventKind::kRead, 0, 0)});
  LiveModel model;
  model.Sync(trace, {});
  const LockFacts& lock = *model.facts().lock(1);
  LockTimeline timeline;
  timeline.Update(lock);
  std::vector<LockColumn> columns;
  timeline.Summarise(0, 1000, 10, 1000, columns);  // 100 ns per column
  REQUIRE(columns.size() == 10);
  CHECK(columns[0].holder == kNoLane);
  for (int c = 1; c < 6; ++c) CHECK(columns[static_cast<size_t>(c)].holder == 0);
  CHECK(columns[6].holder == 1);
  for (int c = 7; c < 10; ++c) CHECK(columns[static_cast<size_t>(c)].holder == 2);  // the open hold reaches now
  CHECK(!columns[1].Waits(1));
  for (int c = 2; c < 6; ++c) CHECK(columns[static_cast<size_t>(c)].Waits(1));
  CHECK(columns[6].Waits(2));
  CHECK(!columns[7].Waits(2));
  CHECK(timeline.HolderAt(350, 1000) == 0);
  CHECK(timeline.HolderAt(650, 1000) == 1);
  CHECK(timeline.HolderAt(50, 1000) == kNoLane);
  CHECK(timeline.WaitersAt(660, 1000) == std::vector<int>{2});
  // The same as more events arrive: the open hold ends, nothing else changes.
  trace.Append({At(1100, 2, EventKind::kLockReleased, 1)});
  model.Sync(trace, {});
  timeline.Update(*model.facts().lock(1));
  CHECK(timeline.HolderAt(1050, 2000) == 2);
  CHECK(timeline.HolderAt(1150, 2000) == kNoLane);
  CHECK(timeline.lanes() == std::vector<int>{0, 1, 2});
}

TEST_CASE("frame figures are nearest-rank percentiles of the frame intervals") {
  std::vector<double> frames;
  for (int i = 100; i >= 1; --i) frames.push_back(i);  // 1 .. 100 ms, in any order
  const FrameSummary summary = SummariseFrames(frames);
  CHECK(summary.frames == 100);
  CHECK(summary.median_ms == 50);
  CHECK(summary.p95_ms == 95);
  CHECK(summary.max_ms == 100);
  CHECK(SummariseFrames({}).frames == 0);
  CHECK(SummariseFrames({7}).p95_ms == 7);

  FrameRecorder recorder(8);
  recorder.Presented(1.000, false);  // the first frame: no interval yet
  recorder.Presented(1.010, true, FramePhases{.sync_ms = 1, .swap_ms = 4, .redrawn = 0.25});
  recorder.Presented(1.030, true, FramePhases{.sync_ms = 3, .swap_ms = 8, .redrawn = 0.5});
  recorder.Presented(1.035, false, FramePhases{.sync_ms = 99});
  recorder.Presented(1.036, true, FramePhases{});  // live, nothing redrawn: 1 ms
  REQUIRE(recorder.intervals() == 4);
  CHECK(recorder.live_intervals_ms().size() == 3);
  const auto report = FramesReport("shared-data", recorder, 321.5, 42, 1280, 800);
  CHECK(report["frames"] == 4);
  CHECK(report["frames_running"] == 3);
  CHECK(report["frame_ms_median"].get<double>() == Approx(5));
  CHECK(report["running_frame_ms_median"].get<double>() == Approx(10));
  CHECK(report["running_frame_ms_p95"].get<double>() == Approx(20));
  CHECK(report["first_frame_ms"].get<double>() == Approx(321.5));
  CHECK(report["events"] == 42);
  // The phases of the live frames only, each its own nearest-rank median and p95.
  CHECK(report["running_phase_ms_median"]["sync"].get<double>() == Approx(1));
  CHECK(report["running_phase_ms_p95"]["sync"].get<double>() == Approx(3));
  CHECK(report["running_phase_ms_p95"]["swap"].get<double>() == Approx(8));
  CHECK(report["running_phase_ms_median"]["layout"].get<double>() == Approx(0));
  CHECK(report["running_redrawn_median"].get<double>() == Approx(0.25));
  // The live frames that redrew something (here both): their own intervals.
  CHECK(report["running_changed_frames"] == 2);
  CHECK(report["running_changed_frame_ms_p95"].get<double>() == Approx(20));
  // The slowest frames first, with their phases and whether they were live.
  REQUIRE(report["slowest_frames"].size() == 3);
  CHECK(report["slowest_frames"][0]["ms"].get<double>() == Approx(20));
  CHECK(report["slowest_frames"][0]["phases"]["sync"].get<double>() == Approx(3));
  CHECK(report["slowest_frames"][2]["ms"].get<double>() == Approx(5));
  CHECK(report["slowest_frames"][2]["live"] == false);
  const auto idle = IdleReport(10, 0.05, 4, 300);
  CHECK(idle["idle_cpu_percent"].get<double>() == Approx(0.5));
}

TEST_CASE("the fewest frames in any one second counts frames, not the slowest frame") {
  CHECK(FewestFramesInAnySecond({}) == -1);
  CHECK(FewestFramesInAnySecond(std::vector<double>(10, 50)) == -1);  // half a second in all
  // 100 frames of 20 ms: any second holds 50.
  CHECK(FewestFramesInAnySecond(std::vector<double>(100, 20)) == 50);
  // One stall of 600 ms among 20 ms frames: the second that holds it has 20 more frames.
  std::vector<double> stalled(50, 20);
  stalled.push_back(600);
  stalled.insert(stalled.end(), 50, 20);
  CHECK(FewestFramesInAnySecond(stalled) == 1 + 20);
  // Two stalls of 500 ms back to back: a second with only them in it.
  std::vector<double> frozen(60, 20);
  frozen.push_back(500);
  frozen.push_back(500);
  frozen.insert(frozen.end(), 60, 20);
  CHECK(FewestFramesInAnySecond(frozen) == 2);
  // One frame over a second long: some second has no frame presented at all.
  CHECK(FewestFramesInAnySecond({20, 20, 1500, 20, 20}) == 0);
}

TEST_CASE("this process's age and CPU time are measured") {
  const double age = ProcessAgeMs();
  CHECK(age > 0);
  CHECK(age < 24.0 * 3600 * 1000);
  const double before = ProcessCpuSeconds();
  volatile double sink = 0;
  for (int i = 0; i < 20'000'000; ++i) sink = sink + i;
  CHECK(ProcessCpuSeconds() > before);
}

TEST_CASE("the benchmark options take one positive figure and name the lesson to run") {
  std::string error;
  const std::vector<std::string_view> views = ViewIds();
  auto parse = [&](std::vector<const char*> args) {
    args.insert(args.begin(), "proclab");
    return ParseCommandLine(static_cast<int>(args.size()), const_cast<char**>(args.data()), views, &error);
  };
  const auto frames = parse({"--bench-frames", "300", "--lesson", "shared-data", "--processes", "8"});
  REQUIRE(frames.has_value());
  CHECK(frames->bench_frames == 300);
  CHECK(frames->benchmark());
  const auto idle = parse({"--bench-idle", "2.5"});
  REQUIRE(idle.has_value());
  CHECK(idle->bench_idle_s == 2.5);
  CHECK(!parse({"--bench-frames", "0", "--lesson", "processes"}));
  CHECK(error.find("--bench-frames must be a whole number") != std::string::npos);
  CHECK(!parse({"--bench-frames", "3x", "--lesson", "processes"}));
  CHECK(!parse({"--bench-frames", "100001", "--lesson", "processes"}));
  CHECK(!parse({"--bench-frames", "10"}));
  CHECK(error.find("--lesson") != std::string::npos);
  CHECK(!parse({"--bench-idle", "0"}));
  CHECK(!parse({"--bench-idle", "inf"}));
  CHECK(error.find("--bench-idle must be a number of seconds") != std::string::npos);
  CHECK(!parse({"--bench-idle", "1", "--selftest"}));
  CHECK(!parse({"--bench-frames", "3", "--lesson", "locks", "--step", "1r"}));
  CHECK(!parse({"--bench-frames", "3", "--lesson", "locks", "--processes", "0"}));
}
TEST_CASE("the live model folds every lane up to one moment, so its counter, expected and lost agree") {
  Trace trace;
  trace.Reset(0);
  // Two children take turns adding 1 to slot 0, nothing lost: update k (k = 1..40) is a read of
  // k - 1 at 100k - 50 and a write of k at 100k, by child 1 for odd k, child 2 for even k.
  auto updates = [](int lane, int64_t from_k, int64_t to_k) {
    std::vector<Event> events;
    for (int64_t k = from_k; k <= to_k; ++k) {
      if (k % 2 != (lane == 0 ? 1 : 0)) continue;
      events.push_back(At(100 * k - 50, static_cast<uint16_t>(lane), EventKind::kRead, 0, k - 1));
      events.push_back(At(100 * k, static_cast<uint16_t>(lane), EventKind::kWrite, 0, k, k - 1));
    }
    return events;
  };
  std::vector<ChildRecord> children(2);
  for (int i = 0; i < 2; ++i) {
    children[static_cast<size_t>(i)].index = i;
    children[static_cast<size_t>(i)].state = ChildState::kRunning;
  }
  // Child 1's ring was read at 4,000 ns, child 2's only at 1,050: its later updates are not in yet.
  trace.Append(updates(0, 1, 40));
  trace.SetWatermark(0, 4000);
  trace.Append(updates(1, 1, 10));
  trace.SetWatermark(1, 1050);
  LiveModel model;
  CHECK_FALSE(model.Sync(trace, children));  // child 1's events after 1,050 wait
  const SlotFacts* counter = model.facts().slot(0);
  REQUIRE(counter != nullptr);
  CHECK(counter->last_written.field == 10);  // not child 1's 39, written at 3,900
  CHECK(counter->writes == 10);
  CHECK(counter->lost == 0);
  CHECK(counter->last_written.field == counter->initial.field + counter->writes - counter->lost);
  CHECK(model.facts().last_ns() <= 1050);
  // Child 2's ring read again at 4,000: everything is in, and still one moment.
  trace.Append(updates(1, 11, 40));
  trace.SetWatermark(1, 4000);
  CHECK(model.Sync(trace, children));
  CHECK(counter->last_written.field == 40);
  CHECK(counter->writes == 40);
  CHECK(counter->lost == 0);
  // A small budget takes in a few events at a time, every lane up to the same time.
  LiveModel small;
  int calls = 0;
  while (!small.Sync(trace, children, 6)) {
    ++calls;
    const SlotFacts& c = *small.facts().slot(0);
    CHECK(c.last_written.field == c.initial.field + c.writes - c.lost);
  }
  CHECK(calls >= 10);
  CHECK(small.facts().slot(0)->writes == 40);
  // A child that ended holds nobody back, whatever its ring's last reading said.
  Trace ended_trace;
  ended_trace.Reset(0);
  ended_trace.Append(updates(0, 1, 40));
  ended_trace.SetWatermark(0, 4000);
  ended_trace.Append(updates(1, 1, 10));
  ended_trace.SetWatermark(1, 1050);
  children[1].state = ChildState::kExited;
  LiveModel after_end;
  CHECK(after_end.Sync(ended_trace, children));
  CHECK(after_end.facts().slot(0)->writes == 25);
}
#endif  // PROCLAB_HAS_GUI_LOGIC

// The GUI's smooth-drawing logic, without a display: per-state time summaries give each pixel
// column its dominant state and every state that occurred in it (a brief lock hold shows when
// zoomed out), exactly as a sweep over every segment would; the model synced in small budgets
// ends up the same as synced at once; and the frame benchmark's figures and options.
// Compiled only when the GUI's logic library is built (PROCLAB_GUI=ON).
#ifdef PROCLAB_HAS_GUI_LOGIC
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "app/gui/shell/command_line.hpp"
#include "app/gui/shell/frame_bench.hpp"
#include "app/gui/views/trace_model.hpp"

using namespace proclab;
using namespace proclab::gui;

namespace {

Event At(int64_t t, uint16_t worker, EventKind kind, int64_t a = 0, int64_t b = 0) {
  return Event{t, worker, kind, 0, a, b};
}

// Time per state over [from, to), by walking every segment (what the summaries must equal).
StateTimes SlowTimes(const LaneModel& lane, int64_t from, int64_t to) {
  StateTimes times{};
  const auto& segs = lane.segments;
  for (size_t k = 0; k < segs.size(); ++k) {
    const int64_t a = std::max(from, segs[k].t_ns);
    const int64_t b = std::min(to, k + 1 < segs.size() ? segs[k + 1].t_ns : to);
    if (b > a) times[static_cast<size_t>(segs[k].state)] += b - a;
  }
  return times;
}

// A child that takes the lock `holds` times: waits 30 ns, holds it `hold_ns`, runs 1000 ns.
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

}  // namespace

TEST_CASE("a column where the lock was held briefly shows it beside the state that fills it") {
  Trace trace;
  trace.Reset(0);
  trace.Append(LockingChild(0, 100'000, 5));  // 5 ns held in every ~1 µs
  TraceModel model;
  model.Sync(trace, {}, true);
  const LaneModel& lane = model.lane(0);
  REQUIRE(lane.segments.size() > 200'000);
  std::vector<ColumnSummary> columns;
  const int64_t end = lane.segments.back().t_ns;
  SummariseColumns(lane, 0, end, 700, columns);
  REQUIRE(columns.size() == 700);
  for (const ColumnSummary& column : columns) {
    CHECK(column.dominant == LaneState::kRunning);
    CHECK(column.Has(LaneState::kLockHeld));
    CHECK(column.Has(LaneState::kLockWait));
    CHECK(!column.Has(LaneState::kQueueBlocked));
  }
  // Zoomed in on one gap between holds: running only.
  SummariseColumns(lane, 100, 1000, 10, columns);
  for (const ColumnSummary& column : columns) {
    CHECK(column.dominant == LaneState::kRunning);
    CHECK(!column.Has(LaneState::kLockHeld));
  }
}

TEST_CASE("per-state time from the summaries equals a walk over every segment") {
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
  TraceModel model;
  model.Sync(trace, {}, true);
  const LaneModel& lane = model.lane(0);
  REQUIRE(lane.block_time.size() > 10);
  long cursor = -1;
  StateTimes from_summary{}, zero{};
  int64_t previous = -1;
  for (int i = 0; i < 300; ++i) {
    // Increasing times (as a row of columns asks), and now and then one that goes back.
    const int64_t at = i % 50 == 49 ? previous / 2 : static_cast<int64_t>(random() % static_cast<uint64_t>(t + 1000));
    TimeUpTo(lane, at, cursor, from_summary);
    CHECK(from_summary == SlowTimes(lane, lane.segments.front().t_ns, at));
    previous = at;
  }
  TimeUpTo(lane, -5, cursor, from_summary);
  CHECK(from_summary == zero);
}

TEST_CASE("the model synced a few events at a time ends up as the model synced at once") {
  Trace trace;
  trace.Reset(0);
  // Two children racing on the counter, interleaved in time: 2000 lost-update candidates.
  std::vector<Event> one{At(1, 0, EventKind::kStarted)}, two{At(2, 1, EventKind::kStarted)};
  for (int64_t i = 0; i < 2000; ++i) {
    one.push_back(At(10 + i * 40, 0, EventKind::kRead, i, 0));
    two.push_back(At(20 + i * 40, 1, EventKind::kRead, i, 0));
    one.push_back(At(30 + i * 40, 0, EventKind::kWrite, i + 1, 0));
    two.push_back(At(40 + i * 40, 1, EventKind::kWrite, i + 1, 0));
  }
  one.push_back(At(90'000, 0, EventKind::kFinished));
  two.push_back(At(90'001, 1, EventKind::kFinished));
  trace.Append(one);
  trace.Append(two);
  TraceModel whole, bit_by_bit;
  REQUIRE(whole.Sync(trace, {}, true));
  int calls = 0;
  while (!bit_by_bit.Sync(trace, {}, true, 3000)) ++calls;
  CHECK(calls >= 2);  // 8000 events in shares of 1000 per lane and call
  CHECK(bit_by_bit.events() == whole.events());
  CHECK(bit_by_bit.slots().at(0).lost == whole.slots().at(0).lost);
  CHECK(whole.slots().at(0).lost == 2000);
  for (int i = 0; i < 2; ++i) {
    CHECK(bit_by_bit.lane(i).lost_marks == whole.lane(i).lost_marks);
    CHECK(bit_by_bit.lane(i).segments.size() == whole.lane(i).segments.size());
    CHECK(bit_by_bit.lane(i).block_time.size() == whole.lane(i).block_time.size());
  }
  // Every mark is on child 2's write: it overwrote child 1's.
  CHECK(whole.lane(0).lost_marks.empty());
  REQUIRE(whole.lane(1).lost_marks.size() == 2000);
  CHECK(whole.lane(1).lost_marks.front() == 40);
}

TEST_CASE("a live model merges no lane past a lane it has not copied to its end") {
  Trace trace;
  trace.Reset(0);
  // Child 1 writes 1 at t=30; child 2 read 0 before that and writes 1 at t=50: child 2's write
  // overwrote child 1's. Child 1's write hides behind 3000 earlier events, so a budgeted sync
  // copies child 2's write first; merging it then would blame child 1's write instead.
  std::vector<Event> one{At(1, 0, EventKind::kStarted)};
  for (int64_t i = 0; i < 3000; ++i) one.push_back(At(2 + i % 10, 0, EventKind::kMessage));
  one.push_back(At(20, 0, EventKind::kRead, 0, 0));
  one.push_back(At(30, 0, EventKind::kWrite, 1, 0));
  trace.Append(one);
  trace.Append({At(1, 1, EventKind::kStarted), At(25, 1, EventKind::kRead, 0, 0), At(50, 1, EventKind::kWrite, 1, 0)});
  TraceModel model;
  CHECK(!model.Sync(trace, {}, false, 2000));  // child 1 only partly copied
  CHECK(model.lane(0).lost_marks.empty());
  CHECK(model.lane(1).lost_marks.empty());
  while (!model.Sync(trace, {}, true, 2000)) {
  }
  CHECK(model.lane(0).lost_marks.empty());
  REQUIRE(model.lane(1).lost_marks.size() == 1);
  CHECK(model.lane(1).lost_marks[0] == 50);
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
  recorder.Presented(1.010, true);
  recorder.Presented(1.030, true);
  recorder.Presented(1.035, false);
  REQUIRE(recorder.intervals() == 3);
  CHECK(recorder.live_intervals_ms().size() == 2);
  const auto report = FramesReport("shared-data", recorder, 321.5, 42, 1280, 800);
  CHECK(report["frames"] == 3);
  CHECK(report["frames_running"] == 2);
  CHECK(report["frame_ms_median"].get<double>() == Approx(10));
  CHECK(report["running_frame_ms_p95"].get<double>() == Approx(20));
  CHECK(report["first_frame_ms"].get<double>() == Approx(321.5));
  CHECK(report["events"] == 42);
  const auto idle = IdleReport(10, 0.05, 4, 300);
  CHECK(idle["idle_cpu_percent"].get<double>() == Approx(0.5));
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
  auto parse = [&](std::vector<const char*> args) {
    args.insert(args.begin(), "proclab");
    return ParseCommandLine(static_cast<int>(args.size()), const_cast<char**>(args.data()), &error);
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
#endif  // PROCLAB_HAS_GUI_LOGIC

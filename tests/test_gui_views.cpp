// The views in front of a class (issue #12), drawn by Dear ImGui without a window from real runs'
// facts, or checked through the words they show: the queue's chips never cover its boxes, lane
// labels never overlap, a lane says what it updates and what its last read and write did (a
// child killed between them included), writes that brought updates back are not called lost,
// one time per fact for a child's end and a join, the trials histogram's bins and tooltip, and
// no task label on a Python process's own run.
// Compiled only when the GUI's logic library is built (PROCLAB_GUI=ON).
#ifdef PROCLAB_HAS_GUI_LOGIC
#include <catch2/catch.hpp>
#include <imgui.h>

#include <regex>
#include <string>
#include <vector>

#include "app/gui/views/counter_figures.hpp"
#include "app/gui/shell/theme.hpp"
#include "app/gui/timeline/lane_columns.hpp"
#include "app/gui/timeline/lane_words.hpp"
#include "app/gui/timeline/lost_marks.hpp"
#include "app/gui/views/lanes_view.hpp"
#include "app/gui/views/queue_view.hpp"
#include "app/gui/views/trials_view.hpp"
#include "app/gui/views/view.hpp"
#include "core/clock.hpp"
#include "core/run.hpp"
#include "lessons/common.hpp"
#include "lessons/curriculum.hpp"
#include "lessons/shared_counter.hpp"
#include "support.hpp"

using namespace proclab;
using namespace proclab::gui;

namespace {

// Dear ImGui with no window; its built-in font at `px` pixels stands in for every face.
class Headless {
 public:
  explicit Headless(float px) : theme_(MakeTheme(false)) {
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(2000, 1400);
    io.DeltaTime = 1.0f / 60;
    ImFontConfig config;
    config.SizePixels = px;
    ImFont* font = io.Fonts->AddFontDefault(&config);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    fonts_.regular = fonts_.bold = fonts_.mono = fonts_.h1 = fonts_.h2 = font;
    fonts_.size_px = px;
  }
  ~Headless() { ImGui::DestroyContext(context_); }
  Headless(const Headless&) = delete;
  Headless& operator=(const Headless&) = delete;

  // One frame: `view` drawn in a window of `size`.
  void Draw(View& view, const ShownRun& run, ImVec2 size, Language language = Language::kEnglish) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(size);
    ImGui::Begin("view", nullptr, ImGuiWindowFlags_NoDecoration);
    const ViewContext ctx{*run.lesson, run, language, fonts_, theme_, false, false, size.y - 16};
    view.Draw(ctx);
    ImGui::End();
    ImGui::Render();
  }

 private:
  ImGuiContext* context_ = nullptr;
  Theme theme_;
  Fonts fonts_;
};

TrialResult RunLesson(const std::string& id, const std::vector<std::pair<std::string, std::string>>& params) {
  const Lesson* lesson = FindLesson(id);
  REQUIRE(lesson != nullptr);
  ParamValues values(lesson->params);
  for (const auto& [name, text] : params) values.SetText(name, text);
  Run run(*lesson, values, RunOptions{.worker_path = test::BinPath("proclab-worker")});
  return run.Execute();
}

ShownRun Shown(const TrialResult& result) {
  ShownRun shown;
  shown.lesson = FindLesson(result.lesson_id);
  shown.params = &result.params;
  shown.facts = &result.facts;
  shown.result = &result;
  return shown;
}

bool Overlap(ImVec2 a0, ImVec2 a1, ImVec2 b0, ImVec2 b1) {
  return a0.x < b1.x && b0.x < a1.x && a0.y < b1.y && b0.y < a1.y;
}

Event E(int64_t t, uint16_t lane, EventKind kind, uint32_t object = 0, int64_t a = 0, int64_t b = 0) {
  return Event{t, lane, kind, ValueType::kInt, object, a, b};
}

ChildRecord Ended(int index, int64_t spawn, int64_t end, bool killed = false) {
  ChildRecord r;
  r.index = index;
  r.pid = 2000 + index;
  r.state = killed ? ChildState::kKilled : ChildState::kExited;
  r.exit_status = killed ? -1 : 0;
  r.signal = killed ? 9 : 0;
  r.spawn_ns = spawn;
  r.end_ns = end;
  return r;
}

RunFacts Facts(const std::vector<Event>& events, const std::vector<ChildRecord>& children) {
  RunFacts facts(0);
  facts.Add(events);
  facts.UpdateChildren(children, std::vector<bool>(children.size(), true));
  facts.Finalise();
  return facts;
}

// The first time a child's lane shows it ended.
int64_t LaneEnd(const ChildFacts& child) {
  for (const StateChange& change : child.changes)
    if (change.state == LaneState::kExited || change.state == LaneState::kKilled) return change.t_ns;
  return 0;
}

}  // namespace

// --------------------------------------------------------------------------- the counter

TEST_CASE("the counter's figures: live from the events, unknown totals when events were dropped, after from the result") {
  // Live, nothing dropped: child 1 reads 0 and writes 1, child 2 reads 0 and writes 1 over it.
  const std::vector<Event> events = {E(10, 0, EventKind::kRead, kCounterSlot, 0), E(11, 1, EventKind::kRead, kCounterSlot, 0),
                                     E(12, 0, EventKind::kWrite, kCounterSlot, 1, 0),
                                     E(13, 1, EventKind::kWrite, kCounterSlot, 1, 1)};
  RunFacts live(0);
  live.Add(events);
  ShownRun run;
  run.lesson = FindLesson("shared-data");
  run.facts = &live;
  run.live = true;
  CounterFigures figures = CounterFiguresOf(run);
  CHECK(figures.shown);
  CHECK_FALSE(figures.final);
  CHECK(figures.totals_known);
  CHECK(figures.value == 1);
  CHECK(figures.expected == 2);
  CHECK(figures.lost == 1);
  // The same run once a ring dropped events: the value is still a value the counter had, but
  // expected and lost cannot be known from the events.
  live.SetDrops(0, 5);
  figures = CounterFiguresOf(run);
  CHECK_FALSE(figures.totals_known);
  CHECK(figures.value == 1);
  // Finished: the lesson's own numbers, exact whatever was dropped.
  const TrialResult result = RunLesson("shared-data", {{"iterations", "30"}, {"sleep-ms", "0"}});
  const ShownRun done = Shown(result);
  figures = CounterFiguresOf(done);
  const RaceOutcome& race = *result.Outcome<RaceOutcome>();
  CHECK(figures.final);
  CHECK(figures.totals_known);
  CHECK(figures.value == race.final);
  CHECK(figures.expected == race.expected);
  CHECK(figures.lost == race.lost);
  CHECK(figures.array_lost == race.lost_total - race.lost);
  CHECK(figures.complete);
  CHECK(CounterFiguresOf(ShownRun{}).shown == false);
}

// ----------------------------------------------------------------------------------- queue

TEST_CASE("queue view: no item chip covers the producers' or the consumer's box at any moment of the replay") {
  // 20 items each through a queue of 4: the slots fill, "+N" shows, every put and get flies.
  const TrialResult result = RunLesson("queue", {{"items", "20"}, {"capacity", "4"}});
  const ShownRun run = Shown(result);
  for (const float px : {13.0f, 26.0f}) {
    Headless imgui(px);
    for (const float width : {420.0f, 600.0f, 960.0f}) {
      QueueView view;
      imgui.Draw(view, run, ImVec2(width, 700));
      REQUIRE(view.steps() == 80);
      for (double at = 0; at <= static_cast<double>(view.steps()); at += 0.125) {
        view.SetPlayhead(at);
        imgui.Draw(view, run, ImVec2(width, 700));
        const QueueView::Shown& shown = view.shown();
        REQUIRE(shown.producers.size() == 2);
        for (const QueueView::Box& chip : shown.chips) {
          INFO("font " << px << " px, width " << width << ", replay at step " << at << " chip " << chip.min.x << "," << chip.min.y << " " << chip.max.x << "," << chip.max.y << " consumer " << shown.consumer.min.x << "," << shown.consumer.min.y << " p0 " << shown.producers[0].max.x << "," << shown.producers[0].max.y << " p1 " << shown.producers[1].min.y << "-" << shown.producers[1].max.y);
          CHECK_FALSE(Overlap(chip.min, chip.max, shown.consumer.min, shown.consumer.max));
          for (const QueueView::Box& box : shown.producers) CHECK_FALSE(Overlap(chip.min, chip.max, box.min, box.max));
        }
      }
    }
  }
}

// ----------------------------------------------------------------------------------- lanes

TEST_CASE("lanes view: no two label lines overlap and none leaves the label column, at any lane height") {
  const TrialResult result = RunLesson("shared-data", {{"iterations", "5"}, {"sleep-ms", "0"}, {"window-us", "0"}});
  const ShownRun run = Shown(result);
  for (const float px : {13.0f, 20.0f, 26.0f}) {
    Headless imgui(px);
    for (const float width : {500.0f, 900.0f, 1400.0f}) {
      for (float height = 120; height <= 1000; height += 23) {
        LanesView view;
        imgui.Draw(view, run, ImVec2(width, height));
        const LanesView::Shown& shown = view.shown();
        REQUIRE(shown.rows == 4);
        const auto& labels = shown.labels;
        INFO("font " << px << " px, view " << width << " x " << height);
        REQUIRE(labels.size() >= 4);
        for (size_t a = 0; a < labels.size(); ++a) {
          CHECK(labels[a].max.x <= shown.lanes_min.x + shown.label_w);
          for (size_t b = a + 1; b < labels.size(); ++b)
            CHECK_FALSE(Overlap(labels[a].min, labels[a].max, labels[b].min, labels[b].max));
        }
      }
    }
  }
}

TEST_CASE("a lane says which shared data its child updates, in both languages") {
  const TrialResult result = RunLesson("shared-data", {{"iterations", "3"}, {"sleep-ms", "0"}, {"window-us", "0"}});
  const RunFacts& facts = result.facts;
  REQUIRE(facts.children() == 4);  // 2 counter children, then 2 array children
  CHECK(LaneRole(facts, 0, Language::kEnglish) == "counter");
  CHECK(LaneRole(facts, 1, Language::kEnglish) == "counter");
  CHECK(LaneRole(facts, 2, Language::kEnglish) == "array");
  CHECK(LaneRole(facts, 3, Language::kEnglish) == "array");
  CHECK(LaneRole(facts, 0, Language::kChinese) == "计数器");
  CHECK(LaneRole(facts, 3, Language::kChinese) == "数组");
  // What its last read and write did: every counter child wrote back what it read plus one.
  const SlotFacts& counter = *facts.slot(kCounterSlot);
  const std::regex read_wrote("read (\\d+) → wrote (\\d+)");
  for (int lane = 0; lane < 2; ++lane) {
    std::smatch m;
    const std::string text = LastStepText(facts, counter, lane, Language::kEnglish);
    REQUIRE(std::regex_match(text, m, read_wrote));
    CHECK(std::stoll(m[2]) == std::stoll(m[1]) + 1);
    CHECK(NeverWroteBackText(facts, counter, lane, Language::kEnglish).empty());
  }
  CHECK(LastStepText(facts, counter, 2, Language::kEnglish).empty());  // it never touched the counter
}

TEST_CASE("a child killed between its read and its write is said to have read and never written back") {
  // Child 1 read 101 (its last write was 100) and was killed before writing 102.
  const RunFacts facts = Facts({E(10, 0, EventKind::kRead, kCounterSlot, 100), E(20, 0, EventKind::kWrite, kCounterSlot, 100, 100),
                                E(30, 1, EventKind::kRead, kCounterSlot, 100), E(40, 1, EventKind::kWrite, kCounterSlot, 101, 100),
                                E(50, 0, EventKind::kRead, kCounterSlot, 101)},
                               {Ended(0, 1, 60, true), Ended(1, 1, 70)});
  const SlotFacts& counter = *facts.slot(kCounterSlot);
  CHECK(LastStepText(facts, counter, 0, Language::kEnglish) == "read 101 → killed");
  CHECK(LastStepText(facts, counter, 0, Language::kChinese) == "读到 101 → 被杀死");
  CHECK(LastStepText(facts, counter, 1, Language::kEnglish) == "read 100 → wrote 101");
  CHECK(NeverWroteBackText(facts, counter, 0, Language::kEnglish) ==
        "child 1 read 101 and was killed before writing it back: that read never became a write. Its last write was 100.");
  CHECK(NeverWroteBackText(facts, counter, 1, Language::kEnglish).empty());
  // While it is alive, the same read is one not written back yet.
  const RunFacts live = Facts({E(50, 0, EventKind::kRead, kCounterSlot, 101)}, {});
  CHECK(LastStepText(live, *live.slot(kCounterSlot), 0, Language::kEnglish) == "read 101 → not written yet");
}

TEST_CASE("locks --kill-holder: the killed holder's lane says it read and was killed before its write") {
  const TrialResult result = RunLesson("locks", {{"kill-holder", "on"}, {"iterations", "4"}, {"sleep-ms", "0"}});
  const RunFacts& facts = result.facts;
  REQUIRE(facts.child(0).record.state == ChildState::kKilled);
  const SlotFacts& counter = *facts.slot(kCounterSlot);
  CHECK_THAT(LastStepText(facts, counter, 0, Language::kEnglish), Catch::EndsWith("→ killed"));
  CHECK_THAT(NeverWroteBackText(facts, counter, 0, Language::kEnglish), Catch::Contains("killed before writing it back"));
  for (int lane = 1; lane < facts.children(); ++lane) CHECK(NeverWroteBackText(facts, counter, lane, Language::kEnglish).empty());
}

// ---------------------------------------------------------------------------- lost updates

TEST_CASE("a write over an older value brings updates back: not marked or worded as a lost update") {
  // Counter from 0: child 1 reads 0; child 2 adds twice (1, 2); child 3 reads 2; child 1 writes 1
  // over 2 (erasing 2 updates); child 3 writes 3 over 1: it brings one of them back. 4 writes,
  // final 3: 1 update stayed lost.
  const RunFacts facts =
      Facts({E(10, 0, EventKind::kRead, 0, 0), E(20, 1, EventKind::kRead, 0, 0), E(30, 1, EventKind::kWrite, 0, 1, 0),
             E(40, 1, EventKind::kRead, 0, 1), E(50, 1, EventKind::kWrite, 0, 2, 1), E(60, 2, EventKind::kRead, 0, 2),
             E(70, 0, EventKind::kWrite, 0, 1, 2), E(80, 2, EventKind::kWrite, 0, 3, 1)},
            {Ended(0, 1, 90), Ended(1, 1, 90), Ended(2, 1, 90)});
  const SlotFacts& counter = *facts.slot(0);
  CHECK(counter.writes == 4);
  CHECK(counter.lost == 1);
  CHECK(counter.bringing_back_writes == 1);
  CHECK(counter.brought_back == 1);
  LostMarks marks;
  marks.Update(facts);
  CHECK(marks.lane(0).size() == 1);  // the write that erased two
  CHECK(marks.lane(2).empty());      // the one that brought one back is no lost update
  REQUIRE(counter.lost_updates.size() == 2);
  const LostUpdate& back = counter.lost_updates[1];
  REQUIRE(back.erased == -1);
  CHECK(BroughtBackText("child 3", back, Language::kEnglish) ==
        "child 3 read 2 and wrote 3 over 1, a value older than the one it read: this write brought back 1 update(s) an "
        "earlier write had erased.");
  CHECK_THAT(BroughtBackText("子进程 3", back, Language::kChinese), Catch::Contains("找回了之前一次写入抹掉的 1 次更新"));
}

// --------------------------------------------------------------------------- one time per fact

TEST_CASE("processes: a child's end and each join have one time in the lane, the Processes tab and the transcript") {
  const TrialResult result = RunLesson("processes", {{"processes", "2"}, {"work", "1000"}});
  const RunFacts& facts = result.facts;
  std::vector<std::string> transcript;
  FindLesson("processes")->transcript(result, Language::kEnglish, transcript);
  std::string text;
  for (const std::string& line : transcript) text += line + "\n";
  REQUIRE(facts.children() == 2);
  for (int lane = 0; lane < 2; ++lane) {
    const ChildFacts& child = facts.child(lane);
    INFO("child " << lane + 1);
    // The lane ends where the child was reaped, after every event of its own.
    CHECK(LaneEnd(child) == child.end_ns());
    for (const Event& event : result.trace.lane(lane)) CHECK(event.t_ns <= child.end_ns());
    const std::string end = LifeTimeText(facts, child.end_ns(), Language::kEnglish);
    // The transcript says it ended then, and the Processes tab's life column ends with it.
    CHECK_THAT(text, Catch::Contains(ChildName(child.record, Language::kEnglish) + " exited with status 0 at " + end));
    CHECK_THAT(ChildLifeText(facts, lane, Language::kEnglish), Catch::EndsWith("→ " + end));
  }
  REQUIRE(facts.joins().size() == 2);
  for (const JoinFact& join : facts.joins()) {
    const std::string wait = FormatMs(NsToMs(join.end_ns - join.begin_ns), Language::kEnglish);
    CHECK_THAT(text, Catch::Contains("join() of child " + std::to_string(join.lane + 1) + " returned after " + wait));
  }
}

TEST_CASE("lock-guard with a failure inside: the failing child's lane ends after its last read, where it was reaped") {
  const TrialResult result =
      RunLesson("lock-guard", {{"fail-inside", "on"}, {"iterations", "20"}, {"sleep-ms", "0"}, {"window-us", "0"}});
  const RunFacts& facts = result.facts;
  for (int lane = 0; lane < facts.children(); ++lane) {
    const ChildFacts& child = facts.child(lane);
    INFO("child " << lane + 1);
    CHECK(LaneEnd(child) == child.end_ns());
    const auto events = result.trace.lane(lane);
    REQUIRE(!events.empty());
    CHECK(child.StateAt(events.back().t_ns) != LaneState::kExited);  // alive at its last event
  }
  CHECK(facts.child(0).failed_ns != 0);  // it did fail, and carried on
}

// ------------------------------------------------------------------------------------ trials

TEST_CASE("trials histogram: one bar per whole number, each bar's tooltip gives its range, count and trials") {
  const HistogramBins bins = BinValues({147, 150, 147, 149}, 150.0);
  REQUIRE(bins.integers);
  REQUIRE(bins.bins.size() == 4);  // 147, 148, 149, 150
  CHECK(bins.lo == 147);
  CHECK(bins.top == 2);
  CHECK(bins.bins[0].trials == std::vector<int>{1, 3});
  CHECK(bins.bins[1].trials.empty());
  CHECK(bins.bins[3].trials == std::vector<int>{2});
  CHECK(BinTooltip(bins, bins.bins[0], Language::kEnglish) == "147: 2 trial(s)\ntrials: 1, 3");
  CHECK(BinTooltip(bins, bins.bins[0], Language::kChinese) == "147：2 次试验\n试验编号：1, 3");
  // A wide range: 24 bins of equal width, each value in exactly one.
  std::vector<double> wide;
  for (int k = 0; k < 100; ++k) wide.push_back(1000 + 37 * k);
  const HistogramBins many = BinValues(wide, std::nullopt);
  CHECK_FALSE(many.integers);
  REQUIRE(many.bins.size() == 24);
  size_t counted = 0;
  for (const HistogramBin& bin : many.bins) {
    for (const int trial : bin.trials) {
      CHECK(wide[static_cast<size_t>(trial - 1)] >= bin.lo);
      CHECK(wide[static_cast<size_t>(trial - 1)] <= bin.hi);
    }
    counted += bin.trials.size();
  }
  CHECK(counted == wide.size());
  CHECK_THAT(BinTooltip(many, many.bins[0], Language::kEnglish), Catch::StartsWith(BinRangeText(many, many.bins[0]) + ": "));
}

// --------------------------------------------------------------------------------- task labels

TEST_CASE("a task label names items: a pool's task or a range of work, never a Python process's own run()") {
  std::vector<Event> events = DeclarationEvents(ObjectKind::kPool, 3, "pool", SlotValue{}, kParentLane);
  for (Event& e : events) e.t_ns = 1;
  events.push_back(E(10, 0, EventKind::kTaskStart, 0, 0, 0));  // a Python process's run()
  events.push_back(E(20, 0, EventKind::kTaskEnd, 0, 0, 0));
  events.push_back(E(10, 1, EventKind::kTaskStart, 3, 7, 7));  // pool 3's item 7
  events.push_back(E(20, 1, EventKind::kTaskEnd, 3, 7, 7));
  events.push_back(E(10, 2, EventKind::kTaskStart, 0, 0, 999));  // the processes lesson's squares
  events.push_back(E(20, 2, EventKind::kTaskEnd, 0, 0, 999));
  const RunFacts facts = Facts(events, {Ended(0, 1, 30), Ended(1, 1, 30), Ended(2, 1, 30)});
  REQUIRE(facts.pool(3) != nullptr);
  CHECK(TaskLabel(facts, facts.child(0).tasks.at(0)).empty());
  CHECK(TaskLabel(facts, facts.child(1).tasks.at(0)) == "7");
  CHECK(TaskLabel(facts, facts.child(2).tasks.at(0)) == "0–999");
}

#endif  // PROCLAB_HAS_GUI_LOGIC

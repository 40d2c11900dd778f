// The GUI's run session without ImGui: real runs on the run thread, and what the views are
// shown of them. A run belongs to the lesson and the parameters it ran with: another lesson is
// never shown it, a new run never shows the previous one's result, and the live facts the GUI
// folds itself end as the run's own. Also: every view a lesson names is in the view list.
// Compiled only when the GUI's logic library is built (PROCLAB_GUI=ON).
#ifdef PROCLAB_HAS_GUI_LOGIC
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <set>
#include <thread>

#include "app/gui/session/live_run.hpp"
#include "app/gui/session/run_session.hpp"
#include "app/gui/session/sync_pace.hpp"
#include "app/gui/views/view.hpp"
#include "core/clock.hpp"
#include "core/facts/explain.hpp"
#include "lessons/curriculum.hpp"
#include "lessons/shared_counter.hpp"

using namespace proclab;
using namespace proclab::gui;

namespace {

// Calls Update as a frame would until `done` holds (at most 30 s); returns the finished trials.
std::vector<std::shared_ptr<const TrialResult>> UpdateUntil(RunSession& session, const std::function<bool()>& done) {
  std::vector<std::shared_ptr<const TrialResult>> finished;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    for (auto& result : session.Update(20'000)) finished.push_back(result);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& result : session.Update(20'000)) finished.push_back(result);
  return finished;
}

ParamValues Params(const Lesson& lesson, std::vector<std::pair<std::string, std::string>> set) {
  ParamValues values(lesson.params);
  for (const auto& [name, text] : set) values.SetText(name, text);
  return values;
}

}  // namespace

TEST_CASE("a finished run is shown for the lesson it ran and never for another") {
  const Lesson& processes = *FindLesson("processes");
  const Lesson& shared = *FindLesson("shared-data");
  RunSession session;
  CHECK(session.Shown(processes).empty());
  REQUIRE(session.Start(processes, Params(processes, {{"processes", "2"}})));
  const auto finished = UpdateUntil(session, [&] { return !session.busy(); });
  REQUIRE(finished.size() == 1);
  CHECK(finished[0]->lesson_id == "processes");
  const ShownRun shown = session.Shown(processes);
  REQUIRE(!shown.empty());
  CHECK(!shown.live);
  CHECK(shown.result == finished[0].get());
  CHECK(shown.facts == &finished[0]->facts);  // the run's own facts, not derived again
  CHECK(shown.params->Get("processes") == 2);
  CHECK(session.ResultFor(processes) == finished[0].get());
  // Another lesson: nothing, not even while this one's result is kept.
  CHECK(session.Shown(shared).empty());
  CHECK(session.ResultFor(shared) == nullptr);
  // Forgotten (another lesson opened, or Reset): nothing for anyone.
  session.Clear();
  CHECK(session.Shown(processes).empty());
  CHECK(session.ResultFor(processes) == nullptr);
}

TEST_CASE("a new run shows its own live facts, never the previous run's result") {
  const Lesson& shared = *FindLesson("shared-data");
  RunSession session;
  REQUIRE(session.Start(shared, Params(shared, {{"iterations", "3"}, {"sleep-ms", "0"}})));
  UpdateUntil(session, [&] { return !session.busy(); });
  const TrialResult* first = session.ResultFor(shared);
  REQUIRE(first != nullptr);
  // A slower run of the same lesson: while it is live the views see its facts so far only.
  REQUIRE(session.Start(shared, Params(shared, {{"iterations", "40"}, {"sleep-ms", "5"}})));
  CHECK(session.ResultFor(shared) == nullptr);
  bool saw_live = false;
  UpdateUntil(session, [&] {
    const ShownRun shown = session.Shown(shared);
    if (shown.live) {
      saw_live = true;
      CHECK(shown.result == nullptr);
      CHECK(shown.Outcome<RaceOutcome>() == nullptr);
      CHECK(shown.params->Get("iterations") == 40);
      CHECK(shown.facts == &session.live_model().facts());
    } else {
      CHECK((shown.empty() || shown.result != first));
    }
    return !session.busy();
  });
  CHECK(saw_live);
  const ShownRun done = session.Shown(shared);
  REQUIRE(done.result != nullptr);
  CHECK(done.result != first);
  CHECK(done.params->Get("iterations") == 40);
}

TEST_CASE("the facts the GUI folds from a run's events are the run's own facts") {
  const Lesson& shared = *FindLesson("shared-data");
  RunSession session;
  REQUIRE(session.Start(shared, Params(shared, {{"iterations", "30"}, {"sleep-ms", "1"}})));
  UpdateUntil(session, [&] { return !session.busy(); });
  const TrialResult* result = session.ResultFor(shared);
  REQUIRE(result != nullptr);
  session.CatchUpLiveModel();
  const RunFacts& live = session.live_model().facts();
  const RunFacts& own = result->facts;
  REQUIRE(own.drops() == 0);
  CHECK(live.events() == own.events());
  CHECK(live.children() == own.children());
  CHECK(live.lost_total() == own.lost_total());
  for (const auto& [id, slot] : own.slots()) {
    INFO("slot " << id);
    REQUIRE(live.slot(id) != nullptr);
    CHECK(live.slot(id)->writes == slot.writes);
    CHECK(live.slot(id)->lost == slot.lost);
  }
  for (int c = 0; c < own.children(); ++c) {
    INFO("child " << c + 1);
    CHECK(live.child(c).changes.size() == own.child(c).changes.size());
    CHECK(live.child(c).StateNow() == own.child(c).StateNow());
  }
}

TEST_CASE("the sync pace takes in fewer events per frame on a slow machine, more on a fast one, within bounds") {
  SyncPace pace;
  const size_t first = pace.budget();
  CHECK(first > SyncPace::kFewest);
  CHECK(first < SyncPace::kMost);
  // 120,000 events that took 20 ms: 167 ns each, so about 3 ms is ~18,000 events.
  for (int i = 0; i < 20; ++i) pace.Took(120'000, 20.0);
  CHECK(pace.budget() < first);
  CHECK(pace.ns_per_event() == Approx(166.7).epsilon(0.05));
  CHECK(pace.budget() == Approx(SyncPace::kTargetMs * 1e6 / pace.ns_per_event()).epsilon(0.01));
  // One frame preempted for a second moves the estimate by at most a factor (1 + 3/4 * ...).
  const double before = pace.ns_per_event();
  pace.Took(20'000, 1000.0);
  CHECK(pace.ns_per_event() <= 1.75 * before + 1e-9);
  // Fast frames: the budget grows to its ceiling, never past it; frames with few events are ignored.
  for (int i = 0; i < 60; ++i) pace.Took(400'000, 0.4);
  CHECK(pace.budget() == SyncPace::kMost);
  pace.Took(10, 500.0);
  CHECK(pace.budget() == SyncPace::kMost);
  // Dreadfully slow: never fewer than the floor, so a run always moves on.
  for (int i = 0; i < 60; ++i) pace.Took(5'000, 1000.0);
  CHECK(pace.budget() == SyncPace::kFewest);
}

TEST_CASE("a lesson's children yield the CPU at once only when they alone would swamp every core") {
  CHECK_FALSE(ChildrenYieldAtOnce(2, 2));
  CHECK_FALSE(ChildrenYieldAtOnce(16, 2));  // 8 + 8 at nice 19 drew as well as under SCHED_IDLE
  CHECK(ChildrenYieldAtOnce(17, 2));
  CHECK(ChildrenYieldAtOnce(128, 2));
  CHECK_FALSE(ChildrenYieldAtOnce(128, 16));
  CHECK(ChildrenYieldAtOnce(9, 0));  // an unknown core count counts as one
}

TEST_CASE("paced by the default budget, a heavy live run ends with the run's own facts") {
  const Lesson& shared = *FindLesson("shared-data");
  RunSession session;
  REQUIRE(session.Start(shared, Params(shared, {{"processes", "4"}, {"iterations", "2000000"}, {"sleep-ms", "0"},
                                                {"window-us", "0"}})));
  size_t most = 0, previous = 0;
  std::vector<std::shared_ptr<const TrialResult>> finished;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((session.busy() || finished.empty()) && std::chrono::steady_clock::now() < deadline) {
    const size_t budget = session.pace().budget();
    for (auto& result : session.Update()) finished.push_back(result);
    if (session.live()) {
      const size_t now = session.live_model().events();
      if (now >= previous) most = std::max(most, now - previous);
      CHECK(now - previous <= budget + 1'000 * (session.live_model().facts().children() + 2));
      previous = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
  }
  REQUIRE(finished.size() == 1);
  CHECK(most > 0);  // the views were shown the run live
  const ShownRun shown = session.Shown(shared);
  CHECK(!shown.live);
  CHECK(shown.facts == &finished[0]->facts);  // the run's own facts, whatever the live view had reached
  CHECK(shown.facts->events() == finished[0]->trace.size());
}

TEST_CASE("a run forgotten as it starts is never shown") {
  const Lesson& processes = *FindLesson("processes");
  RunSession session;
  // A run started and forgotten at once: its trial is dropped, not shown.
  REQUIRE(session.Start(processes, Params(processes, {{"processes", "1"}})));
  session.Clear();
  UpdateUntil(session, [&] { return !session.busy(); });
  CHECK(session.Shown(processes).empty());
  CHECK(session.error().empty());
}

TEST_CASE("every view a lesson names is in the view list, once") {
  const std::vector<std::string_view> ids = ViewIds();
  CHECK(std::set<std::string_view>(ids.begin(), ids.end()).size() == ids.size());
  for (const Lesson* lesson : Curriculum()) {
    INFO(lesson->id);
    CHECK(!lesson->views.empty());
    for (std::string_view view : lesson->views) {
      INFO(view);
      CHECK(std::find(ids.begin(), ids.end(), view) != ids.end());
    }
  }
  for (std::string_view view : GenericViews()) CHECK(std::find(ids.begin(), ids.end(), view) != ids.end());
}
TEST_CASE("switching lessons mid-run never shows the old lesson's run to the new one") {
  const Lesson& shared = *FindLesson("shared-data");
  const Lesson& locks = *FindLesson("locks");
  RunSession session;
  REQUIRE(session.Start(shared, Params(shared, {{"iterations", "200"}, {"sleep-ms", "2"}})));
  UpdateUntil(session, [&] { return session.Shown(shared).live; });
  REQUIRE(session.Shown(shared).live);
  session.Clear();  // what App::SelectLesson does: the run stops and is forgotten
  UpdateUntil(session, [&] {
    CHECK(session.Shown(locks).empty());
    CHECK(session.Shown(shared).empty());
    return !session.busy();
  });
  CHECK(session.ResultFor(locks) == nullptr);  // Export trace has nothing to offer
  REQUIRE(session.Start(locks, Params(locks, {{"iterations", "3"}, {"sleep-ms", "0"}})));
  UpdateUntil(session, [&] {
    const ShownRun shown = session.Shown(locks);
    if (!shown.empty()) CHECK(shown.lesson->id == "locks");
    return !session.busy();
  });
  const TrialResult* result = session.ResultFor(locks);
  REQUIRE(result != nullptr);
  CHECK(result->lesson_id == "locks");
}

TEST_CASE("a live run's clock ticks while nothing happens, and the stuck lock is the headline") {
  const Lesson& guard = *FindLesson("lock-guard");
  RunSession session;
  REQUIRE(session.Start(guard, Params(guard, {{"style", "manual"}, {"fail-inside", "on"}, {"processes", "2"},
                                              {"array-processes", "0"}, {"iterations", "100000"}, {"sleep-ms", "0"},
                                              {"window-us", "0"}})));
  // The children freeze on the lock within milliseconds; the parent needs 1.5 s to call it a
  // stall. In between no event arrives, and the clock must still move.
  bool ticked = false;
  UpdateUntil(session, [&] {
    const ShownRun shown = session.Shown(guard);
    if (!shown.live || shown.events() == 0) return !session.busy();
    const size_t events = shown.events();
    const double before = shown.ElapsedMs(MonotonicNs());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    session.Update(20'000);
    const ShownRun later = session.Shown(guard);
    if (later.live && later.events() == events) {
      CHECK(later.ElapsedMs(MonotonicNs()) - before >= 250);
      ticked = true;
    }
    return ticked || !session.busy();
  });
  CHECK(ticked);
  UpdateUntil(session, [&] { return !session.busy(); });
  const ShownRun done = session.Shown(guard);
  REQUIRE(done.result != nullptr);
  REQUIRE(done.facts->stalls().size() == 1);
  const RaceOutcome* race = done.Outcome<RaceOutcome>();
  REQUIRE(race != nullptr);
  CHECK(!race->complete);  // the views must not show its totals as a success
  const Sentence headline = ExplainStall(*done.facts, done.facts->stalls().front());
  INFO(headline.en);
  CHECK_THAT(headline.en, Catch::Contains("Child 1") && Catch::Contains("held 'lock' (since") &&
                              Catch::Contains("waited for it itself") && Catch::Contains("Child 2") &&
                              Catch::Contains("waited for it (since"));
  CHECK_THAT(headline.zh, Catch::Contains("子进程 1") && Catch::Contains("卡住"));
  // The holder is not drawn as exited at the moment the stall was found: it was alive.
  const ChildFacts& holder = done.facts->child(0);
  CHECK(holder.end_ns() >= done.facts->stalls().front().t_ns);
}

TEST_CASE("Stop freezes 128 busy children at once, kills them within 200 ms and reports them stopped", "[load]") {
  const Lesson& shared = *FindLesson("shared-data");
  RunSession session;
  REQUIRE(session.Start(shared, Params(shared, {{"processes", "64"}, {"array-processes", "64"},
                                                {"iterations", "10000000"}, {"sleep-ms", "0"},
                                                {"window-us", "0"}})));
  // Until every child runs, then a little more, as a class would watch it.
  UpdateUntil(session, [&] {
    const ShownRun shown = session.Shown(shared);
    if (!shown.live || shown.facts->children() < 128) return false;
    for (const ChildFacts& child : shown.facts->all_children())
      if (child.started_ns == 0) return false;
    return true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int64_t stop_ns = MonotonicNs();
  CHECK_FALSE(session.stopping());
  session.Stop();
  CHECK(session.stopping());  // said at once, until the run has ended
  // While it stops, the status line counts the children ended so far: never fewer than before,
  // never more than there are.
  std::vector<int> ended_seen;
  UpdateUntil(session, [&] {
    if (session.stopping()) {
      const ShownRun shown = session.Shown(shared);
      if (shown.live) ended_seen.push_back(shown.ChildrenEnded());
    }
    return !session.busy();
  });
  CHECK_FALSE(session.stopping());
  CHECK(std::is_sorted(ended_seen.begin(), ended_seen.end()));
  for (const int ended : ended_seen) CHECK(ended <= 128);
  const TrialResult* result = session.ResultFor(shared);
  REQUIRE(result != nullptr);
  CHECK(result->stopped);
  REQUIRE(result->children.size() == 128);
  int64_t last_end = 0;
  for (const ChildFacts& child : result->facts.all_children()) {
    INFO(ChildName(child.record, Language::kEnglish) << ": " << HowItEnded(child, Language::kEnglish));
    CHECK(child.record.signal == SIGKILL);
    CHECK_THAT(HowItEnded(child, Language::kEnglish), Catch::Contains("stopped"));
    last_end = std::max(last_end, child.record.end_ns);
  }
  int64_t first_kill = 0;
  for (const Event& e : result->trace.parent_lane())
    if (e.kind == EventKind::kKill && first_kill == 0) first_kill = e.t_ns;
  const double kill_ms = NsToMs(first_kill - stop_ns), ms = NsToMs(last_end - stop_ns);
  WARN("first kill " << kill_ms << " ms, every child reaped " << ms << " ms after Stop");
  // The children are frozen at once by Stop itself; the run thread's kill follows within 200
  // ms. Their reaping waits for the kernel to tear down 128 processes of the lowest priority,
  // which other work on the machine slows (206 ms once under ctest -j2 at a load of 50).
  CHECK(kill_ms <= 200);
  CHECK(ms <= 400);
}
#endif  // PROCLAB_HAS_GUI_LOGIC

// The GUI's run session without ImGui: real runs on the run thread, and what the views are
// shown of them. A run belongs to the lesson and the parameters it ran with: another lesson is
// never shown it, a new run never shows the previous one's result, and the live facts the GUI
// folds itself end as the run's own. Also: every view a lesson names is in the view list.
// Compiled only when the GUI's logic library is built (PROCLAB_GUI=ON).
#ifdef PROCLAB_HAS_GUI_LOGIC
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "app/gui/session/run_session.hpp"
#include "app/gui/views/view.hpp"
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
#endif  // PROCLAB_HAS_GUI_LOGIC

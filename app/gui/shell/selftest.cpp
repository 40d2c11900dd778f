#include "app/gui/shell/selftest.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/gui/shell/app.hpp"
#include "core/process_pool.hpp"
#include "lessons/curriculum.hpp"

namespace proclab::gui {

SelfTest::SelfTest(App& app, std::string dir) : app_(app), dir_(std::move(dir)) {
  if (dir_.empty()) dir_ = "proclab-selftest";
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  Build();
  step_start_ = glfwGetTime();
  std::printf("proclab selftest: %zu steps, screenshots in %s\n", steps_.size(), dir_.c_str());
}

void SelfTest::Add(std::string what, std::function<bool()> tick, double timeout_s) {
  steps_.push_back(Step{std::move(what), std::move(tick), timeout_s});
}

void SelfTest::Fail(const std::string& message) {
  if (done_) return;
  std::fprintf(stderr, "proclab selftest: FAILED at step %zu (%s): %s\n", current_ + 1,
               current_ < steps_.size() ? steps_[current_].what.c_str() : "end", message.c_str());
  status_ = 1;
  done_ = true;
}

bool SelfTest::Check(bool condition, const std::string& message) {
  ++checks_;
  if (!condition) Fail(message);
  return condition;
}

void SelfTest::InjectInput() {
  if (!inject_) return;
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = mouse_;
  io.MouseDown[0] = mouse_down_;
  if (std::getenv("PROCLAB_SELFTEST_DEBUG"))
    std::fprintf(stderr, "inject %.0f,%.0f down=%d\n", mouse_.x, mouse_.y, mouse_down_ ? 1 : 0);
}

std::function<bool()> SelfTest::Click(std::string name, float fx) {
  auto phase = std::make_shared<int>(0);
  return [this, name, fx, phase]() {
    switch ((*phase)++) {
      case 0: {
        const auto it = app_.rects.find(name);
        if (!Check(it != app_.rects.end(), "no widget '" + name + "' on screen")) return false;
        const Rect& r = it->second;
        // ImGui floors the mouse position: stay 3 px inside the widget's edges.
        mouse_ = ImVec2(std::clamp(r.min.x + (r.max.x - r.min.x) * fx, r.min.x + 3, r.max.x - 3),
                        std::floor((r.min.y + r.max.y) * 0.5f));
        if (std::getenv("PROCLAB_SELFTEST_DEBUG"))
          std::fprintf(stderr, "click %s at %.0f,%.0f (rect %.0f,%.0f-%.0f,%.0f)\n", name.c_str(), mouse_.x, mouse_.y,
                       r.min.x, r.min.y, r.max.x, r.max.y);
        inject_ = true;
        mouse_down_ = false;
        return false;
      }
      case 1:
        mouse_down_ = true;
        return false;
      case 2:
        mouse_down_ = false;
        return false;
      default:
        mouse_ = ImVec2(-1, -1);  // move away, so nothing stays hovered in screenshots
        return *phase > 5 ? (inject_ = false, true) : false;
    }
  };
}

std::function<bool()> SelfTest::WaitFrames(int frames) {
  return [this, frames] { return step_frame_ >= frames; };
}

void SelfTest::AfterFrame() {
  if (done_) return;
  if (current_ >= steps_.size()) {
    std::printf("proclab selftest: passed (%d checks)\n", checks_);
    done_ = true;
    return;
  }
  Step& step = steps_[current_];
  const bool complete = step.tick();
  if (done_) return;
  ++step_frame_;
  if (complete) {
    ++current_;
    step_frame_ = 0;
    step_start_ = glfwGetTime();
  } else if (glfwGetTime() - step_start_ > step.timeout_s) {
    Fail("timed out after " + std::to_string(static_cast<int>(step.timeout_s)) + " s");
  }
}

void SelfTest::Build() {
  const auto lessons = Curriculum();
  auto lesson_at = [lessons](int i) { return lessons[static_cast<size_t>(i)]; };

  // 1. The first lesson, in English: change a parameter through the UI, run with a real click.
  Add("open the first lesson in English", [this] {
    app_.SetLanguage(Language::kEnglish);
    app_.SelectLesson(0);
    app_.step_mode = false;
    return true;
  });
  Add("let the layout settle", WaitFrames(4));
  const Lesson& first = *lesson_at(0);
  if (!first.params.empty() && first.params[0].kind == ParamKind::kInt &&
      first.params[0].max - first.params[0].min <= 1000) {
    const std::string name(first.params[0].name);
    Add("drag " + name + " to its minimum with the mouse", Click("param:" + name, 0.0f));
    Add("the parameter changed", [this, &first] {
      const int64_t value = app_.params_of(first)[0];
      return Check(value == first.params[0].min,
                   "--" + std::string(first.params[0].name) + " is " + std::to_string(value) +
                       " after clicking the slider's left end, expected " +
                       std::to_string(first.params[0].min));
    });
  }
  Add("click Run", Click("run"));
  Add("the run started or finished", [this] {
    return Check(app_.run_busy() || app_.last_result() != nullptr, "clicking Run started nothing");
  });

  for (int i = 0; i < static_cast<int>(lessons.size()); ++i) {
    const Lesson* lesson = lesson_at(i);
    const std::string id(lesson->id);
    for (Language language : {Language::kEnglish, Language::kChinese}) {
      const std::string tag = id + " (" + LanguageCode(language) + ")";
      Add("open " + tag, [this, i, language] {
        if (app_.run_busy()) return false;  // let a previous run end first
        app_.SetLanguage(language);
        app_.SelectLesson(i);
        return true;
      }, 60);
      Add("show " + tag, WaitFrames(3));
      Add("the lesson shown is " + tag, [this, id, language] {
        return Check(app_.lesson().id == id, "lesson " + std::string(app_.lesson().id) + " is selected") &&
               Check(app_.shown_lesson_id == id, "the text pane shows " + app_.shown_lesson_id) &&
               Check(app_.shown_language == language, "the text pane shows the other language") &&
               Check(!app_.shown_text_error, "the lesson text did not load");
      });
      if (i == 0 && language == Language::kEnglish) {
        // Already run by the click above; wait for it.
      } else {
        Add("run " + tag, [this, id] {
          app_.ResetRun();
          // Predict first: a learner's guess that all 200 increments arrive.
          if (app_.lesson().steppable) app_.guesses_[id] = "200";
          return Check(app_.StartRun(1, false), "Run refused to start");
        });
      }
      Add("the run of " + tag + " finishes", [this, id] {
        if (!app_.last_error().empty()) return Check(false, "the run failed: " + app_.last_error());
        return !app_.run_busy() && app_.last_result() != nullptr && app_.last_result()->lesson_id == id;
      }, 90);
      Add("the state after " + tag, [this, id] {
        const TrialResult& result = *app_.last_result();
        const TraceModel& model = app_.model();
        // A lesson may start no child of its own (costs measures with runs of its own).
        const Lesson& lesson = app_.lesson();
        ParamValues values(lesson.params);
        values.SetRaw(app_.params_of(lesson));
        const int wanted = lesson.child_count ? lesson.child_count(values) : 1;
        if (!Check(static_cast<int>(result.children.size()) >= wanted,
                   "started " + std::to_string(result.children.size()) + " children of " +
                       std::to_string(wanted)))
          return false;
        for (const ChildRecord& child : result.children)
          if (!Check(child.done(), "child " + std::to_string(child.index + 1) + " is still " +
                                       std::string(ChildStateName(child.state))))
            return false;
        if (!Check(static_cast<size_t>(model.lanes()) >= result.children.size(),
                   "the lanes show " + std::to_string(model.lanes()) + " children of " +
                       std::to_string(result.children.size())))
          return false;
        if (!Check(model.events() == result.trace.size(),
                   "the views hold " + std::to_string(model.events()) + " events, the trace " +
                       std::to_string(result.trace.size())))
          return false;
        // The tabs are the ones the lesson declares, no more and no fewer.
        for (int v = 0; v <= static_cast<int>(LessonView::kCosts); ++v) {
          const bool declared = std::find(lesson.views.begin(), lesson.views.end(), static_cast<LessonView>(v)) !=
                                lesson.views.end();
          if (!Check(declared == (app_.rects.count("tab:" + std::to_string(v)) > 0),
                     "tab " + std::to_string(v) + (declared ? " is declared but not shown" : " is shown but not declared")))
            return false;
        }
        if (!lesson.views.empty() && !Check(app_.tab == lesson.views.front(), "the lesson's first tab is not the one shown"))
          return false;
        const nlohmann::json& o = result.outcome;
        if (o.contains("final") && model.has_counter() && result.trace.drops() == 0)
          if (!Check(o["final"].get<int64_t>() == model.slots().at(0).value,
                     "the counter shows " + std::to_string(model.slots().at(0).value) +
                         ", the outcome says " + o["final"].dump()))
            return false;
        if (o.contains("final") && o.contains("expected") && o.contains("lost"))
          if (!Check(o["expected"].get<int64_t>() - o["final"].get<int64_t>() == o["lost"].get<int64_t>(),
                     "expected - final != lost in " + o.dump()))
            return false;
        if (o.contains("lost") && model.has_counter() && result.trace.drops() == 0)
          if (!Check(model.lost_total() >= o["lost"].get<int64_t>(),
                     "the view shows " + std::to_string(model.lost_total()) + " lost updates, the outcome " +
                         o["lost"].dump()))
            return false;
        return true;
      });
      Add("screenshot " + tag, [this, id, language] {
        app_.RequestScreenshot(dir_ + "/" + id + "-" + LanguageCode(language) + ".png");
        return true;
      });
      Add("screenshot " + tag + " written", [this, id, language] {
        if (app_.screenshot_pending()) return false;
        const std::string path = dir_ + "/" + id + "-" + LanguageCode(language) + ".png";
        std::error_code error;
        return Check(std::filesystem::file_size(path, error) > 1000 && !error, "no screenshot at " + path);
      });
    }
  }

  // 2. Step a race by hand: 1r, 2r, 1w, 2w must lose exactly one update.
  const Lesson* shared = FindLesson("shared-data");
  if (shared != nullptr && shared->steppable) {
    int index = 0;
    for (int i = 0; i < static_cast<int>(lessons.size()); ++i)
      if (lessons[static_cast<size_t>(i)] == shared) index = i;
    Add("open shared-data for stepping", [this, index] {
      app_.SetLanguage(Language::kEnglish);
      app_.SelectLesson(index);
      app_.step_mode = true;
      return true;
    });
    Add("show the step mode", WaitFrames(3));
    Add("start in step mode", [this] { return Check(app_.StartRun(1, true), "Run refused to start"); });
    auto both_waiting = [this] {
      const TraceModel& m = app_.model();
      return m.lanes() >= 2 && m.lane(0).step_wait && m.lane(1).step_wait;
    };
    const char* schedule[] = {"1r", "2r", "1w", "2w"};
    for (const char* step : schedule) {
      const int child = step[0] - '1';
      const char kind = step[1];
      Add(std::string("wait before ") + step, [this, both_waiting, child] {
        if (!app_.run_busy()) return Check(false, "the step-mode run ended early");
        const TraceModel& m = app_.model();
        return m.lanes() > child && m.lane(child).step_wait && (child > 0 || both_waiting() || m.lane(0).last_read >= 0);
      }, 20);
      Add(std::string("step ") + step, [this, child, kind] {
        const int pending = app_.model().lane(child).pending_step;
        if (!Check(pending == (kind == 'w' ? 1 : 0),
                   "child " + std::to_string(child + 1) + " waits for a " + (pending == 1 ? "write" : "read")))
          return false;
        if (child == 0 && kind == 'r') return true;  // clicked below, like a learner
        app_.PostStep(child);
        return true;
      });
      if (child == 0 && kind == 'r') Add("click Step 1", Click("step:1"));
      Add(std::string("after ") + step, [this, child, kind] {
        const LaneModel& lane = app_.model().lane(child);
        return kind == 'r' ? lane.last_read >= 0 : lane.last_write >= 0;
      }, 20);
    }
    Add("one lost update is shown", [this] {
      const TraceModel& m = app_.model();
      if (!m.has_counter()) return false;
      const SlotStats& counter = m.slots().at(0);
      if (counter.writes < 2) return false;
      // The merged-order pass marks a write once every lane has moved past it.
      if (counter.lost < 1 && step_frame_ < 120) return false;
      if (counter.lost < 1)
        for (int i = 0; i < m.lanes(); ++i) {
          const LaneModel& lane = m.lane(i);
          std::fprintf(stderr, "lane %d finished=%d events=%zu last=%s at %.3f ms\n", i, lane.finished,
                       lane.events.size(),
                       lane.events.empty() ? "-" : std::string(EventKindName(lane.events.back().kind)).c_str(),
                       lane.events.empty() ? 0.0 : m.Ms(lane.events.back().t_ns));
        }
      return Check(counter.value == m.lane(0).last_write, "the counter does not show the last write") &&
             Check(counter.Lost() == 1 && counter.lost == 1,
                   "the counter view shows " + std::to_string(counter.Lost()) + " lost updates (" +
                       std::to_string(counter.lost) + " marked) after 1r,2r,1w,2w, expected 1");
    }, 10);
    Add("show the Shared data tab", [this] {
      app_.tab_request = ViewTab::kShared;
      return true;
    });
    Add("draw the lost update", WaitFrames(3));
    Add("screenshot the stepped race", [this] {
      app_.RequestScreenshot(dir_ + "/shared-data-stepped.png");
      return true;
    });
    Add("stop the stepped run", [this] {
      if (app_.screenshot_pending()) return false;
      app_.StopRun();
      return true;
    });
    Add("the stepped run ends", [this] { return !app_.run_busy(); }, 20);
    Add("leave step mode", [this] {
      app_.step_mode = false;
      return true;
    });
  }
  BuildQueueChecks();
  BuildPoolChecks();
  BuildSaveChecks();
}

// ------------------------------------------------------------------------------ lesson views

void SelfTest::OpenLesson(const std::string& id, std::vector<std::pair<std::string, std::string>> params) {
  Add("open " + id + " with " + std::to_string(params.size()) + " parameters set", [this, id, params] {
    if (app_.run_busy()) return false;
    const auto lessons = Curriculum();
    for (size_t i = 0; i < lessons.size(); ++i)
      if (lessons[i]->id == id) {
        app_.SetLanguage(Language::kEnglish);
        app_.SelectLesson(static_cast<int>(i));
        ParamValues values(lessons[i]->params);  // defaults, then the ones asked for
        for (const auto& [name, text] : params) values.SetText(name, text);
        app_.params_of(*lessons[i]) = values.raw();
        app_.ResetRun();
        return true;
      }
    return Check(false, "no lesson " + id);
  }, 60);
  Add("show " + id, WaitFrames(3));
}

void SelfTest::RunAndWait(const std::string& what, double timeout_s) {
  Add("run " + what, [this] { return Check(app_.StartRun(1, false), "Run refused to start"); });
  Add("the run of " + what + " finishes", [this] {
    if (!app_.last_error().empty()) return Check(false, "the run failed: " + app_.last_error());
    return !app_.run_busy() && app_.last_result() != nullptr;
  }, timeout_s);
  Add("draw " + what, WaitFrames(3));
}

void SelfTest::BuildQueueChecks() {
  if (FindLesson("queue") == nullptr) return;
  // Predict first: the learner expects producer 1's items, then producer 2's.
  const std::string guess = "1 4 9 16 25 -1 -2 -3 -4 -5";
  OpenLesson("queue", {});
  Add("enter a predicted order", [this, guess] {
    app_.guesses_["queue/order"] = guess;
    return Check(app_.rects.count("predict:order") > 0, "no order prediction field for the queue lesson");
  });
  RunAndWait("queue", 30);
  Add("the queue view counts every item through the slots, in the order the parent got them", [this, guess] {
    QueueView& view = app_.queue_view_;
    view.Rebuild(app_.model());
    const nlohmann::json& o = app_.last_result()->outcome;
    const int64_t produced = 2 * app_.last_result()->params["items"].get<int64_t>();
    std::vector<int64_t> received;
    for (const auto& item : o["received"]) received.push_back(item["value"].get<int64_t>());
    if (!Check(static_cast<int64_t>(view.trips().size()) == produced,
               "the view follows " + std::to_string(view.trips().size()) + " items, the producers put " +
                   std::to_string(produced)) ||
        !Check(view.DeliveredOrder() == received, "the view's order differs from the order the parent got") ||
        !Check(view.steps() == static_cast<size_t>(2 * produced), "the replay has " + std::to_string(view.steps()) + " steps"))
      return false;
    view.SkipToEnd();
    if (!Check(view.entered() == produced && view.delivered() == produced,
               "at the end of the replay " + std::to_string(view.entered()) + " items went in and " +
                   std::to_string(view.delivered()) + " came out, of " + std::to_string(produced)))
      return false;
    // The predicted order against the real one, position by position.
    size_t same = 0;
    const std::vector<int64_t> guessed = {1, 4, 9, 16, 25, -1, -2, -3, -4, -5};
    for (size_t i = 0; i < guessed.size() && i < received.size(); ++i) same += guessed[i] == received[i] ? 1 : 0;
    const OrderComparison cmp = CompareOrder(guess, view.DeliveredOrder());
    if (!Check(cmp.parsed && cmp.same_position == same,
               "the comparison says " + std::to_string(cmp.same_position) + " positions match, expected " +
                   std::to_string(same)))
      return false;
    view.Replay();
    return true;
  });
  Add("the replay moves items through the slots", [this] {
    const QueueView& view = app_.queue_view_;
    if (view.playhead() < 3) return false;  // a few steps in
    return Check(view.entered() >= view.delivered() && view.entered() > 0,
                 "the replay shows " + std::to_string(view.delivered()) + " items out and " +
                     std::to_string(view.entered()) + " in");
  }, 20);
  Add("screenshot the queue replay", [this] {
    app_.RequestScreenshot(dir_ + "/queue-replay.png");
    return true;
  });
  Add("the queue replay screenshot is written", [this] { return !app_.screenshot_pending(); });

  // Join before drain with a tiny queue: the stall is detected and explained.
  OpenLesson("queue", {{"capacity", "2"}, {"join-before-drain", "on"}});
  RunAndWait("queue with join-before-drain", 30);
  Add("the stall is explained", [this] {
    const nlohmann::json& o = app_.last_result()->outcome;
    return Check(o.contains("stall") && !o["stall"].is_null(), "the lesson saw no stall: " + o.dump()) &&
           Check(app_.queue_view_.stall_shown(), "the queue view does not explain the stall") &&
           Check(app_.queue_view_.DeliveredOrder().size() == static_cast<size_t>(o["received_count"].get<int64_t>()),
                 "after the stall the view does not show every item received");
  });
  Add("screenshot the stall", [this] {
    app_.RequestScreenshot(dir_ + "/queue-stall.png");
    return true;
  });
  Add("the stall screenshot is written", [this] { return !app_.screenshot_pending(); });
}

void SelfTest::BuildPoolChecks() {
  if (FindLesson("pool") == nullptr) return;
  // map: results in input order, every chunk's result arrived, the pool's states in order.
  OpenLesson("pool", {{"workers", "2"}, {"items", "10"}});
  RunAndWait("pool map", 30);
  Add("the pool view shows results in order and the pool's states", [this] {
    const PoolFacts& facts = app_.pool_view_.facts();
    const nlohmann::json& o = app_.last_result()->outcome;
    std::vector<int64_t> cubes;
    for (int64_t x = 0; x < 10; ++x) cubes.push_back(x * x * x);
    std::vector<int> states;
    for (const PoolFacts::State& s : facts.states) states.push_back(s.state);
    int64_t covered = 0;
    for (const PoolFacts::Arrival& a : facts.arrivals) covered += a.last - a.first + 1;
    return Check(o["result"] == nlohmann::json(cubes), "map returned " + o["result"].dump()) &&
           Check(facts.arrivals.size() == o["chunks"].size(),
                 "the view saw " + std::to_string(facts.arrivals.size()) + " results arrive, the pool " +
                     std::to_string(o["chunks"].size()) + " chunks") &&
           Check(covered == 10, "the arrived chunks cover " + std::to_string(covered) + " items of 10") &&
           Check(states == std::vector<int>{0, 1, 3}, "the pool's states are not running, closed, joined") &&
           Check(facts.WaitingAt(app_.model().last_ns()).empty(), "tasks are left in the task queue") &&
           Check(facts.replacements.empty(), "a worker is marked replaced in a run where none died");
  });
  // crash with apply_async: the worker that dies is marked, its replacement too; callbacks fire.
  OpenLesson("pool", {{"workers", "2"}, {"items", "10"}, {"task", "crash"}, {"mode", "apply_async"}});
  RunAndWait("pool with a crashing worker", 30);
  Add("the replaced worker is marked and the callbacks are shown", [this] {
    const PoolFacts& facts = app_.pool_view_.facts();
    const TrialResult& result = *app_.last_result();
    if (!Check(facts.replacements.size() == 1, std::to_string(facts.replacements.size()) + " replacements shown, expected 1"))
      return false;
    const PoolFacts::Replacement& r = facts.replacements.front();
    const auto& children = result.children;
    return Check(r.dead >= 0 && r.dead < static_cast<int>(children.size()) &&
                     children[static_cast<size_t>(r.dead)].state == ChildState::kKilled &&
                     children[static_cast<size_t>(r.dead)].signal == 9,
                 "the worker marked dead was not killed by SIGKILL") &&
           Check(r.fresh == 2 && static_cast<int>(children.size()) == 3, "the replacement is not the third worker") &&
           Check(facts.callbacks.size() == result.outcome["callbacks"].size(),
                 std::to_string(facts.callbacks.size()) + " callbacks shown, the lesson ran " +
                     std::to_string(result.outcome["callbacks"].size())) &&
           Check(std::count_if(facts.callbacks.begin(), facts.callbacks.end(),
                               [](const PoolFacts::Callback& c) { return c.error; }) == 1,
                 "not exactly one error callback for the crashed item");
  });
  Add("screenshot the replaced worker", [this] {
    app_.RequestScreenshot(dir_ + "/pool-crash.png");
    return true;
  });
  Add("the pool screenshot is written", [this] { return !app_.screenshot_pending(); });
  // Live: slow tasks, so the view shows chunks and the running state before the run ends.
  OpenLesson("pool", {{"workers", "2"}, {"items", "4"}, {"task", "slow"}, {"delay-ms", "400"}, {"chunksize", "1"}});
  Add("run the slow pool", [this] { return Check(app_.StartRun(1, false), "Run refused to start"); });
  Add("the pool view is live", [this] {
    const PoolFacts& facts = app_.pool_view_.facts();
    bool chunk_running = false;
    for (int i = 0; i < app_.model().lanes(); ++i)
      for (const TaskBlock& task : app_.model().lane(i).tasks) chunk_running |= task.end_ns == 0;
    if (!app_.run_busy()) return Check(false, "the slow run ended before the view showed a chunk running");
    return !facts.states.empty() && facts.states.front().state == 0 && chunk_running;
  }, 30);
  Add("the slow pool finishes", [this] { return !app_.run_busy(); }, 30);
  OpenLesson("pool", {});
}

// ----------------------------------------------------------------------------------- saving

void SelfTest::BuildSaveChecks() {
  OpenLesson("queue", {});
  RunAndWait("queue (for export)", 30);
  Add("click Export trace", Click("export"));
  Add("the save popup opens with a full default path", [this] {
    if (!app_.save_open_) return Check(false, "no save popup");
    const std::string& path = app_.save_path_;
    return Check(!path.empty() && path[0] == '/' && path.size() > 5 && path.substr(path.size() - 5) == ".json",
                 "the default path is '" + path + "'");
  });
  Add("show the popup", WaitFrames(2));
  Add("a folder that does not exist", [this] {
    app_.save_path_ = dir_ + "/no-such-folder/trace.json";
    return true;
  });
  Add("click Save", Click("save:ok"));
  Add("the popup says why, and nothing is written", [this] {
    std::error_code error;
    return Check(app_.save_open_, "the popup closed on a bad path") &&
           Check(app_.save_error_.find("does not exist") != std::string::npos, "error text: '" + app_.save_error_ + "'") &&
           Check(!std::filesystem::exists(dir_ + "/no-such-folder", error), "a folder was created");
  });
  Add("screenshot the error", [this] {
    app_.RequestScreenshot(dir_ + "/save-error.png");
    return true;
  });
  Add("the error screenshot is written", [this] { return !app_.screenshot_pending(); });
  Add("a folder nobody may write", [this] {
    app_.save_path_ = "/proc/proclab-trace.json";
    return true;
  });
  Add("click Save again", Click("save:ok"));
  Add("the popup says it cannot write there", [this] {
    // As a user: "You cannot write into this folder: /proc (Permission denied)"; root passes
    // the permission check and the write itself fails, which the popup reports as well.
    return Check(app_.save_open_, "the popup closed on an unwritable path") &&
           Check(app_.save_error_.find("/proc") != std::string::npos, "error text: '" + app_.save_error_ + "'");
  });
  Add("a good path", [this] {
    app_.save_path_ = dir_ + "/trace.json";
    std::error_code error;
    std::filesystem::remove(app_.save_path_, error);
    return true;
  });
  Add("click Save once more", Click("save:ok"));
  Add("the trace is written and the popup closed", [this] {
    std::ifstream in(dir_ + "/trace.json");
    const nlohmann::json trace = nlohmann::json::parse(in, nullptr, false);
    return Check(!app_.save_open_, "the popup is still open") &&
           Check(!trace.is_discarded() && trace.contains("traceEvents") && !trace["traceEvents"].empty(),
                 "the exported trace is not Chrome trace JSON");
  });
  Add("click Screenshot", Click("screenshot"));
  Add("choose where", [this] {
    if (!Check(app_.save_open_, "no save popup for the screenshot")) return false;
    app_.save_path_ = dir_ + "/from-popup.png";
    std::error_code error;
    std::filesystem::remove(app_.save_path_, error);
    return true;
  });
  Add("click Save for the screenshot", Click("save:ok"));
  Add("the screenshot is written", [this] {
    std::error_code error;
    return !app_.save_open_ && !app_.screenshot_pending() && std::filesystem::file_size(dir_ + "/from-popup.png", error) > 1000;
  }, 10);
}

}  // namespace proclab::gui

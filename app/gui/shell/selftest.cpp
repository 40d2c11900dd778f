// The self-test's script. Sections: driving the app · every lesson · step mode · queue · pool ·
// locks · saving.
#include "app/gui/shell/selftest.hpp"

#include <GLFW/glfw3.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <regex>

#include "app/gui/settings/settings.hpp"
#include "app/gui/shell/app.hpp"
#include "app/gui/views/lanes_view.hpp"
#include "app/gui/views/locks_view.hpp"
#include "app/gui/views/pool_view.hpp"
#include "app/gui/views/queue_view.hpp"
#include "app/gui/views/shared_view.hpp"
#include "core/facts/explain.hpp"
#include "core/process_pool.hpp"
#include "core/segment.hpp"
#include "lessons/curriculum.hpp"
#include "lessons/pool.hpp"
#include "lessons/queue.hpp"
#include "lessons/shared_counter.hpp"

namespace proclab::gui {

// --------------------------------------------------------------------------- driving the app

SelfTest::SelfTest(std::string dir) : dir_(std::move(dir)) {
  if (dir_.empty()) dir_ = "proclab-selftest";
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
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

void SelfTest::BeforeFrame(App& app) {
  if (app_ == nullptr) {
    app_ = &app;
    Build();
    step_start_ = glfwGetTime();
    std::printf("proclab selftest: %zu steps, screenshots in %s\n", steps_.size(), dir_.c_str());
  }
  if (script_) script_->BeforeFrame(app);
  if (!inject_) return;
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = mouse_;
  io.MouseDown[0] = mouse_down_;
  if (std::getenv("PROCLAB_SELFTEST_DEBUG"))
    std::fprintf(stderr, "inject %.0f,%.0f down=%d\n", mouse_.x, mouse_.y, mouse_down_ ? 1 : 0);
}

std::function<bool()> SelfTest::Click(std::string name, float fx) {
  auto phase = std::make_shared<int>(0);
  auto target = std::make_shared<Rect>();
  return [this, name, fx, phase, target]() {
    if (*phase == 0) {
      const auto it = app_->rects.find(name);
      if (!Check(it != app_->rects.end(), "no widget '" + name + "' on screen")) return false;
      *target = it->second;
      inject_ = true;
    }
    const bool clicked = ClickFrame((*phase)++, *target, fx, &mouse_, &mouse_down_);
    if (*phase == 1 && std::getenv("PROCLAB_SELFTEST_DEBUG"))
      std::fprintf(stderr, "click %s at %.0f,%.0f (rect %.0f,%.0f-%.0f,%.0f)\n", name.c_str(), mouse_.x, mouse_.y,
                   target->min.x, target->min.y, target->max.x, target->max.y);
    if (clicked) inject_ = false;
    return clicked;
  };
}

std::function<bool()> SelfTest::WaitFrames(int frames) {
  return [this, frames] { return step_frame_ >= frames; };
}

void SelfTest::AfterRender(App&) {
  if (done_ || app_ == nullptr) return;
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
  BuildLessonChecks();
  BuildStepChecks();
  BuildScheduleFieldChecks();
  BuildChineseChecks();
  BuildQueueChecks();
  BuildPoolChecks();
  BuildLockChecks();
  BuildRendererChecks();
  BuildWordsChecks();
  BuildViewWordsChecks();
  BuildProjectorChecks();  // before the save checks: their notice would show in its pictures
  BuildSaveChecks();
}

void SelfTest::OpenLesson(const std::string& id, std::vector<std::pair<std::string, std::string>> params) {
  Add("open " + id + " with " + std::to_string(params.size()) + " parameters set", [this, id, params] {
    if (app_->run_busy()) return false;
    const auto lessons = Curriculum();
    for (size_t i = 0; i < lessons.size(); ++i)
      if (lessons[i]->id == id) {
        app_->SetLanguage(Language::kEnglish);
        app_->SelectLesson(static_cast<int>(i));
        ParamValues values(lessons[i]->params);  // defaults, then the ones asked for
        for (const auto& [name, text] : params) values.SetText(name, text);
        app_->params_of(*lessons[i]) = values.raw();
        app_->ResetRun();
        return true;
      }
    return Check(false, "no lesson " + id);
  }, 60);
  Add("show " + id, WaitFrames(3));
}

void SelfTest::RunAndWait(const std::string& what, double timeout_s) {
  Add("run " + what, [this] { return Check(app_->StartRun(1, false), "Run refused to start"); });
  Add("the run of " + what + " finishes", [this] {
    if (!app_->last_error().empty()) return Check(false, "the run failed: " + app_->last_error());
    return !app_->run_busy() && app_->last_result() != nullptr;
  }, timeout_s);
  Add("draw " + what, WaitFrames(3));
}

// ------------------------------------------------------------------------------ every lesson

namespace {

std::string Text(const SlotValue& v) { return v.Text(); }

}  // namespace

void SelfTest::BuildLessonChecks() {
  const auto lessons = Curriculum();
  // 1. The first lesson, in English: change a parameter through the UI, run with a real click.
  Add("open the first lesson in English", [this] {
    app_->SetLanguage(Language::kEnglish);
    app_->SelectLesson(0);
    app_->step_mode = false;
    return true;
  });
  Add("let the layout settle", WaitFrames(4));
  const Lesson& first = *lessons[0];
  if (!first.params.empty() && first.params[0].kind == ParamKind::kInt &&
      first.params[0].max - first.params[0].min <= 1000) {
    const std::string name(first.params[0].name);
    Add("drag " + name + " to its minimum with the mouse", Click("param:" + name, 0.0f));
    Add("the parameter changed", [this, &first] {
      const int64_t value = app_->params_of(first)[0];
      return Check(value == first.params[0].min,
                   "--" + std::string(first.params[0].name) + " is " + std::to_string(value) +
                       " after clicking the slider's left end, expected " + std::to_string(first.params[0].min));
    });
  }
  Add("click Run", Click("run"));
  Add("the run started or finished", [this] {
    return Check(app_->run_busy() || app_->last_result() != nullptr, "clicking Run started nothing");
  });

  for (int i = 0; i < static_cast<int>(lessons.size()); ++i) {
    const Lesson* lesson = lessons[static_cast<size_t>(i)];
    const std::string id(lesson->id);
    for (Language language : {Language::kEnglish, Language::kChinese}) {
      const std::string tag = id + " (" + LanguageCode(language) + ")";
      Add("open " + tag, [this, i, language] {
        if (app_->run_busy() && app_->lesson_index() != i) return false;  // let a previous run end first
        app_->SetLanguage(language);
        app_->SelectLesson(i);
        return true;
      }, 60);
      Add("show " + tag, WaitFrames(3));
      Add("the lesson shown is " + tag, [this, id, language] {
        return Check(app_->lesson().id == id, "lesson " + std::string(app_->lesson().id) + " is selected") &&
               Check(app_->shown_lesson_id == id, "the text pane shows " + app_->shown_lesson_id) &&
               Check(app_->shown_language == language, "the text pane shows the other language") &&
               Check(!app_->shown_text_error, "the lesson text did not load");
      });
      if (i != 0 || language != Language::kEnglish) {  // the first was run by the click above
        Add("run " + tag, [this, id] {
          app_->ResetRun();
          // Predict first: a learner's guess that all 200 increments arrive.
          if (auto* shared = app_->ViewAs<SharedView>("shared")) shared->SetGuess(id, "200");
          return Check(app_->StartRun(1, false), "Run refused to start");
        });
      }
      Add("the run of " + tag + " finishes", [this] {
        if (!app_->last_error().empty()) return Check(false, "the run failed: " + app_->last_error());
        return !app_->run_busy() && app_->last_result() != nullptr;
      }, 90);
      Add("the state after " + tag, [this, id] {
        const TrialResult& result = *app_->last_result();
        const Lesson& lesson = app_->lesson();
        const ShownRun shown = app_->shown();
        if (!Check(result.lesson_id == id, "the result shown is of lesson " + result.lesson_id) ||
            !Check(shown.result == &result && shown.facts == &result.facts,
                   "the views do not show the finished run's own facts"))
          return false;
        // A lesson may start no child of its own (costs measures with runs of its own).
        const int wanted = lesson.child_count ? lesson.child_count(app_->ParamsOf(lesson)) : 1;
        if (!Check(static_cast<int>(result.children.size()) >= wanted,
                   "started " + std::to_string(result.children.size()) + " children of " + std::to_string(wanted)))
          return false;
        for (const ChildRecord& child : result.children)
          if (!Check(child.done(), "child " + std::to_string(child.index + 1) + " is still " +
                                       std::string(ChildStateName(child.state))))
            return false;
        const RunFacts& facts = result.facts;
        if (!Check(facts.children() >= static_cast<int>(result.children.size()),
                   "the facts know " + std::to_string(facts.children()) + " children of " +
                       std::to_string(result.children.size())) ||
            !Check(facts.events() == result.trace.size(), "the facts hold " + std::to_string(facts.events()) +
                                                              " events, the trace " + std::to_string(result.trace.size())))
          return false;
        // The tabs are the ones the lesson declares, no more and no fewer; the first is shown.
        for (std::string_view view : ViewIds()) {
          const bool declared = std::find(lesson.views.begin(), lesson.views.end(), view) != lesson.views.end();
          if (!Check(declared == (app_->rects.count("tab:" + std::string(view)) > 0),
                     "tab " + std::string(view) + (declared ? " is declared but not shown" : " is shown but not declared")))
            return false;
        }
        if (!lesson.views.empty() &&
            !Check(app_->shown_view() == lesson.views.front(), "the lesson's first tab is not the one shown"))
          return false;
        // The GUI's own facts, folded the way it folds a live run, say what the run's facts say.
        app_->session().CatchUpLiveModel();
        const RunFacts& live = app_->session().live_model().facts();
        if (!Check(live.events() == facts.events(), "the GUI folded " + std::to_string(live.events()) +
                                                        " events, the run " + std::to_string(facts.events())))
          return false;
        for (int c = 0; c < facts.children(); ++c)
          if (!Check(live.child(c).changes.size() == facts.child(c).changes.size(),
                     "child " + std::to_string(c + 1) + ": the GUI's facts have " +
                         std::to_string(live.child(c).changes.size()) + " state changes, the run's " +
                         std::to_string(facts.child(c).changes.size())))
            return false;
        if (facts.drops() == 0 &&
            !Check(live.lost_total() == facts.lost_total(), "the GUI's facts count " + std::to_string(live.lost_total()) +
                                                               " lost updates, the run's " + std::to_string(facts.lost_total())))
          return false;
        // A race: its numbers add up, and the counter's facts say what the lesson read.
        if (const RaceOutcome* race = result.Outcome<RaceOutcome>()) {
          if (!Check(race->expected - race->final == race->lost,
                     "expected " + std::to_string(race->expected) + " - final " + std::to_string(race->final) +
                         " != lost " + std::to_string(race->lost)))
            return false;
          int64_t total = race->lost;
          for (size_t k = 0; k < race->array_lost.size(); ++k) {
            total += race->array_lost[k];
            if (!Check(race->array_final[k] == race->array_expected[k] - static_cast<double>(race->array_lost[k]),
                       "array[" + std::to_string(k) + "]: final " + std::to_string(race->array_final[k]) +
                           " != expected " + std::to_string(race->array_expected[k]) + " - lost " +
                           std::to_string(race->array_lost[k])))
              return false;
          }
          if (!Check(total == race->lost_total, "lost_total " + std::to_string(race->lost_total) +
                                                    " is not the counter's and the array's losses, " + std::to_string(total)))
            return false;
          const SlotFacts* counter = facts.slot(kCounterSlot);
          if (facts.drops() == 0 && counter != nullptr &&
              !Check(counter->last_written.field == race->final,
                     "the counter's last write is " + Text(counter->last_written) + ", the lesson read " +
                         std::to_string(race->final)))
            return false;
        }
        return true;
      });
      Add("screenshot " + tag, [this, id, language] {
        app_->RequestScreenshot(dir_ + "/" + id + "-" + LanguageCode(language) + ".png");
        return true;
      });
      Add("screenshot " + tag + " written", [this, id, language] {
        if (app_->screenshot_pending()) return false;
        const std::string path = dir_ + "/" + id + "-" + LanguageCode(language) + ".png";
        std::error_code error;
        return Check(std::filesystem::file_size(path, error) > 1000 && !error, "no screenshot at " + path);
      });
      if (std::find(lesson->views.begin(), lesson->views.end(), "lanes") != lesson->views.end()) {
        Add("show the lanes of " + tag, [this] {
          app_->ShowView("lanes");
          return true;
        });
        Add("draw the lanes of " + tag, WaitFrames(3));
        Add("the lanes show every child of " + tag, [this] {
          const TrialResult& result = *app_->last_result();
          const LanesView* lanes = app_->ViewAs<LanesView>("lanes");
          if (!Check(app_->shown_view() == "lanes", "the lanes tab is not shown") ||
              !Check(lanes->shown().rows == static_cast<int>(result.children.size()),
                     "the lanes show " + std::to_string(lanes->shown().rows) + " children of " +
                         std::to_string(result.children.size())))
            return false;
          const RaceOutcome* race = result.Outcome<RaceOutcome>();
          if (race == nullptr) return true;
          int64_t counter_marks = 0;
          if (const SlotFacts* counter = result.facts.slot(kCounterSlot))
            counter_marks = static_cast<int64_t>(counter->lost_updates.size());
          return Check(lanes->shown().headline, "the lanes show no counter headline") &&
                 Check(lanes->shown().counter == race->final && lanes->shown().lost == race->lost,
                       "the lanes' headline shows " + std::to_string(lanes->shown().counter) + " with " +
                           std::to_string(lanes->shown().lost) + " lost, the outcome " + std::to_string(race->final) +
                           " with " + std::to_string(race->lost)) &&
                 Check(lanes->shown().lost_marks >= counter_marks,
                       "the lanes mark " + std::to_string(lanes->shown().lost_marks) + " lost updates, the counter's facts " +
                           std::to_string(counter_marks));
        });
        Add("back to the first tab of " + tag, [this, lesson] {
          app_->ShowView(lesson->views.front());
          return true;
        });
        Add("draw the first tab of " + tag, WaitFrames(2));
      }
    }
  }
}

// ------------------------------------------------------------------------------- step mode

void SelfTest::BuildStepChecks() {
  // Step a race by hand: 1r, 2r, 1w, 2w must lose exactly one update.
  const Lesson* shared = FindLesson("shared-data");
  if (shared == nullptr || !shared->steppable) return;
  OpenLesson("shared-data", {});
  Add("turn step mode on", [this] {
    app_->step_mode = true;
    return true;
  });
  Add("show the step mode", WaitFrames(3));
  Add("start in step mode", [this] { return Check(app_->StartRun(1, true), "Run refused to start"); });
  auto waiting = [this](int child) {
    const ShownRun run = app_->shown();
    return run.live && run.facts->children() > child && run.facts->child(child).StateNow() == LaneState::kStepWait;
  };
  auto counter_lane = [this](int child) -> const SlotFacts::PerLane* {
    const ShownRun run = app_->shown();
    const SlotFacts* counter = run.empty() ? nullptr : run.facts->slot(kCounterSlot);
    return counter != nullptr ? counter->lanes.Find(child) : nullptr;
  };
  Add("the counter is there before the first step", [this] {
    const ShownRun run = app_->shown();
    if (run.empty()) return false;
    return Check(run.facts->slot(kCounterSlot) != nullptr, "the live facts have no counter before the first step");
  }, 20);
  const char* schedule[] = {"1r", "2r", "1w", "2w"};
  for (const char* step : schedule) {
    const int child = step[0] - '1';
    const char kind = step[1];
    Add(std::string("wait before ") + step, [this, waiting, child] {
      if (!app_->run_busy()) return Check(false, "the step-mode run ended early");
      return waiting(child) && (child > 0 || waiting(1) || app_->shown().facts->child(0).pending_step == 1);
    }, 20);
    Add(std::string("step ") + step, [this, child, kind] {
      const int pending = app_->shown().facts->child(child).pending_step;
      if (!Check(pending == (kind == 'w' ? 1 : 0),
                 "child " + std::to_string(child + 1) + " waits for a " + (pending == 1 ? "write" : "read")))
        return false;
      if (child == 0 && kind == 'r') return true;  // clicked below, like a learner
      app_->PostStep(child);
      return true;
    });
    if (child == 0 && kind == 'r') Add("click Step 1", Click("step:1"));
    Add(std::string("after ") + step, [counter_lane, child, kind] {
      const SlotFacts::PerLane* mine = counter_lane(child);
      return mine != nullptr && (kind == 'r' ? mine->reads > 0 : mine->has_written);
    }, 20);
  }
  Add("one lost update is shown", [this, counter_lane] {
    const ShownRun run = app_->shown();
    const SlotFacts* counter = run.facts->slot(kCounterSlot);
    const SlotFacts::PerLane* second = counter_lane(1);
    return Check(counter != nullptr && counter->writes == 2, "the counter was not written twice") &&
           Check(second != nullptr && counter->last_written == second->last_written,
                 "the counter does not show child 2's write, the last one") &&
           Check(counter->lost == 1 && counter->lost_updates.size() == 1 && counter->lost_updates[0].lane == 1,
                 "the counter's facts show " + std::to_string(counter->lost) + " lost updates after 1r,2r,1w,2w, expected 1 by child 2");
  });
  Add("the lanes mark it", [this] {
    const LanesView* lanes = app_->ViewAs<LanesView>("lanes");
    if (app_->shown_view() != "lanes") return false;
    // The array's children run freely beside the stepped ones, and may lose updates of their own.
    return Check(lanes->shown().lost == 1 && lanes->shown().lost_marks >= 1,
                 "the lanes show " + std::to_string(lanes->shown().lost) + " counter updates lost and " +
                     std::to_string(lanes->shown().lost_marks) + " marks, expected 1 and at least 1");
  });
  Add("show the Shared data tab", [this] {
    app_->ShowView("shared");
    return true;
  });
  Add("draw the lost update", WaitFrames(3));
  Add("screenshot the stepped race", [this] {
    app_->RequestScreenshot(dir_ + "/shared-data-stepped.png");
    return true;
  });
  Add("stop the stepped run", [this] {
    if (app_->screenshot_pending()) return false;
    app_->StopRun();
    return true;
  });
  Add("the stepped run ends", [this] { return !app_->run_busy(); }, 20);
  Add("leave step mode", [this] {
    app_->step_mode = false;
    return true;
  });
}

// ------------------------------------------------------------------------ the schedule field

void SelfTest::BuildScheduleFieldChecks() {
  // A schedule typed into the Run pane that cannot run says why, in the UI's language, under the
  // field; neither the Run button nor Space starts anything (no child, no segment).
  if (FindLesson("shared-data") == nullptr) return;
  OpenLesson("shared-data", {{"processes", "2"}});
  struct Bad {
    const char* text;
    const char* en;
    const char* zh;
  };
  static const Bad bad[] = {
      {"1w", "step 1 asks child 1 to write, but its next step is a read (each child reads, then writes)",
       "第 1 步要子进程 1 写，但它的下一步是读（每个子进程先读，再写）"},
      {"1r,3r", "'3r' is not a step: write <child><r|w> with a child from 1 to 2, e.g. 1r,2r,1w,2w",
       "“3r” 不是一个步骤：写成 <子进程编号><r|w>，子进程编号从 1 到 2，例如 1r,2r,1w,2w"},
      {"1r,2r,1w,2w,2r,2r", "step 6 asks child 2 to read, but its next step is a write (each child reads, then writes)",
       "第 6 步要子进程 2 读，但它的下一步是写（每个子进程先读，再写）"},
  };
  auto nothing_started = [this](const std::string& what) {
    int children = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      std::ifstream stat(entry.path() / "stat");
      std::string line;
      if (!std::getline(stat, line) || line.rfind(')') == std::string::npos) continue;
      std::istringstream rest(line.substr(line.rfind(')') + 2));
      char state = 0;
      long ppid = 0;
      rest >> state >> ppid;
      if (ppid == getpid()) ++children;
    }
    int segments = 0;
    for (const std::string& name : ListSegments())
      if (SegmentOwner(name) == getpid()) ++segments;
    return Check(!app_->run_busy() && app_->last_result() == nullptr, what + " started a run") &&
           Check(children == 0, what + " left " + std::to_string(children) + " child processes") &&
           Check(segments == 0, what + " left " + std::to_string(segments) + " segments in /dev/shm");
  };
  for (const Bad& b : bad)
    for (Language language : {Language::kEnglish, Language::kChinese}) {
      const std::string what = std::string("the schedule '") + b.text + "' in " + LanguageCode(language);
      Add("type " + what, [this, b, language] {
        app_->SetLanguage(language);
        app_->step_mode = true;
        std::snprintf(app_->schedule_text_, sizeof app_->schedule_text_, "%s", b.text);
        return true;
      });
      Add("draw " + what, WaitFrames(3));
      Add(what + " says why", [this, b, language, what] {
        const std::string shown = app_->schedule_error_.In(language);
        const std::string expected = language == Language::kChinese ? b.zh : b.en;
        return Check(shown == expected, what + " shows '" + shown + "', expected '" + expected + "'");
      });
      Add("click Run with " + what, Click("run"));
      Add("press Space with " + what, [this] {
        app_->shortcut_keys().OnKey(GLFW_KEY_SPACE, GLFW_PRESS, 0);  // Space: run, as the button
        return true;
      });
      Add("wait after Run with " + what, WaitFrames(5));
      Add(what + " starts nothing", [nothing_started, what] { return nothing_started(what); });
    }
  Add("clear the schedule field", [this] {
    app_->schedule_text_[0] = '\0';
    app_->step_mode = false;
    app_->SetLanguage(Language::kEnglish);
    return true;
  });
}

// ------------------------------------------------------------------------------ Chinese

namespace {

// Two English words in a row left in what the Chinese UI drew, once code and names are taken
// out: the lesson's parameter names and choices (command-line names), the multiprocessing API,
// signals, units, process names, paths. Empty when there are none.
std::string EnglishDrawn(std::string text, const Lesson& lesson) {
  // The lesson text and the code pane (App::Frame marks them).
  for (size_t from; (from = text.find("[not checked]")) != std::string::npos;) {
    const size_t to = text.find("[/not checked]", from);
    text.erase(from, to == std::string::npos ? std::string::npos : to + 14 - from);
  }
  std::string names;
  for (const ParamSpec& spec : lesson.params) {
    names += "|" + std::string(spec.name);
    for (std::string_view choice : spec.choices) names += "|" + std::string(choice);
  }
  const std::regex code(
      R"((?:^|[^A-Za-z_-])(?:ProcLab|Python|multiprocessing|C\+\+|Value|Array|Lock|Queue|Pool|Process|MainProcess|pid|)"
      R"(error_callback|callback|map_async|apply_async|map|apply|join|close|terminate|put|get|with lock|chunksize|range|)"
      R"(cube|square|slow|fail|crash|os\.cpu_count\(\)|EOWNERDEAD|SIG[A-Z]+|English|Perfetto|chrome|tracing|)"
      R"(ms|ns|r|w|on|off)" + names + R"()(?![A-Za-z_])|[A-Za-z]+Worker-\d+|Process-\d+|/[^ ]*|'[^']*'|`[^`]*`)");
  static const std::regex two_words(R"([A-Za-z]{2,}[ ,]+[A-Za-z]{2,})");
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string left = std::regex_replace(line, code, " ");
    std::smatch m;
    if (std::regex_search(left, m, two_words)) return m.str() + " in: " + line;
  }
  return {};
}

}  // namespace

void SelfTest::BuildChineseChecks() {
  // Each lesson in the cases that reach its other texts (a crash, a dead holder, a stall, a
  // replaced pool worker, step mode), each of its tabs drawn in Chinese, the lanes hovered (their
  // tooltip): no English sentence in what ImGui drew. What was drawn is kept in DIR/zh-*.txt.
  struct Case {
    const char* lesson;
    std::vector<std::pair<std::string, std::string>> params;
    bool step = false;
  };
  const std::vector<Case> cases = {
      {"processes", {}},
      {"processes", {{"fail", "crash"}}},
      {"shared-data", {{"iterations", "20"}, {"sleep-ms", "0"}}},
      {"shared-data", {{"iterations", "2"}, {"array-processes", "0"}}, true},
      {"locks", {{"iterations", "20"}, {"sleep-ms", "1"}, {"kill-holder", "on"}}},
      {"lock-guard", {{"style", "manual"}, {"fail-inside", "on"}, {"iterations", "10"}, {"sleep-ms", "0"}}},
      {"queue-basics", {}},
      {"queue", {{"items", "40"}, {"capacity", "4"}, {"join-before-drain", "on"}}},
      {"pool", {}},
      {"pool", {{"task", "crash"}}},
      {"pool", {{"task", "fail"}}},
      {"deadlock", {}},
  };
  int n = 0;
  for (const Case& c : cases) {
    const Lesson* lesson = FindLesson(c.lesson);
    if (lesson == nullptr) continue;
    const std::string name = std::string(c.lesson) + "-" + std::to_string(++n);
    OpenLesson(c.lesson, c.params);
    Add("Chinese: " + name, [this] {
      app_->SetLanguage(Language::kChinese);
      return true;
    });
    if (c.step) {
      Add("Chinese: step " + name, [this] {
        app_->step_mode = true;
        return Check(app_->StartRun(1, true, {{0, 'r'}, {1, 'r'}, {0, 'w'}, {1, 'w'}}), "Run refused to start");
      });
      Add("Chinese: the steps of " + name + " end", [this] { return !app_->run_busy(); }, 60);
    } else {
      Add("Chinese: run " + name, [this] { return Check(app_->StartRun(1, false), "Run refused to start"); });
      Add("Chinese: the run of " + name + " ends", [this] { return !app_->run_busy(); }, 90);
    }
    for (std::string_view view : lesson->views) {
      const std::string what = name + " " + std::string(view);
      Add("Chinese: show " + what, [this, view] {
        app_->ShowView(view);
        return true;
      });
      Add("Chinese: draw " + what, WaitFrames(3));
      // The lanes' tooltip: the mouse in the middle of the view.
      if (view == "lanes")
        Add("Chinese: hover " + what, [this] {
          const auto it = app_->rects.find("view-area");
          if (it == app_->rects.end()) return true;
          mouse_ = ImVec2((it->second.min.x + it->second.max.x) * 0.5f, it->second.min.y + (it->second.max.y - it->second.min.y) * 0.3f);
          inject_ = true;
          return step_frame_ >= 3;
        });
      Add("Chinese: capture " + what, [this] {
        app_->capture_text_ = true;
        return true;
      });
      Add("Chinese: check " + what, [this, what, lesson] {
        if (app_->capture_text_) return false;  // not drawn yet
        inject_ = false;
        std::ofstream(dir_ + "/zh-" + what + ".txt") << app_->captured_text_;
        const std::string left = EnglishDrawn(app_->captured_text_, *lesson);
        return Check(left.empty(), what + " in Chinese shows English: " + left);
      });
    }
    Add("Chinese: leave " + name, [this, lesson] {
      app_->params_of(*lesson) = ParamValues(lesson->params).raw();  // the later checks expect defaults
      app_->step_mode = false;
      app_->SetLanguage(Language::kEnglish);
      return true;
    });
  }
}

// --------------------------------------------------------------- the views' words (issue #12)

void SelfTest::BuildViewWordsChecks() {
  // Step mode: the Shared data tab shows the counter before the first step (it said "This
  // lesson has no shared counter"), and each lane says what its child updates.
  if (const Lesson* shared = FindLesson("shared-data"); shared != nullptr && shared->steppable) {
    OpenLesson("shared-data", {});
    Add("views: step mode on", [this] {
      app_->step_mode = true;
      return true;
    });
    Add("views: show the step mode", WaitFrames(3));
    Add("views: start in step mode", [this] { return Check(app_->StartRun(1, true), "Run refused to start"); });
    Add("views: the first child waits for its first step", [this] {
      const ShownRun run = app_->shown();
      return run.live && run.facts->children() > 0 && run.facts->child(0).StateNow() == LaneState::kStepWait;
    }, 20);
    Add("views: show the Shared data tab before any step", [this] {
      app_->ShowView("shared");
      return true;
    });
    Add("views: draw it", WaitFrames(3));
    Add("views: the counter is on the Shared data tab before the first step", [this] {
      const SharedView* view = app_->ViewAs<SharedView>("shared");
      return Check(app_->shown_view() == "shared" && view->shown().counter,
                   "the Shared data tab shows no counter before the first step of a stepped run");
    });
    Add("views: stop the stepped run", [this] {
      app_->StopRun();
      return true;
    });
    Add("views: the stepped run ends", [this] { return !app_->run_busy(); }, 20);
    Add("views: step mode off", [this] {
      app_->step_mode = false;
      return true;
    });
  }
  // locks --kill-holder: the Shared data tab says the killed holder read and never wrote back.
  if (FindLesson("locks") != nullptr) {
    OpenLesson("locks", {{"kill-holder", "on"}, {"iterations", "4"}, {"sleep-ms", "0"}});
    RunAndWait("locks --kill-holder on", 60);
    Add("views: show the Shared data tab of the killed holder's run", [this] {
      app_->ShowView("shared");
      return true;
    });
    Add("views: draw the killed holder", WaitFrames(3));
    Add("views: the killed holder read the counter and never wrote it back, in words", [this] {
      const SharedView* view = app_->ViewAs<SharedView>("shared");
      return Check(app_->shown_view() == "shared" && view->shown().never_wrote_back == 1,
                   "the Shared data tab says " + std::to_string(view->shown().never_wrote_back) +
                       " children were killed between their read and their write, expected 1");
    });
  }
}

// ------------------------------------------------------------------------------------ queue

void SelfTest::BuildQueueChecks() {
  if (FindLesson("queue") == nullptr) return;
  // Predict first: the learner expects producer 1's items, then producer 2's.
  const std::string guess = "1 4 9 16 25 -1 -2 -3 -4 -5";
  OpenLesson("queue", {});
  Add("enter a predicted order", [this, guess] {
    app_->ViewAs<QueueView>("queue")->SetGuess("queue", guess);
    return Check(app_->rects.count("predict:queue") > 0, "no order prediction field for the queue lesson");
  });
  RunAndWait("queue", 30);
  Add("the queue view counts every item through the slots, in the order the parent got them", [this, guess] {
    QueueView& view = *app_->ViewAs<QueueView>("queue");
    view.Rebuild(app_->shown());
    const TrialResult& result = *app_->last_result();
    const QueueOutcome* o = result.Outcome<QueueOutcome>();
    if (!Check(o != nullptr, "the queue lesson has no typed outcome")) return false;
    const int64_t produced = 2 * result.params.Get("items");
    std::vector<int64_t> received;
    for (const QueueOutcome::Item& item : o->received) received.push_back(item.value);
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
    const QueueView& view = *app_->ViewAs<QueueView>("queue");
    if (view.playhead() < 3) return false;  // a few steps in
    return Check(view.entered() >= view.delivered() && view.entered() > 0,
                 "the replay shows " + std::to_string(view.delivered()) + " items out and " +
                     std::to_string(view.entered()) + " in");
  }, 20);
  Add("screenshot the queue replay", [this] {
    app_->RequestScreenshot(dir_ + "/queue-replay.png");
    return true;
  });
  Add("the queue replay screenshot is written", [this] { return !app_->screenshot_pending(); });

  // Join before drain with a tiny queue: the stall is detected and explained.
  OpenLesson("queue", {{"capacity", "2"}, {"join-before-drain", "on"}});
  RunAndWait("queue with join-before-drain", 30);
  Add("the stall is explained", [this] {
    const QueueOutcome* o = app_->last_result()->Outcome<QueueOutcome>();
    const QueueView& view = *app_->ViewAs<QueueView>("queue");
    return Check(o != nullptr && o->stall.has_value(), "the lesson saw no stall") &&
           Check(view.stall_shown(), "the queue view does not explain the stall") &&
           Check(view.DeliveredOrder().size() == o->received.size(),
                 "after the stall the view does not show every item received");
  });
  Add("screenshot the stall", [this] {
    app_->RequestScreenshot(dir_ + "/queue-stall.png");
    return true;
  });
  Add("the stall screenshot is written", [this] { return !app_->screenshot_pending(); });
}

// ------------------------------------------------------------------------------------- pool

void SelfTest::BuildPoolChecks() {
  if (FindLesson("pool") == nullptr) return;
  // map: results in input order, every chunk's result arrived, the pool's states in order.
  OpenLesson("pool", {{"workers", "2"}, {"items", "10"}});
  RunAndWait("pool map", 30);
  Add("the pool view shows results in order and the pool's states", [this] {
    const PoolView& view = *app_->ViewAs<PoolView>("pool");
    const PoolOutcome* o = app_->last_result()->Outcome<PoolOutcome>();
    if (!Check(o != nullptr && view.pool() != nullptr, "no pool outcome or no pool drawn")) return false;
    std::vector<int64_t> cubes;
    for (int64_t x = 0; x < 10; ++x) cubes.push_back(x * x * x);
    std::vector<PoolState> states;
    for (const PoolStateFact& s : view.pool()->states) states.push_back(s.state);
    int64_t covered = 0;
    for (const PoolPicture::Arrival& a : view.picture().arrivals) covered += a.last - a.first + 1;
    return Check(o->result == cubes, "map returned other values") &&
           Check(view.picture().arrivals.size() == o->tasks.size(),
                 "the view saw " + std::to_string(view.picture().arrivals.size()) + " results arrive, the pool ran " +
                     std::to_string(o->tasks.size()) + " chunks") &&
           Check(covered == 10, "the arrived chunks cover " + std::to_string(covered) + " items of 10") &&
           Check(states == std::vector<PoolState>{PoolState::kRunning, PoolState::kClosed, PoolState::kJoined},
                 "the pool's states are not running, closed, joined") &&
           Check(view.picture().WaitingAt(app_->last_result()->facts.last_ns()).empty(), "tasks are left in the task queue") &&
           Check(view.pool()->replacements.empty(), "a worker is marked replaced in a run where none died");
  });
  // crash with apply_async: the worker that dies is marked, its replacement too; callbacks fire.
  OpenLesson("pool", {{"workers", "2"}, {"items", "10"}, {"task", "crash"}, {"mode", "apply_async"}});
  RunAndWait("pool with a crashing worker", 30);
  Add("the replaced worker is marked and the callbacks are shown", [this] {
    const PoolView& view = *app_->ViewAs<PoolView>("pool");
    const TrialResult& result = *app_->last_result();
    const PoolOutcome* o = result.Outcome<PoolOutcome>();
    if (!Check(view.pool() != nullptr && o != nullptr, "no pool drawn")) return false;
    const PoolFacts& pool = *view.pool();
    if (!Check(pool.replacements.size() == 1, std::to_string(pool.replacements.size()) + " replacements shown, expected 1"))
      return false;
    const PoolReplacementFact& r = pool.replacements.front();
    const auto& children = result.children;
    return Check(r.dead_lane >= 0 && r.dead_lane < static_cast<int>(children.size()) &&
                     children[static_cast<size_t>(r.dead_lane)].state == ChildState::kKilled &&
                     children[static_cast<size_t>(r.dead_lane)].signal == 9,
                 "the worker marked dead was not killed by SIGKILL") &&
           Check(r.new_lane == 2 && static_cast<int>(children.size()) == 3, "the replacement is not the third worker") &&
           Check(pool.callbacks.size() == o->callbacks.size(),
                 std::to_string(pool.callbacks.size()) + " callbacks shown, the lesson ran " +
                     std::to_string(o->callbacks.size())) &&
           Check(std::count_if(pool.callbacks.begin(), pool.callbacks.end(),
                               [](const PoolCallbackFact& c) { return c.error; }) == 1,
                 "not exactly one error callback for the crashed item");
  });
  Add("screenshot the replaced worker", [this] {
    app_->RequestScreenshot(dir_ + "/pool-crash.png");
    return true;
  });
  Add("the pool screenshot is written", [this] { return !app_->screenshot_pending(); });
  // Live: slow tasks, so the view shows chunks and the running state before the run ends.
  OpenLesson("pool", {{"workers", "2"}, {"items", "4"}, {"task", "slow"}, {"delay-ms", "400"}, {"chunksize", "1"}});
  Add("run the slow pool", [this] { return Check(app_->StartRun(1, false), "Run refused to start"); });
  Add("the pool view is live", [this] {
    const PoolView& view = *app_->ViewAs<PoolView>("pool");
    if (!app_->run_busy()) return Check(false, "the slow run ended before the view showed a chunk running");
    if (!app_->shown().live || view.pool() == nullptr) return false;
    const PoolFacts& pool = *view.pool();
    const bool chunk_running = std::any_of(pool.tasks.begin(), pool.tasks.end(), [](const PoolTaskFact& t) { return t.open(); });
    return !pool.states.empty() && pool.states.front().state == PoolState::kRunning && chunk_running;
  }, 30);
  Add("the slow pool finishes", [this] { return !app_->run_busy(); }, 30);
  OpenLesson("pool", {});
}

// ------------------------------------------------------------------------------------ locks

void SelfTest::BuildLockChecks() {
  if (FindLesson("locks") == nullptr) return;
  // Every row's holders and waiters are the lock facts' own; a hold span shows its holder.
  auto rows_match = [this] {
    const LocksView& view = *app_->ViewAs<LocksView>("locks");
    const RunFacts& facts = *app_->shown().facts;
    const size_t locks = static_cast<size_t>(std::count_if(facts.locks().begin(), facts.locks().end(), [](const auto& lock) {
      return (lock.first & kQueueLockBit) == 0;  // a queue's own lock has no row
    }));
    if (!Check(app_->shown_view() == "locks", "the locks tab is not shown") ||
        !Check(view.shown().rows.size() == locks,
               "the locks view shows " + std::to_string(view.shown().rows.size()) + " rows for " +
                   std::to_string(locks) + " locks"))
      return false;
    for (const LocksView::Row& row : view.shown().rows) {
      const LockFacts& lock = *facts.lock(row.lock);
      if (!Check(row.name == LockName(facts, row.lock, app_->language()), "a row is named " + row.name))
        return false;
      for (int lane : row.holders) {
        const LockFacts::PerLane* mine = lock.lanes.Find(lane);
        if (!Check(mine != nullptr && mine->acquisitions > 0, row.name + " is drawn held by a lane that never took it"))
          return false;
      }
      for (int lane : row.waiters) {
        const LockFacts::PerLane* mine = lock.lanes.Find(lane);
        if (!Check(mine != nullptr && (mine->wait_ns > 0 || mine->open_wait >= 0), row.name + " is drawn waited for by a lane that never waited"))
          return false;
      }
      if (!Check(lock.acquisitions == 0 || !row.holders.empty(), row.name + " was taken but no holder is drawn") ||
          !Check(row.owner_deaths == lock.owner_deaths.size(),
                 std::to_string(row.owner_deaths) + " dead holders marked, the facts have " +
                     std::to_string(lock.owner_deaths.size())))
        return false;
      // Some of its holds, by their middle: the row says who held it then.
      for (size_t k = 0; k < lock.spans.size(); k += std::max<size_t>(1, lock.spans.size() / 25)) {
        const LockSpan& span = lock.spans[k];
        if (span.kind != LockSpanKind::kHold || span.open() || span.end_ns - span.begin_ns < 2) continue;
        const int64_t middle = span.begin_ns + (span.end_ns - span.begin_ns) / 2;
        const int shown = view.HolderShownAt(row.lock, middle);
        if (!Check(shown == span.lane, row.name + " at " + MsText(facts, middle, 3) + " shows " +
                                           std::to_string(shown + 1) + " holding it, the facts child " +
                                           std::to_string(span.lane + 1)))
          return false;
      }
    }
    return true;
  };
  // The locks lesson, short: four children take one lock.
  OpenLesson("locks", {{"iterations", "20"}, {"sleep-ms", "2"}});
  Add("run the locks lesson", [this] { return Check(app_->StartRun(1, false), "Run refused to start"); });
  Add("show the locks while the run is live", [this] {
    app_->ShowView("locks");
    return true;
  });
  Add("the locks view follows the live run", [this] {
    if (!app_->run_busy()) return Check(false, "the run ended before the locks view showed it live");
    const ShownRun run = app_->shown();
    const LocksView& view = *app_->ViewAs<LocksView>("locks");
    if (!run.live || app_->shown_view() != "locks" || view.shown().rows.empty()) return false;
    const LockFacts* lock = run.facts->lock(kNumbersLock);
    if (lock == nullptr || lock->acquisitions < 5) return false;
    const int holder = lock->Holder();
    return holder == kNoLane || Check(view.HolderShownAt(kNumbersLock, run.facts->last_ns()) == holder,
                                      "the live row does not show the lock's holder");
  }, 30);
  Add("the locks run finishes", [this] { return !app_->run_busy() && app_->last_result() != nullptr; }, 30);
  Add("draw the finished locks", WaitFrames(3));
  Add("the rows show the lock's holders and waiters", rows_match);
  // The holder killed while it holds the lock: a cross where it died.
  OpenLesson("locks", {{"iterations", "20"}, {"sleep-ms", "2"}, {"kill-holder", "on"}});
  Add("show the locks tab", [this] {
    app_->ShowView("locks");
    return true;
  });
  RunAndWait("locks with the holder killed", 30);
  Add("the dead holder is marked", [this, rows_match] {
    const LockFacts* lock = app_->last_result()->facts.lock(kNumbersLock);
    return Check(lock != nullptr && !lock->owner_deaths.empty(), "no holder died with the lock") && rows_match();
  });
  Add("screenshot the dead holder", [this] {
    app_->RequestScreenshot(dir_ + "/locks-holder-killed.png");
    return true;
  });
  Add("the dead holder screenshot is written", [this] { return !app_->screenshot_pending(); });

  // The deadlock lesson, where it exists: the cycle is drawn as the facts found it.
  if (FindLesson("deadlock") == nullptr) return;
  for (Language language : {Language::kEnglish, Language::kChinese}) {
    const std::string tag = std::string("deadlock (") + LanguageCode(language) + ")";
    OpenLesson("deadlock", {});
    Add("show the locks of " + tag, [this, language] {
      app_->SetLanguage(language);
      app_->ShowView("locks");
      return true;
    });
    RunAndWait(tag, 30);
    Add("the cycle of " + tag + " is drawn and explained", [this, rows_match] {
      const TrialResult& result = *app_->last_result();
      const RunFacts& facts = result.facts;
      const LocksView& view = *app_->ViewAs<LocksView>("locks");
      const StallFact* stall = nullptr;
      for (const StallFact& s : facts.stalls())
        if (s.cause == StallCause::kDeadlock) stall = &s;
      if (!Check(stall != nullptr && stall->deadlock.has_value(), "the run reported no deadlock") ||
          !Check(view.shown().cycle.has_value(), "the locks view draws no cycle"))
        return false;
      const auto& drawn = view.shown().cycle->cycle;
      const auto& found = stall->deadlock->cycle;
      bool same = drawn.size() == found.size() && drawn.size() >= 2;
      for (size_t i = 0; same && i < drawn.size(); ++i)
        same = drawn[i].lane == found[i].lane && drawn[i].holds == found[i].holds && drawn[i].waits_for == found[i].waits_for;
      if (!Check(same, "the cycle drawn is not the one the facts found") ||
          !Check(view.shown().explanation == ExplainDeadlock(facts, *stall->deadlock).In(app_->language()),
                 "the sentence under the cycle is not ExplainDeadlock's"))
        return false;
      for (const ChildFacts& child : facts.all_children())
        if (!Check(child.ended() && child.killed_by_proclab && child.kill_reason == KillReason::kStall,
                   ChildName(child.record, Language::kEnglish) + " was not ended by ProcLab after the deadlock"))
          return false;
      return rows_match();
    });
    Add("screenshot " + tag, [this, language] {
      app_->RequestScreenshot(dir_ + "/deadlock-locks-" + LanguageCode(language) + ".png");
      return true;
    });
    Add("screenshot " + tag + " written", [this] { return !app_->screenshot_pending(); });
  }
  OpenLesson("deadlock", {{"order", "same"}});
  Add("show the locks of deadlock (same order)", [this] {
    app_->ShowView("locks");
    return true;
  });
  RunAndWait("deadlock with the same order", 30);
  Add("the same order draws no cycle and every child exits", [this, rows_match] {
    const TrialResult& result = *app_->last_result();
    const LocksView& view = *app_->ViewAs<LocksView>("locks");
    if (!Check(!view.shown().cycle.has_value(), "a cycle is drawn for the same order")) return false;
    for (const ChildRecord& child : result.children)
      if (!Check(child.state == ChildState::kExited && child.exit_status == 0,
                 "child " + std::to_string(child.index + 1) + " did not exit 0"))
        return false;
    return rows_match();
  });
}

// ----------------------------------------------------------------------------------- saving

void SelfTest::BuildSaveChecks() {
  OpenLesson("queue", {});
  RunAndWait("queue (for export)", 30);
  Add("click Export trace", Click("export"));
  Add("the save popup opens with a full default path", [this] {
    if (!app_->save_dialog().is_open()) return Check(false, "no save popup");
    const std::string& path = app_->save_dialog().path();
    return Check(!path.empty() && path[0] == '/' && path.size() > 5 && path.substr(path.size() - 5) == ".json",
                 "the default path is '" + path + "'");
  });
  Add("show the popup", WaitFrames(2));
  Add("a folder that does not exist", [this] {
    app_->save_dialog().set_path(dir_ + "/no-such-folder/trace.json");
    return true;
  });
  Add("click Save", Click("save:ok"));
  Add("the popup says why, and nothing is written", [this] {
    std::error_code error;
    const SaveDialog& dialog = app_->save_dialog();
    return Check(dialog.is_open(), "the popup closed on a bad path") &&
           Check(dialog.error().find("does not exist") != std::string::npos, "error text: '" + dialog.error() + "'") &&
           Check(!std::filesystem::exists(dir_ + "/no-such-folder", error), "a folder was created");
  });
  Add("screenshot the error", [this] {
    app_->RequestScreenshot(dir_ + "/save-error.png");
    return true;
  });
  Add("the error screenshot is written", [this] { return !app_->screenshot_pending(); });
  Add("a folder nobody may write", [this] {
    app_->save_dialog().set_path("/proc/proclab-trace.json");
    return true;
  });
  Add("click Save again", Click("save:ok"));
  Add("the popup says it cannot write there", [this] {
    // As a user: "You cannot write into this folder: /proc (Permission denied)"; root passes
    // the permission check and the write itself fails, which the popup reports as well.
    const SaveDialog& dialog = app_->save_dialog();
    return Check(dialog.is_open(), "the popup closed on an unwritable path") &&
           Check(dialog.error().find("/proc") != std::string::npos, "error text: '" + dialog.error() + "'");
  });
  Add("a good path", [this] {
    app_->save_dialog().set_path(dir_ + "/trace.json");
    std::error_code error;
    std::filesystem::remove(dir_ + "/trace.json", error);
    return true;
  });
  Add("click Save once more", Click("save:ok"));
  Add("the trace is written and the popup closed", [this] {
    std::ifstream in(dir_ + "/trace.json");
    const nlohmann::json trace = nlohmann::json::parse(in, nullptr, false);
    return Check(!app_->save_dialog().is_open(), "the popup is still open") &&
           Check(!trace.is_discarded() && trace.contains("traceEvents") && !trace["traceEvents"].empty(),
                 "the exported trace is not Chrome trace JSON");
  });
  Add("click Screenshot", Click("screenshot"));
  Add("choose where", [this] {
    if (!Check(app_->save_dialog().is_open(), "no save popup for the screenshot")) return false;
    app_->save_dialog().set_path(dir_ + "/from-popup.png");
    std::error_code error;
    std::filesystem::remove(dir_ + "/from-popup.png", error);
    return true;
  });
  Add("click Save for the screenshot", Click("save:ok"));
  Add("the screenshot is written", [this] {
    std::error_code error;
    return !app_->save_dialog().is_open() && !app_->screenshot_pending() &&
           std::filesystem::file_size(dir_ + "/from-popup.png", error) > 1000;
  }, 10);
}

// ------------------------------------------------------------------------- projector, keys

// Written in the steps a teacher's demo script takes (shell/script.hpp), played by the same
// player as `proclab --script`.
std::string SelfTest::ProjectorScript() {
  std::string text =
      "pace 0\n"
      "# The keys: a click leaves the keyboard focus on A+, whose right neighbour is Screenshot.\n"
      "# Right then Space must open the next lesson and run it, not move the focus and press it.\n"
      "lesson processes\n"
      "click bigger\n"
      "scale 1\n"
      "key Right\n"
      "expect lesson shared-data\n"
      "key Space\n"
      "expect running\n"
      "expect no-dialog\n"
      "expect nav-unmoved\n"
      "key Escape\n"
      "wait-run\n"
      "expect stopped\n"
      "key P\n"
      "expect presenter on\n"
      "key V\n"
      "expect view shared\n"
      "key P\n"
      "expect presenter off\n"
      "# The projector sizes: a long run's lanes on screen, no control cut, at every size and scale,\n"
      "# in both languages, with and without presenter mode.\n"
      "lesson shared-data\n"
      "set sleep-ms 300\n"
      "view lanes\n"
      "run\n"
      "expect running\n";
  for (const char* lang : {"en", "zh-CN"})
    for (const char* size : {"1280x720", "1920x1080"})
      for (const char* scale : {"1", "1.5", "2"})
        for (const char* presenter : {"off", "on"})
          text += std::string("lang ") + lang + "\nsize " + size + "\nscale " + scale + "\npresenter " + presenter +
                  "\nexpect running\nexpect fits\n";
  text +=
      // The README's presenter pictures: the live run at 1280x720.
      "size 1280x720\nscale 1\nexpect fits\nscreenshot " + dir_ + "/presenter-zh-CN.png\n"
      "lang en\nexpect fits\nsay Two children add 1 to a counter, two to an array, with no lock: each red mark is a lost update\n"
      "screenshot " + dir_ + "/presenter-en.png\nsay\n"
      "stop\n"
      "wait-run\n"
      "presenter off\n"
      "lang en\n"
      "scale 1\n"
      "size 1280x720\n";
  return text;
}

void SelfTest::BuildProjectorChecks() {
  Add("read the projector script", [this] {
    std::string error;
    const std::vector<std::string_view> views = ViewIds();
    auto steps = ParseScript(ProjectorScript(), views, &error);
    if (!Check(steps.has_value(), "the self-test's script: " + error)) return false;
    script_ = std::make_unique<ScriptPlayer>(std::move(*steps), "selftest", false);
    return true;
  });
  Add("play the projector script", [this] {
    script_->AfterRender(*app_);
    if (script_->failed()) return Check(false, script_->failure());
    return script_->finished();
  }, 300);
}

// ---------------------------------------------------------------------------- the renderer

// The damage renderer redraws only what changed and, with a software renderer, copies only that
// rectangle to the window and draws solid shapes without the texture (shell/damage_renderer.hpp):
// while a heavy run changes the lanes every frame, and after it, what it leaves on screen must
// be, pixel for pixel, the frame ImGui's own renderer draws whole.
void SelfTest::BuildRendererChecks() {
  OpenLesson("shared-data", {{"processes", "4"}, {"array-processes", "2"}, {"iterations", "300000"},
                             {"sleep-ms", "0"}, {"window-us", "0"}});
  Add("run shared-data for the renderer", [this] { return Check(app_->StartRun(1, false), "Run refused to start"); });
  auto compare = [this](const std::string& when) {
    auto asked = std::make_shared<bool>(false);
    return [this, when, asked] {
      DamageRenderer& renderer = app_->renderer();
      if (!*asked) {
        renderer.RequestCheck();
        *asked = true;
        return false;
      }
      const DamageRenderer::Check& check = renderer.check();
      if (!check.done) return false;
      return Check(check.differing == 0,
                   when + ": " + std::to_string(check.differing) + " pixels differ from the frame drawn whole (by up to " +
                       std::to_string(check.most) + " of 255; " + std::to_string(check.redrawn * 100) +
                       "% of the window redrawn; copies rectangles: " + (renderer.copies_sub_buffer() ? "yes" : "no") +
                       ", solid shapes flat: " + (renderer.splits_solid() ? "yes" : "no") + ")");
    };
  };
  for (int i = 1; i <= 4; ++i) {
    Add("let the live run change the lanes " + std::to_string(i), WaitFrames(4));
    Add("the live frame " + std::to_string(i) + " is the frame drawn whole", compare("live frame " + std::to_string(i)));
  }
  Add("the renderer's run finishes", [this] { return !app_->run_busy() && app_->last_result() != nullptr; }, 60);
  Add("draw the finished run", WaitFrames(3));
  Add("the finished run is the frame drawn whole", compare("the finished run"));
  OpenLesson("shared-data", {});  // its defaults again, for the checks after these
}

}  // namespace proclab::gui

namespace proclab::gui {

// ------------------------------------------------------------------------- words, Try this

void SelfTest::BuildWordsChecks() {
  const auto lessons = Curriculum();
  // 1. Every lesson, both languages: the Run pane draws each parameter's label, and no word it
  // draws for the parameters is a CLI name (window-us) or looks like one.
  for (int i = 0; i < static_cast<int>(lessons.size()); ++i) {
    const Lesson* lesson = lessons[static_cast<size_t>(i)];
    for (Language language : {Language::kEnglish, Language::kChinese}) {
      const std::string tag = std::string(lesson->id) + " (" + LanguageCode(language) + ")";
      Add("open " + tag + " for its words", [this, i, language] {
        if (app_->run_busy()) return false;
        app_->SetLanguage(language);
        app_->SelectLesson(i);
        return true;
      }, 60);
      Add("show " + tag + "'s Run pane", WaitFrames(3));
      Add("the Run pane of " + tag + " says words", [this, lesson, language] {
        const std::vector<std::string>& words = app_->run_pane_words;
        const std::regex cli_like(R"(^[a-z]+(-[a-z]+)+$)");
        for (const ParamSpec& spec : lesson->params) {
          const std::string label(spec.label.In(language));
          if (!Check(std::find(words.begin(), words.end(), label) != words.end(),
                     "the Run pane does not show the label '" + label + "' of --" + std::string(spec.name)))
            return false;
        }
        for (const std::string& word : words) {
          for (const ParamSpec& spec : lesson->params)
            if (!Check(word != spec.name, "the Run pane shows the raw name '" + word + "'")) return false;
          if (!Check(!std::regex_search(word, cli_like), "the Run pane shows '" + word + "', a name, not words"))
            return false;
        }
        return true;
      });
    }
  }
  // 2. Every Try this item of shared-data and pool, pressed: exactly its settings on the defaults,
  // step mode and schedule as it says, and a run (or trials, or steps) started when it asks.
  for (const char* id : {"shared-data", "pool"}) {
    const auto it = std::find_if(lessons.begin(), lessons.end(), [&](const Lesson* l) { return l->id == id; });
    if (it == lessons.end()) continue;
    const int index = static_cast<int>(it - lessons.begin());
    const Lesson* lesson = *it;
    for (Language language : {Language::kEnglish, Language::kChinese}) {
      const std::string tag = std::string(id) + " (" + LanguageCode(language) + ")";
      Add("open " + tag + " for its Try this buttons", [this, index, language] {
        if (app_->run_busy()) return false;
        app_->SetLanguage(language);
        app_->SelectLesson(index);
        app_->ResetRun();
        return true;
      }, 60);
      Add("show " + tag + "'s text", WaitFrames(3));
      Add("every Try this item of " + tag + " is a button", [this, lesson, language] {
        const size_t count = app_->TryActionsOf(*lesson, language).size();
        if (!Check(count >= 4, std::to_string(count) + " Try this items")) return false;
        for (size_t k = 1; k <= count; ++k)
          if (!Check(app_->rects.count("try:" + std::to_string(k)) == 1, "Try this item " + std::to_string(k) + " has no button"))
            return false;
        return true;
      });
      const size_t count = 6;  // at most this many are pressed per lesson (each may start a run)
      for (size_t k = 0; k < count; ++k) {
        Add("press Try this item " + std::to_string(k + 1) + " of " + tag, [this, lesson, language, k] {
          if (app_->run_busy()) return false;
          const std::vector<TryAction> actions = app_->TryActionsOf(*lesson, language);
          if (k >= actions.size()) return true;
          const TryAction& action = actions[k];
          // Something else set first, so the press has to put it back.
          std::vector<int64_t>& raw = app_->params_of(*lesson);
          if (!raw.empty()) raw[0] = lesson->params[0].kind == ParamKind::kInt ? lesson->params[0].max : 0;
          app_->step_mode = action.then != TryAction::Then::kStep;
          const bool started = app_->PressTry(action);
          const std::string what = "item " + std::to_string(k + 1) + " (" + TryCommand(*lesson, action) + ")";
          if (!Check(app_->params_of(*lesson) == TryParams(*lesson, action).raw(), what + " set other values") ||
              !Check(app_->step_mode == (action.then == TryAction::Then::kStep), what + " left step mode wrong") ||
              !Check(started == (action.then != TryAction::Then::kSet), what + (started ? " ran" : " did not run")) ||
              !Check(action.then == TryAction::Then::kSet || app_->run_busy() || app_->last_result() != nullptr,
                     what + " started nothing"))
            return false;
          if (action.then == TryAction::Then::kStep &&
              !Check(std::string(app_->schedule_text_) == action.schedule, what + " left the schedule field at '" +
                                                                             std::string(app_->schedule_text_) + "'"))
            return false;
          if (started) app_->StopRun();  // that it started is what is checked; some take seconds
          return true;
        }, 120);
      }
      Add("the last Try this run of " + tag + " ends", [this] { return !app_->run_busy(); }, 120);
      Add("step mode off after " + tag, [this] {
        app_->step_mode = false;
        app_->schedule_text_[0] = '\0';
        return true;
      });
    }
  }
}

}  // namespace proclab::gui

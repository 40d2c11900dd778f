#include "app/gui/shell/selftest.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "app/gui/shell/app.hpp"
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
}

}  // namespace proclab::gui

// Playing a demo script. Sections: fits · stepping · one step · expectations.
#include "app/gui/shell/script_player.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>  // GetFocusID: where keyboard navigation's focus is

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "app/gui/shell/app.hpp"
#include "app/gui/views/lanes_view.hpp"
#include "core/step_schedule.hpp"
#include "lessons/curriculum.hpp"

namespace proclab::gui {

// ------------------------------------------------------------------------------------- fits

std::string FitsProblem(const App& app) {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  char why[320];
  for (const auto& [name, r] : app.rects) {
    if (name == "view-area" || name == "caption" || name.starts_with("##split")) continue;
    // Cut at the side of its window, or (where the window cannot scroll) at its top or bottom.
    const bool cut_x = r.min.x < r.clip_min.x - 0.5f || r.max.x > r.clip_max.x + 0.5f;
    const bool cut_y =
        !r.scrolls && (r.min.y < r.clip_min.y - 0.5f || r.max.y > r.clip_max.y + 0.5f);
    const bool off = r.max.x > display.x + 0.5f || r.min.x < -0.5f;
    if (cut_x || cut_y || off) {
      std::snprintf(
          why, sizeof why,
          "%s at x %.0f..%.0f y %.0f..%.0f is cut by its pane (x %.0f..%.0f y %.0f..%.0f)",
          name.c_str(), r.min.x, r.max.x, r.min.y, r.max.y, r.clip_min.x, r.clip_max.x,
          r.clip_min.y, r.clip_max.y);
      return why;
    }
    // A label drawn narrower than it needs is shortened ("Process l···").
    if (r.need_w > 0 && r.max.x - r.min.x < r.need_w - 1.0f) {
      std::snprintf(why, sizeof why, "%s is %.0f px wide, its label needs %.0f", name.c_str(),
                    r.max.x - r.min.x, r.need_w);
      return why;
    }
  }
  const auto area = app.rects.find("view-area");
  if (area == app.rects.end()) return "no view is shown";
  const Rect& v = area->second;
  const float em = ImGui::GetFontSize();
  if (v.max.y - v.min.y < em * 6) {
    std::snprintf(why, sizeof why, "the views have %.0f px of height (%.1f lines)",
                  v.max.y - v.min.y, (v.max.y - v.min.y) / em);
    return why;
  }
  if (app.shown_view() == "lanes" && !app.shown().empty()) {
    const LanesView* lanes = app.ViewAs<LanesView>("lanes");
    const LanesView::Shown& s = lanes->shown();
    if (s.rows < app.shown().facts->children())
      return "the lanes show " + std::to_string(s.rows) + " of " +
             std::to_string(app.shown().facts->children()) + " children";
    if (s.lanes_max.y > v.max.y + 0.5f || s.lanes_max.y > display.y ||
        s.lanes_min.y < v.min.y - 0.5f || s.lanes_max.x > display.x + 0.5f) {
      std::snprintf(why, sizeof why, "the lanes (y %.0f..%.0f) run out of the view (y %.0f..%.0f)",
                    s.lanes_min.y, s.lanes_max.y, v.min.y, v.max.y);
      return why;
    }
  }
  return {};
}

// -------------------------------------------------------------------------------- stepping

ScriptPlayer::ScriptPlayer(std::vector<ScriptStep> steps, std::string name, bool quit_at_end)
    : steps_(std::move(steps)), name_(std::move(name)), quit_(quit_at_end) {}

void ScriptPlayer::Fail(const ScriptStep& step, const std::string& why) {
  if (failed_) return;
  failed_ = true;
  failure_ = "line " + std::to_string(step.line) + ": " + step.Text() + ": " + why;
  std::fprintf(stderr, "proclab: %s %s\n", name_.c_str(), failure_.c_str());
}

void ScriptPlayer::BeforeFrame(App& app) {
  ImGuiIO& io = ImGui::GetIO();
  if (inject_mouse_) {
    io.MousePos = mouse_;
    io.MouseDown[0] = mouse_down_;
  }
  // A key is down for one frame, like a person's quick press: the shortcuts hear the press
  // where GLFW's key events enter, and ImGui sees the key down unless the shortcuts take it.
  if (key_up_ >= 0) {
    io.KeysDown[key_up_] = false;
    key_up_ = -1;
  }
  if (key_down_ >= 0) {
    app.shortcut_keys().OnKey(key_down_, GLFW_PRESS, 0);
    io.KeysDown[key_down_] = true;
    key_up_ = key_down_;
    key_down_ = -1;
  }
}

double ScriptPlayer::TimeoutOf(const ScriptStep& step) const {
  if (step.verb == "wait-run" || step.verb == "step") return 120;
  if (step.verb == "wait") return std::strtod(step.args[0].c_str(), nullptr) + 10;
  return 15;
}

void ScriptPlayer::AfterRender(App& app) {
  if (finished()) return;
  const double now = glfwGetTime();
  const ScriptStep& step = steps_[next_];
  if (step_start_ < 0) {
    if (now < ready_at_) return;  // the pace: a person takes a moment between steps
    step_start_ = now;
    phase_ = 0;
    schedule_at_ = 0;
  }
  const bool complete = Tick(app, step);
  ++phase_;
  if (failed_) return;
  if (complete && step.verb == "quit") {
    quit_ = true;
    next_ = steps_.size();
  } else if (complete) {
    ++next_;
    step_start_ = -1;
    const bool instant = step.verb == "pace" || step.verb == "expect" || step.verb == "say";
    ready_at_ = instant ? now : now + pace_s_;
  } else if (now - step_start_ > TimeoutOf(step)) {
    Fail(step, "still not done after " + std::to_string(static_cast<int>(TimeoutOf(step))) + " s");
  }
}

// -------------------------------------------------------------------------------- one step

bool ScriptPlayer::Tick(App& app, const ScriptStep& step) {
  const std::string& v = step.verb;
  const std::vector<std::string>& a = step.args;
  const double elapsed = glfwGetTime() - step_start_;
  if (v == "lesson") {
    if (phase_ == 0) {
      const auto lessons = Curriculum();
      for (size_t i = 0; i < lessons.size(); ++i)
        if (lessons[i]->id == a[0]) app.SelectLesson(static_cast<int>(i));
    }
    return phase_ >= 3 && !app.run_busy();
  }
  if (v == "lang") {
    Language language{};
    ParseLanguage(a[0], &language);
    app.SetLanguage(language);
    return true;
  }
  if (v == "set") {
    const Lesson& lesson = app.lesson();
    ParamValues values = app.ParamsOf(lesson);
    values.SetText(a[0], a[1]);  // checked when the script was read
    app.params_of(lesson) = values.raw();
    return true;
  }
  if (v == "step-mode") {
    app.step_mode = a[0] == "on";
    return true;
  }
  if (v == "presenter") {
    app.SetPresenter(a[0] == "on");
    return phase_ >= 3;
  }
  if (v == "run") {
    if (phase_ == 0) {
      const int trials = a.empty() ? 1 : std::atoi(a[0].c_str());
      if (!app.StartRun(trials, app.step_mode && app.lesson().steppable))
        Fail(step,
             "the run did not start" + (app.last_error().empty() ? "" : ": " + app.last_error()));
    }
    return phase_ >= 2;
  }
  if (v == "step") {
    const Lesson& lesson = app.lesson();
    const ParamValues values = app.ParamsOf(lesson);
    const int children = lesson.step_children
                             ? lesson.step_children(values)
                             : (lesson.child_count ? lesson.child_count(values) : 1);
    Sentence why;
    const auto schedule = ParseStepSchedule(a[0], children, &why);
    if (!schedule) {
      Fail(step, why.en);
      return false;
    }
    if (schedule_at_ >= schedule->size()) return true;
    const ShownRun run = app.shown();
    if (!run.live || !run.step_mode) {
      if (!app.run_busy()) Fail(step, "no run in step mode is under way");
      return false;
    }
    const auto [child, kind] = (*schedule)[schedule_at_];
    if (child >= run.facts->children()) return false;
    const ChildFacts& facts = run.facts->child(child);
    if (facts.StateNow() != LaneState::kStepWait || facts.pending_step != (kind == 'w' ? 1 : 0))
      return false;
    // A person's pace between steps, so the class sees each one land.
    if (schedule_at_ > 0 && elapsed < pace_s_ * static_cast<double>(schedule_at_)) return false;
    app.PostStep(child);
    ++schedule_at_;
    return false;
  }
  if (v == "wait") return elapsed >= std::strtod(a[0].c_str(), nullptr);
  if (v == "wait-run") return phase_ >= 1 && !app.run_busy();
  if (v == "stop") {
    app.StopRun();
    return true;
  }
  if (v == "reset") {
    if (app.run_busy()) return false;
    app.ResetRun();
    return true;
  }
  if (v == "view") {
    app.ShowView(a[0]);
    return phase_ >= 2;
  }
  if (v == "next-view") {
    if (phase_ == 0) app.ShowNextView(+1);
    return phase_ >= 2;
  }
  if (v == "scale") {
    if (phase_ == 0) app.SetScale(std::strtof(a[0].c_str(), nullptr));
    return phase_ >= 3;
  }
  if (v == "size") {
    int w = 0, h = 0;
    std::sscanf(a[0].c_str(), "%dx%d", &w, &h);
    if (phase_ == 0) app.SetWindowSize(w, h);
    int fw = 0, fh = 0;
    app.FramebufferSize(&fw, &fh);
    // Three frames at the new size: the panes and the text size follow it.
    if (fw != w || fh != h) phase_ = 0;
    return phase_ >= 4;
  }
  if (v == "key") {
    if (phase_ == 0) key_down_ = ScriptKeyCode(a[0]);
    return phase_ >= 3;
  }
  if (v == "click") {
    if (phase_ == 0) {
      const auto it = app.rects.find(a[0]);
      if (it == app.rects.end()) {
        Fail(step, "no widget '" + a[0] + "' on screen");
        return false;
      }
      click_at_ = it->second;
      inject_mouse_ = true;
    }
    if (phase_ == 3) nav_at_click_ = ImGui::GetFocusID();  // where the click left the focus
    const bool clicked = ClickFrame(phase_, click_at_, 0.5f, &mouse_, &mouse_down_);
    inject_mouse_ = !clicked;
    return clicked;
  }
  if (v == "say") {
    app.SetCaption(a[0]);
    return true;
  }
  if (v == "screenshot") {
    // The pointer away, so no tooltip or hover shows in the picture.
    inject_mouse_ = phase_ == 0 || app.screenshot_pending();
    mouse_ = ImVec2(-FLT_MAX, -FLT_MAX);
    if (phase_ == 0) app.RequestScreenshot(a[0]);
    return phase_ >= 1 && !app.screenshot_pending();
  }
  if (v == "pace") {
    pace_s_ = std::strtod(a[0].c_str(), nullptr);
    return true;
  }
  if (v == "quit") return true;  // AfterRender ends the script
  // ------------------------------------------------------------------------ expectations
  // An expectation may take a moment to come true (a key's effect shows a frame later); it
  // fails when it has not within a few seconds.
  std::string problem;
  const std::string& what = a[0];
  if (what == "lesson") {
    if (app.lesson().id != a[1]) problem = "the lesson open is " + std::string(app.lesson().id);
  } else if (what == "view") {
    if (app.shown_view() != a[1]) problem = "the view shown is " + app.shown_view();
  } else if (what == "presenter") {
    if (app.presenter() != (a[1] == "on"))
      problem = std::string("presenter mode is ") + (app.presenter() ? "on" : "off");
  } else if (what == "running") {
    if (!app.run_busy()) problem = "no run is under way";
  } else if (what == "finished" || what == "stopped") {
    const TrialResult* result = app.last_result();
    if (app.run_busy() || result == nullptr)
      problem = "the run has not ended";
    else if (result->stopped != (what == "stopped"))
      problem = result->stopped ? "it was stopped" : "it finished";
  } else if (what == "no-dialog") {
    if (app.popup_open()) problem = "a dialog is open";
  } else if (what == "fits") {
    problem = FitsProblem(app);
  } else if (what == "nav-unmoved") {
    if (ImGui::GetFocusID() != nav_at_click_) problem = "the keys moved the keyboard focus";
  }
  if (problem.empty()) return true;
  if (elapsed > 5) Fail(step, problem);
  return false;
}

}  // namespace proclab::gui

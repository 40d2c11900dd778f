// Plays a demo script (shell/script.hpp) on the running app, one step after another at human
// speed: `proclab --script FILE` for a teacher's rehearsed demo, and part of the self-test. It
// drives the app the way a person does: widgets are clicked with injected mouse input, keys
// enter where GLFW's key events enter. A failed `expect` ends it with "line N: ...".
#pragma once
#include <imgui.h>

#include <string>
#include <vector>

#include "app/gui/shell/automation.hpp"
#include "app/gui/shell/script.hpp"
#include "app/gui/shell/widget_rects.hpp"

namespace proclab::gui {

class App;

// What `expect fits` checks: every named control whole inside what its window shows, every
// label shown whole, and, while a run's lanes are shown, every lane inside the view. Empty
// when all is well, else what is wrong.
std::string FitsProblem(const App& app);

class ScriptPlayer : public Automation {
 public:
  // `name`: the script's file, for messages. `quit_at_end`: end the program after the last
  // step (the self-test, a test's script); else the app stays for the person to go on.
  ScriptPlayer(std::vector<ScriptStep> steps, std::string name, bool quit_at_end);

  // For an owner that embeds it (the self-test): call these from its own hooks.
  void BeforeFrame(App& app) override;  // input of its own (mouse, keys)
  void AfterRender(App& app) override;  // advance the steps
  bool finished() const { return next_ >= steps_.size() || failed_; }
  bool failed() const { return failed_; }
  const std::string& failure() const { return failure_; }

  bool keeps_drawing() const override { return !finished(); }
  bool done() const override { return failed_ || (quit_ && next_ >= steps_.size()); }
  int status() const override { return failed_ ? 1 : 0; }

 private:
  bool Tick(App& app, const ScriptStep& step);  // true when the step is complete
  void Fail(const ScriptStep& step, const std::string& why);
  double TimeoutOf(const ScriptStep& step) const;

  std::vector<ScriptStep> steps_;
  std::string name_;
  bool quit_;
  size_t next_ = 0;
  int phase_ = 0;           // the frame within the current step
  double step_start_ = -1;  // glfwGetTime() the current step began (after its pace)
  double ready_at_ = 0;     // the current step starts no earlier (the pace)
  double pace_s_ = 1.0;
  bool failed_ = false;
  std::string failure_;
  // Input of its own.
  bool inject_mouse_ = false;
  ImVec2 mouse_{-1, -1};
  bool mouse_down_ = false;
  int key_down_ = -1;  // a key to press at the next frame
  int key_up_ = -1;    // and to release at the one after
  Rect click_at_;      // `click`: the widget
  unsigned nav_at_click_ = 0;
  size_t schedule_at_ = 0;  // `step`: the next step of its schedule
};

}  // namespace proclab::gui

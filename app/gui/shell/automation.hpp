// What drives the app without a person at it: the self-test (shell/selftest.hpp), a command-line
// screenshot (--screenshot), the frame and idle benchmarks (--bench-frames, --bench-idle). Each
// is an Automation the frame loop calls at fixed points; it drives the app only through App's
// public actions and state, like a learner's clicks would.
#pragma once
#include <memory>

#include "app/gui/shell/command_line.hpp"

namespace proclab::gui {

class App;

class Automation {
 public:
  virtual ~Automation() = default;
  // After the backends' NewFrame, before ImGui::NewFrame: input of its own (ImGui 1.86 takes
  // io.MousePos and io.MouseDown written here).
  virtual void BeforeFrame(App&) {}
  // After the frame is rendered (a requested screenshot is saved), before it is presented.
  virtual void AfterRender(App&) {}
  // After the frame is presented; `run_was_live`: it showed a run under way.
  virtual void AfterPresent(App&, bool /*run_was_live*/) {}
  // Draw frame after frame rather than wait for input.
  virtual bool keeps_drawing() const { return true; }
  // The views show end states at once: no replay, no hover (command-line screenshots).
  virtual bool instant() const { return false; }
  // The latest moment to wake up at while waiting for input (glfwGetTime seconds), or < 0.
  virtual double wake_at() const { return -1; }
  virtual bool done() const = 0;
  virtual int status() const = 0;  // the program's exit status once done
};

// The automation the command line asks for, or null (a person uses the app).
std::unique_ptr<Automation> MakeAutomation(const CommandLine& command_line);

}  // namespace proclab::gui

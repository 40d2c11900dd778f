// The command line's automations: a screenshot after an optional run, and the two benchmarks.
// (The self-test is shell/selftest.cpp.)
#include "app/gui/shell/automation.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cfloat>
#include <cstdio>

#include "app/gui/shell/app.hpp"
#include "app/gui/shell/frame_bench.hpp"
#include "app/gui/shell/script_player.hpp"
#include "app/gui/shell/selftest.hpp"

namespace proclab::gui {
namespace {

// --screenshot FILE [--run]: waits for the run to end (if there is one), lets the frame settle,
// saves it and ends the program; the picture shows no hover effect or tooltip.
// --screenshot-live MS: instead, MS ms after the run started, while it is live (or at its end
// if it ends sooner), with the mouse where it is (a hover's tooltip shows).
class CommandLineShot : public Automation {
 public:
  CommandLineShot(std::string path, int live_ms) : path_(std::move(path)), live_ms_(live_ms) {}
  void BeforeFrame(App&) override {
    if (live_ms_ == 0) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  }
  void AfterRender(App& app) override {
    if (requested_) {
      if (app.screenshot_pending()) return;
      done_ = true;
      return;
    }
    if (live_ms_ > 0 && app.run_busy()) {
      if (run_started_ < 0) run_started_ = glfwGetTime();
      if ((glfwGetTime() - run_started_) * 1000 >= live_ms_) {
        app.RequestScreenshot(path_);
        requested_ = true;
      }
      return;
    }
    if (app.frame() < 3 || !app.command_line_run_done()) return;
    if (++settle_ >= 3) {
      app.RequestScreenshot(path_);
      requested_ = true;
    }
  }
  bool instant() const override { return live_ms_ == 0; }
  bool done() const override { return done_; }
  int status() const override { return 0; }  // a failed save sets the app's own status

 private:
  std::string path_;
  int live_ms_ = 0;
  double run_started_ = -1;
  int settle_ = 0;
  bool requested_ = false, done_ = false;
};

// --bench-frames N: the run starts after the first frame; every later frame is measured, at
// least N of them and until the finished run is wholly drawn. --bench-idle S: the window stays
// open S seconds with nothing to do; the CPU time the process used is measured.
class FrameBench : public Automation {
 public:
  explicit FrameBench(const CommandLine& command_line)
      : frames_(command_line.bench_frames), idle_s_(command_line.bench_idle_s),
        recorder_(static_cast<size_t>(command_line.bench_frames) + 16) {}
  bool keeps_drawing() const override { return frames_ > 0; }
  double wake_at() const override { return idle_s_ > 0 ? idle_deadline_ : -1; }
  bool done() const override { return done_; }
  int status() const override { return status_; }
  void AfterPresent(App& app, bool run_was_live) override;

 private:
  int frames_;
  double idle_s_;
  FrameRecorder recorder_;
  double first_frame_ms_ = -1;
  double idle_t0_ = 0, idle_cpu0_ = 0, idle_deadline_ = 0;
  int idle_frames_ = 0;
  bool run_started_ = false, done_ = false;
  int status_ = 0;
};

void FrameBench::AfterPresent(App& app, bool run_was_live) {
  const double now = glfwGetTime();
  if (first_frame_ms_ < 0) {
    first_frame_ms_ = ProcessAgeMs();
    idle_t0_ = now;
    idle_cpu0_ = ProcessCpuSeconds();
    idle_deadline_ = now + idle_s_;
  }
  if (idle_s_ > 0) {
    if (now < idle_deadline_) {
      ++idle_frames_;
      return;
    }
    const auto report = IdleReport(now - idle_t0_, ProcessCpuSeconds() - idle_cpu0_, idle_frames_, first_frame_ms_);
    std::printf("%s\n", report.dump().c_str());
    done_ = true;
    return;
  }
  recorder_.Presented(now, run_was_live, app.last_phases());
  if (!run_started_) {
    run_started_ = true;
    if (!app.StartRun(1, false)) {
      std::fprintf(stderr, "proclab: the benchmark could not start the run\n");
      status_ = 1;
      done_ = true;
    }
    return;
  }
  if (!app.last_error().empty()) {
    std::fprintf(stderr, "proclab: the benchmark's run failed: %s\n", app.last_error().c_str());
    status_ = 1;
    done_ = true;
    return;
  }
  if (recorder_.intervals() < static_cast<size_t>(frames_) || app.run_busy()) return;
  int width = 0, height = 0;
  app.FramebufferSize(&width, &height);
  const auto report = FramesReport(std::string(app.lesson().id), recorder_, first_frame_ms_,
                                   app.shown().events(), width, height);
  std::printf("%s\n", report.dump().c_str());
  done_ = true;
}

}  // namespace

std::unique_ptr<Automation> MakeAutomation(const CommandLine& command_line) {
  if (command_line.selftest) return std::make_unique<SelfTest>(command_line.selftest_dir);
  if (!command_line.script_path.empty())
    return std::make_unique<ScriptPlayer>(command_line.script, command_line.script_path, false);
  if (!command_line.screenshot.empty())
    return std::make_unique<CommandLineShot>(command_line.screenshot, command_line.screenshot_live_ms);
  if (command_line.benchmark()) return std::make_unique<FrameBench>(command_line);
  return nullptr;
}

}  // namespace proclab::gui

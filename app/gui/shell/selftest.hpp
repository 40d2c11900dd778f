// `proclab --selftest DIR`: drives the real app, frame by frame, through every lesson in both
// languages. It clicks real widgets (injected mouse input, ImGui 1.86 style), runs each lesson,
// checks what the screen shows against the run's typed outcome and facts after every step,
// steps a race by 1r,2r,1w,2w, checks the queue, pool and locks views (and the deadlock's cycle
// where that lesson exists), and writes one screenshot per lesson and language into DIR. The
// first failed check ends it with a message and exit status 1. It drives the app only through
// App's public actions and state (an Automation).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <imgui.h>

#include "app/gui/shell/automation.hpp"
#include "app/gui/shell/script_player.hpp"

namespace proclab::gui {

class SelfTest : public Automation {
 public:
  explicit SelfTest(std::string dir);
  void BeforeFrame(App& app) override;  // inject input
  void AfterRender(App& app) override;  // advance the script
  bool done() const override { return done_; }
  int status() const override { return status_; }

 private:
  struct Step {
    std::string what;
    std::function<bool()> tick;  // true when the step is complete
    double timeout_s = 10;
  };
  void Add(std::string what, std::function<bool()> tick, double timeout_s = 10);
  void Build();
  void Fail(const std::string& message);
  bool Check(bool condition, const std::string& message);
  // A click on a named widget: hover, press, release (a button fires on release).
  std::function<bool()> Click(std::string rect_name, float fx = 0.5f);
  std::function<bool()> WaitFrames(int frames);
  // Selects a lesson in English with some parameters set (the rest at their defaults).
  void OpenLesson(const std::string& id, std::vector<std::pair<std::string, std::string>> params);
  void RunAndWait(const std::string& what, double timeout_s);
  void BuildLessonChecks();  // every lesson in both languages: what the screen shows after a run
  void BuildStepChecks();    // 1r,2r,1w,2w loses exactly one update
  void BuildQueueChecks();   // replay, order, predicted order, the stall
  void BuildPoolChecks();    // results in order, states, a replaced worker, callbacks, live
  void BuildLockChecks();    // rows, holders, a dead holder, the deadlock's cycle
  void BuildViewWordsChecks();  // the counter before a first step; a killed holder that never wrote back
  void BuildSaveChecks();    // the save popup: bad paths in words, trace and screenshot written
  void BuildProjectorChecks();  // keys press no focused widget; every size and scale fits
  void BuildScheduleFieldChecks();  // a bad typed schedule: its reason in both languages, nothing starts
  void BuildRendererChecks();   // the window shows each frame as drawn whole, live and after
  void BuildWordsChecks();   // the Run pane says labels, not CLI names; Try this buttons set and run
  void BuildChineseChecks();  // every lesson, fault mode and view in zh-CN: no English sentence drawn
  std::string ProjectorScript();

  App* app_ = nullptr;  // set on the first frame
  std::string dir_;
  std::vector<Step> steps_;
  size_t current_ = 0;
  int step_frame_ = 0;
  double step_start_ = 0;
  bool done_ = false;
  int status_ = 0;
  // Mouse injection.
  bool inject_ = false;
  ImVec2 mouse_{-1, -1};
  bool mouse_down_ = false;
  int checks_ = 0;
  std::unique_ptr<ScriptPlayer> script_;  // the projector checks, in a demo script's steps
};

}  // namespace proclab::gui

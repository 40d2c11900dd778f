// The `proclab` application: window and frame loop (app.cpp), the panes (app_layout.cpp), and
// the actions the buttons, the keys, the command line and the self-test all call.
//
// Sections: actions · state the views and the self-test read · frame loop internals.
#pragma once
#include <imgui.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/fonts/fonts.hpp"
#include "app/gui/settings/settings.hpp"
#include "app/gui/shell/command_line.hpp"
#include "app/gui/shell/damage_renderer.hpp"
#include "app/gui/shell/lesson_texts.hpp"
#include "app/gui/shell/run_controller.hpp"
#include "app/gui/shell/theme.hpp"
#include "app/gui/views/views.hpp"

struct GLFWwindow;

namespace proclab::gui {

class SelfTest;

struct Rect {
  ImVec2 min, max;
  ImVec2 Centre() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};

using ViewTab = LessonView;  // the tabs a lesson declares (core/lesson_model.hpp)

class App {
 public:
  explicit App(CommandLine command_line);
  ~App();
  int Main();  // opens the window and runs until closed; returns the exit status

  // ---------------------------------------------------------------------------- actions
  void SelectLesson(int index);
  void SetLanguage(Language language);
  bool StartRun(int trials, bool step_mode);
  void StopRun();
  void ResetRun();
  void PostStep(int child);  // the step the child waits for (read or write)
  void ChangeScale(float factor);
  void SetHighContrast(bool on);
  bool ExportTrace(const std::string& path, std::string* error);
  void RequestScreenshot(std::string path) { screenshot_path_ = std::move(path); }
  void ToggleFullScreen();

  // ------------------------------------------------ state the views and the self-test read
  const Lesson& lesson() const;
  int lesson_index() const { return lesson_index_; }
  Language language() const { return settings_.language; }
  // A run is busy until the views hold its whole result (synced over a few frames).
  bool run_busy() const { return (runner_ && runner_->busy()) || syncing_result_ != nullptr; }
  const TraceModel& model() const { return model_; }
  const TrialResult* last_result() const { return last_result_.get(); }
  const std::string& last_error() const { return last_error_; }
  std::vector<int64_t>& params_of(const Lesson& lesson);
  const Settings& settings() const { return settings_; }
  const std::vector<TrialSeries>& series() const { return series_[std::string(lesson().id)]; }
  // Screen rectangles of widgets the self-test clicks, by name ("run", "param:processes").
  std::map<std::string, Rect> rects;
  std::string shown_lesson_id;  // the lesson whose text the centre pane drew last frame
  Language shown_language = Language::kEnglish;
  bool shown_text_error = false;
  int frame = 0;
  bool step_mode = false;  // the Step mode checkbox
  ViewTab tab = ViewTab::kLanes;
  std::optional<ViewTab> tab_request;
  std::optional<ViewTab> pending_view;  // --view: requested until it can be shown
  GLFWwindow* window() const { return window_; }
  bool screenshot_pending() const { return !screenshot_path_.empty(); }

 private:
  friend class SelfTest;
  // app.cpp
  bool OpenWindow();
  void SetWindowIcon();
  void Loop();
  void Frame();
  void HandleKeys();
  void TakeResults();
  void WaitForInput();
  void AfterPresent(bool run_was_live);  // --bench-frames / --bench-idle bookkeeping
  void RebuildFonts(bool atlas_built = false);  // atlas_built: only upload it and restyle
  void SaveScreenshot(const std::string& path);
  std::string AllTexts() const;
  // app_layout.cpp
  void DrawTopBar(float height);
  void DrawLessonList(const ImVec2& pos, const ImVec2& size);
  void DrawLessonText(const ImVec2& pos, const ImVec2& size);
  void DrawCode(const ImVec2& pos, const ImVec2& size);
  void DrawControls();
  void DrawParams();
  void DrawStepButtons();
  void DrawViews(const ImVec2& pos, const ImVec2& size);
  void DrawTranscript(const ViewContext& ctx);
  void DrawStatus();
  const LessonText& TextOf(const Lesson& lesson, Language language);

  CommandLine command_line_;
  std::string config_dir_;
  std::string ini_path_;
  std::string assets_;
  Settings settings_;
  GLFWwindow* window_ = nullptr;
  Fonts fonts_;
  DamageRenderer renderer_;  // redraws only what changed (software OpenGL pays per pixel)
  Theme theme_;
  bool fonts_dirty_ = true;
  bool cjk_warned_ = false;
  std::string notice_;  // one line shown in the status area (saved file, missing font ...)
  double notice_until_ = 0;
  int lesson_index_ = 0;
  std::map<std::string, std::vector<int64_t>> params_;
  std::map<std::string, LessonText> texts_;  // "<lang>/<id>"
  std::unique_ptr<RunController> runner_;
  TraceModel model_;
  uint64_t model_generation_ = 0;
  std::shared_ptr<TrialResult> last_result_;
  std::shared_ptr<TrialResult> syncing_result_;  // finished, not yet wholly in model_
  uint64_t syncing_generation_ = 0;
  struct Bench;
  std::unique_ptr<Bench> bench_;
  std::string last_error_;
  bool run_step_mode_ = false;
  int batch_trials_ = 1;
  mutable std::map<std::string, std::vector<TrialSeries>> series_;
  std::map<std::string, std::string> guesses_;  // predict-first text per lesson
  LanesView lanes_;
  QueueView queue_view_;
  PoolView pool_view_;
  const Lesson* views_lesson_ = nullptr;  // whose tabs were drawn last (to open its first tab)
  // The save popup for Export trace and Screenshot: an editable path, errors in words.
  enum class SaveKind { kNone, kTrace, kScreenshot };
  SaveKind save_kind_ = SaveKind::kNone;
  bool save_open_ = false;
  std::string save_path_, save_error_;
  int save_shot_frames_ = 0;  // frames until a screenshot chosen in the popup is taken
  void OpenSave(SaveKind kind);
  void DrawSavePopup();
  // Checks `path` and saves; false with the reason in words (nothing written) otherwise.
  bool SaveTo(SaveKind kind, const std::string& path, std::string* error);
  std::string screenshot_path_;
  int screenshot_settle_ = 0;
  bool exit_after_screenshot_ = false;
  bool cli_run_started_ = false;
  int exit_status_ = 0;
  bool quit_ = false;
  int saved_x_ = 0, saved_y_ = 0, saved_w_ = 0, saved_h_ = 0;
  std::unique_ptr<SelfTest> selftest_;
};

}  // namespace proclab::gui

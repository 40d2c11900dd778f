// The `proclab` application: window and frame loop (app.cpp), the panes (app_layout.cpp), and
// the actions the buttons, the keys, the command line and the automations (self-test,
// screenshot, benchmarks: shell/automation.hpp) all call. The runs themselves live in a
// RunSession (session/run_session.hpp), the tabs in the view list (views/view_list.cpp), the
// save popup in SaveDialog.
//
// Sections: actions · state the automations read · frame loop internals.
#pragma once
#include <imgui.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/fonts/fonts.hpp"
#include "app/gui/session/run_session.hpp"
#include "app/gui/settings/settings.hpp"
#include "app/gui/shell/automation.hpp"
#include "app/gui/shell/command_line.hpp"
#include "app/gui/shell/damage_renderer.hpp"
#include "app/gui/shell/frame_bench.hpp"
#include "app/gui/shell/lesson_texts.hpp"
#include "app/gui/shell/open_program.hpp"
#include "app/gui/shell/save_dialog.hpp"
#include "app/gui/shell/shortcuts.hpp"
#include "app/gui/shell/tab_row.hpp"
#include "app/gui/shell/theme.hpp"
#include "app/gui/shell/widget_rects.hpp"
#include "app/gui/views/view.hpp"
#include "core/try_action.hpp"

struct GLFWwindow;

namespace proclab::gui {

class App {
 public:
  explicit App(CommandLine command_line);
  ~App();
  int Main();  // opens the window and runs until closed; returns the exit status

  // ---------------------------------------------------------------------------- actions
  void SelectLesson(int index);
  void SetLanguage(Language language);
  // `schedule`: the learner's steps given at once (--step), else step mode waits for PostStep.
  bool StartRun(int trials, bool step_mode, std::vector<std::pair<int, char>> schedule = {});
  void StopRun();
  void ResetRun();
  void PostStep(int child);  // the step the child waits for (read or write)
  void FinishSteps();        // the lesson takes the remaining steps one child at a time
  void ChangeScale(float factor);
  void SetHighContrast(bool on);
  bool ExportTrace(const std::string& path, std::string* error);
  void RequestScreenshot(std::string path) { screenshot_path_ = std::move(path); }
  void ToggleFullScreen();
  void ShowView(std::string_view id) { view_request_ = std::string(id); }  // its tab, when the lesson has it
  // The learner's own Python program (shell/open_program.hpp): false, and a notice saying why
  // (unless the open dialog says it), when it cannot be run; nothing is started either way.
  bool OpenProgram(const std::string& path, bool notice = true);
  PythonPrograms& python() { return python_; }
  void ShowNextView(int delta);  // the lesson's next (+1) or previous (-1) tab, wrapping around
  // A lesson text's Try this item (shell/try_buttons.cpp): its settings on the lesson's defaults,
  // step mode and schedule as it says, then run, trials or steps; false when a run is on or it
  // could not start.
  bool PressTry(const TryAction& action);
  std::vector<TryAction> TryActionsOf(const Lesson& lesson, Language language);  // in the text's order
  // Presenter mode: the lesson list, text and code fold away, the run and its views take the
  // window, the text is larger.
  void SetPresenter(bool on);
  // A script's or the self-test's text size and window size (neither is remembered).
  void SetScale(float scale);
  void SetWindowSize(int width, int height);
  // A caption across the bottom of the window (a script's `say`); empty: none.
  void SetCaption(std::string text) { caption_ = std::move(text); }
  const std::string& caption() const { return caption_; }
  bool popup_open() const;  // the save dialog or any other popup
  // Where key events enter, from GLFW or from a script's `key` step.
  ShortcutKeys& shortcut_keys() { return shortcut_keys_; }

  // ------------------------------------------------------- state the automations read
  const Lesson& lesson() const;
  int lesson_index() const { return lesson_index_; }
  Language language() const { return settings_.language; }
  bool run_busy() const { return session_.busy(); }
  const RunSession& session() const { return session_; }
  RunSession& session() { return session_; }
  ShownRun shown() const { return session_.Shown(lesson()); }  // what this lesson's views show
  const TrialResult* last_result() const { return session_.ResultFor(lesson()); }
  const std::string& last_error() const { return session_.error(); }
  std::vector<int64_t>& params_of(const Lesson& lesson);  // raw values, in the lesson's order
  ParamValues ParamsOf(const Lesson& lesson);
  const Settings& settings() const { return settings_; }
  Settings& settings() { return settings_; }
  bool presenter() const { return presenter_; }
  float ui_scale() const;  // the scale the fonts are built at: the learner's, larger when presenting
  float UiScaleFor(int window_height) const;
  View* FindView(std::string_view id) const;
  template <class T>
  T* ViewAs(std::string_view id) const {
    return dynamic_cast<T*>(FindView(id));
  }
  const std::string& shown_view() const { return shown_view_; }  // the tab drawn last frame
  SaveDialog& save_dialog() { return save_dialog_; }
  bool screenshot_pending() const { return !screenshot_path_.empty(); }
  bool command_line_run_done() const { return !command_line_.run || (cli_run_started_ && !run_busy()); }
  int frame() const { return frame_; }
  const FramePhases& last_phases() const { return phases_; }  // where the last frame's time went
  DamageRenderer& renderer() { return renderer_; }
  void FramebufferSize(int* width, int* height) const;
  GLFWwindow* window() const { return window_; }
  // What the last frame drew.
  WidgetRects rects;              // the widgets the self-test clicks, by name
  std::string shown_lesson_id;    // the lesson whose text the centre pane drew
  Language shown_language = Language::kEnglish;
  bool shown_text_error = false;
  bool step_mode = false;  // the Step mode checkbox
  bool live_stall_shown_ = false;
  int trial_count_ = 20;  // the "Run trials" button's batch
  // The words the Run pane drew last frame for the parameters (labels, choice previews), for the
  // self-test's check that no CLI name is on screen.
  std::vector<std::string> run_pane_words;
  char schedule_text_[256] = "";  // step mode: steps typed or pasted, e.g. 1r,2r,1w,2w
  Sentence schedule_error_;  // why the typed schedule cannot run (empty: it can), in both languages
  std::vector<std::pair<int, char>> typed_schedule_;  // the typed schedule, parsed (Run and Space take it)
  // The self-test's language check: set it, and the next frame's text as ImGui draws it (its
  // log: widgets, tooltips, popups; not the views' own draw-list text) lands in captured_text_.
  bool capture_text_ = false;
  std::string captured_text_;

 private:
  // app.cpp
  bool OpenWindow();
  void SetWindowIcon();
  void Loop();
  void Frame();
  void HandleKeys();
  void DrawSplitters(float top, float left_w, float text_w, float text_h);
  float Splitter(const char* name, const ImVec2& pos, const ImVec2& size, bool vertical);
  void TakeResults();
  void WaitForInput();
  void RebuildFonts(bool atlas_built = false);  // atlas_built: only upload it and restyle
  void SaveScreenshot(const std::string& path);
  std::string AllTexts() const;
  // app_layout.cpp
  void DrawTopBar(float height);
  void DrawLessonList(const ImVec2& pos, const ImVec2& size);
  void DrawLessonText(const ImVec2& pos, const ImVec2& size);
  void DrawCode(const ImVec2& pos, const ImVec2& size);
  void DrawControls(const ViewContext& ctx, const std::vector<View*>& views);
  void DrawParams();
  void DrawStepButtons();
  void DrawViews(const ImVec2& pos, const ImVec2& size);
  void DrawStatus();
  void DrawCaption();
  void DrawLiveStall(const ShownRun& run);
  std::vector<View*> LessonViews(const Lesson& lesson) const;
  const LessonText& TextOf(const Lesson& lesson, Language language);
  bool Save(SaveDialog::Kind kind, const std::string& path, std::string* error);

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
  RunSession session_;
  std::vector<std::unique_ptr<View>> views_;  // every view, in the view list's order
  std::string shown_view_;                    // the tab drawn last frame
  std::optional<std::string> view_request_;   // a tab to select (--view, ShowView)
  const Lesson* views_lesson_ = nullptr;      // whose tabs were drawn last (to open its first tab)
  SaveDialog save_dialog_;
  PythonPrograms python_;
  std::string screenshot_path_;
  bool cli_run_started_ = false;
  int exit_status_ = 0;
  bool quit_ = false;
  int frame_ = 0;
  FramePhases phases_;
  double last_frame_start_ = 0;  // glfwGetTime() when the last frame began
  bool presenter_ = false;
  std::string caption_;
  float built_scale_ = 0;  // the ui_scale() the fonts were last built at
  ShortcutKeys shortcut_keys_;
  std::vector<ShortcutPress> shortcuts_;  // the shortcut keys pressed for this frame
  float top_bar_h_ = 0;                   // the top bar's content height last frame
  float controls_h_ = 0;                  // the controls' content height last frame
  float run_row_y_ = 0;                   // where the Run button's row starts in them
  TabRow view_tabs_, code_tabs_;
  int saved_x_ = 0, saved_y_ = 0, saved_w_ = 0, saved_h_ = 0;
  std::unique_ptr<Automation> automation_;
};

}  // namespace proclab::gui

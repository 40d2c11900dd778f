// The window, the frame loop, keys, and the actions. Sections: construction · window and loop ·
// one frame · keys · results · fonts and screenshots · actions.
#include "app/gui/shell/app.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include "app/gui/shell/runtime_words.hpp"
#include "app/gui/shell/screenshot.hpp"
#include "core/python_program.hpp"
#include "core/step_schedule.hpp"
#include "core/trace_export.hpp"
#include "lessons/curriculum.hpp"

namespace proclab::gui {

namespace {
constexpr float kBaseFontPx = 19.0f;
// The largest scales that keep a run's lanes on screen, per 720 lines of window: with the
// three panes, and presenting (the self-test's projector checks hold them to it).
constexpr float kPanesScalePer720 = 1.25f;
constexpr float kPresenterScalePer720 = 1.7f;

// Every character the texts and the UI use, in both languages (the glyphs the fonts need).
std::string& CachedFontText() {
  static std::string text;
  return text;
}
}  // namespace

// ------------------------------------------------------------------------------ construction

App::App(CommandLine command_line)
    : command_line_(std::move(command_line)), session_([] { glfwPostEmptyEvent(); }), views_(MakeViews()) {
  // The self-test and the benchmarks start from defaults and leave the user's settings alone.
  if (!command_line_.selftest && !command_line_.benchmark()) {
    std::string problem;  // e.g. $XDG_CONFIG_HOME unwritable: the app works, remembers nothing
    config_dir_ = ConfigDir(&problem);
    if (!problem.empty()) std::fprintf(stderr, "proclab: %s\n", problem.c_str());
  }
  settings_ = LoadSettings(config_dir_);
  if (!config_dir_.empty()) ini_path_ = config_dir_ + "/imgui.ini";
  assets_ = AssetsDir();
  if (command_line_.language) settings_.language = *command_line_.language;
  const auto lessons = Curriculum();
  std::string wanted = command_line_.lesson.empty() ? settings_.last_lesson : command_line_.lesson;
  for (size_t i = 0; i < lessons.size(); ++i)
    if (lessons[i]->id == wanted) lesson_index_ = static_cast<int>(i);
  if (!command_line_.lesson.empty()) {
    const Lesson& chosen = lesson();
    ParamValues values(chosen.params);
    for (const auto& [name, text] : command_line_.params) values.SetText(name, text);
    params_[std::string(chosen.id)] = values.raw();
  }
  if (command_line_.high_contrast) settings_.high_contrast = true;
  presenter_ = command_line_.presenter;
  if (command_line_.trials > 0) trial_count_ = command_line_.trials;  // the field says what runs
  if (command_line_.scale > 0) settings_.scale = command_line_.scale;
  if (!command_line_.python_program.empty()) OpenProgram(command_line_.python_program);  // before --view
  if (!command_line_.view.empty()) view_request_ = command_line_.view;
  theme_ = MakeTheme(settings_.high_contrast);
  python_.lines = command_line_.lines;
  if (command_line_.engine_python) python_.SetEngine(lesson(), true);
}

App::~App() {
  session_.Shutdown();  // stops a run and joins the run thread before the window goes
  if (window_ != nullptr) {
    renderer_.Shutdown();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window_);
    glfwTerminate();
  }
}

const Lesson& App::lesson() const {
  if (python_.own_open()) return OwnProgramLesson();  // the learner's program, shown like a lesson
  return *Curriculum()[static_cast<size_t>(lesson_index_)];
}

std::vector<int64_t>& App::params_of(const Lesson& lesson) {
  auto& values = params_[std::string(lesson.id)];
  if (values.size() != lesson.params.size()) values = ParamValues(lesson.params).raw();
  return values;
}

ParamValues App::ParamsOf(const Lesson& lesson) {
  ParamValues values(lesson.params);
  values.SetRaw(params_of(lesson));
  return values;
}

View* App::FindView(std::string_view id) const {
  for (const auto& view : views_)
    if (view->id() == id) return view.get();
  return nullptr;
}

void App::FramebufferSize(int* width, int* height) const { glfwGetFramebufferSize(window_, width, height); }

// ----------------------------------------------------------------------- window and loop

void App::SetWindowIcon() {
  int w = 0, h = 0, channels = 0;
  const std::string path = assets_ + "/ui/proclab.png";
  unsigned char* pixels = stbi_load(path.c_str(), &w, &h, &channels, 4);
  if (pixels == nullptr) return;  // no icon is no reason to fail
  GLFWimage image{w, h, pixels};
  glfwSetWindowIcon(window_, 1, &image);
  stbi_image_free(pixels);
}

bool App::OpenWindow() {
  glfwSetErrorCallback([](int, const char*) {});
  if (!glfwInit()) return false;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  int width = command_line_.width, height = command_line_.height;
  if (width == 0 && command_line_.selftest) {
    width = 1280;  // the self-test's own size, whatever the screen (it sizes the window itself)
    height = 720;
  } else if (width == 0) {
    width = 1280;
    height = 760;
    if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) {
      if (const GLFWvidmode* mode = glfwGetVideoMode(monitor)) {
        width = std::min(std::max(1280, mode->width * 4 / 5), mode->width);
        height = std::min(std::max(720, mode->height * 4 / 5), mode->height);
      }
    }
  }
  // A fixed size for screenshots and tests: the window manager must not change it.
  if (command_line_.width != 0 || command_line_.selftest) glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
  // First start on a large screen: text about 19 px per 1000 px of height (classroom size).
  if (!settings_.scale_saved && command_line_.scale == 0 && !command_line_.selftest)
    settings_.scale = std::clamp(std::round(static_cast<float>(height) / 100.0f) / 10.0f, 1.0f, 3.0f);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  // The font atlas (FreeType, no OpenGL) is built while the window and its OpenGL context are
  // created: each took a good part of the time to the first frame. Until the join below this
  // thread touches only the atlas, that one only GLFW and the backends' own fields of io.
  built_scale_ = UiScaleFor(height);
  std::thread font_builder([this] {
    std::string& text = CachedFontText();
    if (text.empty()) text = AllTexts();
    fonts_ = BuildFonts(std::round(kBaseFontPx * built_scale_), text);
  });
  window_ = glfwCreateWindow(width, height, "ProcLab", nullptr, nullptr);
  if (window_ == nullptr) {
    font_builder.join();
    return false;
  }
  SetWindowIcon();
  // Below this the panes cannot hold a lesson's controls and lanes (a size given on the command
  // line is kept as it is: tests and screenshots ask for it).
  if (command_line_.width == 0) glfwSetWindowSizeLimits(window_, 960, 600, GLFW_DONT_CARE, GLFW_DONT_CARE);
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(command_line_.benchmark() ? 0 : 1);  // benchmarks: vsync off
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = ini_path_.empty() ? nullptr : ini_path_.c_str();
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  // The shortcuts hear every key event before the backend (it chains to a callback set before
  // it), so a press released within one poll still counts.
  glfwSetWindowUserPointer(window_, this);
  glfwSetKeyCallback(window_, [](GLFWwindow* window, int key, int, int action, int mods) {
    static_cast<App*>(glfwGetWindowUserPointer(window))->shortcut_keys_.OnKey(key, action, mods);
  });
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  // A .py dropped onto the window opens at the next frame (ImGui's backend leaves this callback).
  glfwSetDropCallback(window_, [](GLFWwindow* window, int count, const char** paths) {
    static_cast<App*>(glfwGetWindowUserPointer(window))->python_.Dropped(count, paths);
  });
  ImGui_ImplOpenGL3_Init("#version 330 core");
  renderer_.Init();
  // The window system lost the window's pixels (uncovered, restored): show all of the last frame.
  glfwSetWindowRefreshCallback(window_, [](GLFWwindow* window) {
    static_cast<App*>(glfwGetWindowUserPointer(window))->renderer_.Exposed();
  });
  font_builder.join();
  RebuildFonts(true);
  return true;
}

int App::Main() {
  if (!OpenWindow()) {
    std::fprintf(stderr,
                 "proclab: cannot open a window (no display, or no OpenGL 3.3). Run the lessons in "
                 "a terminal instead: proclab-cli list, proclab-cli run <lesson>.\n");
    return 2;
  }
  automation_ = MakeAutomation(command_line_);
  Loop();
  SaveSettings(config_dir_, settings_);
  if (automation_ && automation_->status() != 0) return automation_->status();
  return exit_status_;
}

void App::Loop() {
  int busy_frames = 3;
  while (!glfwWindowShouldClose(window_) && !quit_) {
    // Sleep until input arrives when nothing moves; redraw continuously while a run is live
    // or the last frame still changed (a view's replay or animation is under way).
    const bool animate = run_busy() || (automation_ && automation_->keeps_drawing()) || !screenshot_path_.empty() ||
                         fonts_dirty_ || renderer_.frame_changed();
    if (animate || busy_frames > 0) {
      const double poll_start = glfwGetTime();
      // Without vsync (the software renderer's path copies rectangles and never swaps) a frame
      // with little new can take a millisecond: at most 60 a second then, waking for input at
      // once. The benchmarks measure the frames' cost, uncapped.
      const double next_frame = last_frame_start_ + 1.0 / 60;
      if (renderer_.copies_sub_buffer() && !command_line_.benchmark() && poll_start < next_frame)
        glfwWaitEventsTimeout(next_frame - poll_start);
      else
        glfwPollEvents();
      phases_.wait_ms = (glfwGetTime() - poll_start) * 1e3;
      busy_frames = animate ? 3 : busy_frames - 1;
    } else {
      WaitForInput();
      phases_.wait_ms = 0;  // idle: the wait is not the frame's
      busy_frames = 3;  // a few frames to let hover and clicks settle
    }
    const bool live = run_busy();  // the frame shows a run (sampled before it starts)
    last_frame_start_ = glfwGetTime();
    Frame();
    if (automation_) {
      automation_->AfterPresent(*this, live);
      if (automation_->done()) quit_ = true;
    }
  }
}

void App::WaitForInput() {
  // Block until input comes; wake on our own only for what changes with time alone: a notice
  // that expires, the text cursor's blink, an automation's deadline.
  const double now = glfwGetTime();
  double wake = -1;
  auto wake_at = [&](double t) {
    if (t > now && (wake < 0 || t < wake)) wake = t;
  };
  if (!notice_.empty()) wake_at(notice_until_);
  if (ImGui::GetIO().WantTextInput) wake_at(now + 0.5);
  if (automation_ && automation_->wake_at() >= 0) wake_at(automation_->wake_at());
  if (wake < 0) glfwWaitEvents();
  else glfwWaitEventsTimeout(wake - now);
}

// ------------------------------------------------------------------------------ one frame

void App::Frame() {
  // The window's height bounds the text size (ui_scale): a resize may change it.
  if (std::abs(ui_scale() - built_scale_) > 0.01f) fonts_dirty_ = true;
  if (fonts_dirty_) RebuildFonts();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (automation_) automation_->BeforeFrame(*this);  // after the backend's NewFrame (ImGui 1.86)
  // The shortcuts take their keys before ImGui's keyboard navigation could act on them.
  shortcuts_ = shortcut_keys_.Take(ImGui::GetIO(), ImGui::GetIO().WantTextInput, popup_open());
  ImGui::NewFrame();
  // The language check's capture: ImGui logs a window's text until that window ends, then hands
  // it to the clipboard function; this one appends it here instead (the clipboard stays).
  const bool capturing = capture_text_;
  ImGuiIO& io = ImGui::GetIO();
  const auto set_clipboard = io.SetClipboardTextFn;
  void* const clipboard_data = io.ClipboardUserData;
  auto capture = [&] {
    if (capturing) ImGui::LogToClipboard();  // again for each window (a no-op while one logs)
  };
  if (capturing) {
    captured_text_.clear();
    io.ClipboardUserData = &captured_text_;
    io.SetClipboardTextFn = [](void* into, const char* text) { *static_cast<std::string*>(into) += text; };
  }

  double phase_start = glfwGetTime();
  auto phase_done = [&phase_start](double& ms) {
    const double now = glfwGetTime();
    ms = (now - phase_start) * 1e3;
    phase_start = now;
  };
  TakeResults();
  phase_done(phases_.sync_ms);
  if (const auto dropped = python_.TakeDropped(); dropped && !run_busy()) OpenProgram(*dropped);
  HandleKeys();
  // --run: once the window shows (the self-test and the benchmark start their own runs).
  if (command_line_.run && !cli_run_started_ && frame_ >= 2 && !command_line_.selftest) {
    cli_run_started_ = true;
    // --step: the whole schedule at once, like the CLI.
    StartRun(command_line_.trials > 0 ? command_line_.trials : 1, !command_line_.step_schedule.empty(), command_line_.step_schedule);
  }
  // A run asked for on the command line that could not start fails the program (a screenshot
  // still shows why), said once on stderr.
  if (cli_run_started_ && command_line_run_done() && !last_error().empty() && exit_status_ == 0) {
    std::fprintf(stderr, "proclab: the run could not start: %s\n", last_error().c_str());
    exit_status_ = 1;
  }

  rects.clear();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float em = ImGui::GetFontSize();
  // The top bar is one line, or two when its buttons do not fit beside the title.
  const float top = std::max(em * 2.3f, std::floor(top_bar_h_));
  capture();
  DrawTopBar(top);
  // The panes' borders where the learner dragged them, kept where every pane stays usable; in
  // presenter mode the run pane takes the whole width.
  const float body_h = display.y - top;
  float left_w = 0, text_w = 0, text_h = 0;
  if (!presenter_) {
    left_w = std::floor(std::clamp(display.x * settings_.pane_list, em * 7.0f, std::max(em * 7.0f, display.x * 0.3f)));
    const float rest = display.x - left_w;
    text_w = std::floor(std::clamp(rest * settings_.pane_text, std::min(em * 10.0f, rest * 0.3f),
                                   std::max(rest * 0.3f, rest - em * 22.0f)));
    text_h = std::floor(std::clamp(body_h * settings_.pane_text_height, em * 4.0f, std::max(em * 4.0f, body_h - em * 5.0f)));
    capture();
    DrawLessonList(ImVec2(0, top), ImVec2(left_w, body_h));
    // The lesson text is a file per language, its code blocks code; the code pane is source code
    // (its Python's comments are checked by tests/test_chinese.cpp): marked, for the check to skip.
    capture();
    if (capturing) ImGui::LogText("\n[not checked]\n");
    DrawLessonText(ImVec2(left_w, top), ImVec2(text_w, text_h));
    capture();
    DrawCode(ImVec2(left_w, top + text_h), ImVec2(text_w, body_h - text_h));
    capture();
    if (capturing) ImGui::LogText("\n[/not checked]\n");
  }
  capture();
  DrawViews(ImVec2(left_w + text_w, top), ImVec2(display.x - left_w - text_w, body_h));
  if (!presenter_) DrawSplitters(top, left_w, text_w, text_h);
  capture();
  if (!caption_.empty()) DrawCaption();
  if (capturing) {
    ImGui::LogFinish();
    io.SetClipboardTextFn = set_clipboard;
    io.ClipboardUserData = clipboard_data;
    capture_text_ = false;
  }

  ImGui::Render();
  phase_done(phases_.layout_ms);
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  renderer_.Render(ImGui::GetDrawData(), fb_w, fb_h, ImGui::GetStyle().Colors[ImGuiCol_WindowBg]);
  phases_.redrawn = renderer_.last_redrawn();
  phase_done(phases_.render_ms);
  if (!screenshot_path_.empty()) {
    const std::string path = std::move(screenshot_path_);
    screenshot_path_.clear();
    SaveScreenshot(path);
  }
  if (automation_) automation_->AfterRender(*this);
  phase_start = glfwGetTime();  // the screenshot and the automation are not the frame's
  renderer_.Present(window_);
  phase_done(phases_.swap_ms);
  ++frame_;
}

// ----------------------------------------------------------------------------------- keys

void App::HandleKeys() {
  ImGuiIO& io = ImGui::GetIO();
  if (io.KeyCtrl && !io.WantTextInput) {
    if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD, false))
      ChangeScale(1.1f);
    if (ImGui::IsKeyPressed(GLFW_KEY_MINUS, false) ||
        ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT, false))
      ChangeScale(1 / 1.1f);
    if (ImGui::IsKeyPressed(GLFW_KEY_0, false)) ChangeScale(1.0f / settings_.scale);
  }
  const int count = static_cast<int>(Curriculum().size());
  for (const ShortcutPress& press : shortcuts_) {
    switch (press.what) {
      case Shortcut::kPreviousLesson:
        if (lesson_index_ > 0) SelectLesson(lesson_index_ - 1);
        break;
      case Shortcut::kNextLesson:
        if (lesson_index_ + 1 < count) SelectLesson(lesson_index_ + 1);
        break;
      case Shortcut::kRunOrStop:
        if (run_busy()) StopRun();
        else if (schedule_error_.en.empty()) StartRun(1, step_mode && lesson().steppable, typed_schedule_);  // as the Run button
        break;
      case Shortcut::kStop:
        StopRun();
        break;
      case Shortcut::kReset:
        if (!run_busy()) ResetRun();
        break;
      case Shortcut::kPresenter:
        SetPresenter(!presenter_);
        break;
      case Shortcut::kNextView:
        ShowNextView(+1);
        break;
      case Shortcut::kPreviousView:
        ShowNextView(-1);
        break;
      case Shortcut::kFullScreen:
        ToggleFullScreen();
        break;
      case Shortcut::kStepOldest:
      case Shortcut::kStepChild: {
        const ShownRun run = shown();
        if (!run.live || !run.step_mode) break;
        if (press.what == Shortcut::kStepChild) {
          PostStep(run.python ? press.child + 1 : press.child);  // a Python run's lane 0 is its main process
          break;
        }
        // S: step the child that has waited longest.
        int best = -1;
        int64_t best_t = 0;
        for (int i = 0; i < run.facts->children(); ++i) {
          const ChildFacts& child = run.facts->child(i);
          if (child.StateNow() != LaneState::kStepWait || child.changes.empty()) continue;
          if (best < 0 || child.changes.back().t_ns < best_t) {
            best = i;
            best_t = child.changes.back().t_ns;
          }
        }
        if (best >= 0) PostStep(best);
        break;
      }
    }
  }
  shortcuts_.clear();
}

// -------------------------------------------------------------------------------- results

void App::TakeResults() {
  for (const auto& result : session_.Update()) {
    settings_.lessons_run.insert(result->lesson_id);
    const bool stepped = session_.Shown(lesson()).step_mode;
    for (const auto& view : views_) view->TrialFinished(*result, stepped);
  }
}

// ---------------------------------------------------------------- fonts and screenshots

std::string App::AllTexts() const {
  std::string text;
  for (size_t i = 0; i < UiStringCount(); ++i) {
    text += UiStrings()[i].zh;
    text += UiStrings()[i].en;
  }
  for (const auto& view : views_)
    for (const LocalText& words : view->texts()) {
      text += words.zh;
      text += words.en;
    }
  std::vector<const Lesson*> lessons(Curriculum().begin(), Curriculum().end());
  lessons.push_back(&OwnProgramLesson());
  for (const Lesson* lesson : lessons) {
    text += lesson->title.zh;
    text += lesson->purpose.zh;
    text += lesson->title.en;
    text += lesson->purpose.en;
    for (const ParamSpec& spec : lesson->params) {
      text += spec.label.zh;
      text += spec.label.en;
      text += spec.help.zh;
      text += spec.help.en;
      for (size_t c = 0; c < spec.choices.size(); ++c) text += spec.Shown(static_cast<int64_t>(c), Language::kChinese);
    }
    text += lesson->python.en;
    text += lesson->python.zh;
    text += LessonChildCode(lesson->id);
    for (Language language : {Language::kEnglish, Language::kChinese}) {
      std::ifstream in(LessonTextPath(assets_, lesson->id, language), std::ios::binary);
      text.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  text += RuntimeWords();  // what the fact layer says at run time
  return text;
}

void App::RebuildFonts(bool atlas_built) {
  fonts_dirty_ = false;
  if (!atlas_built) {
    std::string& text = CachedFontText();
    if (text.empty()) text = AllTexts();
    built_scale_ = ui_scale();
    fonts_ = BuildFonts(std::round(kBaseFontPx * built_scale_), text);
  }
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  renderer_.Invalidate();
  theme_ = MakeTheme(settings_.high_contrast);
  ApplyStyle(theme_, built_scale_);
  if (!fonts_.has_cjk && !cjk_warned_) {
    cjk_warned_ = true;
    std::fprintf(stderr, "proclab: %s\n", Tr(Str::kNoCjkFont, Language::kEnglish));
    notice_ = Tr(Str::kNoCjkFont, Language::kEnglish);
    notice_until_ = glfwGetTime() + 30;
  }
}

void App::SaveScreenshot(const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  std::string error;
  const bool quiet = automation_ != nullptr;  // an automation's screenshots leave no notice in the next one
  if (WriteBackBufferPng(path, w, h, &error)) {
    if (!quiet) notice_ = std::string(Tr(Str::kSaved, settings_.language)) + ": " + path;
    if (!command_line_.screenshot.empty()) std::printf("proclab: saved %s (%dx%d)\n", path.c_str(), w, h);
  } else {
    notice_ = error;
    std::fprintf(stderr, "proclab: %s\n", error.c_str());
    exit_status_ = 1;
  }
  notice_until_ = glfwGetTime() + 6;
}

// ---------------------------------------------------------------------------------- actions

void App::SelectLesson(int index) {
  const int count = static_cast<int>(Curriculum().size());
  if (index < 0 || index >= count || (index == lesson_index_ && !python_.own_open())) return;
  python_.Close();  // a lesson of the curriculum replaces the learner's own program
  lesson_index_ = index;
  settings_.last_lesson = std::string(lesson().id);
  ResetRun();  // a run belongs to its lesson: it stops, and its result is not shown here
  view_request_.reset();  // it opens at its first tab (a tab asked for before was another lesson's)
  for (const auto& view : views_) view->RunStarted();
}

void App::SetLanguage(Language language) {
  settings_.language = language;
  SaveSettings(config_dir_, settings_);
}

bool App::StartRun(int trials, bool step, std::vector<std::pair<int, char>> schedule) {
  if (run_busy()) return false;
  const Lesson& current = lesson();
  const ParamValues params = ParamsOf(current);
  bool started = false;
  if (python_.runs_python(current)) {
    // The learner's program, or the lesson's own Python program, under the tracer.
    auto request = python_.RequestFor(current, params);
    if (!request) request = PythonRequest{.program = LessonProgramPath(current)};  // missing: said why by the session
    started = session_.StartPython(current, params, std::move(*request), settings_.language, trials,
                                   step && current.steppable, std::move(schedule));
  } else {
    started = session_.Start(current, params, trials, step && current.steppable, std::move(schedule));
  }
  if (!started) return false;
  for (const auto& view : views_) view->RunStarted();
  if (trials > 1) ShowView("trials");
  return true;
}

void App::StopRun() { session_.Stop(); }

bool App::OpenProgram(const std::string& path, bool notice) {
  if (!python_.Open(path, settings_.language)) {
    if (!notice) return false;
    notice_ = python_.error();
    notice_until_ = glfwGetTime() + 8;
    return false;
  }
  ResetRun();  // the program replaces the lesson (or program) shown, and its run
  settings_.recent_programs = WithRecent(settings_.recent_programs, path);
  SaveSettings(config_dir_, settings_);
  view_request_.reset();
  views_lesson_ = nullptr;  // its first tab
  for (const auto& view : views_) view->RunStarted();
  return true;
}

void App::ResetRun() { session_.Clear(); }

void App::PostStep(int child) {
  const ShownRun run = shown();
  if (!run.live || child < 0 || child >= run.facts->children()) return;
  session_.PostStep(child, run.facts->child(child).pending_step == 1 ? 'w' : 'r');
}

void App::FinishSteps() { session_.FinishSteps(); }

void App::ChangeScale(float factor) {
  settings_.scale_saved = true;
  settings_.scale = std::clamp(settings_.scale * factor, 0.6f, 3.0f);
  if (std::abs(settings_.scale - 1.0f) < 0.04f) settings_.scale = 1.0f;
  fonts_dirty_ = true;
  // Larger than the panes hold here: say where larger text is, rather than do nothing.
  if (factor > 1 && !presenter_ && ui_scale() < settings_.scale - 0.01f) {
    notice_ = Tr(Str::kLargerInPresenter, settings_.language);
    notice_until_ = glfwGetTime() + 6;
  }
  SaveSettings(config_dir_, settings_);
}

void App::SetScale(float scale) {
  settings_.scale = std::clamp(scale, 0.6f, 3.0f);
  fonts_dirty_ = true;
}

void App::SetWindowSize(int width, int height) { glfwSetWindowSize(window_, width, height); }

bool App::popup_open() const {
  return save_dialog_.is_open() || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
}

void App::SetHighContrast(bool on) {
  settings_.high_contrast = on;
  theme_ = MakeTheme(on);
  ApplyStyle(theme_, built_scale_);
  SaveSettings(config_dir_, settings_);
}

bool App::ExportTrace(const std::string& path, std::string* error) {
  const TrialResult* result = last_result();
  if (result == nullptr) {
    *error = "no finished run of this lesson to export";
    return false;
  }
  std::ofstream out(path, std::ios::trunc);
  if (out) WriteChromeTrace(*result, out);
  if (!out) {
    *error = "cannot write " + path;
    return false;
  }
  return true;
}

bool App::Save(SaveDialog::Kind kind, const std::string& path, std::string* error) {
  const Language lang = settings_.language;
  if (kind == SaveDialog::Kind::kScreenshot) {
    RequestScreenshot(path);
    return true;
  }
  std::string why;
  errno = 0;
  if (!ExportTrace(path, &why)) {
    *error = std::string(Tr(Str::kSaveFailed, lang)) + " " + path +
             (errno != 0 ? std::string(": ") + std::strerror(errno) : ": " + why);
    return false;
  }
  notice_ = std::string(Tr(Str::kSaved, lang)) + ": " + path + " (Perfetto / chrome://tracing)";
  notice_until_ = glfwGetTime() + 8;
  return true;
}

float App::ui_scale() const {
  int w = 0, h = 0;
  if (window_ != nullptr) glfwGetWindowSize(window_, &w, &h);
  return UiScaleFor(h);
}

float App::UiScaleFor(int h) const {
  // The text grows as asked up to what the window's height holds with a run's lanes still on
  // screen (kPanesScalePer720, kPresenterScalePer720); presenter mode also makes small text
  // larger.
  const float lines = h > 0 ? static_cast<float>(h) / 720.0f : 1.0f;
  if (!presenter_) return std::min(settings_.scale, std::max(1.0f, kPanesScalePer720 * lines));
  const float most = std::max(1.0f, kPresenterScalePer720 * lines);
  return std::min(std::max(settings_.scale, std::min(settings_.scale * 1.35f, most)), most);
}

void App::SetPresenter(bool on) {
  if (on == presenter_) return;
  presenter_ = on;
  fonts_dirty_ = true;  // its text size
  controls_h_ = 0;
}

void App::ShowNextView(int delta) {
  const std::vector<View*> views = LessonViews(lesson());
  if (views.empty()) return;
  const int n = static_cast<int>(views.size());
  int at = 0;
  for (int i = 0; i < n; ++i)
    if (views[static_cast<size_t>(i)]->id() == shown_view_) at = i;
  ShowView(views[static_cast<size_t>(((at + delta) % n + n) % n)]->id());
}

void App::ToggleFullScreen() {
  GLFWmonitor* monitor = glfwGetWindowMonitor(window_);
  if (monitor != nullptr) {
    glfwSetWindowMonitor(window_, nullptr, saved_x_, saved_y_, saved_w_, saved_h_, 0);
    return;
  }
  monitor = glfwGetPrimaryMonitor();
  if (monitor == nullptr) return;
  glfwGetWindowPos(window_, &saved_x_, &saved_y_);
  glfwGetWindowSize(window_, &saved_w_, &saved_h_);
  const GLFWvidmode* mode = glfwGetVideoMode(monitor);
  glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
}

}  // namespace proclab::gui

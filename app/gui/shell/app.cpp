// The window, the frame loop, keys, and the actions. Sections: construction · window and loop ·
// one frame · keys · results · fonts and screenshots · actions.
#include "app/gui/shell/app.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "app/gui/shell/damage_renderer.hpp"
#include "app/gui/shell/frame_bench.hpp"
#include "app/gui/shell/screenshot.hpp"
#include "app/gui/shell/selftest.hpp"
#include "core/trace_export.hpp"
#include "lessons/curriculum.hpp"

namespace proclab::gui {

namespace {
constexpr float kBaseFontPx = 19.0f;
// Events the views take in per frame, live or from a finished run's trace: ~2-4 ms of work,
// more than a run's rings deliver per frame, so the views keep up and no frame stalls.
constexpr size_t kSyncBudgetPerFrame = 120'000;

// Every character the texts and the UI use, in both languages (the glyphs the fonts need).
std::string& CachedFontText() {
  static std::string text;
  return text;
}
}  // namespace

// --bench-frames / --bench-idle: what is measured between presented frames.
struct App::Bench {
  explicit Bench(size_t frames) : recorder(frames) {}
  FrameRecorder recorder;
  double first_frame_ms = -1;
  double idle_t0 = 0, idle_cpu0 = 0, idle_deadline = 0;
  int idle_frames = 0;
  bool run_started = false;
};

// ------------------------------------------------------------------------------ construction

App::App(CommandLine command_line) : command_line_(std::move(command_line)) {
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
  if (command_line_.scale > 0) settings_.scale = command_line_.scale;
  if (!command_line_.view.empty()) pending_view = LessonViewFromName(command_line_.view);
  theme_ = MakeTheme(settings_.high_contrast);
}

App::~App() {
  runner_.reset();  // stops a run and joins the run thread before the window goes
  if (window_ != nullptr) {
    renderer_.Shutdown();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window_);
    glfwTerminate();
  }
}

const Lesson& App::lesson() const { return *Curriculum()[static_cast<size_t>(lesson_index_)]; }

std::vector<int64_t>& App::params_of(const Lesson& lesson) {
  auto& values = params_[std::string(lesson.id)];
  if (values.size() != lesson.params.size()) values = ParamValues(lesson.params).raw();
  return values;
}

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
  if (width == 0) {
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
  std::thread font_builder([this] {
    std::string& text = CachedFontText();
    if (text.empty()) text = AllTexts();
    fonts_ = BuildFonts(std::round(kBaseFontPx * settings_.scale), text);
  });
  window_ = glfwCreateWindow(width, height, "ProcLab", nullptr, nullptr);
  if (window_ == nullptr) {
    font_builder.join();
    return false;
  }
  SetWindowIcon();
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(command_line_.benchmark() ? 0 : 1);  // benchmarks: vsync off
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = ini_path_.empty() ? nullptr : ini_path_.c_str();
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  renderer_.Init();
  font_builder.join();
  RebuildFonts(true);
  runner_ = std::make_unique<RunController>([] { glfwPostEmptyEvent(); });
  return true;
}

int App::Main() {
  if (!OpenWindow()) {
    std::fprintf(stderr,
                 "proclab: cannot open a window (no display, or no OpenGL 3.3). Run the lessons in "
                 "a terminal instead: proclab-cli list, proclab-cli run <lesson>.\n");
    return 2;
  }
  if (command_line_.selftest) {
    selftest_ = std::make_unique<SelfTest>(*this, command_line_.selftest_dir);
  } else if (!command_line_.screenshot.empty()) {
    exit_after_screenshot_ = true;
  } else if (command_line_.benchmark()) {
    bench_ = std::make_unique<Bench>(static_cast<size_t>(command_line_.bench_frames) + 16);
  }
  Loop();
  SaveSettings(config_dir_, settings_);
  if (selftest_) return selftest_->status();
  return exit_status_;
}

void App::Loop() {
  int busy_frames = 3;
  while (!glfwWindowShouldClose(window_) && !quit_) {
    // Sleep until input arrives when nothing moves; redraw continuously while a run is live
    // or the last frame still changed (a view's replay or animation is under way).
    const bool animate = run_busy() || selftest_ || exit_after_screenshot_ ||
                         !screenshot_path_.empty() || fonts_dirty_ || renderer_.frame_changed() ||
                         (bench_ && command_line_.bench_frames > 0);
    if (animate || busy_frames > 0) {
      glfwPollEvents();
      busy_frames = animate ? 3 : busy_frames - 1;
    } else {
      WaitForInput();
      busy_frames = 3;  // a few frames to let hover and clicks settle
    }
    const bool live = run_busy();  // the frame shows a run (sampled before it starts)
    Frame();
    if (bench_) AfterPresent(live);
  }
}

void App::WaitForInput() {
  // Block until input comes; wake on our own only for what changes with time alone: a notice
  // that expires, the text cursor's blink, the end of an idle measurement.
  const double now = glfwGetTime();
  double wake = -1;
  auto wake_at = [&](double t) {
    if (t > now && (wake < 0 || t < wake)) wake = t;
  };
  if (!notice_.empty()) wake_at(notice_until_);
  if (ImGui::GetIO().WantTextInput) wake_at(now + 0.5);
  if (bench_ && command_line_.bench_idle_s > 0) wake_at(bench_->idle_deadline);
  if (wake < 0) glfwWaitEvents();
  else glfwWaitEventsTimeout(wake - now);
}

void App::AfterPresent(bool run_was_live) {
  Bench& bench = *bench_;
  const double now = glfwGetTime();
  if (bench.first_frame_ms < 0) {
    bench.first_frame_ms = ProcessAgeMs();
    bench.idle_t0 = now;
    bench.idle_cpu0 = ProcessCpuSeconds();
    bench.idle_deadline = now + command_line_.bench_idle_s;
  }
  if (command_line_.bench_idle_s > 0) {
    if (now < bench.idle_deadline) {
      ++bench.idle_frames;
      return;
    }
    const auto report = IdleReport(now - bench.idle_t0, ProcessCpuSeconds() - bench.idle_cpu0,
                                   bench.idle_frames, bench.first_frame_ms);
    std::printf("%s\n", report.dump().c_str());
    quit_ = true;
    return;
  }
  // --bench-frames: the run starts after the first frame; every later frame is measured, at
  // least N of them and until the finished run is wholly drawn.
  bench.recorder.Presented(now, run_was_live);
  if (!bench.run_started) {
    bench.run_started = true;
    if (!StartRun(1, false)) {
      std::fprintf(stderr, "proclab: the benchmark could not start the run\n");
      exit_status_ = 1;
      quit_ = true;
    }
    return;
  }
  if (!last_error_.empty()) {
    std::fprintf(stderr, "proclab: the benchmark's run failed: %s\n", last_error_.c_str());
    exit_status_ = 1;
    quit_ = true;
    return;
  }
  if (bench.recorder.intervals() < static_cast<size_t>(command_line_.bench_frames) || run_busy()) return;
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  const auto report = FramesReport(std::string(lesson().id), bench.recorder, bench.first_frame_ms,
                                   model_.events(), width, height);
  std::printf("%s\n", report.dump().c_str());
  quit_ = true;
}

// ------------------------------------------------------------------------------ one frame

void App::Frame() {
  if (fonts_dirty_) RebuildFonts();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (selftest_) selftest_->InjectInput();  // after the backend's NewFrame (ImGui 1.86)
  // A screenshot from the command line shows no hover effects or tooltips.
  if (exit_after_screenshot_) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  ImGui::NewFrame();

  if (pending_view) tab_request = pending_view;  // until that tab exists and is shown
  TakeResults();
  HandleKeys();

  // Command line: --run then --screenshot.
  if (exit_after_screenshot_ || (command_line_.run && !selftest_)) {
    if (command_line_.run && !cli_run_started_ && frame >= 2) {
      cli_run_started_ = true;
      StartRun(command_line_.trials ? 100 : 1, !command_line_.step.empty());
    }
    const bool run_done = !command_line_.run || (cli_run_started_ && !run_busy());
    // A run asked for on the command line that could not start fails the program (the
    // screenshot still shows why), said once on stderr.
    if (command_line_.run && run_done && !last_error_.empty() && exit_status_ == 0) {
      std::fprintf(stderr, "proclab: the run could not start: %s\n", last_error_.c_str());
      exit_status_ = 1;
    }
    if (exit_after_screenshot_ && run_done && screenshot_path_.empty() && frame >= 3) {
      if (++screenshot_settle_ >= 3) RequestScreenshot(command_line_.screenshot);
    }
  }

  rects.clear();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float em = ImGui::GetFontSize();
  const float top = em * 2.3f;
  DrawTopBar(top);
  const float left_w = std::clamp(display.x * 0.17f, em * 11.0f, em * 16.0f);
  const float rest = display.x - left_w;
  const float text_w = std::floor(rest * 0.44f);
  const float body_h = display.y - top;
  DrawLessonList(ImVec2(0, top), ImVec2(left_w, body_h));
  const float text_h = std::floor(body_h * 0.6f);
  DrawLessonText(ImVec2(left_w, top), ImVec2(text_w, text_h));
  DrawCode(ImVec2(left_w, top + text_h), ImVec2(text_w, body_h - text_h));
  DrawViews(ImVec2(left_w + text_w, top), ImVec2(rest - text_w, body_h));

  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  renderer_.Render(ImGui::GetDrawData(), fb_w, fb_h, ImGui::GetStyle().Colors[ImGuiCol_WindowBg]);
  if (!screenshot_path_.empty()) {
    const std::string path = std::move(screenshot_path_);
    screenshot_path_.clear();
    SaveScreenshot(path);
    if (exit_after_screenshot_) quit_ = true;
  }
  if (selftest_) {
    selftest_->AfterFrame();
    if (selftest_->done()) quit_ = true;
  }
  glfwSwapBuffers(window_);
  ++frame;
}

// ----------------------------------------------------------------------------------- keys

void App::HandleKeys() {
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)) && io.WantTextInput) return;
  if (ImGui::IsKeyPressed(GLFW_KEY_F11, false)) ToggleFullScreen();
  if (io.KeyCtrl) {
    if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD, false))
      ChangeScale(1.1f);
    if (ImGui::IsKeyPressed(GLFW_KEY_MINUS, false) ||
        ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT, false))
      ChangeScale(1 / 1.1f);
    if (ImGui::IsKeyPressed(GLFW_KEY_0, false)) ChangeScale(1.0f / settings_.scale);
    return;
  }
  if (io.WantTextInput) return;  // typing in a field: letters are text, not commands
  const int count = static_cast<int>(Curriculum().size());
  if (ImGui::IsKeyPressed(GLFW_KEY_LEFT, false) && lesson_index_ > 0) SelectLesson(lesson_index_ - 1);
  if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT, false) && lesson_index_ + 1 < count)
    SelectLesson(lesson_index_ + 1);
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE, false)) {
    if (run_busy()) StopRun();
    else StartRun(1, step_mode && lesson().steppable);
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_S, false) && run_step_mode_ && run_busy()) {
    // S: step the child that has waited longest.
    int best = -1;
    int64_t best_t = 0;
    for (int i = 0; i < model_.lanes(); ++i) {
      const LaneModel& lane = model_.lane(i);
      if (!lane.step_wait || lane.events.empty()) continue;
      if (best < 0 || lane.events.back().t_ns < best_t) {
        best = i;
        best_t = lane.events.back().t_ns;
      }
    }
    if (best >= 0) PostStep(best);
  }
  for (int k = 0; k < 9; ++k)
    if (ImGui::IsKeyPressed(GLFW_KEY_1 + k, false) && run_step_mode_ && run_busy()) PostStep(k);
}

// -------------------------------------------------------------------------------- results

void App::TakeResults() {
  for (FinishedTrial& done : runner_->TakeFinished()) {
    if (!done.result) {
      last_error_ = done.error;
      continue;
    }
    if (done.generation != model_generation_) {
      model_.Reset();
      model_generation_ = done.generation;
    }
    // The views take the result in over the next frames (see below); an older result still
    // being taken in is shown as it is.
    if (syncing_result_) last_result_ = std::move(syncing_result_);
    syncing_result_ = done.result;
    syncing_generation_ = done.generation;
    last_error_.clear();
    settings_.lessons_run.insert(done.result->lesson_id);
    // Trials: one series per parameter setting; a single run also counts as a trial.
    const std::string field = TrialField(done.result->outcome);
    if (!field.empty() && !done.result->stopped && !run_step_mode_) {
      auto& all = series_[done.result->lesson_id];
      std::string label = done.result->lesson_id + ":";
      for (const auto& [name, value] : done.result->params.items()) {
        label += (label.back() == ':' ? " " : ", ") + name + "=" +
                 (value.is_string() ? value.get<std::string>() : value.dump());
      }
      auto it = std::find_if(all.begin(), all.end(), [&](const TrialSeries& s) {
        return s.label == label && s.field == field;
      });
      if (it == all.end()) {
        all.push_back(TrialSeries{.label = label, .field = field});
        it = std::prev(all.end());
      }
      it->values.push_back(done.result->outcome[field].get<double>());
      if (const auto expected = done.result->outcome.find("expected");
          expected != done.result->outcome.end() && expected->is_number()) {
        it->expected = expected->get<double>();
        it->has_expected = true;
      }
      if (all.size() > 4) all.erase(all.begin());
    }
  }
  // The live run (or the next trial of a batch) first; a newer live run replaces the model.
  if (runner_->busy()) runner_->SyncLive(model_, &model_generation_, kSyncBudgetPerFrame);
  if (!syncing_result_) return;
  if (model_generation_ != syncing_generation_ ||  // the next trial of a batch took the model
      model_.Sync(syncing_result_->trace, syncing_result_->children, true, kSyncBudgetPerFrame))
    last_result_ = std::move(syncing_result_);
}

// ---------------------------------------------------------------- fonts and screenshots

std::string App::AllTexts() const {
  std::string text;
  for (size_t i = 0; i < UiStringCount(); ++i) {
    text += UiStrings()[i].zh;
    text += UiStrings()[i].en;
  }
  for (const Lesson* lesson : Curriculum()) {
    text += lesson->title.zh;
    text += lesson->purpose.zh;
    text += lesson->title.en;
    text += lesson->purpose.en;
    for (const ParamSpec& spec : lesson->params) {
      text += spec.help.zh;
      text += spec.help.en;
    }
    text += lesson->python;
    text += LessonChildCode(lesson->id);
    for (Language language : {Language::kEnglish, Language::kChinese}) {
      std::ifstream in(LessonTextPath(assets_, lesson->id, language), std::ios::binary);
      text.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  return text;
}

void App::RebuildFonts(bool atlas_built) {
  fonts_dirty_ = false;
  if (!atlas_built) {
    std::string& text = CachedFontText();
    if (text.empty()) text = AllTexts();
    fonts_ = BuildFonts(std::round(kBaseFontPx * settings_.scale), text);
  }
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  renderer_.Invalidate();
  theme_ = MakeTheme(settings_.high_contrast);
  ApplyStyle(theme_, settings_.scale);
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
  if (WriteBackBufferPng(path, w, h, &error)) {
    // Screenshots taken by the self-test or the command line leave no notice in the next shot.
    if (!selftest_ && !exit_after_screenshot_)
      notice_ = std::string(Tr(Str::kSaved, settings_.language)) + ": " + path;
    if (exit_after_screenshot_) std::printf("proclab: saved %s (%dx%d)\n", path.c_str(), w, h);
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
  if (index < 0 || index >= count || index == lesson_index_) return;
  if (run_busy()) runner_->Stop();
  lesson_index_ = index;
  settings_.last_lesson = std::string(lesson().id);
  ResetRun();
  lanes_.Fit();
  tab_request = ViewTab::kLanes;
}

void App::SetLanguage(Language language) {
  settings_.language = language;
  SaveSettings(config_dir_, settings_);
}

bool App::StartRun(int trials, bool step) {
  if (run_busy()) return false;
  const Lesson& current = lesson();
  RunRequest request{.lesson = &current, .params = params_of(current), .trials = trials,
                     .step_mode = step && current.steppable};
  run_step_mode_ = request.step_mode;
  batch_trials_ = trials;
  model_.Reset();
  lanes_.Fit();
  last_error_.clear();
  const bool started = runner_->Start(std::move(request));
  if (started && !command_line_.step.empty() && run_step_mode_) {
    // --step from the command line: post the whole schedule at once.
    size_t start = 0;
    const std::string& text = command_line_.step;
    while (start < text.size()) {
      size_t end = text.find(',', start);
      if (end == std::string::npos) end = text.size();
      const std::string token = text.substr(start, end - start);
      if (token.size() >= 2)
        runner_->PostStep(std::atoi(token.c_str()) - 1, token.back());
      start = end + 1;
    }
  }
  if (started && trials > 1) tab_request = ViewTab::kTrials;
  return started;
}

void App::StopRun() { runner_->Stop(); }

void App::ResetRun() {
  if (run_busy()) runner_->Stop();
  model_.Reset();
  syncing_result_.reset();
  last_result_.reset();
  last_error_.clear();
}

void App::PostStep(int child) {
  if (child < 0 || child >= model_.lanes()) return;
  const LaneModel& lane = model_.lane(child);
  runner_->PostStep(child, lane.pending_step == 1 ? 'w' : 'r');
}

void App::ChangeScale(float factor) {
  settings_.scale_saved = true;
  settings_.scale = std::clamp(settings_.scale * factor, 0.6f, 3.0f);
  if (std::abs(settings_.scale - 1.0f) < 0.04f) settings_.scale = 1.0f;
  fonts_dirty_ = true;
  SaveSettings(config_dir_, settings_);
}

void App::SetHighContrast(bool on) {
  settings_.high_contrast = on;
  theme_ = MakeTheme(on);
  ApplyStyle(theme_, settings_.scale);
  SaveSettings(config_dir_, settings_);
}

bool App::ExportTrace(const std::string& path, std::string* error) {
  if (!last_result_) {
    *error = "no finished run to export";
    return false;
  }
  std::ofstream out(path, std::ios::trunc);
  if (out) WriteChromeTrace(*last_result_, out);
  if (!out) {
    *error = "cannot write " + path;
    return false;
  }
  return true;
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

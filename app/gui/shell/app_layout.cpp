// The panes of the main window, each a fixed ImGui window with a translated title and a stable
// id. Sections: top bar · lesson list · lesson text · code pane · controls · views.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "app/gui/markdown/markdown_view.hpp"
#include "app/gui/shell/app.hpp"
#include "core/clock.hpp"
#include "core/step_schedule.hpp"
#include "core/facts/explain.hpp"
#include "lessons/curriculum.hpp"

namespace proclab::gui {
namespace {

constexpr ImGuiWindowFlags kPane = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus;

void PlacePane(const ImVec2& pos, const ImVec2& size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
}

void HelpTooltip(const char* text) {
  if (!ImGui::IsItemHovered() || text == nullptr || text[0] == '\0') return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24.0f);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

bool ColoredButton(const char* label, ImU32 color, bool enabled = true) {
  if (!enabled) ImGui::BeginDisabled();
  ImGui::PushStyleColor(ImGuiCol_Button, color);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, (color & 0x00FFFFFF) | 0xD0000000);
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));
  const bool pressed = ImGui::Button(label);
  ImGui::PopStyleColor(3);
  if (!enabled) ImGui::EndDisabled();
  return pressed;
}

}  // namespace

// ---------------------------------------------------------------------------------- top bar

void App::DrawTopBar(float height) {
  const Language lang = settings_.language;
  PlacePane(ImVec2(0, 0), ImVec2(ImGui::GetIO().DisplaySize.x, height));
  ImGui::Begin("##topbar", nullptr, kPane | ImGuiWindowFlags_NoTitleBar |
                                        ImGuiWindowFlags_NoScrollbar);
  const float em = ImGui::GetFontSize();
  ImGui::SetCursorPosY((height - ImGui::GetFrameHeight()) * 0.5f);
  ImGui::PushFont(fonts_.bold);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme_.accent), "ProcLab");
  ImGui::PopFont();
  ImGui::SameLine(0, em);
  const Lesson& current = lesson();
  ImGui::PushFont(fonts_.bold);
  ImGui::Text("%d. %s", lesson_index_ + 1, std::string(current.title.In(lang)).c_str());
  ImGui::PopFont();
  const float purpose_x = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + em * 0.6f;

  // Right side: language, contrast, size, export, screenshot.
  const char* lang_label = Tr(Str::kLanguage, lang);
  const char* contrast = Tr(Str::kHighContrast, lang);
  const char* export_label = Tr(Str::kExportTrace, lang);
  const char* shot_label = Tr(Str::kScreenshot, lang);
  const ImGuiStyle& style = ImGui::GetStyle();
  auto button_w = [&](const char* s) { return ImGui::CalcTextSize(s).x + style.FramePadding.x * 2; };
  const float right_w = button_w(lang_label) + button_w(contrast) + ImGui::GetFrameHeight() +
                        button_w("A-") + button_w("A+") + button_w(export_label) +
                        button_w(shot_label) + style.ItemSpacing.x * 7 + em * 0.5f;
  const float x = ImGui::GetWindowWidth() - right_w - style.WindowPadding.x;
  // The lesson's purpose, where it fits between the title and the buttons.
  const std::string purpose = "— " + std::string(current.purpose.In(lang));
  if (ImGui::CalcTextSize(purpose.c_str()).x < x - purpose_x - em) {
    ImGui::SameLine(purpose_x);
    ImGui::TextDisabled("%s", purpose.c_str());
  }
  if (x > purpose_x) ImGui::SameLine(x);
  else ImGui::SameLine();
  if (ImGui::Button(lang_label))
    SetLanguage(lang == Language::kEnglish ? Language::kChinese : Language::kEnglish);
  Remember(rects, "language");
  ImGui::SameLine();
  bool high = settings_.high_contrast;
  if (ImGui::Checkbox(contrast, &high)) SetHighContrast(high);
  ImGui::SameLine();
  if (ImGui::Button("A-")) ChangeScale(1 / 1.1f);
  ImGui::SameLine();
  if (ImGui::Button("A+")) ChangeScale(1.1f);
  ImGui::SameLine();
  const bool can_export = last_result() != nullptr && !run_busy();
  if (!can_export) ImGui::BeginDisabled();
  if (ImGui::Button(export_label)) save_dialog_.Open(SaveDialog::Kind::kTrace, lesson().id);
  Remember(rects, "export");
  if (!can_export) ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(shot_label)) save_dialog_.Open(SaveDialog::Kind::kScreenshot, lesson().id);
  Remember(rects, "screenshot");
  ImGui::End();
  save_dialog_.Draw(lang, theme_, rects, [this](SaveDialog::Kind kind, const std::string& path, std::string* error) {
    return Save(kind, path, error);
  });
}

// ------------------------------------------------------------------------------ lesson list

void App::DrawLessonList(const ImVec2& pos, const ImVec2& size) {
  const Language lang = settings_.language;
  PlacePane(pos, size);
  ImGui::Begin(WindowTitle(Str::kLessons, lang).c_str(), nullptr, kPane);
  const auto lessons = Curriculum();
  const float em = ImGui::GetFontSize();
  for (size_t i = 0; i < lessons.size(); ++i) {
    const Lesson& item = *lessons[i];
    const bool ran = settings_.lessons_run.count(std::string(item.id)) > 0;
    ImGui::PushID(static_cast<int>(i));
    // The number in its own column, the title wrapped beside it (CJK-aware), a mark if run.
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float number_w = em * 1.5f;
    const float mark_w = em * 1.3f;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSplit(2);
    draw->ChannelsSetCurrent(1);
    ImGui::BeginGroup();
    ImGui::SetCursorScreenPos(ImVec2(start.x, start.y + em * 0.2f));
    ImGui::TextUnformatted((std::to_string(i + 1) + ".").c_str());
    ImGui::SetCursorScreenPos(ImVec2(start.x, start.y + em * 0.2f));
    DrawWrappedText(item.title.In(lang), fonts_, ImGui::GetColorU32(ImGuiCol_Text), number_w, mark_w);
    ImGui::EndGroup();
    const float item_h = ImGui::GetItemRectSize().y + em * 0.25f;
    draw->ChannelsSetCurrent(0);
    ImGui::SetCursorScreenPos(start);
    if (ImGui::Selectable("##lesson", static_cast<int>(i) == lesson_index_, 0, ImVec2(0, item_h)))
      SelectLesson(static_cast<int>(i));
    Remember(rects, "lesson:" + std::string(item.id));
    draw->ChannelsMerge();
    if (ran) {
      // A check mark drawn as two lines: fonts may lack the ✓ glyph.
      const float x = start.x + ImGui::GetContentRegionAvail().x - em * 0.9f;
      const float y = start.y + em * 0.75f;
      draw->AddLine(ImVec2(x, y), ImVec2(x + em * 0.25f, y + em * 0.25f), theme_.good, 2.5f);
      draw->AddLine(ImVec2(x + em * 0.25f, y + em * 0.25f), ImVec2(x + em * 0.7f, y - em * 0.3f),
                    theme_.good, 2.5f);
    }
    ImGui::PopID();
  }
  // The keys, at the bottom.
  const char* keys = Tr(Str::kKeysHint, lang);
  const float wrap = ImGui::GetContentRegionAvail().x;
  const float keys_h = ImGui::CalcTextSize(keys, nullptr, false, wrap).y;
  const float bottom = ImGui::GetWindowHeight() - ImGui::GetStyle().WindowPadding.y - keys_h;
  if (bottom > ImGui::GetCursorPosY()) ImGui::SetCursorPosY(bottom);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.dim));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(keys);
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::End();
}

// ------------------------------------------------------------------------------ lesson text

const LessonText& App::TextOf(const Lesson& item, Language language) {
  const std::string key = std::string(LanguageCode(language)) + "/" + std::string(item.id);
  auto it = texts_.find(key);
  if (it == texts_.end()) it = texts_.emplace(key, LoadLessonText(assets_, item.id, language)).first;
  return it->second;
}

void App::DrawLessonText(const ImVec2& pos, const ImVec2& size) {
  const Language lang = settings_.language;
  PlacePane(pos, size);
  ImGui::Begin(WindowTitle(Str::kLessonText, lang).c_str(), nullptr, kPane);
  const Lesson& current = lesson();
  const LessonText& text = TextOf(current, lang);
  if (shown_lesson_id != current.id) ImGui::SetScrollY(0);  // a new lesson opens at its top
  shown_lesson_id = std::string(current.id);
  shown_language = lang;
  shown_text_error = !text.doc.has_value();
  if (text.doc) {
    DrawMarkdown(*text.doc, fonts_, theme_.markdown);
  } else {
    ImGui::PushFont(fonts_.h2);
    ImGui::TextUnformatted(std::string(current.title.In(lang)).c_str());
    ImGui::PopFont();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.bad));
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted((std::string(Tr(Str::kLessonTextMissing, lang)) + ": " + text.error).c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::TextWrapped("%s", std::string(current.purpose.In(lang)).c_str());
  }
  ImGui::End();
}

// -------------------------------------------------------------------------------- code pane

void App::DrawCode(const ImVec2& pos, const ImVec2& size) {
  const Language lang = settings_.language;
  PlacePane(pos, size);
  ImGui::Begin(WindowTitle(Str::kCode, lang).c_str(), nullptr, kPane);
  const Lesson& current = lesson();
  if (ImGui::BeginTabBar("code_tabs")) {
    auto code_tab = [&](Str title, std::string_view code, bool highlight_steps) {
      if (!ImGui::BeginTabItem((std::string(Tr(title, lang)) + "###" +
                                std::to_string(static_cast<int>(title))).c_str()))
        return;
      // The Python is the tutorial's program, fixed: say so, rather than let it look like this run's.
      if (!highlight_steps) ImGui::TextDisabled("%s", Tr(Str::kPythonFixed, lang));
      ImGui::BeginChild("code", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
      ImGui::PushFont(fonts_.mono);
      // Step mode: mark the line each waiting child is about to run (its StepGate).
      std::vector<int> waiting(2, 0);  // how many children wait before a read, a write
      const ShownRun run = shown();
      if (highlight_steps && run.live && run.step_mode)
        for (const ChildFacts& child : run.facts->all_children())
          if (child.StateNow() == LaneState::kStepWait && child.pending_step >= 0)
            ++waiting[static_cast<size_t>(std::min(child.pending_step, 1))];
      size_t start = 0;
      while (start <= code.size()) {
        size_t end = code.find('\n', start);
        if (end == std::string_view::npos) end = code.size();
        const std::string line(code.substr(start, end - start));
        const bool read_gate = line.find("StepGate('r')") != std::string::npos;
        const bool write_gate = line.find("StepGate('w')") != std::string::npos;
        if ((read_gate && waiting[0] > 0) || (write_gate && waiting[1] > 0)) {
          const ImVec2 p = ImGui::GetCursorScreenPos();
          ImGui::GetWindowDrawList()->AddRectFilled(
              p, ImVec2(p.x + ImGui::GetContentRegionAvail().x + 2000, p.y + ImGui::GetTextLineHeight()),
              (theme_.State(LaneState::kStepWait) & 0x00FFFFFF) | 0x60000000);
        }
        ImGui::TextUnformatted(line.empty() ? " " : line.c_str());
        if (end == code.size()) break;
        start = end + 1;
      }
      ImGui::PopFont();
      ImGui::EndChild();
      ImGui::EndTabItem();
    };
    const std::string_view child_code = LessonChildCode(current.id);
    code_tab(Str::kChildCode, child_code.empty() ? "// (no child code was cut from the lesson source)" : child_code, true);
    code_tab(Str::kPython, current.python, false);
    ImGui::EndTabBar();
  }
  ImGui::End();
}

// --------------------------------------------------------------------------------- controls

void App::DrawParams() {
  const Language lang = settings_.language;
  const Lesson& current = lesson();
  std::vector<int64_t>& values = params_of(current);
  const bool locked = run_busy();
  if (locked) ImGui::BeginDisabled();
  const float em = ImGui::GetFontSize();
  const float label_w = em * 7.5f;
  for (size_t i = 0; i < current.params.size(); ++i) {
    const ParamSpec& spec = current.params[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(std::string(spec.name).c_str());
    HelpTooltip(std::string(spec.help.In(lang)).c_str());
    ImGui::SameLine(label_w);
    int64_t& value = values[i];
    const bool wide = spec.kind == ParamKind::kInt && spec.max - spec.min > 1000;
    const float buttons_w = wide ? ImGui::CalcTextSize("÷10×10").x + ImGui::GetStyle().FramePadding.x * 2 + 16 : 0;
    ImGui::SetNextItemWidth(std::max(std::min(ImGui::GetContentRegionAvail().x - buttons_w, em * 16.0f), em * 6));
    if (spec.kind == ParamKind::kChoice) {
      const std::string preview = spec.Format(value);
      if (ImGui::BeginCombo("##v", preview.c_str())) {
        for (size_t c = 0; c < spec.choices.size(); ++c) {
          if (ImGui::Selectable(std::string(spec.choices[c]).c_str(), value == static_cast<int64_t>(c)))
            value = static_cast<int64_t>(c);
        }
        ImGui::EndCombo();
      }
    } else if (spec.max - spec.min <= 1000) {
      ImGui::SliderScalar("##v", ImGuiDataType_S64, &value, &spec.min, &spec.max, "%" PRId64,
                          ImGuiSliderFlags_AlwaysClamp);
    } else {
      // Wide ranges: type a number, or step by 10x with the buttons.
      const int64_t step = 1, fast = 100;
      ImGui::InputScalar("##v", ImGuiDataType_S64, &value, &step, &fast, "%" PRId64);
      value = std::clamp(value, spec.min, spec.max);
      ImGui::SameLine(0, 4);
      if (ImGui::SmallButton("÷10")) value = std::max(spec.min, value / 10);
      ImGui::SameLine(0, 4);
      if (ImGui::SmallButton("×10") && value <= spec.max / 10) value = std::max<int64_t>(value * 10, 1);
    }
    Remember(rects, "param:" + std::string(spec.name));
    HelpTooltip(std::string(spec.help.In(lang)).c_str());
    ImGui::PopID();
  }
  if (locked) ImGui::EndDisabled();
}

void App::DrawStepButtons() {
  const Language lang = settings_.language;
  const ShownRun run = shown();
  bool first = true;
  for (int i = 0; i < run.facts->children(); ++i) {
    const ChildFacts& child = run.facts->child(i);
    if (child.pending_step < 0) continue;  // a child without step gates (e.g. the array's)
    if (!first) ImGui::SameLine();
    first = false;
    const bool can = child.StateNow() == LaneState::kStepWait;
    std::string label = std::string(Tr(Str::kStepChild, lang)) + " " + std::to_string(i + 1) + ": " +
                        (child.pending_step == 1 ? Tr(Str::kStepWrite, lang) : Tr(Str::kStepRead, lang));
    ImGui::PushID(i);
    if (ColoredButton(label.c_str(), theme_.State(LaneState::kStepWait), can)) PostStep(i);
    Remember(rects, "step:" + std::to_string(i + 1));
    ImGui::PopID();
  }
}

void App::DrawControls(const ViewContext& ctx, const std::vector<View*>& views) {
  const Language lang = settings_.language;
  const Lesson& current = lesson();
  DrawParams();
  const bool busy = run_busy();
  // Step mode with a typed schedule runs it at once, as `--step` does; an empty one waits for clicks.
  std::vector<std::pair<int, char>> schedule;
  schedule_error_.clear();
  if (step_mode && current.steppable && schedule_text_[0] != '\0') {
    const ParamValues values = ParamsOf(current);
    const int children = current.step_children ? current.step_children(values) : 0;
    if (auto parsed = ParseStepSchedule(schedule_text_, children, &schedule_error_)) schedule = std::move(*parsed);
  }
  if (ColoredButton((std::string(Tr(Str::kRun, lang)) + "###run").c_str(), IM_COL32(46, 125, 50, 255),
                    !busy && schedule_error_.empty()))
    StartRun(1, step_mode && current.steppable, schedule);
  Remember(rects, "run");
  ImGui::SameLine();
  if (ColoredButton((std::string(Tr(Str::kStop, lang)) + "###stop").c_str(), IM_COL32(198, 40, 40, 255), busy))
    StopRun();
  Remember(rects, "stop");
  ImGui::SameLine();
  if (busy) ImGui::BeginDisabled();
  if (ImGui::Button((std::string(Tr(Str::kReset, lang)) + "###reset").c_str())) {
    ResetRun();
    params_[std::string(current.id)] = ParamValues(current.params).raw();
  }
  // Repeated trials only where a histogram shows them (the race lessons).
  if (std::find(current.views.begin(), current.views.end(), "trials") != current.views.end()) {
    ImGui::SameLine();
    // How many: 100 trials at the defaults take ~105 s; the status line counts them and Stop ends the batch.
    if (ImGui::Button((std::string(Tr(Str::kRunTrials, lang)) + "###trials").c_str()))
      StartRun(trial_count_, false);
    Remember(rects, "trials");
    ImGui::SameLine(0, 4);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 3.0f);
    ImGui::InputInt("##trial_count", &trial_count_, 0, 0);
    trial_count_ = std::clamp(trial_count_, 1, 1000);
    HelpTooltip(Tr(Str::kTrialCountHelp, lang));
    Remember(rects, "trial-count");
  }
  if (current.steppable) {
    ImGui::SameLine();
    ImGui::Checkbox(Tr(Str::kStepMode, lang), &step_mode);
    Remember(rects, "stepmode");
    if (step_mode) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
      ImGui::InputTextWithHint("##schedule", Tr(Str::kScheduleHint, lang), schedule_text_, sizeof schedule_text_);
      HelpTooltip(Tr(Str::kScheduleHelp, lang));
      Remember(rects, "schedule");
      if (!schedule_error_.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.bad));
        ImGui::TextWrapped("%s", schedule_error_.c_str());
        ImGui::PopStyleColor();
      }
    }
  }
  if (busy) ImGui::EndDisabled();
  // Predict first: each of the lesson's views may ask the learner to guess before the run.
  for (View* view : views) {
    ImGui::PushID(view);
    view->DrawPrediction(ctx);
    Remember(rects, "predict:" + std::string(view->id()));
    ImGui::PopID();
  }
  const ShownRun run = shown();
  if (run.live && run.step_mode) {
    DrawStepButtons();
    ImGui::SameLine();
    if (ImGui::Button((std::string(Tr(Str::kStepFinish, lang)) + "###finish").c_str())) FinishSteps();
  }
  DrawStatus();
}

void App::DrawStatus() {
  const Language lang = settings_.language;
  const float now = static_cast<float>(glfwGetTime());
  const ShownRun run = shown();
  if (!last_error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.bad));
    ImGui::TextWrapped("%s: %s", Tr(Str::kRunFailed, lang), last_error().c_str());
    ImGui::PopStyleColor();
  } else if (run_busy()) {
    const int trials = session_.trials();
    if (trials > 1) {
      ImGui::Text("%s … %d / %d", Tr(Str::kRunning, lang), session_.trial() + 1, trials);
    } else if (run.live) {
      ImGui::Text("%s … %.0f %s · %zu %s", Tr(Str::kRunning, lang), run.ElapsedMs(MonotonicNs()), Tr(Str::kMs, lang),
                  run.events(), Tr(Str::kEvents, lang));
      DrawLiveStall(run);
    } else {
      ImGui::Text("%s …", Tr(Str::kRunning, lang));
    }
  } else if (run.result != nullptr) {
    const bool stuck = !run.facts->stalls().empty();  // ProcLab ended it: not a success
    if (stuck) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.bad));
    ImGui::Text("%s · %.1f %s · %zu %s",
                stuck ? Tr(Str::kStoppedStuck, lang) : run.result->stopped ? Tr(Str::kStopped, lang) : Tr(Str::kFinished, lang),
                run.ElapsedMs(0), Tr(Str::kMs, lang), run.events(), Tr(Str::kEvents, lang));
    if (stuck) ImGui::PopStyleColor();
    if (const uint64_t drops = run.facts->drops(); drops > 0) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.warn));
      ImGui::TextWrapped("%" PRIu64 " %s", drops, Tr(Str::kDroppedEvents, lang));
      ImGui::PopStyleColor();
    }
  } else {
    ImGui::TextDisabled("%s", Tr(Str::kNoRunYet, lang));
  }
  if (!notice_.empty() && now < notice_until_) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.warn));
    ImGui::TextWrapped("%s", notice_.c_str());
    ImGui::PopStyleColor();
  }
}

// A live run that got stuck says so in the status line as soon as it is found: a cycle of
// lock waits as it forms, or the stall the lesson's parent reported.
void App::DrawLiveStall(const ShownRun& run) {
  const Language lang = settings_.language;
  std::string what;
  if (!run.facts->stalls().empty()) what = ExplainStall(*run.facts, run.facts->stalls().back()).In(lang);
  else if (const std::optional<Deadlock> cycle = run.facts->FindDeadlock()) what = ExplainDeadlock(*run.facts, *cycle).In(lang);
  if (what.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.bad));
  ImGui::TextWrapped("%s: %s", Tr(Str::kStuckLive, lang), what.c_str());
  ImGui::PopStyleColor();
  live_stall_shown_ = true;
}

// ------------------------------------------------------------------------------------ views

std::vector<View*> App::LessonViews(const Lesson& current) const {
  // The lesson's own tabs, in its order; a lesson that declares none gets the generic ones.
  std::vector<View*> views;
  const std::span<const std::string_view> ids =
      current.views.empty() ? GenericViews() : std::span<const std::string_view>(current.views);
  for (std::string_view id : ids)
    if (View* view = FindView(id)) views.push_back(view);
  return views;
}

void App::DrawViews(const ImVec2& pos, const ImVec2& size) {
  const Language lang = settings_.language;
  PlacePane(pos, size);
  ImGui::Begin(WindowTitle(Str::kControls, lang).c_str(), nullptr, kPane);
  const Lesson& current = lesson();
  const ShownRun run = shown();
  ViewContext ctx{current, run, lang, fonts_, theme_};
  ctx.busy = run_busy();
  ctx.instant = automation_ && automation_->instant();
  const std::vector<View*> views = LessonViews(current);
  DrawControls(ctx, views);
  ImGui::Separator();
  if (views_lesson_ != &current) {  // a lesson just opened: show its first tab
    views_lesson_ = &current;
    if (!view_request_ && !views.empty()) view_request_ = std::string(views.front()->id());
  }
  if (ImGui::BeginTabBar("views")) {
    ctx.height = ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing() - ImGui::GetStyle().WindowPadding.y;
    bool requested_shown = false;
    for (View* view : views) {
      ImGuiTabItemFlags flags = 0;
      if (view_request_ && *view_request_ == view->id()) flags |= ImGuiTabItemFlags_SetSelected;
      const std::string label = std::string(view->Title(lang)) + "###tab:" + std::string(view->id());
      const bool open = ImGui::BeginTabItem(label.c_str(), nullptr, flags);
      Remember(rects, "tab:" + std::string(view->id()));
      if (!open) continue;
      shown_view_ = std::string(view->id());
      if (view_request_ && *view_request_ == view->id()) requested_shown = true;
      view->Draw(ctx);
      ImGui::EndTabItem();
    }
    // A request stays until its tab exists and is shown (--view before the first frame).
    if (requested_shown || (view_request_ && FindView(*view_request_) == nullptr)) view_request_.reset();
    ImGui::EndTabBar();
  }
  ImGui::End();
}

}  // namespace proclab::gui

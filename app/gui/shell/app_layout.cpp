// The panes of the main window, each a fixed ImGui window with a translated title and a stable
// id. Sections: top bar · lesson list · lesson text · code pane · controls · views.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cinttypes>
#include <cstdio>

#include "app/gui/markdown/markdown_view.hpp"
#include "app/gui/shell/app.hpp"
#include "app/gui/views/python_views.hpp"
#include "app/gui/shell/tab_row.hpp"
#include "app/gui/shell/try_buttons.hpp"
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

// The width a button with this label takes (the part after "###" is its id, not shown).
float ButtonWidth(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}

float CheckboxWidth(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

// The next item of a row goes beside the last one when all of it fits in the pane, else it
// starts the next line: a row of controls wraps at any scale instead of running off the edge.
void FlowSameLine(float next_w) {
  ImGui::SameLine();
  if (ImGui::GetCursorPosX() + next_w > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
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
  const float y0 = (em * 2.3f - ImGui::GetFrameHeight()) * 0.5f;
  ImGui::SetCursorPosY(y0);
  ImGui::PushFont(fonts_.bold);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme_.accent), "ProcLab");
  ImGui::PopFont();
  ImGui::SameLine(0, em);
  const Lesson& current = lesson();
  ImGui::PushFont(fonts_.bold);
  if (IsOwnProgram(current)) ImGui::Text("%s", std::string(current.title.In(lang)).c_str());
  else ImGui::Text("%d. %s", lesson_index_ + 1, std::string(current.title.In(lang)).c_str());
  ImGui::PopFont();
  const float title_end = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;

  // Right side: presenter mode, language, contrast, size, export, screenshot. They stay on the
  // title's line when they fit; else they flow onto the lines below, none cut.
  const char* presenter_label = Tr(presenter_ ? Str::kPresenterOff : Str::kPresenterOn, lang);
  const char* lang_label = Tr(Str::kLanguage, lang);
  const char* contrast = Tr(Str::kHighContrast, lang);
  const char* export_label = Tr(Str::kExportTrace, lang);
  const char* shot_label = Tr(Str::kScreenshot, lang);
  const char* open_label = Tr(Str::kOpenProgram, lang);
  const ImGuiStyle& style = ImGui::GetStyle();
  const auto button_w = ButtonWidth;
  const float contrast_w = CheckboxWidth(contrast);
  // Presenting, only what a speaker reaches for: leave, text size, screenshot.
  const float right_w = presenter_ ? button_w(presenter_label) + button_w("A-") + button_w("A+") + button_w(shot_label) +
                                         style.ItemSpacing.x * 3
                                   : button_w(open_label) + button_w(presenter_label) + button_w(lang_label) +
                                         contrast_w + button_w("A-") + button_w("A+") + button_w(export_label) +
                                         button_w(shot_label) + style.ItemSpacing.x * 7;
  const float line_end = ImGui::GetWindowContentRegionMax().x;
  const float x = line_end - right_w;
  const bool one_line = x > title_end + em;
  // The lesson's purpose, where it fits between the title and the buttons.
  const std::string purpose = "— " + std::string(current.purpose.In(lang));
  if (one_line && ImGui::CalcTextSize(purpose.c_str()).x < x - title_end - em * 1.6f) {
    ImGui::SameLine(title_end + em * 0.6f);
    ImGui::TextDisabled("%s", purpose.c_str());
  }
  bool first = true;
  auto place = [&](float w) {
    if (first && one_line) {
      ImGui::SameLine(x);  // else the title ended its line: the buttons start the next
    } else if (!first) {
      FlowSameLine(w);
    }
    first = false;
  };
  if (!presenter_) {
    place(button_w(open_label));
    if (ImGui::Button(open_label)) python_.ShowDialog();
    Remember(rects, "open_program", button_w(open_label));
  }
  place(button_w(presenter_label));
  if (ImGui::Button((std::string(presenter_label) + "###presenter").c_str())) SetPresenter(!presenter_);
  Remember(rects, "presenter", button_w(presenter_label));
  if (!presenter_) {
    place(button_w(lang_label));
    if (ImGui::Button(lang_label))
      SetLanguage(lang == Language::kEnglish ? Language::kChinese : Language::kEnglish);
    Remember(rects, "language", button_w(lang_label));
    place(contrast_w);
    bool high = settings_.high_contrast;
    if (ImGui::Checkbox(contrast, &high)) SetHighContrast(high);
    Remember(rects, "contrast", contrast_w);
  }
  place(button_w("A-"));
  if (ImGui::Button("A-")) ChangeScale(1 / 1.1f);
  Remember(rects, "smaller", button_w("A-"));
  place(button_w("A+"));
  if (ImGui::Button("A+")) ChangeScale(1.1f);
  Remember(rects, "bigger", button_w("A+"));
  if (!presenter_) {
    place(button_w(export_label));
    const bool can_export = last_result() != nullptr && !run_busy();
    if (!can_export) ImGui::BeginDisabled();
    if (ImGui::Button(export_label)) save_dialog_.Open(SaveDialog::Kind::kTrace, lesson().id);
    Remember(rects, "export", button_w(export_label));
    if (!can_export) ImGui::EndDisabled();
  }
  place(button_w(shot_label));
  if (ImGui::Button(shot_label)) save_dialog_.Open(SaveDialog::Kind::kScreenshot, lesson().id);
  Remember(rects, "screenshot", button_w(shot_label));
  top_bar_h_ = ImGui::GetCursorPosY() - style.ItemSpacing.y + y0;
  ImGui::End();
  save_dialog_.Draw(lang, theme_, rects, [this](SaveDialog::Kind kind, const std::string& path, std::string* error) {
    return Save(kind, path, error);
  });
  python_.DrawDialog(lang, theme_, rects, settings_.recent_programs, [this](const std::string& path) { return OpenProgram(path, false); });
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
    const bool selected = static_cast<int>(i) == lesson_index_ && !python_.own_open();
    if (ImGui::Selectable("##lesson", selected, 0, ImVec2(0, item_h)))
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
    LessonTryButtons buttons(*this, current, lang);
    DrawMarkdown(*text.doc, fonts_, theme_.markdown, &buttons);
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
  // A Python run's program first (a learner's own program has only that tab), then the lesson's
  // child code and its Python.
  const PythonPrograms::Source* source = python_.SourceFor(current);
  std::vector<std::string> labels, names;
  if (source != nullptr) {
    labels.push_back(std::string(Tr(Str::kProgramSource, lang)) + "###code:program");
    names.push_back("code:program");
  }
  if (!IsOwnProgram(current)) {
    labels.push_back(std::string(Tr(Str::kChildCode, lang)) + "###code:child");
    names.push_back("code:child");
    labels.push_back(std::string(Tr(Str::kPython, lang)) + "###code:python");
    names.push_back("code:python");
  }
  const int tab = code_tabs_.Draw("code_tabs", labels, names, -1, rects);
  if (tab >= 0) {
    auto code_tab = [&](std::string_view code, bool highlight_steps) {
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
    };
    const std::string_view child_code = LessonChildCode(current.id);
    if (names[static_cast<size_t>(tab)] == "code:program") {
      // A Python run's program, with the line each of its processes is on.
      const ShownRun run = shown();
      const ViewContext ctx{current, run, lang, fonts_, theme_};
      DrawPythonSource(ctx, source->path, source->text);
    } else if (names[static_cast<size_t>(tab)] == "code:child") {
      code_tab(child_code.empty() ? "// (no child code was cut from the lesson source)" : child_code, true);
    } else {
      code_tab(current.python.In(lang), false);
    }
  }
  ImGui::End();
}

// --------------------------------------------------------------------------------- controls

void App::DrawParams() {
  const Language lang = settings_.language;
  const Lesson& current = lesson();
  std::vector<int64_t>& values = params_of(current);
  run_pane_words.clear();
  const bool locked = run_busy();
  if (locked) ImGui::BeginDisabled();
  const float em = ImGui::GetFontSize();
  // One column for the labels (words, not the CLI's names): as wide as the widest, up to half the pane.
  float widest = 0;
  for (const ParamSpec& spec : current.params)
    widest = std::max(widest, ImGui::CalcTextSize(std::string(spec.label.In(lang)).c_str()).x);
  const float label_w = std::clamp(widest + ImGui::GetStyle().ItemSpacing.x * 2, em * 7.5f,
                                   std::max(em * 7.5f, ImGui::GetContentRegionAvail().x * 0.5f));
  for (size_t i = 0; i < current.params.size(); ++i) {
    const ParamSpec& spec = current.params[i];
    ImGui::PushID(static_cast<int>(i));
    const float room = ImGui::GetContentRegionAvail().x;
    const std::string name(spec.label.In(lang));
    run_pane_words.push_back(name);
    int64_t& value = values[i];
    const bool wide = spec.kind == ParamKind::kInt && spec.max - spec.min > 1000;
    const ImGuiStyle& style = ImGui::GetStyle();
    const float buttons_w = wide ? ImGui::CalcTextSize("÷10×10").x + style.FramePadding.x * 4 + 8 : 0;
    // The field beside its label when both fit, else under it (the label wrapped to the pane):
    // nothing runs off the pane.
    const float name_w = ImGui::CalcTextSize(name.c_str()).x;
    const bool beside = name_w + style.ItemSpacing.x <= label_w && label_w + em * 6 + buttons_w <= room;
    ImGui::AlignTextToFramePadding();
    if (beside) {
      ImGui::TextUnformatted(name.c_str());
    } else {
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + room);
      ImGui::TextWrapped("%s", name.c_str());
      ImGui::PopTextWrapPos();
    }
    // Its whole width when shown on one line, so the projector checks see a cut label.
    Remember(rects, "param-label:" + std::string(spec.name), beside || name_w <= room ? name_w : 0);
    HelpTooltip(std::string(spec.help.In(lang)).c_str());
    if (beside) ImGui::SameLine(label_w);
    const float field_room = (beside ? room - label_w : room) - buttons_w;
    ImGui::SetNextItemWidth(std::max(std::min(field_room, em * 16.0f), std::min(em * 6, field_room)));
    if (spec.kind == ParamKind::kChoice) {
      const std::string preview = spec.Shown(value, lang);
      run_pane_words.push_back(preview);
      if (ImGui::BeginCombo("##v", preview.c_str())) {
        for (size_t c = 0; c < spec.choices.size(); ++c) {
          if (ImGui::Selectable(spec.Shown(static_cast<int64_t>(c), lang).c_str(), value == static_cast<int64_t>(c)))
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
    const bool can = child.StateNow() == LaneState::kStepWait;
    const int number = run.python ? i : i + 1;  // a Python run's lane 1 is child 1 (lane 0: its main process)
    std::string label = std::string(Tr(Str::kStepChild, lang)) + " " + std::to_string(number) + ": " +
                        (child.pending_step == 1 ? Tr(Str::kStepWrite, lang) : Tr(Str::kStepRead, lang));
    if (!first) FlowSameLine(ButtonWidth(label.c_str()));
    first = false;
    ImGui::PushID(i);
    if (ColoredButton(label.c_str(), theme_.State(LaneState::kStepWait), can)) PostStep(i);
    Remember(rects, "step:" + std::to_string(number), ButtonWidth(label.c_str()));
    ImGui::PopID();
  }
}

void App::DrawControls(const ViewContext& ctx, const std::vector<View*>& views) {
  const Language lang = settings_.language;
  const Lesson& current = lesson();
  DrawParams();
  const bool busy = run_busy();
  run_row_y_ = ImGui::GetCursorPosY();
  // Step mode with a typed schedule runs it at once, as `--step` does; an empty one waits for clicks.
  std::vector<std::pair<int, char>>& schedule = typed_schedule_;
  schedule.clear();
  schedule_error_ = {};
  if (step_mode && current.steppable && schedule_text_[0] != '\0') {
    const ParamValues values = ParamsOf(current);
    const int children = current.step_children ? current.step_children(values) : 0;
    if (auto parsed = ParseStepSchedule(schedule_text_, children, &schedule_error_)) schedule = std::move(*parsed);
  }
  const std::string run_label = std::string(Tr(Str::kRun, lang)) + "###run";
  if (ColoredButton(run_label.c_str(), IM_COL32(46, 125, 50, 255), !busy && schedule_error_.en.empty()))
    StartRun(1, step_mode && current.steppable, schedule);
  Remember(rects, "run", ButtonWidth(run_label.c_str()));
  const std::string stop_label = std::string(Tr(Str::kStop, lang)) + "###stop";
  FlowSameLine(ButtonWidth(stop_label.c_str()));
  if (ColoredButton(stop_label.c_str(), IM_COL32(198, 40, 40, 255), busy)) StopRun();
  Remember(rects, "stop", ButtonWidth(stop_label.c_str()));
  const std::string reset_label = std::string(Tr(Str::kReset, lang)) + "###reset";
  FlowSameLine(ButtonWidth(reset_label.c_str()));
  if (busy) ImGui::BeginDisabled();
  if (ImGui::Button(reset_label.c_str())) {
    ResetRun();
    params_[std::string(current.id)] = ParamValues(current.params).raw();
  }
  Remember(rects, "reset", ButtonWidth(reset_label.c_str()));
  // Repeated trials only where a histogram shows them (the race lessons).
  if (std::find(current.views.begin(), current.views.end(), "trials") != current.views.end()) {
    const std::string trials_label = std::string(Tr(Str::kRunTrials, lang)) + "###trials";
    const float count_w = ImGui::GetFontSize() * 3.0f;
    FlowSameLine(ButtonWidth(trials_label.c_str()) + 4 + count_w);
    // How many: 100 trials at the defaults take ~105 s; the status line counts them and Stop ends the batch.
    if (ImGui::Button(trials_label.c_str())) StartRun(trial_count_, false);
    Remember(rects, "trials", ButtonWidth(trials_label.c_str()));
    ImGui::SameLine(0, 4);
    ImGui::SetNextItemWidth(count_w);
    ImGui::InputInt("##trial_count", &trial_count_, 0, 0);
    trial_count_ = std::clamp(trial_count_, 1, kMaxTrials);
    HelpTooltip(Tr(Str::kTrialCountHelp, lang));
    Remember(rects, "trial-count", count_w);
  }
  if (current.steppable) {
    const char* step_label = Tr(Str::kStepMode, lang);
    FlowSameLine(CheckboxWidth(step_label));
    ImGui::Checkbox(step_label, &step_mode);
    Remember(rects, "stepmode", CheckboxWidth(step_label));
    if (step_mode) {
      const float field_w = ImGui::GetFontSize() * 12;
      FlowSameLine(field_w);
      ImGui::SetNextItemWidth(field_w);
      ImGui::InputTextWithHint("##schedule", Tr(Str::kScheduleHint, lang), schedule_text_, sizeof schedule_text_);
      HelpTooltip(Tr(Str::kScheduleHelp, lang));
      Remember(rects, "schedule", field_w);
      if (!schedule_error_.en.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.bad));
        ImGui::TextWrapped("%s", schedule_error_.In(lang).c_str());
        ImGui::PopStyleColor();
      }
    }
  }
  if (busy) ImGui::EndDisabled();
  python_.DrawSwitch(current, lang, theme_, busy, rects);
  // Predict first: each of the lesson's views may ask the learner to guess before the run (of
  // the lesson's own numbers: a Python program's are its own).
  for (View* view : python_.runs_python(current) ? std::vector<View*>{} : views) {
    ImGui::PushID(view);
    view->DrawPrediction(ctx);
    Remember(rects, "predict:" + std::string(view->id()));
    ImGui::PopID();
  }
  const ShownRun run = shown();
  if (run.live && run.step_mode) {
    DrawStepButtons();
    const std::string finish_label = std::string(Tr(Str::kStepFinish, lang)) + "###finish";
    FlowSameLine(ButtonWidth(finish_label.c_str()));
    if (ImGui::Button(finish_label.c_str())) FinishSteps();
    Remember(rects, "finish", ButtonWidth(finish_label.c_str()));
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
    if (session_.stopping()) {
      // Said while it is true: Stop was pressed, but not every child is gone yet (under other
      // load the lowest-priority children can take seconds to be given the CPU to exit), and
      // how many are, so a wait of seconds is seen moving.
      if (run.live && run.facts->children() > 0) {
        char counted[200];
        std::snprintf(counted, sizeof counted, Tr(Str::kStoppingChildrenEnded, lang), run.ChildrenEnded(),
                      run.facts->children());
        ImGui::TextWrapped("%s", counted);
      } else {
        ImGui::TextWrapped("%s", Tr(Str::kStoppingChildren, lang));
      }
    } else if (trials > 1) {
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
    // How soon Stop took effect, from the run's own times (the stop asked for, each reaping).
    if (run.result->stopped && run.result->stop_ns != 0 && !stuck && !run.result->children.empty()) {
      ImGui::SameLine(0, 0);
      char ended[160];
      std::snprintf(ended, sizeof ended, Tr(Str::kChildrenEndedAfterStop, lang),
                    static_cast<int>(run.result->children.size()), run.result->StopToEndedMs());
      ImGui::TextWrapped(" · %s", ended);
    }
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

// ---------------------------------------------------------------------------------- caption

void App::DrawCaption() {
  // A script's `say`: large, over everything, across the bottom, wrapped to the window.
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImFont* font = fonts_.h2 != nullptr ? fonts_.h2 : ImGui::GetFont();
  const float size = font->FontSize;
  const float pad = size * 0.6f;
  const float wrap = display.x * 0.8f;
  const ImVec2 text = font->CalcTextSizeA(size, FLT_MAX, wrap, caption_.c_str());
  const ImVec2 min((display.x - text.x) * 0.5f - pad, display.y - text.y - pad * 3);
  const ImVec2 max(min.x + text.x + pad * 2, min.y + text.y + pad * 2);
  ImDrawList* draw = ImGui::GetForegroundDrawList();
  draw->AddRectFilled(min, max, IM_COL32(0, 0, 0, 220), pad * 0.5f);
  draw->AddText(font, size, ImVec2(min.x + pad, min.y + pad), IM_COL32(255, 255, 255, 255), caption_.c_str(), nullptr,
                wrap);
  rects["caption"] = Rect{min, max, ImVec2(0, 0), display};
}

// -------------------------------------------------------------------------------- splitters

float App::Splitter(const char* name, const ImVec2& pos, const ImVec2& size, bool vertical) {
  // A thin window of its own over the border between two panes (the panes never come to the
  // front), dragged with the mouse; the new size is saved when the drag ends.
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowMinSize, ImVec2(1, 1));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
  ImGui::Begin(name, nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground |
                                  ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoNav |
                                  ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoFocusOnAppearing);
  ImGui::InvisibleButton("##drag", size);
  float delta = 0;
  if (ImGui::IsItemHovered() || ImGui::IsItemActive()) {
    ImGui::SetMouseCursor(vertical ? ImGuiMouseCursor_ResizeEW : ImGuiMouseCursor_ResizeNS);
    const ImVec2 c = ImVec2(pos.x + size.x * 0.5f, pos.y + size.y * 0.5f);
    ImGui::GetWindowDrawList()->AddLine(vertical ? ImVec2(c.x, pos.y) : ImVec2(pos.x, c.y),
                                        vertical ? ImVec2(c.x, pos.y + size.y) : ImVec2(pos.x + size.x, c.y),
                                        theme_.accent, 3.0f);
  }
  if (ImGui::IsItemActive()) delta = vertical ? ImGui::GetIO().MouseDelta.x : ImGui::GetIO().MouseDelta.y;
  if (ImGui::IsItemDeactivated()) SaveSettings(config_dir_, settings_);
  Remember(rects, name);
  ImGui::End();
  ImGui::PopStyleVar(3);
  return delta;
}

void App::DrawSplitters(float top, float left_w, float text_w, float text_h) {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float grip = std::max(6.0f, std::round(ImGui::GetFontSize() * 0.4f));
  const float body_h = display.y - top;
  const float rest = display.x - left_w;
  if (const float dx = Splitter("##split:list", ImVec2(left_w - grip * 0.5f, top), ImVec2(grip, body_h), true))
    settings_.pane_list = std::clamp((left_w + dx) / display.x, 0.05f, 0.4f);
  if (const float dx = Splitter("##split:text", ImVec2(left_w + text_w - grip * 0.5f, top), ImVec2(grip, body_h), true))
    settings_.pane_text = std::clamp((text_w + dx) / rest, 0.1f, 0.85f);
  if (const float dy = Splitter("##split:code", ImVec2(left_w, top + text_h - grip * 0.5f), ImVec2(text_w, grip), false))
    settings_.pane_text_height = std::clamp((text_h + dy) / body_h, 0.1f, 0.9f);
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
  // Under Python a lesson's program writes to its console too: its tab after the first.
  if (python_.engine_python(current) && std::find(ids.begin(), ids.end(), "console") == ids.end())
    if (View* console = FindView("console")) views.insert(views.begin() + (views.empty() ? 0 : 1), console);
  return views;
}

void App::DrawViews(const ImVec2& pos, const ImVec2& size) {
  const Language lang = settings_.language;
  PlacePane(pos, size);
  // Presenting, the run pane needs no title: it is the whole window.
  ImGui::Begin(WindowTitle(Str::kControls, lang).c_str(), nullptr,
               kPane | (presenter_ ? ImGuiWindowFlags_NoTitleBar : 0));
  const Lesson& current = lesson();
  const ShownRun run = shown();
  ViewContext ctx{current, run, lang, fonts_, theme_};
  ctx.busy = run_busy();
  ctx.instant = automation_ && automation_->instant();
  const std::vector<View*> views = LessonViews(current);
  // The controls scroll in at most a part of the pane, so the lanes of a running lesson stay on
  // screen at any size and scale.
  const float pane_h = ImGui::GetContentRegionAvail().y;
  const float controls_max = std::floor(pane_h * 0.3f);
  // While a run is under way its parameters cannot change: they scroll away and the Run row,
  // the status and the step buttons stay, so the lanes get the room.
  const bool busy = run_busy();
  const float wanted_h = busy ? controls_h_ - run_row_y_ : controls_h_;
  const float controls_h = controls_h_ > 0 ? std::min(wanted_h, controls_max) : controls_max;
  ImGui::BeginChild("##controls", ImVec2(0, controls_h), false);
  if (busy) ImGui::SetScrollY(run_row_y_);
  DrawControls(ctx, views);
  controls_h_ = ImGui::GetCursorPosY() - ImGui::GetStyle().ItemSpacing.y + 1;
  ImGui::EndChild();
  Remember(rects, "controls");
  ImGui::Separator();
  if (views_lesson_ != &current) {  // a lesson just opened: show its first tab
    views_lesson_ = &current;
    if (!view_request_ && !views.empty()) view_request_ = std::string(views.front()->id());
  }
  std::vector<std::string> labels, names;
  int request = -1;
  for (View* view : views) {
    if (view_request_ && *view_request_ == view->id()) request = static_cast<int>(labels.size());
    labels.push_back(std::string(view->Title(lang)) + "###tab:" + std::string(view->id()));
    names.push_back("tab:" + std::string(view->id()));
  }
  const int shown = view_tabs_.Draw("views", labels, names, request, rects);
  bool requested_shown = false;
  if (shown >= 0) {
    View* view = views[static_cast<size_t>(shown)];
    shown_view_ = std::string(view->id());
    requested_shown = shown == request;
    // Where the view may draw: the projector checks hold it on screen and large enough.
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const ImVec2 room = ImGui::GetContentRegionAvail();
    const ImVec2 end(at.x + room.x, at.y + room.y);
    rects["view-area"] = Rect{at, end, at, end};
    ctx.height = room.y - ImGui::GetStyle().WindowPadding.y;
    view->Draw(ctx);
  }
  // A request stays until its tab exists and is shown (--view before the first frame).
  if (requested_shown || (view_request_ && FindView(*view_request_) == nullptr)) view_request_.reset();
  ImGui::End();
}

}  // namespace proclab::gui

// The panes of the main window, each a fixed ImGui window with a translated title and a stable
// id. Sections: top bar · lesson list · lesson text · code pane · controls · views.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "app/gui/markdown/markdown_view.hpp"
#include "app/gui/shell/app.hpp"
#include "app/gui/shell/save_path.hpp"
#include "core/trial_json.hpp"
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

void Remember(std::map<std::string, Rect>& rects, const std::string& name) {
  rects[name] = Rect{ImGui::GetItemRectMin(), ImGui::GetItemRectMax()};
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

std::string TimeStamp() {
  char text[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", std::localtime(&now));
  return text;
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
  const bool can_export = last_result_ != nullptr && !run_busy();
  if (!can_export) ImGui::BeginDisabled();
  if (ImGui::Button(export_label)) OpenSave(SaveKind::kTrace);
  Remember(rects, "export");
  if (!can_export) ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(shot_label)) OpenSave(SaveKind::kScreenshot);
  Remember(rects, "screenshot");
  ImGui::End();
  DrawSavePopup();
}

// ------------------------------------------------------------------------------- save popup

namespace {

// The folder a save starts in: the home folder when it can be written, else the working one.
std::string DefaultSaveDir() {
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0' && access(home, W_OK | X_OK) == 0) return home;
  std::error_code error;
  const std::filesystem::path cwd = std::filesystem::current_path(error);
  return error ? std::string(".") : cwd.string();
}

}  // namespace

void App::OpenSave(SaveKind kind) {
  const std::string ext = kind == SaveKind::kTrace ? ".json" : ".png";
  save_kind_ = kind;
  save_path_ = DefaultSaveDir() + "/proclab-" + std::string(lesson().id) + "-" + TimeStamp() + ext;
  save_error_.clear();
  save_open_ = true;
}

bool App::SaveTo(SaveKind kind, const std::string& path, std::string* error) {
  const Language lang = settings_.language;
  *error = SavePathProblem(path, lang);
  if (!error->empty()) return false;
  if (kind == SaveKind::kScreenshot) {
    // Taken two frames later, once the popup is gone from the picture.
    save_shot_frames_ = 2;
    return true;
  }
  std::string why;
  errno = 0;
  if (!ExportTrace(path, &why)) {
    *error = std::string(Tr(Str::kSaveFailed, lang)) + " " + path + (errno != 0 ? std::string(": ") + std::strerror(errno) : ": " + why);
    return false;
  }
  notice_ = std::string(Tr(Str::kSaved, lang)) + ": " + path + " (Perfetto / chrome://tracing)";
  notice_until_ = glfwGetTime() + 8;
  return true;
}

void App::DrawSavePopup() {
  const Language lang = settings_.language;
  if (save_shot_frames_ > 0 && --save_shot_frames_ == 0) RequestScreenshot(save_path_);
  if (save_open_ && !ImGui::IsPopupOpen("###save")) ImGui::OpenPopup("###save");
  const std::string title = std::string(Tr(save_kind_ == SaveKind::kTrace ? Str::kExportTrace : Str::kScreenshot, lang)) + "###save";
  const float em = ImGui::GetFontSize();
  ImGui::SetNextWindowSize(ImVec2(std::min(em * 40, ImGui::GetIO().DisplaySize.x * 0.9f), 0));
  ImGui::SetNextWindowPos(ImVec2(ImGui::GetIO().DisplaySize.x * 0.5f, ImGui::GetIO().DisplaySize.y * 0.4f),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) return;
  ImGui::TextUnformatted(Tr(Str::kSaveFile, lang));
  char buffer[2048];
  std::snprintf(buffer, sizeof buffer, "%s", save_path_.c_str());
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputText("##path", buffer, sizeof buffer)) {
    save_path_ = buffer;
    save_error_.clear();
  }
  Remember(rects, "save:path");
  std::error_code error;
  if (save_error_.empty() && std::filesystem::is_regular_file(save_path_, error))
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme_.warn), "%s", Tr(Str::kSaveOverwrite, lang));
  if (!save_error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.bad));
    ImGui::TextWrapped("%s", save_error_.c_str());
    ImGui::PopStyleColor();
  }
  if (ImGui::Button((std::string(Tr(Str::kSaveButton, lang)) + "###save_ok").c_str()) ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false)) {
    if (SaveTo(save_kind_, save_path_, &save_error_)) {
      save_open_ = false;
      ImGui::CloseCurrentPopup();
    }
  }
  Remember(rects, "save:ok");
  ImGui::SameLine();
  if (ImGui::Button((std::string(Tr(Str::kCancel, lang)) + "###save_cancel").c_str()) ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    save_open_ = false;
    ImGui::CloseCurrentPopup();
  }
  Remember(rects, "save:cancel");
  ImGui::EndPopup();
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
      ImGui::BeginChild("code", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
      ImGui::PushFont(fonts_.mono);
      // Step mode: mark the line each waiting child is about to run (its StepGate).
      std::vector<int> waiting(2, 0);  // how many children wait before a read, a write
      if (highlight_steps && run_step_mode_)
        for (int i = 0; i < model_.lanes(); ++i)
          if (model_.lane(i).step_wait && model_.lane(i).pending_step >= 0)
            ++waiting[static_cast<size_t>(std::min(model_.lane(i).pending_step, 1))];
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
  for (int i = 0; i < model_.lanes(); ++i) {
    const LaneModel& lane = model_.lane(i);
    if (lane.pending_step < 0) continue;  // a child without step gates (e.g. the array's)
    if (i > 0) ImGui::SameLine();
    const bool can = lane.step_wait && !lane.finished;
    std::string label = std::string(Tr(Str::kStepChild, lang)) + " " + std::to_string(i + 1) + ": " +
                        (lane.pending_step == 1 ? Tr(Str::kStepWrite, lang) : Tr(Str::kStepRead, lang));
    ImGui::PushID(i);
    if (ColoredButton(label.c_str(), theme_.State(LaneState::kStepWait), can)) PostStep(i);
    Remember(rects, "step:" + std::to_string(i + 1));
    ImGui::PopID();
  }
}

void App::DrawControls() {
  const Language lang = settings_.language;
  const Lesson& current = lesson();
  DrawParams();
  const bool busy = run_busy();
  if (ColoredButton((std::string(Tr(Str::kRun, lang)) + "###run").c_str(), IM_COL32(46, 125, 50, 255), !busy))
    StartRun(1, step_mode && current.steppable);
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
  if (std::find(current.views.begin(), current.views.end(), LessonView::kTrials) != current.views.end()) {
    ImGui::SameLine();
    if (ImGui::Button((std::string(Tr(Str::kRunTrials, lang)) + "###trials").c_str())) StartRun(100, false);
    Remember(rects, "trials");
  }
  if (current.steppable) {
    ImGui::SameLine();
    ImGui::Checkbox(Tr(Str::kStepMode, lang), &step_mode);
    Remember(rects, "stepmode");
  }
  if (busy) ImGui::EndDisabled();
  // Predict first: a guess of the counter's final value, compared after the run.
  if (current.steppable) {
    std::string& guess = guesses_[std::string(current.id)];
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%s", guess.c_str());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr(Str::kPredict, lang));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    if (ImGui::InputTextWithHint("##guess", Tr(Str::kYourGuess, lang), buffer, sizeof buffer,
                                 ImGuiInputTextFlags_CharsDecimal))
      guess = buffer;
    if (!guess.empty() && last_result_ && !busy && last_result_->lesson_id == current.id &&
        last_result_->outcome.contains("final") && last_result_->outcome["final"].is_number()) {
      const int64_t final_value = last_result_->outcome["final"].get<int64_t>();
      const int64_t diff = std::llabs(std::atoll(guess.c_str()) - final_value);
      ImGui::SameLine();
      if (diff == 0) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme_.good), "%s", Tr(Str::kGuessRight, lang));
      } else {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme_.warn), "%s %lld (%s %lld)",
                           Tr(Str::kGuessWrong, lang), static_cast<long long>(diff), Tr(Str::kFinal, lang),
                           static_cast<long long>(final_value));
      }
    }
  }
  // Predict first, queue lessons: the order the consumer will get the items in.
  const auto& views = current.views;
  if (std::find(views.begin(), views.end(), LessonView::kQueue) != views.end()) {
    std::string& guess = guesses_[std::string(current.id) + "/order"];
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, "%s", guess.c_str());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr(Str::kPredictOrder, lang));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 9, ImGui::GetFontSize() * 8));
    if (ImGui::InputTextWithHint("##order_guess", Tr(Str::kPredictOrderHint, lang), buffer, sizeof buffer))
      guess = buffer;
    Remember(rects, "predict:order");
    if (!guess.empty() && last_result_ && !busy && last_result_->lesson_id == current.id) {
      queue_view_.Rebuild(model_);  // the queue tab may not have been drawn since the run
      const OrderComparison cmp = CompareOrder(guess, queue_view_.DeliveredOrder());
      ImGui::SameLine();
      const bool all = cmp.parsed && cmp.same_position == cmp.actual.size() && cmp.guess.size() == cmp.actual.size();
      if (!cmp.parsed)
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme_.warn), "?");
      else
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(all ? theme_.good : theme_.warn), "%zu / %zu",
                           cmp.same_position, cmp.actual.size());
    }
  }
  if (busy && run_step_mode_) {
    DrawStepButtons();
    ImGui::SameLine();
    if (ImGui::Button((std::string(Tr(Str::kStepFinish, lang)) + "###finish").c_str()))
      runner_->PostStep(-1, 'r');  // the lesson runs the rest one child at a time
  }
  DrawStatus();
}

void App::DrawStatus() {
  const Language lang = settings_.language;
  const float now = static_cast<float>(glfwGetTime());
  if (!last_error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme_.bad));
    ImGui::TextWrapped("%s: %s", Tr(Str::kRunFailed, lang), last_error_.c_str());
    ImGui::PopStyleColor();
  } else if (run_busy()) {
    const int trials = runner_->trials();
    if (trials > 1)
      ImGui::Text("%s … %d / %d", Tr(Str::kRunning, lang), runner_->trial() + 1, trials);
    else
      ImGui::Text("%s … %.0f %s · %zu %s", Tr(Str::kRunning, lang),
                  model_.Ms(std::max(model_.last_ns(), model_.t0_ns())), Tr(Str::kMs, lang),
                  model_.events(), Tr(Str::kEvents, lang));
  } else if (last_result_) {
    ImGui::Text("%s · %.1f %s · %zu %s", last_result_->stopped ? Tr(Str::kStopped, lang) : Tr(Str::kFinished, lang),
                last_result_->Ms(last_result_->end_ns), Tr(Str::kMs, lang), model_.events(),
                Tr(Str::kEvents, lang));
    if (const uint64_t drops = last_result_->trace.drops(); drops > 0) {
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

// ------------------------------------------------------------------------------------ views

void App::DrawViews(const ImVec2& pos, const ImVec2& size) {
  const Language lang = settings_.language;
  PlacePane(pos, size);
  ImGui::Begin(WindowTitle(Str::kControls, lang).c_str(), nullptr, kPane);
  DrawControls();
  ImGui::Separator();
  const std::string& order_guess = guesses_[std::string(lesson().id) + "/order"];
  ViewContext ctx{model_, last_result_.get(), lesson(), lang, fonts_, theme_, run_busy()};
  ctx.instant = exit_after_screenshot_;
  ctx.order_guess = &order_guess;
  // The lesson's own tabs, in its order; a lesson that declares none gets the generic ones.
  static const std::vector<LessonView> kGeneric = {LessonView::kLanes, LessonView::kProcesses,
                                                   LessonView::kTrials, LessonView::kTranscript};
  const std::vector<LessonView>& views = lesson().views.empty() ? kGeneric : lesson().views;
  if (views_lesson_ != &lesson()) {  // a lesson just opened: show its first tab
    views_lesson_ = &lesson();
    if (!pending_view) tab_request = views.front();
  }
  if (ImGui::BeginTabBar("views")) {
    const float avail = ImGui::GetContentRegionAvail().y;
    for (const LessonView view : views) {
      static const std::map<LessonView, Str> kTitles = {
          {LessonView::kLanes, Str::kLanes},       {LessonView::kProcesses, Str::kProcesses},
          {LessonView::kShared, Str::kCounter},    {LessonView::kTrials, Str::kTrials},
          {LessonView::kQueue, Str::kQueue},       {LessonView::kPool, Str::kPool},
          {LessonView::kTranscript, Str::kTranscript}, {LessonView::kCosts, Str::kCosts}};
      ImGuiTabItemFlags flags = 0;
      if (tab_request && *tab_request == view) flags |= ImGuiTabItemFlags_SetSelected;
      const std::string label =
          std::string(Tr(kTitles.at(view), lang)) + "###tab" + std::to_string(static_cast<int>(view));
      const bool open = ImGui::BeginTabItem(label.c_str(), nullptr, flags);
      Remember(rects, "tab:" + std::to_string(static_cast<int>(view)));
      if (!open) continue;
      tab = view;
      if (pending_view && *pending_view == view) pending_view.reset();
      switch (view) {
        case LessonView::kLanes:
          lanes_.Draw(ctx, avail - ImGui::GetFrameHeightWithSpacing() - ImGui::GetStyle().WindowPadding.y);
          break;
        case LessonView::kProcesses: DrawProcessesTable(ctx); break;
        case LessonView::kShared: DrawSharedData(ctx); break;
        case LessonView::kQueue: queue_view_.Draw(ctx); break;
        case LessonView::kPool: pool_view_.Draw(ctx); break;
        case LessonView::kCosts: DrawCostsView(ctx); break;
        case LessonView::kTranscript: DrawTranscript(ctx); break;
        case LessonView::kTrials: {
          // This lesson's latest setting beside another lesson's counting the same thing (the
          // lock lessons beside shared-data), else this lesson's last two settings.
          const std::string id(lesson().id);
          std::vector<TrialSeries> shown;
          const auto& mine = series_[id];
          if (!mine.empty()) {
            const TrialSeries* other = nullptr;
            for (const Lesson* item : Curriculum()) {
              const auto& theirs = series_[std::string(item->id)];
              if (item->id != id && !theirs.empty() && theirs.back().field == mine.back().field) other = &theirs.back();
            }
            if (other != nullptr) shown = {*other, mine.back()};
            else shown.assign(mine.size() > 2 ? mine.end() - 2 : mine.begin(), mine.end());
          }
          DrawTrials(ctx, shown);
          break;
        }
      }
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  tab_request.reset();
  ImGui::End();
}

void App::DrawTranscript(const ViewContext& ctx) {
  if (ctx.result == nullptr) {
    ImGui::TextDisabled("%s", Tr(ctx.live ? Str::kRunning : Str::kNoRunYet, ctx.language));
    return;
  }
  std::vector<std::string> lines;
  if (ctx.lesson.transcript) ctx.lesson.transcript(*ctx.result, lines);
  ImGui::BeginChild("transcript");
  ImGui::PushFont(fonts_.mono);
  for (const std::string& line : lines) ImGui::TextWrapped("%s", line.c_str());
  for (const RunNote& note : ctx.result->notes)
    ImGui::TextWrapped("%s %s", ctx.T(Str::kNoteLabel), note.In(ctx.language).c_str());
  ImGui::PopFont();
  ImGui::EndChild();
}

}  // namespace proclab::gui

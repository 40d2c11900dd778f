#include "app/gui/shell/open_program.hpp"

#include <imgui.h>

#include <algorithm>
#include <filesystem>

#include "app/gui/shell/ui_strings.hpp"
#include "core/python_program.hpp"

namespace proclab::gui {
namespace {
void Tooltip(const char* text) {
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24.0f);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}
}  // namespace

bool PythonPrograms::Open(const std::string& path, Language language) {
  ProgramCheck check = CheckPythonProgram(path);
  if (!check.ok()) {
    error_ = check.Text(path).In(language);
    return false;
  }
  error_.clear();
  open_ = true;
  path_ = path;
  own_ = {path, std::move(check.source)};
  return true;
}

bool PythonPrograms::engine_python(const Lesson& lesson) const {
  const auto it = engines_.find(std::string(lesson.id));
  return it != engines_.end() && it->second;
}

void PythonPrograms::SetEngine(const Lesson& lesson, bool python) { engines_[std::string(lesson.id)] = python; }

const PythonPrograms::Source* PythonPrograms::SourceFor(const Lesson& lesson) {
  if (IsOwnProgram(lesson)) return open_ ? &own_ : nullptr;
  if (!engine_python(lesson)) return nullptr;
  auto it = lesson_sources_.find(std::string(lesson.id));
  if (it == lesson_sources_.end()) {
    const std::string path = LessonProgramPath(lesson);
    ProgramCheck check = CheckPythonProgram(path);
    it = lesson_sources_.emplace(std::string(lesson.id), Source{path, check.ok() ? std::move(check.source) : ""}).first;
  }
  return &it->second;
}

std::optional<PythonRequest> PythonPrograms::RequestFor(const Lesson& lesson, const ParamValues& params) const {
  if (IsOwnProgram(lesson)) {
    if (!open_) return std::nullopt;
    return PythonRequest{.program = path_, .lines = lines};
  }
  if (!engine_python(lesson)) return std::nullopt;
  return LessonPythonRequest(lesson, params, lines);
}

void PythonPrograms::ShowDialog() {
  dialog_ = true;
  dialog_error_.clear();
  if (typed_.empty() && open_) typed_ = path_;
}

void PythonPrograms::Dropped(int count, const char** paths) {
  if (count > 0 && paths[0] != nullptr) dropped_ = std::string(paths[0]);
}

std::optional<std::string> PythonPrograms::TakeDropped() {
  std::optional<std::string> path = std::move(dropped_);
  dropped_.reset();
  return path;
}

void PythonPrograms::DrawDialog(Language lang, const Theme& theme, WidgetRects& rects, const std::vector<std::string>& recent,
                                const std::function<bool(const std::string&)>& open) {
  if (dialog_ && !ImGui::IsPopupOpen("###open_program")) ImGui::OpenPopup("###open_program");
  const std::string title = std::string(Tr(Str::kOpenProgramTitle, lang)) + "###open_program";
  const float em = ImGui::GetFontSize();
  ImGui::SetNextWindowSize(ImVec2(std::min(em * 42, ImGui::GetIO().DisplaySize.x * 0.9f), 0));
  ImGui::SetNextWindowPos(ImVec2(ImGui::GetIO().DisplaySize.x * 0.5f, ImGui::GetIO().DisplaySize.y * 0.4f),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) return;
  auto try_open = [&](const std::string& path) {
    if (open(path)) {
      dialog_ = false;
      dialog_error_.clear();
      ImGui::CloseCurrentPopup();
    } else {
      dialog_error_ = error_;  // said once, in words; nothing was started
    }
  };
  char buffer[4096];
  std::snprintf(buffer, sizeof buffer, "%s", typed_.c_str());
  ImGui::SetNextItemWidth(-1);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  if (ImGui::InputTextWithHint("##program_path", Tr(Str::kProgramPath, lang), buffer, sizeof buffer)) {
    typed_ = buffer;
    dialog_error_.clear();
  }
  Remember(rects, "open:path");
  if (!dialog_error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
    ImGui::TextWrapped("%s", dialog_error_.c_str());
    ImGui::PopStyleColor();
  }
  if (ImGui::Button((std::string(Tr(Str::kOpenButton, lang)) + "###open_ok").c_str()) ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false))
    try_open(typed_);
  Remember(rects, "open:ok");
  ImGui::SameLine();
  const bool cancel = ImGui::Button((std::string(Tr(Str::kCancel, lang)) + "###open_cancel").c_str());
  Remember(rects, "open:cancel");
  if (cancel || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    dialog_ = false;
    dialog_error_.clear();
    ImGui::CloseCurrentPopup();
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.dim));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(Tr(Str::kDropHint, lang));
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  if (!recent.empty()) {
    ImGui::Separator();
    ImGui::TextUnformatted(Tr(Str::kRecentPrograms, lang));
    for (size_t i = 0; i < recent.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      std::error_code error;
      const bool exists = std::filesystem::is_regular_file(recent[i], error);
      if (!exists) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.dim));
      if (ImGui::Selectable(recent[i].c_str())) {
        typed_ = recent[i];
        try_open(recent[i]);
      }
      if (!exists) ImGui::PopStyleColor();
      Remember(rects, "open:recent:" + std::to_string(i));
      ImGui::PopID();
    }
  }
  ImGui::EndPopup();
}

void PythonPrograms::DrawSwitch(const Lesson& lesson, Language lang, const Theme& theme, bool busy, WidgetRects& rects) {
  if (busy) ImGui::BeginDisabled();
  if (!IsOwnProgram(lesson)) {
    bool python = engine_python(lesson);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr(Str::kEngine, lang));
    ImGui::SameLine();
    if (ImGui::RadioButton(Tr(Str::kEngineCpp, lang), !python)) SetEngine(lesson, false);
    Remember(rects, "engine:cpp");
    ImGui::SameLine();
    if (ImGui::RadioButton(Tr(Str::kEnginePython, lang), python)) SetEngine(lesson, true);
    Remember(rects, "engine:python");
    Tooltip(Tr(Str::kEngineHelp, lang));
  }
  if (runs_python(lesson)) {
    if (!IsOwnProgram(lesson)) ImGui::SameLine();
    ImGui::Checkbox(Tr(Str::kTraceLines, lang), &lines);
    Remember(rects, "lines");
    Tooltip(Tr(Str::kTraceLinesHelp, lang));
  }
  if (busy) ImGui::EndDisabled();
  if (IsOwnProgram(lesson)) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", path_.c_str());
  } else if (engine_python(lesson)) {
    if (LessonProgramPath(lesson).empty() || SourceFor(lesson)->text.empty()) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.warn), "%s", Tr(Str::kNoLessonProgram, lang));
    } else if (const std::vector<std::string> without = ParamsWithoutPython(lesson); !without.empty()) {
      std::string names;
      for (const std::string& name : without) names += (names.empty() ? "" : ", ") + name;
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.dim));
      ImGui::TextWrapped("%s %s", Tr(Str::kParamsNoPython, lang), names.c_str());
      ImGui::PopStyleColor();
    }
  }
}

}  // namespace proclab::gui

#include "app/gui/shell/save_dialog.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "app/gui/shell/save_path.hpp"
#include "app/gui/shell/ui_strings.hpp"

namespace proclab::gui {
namespace {

// The folder a save starts in: the home folder when it can be written, else the working one.
std::string DefaultSaveDir() {
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0' && access(home, W_OK | X_OK) == 0) return home;
  std::error_code error;
  const std::filesystem::path cwd = std::filesystem::current_path(error);
  return error ? std::string(".") : cwd.string();
}

std::string TimeStamp() {
  char text[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", std::localtime(&now));
  return text;
}

}  // namespace

void SaveDialog::Open(Kind kind, std::string_view lesson_id) {
  kind_ = kind;
  path_ = DefaultSaveDir() + "/proclab-" + std::string(lesson_id) + "-" + TimeStamp() +
          (kind == Kind::kTrace ? ".json" : ".png");
  error_.clear();
  open_ = true;
}

bool SaveDialog::Save(Language lang, const Saver& save) {
  error_ = SavePathProblem(path_, lang);
  if (!error_.empty()) return false;
  if (kind_ == Kind::kScreenshot) {
    shot_frames_ = 2;  // taken once the popup is gone from the picture
    return true;
  }
  return save(kind_, path_, &error_);
}

void SaveDialog::Draw(Language lang, const Theme& theme, WidgetRects& rects, const Saver& save) {
  if (shot_frames_ > 0 && --shot_frames_ == 0) {
    std::string ignored;
    save(Kind::kScreenshot, path_, &ignored);
  }
  if (open_ && !ImGui::IsPopupOpen("###save")) ImGui::OpenPopup("###save");
  const std::string title = std::string(Tr(kind_ == Kind::kTrace ? Str::kExportTrace : Str::kScreenshot, lang)) + "###save";
  const float em = ImGui::GetFontSize();
  ImGui::SetNextWindowSize(ImVec2(std::min(em * 40, ImGui::GetIO().DisplaySize.x * 0.9f), 0));
  ImGui::SetNextWindowPos(ImVec2(ImGui::GetIO().DisplaySize.x * 0.5f, ImGui::GetIO().DisplaySize.y * 0.4f),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) return;
  ImGui::TextUnformatted(Tr(Str::kSaveFile, lang));
  char buffer[2048];
  std::snprintf(buffer, sizeof buffer, "%s", path_.c_str());
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputText("##path", buffer, sizeof buffer)) set_path(buffer);
  Remember(rects, "save:path");
  std::error_code error;
  if (error_.empty() && std::filesystem::is_regular_file(path_, error))
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.warn), "%s", Tr(Str::kSaveOverwrite, lang));
  if (!error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
    ImGui::TextWrapped("%s", error_.c_str());
    ImGui::PopStyleColor();
  }
  if (ImGui::Button((std::string(Tr(Str::kSaveButton, lang)) + "###save_ok").c_str()) ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false)) {
    if (Save(lang, save)) {
      open_ = false;
      ImGui::CloseCurrentPopup();
    }
  }
  Remember(rects, "save:ok");
  ImGui::SameLine();
  if (ImGui::Button((std::string(Tr(Str::kCancel, lang)) + "###save_cancel").c_str()) ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    open_ = false;
    ImGui::CloseCurrentPopup();
  }
  Remember(rects, "save:cancel");
  ImGui::EndPopup();
}

}  // namespace proclab::gui

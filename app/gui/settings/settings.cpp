#include "app/gui/settings/settings.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace proclab::gui {

const char* LanguageCode(Language language) {
  return language == Language::kChinese ? "zh-CN" : "en";
}

bool ParseLanguage(const std::string& text, Language* language) {
  if (text == "en") *language = Language::kEnglish;
  else if (text == "zh-CN" || text == "zh" || text == "zh_CN") *language = Language::kChinese;
  else return false;
  return true;
}

std::string ConfigDir(std::string* problem) {
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && xdg[0] == '/')
    base = xdg;
  else if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0')
    base = std::filesystem::path(home) / ".config";
  auto fail = [&](const std::string& why) {
    if (problem != nullptr) *problem = "settings are not saved: " + why;
    return std::string();
  };
  if (base.empty()) return fail("neither XDG_CONFIG_HOME nor HOME is set");
  const std::filesystem::path dir = base / "proclab";
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return fail("cannot create " + dir.string() + ": " + error.message());
  // An existing directory may still be read-only.
  if (access(dir.c_str(), W_OK) != 0)
    return fail("cannot write to " + dir.string() + ": " + std::strerror(errno));
  return dir.string();
}

Settings LoadSettings(const std::string& dir) {
  Settings settings;
  if (dir.empty()) return settings;
  std::ifstream in(std::filesystem::path(dir) / "settings.ini");
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos || line.starts_with("#")) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    if (key == "language") {
      ParseLanguage(value, &settings.language);
    } else if (key == "scale") {
      const float scale = std::strtof(value.c_str(), nullptr);
      if (scale >= 0.5f && scale <= 4.0f) {
        settings.scale = scale;
        settings.scale_saved = true;
      }
    } else if (key == "high_contrast") {
      settings.high_contrast = value == "1";
    } else if (key == "pane_list" || key == "pane_text" || key == "pane_text_height") {
      const float fraction = std::strtof(value.c_str(), nullptr);
      float& pane = key == "pane_list"   ? settings.pane_list
                    : key == "pane_text" ? settings.pane_text
                                         : settings.pane_text_height;
      if (fraction > 0.02f && fraction < 0.98f) pane = fraction;  // else a hand-edited value: the default
    } else if (key == "last_lesson") {
      settings.last_lesson = value;
    } else if (key == "recent_program") {  // one line each: a path may hold any character but a newline
      if (!value.empty() && settings.recent_programs.size() < 16) settings.recent_programs.push_back(value);
    } else if (key == "lessons_run") {
      std::istringstream ids(value);
      std::string id;
      while (std::getline(ids, id, ','))
        if (!id.empty()) settings.lessons_run.insert(id);
    }
  }
  return settings;
}

bool SaveSettings(const std::string& dir, const Settings& settings) {
  if (dir.empty()) return false;
  const std::filesystem::path path = std::filesystem::path(dir) / "settings.ini";
  const std::filesystem::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << "# ProcLab settings\n";
    out << "language=" << LanguageCode(settings.language) << '\n';
    if (settings.scale_saved) out << "scale=" << settings.scale << '\n';  // else: from the screen
    out << "high_contrast=" << (settings.high_contrast ? 1 : 0) << '\n';
    out << "pane_list=" << settings.pane_list << '\n';
    out << "pane_text=" << settings.pane_text << '\n';
    out << "pane_text_height=" << settings.pane_text_height << '\n';
    out << "last_lesson=" << settings.last_lesson << '\n';
    out << "lessons_run=";
    bool first = true;
    for (const std::string& id : settings.lessons_run) {
      out << (first ? "" : ",") << id;
      first = false;
    }
    out << '\n';
    for (const std::string& path : settings.recent_programs)
      if (path.find('\n') == std::string::npos) out << "recent_program=" << path << '\n';
    if (!out) return false;
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  return !error;
}

}  // namespace proclab::gui

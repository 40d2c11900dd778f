#include "app/gui/shell/lesson_texts.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace proclab::gui {

std::string AssetsDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("PROCLAB_ASSETS"); env != nullptr && env[0] != '\0')
    return env;
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "proclab" / "assets";
    if (fs::is_directory(installed / "lessons", error)) return installed.string();
  }
  return PROCLAB_ASSETS_DIR;
}

std::string LessonTextPath(const std::string& assets, std::string_view id, Language language) {
  return assets + "/lessons/" + (language == Language::kChinese ? "zh-CN" : "en") + "/" +
         std::string(id) + ".md";
}

LessonText LoadLessonText(const std::string& assets, std::string_view id, Language language) {
  LessonText text;
  const std::string path = LessonTextPath(assets, id, language);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    text.error = "cannot read " + path;
    return text;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  text.raw = bytes.str();
  std::string error;
  text.doc = ParseMarkdown(text.raw, &error);
  if (!text.doc) text.error = path + ": " + error;
  return text;
}

}  // namespace proclab::gui

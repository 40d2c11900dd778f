#include "app/gui/shell/save_path.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "app/gui/shell/ui_strings.hpp"

namespace proclab::gui {

std::string SavePathProblem(const std::string& path, Language lang) {
  namespace fs = std::filesystem;
  if (path.empty()) return Tr(Str::kSaveFailed, lang);
  std::error_code error;
  const fs::path file(path);
  if (fs::is_directory(file, error)) return std::string(Tr(Str::kSaveIsFolder, lang)) + ": " + path;
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, error)) return std::string(Tr(Str::kSaveNoFolder, lang)) + ": " + dir.string();
  if (access(dir.c_str(), W_OK | X_OK) != 0 || (fs::exists(file, error) && access(path.c_str(), W_OK) != 0))
    return std::string(Tr(Str::kSaveNotWritable, lang)) + ": " + dir.string() + " (" + std::strerror(errno) + ")";
  return {};
}

}  // namespace proclab::gui

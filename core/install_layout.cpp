#include "core/install_layout.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

namespace proclab {
namespace {

namespace fs = std::filesystem;

// The install prefix of a program in `exe_dir`: exe_dir without its trailing BINDIR ("bin"), or
// exe_dir's parent when BINDIR is not its tail (or is absolute).
fs::path PrefixOf(const fs::path& exe_dir) {
  const fs::path bindir_path = PROCLAB_INSTALL_BINDIR;
  const std::vector<fs::path> dir(exe_dir.begin(), exe_dir.end());
  const std::vector<fs::path> bindir(bindir_path.begin(), bindir_path.end());
  if (bindir_path.is_relative() && bindir.size() < dir.size() &&
      std::equal(bindir.rbegin(), bindir.rend(), dir.rbegin())) {
    fs::path prefix;
    for (size_t i = 0; i + bindir.size() < dir.size(); ++i) prefix /= dir[i];
    return prefix;
  }
  return exe_dir.parent_path();
}

// Programs side by side in build/bin, the data in the source tree.
InstallLayout BuildTreeLayout(const fs::path& exe_dir) {
  const fs::path source = PROCLAB_SOURCE_DIR;
  return {.installed = false,
          .worker = exe_dir / "proclab-worker",
          .assets_dir = source / "assets",
          .bench_script = source / "bench" / "compare_python.py",
          .python_dir = exe_dir.parent_path() / "python",
          .python_programs = source / "assets" / "python"};
}

}  // namespace

InstallLayout LayoutFor(const fs::path& exe) {
  const fs::path exe_dir = exe.parent_path();
  const fs::path prefix = PrefixOf(exe_dir);
  // operator/ keeps an absolute install directory as it is (found, though not relocatable).
  const fs::path data = prefix / PROCLAB_INSTALL_DATADIR / "proclab";
  std::error_code error;
  if (!fs::is_directory(data, error)) return BuildTreeLayout(exe_dir);
  return {.installed = true,
          .worker = prefix / PROCLAB_INSTALL_LIBEXECDIR / "proclab" / "proclab-worker",
          .assets_dir = data,
          .bench_script = data / "compare_python.py",
          .python_dir = data / "python",
          .python_programs = data / "programs"};
}

const InstallLayout& ThisInstall() {
  static const InstallLayout layout = [] {
    std::error_code error;
    const fs::path exe = fs::read_symlink("/proc/self/exe", error);
    // Without /proc: the build tree's data, and a worker named without a directory.
    InstallLayout found = error ? BuildTreeLayout({}) : LayoutFor(exe);
    if (const char* env = std::getenv("PROCLAB_ASSETS"); env != nullptr && env[0] != '\0')
      found.assets_dir = env;
    if (const char* env = std::getenv("PROCLAB_BENCH_SCRIPT"); env != nullptr && env[0] != '\0')
      found.bench_script = env;
    return found;
  }();
  return layout;
}

fs::path LessonTextFile(const fs::path& assets_dir, std::string_view id, Language language) {
  return assets_dir / "lessons" / (language == Language::kChinese ? "zh-CN" : "en") /
         (std::string(id) + ".md");
}

}  // namespace proclab

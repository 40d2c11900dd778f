#include "core/python_program.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/install_layout.hpp"

namespace proclab {

size_t FirstNonUtf8(const std::string& text) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t least = 0;
    if ((c & 0xe0) == 0xc0) length = 2, least = 0x80;
    else if ((c & 0xf0) == 0xe0) length = 3, least = 0x800;
    else if ((c & 0xf8) == 0xf0) length = 4, least = 0x10000;
    else return i;
    if (i + length > n) return i;
    uint32_t point = c & (0xffu >> (length + 1));
    for (size_t k = 1; k < length; ++k) {
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xc0) != 0x80) return i;
      point = (point << 6) | (d & 0x3f);
    }
    if (point < least || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return i;
    i += length;
  }
  return std::string::npos;
}

ProgramCheck CheckPythonProgram(const std::string& path) {
  ProgramCheck check;
  auto fail = [&](ProgramProblem problem, int error = 0) {
    check.problem = problem;
    if (error != 0) check.detail = std::strerror(error);
    check.source.clear();
    return check;
  };
  if (path.empty()) return fail(ProgramProblem::kEmptyPath);
  struct stat info;
  if (stat(path.c_str(), &info) != 0)
    return errno == ENOENT ? fail(ProgramProblem::kMissing) : fail(ProgramProblem::kStatFailed, errno);
  if (S_ISDIR(info.st_mode)) return fail(ProgramProblem::kDirectory);
  if (!S_ISREG(info.st_mode)) return fail(ProgramProblem::kNotRegular);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ProgramProblem::kUnreadable, errno);
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      check.source.append(buffer, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      const int error = n < 0 ? errno : 0;
      close(fd);
      if (error != 0) return fail(ProgramProblem::kReadFailed, error);
      break;
    }
  }
  const size_t bad = FirstNonUtf8(check.source);
  if (bad != std::string::npos) {
    const size_t line = static_cast<size_t>(std::count(check.source.begin(), check.source.begin() + static_cast<long>(bad), '\n')) + 1;
    fail(ProgramProblem::kNotUtf8);
    check.line = line;
  }
  return check;
}

Sentence ProgramCheck::Text(const std::string& path) const {
  const std::string en = "cannot trace " + path + ": ";
  const std::string zh = "无法追踪 " + path + "：";
  const std::string why = detail.empty() ? "" : " (" + detail + ")";
  switch (problem) {
    case ProgramProblem::kNone: return {};
    case ProgramProblem::kEmptyPath: return {"no program given: type the path of a .py file", "未给出程序：请输入 .py 文件的路径"};
    case ProgramProblem::kMissing: return {en + "no such file", zh + "没有这个文件"};
    case ProgramProblem::kStatFailed: return {en + detail, zh + detail};
    case ProgramProblem::kDirectory: return {en + "it is a directory, not a Python program", zh + "这是一个目录，不是 Python 程序"};
    case ProgramProblem::kNotRegular: return {en + "not a regular file", zh + "不是普通文件"};
    case ProgramProblem::kUnreadable: return {en + "it cannot be read" + why, zh + "无法读取它" + why};
    case ProgramProblem::kReadFailed: return {en + "reading it failed" + why, zh + "读取失败" + why};
    case ProgramProblem::kNotUtf8:
      return {en + "it is not UTF-8 text (line " + std::to_string(line) + ")",
              zh + "它不是 UTF-8 文本（第 " + std::to_string(line) + " 行）"};
  }
  return {};
}

std::string LessonProgramPath(const Lesson& lesson) {
  std::string dir = ThisInstall().python_programs.string();
  if (const char* env = std::getenv("PROCLAB_PROGRAMS_DIR"); env != nullptr && *env != '\0') dir = env;
  if (dir.empty()) return {};
  const std::string file = lesson.id == "queue" ? "queues" : std::string(lesson.id);
  return dir + "/" + file + ".py";
}

std::vector<std::string> DeclaredParams(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  for (int n = 0; n < 40 && std::getline(file, line); ++n) {
    const std::string key = "# proclab-params:";
    if (!line.starts_with(key)) continue;
    std::istringstream words(line.substr(key.size()));
    std::vector<std::string> names;
    for (std::string word; words >> word;) names.push_back(word);
    return names;
  }
  return {};
}

}  // namespace proclab

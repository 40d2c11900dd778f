// A Python program before it runs: is it a file ProcLab can run (one reason in words if not, in
// both languages: the CLI says it in English, the GUI in the learner's language), and where a
// lesson's own program is with the arguments its parameters become. Shared by `proclab-cli
// trace` / `run --engine python` and the GUI's "Open a Python program" and engine switch.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/language.hpp"
#include "core/lesson_model.hpp"

namespace proclab {

enum class ProgramProblem {
  kNone,
  kEmptyPath,
  kMissing,      // no such file (or a directory on the way is missing)
  kStatFailed,   // another reason stat() gave (detail: strerror)
  kDirectory,
  kNotRegular,   // a device, a socket, a FIFO
  kUnreadable,   // open() failed (detail: strerror)
  kReadFailed,   // read() failed (detail: strerror)
  kNotUtf8,      // at `line`
};

struct ProgramCheck {
  ProgramProblem problem = ProgramProblem::kNone;
  std::string detail;  // the system's reason, where there is one
  size_t line = 0;     // kNotUtf8: the first line that is not UTF-8
  std::string source;  // the program's text, when it could be read
  bool ok() const { return problem == ProgramProblem::kNone; }
  // "cannot trace race.py: it is a directory, not a Python program", in both languages.
  Sentence Text(const std::string& path) const;
};

// Reads `path` and checks it is a regular file of UTF-8 text. Nothing is started.
ProgramCheck CheckPythonProgram(const std::string& path);
// The first byte offset that is not UTF-8 (overlong forms and surrogates included), or npos.
size_t FirstNonUtf8(const std::string& text);

// A lesson's own Python program: assets/python/<id>.py (queue's is queues.py: a queue.py beside
// the program would stand in for the standard library's module), $PROCLAB_PROGRAMS_DIR first.
std::string LessonProgramPath(const Lesson& lesson);
// The parameters a lesson's program takes, from its line "# proclab-params: a b c".
std::vector<std::string> DeclaredParams(const std::string& program_path);

}  // namespace proclab

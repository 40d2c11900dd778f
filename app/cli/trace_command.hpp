// proclab-cli trace PROGRAM.py [-- ARGS...]: a real Python program under ProcLab's tracer, and
// proclab-cli run <lesson> --engine python: a lesson's own Python program the same way.
#pragma once
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/lesson_model.hpp"

namespace proclab {

struct TraceRequest {
  std::string program;
  std::vector<std::string> args;
  bool json = false;
  std::string trials_text = "1";
  std::string step_text;
  std::string lines_text = "on";
  std::string trace_out;
  std::string lanes_text = "64";
  std::string python = "python3";
  Language language = Language::kEnglish;  // of the messages about bad input (--lang)
  // --engine python: the lesson whose program this is (its id and parameters go in the JSON).
  const Lesson* lesson = nullptr;
  const ParamValues* params = nullptr;
};

// `text` as a whole number in min..max, or nullopt.
std::optional<int64_t> ParseWhole(const std::string& text, int64_t min, int64_t max);

// Runs the request and returns proclab-cli's exit status: the program's own (128 + signal if
// it was killed, 130 after Ctrl-C), 2 for bad input (one line on stderr, nothing started), 127
// when there is no python3, 1 when the run could not start.
int RunTrace(const TraceRequest& request, const std::atomic<int>& stop_signal);

// --engine python: the lesson's program (assets/python/<id>.py) and the arguments its
// parameters become; false, with a one-line reason, when a parameter given has no Python
// equivalent or the program is missing.
bool LessonProgram(const Lesson& lesson, const ParamValues& params,
                   const std::vector<std::string>& given, TraceRequest* request, std::string* error);

}  // namespace proclab

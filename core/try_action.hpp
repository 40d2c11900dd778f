// A "Try this" item's machine-readable form. A lesson text writes it as an inline code span that
// starts with `try:`, after the item's words:
//
//   `try: window-us=0 iterations=1000000 sleep-ms=0 run`   set these, the others to their
//                                                          defaults, and run once
//   `try: trials 20`                                       the defaults, 20 trials
//   `try: step 1r,2r,1w,2w`                                step mode, this schedule
//   `try: order=same`                                      set only
//
// The GUI draws each as a button that does what it says (app/gui/markdown); the terminal shows
// the same as a `proclab-cli run ...` command (TerminalLessonText). Both start from the lesson's
// defaults, so the button and the command run the same thing.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/lesson_model.hpp"

namespace proclab {

// With its space: a code span of Python's own `try:` is not a marker.
inline constexpr std::string_view kTryPrefix = "try: ";

struct TryAction {
  enum class Then : uint8_t { kSet, kRun, kTrials, kStep };
  std::vector<std::pair<std::string, std::string>> settings;  // --name, value as typed, in order
  Then then = Then::kSet;
  int trials = 0;        // kTrials: how many
  std::string schedule;  // kStep: "1r,2r,1w,2w"

  bool operator==(const TryAction&) const = default;
};

// Parses a marker (the code span's text, `try:` included) and checks it against the lesson: known
// parameters, values in range, each set once, a schedule its children can take, trials only where
// the lesson shows them. Nullopt and a one-line reason otherwise.
std::optional<TryAction> ParseTryAction(std::string_view marker, const Lesson& lesson, std::string* error);

// The lesson's defaults with the item's settings applied.
ParamValues TryParams(const Lesson& lesson, const TryAction& action);

// "proclab-cli run pool --task slow --delay-ms 200 --chunksize 10" (+ --trials N / --step S).
std::string TryCommand(const Lesson& lesson, const TryAction& action);

// The markers of a lesson text, in order: each code span that starts with `try:` (its text).
std::vector<std::string> FindTryMarkers(std::string_view markdown);

// The lesson text for a terminal: each marker becomes its command (`proclab-cli run ...`); a
// marker that does not parse is left as it is.
std::string TerminalLessonText(std::string_view markdown, const Lesson& lesson);

}  // namespace proclab

// Shared data: the counter (value, expected, lost updates), the array (a bar per element,
// expected vs actual, lost per element), each child's last read and write in step mode, and the
// lost updates in words — from the shown run's slot facts, or after the run from the race
// lesson's outcome. Its predict-first widget: a guess of the counter's final value.
#pragma once
#include <map>
#include <string>

#include "app/gui/views/view.hpp"

namespace proclab::gui {

class SharedView : public View {
 public:
  std::string_view id() const override { return "shared"; }
  const char* Title(Language language) const override { return Tr(Str::kCounter, language); }
  void Draw(const ViewContext& ctx) override;
  void DrawPrediction(const ViewContext& ctx) override;

  // The learner's guess of the final counter for `lesson` (predict first).
  void SetGuess(std::string_view lesson, std::string text) { guesses_[std::string(lesson)] = std::move(text); }
  const std::string& guess(std::string_view lesson) { return guesses_[std::string(lesson)]; }

  // What the last frame showed (the self-test reads it).
  struct Shown {
    bool counter = false;            // the counter's numbers (also before a stepped run's first step)
    int lost_lines = 0;              // lost updates said in words (each erased something)
    bool brought_back_line = false;  // writes that brought updates back, on one line
    int never_wrote_back = 0;        // children killed between their read and their write
  };
  const Shown& shown() const { return shown_; }

 private:
  std::map<std::string, std::string> guesses_;  // per lesson
  Shown shown_;
};

}  // namespace proclab::gui

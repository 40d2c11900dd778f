// What `proclab` remembers between sessions, in $XDG_CONFIG_HOME/proclab (default
// ~/.config/proclab): the language, the UI scale, the theme, the last lesson, which lessons
// were run, the Python programs opened last, and the sizes the learner dragged the panes to. A
// small key=value file; imgui.ini lives beside it, never in the working directory.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "core/lesson_model.hpp"

namespace proclab::gui {

struct Settings {
  Language language = Language::kEnglish;
  float scale = 1.0f;
  bool scale_saved = false;  // false: pick a scale from the screen size
  bool high_contrast = false;
  std::string last_lesson;
  std::set<std::string> lessons_run;
  std::vector<std::string> recent_programs;  // Python programs opened, newest first
  // The panes' borders, as fractions: the lesson list of the window's width, the lesson text of
  // the width right of the list, the lesson text of the height below the top bar (the code pane
  // takes the rest).
  float pane_list = 0.17f;
  float pane_text = 0.44f;
  float pane_text_height = 0.6f;
};

// The directory, created if missing; empty if there is none that can be written, and then
// `*problem` (if given) says why in one line ("settings are not saved: ...").
std::string ConfigDir(std::string* problem = nullptr);
Settings LoadSettings(const std::string& dir);
bool SaveSettings(const std::string& dir, const Settings& settings);

// "en" / "zh-CN" and back; accepts "zh" too.
const char* LanguageCode(Language language);
bool ParseLanguage(const std::string& text, Language* language);

}  // namespace proclab::gui

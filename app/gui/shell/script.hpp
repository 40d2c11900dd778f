// A demo script: `proclab --script FILE` plays it at human speed so a teacher can rehearse a
// demo and replay it; part of the self-test is written in the same steps. One step a line,
// `#` starts a comment:
//
//   lesson shared-data        open a lesson (it opens at its top and its first tab)
//   lang zh-CN                the UI's language (en | zh-CN)
//   set processes 4           a parameter of the open lesson, checked like --processes 4
//   step-mode on              the Step mode checkbox (on | off)
//   run [TRIALS]              press Run (or run TRIALS trials)
//   step 1r,2r,1w,2w          take these steps, each once its child waits for it
//   wait 1.5                  wait 1.5 seconds
//   wait-run                  wait until the run has ended (at most two minutes)
//   stop | reset              press Stop, Reset
//   view lanes | next-view    show a tab of the lesson, or its next one
//   presenter on|off          presenter mode
//   scale 1.5 | size 1280x720 the UI scale; the window's size
//   key Space                 press a key the way a person does (Left Right Space Escape P R V
//   S 1..9 PageDown PageUp) click run                 click a named widget (run, stop, reset,
//   presenter, tab:lanes ...) say Two children race     a caption at the bottom of the window until
//   the next `say`
//                             (`say` alone takes it away)
//   screenshot FILE.png       save the window
//   pace 0.8                  seconds between steps from here on (default 1; 0: as fast as it goes)
//   expect WHAT ...           a check, given up to 5 s to come true, else the script fails
//                             (exit status 1): lesson ID · view ID · presenter on|off · running ·
//                             finished · stopped · no-dialog · fits (no control cut, the lanes
//                             on screen) · nav-unmoved (no key moved the focus since `click`)
//   quit                      end the program (else the window stays when the script ends)
//
// Parsed and checked (lesson ids, parameter names and values, views, keys) before a window opens.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace proclab::gui {

struct ScriptStep {
  int line = 0;                   // 1-based, for messages
  std::string verb;               // "lesson", "set", "run" ...
  std::vector<std::string> args;  // the words after it ("say": the caption as one word)
  std::string Text() const;       // the step as written, for messages
};

// Nullopt and "line N: ..." on a bad step. `views`: the GUI's view ids.
std::optional<std::vector<ScriptStep>> ParseScript(std::string_view text,
                                                   std::span<const std::string_view> views,
                                                   std::string* error);

// The key names `key` takes and their GLFW key codes; -1 for an unknown name.
int ScriptKeyCode(std::string_view name);

}  // namespace proclab::gui

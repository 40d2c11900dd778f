// The app's keyboard shortcuts. They take their keys before Dear ImGui sees them: ImGui's
// keyboard navigation moves its focus with the arrows and presses the focused widget with Space,
// so a shortcut ImGui also saw would press whatever button had the focus (→ then Space opened
// the Screenshot dialog over a live run). What a person types into a field stays the field's.
#pragma once
#include <imgui.h>

#include <vector>

namespace proclab::gui {

enum class Shortcut {
  kPreviousLesson,  // ←
  kNextLesson,      // →
  kRunOrStop,       // Space
  kStop,            // Esc
  kReset,           // R
  kPresenter,       // P or F5
  kNextView,        // V or Page Down (a presenter's clicker sends Page Down)
  kPreviousView,    // Page Up
  kStepOldest,      // S
  kStepChild,       // 1..9 (ShortcutPress::child)
  kFullScreen,      // F11
};

struct ShortcutPress {
  Shortcut what;
  int child = 0;  // kStepChild: 0-based
};

class ShortcutKeys {
 public:
  // A key event as GLFW reports it (GLFW_PRESS, GLFW_RELEASE, GLFW_REPEAT; GLFW_MOD_* bits).
  // Presses are queued, so one that is released within the same poll is not lost.
  void OnKey(int key, int action, int mods);

  // Call after the backend's NewFrame and before ImGui::NewFrame. Returns the shortcuts pressed
  // since the last call and clears their keys from io.KeysDown, so ImGui never acts on them.
  // `typing`: a text field had the focus last frame (its keys are text). `popup_open`: a popup
  // is open (Esc closes it, the keys are the popup's). With Ctrl, Alt or Super held, no key is a
  // shortcut.
  std::vector<ShortcutPress> Take(ImGuiIO& io, bool typing, bool popup_open);

 private:
  struct Press {
    int key;
    int mods;
  };
  std::vector<Press> pending_;
};

}  // namespace proclab::gui

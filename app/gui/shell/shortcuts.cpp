#include "app/gui/shell/shortcuts.hpp"

#include <GLFW/glfw3.h>

namespace proclab::gui {
namespace {

struct Binding {
  int key;
  Shortcut what;
  int child;
  bool text_key;  // a key a text field uses: never a shortcut while typing
};

constexpr Binding kBindings[] = {
    {GLFW_KEY_LEFT, Shortcut::kPreviousLesson, 0, true},
    {GLFW_KEY_RIGHT, Shortcut::kNextLesson, 0, true},
    {GLFW_KEY_SPACE, Shortcut::kRunOrStop, 0, true},
    {GLFW_KEY_ESCAPE, Shortcut::kStop, 0, true},
    {GLFW_KEY_R, Shortcut::kReset, 0, true},
    {GLFW_KEY_P, Shortcut::kPresenter, 0, true},
    {GLFW_KEY_F5, Shortcut::kPresenter, 0, false},
    {GLFW_KEY_V, Shortcut::kNextView, 0, true},
    {GLFW_KEY_PAGE_DOWN, Shortcut::kNextView, 0, true},
    {GLFW_KEY_PAGE_UP, Shortcut::kPreviousView, 0, true},
    {GLFW_KEY_S, Shortcut::kStepOldest, 0, true},
    {GLFW_KEY_1, Shortcut::kStepChild, 0, true},
    {GLFW_KEY_2, Shortcut::kStepChild, 1, true},
    {GLFW_KEY_3, Shortcut::kStepChild, 2, true},
    {GLFW_KEY_4, Shortcut::kStepChild, 3, true},
    {GLFW_KEY_5, Shortcut::kStepChild, 4, true},
    {GLFW_KEY_6, Shortcut::kStepChild, 5, true},
    {GLFW_KEY_7, Shortcut::kStepChild, 6, true},
    {GLFW_KEY_8, Shortcut::kStepChild, 7, true},
    {GLFW_KEY_9, Shortcut::kStepChild, 8, true},
    {GLFW_KEY_F11, Shortcut::kFullScreen, 0, false},
};

const Binding* Find(int key) {
  for (const Binding& b : kBindings)
    if (b.key == key) return &b;
  return nullptr;
}

constexpr int kModifiers = GLFW_MOD_CONTROL | GLFW_MOD_ALT | GLFW_MOD_SUPER;

}  // namespace

void ShortcutKeys::OnKey(int key, int action, int mods) {
  if (action == GLFW_PRESS && Find(key) != nullptr) pending_.push_back(Press{key, mods});
}

std::vector<ShortcutPress> ShortcutKeys::Take(ImGuiIO& io, bool typing, bool popup_open) {
  const bool modified = io.KeyCtrl || io.KeyAlt || io.KeySuper;
  // The keys that belong to a field, a popup or a Ctrl shortcut this frame.
  auto theirs = [&](const Binding& b, int mods) {
    return (mods & kModifiers) != 0 || (typing && b.text_key) ||
           (popup_open && b.key != GLFW_KEY_F11);
  };
  std::vector<ShortcutPress> pressed;
  for (const Press& press : pending_) {
    const Binding& b = *Find(press.key);
    if (!theirs(b, press.mods)) pressed.push_back(ShortcutPress{b.what, b.child});
  }
  pending_.clear();
  const int held = modified ? GLFW_MOD_CONTROL : 0;
  for (const Binding& b : kBindings)
    if (b.key < IM_ARRAYSIZE(io.KeysDown) && !theirs(b, held))
      io.KeysDown[b.key] =
          false;  // ImGui never sees it: no focus moves, no focused button is pressed
  return pressed;
}

}  // namespace proclab::gui

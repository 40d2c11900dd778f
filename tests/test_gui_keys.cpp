// The GUI's shortcuts, demo scripts and pane sizes, without a display: a shortcut key never
// reaches Dear ImGui's keyboard navigation (→ then Space pressed the focused button), a script's
// bad line is one "line N: ..." error, the panes' sizes are remembered.
#ifdef PROCLAB_HAS_GUI_LOGIC
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/gui/settings/settings.hpp"
#include "app/gui/shell/command_line.hpp"
#include "app/gui/shell/script.hpp"
#include "app/gui/shell/shortcuts.hpp"
#include "app/gui/views/view.hpp"

using namespace proclab;
using namespace proclab::gui;

namespace {

// Dear ImGui with no window: keyboard navigation on, keys mapped as the GLFW backend maps them,
// one window with two buttons side by side.
class TwoButtons {
 public:
  TwoButtons() {
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(800, 600);
    io.DeltaTime = 1.0f / 60;
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    const int map[][2] = {
        {ImGuiKey_LeftArrow, GLFW_KEY_LEFT}, {ImGuiKey_RightArrow, GLFW_KEY_RIGHT},
        {ImGuiKey_UpArrow, GLFW_KEY_UP},     {ImGuiKey_DownArrow, GLFW_KEY_DOWN},
        {ImGuiKey_Space, GLFW_KEY_SPACE},    {ImGuiKey_Enter, GLFW_KEY_ENTER},
        {ImGuiKey_Escape, GLFW_KEY_ESCAPE},  {ImGuiKey_Tab, GLFW_KEY_TAB}};
    for (const auto& m : map) io.KeyMap[m[0]] = m[1];
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    Frame();
  }
  ~TwoButtons() { ImGui::DestroyContext(context_); }

  // One frame; `keys`: the shortcuts, given the frame's key events first (as the app does).
  std::vector<ShortcutPress> Frame(ShortcutKeys* keys = nullptr) {
    std::vector<ShortcutPress> pressed;
    if (keys != nullptr) pressed = keys->Take(ImGui::GetIO(), false, false);
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(400, 200));
    ImGui::Begin("two buttons");
    if (ImGui::Button("Left button")) ++left;
    left_centre = ImVec2((ImGui::GetItemRectMin().x + ImGui::GetItemRectMax().x) / 2,
                         (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) / 2);
    ImGui::SameLine();
    if (ImGui::Button("Right button")) ++right;
    ImGui::End();
    ImGui::Render();
    return pressed;
  }

  void ClickLeftButton() {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = left_centre;
    Frame();
    io.MouseDown[0] = true;
    Frame();
    io.MouseDown[0] = false;
    Frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    Frame();
  }

  // A person's quick press: down for one frame, then up.
  std::vector<ShortcutPress> Press(int key, ShortcutKeys* keys) {
    if (keys != nullptr) keys->OnKey(key, GLFW_PRESS, 0);
    ImGui::GetIO().KeysDown[key] = true;
    std::vector<ShortcutPress> pressed = Frame(keys);
    if (keys != nullptr) keys->OnKey(key, GLFW_RELEASE, 0);
    ImGui::GetIO().KeysDown[key] = false;
    for (int i = 0; i < 3; ++i) Frame(keys);
    return pressed;
  }

  int left = 0, right = 0;
  ImVec2 left_centre;

 private:
  ImGuiContext* context_;
};

}  // namespace

TEST_CASE("Right then Space neither move the keyboard focus nor press the focused button") {
  SECTION("without the shortcuts taking them, they do: the setup can see it") {
    TwoButtons ui;
    ui.ClickLeftButton();
    REQUIRE(ui.left == 1);
    ui.Press(GLFW_KEY_RIGHT, nullptr);
    ui.Press(GLFW_KEY_SPACE, nullptr);
    CHECK(ui.right == 1);
  }
  SECTION("the shortcuts take them: next lesson, run, and nothing pressed") {
    TwoButtons ui;
    ShortcutKeys keys;
    ui.ClickLeftButton();
    REQUIRE(ui.left == 1);
    const ImGuiID focus = ImGui::GetFocusID();
    const auto right = ui.Press(GLFW_KEY_RIGHT, &keys);
    const auto space = ui.Press(GLFW_KEY_SPACE, &keys);
    REQUIRE(right.size() == 1);
    CHECK(right[0].what == Shortcut::kNextLesson);
    REQUIRE(space.size() == 1);
    CHECK(space[0].what == Shortcut::kRunOrStop);
    CHECK(ui.right == 0);
    CHECK(ui.left == 1);
    CHECK(ImGui::GetFocusID() == focus);
  }
}

TEST_CASE("a key pressed and released within one poll still counts once") {
  TwoButtons ui;
  ShortcutKeys keys;
  keys.OnKey(GLFW_KEY_P, GLFW_PRESS, 0);
  keys.OnKey(GLFW_KEY_P, GLFW_RELEASE, 0);
  keys.OnKey(GLFW_KEY_P, GLFW_REPEAT, 0);  // a held key's repeats are not new presses
  const auto pressed = ui.Frame(&keys);
  REQUIRE(pressed.size() == 1);
  CHECK(pressed[0].what == Shortcut::kPresenter);
  CHECK(ui.Frame(&keys).empty());
}

TEST_CASE("while typing or with Ctrl held the keys are not shortcuts and stay ImGui's") {
  TwoButtons ui;
  ShortcutKeys keys;
  ImGuiIO& io = ImGui::GetIO();
  keys.OnKey(GLFW_KEY_SPACE, GLFW_PRESS, 0);
  io.KeysDown[GLFW_KEY_SPACE] = true;
  CHECK(keys.Take(io, /*typing=*/true, false).empty());
  CHECK(io.KeysDown[GLFW_KEY_SPACE]);  // a space in the field
  keys.OnKey(GLFW_KEY_F11, GLFW_PRESS, 0);
  CHECK(keys.Take(io, true, false).size() == 1);  // F11 types nothing: full screen even then
  keys.OnKey(GLFW_KEY_R, GLFW_PRESS, GLFW_MOD_CONTROL);
  CHECK(keys.Take(io, false, false).empty());
  keys.OnKey(GLFW_KEY_ESCAPE, GLFW_PRESS, 0);
  io.KeysDown[GLFW_KEY_ESCAPE] = true;
  CHECK(keys.Take(io, false, /*popup_open=*/true).empty());  // Esc closes the popup
  CHECK(io.KeysDown[GLFW_KEY_ESCAPE]);
  io.KeysDown[GLFW_KEY_ESCAPE] = false;
  io.KeysDown[GLFW_KEY_SPACE] = false;
  ui.Frame();
}

TEST_CASE("a demo script's steps are checked before a window opens and each bad line is named") {
  const std::vector<std::string_view> views = ViewIds();
  std::string error;
  const auto good = ParseScript(
      "# a race\n"
      "pace 0.5\n"
      "lesson shared-data\n"
      "set processes 4   # four children\n"
      "presenter on\n"
      "say Two children race for one counter\n"
      "step-mode on\n"
      "run\n"
      "step 1r,2r,1w,2w\n"
      "wait-run\n"
      "view lanes\n"
      "key Space\n"
      "expect fits\n"
      "size 1280x720\n"
      "scale 1.5\n"
      "quit\n",
      views, &error);
  REQUIRE(good.has_value());
  CHECK(good->size() == 15);
  CHECK((*good)[4].args == std::vector<std::string>{"Two children race for one counter"});
  CHECK((*good)[2].line == 4);

  struct Bad {
    const char* script;
    const char* error;
  };
  const Bad bad[] = {
      {"lesson shared-data\ndance\n", "line 2: no step 'dance'"},
      {"lesson nope\n", "line 1: no lesson 'nope'"},
      {"set processes 4\n", "line 1: set comes after a lesson line"},
      {"lesson shared-data\n\nset processes 99999\n", "line 3: "},
      {"lesson shared-data\nset colour red\n", "line 2: unknown parameter --colour"},
      {"lesson shared-data\nkey Q\n", "line 2: no key named 'Q'"},
      {"lesson processes\nstep 1r\n", "line 2: step needs a steppable lesson open"},
      {"lesson shared-data\nstep 9r\n", "line 2: "},
      {"view nowhere\n", "line 1: view takes one of the views' ids"},
      {"expect sunshine\n", "line 1: cannot expect 'expect sunshine'"},
      {"wait soon\n", "line 1: wait takes a number of seconds"},
      {"size big\n", "line 1: size takes WxH"},
      {"presenter maybe\n", "line 1: presenter takes on or off"},
      {"screenshot /nonexistent/x.png\n",
       "line 1: cannot save the screenshot to /nonexistent/x.png"},
  };
  for (const Bad& b : bad) {
    INFO(b.script);
    error.clear();
    CHECK(!ParseScript(b.script, views, &error).has_value());
    CHECK(error.rfind(b.error, 0) == 0);
  }
}

TEST_CASE("the script option reads its file and refuses a bad one before a window opens") {
  const std::vector<std::string_view> views = ViewIds();
  const auto dir = std::filesystem::temp_directory_path() / "proclab-test-script";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "demo.txt").string();
  std::ofstream(path) << "lesson queue\nrun\nwait-run\n";
  std::string error;
  const char* good[] = {"proclab", "--script", path.c_str()};
  const auto cl = ParseCommandLine(3, const_cast<char**>(good), views, &error);
  REQUIRE(cl.has_value());
  CHECK(cl->script.size() == 3);
  std::ofstream(path) << "lesson queue\nrun 0\n";
  CHECK(!ParseCommandLine(3, const_cast<char**>(good), views, &error).has_value());
  CHECK(error == path + ": line 2: run takes nothing, or a number of trials in 1 .. 1000");
  const char* missing[] = {"proclab", "--script", "/nonexistent/demo.txt"};
  CHECK(!ParseCommandLine(3, const_cast<char**>(missing), views, &error).has_value());
  CHECK(error == "cannot read the script /nonexistent/demo.txt");
  const char* with_run[] = {"proclab", "--script", path.c_str(), "--run"};
  std::ofstream(path) << "lesson queue\n";
  CHECK(!ParseCommandLine(4, const_cast<char**>(with_run), views, &error).has_value());
  std::filesystem::remove_all(dir);
}

TEST_CASE("the panes' sizes the learner dragged are remembered and nonsense is not") {
  const std::string dir = (std::filesystem::temp_directory_path() / "proclab-test-panes").string();
  std::filesystem::create_directories(dir);
  Settings settings;
  settings.pane_list = 0.21f;
  settings.pane_text = 0.5f;
  settings.pane_text_height = 0.35f;
  REQUIRE(SaveSettings(dir, settings));
  Settings loaded = LoadSettings(dir);
  CHECK(loaded.pane_list == Approx(0.21f));
  CHECK(loaded.pane_text == Approx(0.5f));
  CHECK(loaded.pane_text_height == Approx(0.35f));
  std::ofstream(dir + "/settings.ini") << "pane_list=7\npane_text=-1\npane_text_height=abc\n";
  loaded = LoadSettings(dir);
  CHECK(loaded.pane_list == Settings{}.pane_list);
  CHECK(loaded.pane_text == Settings{}.pane_text);
  CHECK(loaded.pane_text_height == Settings{}.pane_text_height);
  std::filesystem::remove_all(dir);
}

#endif  // PROCLAB_HAS_GUI_LOGIC

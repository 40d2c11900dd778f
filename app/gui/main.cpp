// proclab: the desktop app. Parses the command line, refuses politely without a display, and
// hands over to App (app/gui/shell/app.hpp).
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "app/gui/shell/app.hpp"
#include "app/gui/shell/command_line.hpp"
#include "app/gui/views/view.hpp"
#include "core/segment.hpp"

int main(int argc, char** argv) {
  using namespace proclab::gui;
  std::string error;
  const std::vector<std::string_view> views = ViewIds();
  const auto command_line = ParseCommandLine(argc, argv, views, &error);
  if (!command_line) {
    std::fprintf(stderr, "proclab: %s\n", error.c_str());
    return 2;
  }
  if (command_line->help) {
    std::cout << UsageText(views);
    return 0;
  }
  if (command_line->version) {
    std::cout << "proclab " << PROCLAB_VERSION << " (Dear ImGui " << IMGUI_VERSION << ")\n";
    return 0;
  }
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((display == nullptr || display[0] == '\0') && (wayland == nullptr || wayland[0] == '\0')) {
    std::fprintf(stderr,
                 "proclab: no display (DISPLAY and WAYLAND_DISPLAY are unset). Run the lessons in a "
                 "terminal with proclab-cli (proclab-cli list; proclab-cli run processes), or start "
                 "proclab under xvfb-run.\n");
    return 2;
  }
  proclab::SweepStaleSegments();  // segments left by a ProcLab that was killed
  App app(*command_line);
  return app.Main();
}

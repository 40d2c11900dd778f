// A row of tabs that never shortens a title. ImGui's tab bar squeezes tabs that do not fit and
// cuts their titles ("Process l···", "Pytho···"): on a projector or at a large scale a row that
// does not fit whole is drawn instead as buttons that wrap onto more lines. The caller draws
// the chosen page after it.
#pragma once
#include <string>
#include <vector>

#include "app/gui/shell/widget_rects.hpp"

namespace proclab::gui {

class TabRow {
 public:
  // `labels`: the titles (with a "###id" suffix); `names`: the rects' names, one per label.
  // `request`: the index to show now, or -1. Returns the index shown.
  int Draw(const char* id, const std::vector<std::string>& labels,
           const std::vector<std::string>& names, int request, WidgetRects& rects);
  int shown() const { return shown_; }

 private:
  int shown_ = 0;
  bool was_tabs_ = true;
};

}  // namespace proclab::gui

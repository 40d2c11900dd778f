// The save popup behind Export trace and Screenshot: an editable path that starts in the home
// folder, checked before anything is written (shell/save_path.hpp, the rule --screenshot follows
// too), with what is wrong with it in words (no such folder, not writable, a folder, an existing
// file that Save replaces).
#pragma once
#include <functional>
#include <string>

#include "app/gui/shell/theme.hpp"
#include "app/gui/shell/widget_rects.hpp"
#include "core/language.hpp"

namespace proclab::gui {

class SaveDialog {
 public:
  enum class Kind { kTrace, kScreenshot };
  // Writes the file once its path passed the checks; false with the reason in words. A
  // screenshot is taken two frames after Save, once the popup is gone from the picture.
  using Saver = std::function<bool(Kind kind, const std::string& path, std::string* error)>;

  // Opens the popup with a default path: <home>/proclab-<lesson>-<time>.json or .png.
  void Open(Kind kind, std::string_view lesson_id);
  // Each frame: draws the popup while it is open and saves through `save`.
  void Draw(Language language, const Theme& theme, WidgetRects& rects, const Saver& save);

  bool is_open() const { return open_; }
  Kind kind() const { return kind_; }
  const std::string& path() const { return path_; }
  void set_path(std::string path) {
    path_ = std::move(path);
    error_.clear();
  }
  const std::string& error() const { return error_; }

 private:
  bool Save(Language language, const Saver& save);
  Kind kind_ = Kind::kTrace;
  bool open_ = false;
  std::string path_, error_;
  int shot_frames_ = 0;  // frames until a screenshot chosen in the popup is taken
};

}  // namespace proclab::gui

// Finding and reading the lesson texts (assets/lessons/<lang>/<id>.md) and other assets.
#pragma once
#include <optional>
#include <string>

#include "app/gui/markdown/markdown_doc.hpp"
#include "core/lesson_model.hpp"

namespace proclab::gui {

// The assets directory (lessons/, ui/): $PROCLAB_ASSETS, else <prefix>/share/proclab when
// installed, else the source tree's assets/ (core/install_layout.hpp decides).
std::string AssetsDir();
std::string LessonTextPath(const std::string& assets, std::string_view id, Language language);

struct LessonText {
  std::optional<MarkdownDoc> doc;
  std::string raw;    // the file's bytes
  std::string error;  // why doc is empty: missing file, empty, rejected
};
LessonText LoadLessonText(const std::string& assets, std::string_view id, Language language);

}  // namespace proclab::gui

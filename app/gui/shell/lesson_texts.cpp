#include "app/gui/shell/lesson_texts.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/gui/settings/settings.hpp"
#include "core/install_layout.hpp"

namespace proclab::gui {

std::string AssetsDir() { return ThisInstall().assets_dir.string(); }

std::string LessonTextPath(const std::string& assets, std::string_view id, Language language) {
  return LessonTextFile(assets, id, language).string();
}

namespace {

// The offset of the first byte that breaks UTF-8 (or is NUL), or npos if the text is clean.
size_t FirstBadByte(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const size_t length = byte == 0        ? 0
                          : byte < 0x80    ? 1
                          : byte >> 5 == 6 ? 2
                          : byte >> 4 == 14 ? 3
                          : byte >> 3 == 30 ? 4
                                            : 0;
    if (length == 0 || i + length > text.size()) return i;
    for (size_t k = 1; k < length; ++k)
      if (static_cast<unsigned char>(text[i + k]) >> 6 != 2) return i;
    i += length;
  }
  return std::string_view::npos;
}

LessonText Check(LessonText text, const std::string& path) {
  if (const size_t bad = FirstBadByte(text.raw); bad != std::string_view::npos) {
    text.error = path + ": not UTF-8 text (byte " + std::to_string(bad) + ")";
    return text;
  }
  std::string error;
  text.doc = ParseMarkdown(text.raw, &error);
  if (!text.doc) {
    text.error = path + ": " + error;
  } else if (text.doc->Title().empty()) {
    text.doc.reset();
    text.error = path + ": no title (a lesson text starts with '# Title')";
  }
  return text;
}

}  // namespace

LessonText LoadLessonText(const std::string& assets, std::string_view id, Language language) {
  LessonText text;
  const std::string path = LessonTextPath(assets, id, language);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    text.error = "cannot read " + path;
  } else {
    std::ostringstream bytes;
    bytes << in.rdbuf();
    text.raw = bytes.str();
    text = Check(std::move(text), path);
  }
  // Said once per text (the app keeps what it loaded): the pane shows it, the terminal too.
  if (!text.error.empty())
    std::fprintf(stderr, "proclab: the text of lesson %s (%s) is not shown: %s\n",
                 std::string(id).c_str(), LanguageCode(language), text.error.c_str());
  return text;
}

}  // namespace proclab::gui

// Fonts for a classroom: a proportional face (Noto Sans CJK SC when installed, which covers
// Latin and Chinese in one design), bold, monospace for code, and two heading sizes. Found
// through fontconfig; Chinese glyphs are built only for the characters the texts use.
#pragma once
#include <string>

struct ImFont;

namespace proclab::gui {

struct Fonts {
  ImFont* regular = nullptr;
  ImFont* bold = nullptr;
  ImFont* mono = nullptr;
  ImFont* h1 = nullptr;
  ImFont* h2 = nullptr;
  bool has_cjk = false;
  std::string cjk_path;
  float size_px = 0;
};

// Rebuilds ImGui's font atlas at `size_px` (the body text size). `used_text` holds every
// string the UI may show (all lesson texts, both languages): its characters become glyphs.
// The caller recreates the GL font texture afterwards.
Fonts BuildFonts(float size_px, const std::string& used_text);

// Finds a font file through fontconfig: path and face index, or empty.
std::string FindFontFile(const char* pattern, int* face_index);

}  // namespace proclab::gui

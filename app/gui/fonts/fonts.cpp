#include "app/gui/fonts/fonts.hpp"

#include <fontconfig/fontconfig.h>
#include <imgui.h>
#include <imgui_freetype.h>

#include <cstdio>

namespace proclab::gui {

std::string FindFontFile(const char* pattern_text, int* face_index) {
  *face_index = 0;
  if (!FcInit()) return {};
  FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>(pattern_text));
  if (pattern == nullptr) return {};
  FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
  FcDefaultSubstitute(pattern);
  FcResult result = FcResultNoMatch;
  FcPattern* match = FcFontMatch(nullptr, pattern, &result);
  std::string path;
  if (match != nullptr) {
    FcChar8* file = nullptr;
    FcChar8* family = nullptr;
    int index = 0;
    if (FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) path = reinterpret_cast<char*>(file);
    if (FcPatternGetInteger(match, FC_INDEX, 0, &index) == FcResultMatch) *face_index = index;
    // fontconfig substitutes another family rather than failing: accept only what was asked.
    std::string wanted = pattern_text;
    wanted = wanted.substr(0, wanted.find(':'));
    if (FcPatternGetString(match, FC_FAMILY, 0, &family) == FcResultMatch) {
      bool same = false;
      for (int i = 0; FcPatternGetString(match, FC_FAMILY, i, &family) == FcResultMatch; ++i)
        same = same || wanted == reinterpret_cast<char*>(family);
      if (!same && wanted != "sans-serif" && wanted != "monospace") path.clear();
    }
    FcPatternDestroy(match);
  }
  FcPatternDestroy(pattern);
  return path;
}

namespace {

ImFont* AddFont(ImFontAtlas* atlas, const std::string& path, int index, float size,
                const ImWchar* ranges, bool merge = false) {
  if (path.empty()) return nullptr;
  ImFontConfig config;
  config.FontNo = index;
  config.MergeMode = merge;
  config.OversampleH = 1;
  config.PixelSnapH = true;
  std::snprintf(config.Name, sizeof config.Name, "%s %.0fpx", path.c_str() + path.rfind('/') + 1,
                size);
  return atlas->AddFontFromFileTTF(path.c_str(), size, &config, ranges);
}

}  // namespace

Fonts BuildFonts(float size_px, const std::string& used_text) {
  ImGuiIO& io = ImGui::GetIO();
  ImFontAtlas* atlas = io.Fonts;
  atlas->Clear();
  atlas->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
  atlas->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;

  // Glyphs: Latin plus every character the texts use (arrows, dashes, Chinese ...).
  static ImVector<ImWchar> ranges;
  ranges.clear();
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(atlas->GetGlyphRangesDefault());
  builder.AddText(used_text.c_str(), used_text.c_str() + used_text.size());
  builder.AddText("…–—→←·µ×÷◀✗");  // drawn by the views themselves
  builder.BuildRanges(&ranges);

  Fonts fonts;
  fonts.size_px = size_px;
  int cjk_index = 0, cjk_bold_index = 0, latin_index = 0, latin_bold_index = 0, mono_index = 0;
  const std::string cjk = FindFontFile("Noto Sans CJK SC", &cjk_index);
  std::string cjk_bold = FindFontFile("Noto Sans CJK SC:bold", &cjk_bold_index);
  if (cjk_bold.empty()) {
    cjk_bold = cjk;
    cjk_bold_index = cjk_index;
  }
  std::string mono = FindFontFile("Noto Sans Mono", &mono_index);
  if (mono.empty()) mono = FindFontFile("monospace", &mono_index);
  fonts.has_cjk = !cjk.empty();
  fonts.cjk_path = cjk;

  if (fonts.has_cjk) {
    fonts.regular = AddFont(atlas, cjk, cjk_index, size_px, ranges.Data);
    fonts.bold = AddFont(atlas, cjk_bold, cjk_bold_index, size_px, ranges.Data);
    fonts.h1 = AddFont(atlas, cjk_bold, cjk_bold_index, size_px * 1.45f, ranges.Data);
    fonts.h2 = AddFont(atlas, cjk_bold, cjk_bold_index, size_px * 1.18f, ranges.Data);
  } else {
    const std::string latin = FindFontFile("sans-serif", &latin_index);
    const std::string latin_bold = FindFontFile("sans-serif:bold", &latin_bold_index);
    fonts.regular = AddFont(atlas, latin, latin_index, size_px, ranges.Data);
    fonts.bold = AddFont(atlas, latin_bold, latin_bold_index, size_px, ranges.Data);
    fonts.h1 = AddFont(atlas, latin_bold, latin_bold_index, size_px * 1.45f, ranges.Data);
    fonts.h2 = AddFont(atlas, latin_bold, latin_bold_index, size_px * 1.18f, ranges.Data);
  }
  fonts.mono = AddFont(atlas, mono, mono_index, size_px * 0.92f, atlas->GetGlyphRangesDefault());
  if (fonts.mono != nullptr && fonts.has_cjk)  // Chinese in code comments
    AddFont(atlas, cjk, cjk_index, size_px * 0.92f, ranges.Data, true);

  // Whatever could not be found falls back to ImGui's built-in font, scaled.
  ImFont* fallback = nullptr;
  auto need = [&](ImFont*& font) {
    if (font != nullptr) return;
    if (fallback == nullptr) {
      ImFontConfig config;
      config.SizePixels = size_px;
      fallback = atlas->AddFontDefault(&config);
    }
    font = fallback;
  };
  need(fonts.regular);
  need(fonts.bold);
  need(fonts.mono);
  need(fonts.h1);
  need(fonts.h2);
  atlas->Build();
  io.FontDefault = fonts.regular;
  return fonts;
}

}  // namespace proclab::gui

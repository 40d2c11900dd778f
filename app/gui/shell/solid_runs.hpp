// Splits ImGui's draw commands into runs of solid and textured triangles, so a software renderer
// can draw the solid ones (every rectangle, bar and background: nearly all the pixels) with a
// shader that does not sample the font texture. Why: under Mesa's llvmpipe a texture sample is
// most of a pixel's cost (three layers of 855x740 pixels: ~17 ms textured, ~4 ms flat). A solid
// triangle is one whose three vertices all sample the font atlas's white pixel, so its colour is
// the vertex colour either way. No OpenGL here: the unit tests check the split.
#pragma once
#include <imgui.h>

namespace proclab::gui {

struct SolidRunsInput {
  ImTextureID font = nullptr;  // the font atlas (other textures are never solid)
  ImVec2 white_uv;             // the atlas's white pixel (ImFontAtlas::TexUvWhitePixel)
  ImDrawCallback to_flat = nullptr, to_textured = nullptr;  // switch the shader
  void* user = nullptr;                                     // the callbacks' UserCallbackData
};

// Rewrites `list`'s commands, in their order: each becomes runs of consecutive triangles of one
// kind, a callback before each run whose kind differs from the shader in use (`flat`: in use
// before the list; after it, what the list left in use). Commands that draw nothing (an empty
// clip rectangle) and triangles wholly outside their clip rectangle are left out; every other
// triangle is drawn once, in its original order, by the same clip rectangle and texture.
// `scratch` is reused storage. Returns the number of triangles drawn flat.
int SplitSolidRuns(ImDrawList& list, const SolidRunsInput& input, bool& flat, ImVector<ImDrawCmd>& scratch);

}  // namespace proclab::gui

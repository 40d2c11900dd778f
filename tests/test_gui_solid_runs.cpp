// The split of ImGui's draw commands into solid and textured runs (app/gui/shell/solid_runs.hpp):
// what the split lists draw, triangle by triangle, with the shader each finds in use, equals the
// straightforward reading of the original lists: every triangle that can touch a pixel, once, in
// order, under its own clip rectangle and texture, flat exactly when its three vertices sample
// the font atlas's white pixel.
// Compiled only when the GUI's logic library is built (PROCLAB_GUI=ON).
#ifdef PROCLAB_HAS_GUI_LOGIC
#include <catch2/catch.hpp>
#include <imgui_internal.h>

#include <random>
#include <vector>

#include "app/gui/shell/solid_runs.hpp"

using namespace proclab::gui;

namespace {

const auto kFont = reinterpret_cast<ImTextureID>(intptr_t{1});
const auto kPicture = reinterpret_cast<ImTextureID>(intptr_t{2});
const ImVec2 kWhite(0.5f / 64, 0.5f / 64);

void ToFlat(const ImDrawList*, const ImDrawCmd*) {}
void ToTextured(const ImDrawList*, const ImDrawCmd*) {}
void Other(const ImDrawList*, const ImDrawCmd*) {}

struct Drawn {
  unsigned a, b, c;  // vertex numbers (with the command's offset)
  ImVec4 clip;
  ImTextureID texture;
  bool flat;
  bool operator==(const Drawn& o) const {
    return a == o.a && b == o.b && c == o.c && clip.x == o.clip.x && clip.y == o.clip.y && clip.z == o.clip.z &&
           clip.w == o.clip.w && texture == o.texture && flat == o.flat;
  }
};

// The straightforward reading: every triangle of every command that draws, flat when solid;
// other callbacks are kept in their place (recorded as a triangle of vertex numbers ~0).
std::vector<Drawn> Expected(const ImDrawList& list) {
  std::vector<Drawn> out;
  for (const ImDrawCmd& cmd : list.CmdBuffer) {
    if (cmd.UserCallback != nullptr) {
      out.push_back(Drawn{~0u, ~0u, ~0u, cmd.ClipRect, cmd.TextureId, false});
      continue;
    }
    const ImVec4& r = cmd.ClipRect;
    if (r.z <= r.x || r.w <= r.y) continue;
    for (unsigned k = 0; k + 2 < cmd.ElemCount; k += 3) {
      unsigned v[3];
      bool white = cmd.TextureId == kFont;
      float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
      for (int j = 0; j < 3; ++j) {
        v[j] = cmd.VtxOffset + list.IdxBuffer[static_cast<int>(cmd.IdxOffset + k) + j];
        const ImDrawVert& vertex = list.VtxBuffer[static_cast<int>(v[j])];
        white = white && vertex.uv.x == kWhite.x && vertex.uv.y == kWhite.y;
        x0 = std::min(x0, vertex.pos.x), x1 = std::max(x1, vertex.pos.x);
        y0 = std::min(y0, vertex.pos.y), y1 = std::max(y1, vertex.pos.y);
      }
      if (x1 < r.x - 1 || x0 > r.z + 1 || y1 < r.y - 1 || y0 > r.w + 1) continue;  // touches no pixel
      out.push_back(Drawn{v[0], v[1], v[2], r, cmd.TextureId, white});
    }
  }
  return out;
}

// What the renderer draws from the split list: each command's triangles with the shader the
// callbacks before it chose (`flat` carries from list to list, as the GL program does).
std::vector<Drawn> Replay(const ImDrawList& list, bool& flat, int* switches = nullptr) {
  std::vector<Drawn> out;
  for (const ImDrawCmd& cmd : list.CmdBuffer) {
    if (cmd.UserCallback == ToFlat || cmd.UserCallback == ToTextured) {
      CHECK(cmd.ElemCount == 0);
      const bool to_flat = cmd.UserCallback == ToFlat;
      CHECK(to_flat != flat);  // a switch only where the shader changes
      flat = to_flat;
      if (switches != nullptr) ++*switches;
      continue;
    }
    if (cmd.UserCallback != nullptr) {
      CHECK(!flat);  // another callback finds ImGui's shader in use
      out.push_back(Drawn{~0u, ~0u, ~0u, cmd.ClipRect, cmd.TextureId, false});
      continue;
    }
    for (unsigned k = 0; k + 2 < cmd.ElemCount; k += 3) {
      unsigned v[3];
      for (int j = 0; j < 3; ++j) v[j] = cmd.VtxOffset + list.IdxBuffer[static_cast<int>(cmd.IdxOffset + k) + j];
      out.push_back(Drawn{v[0], v[1], v[2], cmd.ClipRect, cmd.TextureId, flat});
    }
  }
  return out;
}

// Drawn triangles that touch no pixel may stay in a run between others (they draw nothing);
// every other one must be in the expected list, in order.
std::vector<Drawn> Visible(const std::vector<Drawn>& drawn, const ImDrawList& list) {
  std::vector<Drawn> out;
  for (const Drawn& d : drawn) {
    if (d.a != ~0u) {
      float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
      for (unsigned v : {d.a, d.b, d.c}) {
        const ImVec2 p = list.VtxBuffer[static_cast<int>(v)].pos;
        x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
      }
      if (x1 < d.clip.x - 1 || x0 > d.clip.z + 1 || y1 < d.clip.y - 1 || y0 > d.clip.w + 1) continue;
    }
    out.push_back(d);
  }
  return out;
}

struct Lists {
  ImDrawListSharedData shared;
  Lists() {
    shared.TexUvWhitePixel = kWhite;
    shared.ClipRectFullscreen = ImVec4(0, 0, 1000, 1000);
    shared.InitialFlags = ImDrawListFlags_None;
  }
  ImDrawList Make() {
    ImDrawList list(&shared);
    list._ResetForNewFrame();
    list.PushClipRectFullScreen();
    list.PushTextureID(kFont);
    return list;
  }
};

void Glyph(ImDrawList& list, float x, float y) {  // a textured quad, as a glyph is
  list.PrimReserve(6, 4);
  list.PrimRectUV(ImVec2(x, y), ImVec2(x + 8, y + 12), ImVec2(0.25f, 0.25f), ImVec2(0.3f, 0.3f), IM_COL32_WHITE);
}

SolidRunsInput Input() { return SolidRunsInput{kFont, kWhite, ToFlat, ToTextured, nullptr}; }

}  // namespace

TEST_CASE("solid runs: rectangles draw flat and glyphs textured, in their order, with a switch only between kinds") {
  Lists lists;
  ImDrawList list = lists.Make();
  list.AddRectFilled(ImVec2(0, 0), ImVec2(100, 100), IM_COL32(10, 20, 30, 255));  // background
  list.AddRectFilled(ImVec2(10, 10), ImVec2(50, 20), IM_COL32(200, 20, 30, 255));  // a bar
  Glyph(list, 12, 30);
  Glyph(list, 22, 30);
  list.AddRectFilled(ImVec2(10, 60), ImVec2(90, 70), IM_COL32(0, 200, 0, 255));
  const std::vector<Drawn> expected = Expected(list);
  REQUIRE(expected.size() == 10);
  ImVector<ImDrawCmd> scratch;
  bool flat = false;
  CHECK(SplitSolidRuns(list, Input(), flat, scratch) == 6);
  CHECK(flat);  // the last run was solid
  bool replay_flat = false;
  int switches = 0;
  CHECK(Replay(list, replay_flat, &switches) == expected);
  CHECK(switches == 3);  // flat, textured, flat
  CHECK(list.CmdBuffer.Size == 6);
}

TEST_CASE("solid runs: another texture, empty clip rectangles and triangles outside the clip are handled as drawn") {
  Lists lists;
  ImDrawList list = lists.Make();
  list.AddRectFilled(ImVec2(0, 0), ImVec2(100, 100), IM_COL32(10, 20, 30, 255));
  list.PushTextureID(kPicture);  // an image whose UVs happen to be the white pixel: not solid
  list.AddRectFilled(ImVec2(0, 0), ImVec2(40, 40), IM_COL32_WHITE);
  list.PopTextureID();
  list.PushClipRect(ImVec2(200, 200), ImVec2(300, 300), false);
  list.AddRectFilled(ImVec2(10, 10), ImVec2(20, 20), IM_COL32_WHITE);     // wholly outside: left out
  list.AddRectFilled(ImVec2(250, 250), ImVec2(260, 260), IM_COL32_WHITE);  // inside
  list.AddRectFilled(ImVec2(300.5f, 250), ImVec2(310, 260), IM_COL32_WHITE);  // within the margin: kept
  list.PopClipRect();
  list.PushClipRect(ImVec2(500, 500), ImVec2(500, 600), false);  // empty: draws nothing
  list.AddRectFilled(ImVec2(500, 500), ImVec2(600, 600), IM_COL32_WHITE);
  list.PopClipRect();
  list.AddCallback(Other, nullptr);
  list.AddRectFilled(ImVec2(0, 0), ImVec2(5, 5), IM_COL32_WHITE);
  const std::vector<Drawn> expected = Expected(list);
  ImVector<ImDrawCmd> scratch;
  bool flat = false;
  SplitSolidRuns(list, Input(), flat, scratch);
  bool replay_flat = false;
  const std::vector<Drawn> drawn = Replay(list, replay_flat);
  CHECK(Visible(drawn, list) == expected);
  REQUIRE(expected.size() == 2 + 2 + 2 + 2 + 1 + 2);
  CHECK(!expected[2].flat);  // the picture
  CHECK(expected[4].flat);
}

TEST_CASE("solid runs: random lists draw what the straightforward reading draws, across lists") {
  std::mt19937 random(12);
  Lists lists;
  for (int round = 0; round < 200; ++round) {
    std::vector<ImDrawList> made;
    made.reserve(3);
    for (int l = 0; l < 3; ++l) {
      made.push_back(lists.Make());
      ImDrawList& list = made.back();
      const int shapes = static_cast<int>(random() % 40);
      for (int i = 0; i < shapes; ++i) {
        const float x = static_cast<float>(random() % 900), y = static_cast<float>(random() % 900);
        switch (random() % 6) {
          case 0:
          case 1:
            list.AddRectFilled(ImVec2(x, y), ImVec2(x + 30, y + 10), IM_COL32(random() % 256, 0, 0, 255));
            break;
          case 2:
            Glyph(list, x, y);
            break;
          case 3: {
            const float w = static_cast<float>(random() % 200);  // 0: an empty clip rectangle
            list.PopClipRect();
            list.PushClipRect(ImVec2(x, y), ImVec2(x + w, y + 150), false);
            break;
          }
          case 4:
            list.PopTextureID();
            list.PushTextureID(random() % 4 == 0 ? kPicture : kFont);
            break;
          default:
            list.AddTriangleFilled(ImVec2(x, y), ImVec2(x + 20, y), ImVec2(x, y + 20), IM_COL32_WHITE);
        }
      }
    }
    std::vector<std::vector<Drawn>> expected;
    for (const ImDrawList& list : made) expected.push_back(Expected(list));
    ImVector<ImDrawCmd> scratch;
    bool flat = false, replay_flat = false;
    for (size_t l = 0; l < made.size(); ++l) {
      SplitSolidRuns(made[l], Input(), flat, scratch);
      CHECK(Visible(Replay(made[l], replay_flat), made[l]) == expected[l]);
      CHECK(replay_flat == flat);
    }
  }
}

TEST_CASE("solid runs: an empty list stays empty and changes no shader") {
  Lists lists;
  ImDrawList list = lists.Make();
  list._PopUnusedDrawCmd();
  ImVector<ImDrawCmd> scratch;
  bool flat = true;
  CHECK(SplitSolidRuns(list, Input(), flat, scratch) == 0);
  CHECK(flat);
  CHECK(list.CmdBuffer.Size == 0);
}

#endif

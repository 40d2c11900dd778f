// The damaged rectangles of a frame (app/gui/shell/damage_rects.hpp): merged, they cover every
// damaged pixel, never overlap (a pixel drawn twice would blend twice), keep apart what is far
// apart, and stay within their number; the commands clipped to them draw each pixel of a
// rectangle with the command that drew it before, and nothing outside them.
// Compiled only when the GUI's logic library is built (PROCLAB_GUI=ON).
#ifdef PROCLAB_HAS_GUI_LOGIC
#include <catch2/catch.hpp>
#include <imgui_internal.h>

#include <random>
#include <vector>

#include "app/gui/shell/damage_rects.hpp"

using namespace proclab::gui;

namespace {

bool Covered(const std::vector<DamageRect>& rects, int x, int y) {
  for (const DamageRect& r : rects)
    if (x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1) return true;
  return false;
}

void CheckMerged(const std::vector<DamageRect>& before, const std::vector<DamageRect>& after, size_t most) {
  CHECK(after.size() <= most);
  for (size_t i = 0; i < after.size(); ++i) {
    CHECK_FALSE(after[i].empty());
    for (size_t j = i + 1; j < after.size(); ++j) CHECK_FALSE(after[i].Meets(after[j]));
  }
  // Every pixel damaged before is in a rectangle after (checked at each rectangle's corners and middle).
  for (const DamageRect& r : before) {
    if (r.empty()) continue;
    for (int x : {r.x0, (r.x0 + r.x1) / 2, r.x1 - 1})
      for (int y : {r.y0, (r.y0 + r.y1) / 2, r.y1 - 1}) CHECK(Covered(after, x, y));
  }
}

}  // namespace

TEST_CASE("damage: the lanes, the status line and the header of a live frame stay three rectangles") {
  // Measured shape at 1920x1080: the lanes in the middle, the status line along the bottom, a
  // counter in the header; their one box would be most of the window.
  const std::vector<DamageRect> before = {{560, 180, 1270, 750}, {0, 1050, 900, 1080}, {600, 40, 760, 70}};
  std::vector<DamageRect> rects = before;
  MergeDamage(rects, 4);
  CheckMerged(before, rects, 4);
  CHECK(rects.size() == 3);
  int64_t area = 0;
  for (const DamageRect& r : rects) area += r.area();
  CHECK(area == 710 * 570 + 900 * 30 + 160 * 30);
}

TEST_CASE("damage: overlapping and touching-close rectangles become one, empty ones go") {
  std::vector<DamageRect> rects = {{0, 0, 100, 100}, {50, 50, 150, 150}, {10, 10, 10, 40}, {151, 0, 160, 10}};
  const std::vector<DamageRect> before = rects;
  MergeDamage(rects, 4);
  CheckMerged(before, rects, 4);
  // The overlapping two join; the small neighbour costs less joined than drawn apart.
  REQUIRE(rects.size() == 1);
  CHECK(rects[0].x0 == 0);
  CHECK(rects[0].y0 == 0);
  CHECK(rects[0].x1 == 160);
  CHECK(rects[0].y1 == 150);
}

TEST_CASE("damage: a join that makes a box meeting a third joins that one too") {
  // a and b overlap; their union reaches c, which neither met.
  std::vector<DamageRect> rects = {{0, 0, 300, 20}, {280, 0, 300, 600}, {0, 580, 20, 600}, {1000, 1000, 1010, 1010}};
  const std::vector<DamageRect> before = rects;
  MergeDamage(rects, 8);
  CheckMerged(before, rects, 8);
}

TEST_CASE("damage: random rectangles merge to at most the number asked, disjoint, covering all") {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> coordinate(0, 1900), size(0, 400);
  for (int round = 0; round < 300; ++round) {
    std::vector<DamageRect> rects;
    const int count = 1 + round % 12;
    for (int i = 0; i < count; ++i) {
      const int x = coordinate(random), y = coordinate(random) / 2;
      rects.push_back({x, y, x + size(random), y + size(random) / 2});
    }
    const std::vector<DamageRect> before = rects;
    const size_t most = 1 + static_cast<size_t>(round % 5);
    MergeDamage(rects, most);
    INFO("round " << round);
    CheckMerged(before, rects, most);
  }
}

TEST_CASE("damage: commands are clipped to each rectangle they meet, in their order; callbacks once") {
  ImDrawList list(nullptr);
  auto command = [&](ImVec4 clip, unsigned offset) {
    ImDrawCmd cmd;
    cmd.ClipRect = clip;
    cmd.IdxOffset = offset;
    cmd.ElemCount = 3;
    list.CmdBuffer.push_back(cmd);
  };
  command(ImVec4(0, 0, 1000, 1000), 0);    // meets both rectangles
  command(ImVec4(0, 0, 50, 50), 3);        // meets only the first
  ImDrawCmd callback;
  callback.UserCallback = [](const ImDrawList*, const ImDrawCmd*) {};
  list.CmdBuffer.push_back(callback);
  command(ImVec4(900, 900, 950, 950), 6);  // meets neither: left out
  const std::vector<ImVec4> rects = {ImVec4(10, 10, 100, 100), ImVec4(500, 10, 600, 100)};
  ImVector<ImDrawCmd> scratch;
  ClipToDamage(list, rects, scratch);
  REQUIRE(list.CmdBuffer.Size == 4);
  CHECK(list.CmdBuffer[0].IdxOffset == 0);
  CHECK(list.CmdBuffer[0].ClipRect.x == 10);
  CHECK(list.CmdBuffer[0].ClipRect.z == 100);
  CHECK(list.CmdBuffer[1].IdxOffset == 0);
  CHECK(list.CmdBuffer[1].ClipRect.x == 500);
  CHECK(list.CmdBuffer[1].ClipRect.z == 600);
  CHECK(list.CmdBuffer[2].IdxOffset == 3);
  CHECK(list.CmdBuffer[2].ClipRect.x == 10);
  CHECK(list.CmdBuffer[2].ClipRect.z == 50);
  CHECK(list.CmdBuffer[3].UserCallback != nullptr);
}

#endif

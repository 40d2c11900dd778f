// Draws ImGui's frame into an offscreen framebuffer kept between frames, redrawing only the
// rectangle whose draw lists changed since the last frame, then copies it to the window.
// Why: with software OpenGL (Mesa's llvmpipe: Xvfb, VMs and classroom PCs without a GPU)
// every pixel drawn costs CPU; redrawing a whole 1280x720 window takes ~20 ms there, while in
// most frames only the lanes and a status line change. Without framebuffer objects it falls
// back to drawing everything.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <vector>

namespace proclab::gui {

class DamageRenderer {
 public:
  void Init();      // after the OpenGL context and ImGui's OpenGL3 backend exist
  void Shutdown();  // before the context goes
  // Draws `data` (and the clear colour behind it) to the window's back buffer.
  void Render(ImDrawData* data, int fb_width, int fb_height, const ImVec4& clear);
  void Invalidate() { full_ = true; }  // the next frame redraws everything (fonts rebuilt)
  // The share of the window redrawn by the last Render, 0 .. 1.
  double last_redrawn() const { return last_redrawn_; }
  // The last frame differed from the one before (something animates: draw the next one too).
  // Always false without damage tracking.
  bool frame_changed() const { return available_ && last_redrawn_ > 0; }

 private:
  struct ListState {
    const ImDrawList* list;
    uint64_t hash;
    int x0, y0, x1, y1;  // framebuffer pixels the list can touch (its clip rectangles)
  };
  // Last frame's copy of one draw list, to find which of its vertices changed.
  struct Snapshot {
    const ImDrawList* list = nullptr;
    std::vector<ImDrawVert> vertices;
    std::vector<ImDrawIdx> indices;
    std::vector<ImDrawCmd> commands;
  };
  bool Resize(int width, int height);
  // The pixels a changed list touched before or touches now: around the triangles that use a
  // vertex that differs. False when its vertices are the same (then the whole list counts).
  bool ChangedArea(const ImDrawList& now, const Snapshot& before, const ImVec2& offset,
                   const ImVec2& scale, int box[4]) const;

  bool available_ = false;
  bool full_ = true;
  unsigned framebuffer_ = 0, texture_ = 0;
  int width_ = 0, height_ = 0;
  ImVec4 clear_{};
  std::vector<ListState> previous_, current_;
  std::vector<Snapshot> snapshots_, spare_snapshots_;
  double last_redrawn_ = 1;
};

}  // namespace proclab::gui

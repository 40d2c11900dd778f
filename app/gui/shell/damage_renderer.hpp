// Draws ImGui's frame into an offscreen framebuffer kept between frames, redrawing only the
// rectangles whose draw lists changed since the last frame (shell/damage_rects.hpp), then
// copies them to the window.
// Why: with software OpenGL (Mesa's llvmpipe: Xvfb, VMs and classroom PCs without a GPU)
// every pixel drawn costs CPU; redrawing a whole 1280x720 window takes ~20 ms there, while in
// most frames only the lanes and a status line change. Without framebuffer objects it falls
// back to drawing everything.
// With a software renderer and GLX_MESA_copy_sub_buffer it draws into the window's back buffer
// instead, never swaps it (so it keeps last frame's pixels), and copies only the damaged
// rectangle to the window: under llvmpipe the copy of a whole 1920x1080 framebuffer to the
// window took ~17 ms a frame, the rectangles' copy well under 1 ms. With a software renderer it
// also draws solid triangles with a shader that samples no texture (shell/solid_runs.hpp).
// PROCLAB_RENDERER=swap in the environment turns both off (to compare).
#pragma once
#include <imgui.h>

#include <cstdint>
#include <vector>

#include "app/gui/shell/damage_rects.hpp"
#include "app/gui/shell/solid_runs.hpp"

struct GLFWwindow;

namespace proclab::gui {

class DamageRenderer {
 public:
  void Init();      // after the OpenGL context and ImGui's OpenGL3 backend exist
  void Shutdown();  // before the context goes
  // Draws `data` (and the clear colour behind it) to the window's back buffer.
  void Render(ImDrawData* data, int fb_width, int fb_height, const ImVec4& clear);
  void Invalidate() { full_ = true; }  // the next frame redraws everything (fonts rebuilt)
  // Shows the frame drawn by Render in `window` (instead of glfwSwapBuffers).
  void Present(GLFWwindow* window);
  // The window system lost the window's pixels (exposed): the next Present copies all of it.
  void Exposed() { expose_ = true; }
  // Draws into the back buffer and copies the damaged rectangles to the window (see above).
  bool copies_sub_buffer() const { return copy_sub_buffer_ != nullptr; }
  bool splits_solid() const { return split_solid_; }  // solid triangles drawn without the texture

  // The self-test's check that what the window shows is the frame: the next Render also draws
  // the frame whole with ImGui's own renderer, offscreen, and compares the two, pixel by pixel.
  struct Check {
    bool done = false;
    long differing = 0;      // pixels where a channel differs by more than 2 (of 255)
    int most = 0;            // the largest difference in any channel
    double redrawn = 0;      // the share of the window the checked frame redrew
  };
  void RequestCheck() { check_ = Check{}, check_requested_ = true; }
  const Check& check() const { return check_; }
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
  // glXCopySubBufferMESA, with its display and window; null: the offscreen framebuffer's path.
  void* copy_sub_buffer_ = nullptr;
  void* display_ = nullptr;
  unsigned long drawable_ = 0;
  // At most this many damaged rectangles a frame (measured live at 1920x1080: lanes, status
  // line, header and a tab; more only add per-rectangle costs).
  static constexpr size_t kMostRectangles = 4;
  std::vector<DamageRect> damage_;  // this frame's, merged (framebuffer pixels, rows from the top)
  std::vector<DamageRect> copies_;  // the rectangles Present copies
  std::vector<ImVec4> limits_;      // damage_ in ImGui's coordinates
  bool expose_ = false;
  int stable_frames_ = 0;   // frames drawn at this size (the copy waits until Mesa knows it)
  bool swapping_ = false;   // this frame is swapped (drawn whole), not copied
  bool swapped_ = false;    // the last frame was
  // The solid triangles' shader (made at its first use, with ImGui's shader's attribute places).
  bool split_solid_ = false;
  unsigned flat_program_ = 0;
  int flat_projection_ = -1;
  int imgui_program_ = 0;    // ImGui's shader, as found in use at the first switch of a frame
  bool flat_ready_ = false;  // the projection is copied for this frame
  ImVector<ImDrawCmd> scratch_;
  void UseFlat();
  void UseTextured();
  // The check's offscreen copy of the frame drawn whole.
  bool check_requested_ = false;
  Check check_;
  unsigned check_framebuffer_ = 0, check_texture_ = 0;
  void DrawReference(ImDrawData* data, int width, int height, const ImVec4& clear);
  void CompareWithReference(int width, int height);
  unsigned framebuffer_ = 0, texture_ = 0;
  int width_ = 0, height_ = 0;
  ImVec4 clear_{};
  std::vector<ListState> previous_, current_;
  std::vector<Snapshot> snapshots_, spare_snapshots_;
  double last_redrawn_ = 1;
};

}  // namespace proclab::gui

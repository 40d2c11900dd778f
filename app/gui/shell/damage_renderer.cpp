#include "app/gui/shell/damage_renderer.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <cfloat>
#include <cstring>

namespace proclab::gui {

namespace {

// The framebuffer-object calls are OpenGL 3.0: fetched through GLFW, as libGL need not
// export them.
PFNGLGENFRAMEBUFFERSPROC gen_framebuffers = nullptr;
PFNGLDELETEFRAMEBUFFERSPROC delete_framebuffers = nullptr;
PFNGLBINDFRAMEBUFFERPROC bind_framebuffer = nullptr;
PFNGLFRAMEBUFFERTEXTURE2DPROC framebuffer_texture_2d = nullptr;
PFNGLCHECKFRAMEBUFFERSTATUSPROC check_framebuffer_status = nullptr;
PFNGLBLITFRAMEBUFFERPROC blit_framebuffer = nullptr;

uint64_t Mix(uint64_t hash, uint64_t word) {
  hash = (hash ^ word) * 0x9E3779B97F4A7C15ull;
  return hash ^ (hash >> 29);
}

uint64_t HashBytes(uint64_t hash, const void* data, size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    hash = Mix(hash, word);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, bytes + i, size - i);
  return Mix(hash, tail ^ size);
}

// Everything that decides the pixels a draw list produces (given the same font texture).
uint64_t HashList(const ImDrawList& list) {
  uint64_t hash = 0x5A17ull;
  hash = HashBytes(hash, list.VtxBuffer.Data, static_cast<size_t>(list.VtxBuffer.Size) * sizeof(ImDrawVert));
  hash = HashBytes(hash, list.IdxBuffer.Data, static_cast<size_t>(list.IdxBuffer.Size) * sizeof(ImDrawIdx));
  for (const ImDrawCmd& cmd : list.CmdBuffer) {
    hash = HashBytes(hash, &cmd.ClipRect, sizeof cmd.ClipRect);
    hash = Mix(hash, reinterpret_cast<uintptr_t>(cmd.TextureId));
    hash = Mix(hash, (static_cast<uint64_t>(cmd.VtxOffset) << 32) ^ cmd.IdxOffset);
    hash = Mix(hash, (static_cast<uint64_t>(cmd.ElemCount) << 1) ^ (cmd.UserCallback != nullptr));
  }
  return hash;
}

}  // namespace

namespace {

struct Box {
  float x0 = FLT_MAX, y0 = FLT_MAX, x1 = -FLT_MAX, y1 = -FLT_MAX;
  void Add(const ImVec2& p, const ImVec4& clip) {
    x0 = std::min(x0, std::max(p.x, clip.x)), y0 = std::min(y0, std::max(p.y, clip.y));
    x1 = std::max(x1, std::min(p.x, clip.z)), y1 = std::max(y1, std::min(p.y, clip.w));
  }
};

// Adds the triangles of (vertices, indices, commands) that use a vertex in [lo, hi).
void AddTrianglesUsing(const ImDrawVert* vertices, const ImDrawIdx* indices, const ImDrawCmd* commands,
                       int command_count, size_t lo, size_t hi, Box& box) {
  if (lo >= hi) return;
  for (int c = 0; c < command_count; ++c) {
    const ImDrawCmd& cmd = commands[c];
    for (unsigned k = 0; k + 2 < cmd.ElemCount; k += 3) {
      const size_t a = cmd.VtxOffset + indices[cmd.IdxOffset + k];
      const size_t b = cmd.VtxOffset + indices[cmd.IdxOffset + k + 1];
      const size_t d = cmd.VtxOffset + indices[cmd.IdxOffset + k + 2];
      if ((a < lo || a >= hi) && (b < lo || b >= hi) && (d < lo || d >= hi)) continue;
      box.Add(vertices[a].pos, cmd.ClipRect);
      box.Add(vertices[b].pos, cmd.ClipRect);
      box.Add(vertices[d].pos, cmd.ClipRect);
    }
  }
}

}  // namespace

bool DamageRenderer::ChangedArea(const ImDrawList& now, const Snapshot& before, const ImVec2& offset,
                                 const ImVec2& scale, int area[4]) const {
  const size_t n = static_cast<size_t>(now.VtxBuffer.Size), m = before.vertices.size();
  auto same = [](const ImDrawVert& a, const ImDrawVert& b) { return std::memcmp(&a, &b, sizeof a) == 0; };
  // What changed lies between the longest common prefix and the longest common suffix (a
  // number that grew a digit shifts what follows it, but leaves it the same).
  size_t prefix = 0;
  while (prefix < n && prefix < m && same(now.VtxBuffer[static_cast<int>(prefix)], before.vertices[prefix])) ++prefix;
  size_t suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix &&
         same(now.VtxBuffer[static_cast<int>(n - 1 - suffix)], before.vertices[m - 1 - suffix]))
    ++suffix;
  if (prefix + suffix >= n && prefix + suffix >= m) return false;
  Box box;
  AddTrianglesUsing(now.VtxBuffer.Data, now.IdxBuffer.Data, now.CmdBuffer.Data, now.CmdBuffer.Size, prefix,
                    n - suffix, box);
  AddTrianglesUsing(before.vertices.data(), before.indices.data(), before.commands.data(),
                    static_cast<int>(before.commands.size()), prefix, m - suffix, box);
  if (box.x1 < box.x0 || box.y1 < box.y0) {
    area[0] = area[1] = area[2] = area[3] = 0;  // only vertices no triangle uses
    return true;
  }
  area[0] = static_cast<int>(std::floor((box.x0 - offset.x) * scale.x)) - 1;
  area[1] = static_cast<int>(std::floor((box.y0 - offset.y) * scale.y)) - 1;
  area[2] = static_cast<int>(std::ceil((box.x1 - offset.x) * scale.x)) + 1;
  area[3] = static_cast<int>(std::ceil((box.y1 - offset.y) * scale.y)) + 1;
  return true;
}

void DamageRenderer::Init() {
  auto load = [](const char* name) { return glfwGetProcAddress(name); };
  gen_framebuffers = reinterpret_cast<PFNGLGENFRAMEBUFFERSPROC>(load("glGenFramebuffers"));
  delete_framebuffers = reinterpret_cast<PFNGLDELETEFRAMEBUFFERSPROC>(load("glDeleteFramebuffers"));
  bind_framebuffer = reinterpret_cast<PFNGLBINDFRAMEBUFFERPROC>(load("glBindFramebuffer"));
  framebuffer_texture_2d = reinterpret_cast<PFNGLFRAMEBUFFERTEXTURE2DPROC>(load("glFramebufferTexture2D"));
  check_framebuffer_status = reinterpret_cast<PFNGLCHECKFRAMEBUFFERSTATUSPROC>(load("glCheckFramebufferStatus"));
  blit_framebuffer = reinterpret_cast<PFNGLBLITFRAMEBUFFERPROC>(load("glBlitFramebuffer"));
  available_ = gen_framebuffers && delete_framebuffers && bind_framebuffer && framebuffer_texture_2d &&
               check_framebuffer_status && blit_framebuffer;
  full_ = true;
}

void DamageRenderer::Shutdown() {
  if (framebuffer_ != 0) delete_framebuffers(1, &framebuffer_);
  if (texture_ != 0) glDeleteTextures(1, &texture_);
  framebuffer_ = texture_ = 0;
  width_ = height_ = 0;
}

bool DamageRenderer::Resize(int width, int height) {
  Shutdown();
  glGenTextures(1, &texture_);
  glBindTexture(GL_TEXTURE_2D, texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  // BGRA as the hint, like a window's own pixels, so the copy to the window can be a plain
  // memory copy rather than a drawn quad.
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_BGRA, GL_UNSIGNED_INT_8_8_8_8_REV, nullptr);
  gen_framebuffers(1, &framebuffer_);
  bind_framebuffer(GL_FRAMEBUFFER, framebuffer_);
  framebuffer_texture_2d(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture_, 0);
  const bool complete = check_framebuffer_status(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
  bind_framebuffer(GL_FRAMEBUFFER, 0);
  if (!complete) {
    Shutdown();
    available_ = false;
    return false;
  }
  width_ = width;
  height_ = height;
  full_ = true;  // the new texture holds nothing yet
  return true;
}

void DamageRenderer::Render(ImDrawData* data, int fb_width, int fb_height, const ImVec4& clear) {
  const auto draw_all = [&] {
    glViewport(0, 0, fb_width, fb_height);
    glClearColor(clear.x, clear.y, clear.z, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(data);
  };
  if (fb_width <= 0 || fb_height <= 0) {  // minimised: nothing drawn, nothing changes
    last_redrawn_ = 0;
    return;
  }
  if (!available_ || ((fb_width != width_ || fb_height != height_) && !Resize(fb_width, fb_height))) {
    last_redrawn_ = 1;
    draw_all();
    return;
  }
  // Which framebuffer pixels each draw list can touch, and whether it changed.
  const ImVec2 offset = data->DisplayPos, scale = data->FramebufferScale;
  current_.clear();
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList* list = data->CmdLists[l];
    // Within its clip rectangles and its vertices' bounding box: a top-level window clips to
    // the whole screen, but draws only within its own rectangle.
    ImVec4 clip(FLT_MAX, FLT_MAX, -FLT_MAX, -FLT_MAX), box = clip;
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.ElemCount == 0 && cmd.UserCallback == nullptr) continue;
      clip = ImVec4(std::min(clip.x, cmd.ClipRect.x), std::min(clip.y, cmd.ClipRect.y),
                    std::max(clip.z, cmd.ClipRect.z), std::max(clip.w, cmd.ClipRect.w));
    }
    for (const ImDrawVert& v : list->VtxBuffer)
      box = ImVec4(std::min(box.x, v.pos.x), std::min(box.y, v.pos.y), std::max(box.z, v.pos.x), std::max(box.w, v.pos.y));
    ListState state{list, HashList(*list), 0, 0, 0, 0};
    const float left = std::max(clip.x, box.x), top = std::max(clip.y, box.y);
    const float right = std::min(clip.z, box.z), bottom = std::min(clip.w, box.w);
    if (right > left && bottom > top) {
      state.x0 = static_cast<int>(std::floor((left - offset.x) * scale.x)) - 1;
      state.y0 = static_cast<int>(std::floor((top - offset.y) * scale.y)) - 1;
      state.x1 = static_cast<int>(std::ceil((right - offset.x) * scale.x)) + 1;
      state.y1 = static_cast<int>(std::ceil((bottom - offset.y) * scale.y)) + 1;
    }
    current_.push_back(state);
  }
  int x0 = fb_width, y0 = fb_height, x1 = 0, y1 = 0;
  auto damage = [&](const ListState& s) {
    if (s.x1 <= s.x0 || s.y1 <= s.y0) return;  // draws nothing
    x0 = std::min(x0, s.x0), y0 = std::min(y0, s.y0), x1 = std::max(x1, s.x1), y1 = std::max(y1, s.y1);
  };
  if (full_ || std::memcmp(&clear, &clear_, sizeof clear) != 0) {
    x0 = y0 = 0, x1 = fb_width, y1 = fb_height;
  } else {
    // A list that is new, changed, or moved in the drawing order damages where it is now and
    // where it was; a list that went away damages where it was.
    for (size_t i = 0; i < current_.size(); ++i) {
      const ListState& now = current_[i];
      const bool same_place = i < previous_.size() && previous_[i].list == now.list;
      const ListState* before = same_place ? &previous_[i] : nullptr;
      for (size_t j = 0; before == nullptr && j < previous_.size(); ++j)
        if (previous_[j].list == now.list) before = &previous_[j];
      if (before != nullptr && same_place && before->hash == now.hash) continue;
      // Same list in the same place: only around the vertices that changed.
      const Snapshot* snapshot = nullptr;
      for (const Snapshot& candidate : snapshots_)
        if (candidate.list == now.list) snapshot = &candidate;
      int area[4];
      if (same_place && snapshot != nullptr && ChangedArea(*now.list, *snapshot, offset, scale, area)) {
        damage(ListState{now.list, 0, area[0], area[1], area[2], area[3]});
        continue;
      }
      damage(now);
      if (before != nullptr) damage(*before);
    }
    for (const ListState& before : previous_) {
      const bool kept = std::any_of(current_.begin(), current_.end(),
                                    [&](const ListState& s) { return s.list == before.list; });
      if (!kept) damage(before);
    }
  }
  x0 = std::max(x0, 0), y0 = std::max(y0, 0), x1 = std::min(x1, fb_width), y1 = std::min(y1, fb_height);
  std::swap(previous_, current_);
  // Keep this frame's lists for the next comparison (reusing last frame's storage).
  std::swap(snapshots_, spare_snapshots_);
  snapshots_.resize(static_cast<size_t>(data->CmdListsCount));
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList& list = *data->CmdLists[l];
    Snapshot& snapshot = snapshots_[static_cast<size_t>(l)];
    snapshot.list = &list;
    snapshot.vertices.assign(list.VtxBuffer.begin(), list.VtxBuffer.end());
    snapshot.indices.assign(list.IdxBuffer.begin(), list.IdxBuffer.end());
    snapshot.commands.assign(list.CmdBuffer.begin(), list.CmdBuffer.end());
  }
  full_ = false;
  clear_ = clear;
  last_redrawn_ = x1 > x0 && y1 > y0
                      ? static_cast<double>(x1 - x0) * (y1 - y0) / (static_cast<double>(fb_width) * fb_height)
                      : 0;

  bind_framebuffer(GL_FRAMEBUFFER, framebuffer_);
  if (last_redrawn_ > 0) {
    // Only the damaged rectangle: cleared, then every command clipped to it.
    const ImVec4 limit(static_cast<float>(x0) / scale.x + offset.x, static_cast<float>(y0) / scale.y + offset.y,
                       static_cast<float>(x1) / scale.x + offset.x, static_cast<float>(y1) / scale.y + offset.y);
    for (int l = 0; l < data->CmdListsCount; ++l) {
      for (ImDrawCmd& cmd : data->CmdLists[l]->CmdBuffer) {
        cmd.ClipRect.x = std::max(cmd.ClipRect.x, limit.x);
        cmd.ClipRect.y = std::max(cmd.ClipRect.y, limit.y);
        cmd.ClipRect.z = std::min(cmd.ClipRect.z, limit.z);
        cmd.ClipRect.w = std::min(cmd.ClipRect.w, limit.w);
      }
    }
    glViewport(0, 0, fb_width, fb_height);
    glEnable(GL_SCISSOR_TEST);
    glScissor(x0, fb_height - y1, x1 - x0, y1 - y0);  // OpenGL's rows start at the bottom
    glClearColor(clear.x, clear.y, clear.z, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
    ImGui_ImplOpenGL3_RenderDrawData(data);
  }
  bind_framebuffer(GL_READ_FRAMEBUFFER, framebuffer_);
  bind_framebuffer(GL_DRAW_FRAMEBUFFER, 0);
  blit_framebuffer(0, 0, fb_width, fb_height, 0, 0, fb_width, fb_height, GL_COLOR_BUFFER_BIT, GL_NEAREST);
  bind_framebuffer(GL_FRAMEBUFFER, 0);
}

}  // namespace proclab::gui

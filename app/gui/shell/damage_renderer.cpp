#include "app/gui/shell/damage_renderer.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <cfloat>
#include <cstdlib>
#include <cstring>
#include <string_view>

// Last: Xlib's macros (None, Bool, Status ...) must not meet ImGui's or ours.
#include <GL/glx.h>

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
// The solid triangles' shader (OpenGL 2.0 calls, fetched the same way).
PFNGLCREATESHADERPROC create_shader = nullptr;
PFNGLSHADERSOURCEPROC shader_source = nullptr;
PFNGLCOMPILESHADERPROC compile_shader = nullptr;
PFNGLDELETESHADERPROC delete_shader = nullptr;
PFNGLCREATEPROGRAMPROC create_program = nullptr;
PFNGLATTACHSHADERPROC attach_shader = nullptr;
PFNGLBINDATTRIBLOCATIONPROC bind_attrib_location = nullptr;
PFNGLLINKPROGRAMPROC link_program = nullptr;
PFNGLGETPROGRAMIVPROC get_programiv = nullptr;
PFNGLDELETEPROGRAMPROC delete_program = nullptr;
PFNGLUSEPROGRAMPROC use_program = nullptr;
PFNGLGETATTRIBLOCATIONPROC get_attrib_location = nullptr;
PFNGLGETUNIFORMLOCATIONPROC get_uniform_location = nullptr;
PFNGLGETUNIFORMFVPROC get_uniformfv = nullptr;
PFNGLUNIFORMMATRIX4FVPROC uniform_matrix4fv = nullptr;

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

namespace {

// A copy the X server refused (BadValue for a rectangle it thinks is outside the window) must
// not end the program, as Xlib's default handler would: the renderer swaps from then on. Every
// other error goes to the handler that was there before.
bool copy_failed = false;
XErrorHandler previous_handler = nullptr;
int shm_opcode = -1;

int OnXError(Display* display, XErrorEvent* error) {
  constexpr int kPutImage = 72, kShmPutImage = 3;
  if (error->request_code == kPutImage || (error->request_code == shm_opcode && error->minor_code == kShmPutImage)) {
    copy_failed = true;
    return 0;
  }
  return previous_handler != nullptr ? previous_handler(display, error) : 0;
}

// Renderers that draw every pixel on the CPU (Mesa's llvmpipe, softpipe, swrast).
bool SoftwareRenderer() {
  const auto* name = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  if (name == nullptr) return false;
  const std::string_view renderer(name);
  for (std::string_view software : {"llvmpipe", "softpipe", "swrast", "Software Rasterizer"})
    if (renderer.find(software) != std::string_view::npos) return true;
  return false;
}

}  // namespace

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
  create_shader = reinterpret_cast<PFNGLCREATESHADERPROC>(load("glCreateShader"));
  shader_source = reinterpret_cast<PFNGLSHADERSOURCEPROC>(load("glShaderSource"));
  compile_shader = reinterpret_cast<PFNGLCOMPILESHADERPROC>(load("glCompileShader"));
  delete_shader = reinterpret_cast<PFNGLDELETESHADERPROC>(load("glDeleteShader"));
  create_program = reinterpret_cast<PFNGLCREATEPROGRAMPROC>(load("glCreateProgram"));
  attach_shader = reinterpret_cast<PFNGLATTACHSHADERPROC>(load("glAttachShader"));
  bind_attrib_location = reinterpret_cast<PFNGLBINDATTRIBLOCATIONPROC>(load("glBindAttribLocation"));
  link_program = reinterpret_cast<PFNGLLINKPROGRAMPROC>(load("glLinkProgram"));
  get_programiv = reinterpret_cast<PFNGLGETPROGRAMIVPROC>(load("glGetProgramiv"));
  delete_program = reinterpret_cast<PFNGLDELETEPROGRAMPROC>(load("glDeleteProgram"));
  use_program = reinterpret_cast<PFNGLUSEPROGRAMPROC>(load("glUseProgram"));
  get_attrib_location = reinterpret_cast<PFNGLGETATTRIBLOCATIONPROC>(load("glGetAttribLocation"));
  get_uniform_location = reinterpret_cast<PFNGLGETUNIFORMLOCATIONPROC>(load("glGetUniformLocation"));
  get_uniformfv = reinterpret_cast<PFNGLGETUNIFORMFVPROC>(load("glGetUniformfv"));
  uniform_matrix4fv = reinterpret_cast<PFNGLUNIFORMMATRIX4FVPROC>(load("glUniformMatrix4fv"));
  const bool shaders = create_shader && shader_source && compile_shader && delete_shader && create_program &&
                       attach_shader && bind_attrib_location && link_program && get_programiv && delete_program &&
                       use_program && get_attrib_location && get_uniform_location && get_uniformfv &&
                       uniform_matrix4fv;
  const char* choice = std::getenv("PROCLAB_RENDERER");
  const bool plain = choice != nullptr && std::string_view(choice) == "swap";
  split_solid_ = shaders && !plain && SoftwareRenderer();
  // The back buffer's path: only where pixels cost CPU (on a GPU the copy is nearly free, and
  // swapping keeps vsync), and only under GLX with the extension.
  copy_sub_buffer_ = nullptr;
  Display* display = glXGetCurrentDisplay();
  const GLXDrawable drawable = glXGetCurrentDrawable();
  if (available_ && !plain && display != nullptr && drawable != 0 && SoftwareRenderer()) {
    const char* extensions = glXQueryExtensionsString(display, DefaultScreen(display));
    if (extensions != nullptr && std::string_view(extensions).find("GLX_MESA_copy_sub_buffer") != std::string_view::npos) {
      copy_sub_buffer_ = reinterpret_cast<void*>(
          glXGetProcAddressARB(reinterpret_cast<const GLubyte*>("glXCopySubBufferMESA")));
      display_ = display;
      drawable_ = drawable;
      int first_event = 0, first_error = 0;
      if (!XQueryExtension(display, "MIT-SHM", &shm_opcode, &first_event, &first_error)) shm_opcode = -1;
      if (previous_handler == nullptr) previous_handler = XSetErrorHandler(OnXError);
    }
  }
  full_ = true;
}

void DamageRenderer::Shutdown() {
  if (framebuffer_ != 0) delete_framebuffers(1, &framebuffer_);
  if (texture_ != 0) glDeleteTextures(1, &texture_);
  if (check_framebuffer_ != 0) delete_framebuffers(1, &check_framebuffer_);
  if (check_texture_ != 0) glDeleteTextures(1, &check_texture_);
  framebuffer_ = texture_ = check_framebuffer_ = check_texture_ = 0;
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
    copies_.clear();
    return;
  }
  if (check_requested_) DrawReference(data, fb_width, fb_height, clear);
  if (copy_sub_buffer_ != nullptr && copy_failed) {
    copy_sub_buffer_ = nullptr;  // the window system refused a copy: swap from now on
    width_ = height_ = 0;
  }
  if (copy_sub_buffer_ != nullptr) {
    // The back buffer is reallocated with the window: it holds nothing of the last frame. And
    // Mesa learns the new size at a swap, not at a copy (a copy by the new size was refused):
    // while the size changes, each frame is drawn whole and swapped, until it holds two frames.
    if (fb_width != width_ || fb_height != height_) stable_frames_ = 0;
    swapping_ = stable_frames_ < 2;
    stable_frames_ = std::min(stable_frames_ + 1, 2);
    if (swapping_ || swapped_) full_ = true;  // after a swap the back buffer holds nothing certain
    swapped_ = swapping_;
    width_ = fb_width;
    height_ = fb_height;
  } else if (!available_ || ((fb_width != width_ || fb_height != height_) && !Resize(fb_width, fb_height))) {
    last_redrawn_ = 1;
    draw_all();
    if (check_requested_) CompareWithReference(fb_width, fb_height);
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
  damage_.clear();
  auto damage = [&](const ListState& s) {
    if (s.x1 <= s.x0 || s.y1 <= s.y0) return;  // draws nothing
    damage_.push_back({std::max(s.x0, 0), std::max(s.y0, 0), std::min(s.x1, fb_width), std::min(s.y1, fb_height)});
  };
  if (full_ || std::memcmp(&clear, &clear_, sizeof clear) != 0) {
    damage_.push_back({0, 0, fb_width, fb_height});
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
  MergeDamage(damage_, kMostRectangles);
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
  int64_t redrawn = 0;
  for (const DamageRect& r : damage_) redrawn += r.area();
  last_redrawn_ = static_cast<double>(redrawn) / (static_cast<double>(fb_width) * fb_height);

  copies_ = damage_;
  bind_framebuffer(GL_FRAMEBUFFER, copy_sub_buffer_ != nullptr ? 0 : framebuffer_);
  if (!damage_.empty()) {
    // Only the damaged rectangles: each cleared, then every command drawn clipped to each one it meets.
    limits_.clear();
    for (const DamageRect& r : damage_)
      limits_.push_back(ImVec4(static_cast<float>(r.x0) / scale.x + offset.x, static_cast<float>(r.y0) / scale.y + offset.y,
                               static_cast<float>(r.x1) / scale.x + offset.x, static_cast<float>(r.y1) / scale.y + offset.y));
    for (int l = 0; l < data->CmdListsCount; ++l) ClipToDamage(*data->CmdLists[l], limits_, scratch_);
    glViewport(0, 0, fb_width, fb_height);
    glEnable(GL_SCISSOR_TEST);
    glClearColor(clear.x, clear.y, clear.z, 1);
    for (const DamageRect& r : damage_) {
      glScissor(r.x0, fb_height - r.y1, r.x1 - r.x0, r.y1 - r.y0);  // OpenGL's rows start at the bottom
      glClear(GL_COLOR_BUFFER_BIT);
    }
    glDisable(GL_SCISSOR_TEST);
    if (split_solid_) {
      // Solid triangles with the flat shader (the commands are already clipped to the rectangles,
      // so what lies outside them is left out here too).
      const ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
      const SolidRunsInput input{.font = atlas.TexID,
                                 .white_uv = atlas.TexUvWhitePixel,
                                 .to_flat = [](const ImDrawList*, const ImDrawCmd* cmd) {
                                   static_cast<DamageRenderer*>(cmd->UserCallbackData)->UseFlat();
                                 },
                                 .to_textured = [](const ImDrawList*, const ImDrawCmd* cmd) {
                                   static_cast<DamageRenderer*>(cmd->UserCallbackData)->UseTextured();
                                 },
                                 .user = this};
      bool flat = false;
      imgui_program_ = 0;
      flat_ready_ = false;
      for (int l = 0; l < data->CmdListsCount; ++l) SplitSolidRuns(*data->CmdLists[l], input, flat, scratch_);
    }
    ImGui_ImplOpenGL3_RenderDrawData(data);
  }
  if (copy_sub_buffer_ == nullptr) {
    bind_framebuffer(GL_READ_FRAMEBUFFER, framebuffer_);
    bind_framebuffer(GL_DRAW_FRAMEBUFFER, 0);
    blit_framebuffer(0, 0, fb_width, fb_height, 0, 0, fb_width, fb_height, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    bind_framebuffer(GL_FRAMEBUFFER, 0);
  }  // else Present copies the rectangle to the window
  if (check_requested_) CompareWithReference(fb_width, fb_height);
}

// ------------------------------------------------------------------ the solid triangles' shader

void DamageRenderer::UseFlat() {
  if (imgui_program_ == 0) glGetIntegerv(GL_CURRENT_PROGRAM, &imgui_program_);  // ImGui's, set up for this frame
  const unsigned imgui = static_cast<unsigned>(imgui_program_);
  if (flat_program_ == 0) {
    // ImGui's vertex shader, and a fragment shader that takes the vertex colour as it is: the
    // white pixel ImGui's shader would multiply it by is 1.0 in every channel.
    static const char* const vertex_source =
        "#version 330 core\n"
        "uniform mat4 ProjMtx;\n"
        "in vec2 Position;\n"
        "in vec2 UV;\n"
        "in vec4 Color;\n"
        "out vec4 Frag_Color;\n"
        "void main() { Frag_Color = Color; gl_Position = ProjMtx * vec4(Position.xy, 0, 1); }\n";
    static const char* const fragment_source =
        "#version 330 core\n"
        "in vec4 Frag_Color;\n"
        "out vec4 Out_Color;\n"
        "void main() { Out_Color = Frag_Color; }\n";
    const unsigned vertex = create_shader(GL_VERTEX_SHADER), fragment = create_shader(GL_FRAGMENT_SHADER);
    shader_source(vertex, 1, &vertex_source, nullptr);
    shader_source(fragment, 1, &fragment_source, nullptr);
    compile_shader(vertex);
    compile_shader(fragment);
    flat_program_ = create_program();
    attach_shader(flat_program_, vertex);
    attach_shader(flat_program_, fragment);
    // The attributes where ImGui's vertex array object feeds them.
    for (const char* name : {"Position", "UV", "Color"}) {
      const int location = get_attrib_location(imgui, name);
      if (location >= 0) bind_attrib_location(flat_program_, static_cast<unsigned>(location), name);
    }
    link_program(flat_program_);
    delete_shader(vertex);
    delete_shader(fragment);
    int linked = 0;
    get_programiv(flat_program_, GL_LINK_STATUS, &linked);
    flat_projection_ = linked != 0 ? get_uniform_location(flat_program_, "ProjMtx") : -1;
    if (flat_projection_ < 0) {  // not usable here: ImGui's shader draws everything from now on
      split_solid_ = false;
      return;
    }
  }
  if (flat_projection_ < 0) return;
  if (!flat_ready_) {
    float projection[16];
    get_uniformfv(imgui, get_uniform_location(imgui, "ProjMtx"), projection);
    use_program(flat_program_);
    uniform_matrix4fv(flat_projection_, 1, GL_FALSE, projection);
    flat_ready_ = true;
  }
  use_program(flat_program_);
}

void DamageRenderer::UseTextured() {
  if (imgui_program_ != 0) use_program(static_cast<unsigned>(imgui_program_));
}

// ------------------------------------------------------------------------------- the check

void DamageRenderer::DrawReference(ImDrawData* data, int width, int height, const ImVec4& clear) {
  if (!available_) return;
  if (check_framebuffer_ == 0) {
    glGenTextures(1, &check_texture_);
    glBindTexture(GL_TEXTURE_2D, check_texture_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_BGRA, GL_UNSIGNED_INT_8_8_8_8_REV, nullptr);
    gen_framebuffers(1, &check_framebuffer_);
    bind_framebuffer(GL_FRAMEBUFFER, check_framebuffer_);
    framebuffer_texture_2d(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, check_texture_, 0);
  } else {
    glBindTexture(GL_TEXTURE_2D, check_texture_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_BGRA, GL_UNSIGNED_INT_8_8_8_8_REV, nullptr);
    bind_framebuffer(GL_FRAMEBUFFER, check_framebuffer_);
  }
  glViewport(0, 0, width, height);
  glClearColor(clear.x, clear.y, clear.z, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(data);  // ImGui's own renderer, everything, nothing left out
  bind_framebuffer(GL_FRAMEBUFFER, 0);
}

void DamageRenderer::CompareWithReference(int width, int height) {
  check_requested_ = false;
  if (check_framebuffer_ == 0) return;
  const size_t size = static_cast<size_t>(width) * height * 4;
  std::vector<unsigned char> reference(size), shown(size);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  bind_framebuffer(GL_READ_FRAMEBUFFER, check_framebuffer_);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, reference.data());
  // What the window is given: the back buffer (after the offscreen framebuffer's copy to it).
  bind_framebuffer(GL_READ_FRAMEBUFFER, 0);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, shown.data());
  bind_framebuffer(GL_FRAMEBUFFER, 0);
  check_ = Check{.done = true, .redrawn = last_redrawn_};
  for (size_t p = 0; p < size; p += 4) {
    int most = 0;
    for (size_t c = 0; c < 3; ++c) most = std::max(most, std::abs(int{reference[p + c]} - int{shown[p + c]}));
    check_.most = std::max(check_.most, most);
    if (most > 2) ++check_.differing;
  }
}

void DamageRenderer::Present(GLFWwindow* window) {
  if (copy_sub_buffer_ == nullptr || swapping_) {
    glfwSwapBuffers(window);
    return;
  }
  if (expose_) copies_.assign(1, DamageRect{0, 0, width_, height_});
  expose_ = false;
  // Each rectangle's lower-left corner, in OpenGL's rows from the bottom; an implicit glFlush.
  // None: the window already shows this frame.
  using CopySubBuffer = void (*)(Display*, GLXDrawable, int, int, int, int);
  for (const DamageRect& r : copies_)
    reinterpret_cast<CopySubBuffer>(copy_sub_buffer_)(static_cast<Display*>(display_), drawable_, r.x0,
                                                     height_ - r.y1, r.x1 - r.x0, r.y1 - r.y0);
}

}  // namespace proclab::gui

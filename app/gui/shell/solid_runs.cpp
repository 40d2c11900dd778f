#include "app/gui/shell/solid_runs.hpp"

#include <algorithm>

namespace proclab::gui {

int SplitSolidRuns(ImDrawList& list, const SolidRunsInput& input, bool& flat, ImVector<ImDrawCmd>& scratch) {
  scratch.resize(0);
  int flat_triangles = 0;
  const ImDrawVert* vertices = list.VtxBuffer.Data;
  const ImDrawIdx* indices = list.IdxBuffer.Data;
  auto add_callback = [&](const ImDrawCmd& like, bool to_flat) {
    ImDrawCmd callback = like;
    callback.ElemCount = 0;
    callback.UserCallback = to_flat ? input.to_flat : input.to_textured;
    callback.UserCallbackData = input.user;
    scratch.push_back(callback);
    flat = to_flat;
  };
  for (const ImDrawCmd& cmd : list.CmdBuffer) {
    if (cmd.UserCallback != nullptr) {
      // Another callback finds ImGui's own shader in use, as it would without the split.
      if (flat) add_callback(cmd, false);
      scratch.push_back(cmd);
      continue;
    }
    const ImVec4& clip = cmd.ClipRect;
    if (clip.z <= clip.x || clip.w <= clip.y || cmd.ElemCount == 0) continue;  // draws nothing
    // Wholly outside the clip rectangle, with a pixel's margin for the scissor's rounding.
    const float x0 = clip.x - 1, y0 = clip.y - 1, x1 = clip.z + 1, y1 = clip.w + 1;
    const bool may_be_solid = cmd.TextureId == input.font;
    // The run being gathered: triangles [start, end) of this command (end: after its last
    // triangle that draws something; those between are kept, so the run stays one range).
    unsigned start = 0, end = 0;
    bool run_flat = false, open = false;
    auto close = [&] {
      if (!open) return;
      if (run_flat != flat) add_callback(cmd, run_flat);
      ImDrawCmd part = cmd;
      part.IdxOffset = cmd.IdxOffset + start;
      part.ElemCount = end - start;
      scratch.push_back(part);
      open = false;
    };
    for (unsigned k = 0; k + 2 < cmd.ElemCount; k += 3) {
      const ImDrawVert& a = vertices[cmd.VtxOffset + indices[cmd.IdxOffset + k]];
      const ImDrawVert& b = vertices[cmd.VtxOffset + indices[cmd.IdxOffset + k + 1]];
      const ImDrawVert& c = vertices[cmd.VtxOffset + indices[cmd.IdxOffset + k + 2]];
      if (std::max({a.pos.x, b.pos.x, c.pos.x}) < x0 || std::min({a.pos.x, b.pos.x, c.pos.x}) > x1 ||
          std::max({a.pos.y, b.pos.y, c.pos.y}) < y0 || std::min({a.pos.y, b.pos.y, c.pos.y}) > y1)
        continue;  // draws nothing: joins the run it falls in, or none
      auto white = [&](const ImDrawVert& v) { return v.uv.x == input.white_uv.x && v.uv.y == input.white_uv.y; };
      const bool solid = may_be_solid && white(a) && white(b) && white(c);
      if (open && solid != run_flat) close();
      if (!open) {
        open = true;
        run_flat = solid;
        start = k;
      }
      end = k + 3;
      if (solid) ++flat_triangles;
    }
    close();
  }
  list.CmdBuffer.swap(scratch);
  return flat_triangles;
}

}  // namespace proclab::gui

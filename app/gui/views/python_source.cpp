#include "app/gui/views/python_views.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <vector>

namespace proclab::gui {
namespace {

// The file id the run's tracer gave `path` (its kFile declarations name real paths), or 0.
uint32_t FileId(const RunFacts& facts, const std::string& path) {
  // The real path once per program (it costs system calls; this runs every frame).
  static std::map<std::string, std::string> real_paths;
  auto it = real_paths.find(path);
  if (it == real_paths.end()) {
    std::error_code error;
    it = real_paths.emplace(path, std::filesystem::weakly_canonical(path, error).string()).first;
  }
  const std::string& real = it->second;
  for (const Declaration& d : facts.declarations())
    if (d.kind == ObjectKind::kFile && (d.name == real || d.name == path)) return d.id;
  return 0;
}

struct Mark {
  int lane;
  bool now;      // the process is alive and on this line
  bool raised;   // it failed here (its error is shown under the line)
};

}  // namespace

void DrawPythonSource(const ViewContext& ctx, const std::string& path, const std::string& source) {
  // Line starts, once per frame: sources are small (and a clipper draws only what is in view).
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < source.size(); ++i)
    if (source[i] == '\n' && i + 1 < source.size()) starts.push_back(i + 1);

  std::map<int64_t, std::vector<Mark>> marks;  // line -> the processes on it
  const RunFacts* facts = ctx.run.empty() ? nullptr : ctx.run.facts;
  bool any_line = false;
  if (facts != nullptr && ctx.run.python) {
    const uint32_t file = FileId(*facts, path);
    for (int lane = 0; lane < facts->children(); ++lane) {
      const ChildFacts& child = facts->child(lane);
      any_line |= child.line > 0;
      if (file == 0 || child.file != file || child.line <= 0) continue;
      const bool alive = ctx.run.live && !child.ended();
      marks[child.line].push_back({lane, alive, !child.error.empty()});
    }
  }
  const float em = ImGui::GetFontSize();
  if (facts != nullptr && ctx.run.python && !any_line && facts->events() > 0 && ctx.run.result != nullptr) {
    // Nobody reported a line: the run traced none (lines off), or the program never ran a line.
    ImGui::TextDisabled("%s", ctx.T(Str::kLinesOff));
  }
  // A process's error (a syntax error's included) in words above the source, with its line.
  if (facts != nullptr && ctx.run.python) {
    for (const auto& [line, on] : marks)
      for (const Mark& mark : on)
        if (mark.raised) {
          ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ctx.theme.bad));
          char text[1024];
          std::snprintf(text, sizeof text, ctx.T(Str::kRaisedHere), LaneLabel(ctx, mark.lane).c_str(),
                        static_cast<long long>(line), facts->child(mark.lane).error.c_str());
          ImGui::TextWrapped("%s", text);
          ImGui::PopStyleColor();
        }
  }
  ImGui::BeginChild("python_source", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  ImGui::PushFont(ctx.fonts.mono);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float number_w = ImGui::CalcTextSize("0000 ").x;
  const float width = std::max(ImGui::GetContentRegionAvail().x, em * 40);
  // A finished run where a process raised: its line in view once (a syntax error's included).
  static const TrialResult* scrolled_for = nullptr;
  if (ctx.run.result != nullptr && ctx.run.result != scrolled_for) {
    scrolled_for = ctx.run.result;
    for (const auto& [line, on] : marks)
      if (std::any_of(on.begin(), on.end(), [](const Mark& m) { return m.raised; })) {
        ImGui::SetScrollY(std::max(0.0f, (static_cast<float>(line) - 4) * line_h));
        break;
      }
  }
  // Live: the lines the processes are on stay in view, until the learner scrolls the pane.
  static bool follow = true;
  if (!ctx.run.live) follow = true;
  if (ImGui::IsWindowHovered() && ImGui::GetIO().MouseWheel != 0) follow = false;
  if (ctx.run.live && follow && !marks.empty()) {
    const float first = static_cast<float>(marks.begin()->first - 1) * line_h;
    const float last = static_cast<float>(marks.rbegin()->first) * line_h;
    const float top = ImGui::GetScrollY(), bottom = top + ImGui::GetWindowHeight() - line_h;
    if (first < top || last > bottom) ImGui::SetScrollY(std::max(0.0f, first - line_h * 3));
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(starts.size()), line_h);
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const size_t begin = starts[static_cast<size_t>(i)];
      size_t end = source.find('\n', begin);
      if (end == std::string::npos) end = source.size();
      const int64_t number = i + 1;
      const ImVec2 p = ImGui::GetCursorScreenPos();
      const auto found = marks.find(number);
      std::string tags;
      if (found != marks.end()) {
        // The band in the colour of the first process on the line (a failed one's in red);
        // each process on it named at the right, in its colour.
        const Mark& first = found->second.front();
        const ImU32 band = first.raised ? ctx.theme.bad : LaneColor(first.lane);
        const ImU32 alpha = first.now || first.raised ? 0x70000000 : 0x30000000;
        draw->AddRectFilled(p, ImVec2(p.x + width, p.y + line_h), (band & 0x00FFFFFF) | alpha);
        float x = p.x + number_w - em * 0.25f;
        for (const Mark& mark : found->second) {
          draw->AddRectFilled(ImVec2(x - em * 0.3f, p.y), ImVec2(x - em * 0.1f, p.y + line_h), LaneColor(mark.lane));
          x -= em * 0.25f;
        }
        for (const Mark& mark : found->second) tags += (tags.empty() ? "  ← " : ", ") + LaneLabel(ctx, mark.lane);
      }
      char number_text[16];
      std::snprintf(number_text, sizeof number_text, "%4lld", static_cast<long long>(number));
      draw->AddText(p, ctx.theme.dim, number_text);
      ImGui::SetCursorScreenPos(ImVec2(p.x + number_w, p.y));
      const std::string text = source.substr(begin, end - begin);
      ImGui::TextUnformatted(text.empty() ? " " : text.c_str());
      if (!tags.empty()) {
        ImGui::SameLine(0, 0);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.text), "%s", tags.c_str());
      }
      ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + line_h));
    }
  }
  ImGui::Dummy(ImVec2(width, 0));
  ImGui::PopFont();
  ImGui::EndChild();
}

}  // namespace proclab::gui

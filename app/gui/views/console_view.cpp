// Console: what a Python program's processes wrote to their standard output and error, in the
// order written, each line tagged with the process (its lane's colour and name); standard error
// (tracebacks) in the warning colour. Live from the run's output as it is read, finished from the
// run's own PythonOutcome::output (the same chunks). Lines are indexed once as they arrive and
// drawn through a clipper, so 4 MiB of output costs no more per frame than a screenful.
#include <imgui.h>

#include <cinttypes>

#include "app/gui/views/view.hpp"
#include "core/facts/explain_python.hpp"

namespace proclab::gui {
namespace {

class ConsoleView : public View {
 public:
  std::string_view id() const override { return "console"; }
  const char* Title(Language language) const override { return Tr(Str::kConsole, language); }
  void Draw(const ViewContext& ctx) override;
  void RunStarted() override { Forget(); }

 private:
  struct Line {
    size_t chunk, begin, end;
    bool first;  // the chunk's first line: it carries the process's tag
  };
  void Forget() {
    lines_.clear();
    source_ = nullptr;
    indexed_chunks_ = 0;
    last_chunk_bytes_ = 0;
  }
  void Index(const std::vector<OutputChunk>& output);

  const std::vector<OutputChunk>* source_ = nullptr;
  std::vector<Line> lines_;
  size_t indexed_chunks_ = 0, last_chunk_bytes_ = 0;
  bool follow_ = true;
};

void ConsoleView::Index(const std::vector<OutputChunk>& output) {
  if (source_ != &output || output.size() < indexed_chunks_) Forget();
  source_ = &output;
  // The last chunk indexed may have grown (one process writing on): index it again.
  size_t from = indexed_chunks_;
  if (from > 0 && output[from - 1].text.size() != last_chunk_bytes_) {
    --from;
    while (!lines_.empty() && lines_.back().chunk == from) lines_.pop_back();
  }
  for (size_t c = from; c < output.size(); ++c) {
    const std::string& text = output[c].text;
    size_t at = 0;
    bool first = true;
    while (at < text.size()) {
      size_t end = text.find('\n', at);
      if (end == std::string::npos) end = text.size();
      lines_.push_back({c, at, end, first});
      first = false;
      at = end + 1;
    }
  }
  indexed_chunks_ = output.size();
  last_chunk_bytes_ = output.empty() ? 0 : output.back().text.size();
}

void ConsoleView::Draw(const ViewContext& ctx) {
  if (!ctx.run.python || ctx.run.output == nullptr) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", ctx.T(ctx.busy ? Str::kRunning : Str::kConsoleNotPython));
    ImGui::PopTextWrapPos();
    return;
  }
  const std::vector<OutputChunk>& output = *ctx.run.output;
  Index(output);
  if (const auto* outcome = ctx.run.Outcome<PythonOutcome>(); outcome != nullptr && outcome->output_dropped_bytes > 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ctx.theme.warn));
    ImGui::TextWrapped("%" PRIu64 " %s", outcome->output_dropped_bytes, ctx.T(Str::kConsoleDropped));
    ImGui::PopStyleColor();
  }
  if (lines_.empty()) {
    ImGui::TextDisabled("%s", ctx.T(Str::kConsoleEmpty));
    return;
  }
  const RunFacts& facts = *ctx.run.facts;
  const float em = ImGui::GetFontSize();
  ImGui::BeginChild("console", ImVec2(0, std::max(ImGui::GetContentRegionAvail().y, em * 4)), false,
                    ImGuiWindowFlags_HorizontalScrollbar);
  ImGui::PushFont(ctx.fonts.mono);
  const float tag_w = ImGui::CalcTextSize("SpawnPoolWorker-10 ").x;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(lines_.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const Line& line = lines_[static_cast<size_t>(i)];
      const OutputChunk& chunk = output[line.chunk];
      const int lane = chunk.pid > 0 ? LaneOfPid(facts, chunk.pid) : kNoLane;
      const ImVec2 p = ImGui::GetCursorScreenPos();
      // Every line with a stripe in its process's colour and its name (dimmed after the first
      // line of what the process wrote at once).
      const ImU32 color = lane != kNoLane ? LaneColor(lane) : ctx.theme.dim;
      draw->AddRectFilled(p, ImVec2(p.x + em * 0.3f, p.y + ImGui::GetTextLineHeight()), color);
      const std::string tag = lane != kNoLane ? LaneLabel(ctx, lane) : chunk.pid > 0 ? "pid " + std::to_string(chunk.pid) : "?";
      draw->AddText(ImVec2(p.x + em * 0.5f, p.y), line.first ? color : (color & 0x00FFFFFF) | 0x90000000, tag.c_str());
      ImGui::SetCursorScreenPos(ImVec2(p.x + em * 0.5f + tag_w, p.y));
      const char* begin = chunk.text.data() + line.begin;
      const char* end = chunk.text.data() + line.end;
      if (chunk.stream == 2) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ctx.theme.warn));
      ImGui::TextUnformatted(begin == end ? " " : begin, begin == end ? nullptr : end);
      if (chunk.stream == 2) ImGui::PopStyleColor();
    }
  }
  ImGui::PopFont();
  // Live: keep the newest line in sight unless the learner scrolled up.
  if (ImGui::GetScrollY() < ImGui::GetScrollMaxY() - 1 && ImGui::IsWindowHovered() && ImGui::GetIO().MouseWheel != 0)
    follow_ = false;
  if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1) follow_ = true;
  if (follow_ && ctx.run.live) ImGui::SetScrollHereY(1.0f);
  ImGui::EndChild();
}

}  // namespace

std::unique_ptr<View> MakeConsoleView() { return std::make_unique<ConsoleView>(); }

}  // namespace proclab::gui

// Transcript: the finished run told like the tutorial's printed output (the lesson's own
// transcript, the CLI's text), then the run's notes in the UI's language.
#include <imgui.h>

#include <algorithm>

#include "app/gui/views/view.hpp"

namespace proclab::gui {
namespace {

class TranscriptView : public View {
 public:
  std::string_view id() const override { return "transcript"; }
  const char* Title(Language language) const override { return Tr(Str::kTranscript, language); }
  void Draw(const ViewContext& ctx) override {
    if (ctx.run.result == nullptr) {  // live facts have no transcript yet
      ImGui::TextDisabled("%s", ctx.T(ctx.busy || ctx.run.live ? Str::kRunning : Str::kNoRunYet));
      return;
    }
    std::vector<std::string> lines;
    if (ctx.run.python && ctx.run.output != nullptr) {
      // A Python program's own printed output is its transcript (by process: the console).
      std::string out;
      for (const OutputChunk& chunk : *ctx.run.output)
        if (chunk.stream == 1) out += chunk.text;
      for (size_t at = 0; at < out.size();) {
        const size_t end = std::min(out.find('\n', at), out.size());
        lines.push_back(out.substr(at, end - at));
        at = end + 1;
      }
    } else if (ctx.lesson.transcript) {
      ctx.lesson.transcript(*ctx.run.result, ctx.language, lines);
    }
    ImGui::BeginChild("transcript");
    ImGui::PushFont(ctx.fonts.mono);
    for (const std::string& line : lines) ImGui::TextWrapped("%s", line.c_str());
    for (const RunNote& note : ctx.run.result->notes)
      ImGui::TextWrapped("%s %s", ctx.T(Str::kNoteLabel), note.In(ctx.language).c_str());
    ImGui::PopFont();
    ImGui::EndChild();
  }
};

}  // namespace

std::unique_ptr<View> MakeTranscriptView() { return std::make_unique<TranscriptView>(); }

}  // namespace proclab::gui

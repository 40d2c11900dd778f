#include "app/gui/markdown/markdown_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <string>

namespace proclab::gui {
namespace {

// Lays out styled spans as wrapped lines, one unit (word or CJK character) at a time.
// A Try this marker as a button where the text reaches it (on the next line when it does not fit).
void DrawTryButton(const Span& span, const std::string& label, TryButtons& buttons, int index, float left,
                   float right, float line_height, ImVec2* pen, bool* line_empty) {
  const float pad_y = std::max(0.0f, (line_height - ImGui::GetFontSize()) * 0.5f - 1.0f);
  const float width = ImGui::CalcTextSize(label.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
  if (!*line_empty && pen->x + width > right) {
    pen->x = left;
    pen->y += line_height;
  }
  ImGui::SetCursorScreenPos(ImVec2(pen->x, pen->y + (line_height - ImGui::GetFontSize() - 2 * pad_y) * 0.5f));
  ImGui::PushID(index);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(ImGui::GetStyle().FramePadding.x, pad_y));
  const bool enabled = buttons.Enabled();
  if (!enabled) ImGui::BeginDisabled();
  const bool pressed = ImGui::Button(label.c_str());
  if (!enabled) ImGui::EndDisabled();
  ImGui::PopStyleVar();
  buttons.Drawn(index, span.text, pressed && enabled);
  ImGui::PopID();
  pen->x += width + ImGui::GetFontSize() * 0.2f;
  *line_empty = false;
}

void DrawSpans(const std::vector<Span>& spans, const Fonts& fonts, ImFont* base,
               const MarkdownColors& colors, float indent, float right_margin = 0,
               float line_factor = 1.45f, TryButtons* buttons = nullptr, int* try_index = nullptr) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float left = ImGui::GetCursorScreenPos().x + indent;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x - right_margin;
  const float line_height = base->FontSize * line_factor;
  ImVec2 pen(left, ImGui::GetCursorScreenPos().y);
  bool line_empty = true;
  for (const Span& span : spans) {
    if ((span.style & kTry) != 0 && buttons != nullptr && try_index != nullptr) {
      const int index = (*try_index)++;
      const std::string label = buttons->Label(index, span.text);
      if (!label.empty()) {
        DrawTryButton(span, label, *buttons, index, left, right, line_height, &pen, &line_empty);
        continue;
      }
    }
    ImFont* font = base;
    const bool code = (span.style & (kCode | kTry)) != 0;
    if (code) font = fonts.mono;
    else if ((span.style & kBold) != 0 && base == fonts.regular) font = fonts.bold;
    unsigned color = colors.text;
    if (base != fonts.regular) color = colors.heading;
    if ((span.style & kItalic) != 0) color = colors.emphasis;
    if (code) color = colors.code_text;
    const float size = code ? font->FontSize : base->FontSize;
    for (std::string_view unit : BreakUnits(span.text)) {
      // Measure without trailing spaces so a line may end flush with the margin.
      std::string_view word = unit;
      while (!word.empty() && word.back() == ' ') word.remove_suffix(1);
      const float word_width =
          font->CalcTextSizeA(size, 1e9f, 0, word.data(), word.data() + word.size()).x;
      const float unit_width =
          font->CalcTextSizeA(size, 1e9f, 0, unit.data(), unit.data() + unit.size()).x;
      if (!line_empty && pen.x + word_width > right) {
        pen.x = left;
        pen.y += line_height;
        line_empty = true;
      }
      if (line_empty && word.empty()) continue;  // no leading spaces on a line
      const float baseline_shift = (base->FontSize - size) * 0.5f + (line_height - base->FontSize) * 0.5f;
      if (code && !word.empty())
        draw->AddRectFilled(ImVec2(pen.x - 2, pen.y + baseline_shift - 1),
                            ImVec2(pen.x + word_width + 2, pen.y + baseline_shift + size + 2),
                            colors.code_bg, 3.0f);
      draw->AddText(font, size, ImVec2(pen.x, pen.y + baseline_shift), color, unit.data(),
                    unit.data() + unit.size());
      pen.x += unit_width;
      line_empty = false;
    }
  }
  const float height = pen.y + line_height - start.y;
  ImGui::SetCursorScreenPos(start);  // a button moved the cursor: the block's box starts where it did
  ImGui::Dummy(ImVec2(right - left, height));
}

}  // namespace

void DrawWrappedText(std::string_view text, const Fonts& fonts, unsigned color, float indent,
                     float right_margin) {
  const MarkdownColors colors{color, color, color, 0, color, 0};
  DrawSpans({Span{std::string(text), kPlain}}, fonts, fonts.regular, colors, indent, right_margin, 1.25f);
}

void DrawMarkdown(const MarkdownDoc& doc, const Fonts& fonts, const MarkdownColors& colors,
                  TryButtons* buttons) {
  const float em = fonts.regular->FontSize;
  int try_index = 0;
  for (size_t i = 0; i < doc.blocks.size(); ++i) {
    const Block& block = doc.blocks[i];
    switch (block.kind) {
      case BlockKind::kHeading: {
        if (i > 0) ImGui::Dummy(ImVec2(0, em * 0.5f));
        ImFont* font = block.level <= 1 ? fonts.h1 : fonts.h2;
        DrawSpans(block.spans, fonts, font, colors, 0);
        if (block.level <= 1) {
          const ImVec2 p = ImGui::GetCursorScreenPos();
          ImGui::GetWindowDrawList()->AddLine(
              p, ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y), colors.rule, 1.0f);
          ImGui::Dummy(ImVec2(0, em * 0.3f));
        }
        break;
      }
      case BlockKind::kParagraph:
      case BlockKind::kQuote:
        DrawSpans(block.spans, fonts, fonts.regular, colors, block.kind == BlockKind::kQuote ? em : 0, 0, 1.45f,
                  buttons, &try_index);
        ImGui::Dummy(ImVec2(0, em * 0.35f));
        break;
      case BlockKind::kListItem: {
        const float indent = em * 1.6f * static_cast<float>(block.level);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float line_height = em * 1.45f;
        if (block.number > 0) {
          const std::string label = std::to_string(block.number) + ".";
          const float w = ImGui::CalcTextSize(label.c_str()).x;
          ImGui::GetWindowDrawList()->AddText(
              ImVec2(p.x + indent - w - em * 0.4f, p.y + (line_height - em) * 0.5f),
              colors.text, label.c_str());
        } else {
          ImGui::GetWindowDrawList()->AddCircleFilled(
              ImVec2(p.x + indent - em * 0.65f, p.y + line_height * 0.5f), em * 0.16f, colors.text);
        }
        DrawSpans(block.spans, fonts, fonts.regular, colors, indent, 0, 1.45f, buttons, &try_index);
        const bool last_of_list = i + 1 >= doc.blocks.size() ||
                                  doc.blocks[i + 1].kind != BlockKind::kListItem;
        ImGui::Dummy(ImVec2(0, last_of_list ? em * 0.35f : em * 0.1f));
        break;
      }
      case BlockKind::kCodeBlock: {
        // A line wider than the pane scrolls sideways in its own box instead of being clipped.
        ImGui::PushFont(fonts.mono);
        const ImVec2 size = ImGui::CalcTextSize(block.code.c_str());
        const float pad = em * 0.5f;
        const float width = ImGui::GetContentRegionAvail().x;
        const bool wide = size.x + 2 * pad > width;
        const float height = size.y + 2 * pad + (wide ? ImGui::GetStyle().ScrollbarSize : 0.0f);
        ImGui::PushStyleColor(ImGuiCol_ChildBg, colors.code_bg);
        ImGui::PushStyleColor(ImGuiCol_Text, colors.code_text);
        ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 4.0f);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(pad, pad));
        ImGui::BeginChild(ImGui::GetID(&block), ImVec2(width, height), false,
                          ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_AlwaysUseWindowPadding |
                              ImGuiWindowFlags_NoScrollWithMouse);
        ImGui::TextUnformatted(block.code.c_str());
        ImGui::EndChild();
        ImGui::PopStyleVar(2);
        ImGui::PopStyleColor(2);
        ImGui::Dummy(ImVec2(width, em * 0.5f));
        ImGui::PopFont();
        break;
      }
      case BlockKind::kRule: {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImGui::GetWindowDrawList()->AddLine(
            ImVec2(p.x, p.y + em * 0.5f),
            ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y + em * 0.5f), colors.rule);
        ImGui::Dummy(ImVec2(0, em));
        break;
      }
    }
  }
}

}  // namespace proclab::gui

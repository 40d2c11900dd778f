// Draws a MarkdownDoc with ImGui: headings, paragraphs, lists, bold, italic, inline code and
// code blocks, wrapped to the window width (word by word, or character by character in Chinese).
#pragma once
#include "app/gui/fonts/fonts.hpp"
#include "app/gui/markdown/markdown_doc.hpp"

namespace proclab::gui {

struct MarkdownColors {
  unsigned text, heading, code_text, code_bg, emphasis, rule;
};

// Plain text wrapped like the lesson texts (Chinese breaks between characters), starting
// `indent` px right of the cursor and leaving `right_margin` px free on the right.
void DrawWrappedText(std::string_view text, const Fonts& fonts, unsigned color, float indent = 0,
                     float right_margin = 0);

void DrawMarkdown(const MarkdownDoc& doc, const Fonts& fonts, const MarkdownColors& colors);

}  // namespace proclab::gui

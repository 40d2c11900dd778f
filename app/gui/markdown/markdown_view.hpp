// Draws a MarkdownDoc with ImGui: headings, paragraphs, lists, bold, italic, inline code and
// code blocks, wrapped to the window width (word by word, or character by character in Chinese).
#pragma once
#include <string>
#include <string_view>

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

// What a text's Try this markers (kTry spans) do: each is drawn as a button in the flow of the
// text, labelled and handled here. Without it a marker is drawn as code.
class TryButtons {
 public:
  virtual ~TryButtons() = default;
  // The button's words for the index-th marker of the text ("" draws the marker as code).
  virtual std::string Label(int index, std::string_view marker) = 0;
  // Right after the button is drawn (its tooltip, its place for the self-test, its action).
  virtual void Drawn(int index, std::string_view marker, bool pressed) = 0;
  virtual bool Enabled() const { return true; }
};

void DrawMarkdown(const MarkdownDoc& doc, const Fonts& fonts, const MarkdownColors& colors,
                  TryButtons* buttons = nullptr);

}  // namespace proclab::gui

// A lesson text parsed from Markdown (md4c) into blocks of styled spans, ready to lay out.
// No ImGui here: the model is unit-tested without a display; markdown_view.cpp draws it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proclab::gui {

// kTry: a code span that starts with `try: ` (a space after the colon), a "Try this" item's marker (core/try_action.hpp),
// drawn as a button.
enum SpanStyle : uint8_t { kPlain = 0, kBold = 1, kItalic = 2, kCode = 4, kTry = 8 };

struct Span {
  std::string text;
  uint8_t style = kPlain;  // SpanStyle bits
};

enum class BlockKind : uint8_t { kHeading, kParagraph, kListItem, kCodeBlock, kRule, kQuote };

struct Block {
  BlockKind kind = BlockKind::kParagraph;
  int level = 0;       // heading level 1..6; list nesting depth 1..
  int number = 0;      // ordered list item number; 0 for a bullet
  std::string code;    // code block text
  std::string info;    // code block language ("python")
  std::vector<Span> spans;
};

struct MarkdownDoc {
  std::vector<Block> blocks;
  std::string Title() const;  // text of the first heading
};

// Parses CommonMark text. Returns nullopt (and a one-line reason) when md4c rejects it or the
// text is empty.
std::optional<MarkdownDoc> ParseMarkdown(std::string_view text, std::string* error);

// Splits text into the units a line may break between: a word with its trailing spaces, or a
// single CJK character (with any following punctuation kept on it).
std::vector<std::string_view> BreakUnits(std::string_view text);

}  // namespace proclab::gui

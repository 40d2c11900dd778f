#include "app/gui/markdown/markdown_doc.hpp"

#include <md4c.h>

namespace proclab::gui {
namespace {

struct ListFrame {
  bool ordered = false;
  int next = 1;
};

struct Builder {
  MarkdownDoc doc;
  std::vector<ListFrame> lists;
  uint8_t style = kPlain;
  bool in_code_block = false;
  int quote_depth = 0;

  Block& Open(BlockKind kind) {
    doc.blocks.push_back(Block{.kind = kind});
    return doc.blocks.back();
  }
  Block* Current() { return doc.blocks.empty() ? nullptr : &doc.blocks.back(); }

  void AddText(std::string_view text) {
    Block* block = Current();
    if (block == nullptr) block = &Open(BlockKind::kParagraph);
    if (block->kind == BlockKind::kCodeBlock) {
      block->code.append(text);
      return;
    }
    if (!block->spans.empty() && block->spans.back().style == style)
      block->spans.back().text.append(text);
    else
      block->spans.push_back(Span{std::string(text), style});
  }
};

int EnterBlock(MD_BLOCKTYPE type, void* detail, void* user) {
  auto& b = *static_cast<Builder*>(user);
  switch (type) {
    case MD_BLOCK_H:
      b.Open(BlockKind::kHeading).level = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
      break;
    case MD_BLOCK_P:
      // A paragraph inside a list item continues that item (tight or loose lists).
      if (!b.lists.empty() && b.Current() && b.Current()->kind == BlockKind::kListItem &&
          b.Current()->spans.empty())
        break;
      b.Open(b.quote_depth > 0 ? BlockKind::kQuote : BlockKind::kParagraph);
      break;
    case MD_BLOCK_UL:
      b.lists.push_back({false, 1});
      break;
    case MD_BLOCK_OL:
      b.lists.push_back({true, static_cast<int>(static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start)});
      break;
    case MD_BLOCK_LI: {
      Block& item = b.Open(BlockKind::kListItem);
      item.level = static_cast<int>(b.lists.size());
      if (!b.lists.empty() && b.lists.back().ordered) item.number = b.lists.back().next++;
      break;
    }
    case MD_BLOCK_CODE: {
      Block& code = b.Open(BlockKind::kCodeBlock);
      auto* d = static_cast<MD_BLOCK_CODE_DETAIL*>(detail);
      if (d->lang.text) code.info.assign(d->lang.text, d->lang.size);
      b.in_code_block = true;
      break;
    }
    case MD_BLOCK_HR:
      b.Open(BlockKind::kRule);
      break;
    case MD_BLOCK_QUOTE:
      ++b.quote_depth;
      break;
    default:
      break;
  }
  return 0;
}

int LeaveBlock(MD_BLOCKTYPE type, void*, void* user) {
  auto& b = *static_cast<Builder*>(user);
  switch (type) {
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      if (!b.lists.empty()) b.lists.pop_back();
      break;
    case MD_BLOCK_CODE:
      b.in_code_block = false;
      if (Block* block = b.Current(); block && !block->code.empty() && block->code.back() == '\n')
        block->code.pop_back();
      break;
    case MD_BLOCK_QUOTE:
      --b.quote_depth;
      break;
    default:
      break;
  }
  return 0;
}

uint8_t SpanBit(MD_SPANTYPE type) {
  switch (type) {
    case MD_SPAN_STRONG: return kBold;
    case MD_SPAN_EM: return kItalic;
    case MD_SPAN_CODE: return kCode;
    default: return 0;
  }
}

int EnterSpan(MD_SPANTYPE type, void*, void* user) {
  static_cast<Builder*>(user)->style |= SpanBit(type);
  return 0;
}

int LeaveSpan(MD_SPANTYPE type, void*, void* user) {
  auto& b = *static_cast<Builder*>(user);
  b.style &= static_cast<uint8_t>(~SpanBit(type));
  // A code span that is a Try this marker becomes a span of its own, kept apart from its neighbours.
  if (type == MD_SPAN_CODE)
    if (Block* block = b.Current(); block && !block->spans.empty()) {
      Span& span = block->spans.back();
      if ((span.style & kCode) != 0 && span.text.starts_with("try: ")) {
        span.style = kTry;
        block->spans.push_back(Span{"", b.style});  // the next text starts a new span
      }
    }
  return 0;
}

int Text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* user) {
  auto& b = *static_cast<Builder*>(user);
  switch (type) {
    case MD_TEXT_SOFTBR:
      // A soft break joins lines: a space between words, nothing between CJK characters.
      if (Block* block = b.Current(); block && !block->spans.empty() &&
                                     !block->spans.back().text.empty() &&
                                     static_cast<unsigned char>(block->spans.back().text.back()) < 0x80)
        b.AddText(" ");
      break;
    case MD_TEXT_BR:
      b.AddText(b.in_code_block ? "\n" : " ");
      break;
    case MD_TEXT_NULLCHAR:
      break;
    case MD_TEXT_ENTITY: {
      const std::string_view entity(text, size);
      if (entity == "&amp;") b.AddText("&");
      else if (entity == "&lt;") b.AddText("<");
      else if (entity == "&gt;") b.AddText(">");
      else if (entity == "&quot;") b.AddText("\"");
      else if (entity == "&nbsp;") b.AddText(" ");
      else b.AddText(entity);
      break;
    }
    default:
      b.AddText(std::string_view(text, size));
      break;
  }
  return 0;
}

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

uint32_t DecodeAt(std::string_view text, size_t i, size_t length) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  if (length == 1 || i + length > text.size()) return byte(0);
  uint32_t cp = byte(0) & (0xFF >> (length + 1));
  for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (byte(k) & 0x3F);
  return cp;
}

bool IsWide(uint32_t cp) { return cp >= 0x2E80; }
// Closing punctuation that must not start a line (Chinese typesetting: 行首禁则).
bool IsClosingPunct(uint32_t cp) {
  switch (cp) {
    case 0x3001: case 0x3002: case 0xFF0C: case 0xFF1A: case 0xFF1B: case 0xFF01: case 0xFF1F:
    case 0xFF09: case 0x300D: case 0x300F: case 0x201D: case 0x2019: case 0x3011:
      return true;
    default:
      return cp == ',' || cp == '.' || cp == ')' || cp == ';' || cp == ':';
  }
}

}  // namespace

std::string MarkdownDoc::Title() const {
  for (const Block& block : blocks) {
    if (block.kind != BlockKind::kHeading) continue;
    std::string text;
    for (const Span& span : block.spans) text += span.text;
    return text;
  }
  return {};
}

std::optional<MarkdownDoc> ParseMarkdown(std::string_view text, std::string* error) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    *error = "the text is empty";
    return std::nullopt;
  }
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_DIALECT_COMMONMARK | MD_FLAG_NOHTML;
  parser.enter_block = EnterBlock;
  parser.leave_block = LeaveBlock;
  parser.enter_span = EnterSpan;
  parser.leave_span = LeaveSpan;
  parser.text = Text;
  Builder builder;
  if (md_parse(text.data(), static_cast<MD_SIZE>(text.size()), &parser, &builder) != 0) {
    *error = "the Markdown parser rejected the text";
    return std::nullopt;
  }
  return std::move(builder.doc);
}

std::vector<std::string_view> BreakUnits(std::string_view text) {
  std::vector<std::string_view> units;
  size_t start = 0;
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = Utf8Length(static_cast<unsigned char>(text[i]));
    const uint32_t cp = DecodeAt(text, i, length);
    if (IsWide(cp)) {
      // Close the pending word, then take this character plus closing punctuation after it.
      if (i > start) units.push_back(text.substr(start, i - start));
      size_t end = i + length;
      while (end < text.size()) {
        const size_t next_length = Utf8Length(static_cast<unsigned char>(text[end]));
        if (!IsClosingPunct(DecodeAt(text, end, next_length))) break;
        end += next_length;
      }
      units.push_back(text.substr(i, end - i));
      start = i = end;
      continue;
    }
    if (cp == ' ') {
      size_t end = i;
      while (end < text.size() && text[end] == ' ') ++end;
      units.push_back(text.substr(start, end - start));
      start = i = end;
      continue;
    }
    i += length;
  }
  if (start < text.size()) units.push_back(text.substr(start));
  return units;
}

}  // namespace proclab::gui

#include "app/gui/shell/ui_strings.hpp"

namespace proclab::gui {
namespace {

constexpr UiString kTable[] = {
#define PROCLAB_UI_STRING(key, en, zh) {#key, en, zh},
#include "assets/ui/ui_strings.inc"
#undef PROCLAB_UI_STRING
};
static_assert(sizeof kTable / sizeof kTable[0] == static_cast<size_t>(Str::kCount));

}  // namespace

const UiString* UiStrings() { return kTable; }

const char* Tr(Str key, Language language) {
  const UiString& row = kTable[static_cast<size_t>(key)];
  // Every literal in the table is NUL-terminated, so data() is a C string.
  return language == Language::kChinese ? row.zh.data() : row.en.data();
}

std::string WindowTitle(Str key, Language language) {
  const UiString& row = kTable[static_cast<size_t>(key)];
  return std::string(Tr(key, language)) + "###" + std::string(row.key);
}

}  // namespace proclab::gui

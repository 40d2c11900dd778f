// The UI strings of `proclab` in English and Simplified Chinese, from one table
// (assets/ui/ui_strings.inc). A key is an enum value, so a string the code uses always exists.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "core/lesson_model.hpp"

namespace proclab::gui {

enum class Str : int {
#define PROCLAB_UI_STRING(key, en, zh) key,
#include "assets/ui/ui_strings.inc"
#undef PROCLAB_UI_STRING
  kCount
};

struct UiString {
  std::string_view key;
  std::string_view en;
  std::string_view zh;
};

// Every row of the table, in declaration order.
const UiString* UiStrings();
constexpr size_t UiStringCount() { return static_cast<size_t>(Str::kCount); }

// The text of `key` in `language`.
const char* Tr(Str key, Language language);
// "{translated}###{key}": a window title whose ImGui id does not change with the language.
std::string WindowTitle(Str key, Language language);

}  // namespace proclab::gui

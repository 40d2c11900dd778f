// The two languages of ProcLab's texts, and a text given in both.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace proclab {

enum class Language : uint8_t { kEnglish, kChinese };

struct LocalText {
  std::string_view en;
  std::string_view zh;
  std::string_view In(Language language) const {
    return language == Language::kChinese && !zh.empty() ? zh : en;
  }
};

// A sentence made at run time (a note, a transcript line), in both languages.
struct Sentence {
  std::string en;
  std::string zh;
  const std::string& In(Language language) const {
    return language == Language::kChinese && !zh.empty() ? zh : en;
  }
};

}  // namespace proclab

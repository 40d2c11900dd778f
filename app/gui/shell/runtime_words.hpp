// The sentences the fact layer makes at run time (core/facts/explain.hpp, HowItEnded ...), made
// once from a small made-up run in both languages: the fonts build Chinese glyphs only for the
// characters the app can show, and these are not in any text file.
#pragma once
#include <string>

namespace proclab::gui {

std::string RuntimeWords();

}  // namespace proclab::gui

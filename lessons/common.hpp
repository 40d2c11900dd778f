// Small helpers the lessons share: transcript lines in time order, milliseconds in words, and
// keeping the compiler from deleting work a lesson wants done. Naming a child and saying how it
// ended are facts (core/facts/child_facts.hpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/facts/child_facts.hpp"
#include "core/run.hpp"

namespace proclab {

// Tells the compiler `value` is used, so a loop computing it is really executed.
template <class T>
inline void Keep(const T& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

// "12.35 ms" ("12.35 毫秒")
std::string FormatMs(double ms, Language language = Language::kEnglish);
// A transcript's words in the language asked for.
inline std::string Pick(Language language, std::string en, std::string zh) {
  return language == Language::kChinese ? std::move(zh) : std::move(en);
}

// Transcript lines every lesson shares: each child's start, run and end, in time order.
struct TimedLine {
  int64_t t_ns;
  std::string text;
};
void AddLifecycleLines(const TrialResult& result, Language language, std::vector<TimedLine>& lines);
void AppendSorted(std::vector<TimedLine>& timed, std::vector<std::string>& out);

}  // namespace proclab

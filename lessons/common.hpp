// Small helpers the lessons share: naming children in transcripts, describing how a child ended,
// and keeping the compiler from deleting work a lesson wants done.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/process.hpp"
#include "core/run.hpp"

namespace proclab {

// Tells the compiler `value` is used, so a loop computing it is really executed.
template <class T>
inline void Keep(const T& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

// "child 1 (pid 4242)": children are numbered from 1 for people, from 0 in code.
std::string ChildName(const ChildRecord& child);
std::string ChildNameZh(const ChildRecord& child);  // "子进程 1（pid 1234）"
// "exited with status 0" / "killed by signal 11 (SIGSEGV)"
std::string HowItEnded(const ChildRecord& child);
// "12.35 ms"
std::string FormatMs(double ms);

// Transcript lines every lesson shares: each child's start, run and end, in time order.
struct TimedLine {
  int64_t t_ns;
  std::string text;
};
void AddLifecycleLines(const TrialResult& result, std::vector<TimedLine>& lines);
void AppendSorted(std::vector<TimedLine>& timed, std::vector<std::string>& out);

}  // namespace proclab

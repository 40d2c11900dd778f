#include "lessons/common.hpp"

#include <algorithm>
#include <cstdio>

namespace proclab {

std::string FormatMs(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
  return text;
}

void AddLifecycleLines(const TrialResult& result, std::vector<TimedLine>& lines) {
  const RunFacts& facts = result.facts;
  auto at = [&](int64_t t) { return " at " + FormatMs(facts.Ms(t)); };
  for (const ChildFacts& child : facts.all_children()) {
    const std::string name = ChildName(child.record, Language::kEnglish);
    lines.push_back({child.record.spawn_ns, name + " started" + at(child.record.spawn_ns)});
    if (child.started_ns != 0) lines.push_back({child.started_ns, name + " running" + at(child.started_ns)});
    if (child.ended()) {
      std::string text = name + " " + HowItEnded(child, Language::kEnglish) + at(child.end_ns());
      if (!child.error.empty()) text += ": " + child.error;
      lines.push_back({child.end_ns(), text});
    }
  }
}

void AppendSorted(std::vector<TimedLine>& timed, std::vector<std::string>& out) {
  std::stable_sort(timed.begin(), timed.end(),
                   [](const TimedLine& a, const TimedLine& b) { return a.t_ns < b.t_ns; });
  for (TimedLine& line : timed) out.push_back(std::move(line.text));
}

}  // namespace proclab

#include "lessons/common.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace proclab {

std::string ChildName(const ChildRecord& child) {
  return "child " + std::to_string(child.index + 1) + " (pid " + std::to_string(child.pid) + ")";
}

std::string ChildNameZh(const ChildRecord& child) {
  return "子进程 " + std::to_string(child.index + 1) + "（pid " + std::to_string(child.pid) + "）";
}

std::string HowItEnded(const ChildRecord& child) {
  if (child.state == ChildState::kKilled)
    return "killed by signal " + std::to_string(child.signal) + " (" + SignalName(child.signal) +
           ")";
  if (child.state == ChildState::kExited)
    return "exited with status " + std::to_string(child.exit_status);
  return std::string(ChildStateName(child.state));
}

std::string FormatMs(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
  return text;
}

void AddLifecycleLines(const TrialResult& result, std::vector<TimedLine>& lines) {
  auto at = [&](int64_t t) { return " at " + FormatMs(result.Ms(t)); };
  for (const ChildRecord& child : result.children) {
    lines.push_back({child.spawn_ns, ChildName(child) + " started" + at(child.spawn_ns)});
    if (child.start_ns != 0)
      lines.push_back({child.start_ns, ChildName(child) + " running" + at(child.start_ns)});
    if (child.done()) {
      std::string text = ChildName(child) + " " + HowItEnded(child) + at(child.end_ns);
      const std::string& error = result.child_errors.at(static_cast<size_t>(child.index));
      if (!error.empty()) text += ": " + error;
      lines.push_back({child.end_ns, text});
    }
  }
}

void AppendSorted(std::vector<TimedLine>& timed, std::vector<std::string>& out) {
  std::stable_sort(timed.begin(), timed.end(),
                   [](const TimedLine& a, const TimedLine& b) { return a.t_ns < b.t_ns; });
  for (TimedLine& line : timed) out.push_back(std::move(line.text));
}

}  // namespace proclab

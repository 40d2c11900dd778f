#include "lessons/common.hpp"

#include <algorithm>
#include <cstdio>

namespace proclab {

std::string FormatMs(double ms, Language language) {
  char text[32];
  std::snprintf(text, sizeof text, ms < 10 ? "%.2f %s" : "%.1f %s", ms, language == Language::kChinese ? "毫秒" : "ms");
  return text;
}

void AddLifecycleLines(const TrialResult& result, Language language, std::vector<TimedLine>& lines) {
  const RunFacts& facts = result.facts;
  const bool zh = language == Language::kChinese;
  for (const ChildFacts& child : facts.all_children()) {
    const std::string name = ChildName(child.record, language);
    auto line = [&](int64_t t, const char* en_what, const char* zh_what) {
      const std::string ms = FormatMs(facts.Ms(t), language);
      return zh ? name + " 在 " + ms + " " + zh_what : name + " " + en_what + " at " + ms;
    };
    lines.push_back({child.record.spawn_ns, line(child.record.spawn_ns, "started", "启动")});
    if (child.started_ns != 0) lines.push_back({child.started_ns, line(child.started_ns, "running", "开始运行")});
    if (child.ended()) {
      const std::string ms = FormatMs(facts.Ms(child.end_ns()), language);
      std::string text = zh ? name + " 在 " + ms + " " + HowItEnded(child, language)
                            : name + " " + HowItEnded(child, language) + " at " + ms;
      if (!child.error.empty()) text += (zh ? "：" : ": ") + child.error;
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

#include "core/step_schedule.hpp"

#include <charconv>
#include <sstream>

namespace proclab {

std::optional<std::vector<std::pair<int, char>>> ParseStepSchedule(const std::string& text,
                                                                   int children,
                                                                   Sentence* error) {
  const std::string range = std::to_string(children);
  std::vector<std::pair<int, char>> steps;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    int child = 0;
    const char* digits_end = item.data() + (item.empty() ? 0 : item.size() - 1);
    const auto [end, failure] = std::from_chars(item.data(), digits_end, child);
    const bool ok = item.size() >= 2 && (item.back() == 'r' || item.back() == 'w') &&
                    failure == std::errc() && end == digits_end && child >= 1 && child <= children;
    if (!ok) {
      *error = {"'" + item + "' is not a step: write <child><r|w> with a child from 1 to " + range +
                    ", e.g. 1r,2r,1w,2w",
                "“" + item + "” 不是一个步骤：写成 <子进程编号><r|w>，子进程编号从 1 到 " + range +
                    "，例如 1r,2r,1w,2w"};
      return std::nullopt;
    }
    steps.emplace_back(child - 1, item.back());
  }
  // Each child alternates: read, write, read, write ... starting with a read.
  std::vector<char> expected(static_cast<size_t>(children), 'r');
  for (size_t n = 0; n < steps.size(); ++n) {
    const auto [child, what] = steps[n];
    char& next = expected[static_cast<size_t>(child)];
    if (what != next) {
      const std::string number = std::to_string(n + 1), who = std::to_string(child + 1);
      *error = {"step " + number + " asks child " + who + " to " + (what == 'r' ? "read" : "write") +
                    ", but its next step is a " + (next == 'r' ? "read" : "write") + " (each child reads, then writes)",
                "第 " + number + " 步要子进程 " + who + " " + (what == 'r' ? "读" : "写") + "，但它的下一步是" +
                    (next == 'r' ? "读" : "写") + "（每个子进程先读，再写）"};
      return std::nullopt;
    }
    next = next == 'r' ? 'w' : 'r';
  }
  if (steps.empty()) {
    *error = {"at least one step is needed, e.g. 1r,2r,1w,2w", "至少需要一个步骤，例如 1r,2r,1w,2w"};
    return std::nullopt;
  }
  return steps;
}

}  // namespace proclab

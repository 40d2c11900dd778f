#include "core/step_schedule.hpp"

#include <sstream>

namespace proclab {

std::optional<std::vector<std::pair<int, char>>> ParseStepSchedule(const std::string& text,
                                                                   int children,
                                                                   std::string* error) {
  std::vector<std::pair<int, char>> steps;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const bool ok = item.size() >= 2 && (item.back() == 'r' || item.back() == 'w') &&
                    item.find_first_not_of("0123456789", 0) == item.size() - 1;
    const int child = ok ? std::stoi(item.substr(0, item.size() - 1)) : 0;
    if (!ok || child < 1 || child > children) {
      *error = "--step: '" + item + "' is not a step; write <child><r|w> with a child from 1 to " +
               std::to_string(children) + ", e.g. 1r,2r,1w,2w";
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
      *error = "--step: step " + std::to_string(n + 1) + " asks child " +
               std::to_string(child + 1) + " to " + (what == 'r' ? "read" : "write") +
               ", but its next step is a " + (next == 'r' ? "read" : "write") +
               " (each child reads, then writes)";
      return std::nullopt;
    }
    next = next == 'r' ? 'w' : 'r';
  }
  if (steps.empty()) {
    *error = "--step needs at least one step, e.g. 1r,2r,1w,2w";
    return std::nullopt;
  }
  return steps;
}

}  // namespace proclab

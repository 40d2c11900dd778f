#include "core/try_action.hpp"

#include <algorithm>
#include <charconv>

#include "core/step_schedule.hpp"

namespace proclab {
namespace {

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

bool Fail(std::string* error, std::string message) {
  *error = std::move(message);
  return false;
}

}  // namespace

std::optional<TryAction> ParseTryAction(std::string_view marker, const Lesson& lesson, std::string* error) {
  const std::string where = "`" + std::string(marker) + "`: ";
  if (!marker.starts_with(kTryPrefix)) {
    Fail(error, where + "a Try this marker starts with " + std::string(kTryPrefix));
    return std::nullopt;
  }
  const std::vector<std::string_view> words = Words(marker.substr(kTryPrefix.size()));
  TryAction action;
  ParamValues values(lesson.params);
  size_t i = 0;
  for (; i < words.size(); ++i) {
    const size_t eq = words[i].find('=');
    if (eq == std::string_view::npos) break;
    const std::string name(words[i].substr(0, eq));
    const std::string value(words[i].substr(eq + 1));
    if (std::any_of(action.settings.begin(), action.settings.end(), [&](const auto& s) { return s.first == name; })) {
      Fail(error, where + name + " is set twice");
      return std::nullopt;
    }
    try {
      values.SetText(name, value);
    } catch (const ParamError& e) {
      Fail(error, where + e.what());
      return std::nullopt;
    }
    action.settings.emplace_back(name, value);
  }
  if (i < words.size()) {
    const std::string_view then = words[i++];
    if (then == "run") {
      action.then = TryAction::Then::kRun;
    } else if (then == "trials") {
      int count = 0;
      const std::string_view n = i < words.size() ? words[i++] : std::string_view();
      const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), count);
      if (n.empty() || ec != std::errc() || end != n.data() + n.size() || count < 2 || count > 1000) {
        Fail(error, where + "trials needs a count in 2..1000");
        return std::nullopt;
      }
      if (std::find(lesson.views.begin(), lesson.views.end(), "trials") == lesson.views.end()) {
        Fail(error, where + "lesson " + std::string(lesson.id) + " has no trials to run");
        return std::nullopt;
      }
      action.then = TryAction::Then::kTrials;
      action.trials = count;
    } else if (then == "step") {
      if (!lesson.steppable) {
        Fail(error, where + "lesson " + std::string(lesson.id) + " has no step mode");
        return std::nullopt;
      }
      action.schedule = i < words.size() ? std::string(words[i++]) : std::string();
      const int children = lesson.step_children ? lesson.step_children(values) : 0;
      Sentence why;  // a marker's error is for the text's author: in English
      if (action.schedule.empty() || !ParseStepSchedule(action.schedule, children, &why)) {
        Fail(error, where + "step needs a schedule its children can take" + (why.en.empty() ? "" : ": " + why.en));
        return std::nullopt;
      }
      action.then = TryAction::Then::kStep;
    } else {
      Fail(error, where + "'" + std::string(then) + "' is neither name=value nor run, trials N or step SCHEDULE");
      return std::nullopt;
    }
  }
  if (i < words.size()) {
    Fail(error, where + "'" + std::string(words[i]) + "' after the action");
    return std::nullopt;
  }
  if (action.settings.empty() && action.then == TryAction::Then::kSet) {
    Fail(error, where + "sets nothing and runs nothing");
    return std::nullopt;
  }
  return action;
}

ParamValues TryParams(const Lesson& lesson, const TryAction& action) {
  ParamValues values(lesson.params);
  for (const auto& [name, value] : action.settings) values.SetText(name, value);
  return values;
}

std::string TryCommand(const Lesson& lesson, const TryAction& action) {
  std::string command = "proclab-cli run " + std::string(lesson.id);
  for (const auto& [name, value] : action.settings) command += " --" + name + " " + value;
  if (action.then == TryAction::Then::kTrials) command += " --trials " + std::to_string(action.trials);
  if (action.then == TryAction::Then::kStep) command += " --step " + action.schedule;
  return command;
}

std::vector<std::string> FindTryMarkers(std::string_view markdown) {
  std::vector<std::string> markers;
  const std::string open = "`" + std::string(kTryPrefix);
  size_t at = 0;
  while ((at = markdown.find(open, at)) != std::string_view::npos) {
    const size_t end = markdown.find('`', at + 1);
    if (end == std::string_view::npos) break;
    markers.emplace_back(markdown.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  return markers;
}

std::string TerminalLessonText(std::string_view markdown, const Lesson& lesson) {
  std::string out;
  const std::string open = "`" + std::string(kTryPrefix);
  size_t from = 0;
  size_t at = 0;
  while ((at = markdown.find(open, from)) != std::string_view::npos) {
    const size_t end = markdown.find('`', at + 1);
    if (end == std::string_view::npos) break;
    out.append(markdown.substr(from, at - from));
    std::string error;
    if (const auto action = ParseTryAction(markdown.substr(at + 1, end - at - 1), lesson, &error))
      out += "▶ `" + TryCommand(lesson, *action) + "`";
    else
      out.append(markdown.substr(at, end + 1 - at));
    from = end + 1;
  }
  out.append(markdown.substr(from));
  return out;
}

}  // namespace proclab

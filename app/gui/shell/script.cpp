#include "app/gui/shell/script.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "app/gui/settings/settings.hpp"
#include "app/gui/shell/save_path.hpp"
#include "core/step_schedule.hpp"
#include "lessons/curriculum.hpp"

namespace proclab::gui {
namespace {

struct KeyName {
  std::string_view name;
  int code;
};
constexpr KeyName kKeys[] = {
    {"Left", GLFW_KEY_LEFT},
    {"Right", GLFW_KEY_RIGHT},
    {"Space", GLFW_KEY_SPACE},
    {"Escape", GLFW_KEY_ESCAPE},
    {"Tab", GLFW_KEY_TAB},
    {"Enter", GLFW_KEY_ENTER},
    {"P", GLFW_KEY_P},
    {"R", GLFW_KEY_R},
    {"V", GLFW_KEY_V},
    {"S", GLFW_KEY_S},
    {"PageDown", GLFW_KEY_PAGE_DOWN},
    {"PageUp", GLFW_KEY_PAGE_UP},
    {"F5", GLFW_KEY_F5},
    {"F11", GLFW_KEY_F11},
    {"Up", GLFW_KEY_UP},
    {"Down", GLFW_KEY_DOWN},
    {"1", GLFW_KEY_1},
    {"2", GLFW_KEY_2},
    {"3", GLFW_KEY_3},
    {"4", GLFW_KEY_4},
    {"5", GLFW_KEY_5},
    {"6", GLFW_KEY_6},
    {"7", GLFW_KEY_7},
    {"8", GLFW_KEY_8},
    {"9", GLFW_KEY_9},
};

// What `expect` can check, with the number of words after it.
struct Expectation {
  std::string_view what;
  size_t args;
};
constexpr Expectation kExpectations[] = {
    {"lesson", 1},       // the open lesson is ID
    {"view", 1},         // the tab shown is ID
    {"presenter", 1},    // presenter mode is on | off
    {"running", 0},      // a run is under way
    {"finished", 0},     // the last run ended by itself
    {"stopped", 0},      // the last run was stopped
    {"no-dialog", 0},    // no save popup is open
    {"fits", 0},         // every control on screen, none cut; the views have room
    {"nav-unmoved", 0},  // the keys since the last `click` moved no keyboard focus
};

bool ParseNumber(const std::string& text, double lo, double hi, double* out) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v >= lo && v <= hi)) return false;
  *out = v;
  return true;
}

}  // namespace

int ScriptKeyCode(std::string_view name) {
  for (const KeyName& key : kKeys)
    if (key.name == name) return key.code;
  return -1;
}

std::string ScriptStep::Text() const {
  std::string text = verb;
  for (const std::string& arg : args) text += " " + arg;
  return text;
}

std::optional<std::vector<ScriptStep>> ParseScript(std::string_view text,
                                                   std::span<const std::string_view> views,
                                                   std::string* error) {
  std::vector<ScriptStep> steps;
  const Lesson* lesson = nullptr;  // the lesson open at this line, for `set` and `step`
  std::optional<ParamValues> values;
  std::istringstream in{std::string(text)};
  std::string raw;
  int number = 0;
  auto fail = [&](const std::string& why) {
    *error = "line " + std::to_string(number) + ": " + why;
    return std::nullopt;
  };
  if (text.find('\0') != std::string_view::npos) {
    *error = "line 1: not a text file";
    return std::nullopt;
  }
  while (std::getline(in, raw)) {
    ++number;
    if (const size_t hash = raw.find('#'); hash != std::string::npos) raw.resize(hash);
    std::istringstream words(raw);
    ScriptStep step;
    step.line = number;
    if (!(words >> step.verb)) continue;
    if (step.verb == "say") {
      std::string rest;
      std::getline(words, rest);
      rest.erase(0, rest.find_first_not_of(" \t"));
      while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r'))
        rest.pop_back();
      step.args.push_back(rest);
      steps.push_back(std::move(step));
      continue;
    }
    for (std::string word; words >> word;) step.args.push_back(word);
    const std::string& v = step.verb;
    const size_t n = step.args.size();
    auto arity = [&](size_t lo, size_t hi) { return n >= lo && n <= hi; };
    double number_value = 0;
    if (v == "lesson") {
      if (!arity(1, 1)) return fail("lesson takes one lesson id");
      lesson = FindLesson(step.args[0]);
      if (lesson == nullptr) return fail("no lesson '" + step.args[0] + "' (see proclab --help)");
      values.emplace(lesson->params);
    } else if (v == "lang") {
      Language language{};
      if (!arity(1, 1) || !ParseLanguage(step.args[0], &language))
        return fail("lang takes en or zh-CN");
    } else if (v == "set") {
      if (!arity(2, 2)) return fail("set takes a parameter's name and its value");
      if (lesson == nullptr) return fail("set comes after a lesson line");
      try {
        values->SetText(step.args[0], step.args[1]);
      } catch (const std::exception& e) {
        return fail(std::string(e.what()) + " (lesson " + std::string(lesson->id) + ")");
      }
    } else if (v == "step-mode" || v == "presenter") {
      if (!arity(1, 1) || (step.args[0] != "on" && step.args[0] != "off"))
        return fail(v + " takes on or off");
    } else if (v == "run") {
      if (!arity(0, 1) || (n == 1 && !ParseNumber(step.args[0], 1, 1000, &number_value)))
        return fail("run takes nothing, or a number of trials in 1 .. 1000");
    } else if (v == "step") {
      if (!arity(1, 1)) return fail("step takes a schedule such as 1r,2r,1w,2w");
      if (lesson == nullptr || !lesson->steppable)
        return fail("step needs a steppable lesson open");
      const int children = lesson->step_children
                               ? lesson->step_children(*values)
                               : (lesson->child_count ? lesson->child_count(*values) : 1);
      Sentence why;
      if (!ParseStepSchedule(step.args[0], children, &why)) return fail(why.en);
    } else if (v == "wait" || v == "pace") {
      if (!arity(1, 1) || !ParseNumber(step.args[0], 0, 600, &number_value))
        return fail(v + " takes a number of seconds in 0 .. 600");
    } else if (v == "scale") {
      if (!arity(1, 1) || !ParseNumber(step.args[0], 0.6, 3, &number_value))
        return fail("scale takes 0.6 .. 3");
    } else if (v == "size") {
      int w = 0, h = 0;
      if (!arity(1, 1) || std::sscanf(step.args[0].c_str(), "%dx%d", &w, &h) != 2 || w < 320 ||
          h < 240)
        return fail("size takes WxH, e.g. 1280x720");
    } else if (v == "view") {
      if (!arity(1, 1) || std::find(views.begin(), views.end(), step.args[0]) == views.end())
        return fail("view takes one of the views' ids");
    } else if (v == "key") {
      if (!arity(1, 1) || ScriptKeyCode(step.args[0]) < 0)
        return fail("no key named '" + (n ? step.args[0] : "") + "'");
    } else if (v == "click") {
      if (!arity(1, 1))
        return fail("click takes a widget's name (run, stop, presenter, tab:lanes ...)");
    } else if (v == "screenshot") {
      if (!arity(1, 1)) return fail("screenshot takes a file name");
      // The in-app dialog's rule: the folder must exist, nothing is created.
      if (const std::string problem = SavePathProblem(step.args[0], Language::kEnglish);
          !problem.empty())
        return fail("cannot save the screenshot to " + step.args[0] + ": " + problem);
    } else if (v == "wait-run" || v == "stop" || v == "reset" || v == "next-view" || v == "quit") {
      if (!arity(0, 0)) return fail(v + " takes nothing");
    } else if (v == "expect") {
      if (n == 0) return fail("expect what?");
      const auto* e = std::find_if(std::begin(kExpectations), std::end(kExpectations),
                                   [&](const Expectation& x) { return x.what == step.args[0]; });
      if (e == std::end(kExpectations) || e->args != n - 1)
        return fail("cannot expect '" + step.Text() + "'");
    } else {
      return fail("no step '" + v + "'");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace proclab::gui

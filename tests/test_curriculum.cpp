// Every lesson in the curriculum, checked the same way: so a new lesson is covered by adding it
// to the list, without new test code.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/try_action.hpp"
#include "lessons/curriculum.hpp"
#include "support.hpp"

using namespace proclab;
using nlohmann::json;

namespace {
std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

TEST_CASE("the curriculum follows the tutorial's order and ids are unique") {
  const auto lessons = Curriculum();
  REQUIRE(lessons.size() >= 4);
  CHECK(lessons[0]->id == "processes");
  CHECK(lessons[1]->id == "shared-data");
  CHECK(lessons[2]->id == "locks");
  CHECK(lessons[3]->id == "lock-guard");
  std::set<std::string_view> ids;
  for (const Lesson* lesson : lessons) CHECK(ids.insert(lesson->id).second);
  CHECK(FindLesson("no-such-lesson") == nullptr);
}

TEST_CASE("every lesson has titles, a purpose and parameter help in both languages") {
  for (const Lesson* lesson : Curriculum()) {
    INFO(lesson->id);
    CHECK_FALSE(lesson->title.en.empty());
    CHECK_FALSE(lesson->title.zh.empty());
    CHECK_FALSE(lesson->purpose.en.empty());
    CHECK_FALSE(lesson->purpose.zh.empty());
    CHECK_FALSE(lesson->python.en.empty());
    for (const ParamSpec& spec : lesson->params) {
      INFO(spec.name);
      CHECK_FALSE(spec.help.en.empty());
      CHECK_FALSE(spec.help.zh.empty());
      if (spec.kind == ParamKind::kInt) {
        CHECK(spec.min <= spec.Default());
        CHECK(spec.Default() <= spec.max);
      } else {
        CHECK(spec.Default() < static_cast<int64_t>(spec.choices.size()));
      }
    }
  }
}

TEST_CASE("every parameter has a label in words, in English and in Chinese, that is not its CLI name") {
  // The Run pane, tooltips, trial lines and Try this items show the label; only the CLI says --name.
  const std::regex cli_like(R"([a-z]+[-_][a-z]+)");  // window-us, wait_ms: a name, not words
  for (const Lesson* lesson : Curriculum()) {
    std::set<std::string_view> en, zh;
    for (const ParamSpec& spec : lesson->params) {
      INFO(std::string(lesson->id) + " --" + std::string(spec.name));
      REQUIRE_FALSE(spec.label.en.empty());
      REQUIRE_FALSE(spec.label.zh.empty());
      const std::string label_en(spec.label.en), label_zh(spec.label.zh);
      INFO(label_en << " / " << label_zh);
      CHECK(label_en != spec.name);
      CHECK(std::isupper(static_cast<unsigned char>(label_en[0])));  // a phrase, as the GUI writes it
      CHECK_FALSE(std::regex_search(label_en, cli_like));
      CHECK_FALSE(std::regex_search(label_zh, cli_like));
      CHECK(std::any_of(label_zh.begin(), label_zh.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xE0; }));
      CHECK(label_en.size() <= 36);  // fits the Run pane's label column at 1280x720, scale 2
      CHECK(label_zh.size() <= 3 * 12);
      CHECK(en.insert(spec.label.en).second);
      CHECK(zh.insert(spec.label.zh).second);
    }
  }
}

TEST_CASE("every lesson has its text in English and Simplified Chinese, titled with a heading") {
  const std::filesystem::path assets = std::filesystem::path(PROCLAB_SOURCE_DIR) / "assets/lessons";
  for (const Lesson* lesson : Curriculum()) {
    for (const char* language : {"en", "zh-CN"}) {
      INFO(std::string(lesson->id) + " " + language);
      const std::string text = ReadFile(assets / language / (std::string(lesson->id) + ".md"));
      REQUIRE_FALSE(text.empty());
      CHECK(text.starts_with("# "));
      CHECK(text.size() > 500);
    }
  }
}

TEST_CASE("the code each lesson shows is the code its children run, cut from its source") {
  const std::filesystem::path sources = std::filesystem::path(PROCLAB_SOURCE_DIR) / "lessons";
  for (const Lesson* lesson : Curriculum()) {
    INFO(lesson->id);
    const std::string_view code = LessonChildCode(lesson->id);
    REQUIRE_FALSE(code.empty());
    std::string file(lesson->id);
    std::replace(file.begin(), file.end(), '-', '_');
    const std::string source = ReadFile(sources / (file + ".cpp"));
    // Each line of the shown code stands in the lesson's source, in the same order.
    size_t from = 0;
    std::istringstream lines{std::string(code)};
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      const size_t at = source.find(line, from);
      CHECK(at != std::string::npos);
      if (at != std::string::npos) from = at + line.size();
    }
    CHECK(code.find("<child-code>") == std::string_view::npos);
  }
}

TEST_CASE("every lesson runs from proclab-cli with real children and leaves nothing behind") {
  for (const Lesson* lesson : Curriculum()) {
    INFO(lesson->id);
    std::vector<std::string> args = {"run", std::string(lesson->id), "--json"};
    // Keep the race lessons quick: fewer, faster increments.
    for (const ParamSpec& spec : lesson->params) {
      if (spec.name == "iterations") args.insert(args.end(), {"--iterations", "10"});
      if (spec.name == "sleep-ms") args.insert(args.end(), {"--sleep-ms", "1"});
    }
    const auto result = test::RunProgram("proclab-cli", args);
    REQUIRE(result.exit_status == 0);
    const json out = json::parse(result.out);
    CHECK(out.at("lesson") == lesson->id);
    CHECK(out.at("params").size() == lesson->params.size());
    REQUIRE(out.at("trials").size() == 1);
    std::set<int> pids;
    for (const json& child : out.at("trials")[0].at("processes")) {
      CHECK(child.at("pid").get<int>() > 0);
      CHECK(child.at("state") != "running");
      pids.insert(child.at("pid").get<int>());
    }
    CHECK(pids.size() == out.at("trials")[0].at("processes").size());
    CHECK_FALSE(pids.count(getpid()));
    for (int pid : pids) CHECK_FALSE(test::ProcessExists(pid));
  }
  CHECK(test::Lines(test::RunProgram("proclab-cli", {"list"}).out).size() ==
        Curriculum().size() + 2);
}

namespace {

// The items of a lesson text's Try this section: each list item's text, "1. ..." one a line.
std::vector<std::string> TryItems(const std::string& text, const std::string& language) {
  const size_t at = text.find(language == "en" ? "## Try this" : "## 动手试试");
  std::vector<std::string> items;
  if (at == std::string::npos) return items;
  std::istringstream lines(text.substr(at));
  std::string line;
  const std::regex item(R"(^\d+\. )");
  while (std::getline(lines, line))
    if (std::regex_search(line, item)) items.push_back(line);
  return items;
}

}  // namespace

TEST_CASE("every Try this item parses, sets existing parameters in range, and names them by their labels") {
  const std::filesystem::path assets = std::filesystem::path(PROCLAB_SOURCE_DIR) / "assets/lessons";
  const std::regex flag(R"(`--[a-z])");  // a CLI flag: the GUI learner has controls, the terminal gets commands
  for (const Lesson* lesson : Curriculum()) {
    std::vector<std::vector<TryAction>> per_language;
    for (const char* language : {"en", "zh-CN"}) {
      INFO(std::string(lesson->id) + " " + language);
      const Language lang = std::string(language) == "en" ? Language::kEnglish : Language::kChinese;
      const std::string text = ReadFile(assets / language / (std::string(lesson->id) + ".md"));
      const std::vector<std::string> items = TryItems(text, language);
      REQUIRE(items.size() >= 3);
      std::vector<TryAction> actions;
      for (const std::string& item : items) {
        INFO(item);
        CHECK_FALSE(std::regex_search(item, flag));
        const std::vector<std::string> markers = FindTryMarkers(item);
        // An item with nothing to set or run is a prediction to make, in a lesson without parameters.
        if (!lesson->params.empty()) CHECK_FALSE(markers.empty());
        for (const std::string& marker : markers) {
          std::string error;
          const auto action = ParseTryAction(marker, *lesson, &error);
          INFO(error);
          REQUIRE(action.has_value());
          // The words name each control it sets by the Run pane's label, in bold.
          for (const auto& [name, value] : action->settings) {
            const auto spec = std::find_if(lesson->params.begin(), lesson->params.end(),
                                           [&](const ParamSpec& p) { return p.name == name; });
            REQUIRE(spec != lesson->params.end());
            CHECK(item.find("**" + std::string(spec->label.In(lang)) + "**") != std::string::npos);
          }
          actions.push_back(*action);
        }
      }
      // The markers are all the text has: none outside the Try this items.
      CHECK(FindTryMarkers(text).size() == actions.size());
      per_language.push_back(std::move(actions));
    }
    INFO(lesson->id);
    CHECK(per_language[0] == per_language[1]);  // en and zh-CN set and run the same things
  }
}

TEST_CASE("a Try this marker is refused with one clear reason when it names a wrong thing") {
  const Lesson& pool = *FindLesson("pool");
  const Lesson& shared = *FindLesson("shared-data");
  std::string error;
  CHECK_FALSE(ParseTryAction("try: tasks=slow run", pool, &error));
  CHECK(error == "`try: tasks=slow run`: unknown parameter --tasks");
  CHECK_FALSE(ParseTryAction("try: workers=0 run", pool, &error));
  CHECK(error == "`try: workers=0 run`: --workers must be in 1..64, not 0");
  CHECK_FALSE(ParseTryAction("try: task=slow task=cube", pool, &error));
  CHECK(error.find("task is set twice") != std::string::npos);
  CHECK_FALSE(ParseTryAction("try: trials 20", pool, &error));  // pool shows no trials
  CHECK(error.find("has no trials") != std::string::npos);
  CHECK_FALSE(ParseTryAction("try: step 1r,2r,1w,2w", pool, &error));
  CHECK(error.find("has no step mode") != std::string::npos);
  CHECK_FALSE(ParseTryAction("try: step 3r", shared, &error));  // two children take steps
  CHECK_FALSE(ParseTryAction("try: run now", shared, &error));
  CHECK_FALSE(ParseTryAction("try:", shared, &error));
  const auto step = ParseTryAction("try: processes=3 step 3r,3w", shared, &error);
  REQUIRE(step.has_value());
  CHECK(step->then == TryAction::Then::kStep);
  CHECK(step->schedule == "3r,3w");
}

TEST_CASE("a Try this item becomes the proclab-cli command that runs the same, in the terminal's text") {
  const Lesson& shared = *FindLesson("shared-data");
  std::string error;
  const auto action = ParseTryAction("try: window-us=0 iterations=1000000 run", shared, &error);
  REQUIRE(action.has_value());
  CHECK(TryCommand(shared, *action) == "proclab-cli run shared-data --window-us 0 --iterations 1000000");
  CHECK(TryCommand(shared, *ParseTryAction("try: trials 20", shared, &error)) ==
        "proclab-cli run shared-data --trials 20");
  CHECK(TryCommand(shared, *ParseTryAction("try: step 1r,2r,1w,2w", shared, &error)) ==
        "proclab-cli run shared-data --step 1r,2r,1w,2w");
  const ParamValues values = TryParams(shared, *action);  // the defaults, then the item's settings
  ParamValues expected(shared.params);
  expected.Set("window-us", 0);
  expected.Set("iterations", 1'000'000);
  CHECK(values.raw() == expected.raw());
  CHECK(TerminalLessonText("1. Run `try: window-us=0 run` now, `try: bad`.", shared) ==
        "1. Run ▶ `proclab-cli run shared-data --window-us 0` now, `try: bad`.");
  // proclab-cli text prints it so, in both languages: no marker is left, every command is there.
  for (const char* language : {"en", "zh-CN"}) {
    INFO(language);
    const auto result = test::RunProgram("proclab-cli", {"text", "pool", "--lang", language});
    REQUIRE(result.exit_status == 0);
    CHECK(result.out.find("`try:") == std::string::npos);
    CHECK(result.out.find("▶ `proclab-cli run pool --delay-ms 200 --chunksize 10`") != std::string::npos);
    CHECK(result.out.find("▶ `proclab-cli run pool --task crash --chunksize 1`") != std::string::npos);
  }
  CHECK(test::RunProgram("proclab-cli", {"text", "no-such-lesson"}).exit_status == 2);
}

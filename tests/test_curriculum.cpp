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

TEST_CASE("every Try this item names the Run pane's controls, and each is a parameter of its lesson") {
  // The GUI learner has controls, not flags: `--name value` stays only for what has no control
  // of its own (a step schedule, a trial count, the costs lesson's size).
  const std::filesystem::path assets = std::filesystem::path(PROCLAB_SOURCE_DIR) / "assets/lessons";
  const std::regex flag(R"(`--([a-z-]+))");
  const std::regex control(R"(\*\*([a-z-]+)\*\* = )");
  for (const Lesson* lesson : Curriculum()) {
    if (lesson->id == "costs") continue;  // reworked with its view on another branch
    for (const char* language : {"en", "zh-CN"}) {
      INFO(std::string(lesson->id) + " " + language);
      const std::string text = ReadFile(assets / language / (std::string(lesson->id) + ".md"));
      const size_t at = text.find(std::string(language) == "en" ? "## Try this" : "## 动手试试");
      REQUIRE(at != std::string::npos);
      const std::string section = text.substr(at);
      for (auto it = std::sregex_iterator(section.begin(), section.end(), flag); it != std::sregex_iterator(); ++it) {
        const std::string name = (*it)[1].str();
        INFO("--" << name);
        CHECK((name == "step" || name == "trials" || name == "size" || name == "name"));  // "name": the intro's `--name value`
      }
      for (auto it = std::sregex_iterator(section.begin(), section.end(), control); it != std::sregex_iterator(); ++it) {
        const std::string name = (*it)[1].str();
        INFO(name);
        CHECK(std::any_of(lesson->params.begin(), lesson->params.end(),
                          [&](const ParamSpec& spec) { return spec.name == name; }));
      }
    }
  }
}

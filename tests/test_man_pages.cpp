// The man pages (docs/man/*.1) are written by hand, but for proclab-cli(1)'s lesson entries, which
// are made from the lesson descriptors at build time (into build/man): these tests keep them
// listing every option the programs take, every lesson parameter and the exit statuses, and
// rendering without warnings.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <regex>
#include <set>
#include <string>

#include "lessons/curriculum.hpp"
#include "support.hpp"
#if PROCLAB_HAS_GUI_LOGIC
#include "app/gui/shell/command_line.hpp"
#include "app/gui/views/view.hpp"
#endif

using namespace proclab;
using namespace proclab::test;

namespace {

// Where a page is: proclab-cli.1 is built (its lessons are generated), the others are sources.
std::string PagePath(const std::string& name) {
  if (name == "proclab-cli.1") return std::string(PROCLAB_BIN_DIR) + "/../man/" + name;
  return std::string(PROCLAB_SOURCE_DIR) + "/docs/man/" + name;
}

// The page's text with troff's escaped hyphens (\-) as plain ones.
std::string ManPage(const std::string& name) {
  std::string text = ReadFile(PagePath(name));
  for (size_t at = text.find("\\-"); at != std::string::npos; at = text.find("\\-", at))
    text.erase(at, 1);
  return text;
}

// Every long option (--name, lower case) in `text`.
std::set<std::string> LongOptions(const std::string& text) {
  std::set<std::string> options;
  const std::regex option("--[a-z][a-z0-9-]*");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), option); it != std::sregex_iterator();
       ++it)
    options.insert(it->str());
  return options;
}

void CheckRendersCleanly(const std::string& name) {
  if (std::system("command -v groff >/dev/null 2>&1") != 0) return;
  const std::string page = PagePath(name);
  // -ww: every warning; -z: no output. groff prints warnings on stderr, so any output fails.
  CHECK(std::system(("test -z \"$(groff -man -Tutf8 -ww -z " + page + " 2>&1)\"").c_str()) == 0);
}

}  // namespace

TEST_CASE("man proclab-cli lists every option, every lesson parameter and the exit statuses") {
  const std::string page = ManPage("proclab-cli.1");
  std::string help;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"help", "list"}, {"help", "run"}, {"help", "bench"}})
    help += RunProgram("proclab-cli", args).out;
  for (const std::string& option : LongOptions(help)) {
    INFO(option);
    CHECK_THAT(page, Catch::Contains(option));
  }
  for (const Lesson* lesson : Curriculum()) {
    // The lesson's id in bold on the tag line of its entry (.TP, then .B or .BR).
    const std::regex tag("\\.BR? (.*[ \"])?" + std::string(lesson->id) + "([ \"].*)?");
    bool tagged = false;
    for (const std::string& line : Lines(page)) tagged = tagged || std::regex_match(line, tag);
    CHECK(tagged);
    for (const ParamSpec& spec : lesson->params) {
      INFO(lesson->id << " --" << spec.name);
      CHECK_THAT(page, Catch::Contains("--" + std::string(spec.name)));
    }
  }
  CHECK_THAT(page, Catch::Contains(".SH EXIT STATUS") && Catch::Contains(".B 0") &&
                       Catch::Contains(".B 1") && Catch::Contains(".B 2") &&
                       Catch::Contains(".BI 128+ N") && Catch::Contains(".B NO_COLOR"));
  CheckRendersCleanly("proclab-cli.1");
}

#if PROCLAB_HAS_GUI_LOGIC
TEST_CASE("man proclab lists every option of proclab --help, and both give the exit statuses") {
  const std::string page = ManPage("proclab.1");
  const std::vector<std::string_view> views = gui::ViewIds();
  for (const std::string& option : LongOptions(gui::UsageText(views))) {
    INFO(option);
    CHECK_THAT(page, Catch::Contains(option));
  }
  CHECK_THAT(page, Catch::Contains(".SH EXIT STATUS") && Catch::Contains(".B 0") &&
                       Catch::Contains(".B 1") && Catch::Contains(".B 2"));
  CHECK_THAT(gui::UsageText(views), Catch::Contains("Exit status: 0 done; 1 ") &&
                                   Catch::Contains("; 2 bad input or no display"));
  CheckRendersCleanly("proclab.1");
}
#endif

// The GUI's logic that needs no display: every UI string, every view's own words and every lesson
// text exists in both languages, lesson texts parse, Markdown becomes the blocks the lesson pane
// draws, Chinese text breaks between characters, settings round-trip, the command line is
// checked, and the live model folds a trace into facts that mark lost updates, aggregate lanes
// per pixel column and follow a queue.
// Compiled only when the GUI's logic library is built (PROCLAB_GUI=ON).
#ifdef PROCLAB_HAS_GUI_LOGIC
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "app/gui/markdown/markdown_doc.hpp"
#include "app/gui/session/live_model.hpp"
#include "app/gui/settings/settings.hpp"
#include "app/gui/shell/command_line.hpp"
#include "app/gui/shell/lesson_texts.hpp"
#include "app/gui/shell/ui_strings.hpp"
#include "app/gui/timeline/lane_columns.hpp"
#include "app/gui/timeline/lost_marks.hpp"
#include "app/gui/views/view.hpp"
#include "lessons/curriculum.hpp"

using namespace proclab;
using namespace proclab::gui;

namespace {
bool HasCjk(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0xE3 && c <= 0xE9) return true;  // lead bytes of U+3000..U+9FFF
  return false;
}
}  // namespace

TEST_CASE("every UI string has an English and a Chinese text and a unique key") {
  std::set<std::string_view> keys;
  for (size_t i = 0; i < UiStringCount(); ++i) {
    const UiString& row = UiStrings()[i];
    INFO(row.key);
    CHECK(!row.en.empty());
    CHECK(!row.zh.empty());
    CHECK(keys.insert(row.key).second);
  }
  CHECK(std::string(Tr(Str::kRun, Language::kChinese)) == "运行");
}

TEST_CASE("every view's own words have an English and a Chinese text") {
  for (const auto& view : MakeViews()) {
    INFO(view->id());
    CHECK(std::string(view->Title(Language::kEnglish)).size() > 0);
    CHECK(HasCjk(view->Title(Language::kChinese)));
    for (const LocalText& words : view->texts()) {
      INFO(words.en);
      CHECK(!words.en.empty());
      CHECK(!words.zh.empty());
    }
  }
}

TEST_CASE("translated window titles keep a stable id") {
  CHECK(WindowTitle(Str::kLessons, Language::kEnglish) == "Lessons###kLessons");
  CHECK(WindowTitle(Str::kLessons, Language::kChinese) == "课程###kLessons");
}

TEST_CASE("every lesson has a text in both languages that parses, with a title") {
  const std::string assets = PROCLAB_SOURCE_DIR "/assets";
  for (const Lesson* lesson : Curriculum()) {
    for (Language language : {Language::kEnglish, Language::kChinese}) {
      INFO(lesson->id << " " << LanguageCode(language));
      const LessonText text = LoadLessonText(assets, lesson->id, language);
      REQUIRE(text.doc.has_value());
      CHECK(!text.doc->Title().empty());
      CHECK(text.doc->blocks.size() > 3);
      if (language == Language::kChinese) CHECK(HasCjk(text.doc->Title()));
    }
    CHECK(!lesson->title.zh.empty());
  }
}

TEST_CASE("a missing lesson text is an error for that lesson only") {
  const LessonText text = LoadLessonText("/nonexistent", "processes", Language::kEnglish);
  CHECK(!text.doc.has_value());
  CHECK(text.error.find("/nonexistent/lessons/en/processes.md") != std::string::npos);
  std::string error;
  CHECK(!ParseMarkdown("  \n\n", &error).has_value());
}

TEST_CASE("Markdown becomes headings, paragraphs with styled spans, list items and code") {
  std::string error;
  const auto doc = ParseMarkdown(
      "# Title\n\nSome **bold**, *italic* and `code`\ntext.\n\n- one\n- two\n\n1. first\n2. second\n\n"
      "```python\nprint(1)\n```\n",
      &error);
  REQUIRE(doc.has_value());
  const auto& b = doc->blocks;
  REQUIRE(b.size() == 7);
  CHECK(b[0].kind == BlockKind::kHeading);
  CHECK(b[0].level == 1);
  CHECK(doc->Title() == "Title");
  CHECK(b[1].kind == BlockKind::kParagraph);
  REQUIRE(b[1].spans.size() == 7);
  CHECK(b[1].spans[1].text == "bold");
  CHECK(b[1].spans[1].style == kBold);
  CHECK(b[1].spans[3].style == kItalic);
  CHECK(b[1].spans[5].text == "code");
  CHECK(b[1].spans[5].style == kCode);
  CHECK(b[1].spans[6].text == " text.");  // a soft break is a space
  CHECK(b[2].kind == BlockKind::kListItem);
  CHECK(b[2].number == 0);
  CHECK(b[4].number == 1);
  CHECK(b[5].number == 2);
  CHECK(b[6].kind == BlockKind::kCodeBlock);
  CHECK(b[6].info == "python");
  CHECK(b[6].code == "print(1)");
}

TEST_CASE("Chinese text breaks between characters, keeping closing punctuation attached") {
  const auto units = BreakUnits("进程，pid 42");
  REQUIRE(units.size() == 4);
  CHECK(units[0] == "进");
  CHECK(units[1] == "程，");
  CHECK(units[2] == "pid ");
  CHECK(units[3] == "42");
}

TEST_CASE("settings round-trip through the config directory") {
  const std::string dir = (std::filesystem::temp_directory_path() / "proclab-test-settings").string();
  std::filesystem::create_directories(dir);
  Settings settings;
  settings.language = Language::kChinese;
  settings.scale = 1.5f;
  settings.scale_saved = true;  // a scale the user chose (Ctrl +/-) is remembered
  settings.high_contrast = true;
  settings.last_lesson = "locks";
  settings.lessons_run = {"processes", "shared-data"};
  REQUIRE(SaveSettings(dir, settings));
  const Settings loaded = LoadSettings(dir);
  CHECK(loaded.language == Language::kChinese);
  CHECK(loaded.scale == 1.5f);
  CHECK(loaded.high_contrast);
  CHECK(loaded.last_lesson == "locks");
  CHECK(loaded.lessons_run == settings.lessons_run);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the command line checks lessons and their parameters before a window opens") {
  std::string error;
  const std::vector<std::string_view> views = ViewIds();
  const char* good[] = {"proclab", "--lesson", "processes", "--processes", "3", "--lang", "zh-CN",
                        "--run", "--screenshot", "out.png", "--size", "1920x1080", "--view", "locks"};
  const auto cl = ParseCommandLine(14, const_cast<char**>(good), views, &error);
  REQUIRE(cl.has_value());
  CHECK(cl->lesson == "processes");
  CHECK(cl->run);
  CHECK(cl->width == 1920);
  CHECK(cl->language == Language::kChinese);
  CHECK(cl->view == "locks");
  const char* bad_value[] = {"proclab", "--lesson", "processes", "--processes", "0"};
  CHECK(!ParseCommandLine(5, const_cast<char**>(bad_value), views, &error).has_value());
  CHECK(error.find("--processes") != std::string::npos);
  const char* bad_lesson[] = {"proclab", "--lesson", "nope"};
  CHECK(!ParseCommandLine(3, const_cast<char**>(bad_lesson), views, &error).has_value());
  const char* bad_size[] = {"proclab", "--size", "big"};
  CHECK(!ParseCommandLine(3, const_cast<char**>(bad_size), views, &error).has_value());
  const char* bad_view[] = {"proclab", "--view", "nope"};
  CHECK(!ParseCommandLine(3, const_cast<char**>(bad_view), views, &error).has_value());
  CHECK(error.find("lanes") != std::string::npos);  // names the views there are
}

TEST_CASE("the GUI's --trials takes the number of trials, in the Run pane's range") {
  std::string error;
  const std::vector<std::string_view> views = ViewIds();
  const char* good[] = {"proclab", "--lesson", "shared-data", "--run", "--trials", "7"};
  const auto cl = ParseCommandLine(6, const_cast<char**>(good), views, &error);
  REQUIRE(cl.has_value());
  CHECK(cl->trials == 7);
  for (const char* value : {"0", "1001", "many", "3x", ""}) {
    const char* bad[] = {"proclab", "--lesson", "shared-data", "--run", "--trials", value};
    CHECK_FALSE(ParseCommandLine(6, const_cast<char**>(bad), views, &error).has_value());
    CHECK(error == std::string("--trials must be a whole number of trials in 1 .. 1000, not '") + value + "'");
  }
  const char* missing[] = {"proclab", "--lesson", "shared-data", "--run", "--trials"};
  CHECK_FALSE(ParseCommandLine(5, const_cast<char**>(missing), views, &error).has_value());
  CHECK(error.find("--trials") != std::string::npos);
}

TEST_CASE("the GUI's --step is parsed by the core's step-schedule parser against the lesson, before a window opens") {
  std::string error;
  const std::vector<std::string_view> views = ViewIds();
  const char* good[] = {"proclab", "--lesson", "shared-data", "--step", "1r,2r,1w,2w", "--run"};
  const auto cl = ParseCommandLine(6, const_cast<char**>(good), views, &error);
  REQUIRE(cl.has_value());
  CHECK(cl->step_schedule == std::vector<std::pair<int, char>>{{0, 'r'}, {1, 'r'}, {0, 'w'}, {1, 'w'}});
  const char* twice[] = {"proclab", "--lesson", "shared-data", "--step", "1r,1r"};
  CHECK(!ParseCommandLine(5, const_cast<char**>(twice), views, &error).has_value());
  CHECK(error.find("--step") != std::string::npos);
  const char* no_child[] = {"proclab", "--lesson", "shared-data", "--processes", "2", "--step", "3r"};
  CHECK(!ParseCommandLine(7, const_cast<char**>(no_child), views, &error).has_value());
  CHECK(error == "--step: '3r' is not a step: write <child><r|w> with a child from 1 to 2, e.g. 1r,2r,1w,2w");
  // With --lang zh-CN (before or after --step) the reason is in Chinese.
  const char* no_child_zh[] = {"proclab", "--lesson", "shared-data", "--processes", "2", "--step", "3r", "--lang", "zh-CN"};
  CHECK(!ParseCommandLine(9, const_cast<char**>(no_child_zh), views, &error).has_value());
  CHECK(error == "--step: “3r” 不是一个步骤：写成 <子进程编号><r|w>，子进程编号从 1 到 2，例如 1r,2r,1w,2w");
  const char* not_steppable[] = {"proclab", "--lesson", "queue", "--step", "1r"};
  CHECK(!ParseCommandLine(5, const_cast<char**>(not_steppable), views, &error).has_value());
  CHECK(error == "lesson queue has no step mode (--step)");
  const char* not_steppable_zh[] = {"proclab", "--lang", "zh-CN", "--lesson", "queue", "--step", "1r"};
  CHECK(!ParseCommandLine(7, const_cast<char**>(not_steppable_zh), views, &error).has_value());
  CHECK(error == "课程 queue 没有单步模式（--step）");
  const char* no_lesson[] = {"proclab", "--step", "1r"};
  CHECK(!ParseCommandLine(3, const_cast<char**>(no_lesson), views, &error).has_value());
}

namespace {
Event At(int64_t t, uint16_t worker, EventKind kind, uint32_t object = 0, int64_t a = 0, int64_t b = 0) {
  return Event{t, worker, kind, ValueType::kInt, object, a, b};
}
}  // namespace

TEST_CASE("the live model's facts mark the write that overwrote another child's update") {
  Trace trace;
  trace.Reset(1000);
  // 1r, 2r, 1w, 2w on slot 0: child 2's write replaced child 1's 1, not the 0 it had read.
  trace.Append({At(1100, 0, EventKind::kStarted), At(1200, 0, EventKind::kRead, 0, 0),
                At(1400, 0, EventKind::kWrite, 0, 1, 0), At(1600, 0, EventKind::kFinished)});
  trace.Append({At(1100, 1, EventKind::kStarted), At(1300, 1, EventKind::kRead, 0, 0),
                At(1500, 1, EventKind::kWrite, 0, 1, 1), At(1600, 1, EventKind::kFinished)});
  // Both reaped at 1650, after their code returned at 1600: that is when their lanes end.
  std::vector<ChildRecord> children(2);
  for (int i = 0; i < 2; ++i) {
    children[static_cast<size_t>(i)].index = i;
    children[static_cast<size_t>(i)].state = ChildState::kExited;
    children[static_cast<size_t>(i)].exit_status = 0;
    children[static_cast<size_t>(i)].spawn_ns = 1050;
    children[static_cast<size_t>(i)].end_ns = 1650;
  }
  LiveModel model;
  model.Sync(trace, children);
  const SlotFacts* counter = model.facts().slot(0);
  REQUIRE(counter != nullptr);
  CHECK(counter->writes == 2);
  CHECK(counter->last_written.field == 1);
  CHECK(counter->lost == 1);
  LostMarks marks;
  marks.Update(model.facts());
  CHECK(marks.lane(0).empty());
  REQUIRE(marks.lane(1).size() == 1);
  CHECK(marks.lane(1)[0].t_ns == 1500);
  CHECK(marks.update(model.facts(), marks.lane(1)[0]).read.field == 0);
  CHECK(model.facts().child(1).StateAt(1550) == LaneState::kRunning);
  CHECK(model.facts().child(1).StateAt(1620) == LaneState::kRunning);  // returned, not yet reaped
  CHECK(model.facts().child(1).StateAt(1700) == LaneState::kExited);
  CHECK(model.lane(1).size() == 4);  // the events, kept for tooltips
}

TEST_CASE("lanes aggregate a million events into one state per pixel column") {
  Trace trace;
  trace.Reset(0);
  std::vector<Event> events;
  events.push_back(At(0, 0, EventKind::kStarted));
  for (int64_t i = 0; i < 500'000; ++i) {
    events.push_back(At(10 + i * 100, 0, EventKind::kLockAcquired, 1));
    events.push_back(At(10 + i * 100 + 70, 0, EventKind::kLockReleased, 1));
  }
  trace.Append(events);
  LiveModel model;
  model.Sync(trace, {});
  CHECK(model.events() == events.size());
  std::vector<LaneState> columns;
  AggregateColumns(model.facts().child(0), 0, 50'000'000, 800, columns);
  REQUIRE(columns.size() == 800);
  // The lock is held 70% of the time: every column shows it held.
  for (LaneState state : columns) CHECK(state == LaneState::kLockHeld);
  CHECK(model.facts().lock(1)->lanes.Find(0)->hold_ns == 500'000 * 70);
}

TEST_CASE("the live model copes with a run that has no child yet") {
  Trace trace;
  trace.Reset(5);
  LiveModel model;
  model.Sync(trace, {});
  model.Sync(trace, {});
  CHECK(model.started());
  CHECK(model.facts().children() == 0);
  CHECK(model.events() == 0);
  CHECK(model.lane(3).empty());
}

TEST_CASE("the queue's depth and items follow puts and gets in the queue's order") {
  Trace trace;
  trace.Reset(0);
  trace.Append({At(10, 0, EventKind::kQueuePut, 0, 7, 1), At(30, 0, EventKind::kQueuePut, 0, 8, 1),
                At(31, 0, EventKind::kFinished)});
  trace.Append({At(20, 1, EventKind::kQueueGet, 0, 7, 0), At(40, 1, EventKind::kQueueGet, 0, 8, 0),
                At(41, 1, EventKind::kFinished)});
  LiveModel model;
  model.Sync(trace, {});
  const QueueFacts* queue = model.facts().queue(0);
  REQUIRE(queue != nullptr);
  CHECK(queue->max_depth == 1);  // depths as the events report them
  CHECK(queue->DepthAt(15) == 1);
  CHECK(queue->DepthAt(25) == 0);
  const auto trips = queue->Trips();
  REQUIRE(trips.size() == 2);
  CHECK(trips[0].value == 7);
  CHECK(trips[1].consumer == 1);
}
#endif  // PROCLAB_HAS_GUI_LOGIC

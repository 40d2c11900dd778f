// The GUI's Python runs without ImGui: a program opened in the session runs on real CPython under
// the tracer, and what the views are shown of it — a lane per process, each process's current
// line (live) and its line at any moment, the console's output attributed to each process in
// order, the shared Value with its lost updates — is the run's own facts. Bad paths start nothing
// and say why once; Stop ends the whole program at once; step mode lets the learner schedule a
// lesson's Python program lane by lane. Compiled only with the GUI's logic library.
#ifdef PROCLAB_HAS_GUI_LOGIC
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "app/gui/session/own_program.hpp"
#include "app/gui/session/run_session.hpp"
#include "app/gui/settings/settings.hpp"
#include "core/python_program.hpp"
#include "lessons/curriculum.hpp"
#include "support.hpp"

using namespace proclab;
using namespace proclab::gui;
using namespace proclab::test;

namespace {

const std::string kPrograms = std::string(PROCLAB_SOURCE_DIR) + "/assets/python/";
const std::string kTestPrograms = std::string(PROCLAB_SOURCE_DIR) + "/tests/python/";

bool TracerMissing() {
  if (!PythonRun::FindTracerDir().empty() && !PythonRun::FindOnPath("python3").empty()) return false;
  WARN("the Python tracer is not built (python3-dev) or python3 is missing: skipped");
  return true;
}

// Calls Update as a frame would (every 5 ms) until `done` holds, at most 60 s; `each` after every
// frame (what a view would read then).
void Frames(RunSession& session, const std::function<bool()>& done, const std::function<void()>& each = [] {}) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    session.Update(20'000);
    each();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  session.Update(20'000);
}

std::string Output(const std::vector<OutputChunk>& chunks, uint8_t stream) {
  std::string text;
  for (const OutputChunk& chunk : chunks)
    if (chunk.stream == stream) text += chunk.text;
  return text;
}

}  // namespace

TEST_CASE("a Python program opened in the GUI gets a lane per process, each lit on its line, its output in order") {
  if (TracerMissing()) return;
  const Lesson& program = OwnProgramLesson();
  RunSession session;
  // Long enough (~0.5 s traced) that the frames see the children at work even on a loaded machine.
  REQUIRE(session.StartPython(program, ParamValues(), {.program = kTestPrograms + "race.py", .args = {"fork", "100000"}},
                              Language::kEnglish));
  CHECK(session.python());
  // Live: the frames see the main process and its two children on lanes, each on a line of the
  // program while it runs.
  int most_lanes = 0;
  bool child_on_line_live = false;
  Frames(session, [&] { return !session.busy(); }, [&] {
    const ShownRun shown = session.Shown(program);
    if (shown.empty() || !shown.live) return;
    CHECK(shown.python);
    REQUIRE(shown.output != nullptr);
    most_lanes = std::max(most_lanes, shown.facts->children());
    for (int lane = 1; lane < shown.facts->children(); ++lane) {
      const ChildFacts& child = shown.facts->child(lane);
      if (!child.ended() && child.line > 0) child_on_line_live = true;
    }
  });
  CHECK(most_lanes == 3);
  CHECK(child_on_line_live);

  const ShownRun shown = session.Shown(program);
  REQUIRE(shown.result != nullptr);
  CHECK(shown.result->lesson_id == "program");
  const RunFacts& facts = *shown.facts;
  REQUIRE(facts.children() == 3);
  CHECK(facts.child(0).record.name == "MainProcess");
  CHECK(facts.child(1).record.name == "ForkProcess-1");  // ctx.Process of a "fork" context
  CHECK(facts.child(2).record.name == "ForkProcess-2");
  // Each child's line at a moment of its run (the lane's hover): a line of race.py, the loop's.
  for (int lane = 1; lane <= 2; ++lane) {
    const ChildFacts& child = facts.child(lane);
    REQUIRE(!child.lines.empty());
    const int64_t middle = (child.lines.front().t_ns + child.lines.back().t_ns) / 2;
    const LineChange* line = child.LineAt(middle);
    REQUIRE(line != nullptr);
    CHECK(facts.NameOf(ObjectKind::kFile, line->file).ends_with("tests/python/race.py"));
    CHECK((line->line == 8 || line->line == 9));  // for _ in range(...) / number.value += 1
    CHECK(child.LineAt(child.lines.front().t_ns - 1) == nullptr);  // before its first line: none
  }
  // The shared Value, and the program's own report of it in the console, agree.
  const SlotFacts* counter = nullptr;
  for (const auto& [id, slot] : facts.slots())
    if (slot.name == "counter") counter = &slot;
  REQUIRE(counter != nullptr);
  CHECK(counter->writes == 200'000);
  CHECK(counter->lost == counter->writes - (counter->Final().field - counter->initial.field));
  REQUIRE(shown.output != nullptr);
  CHECK(Output(*shown.output, 1) == "final " + std::to_string(counter->Final().field) + " of 200000\n");
  // Attributed: the line was written by the main process.
  bool by_main = false;
  for (const OutputChunk& chunk : *shown.output)
    by_main |= chunk.pid == facts.child(0).record.pid && chunk.text.starts_with("final ");
  CHECK(by_main);
  CHECK(SegmentsOwnedBy(getpid()).empty());  // nothing left in /dev/shm
}

TEST_CASE("the console shows each process's output live, in the order it was written, as the run keeps it") {
  if (TracerMissing()) return;
  const Lesson& processes = *FindLesson("processes");
  ParamValues params(processes.params);
  params.SetText("processes", "3");
  const auto request = LessonPythonRequest(processes, params, true);
  REQUIRE(request.has_value());
  CHECK(request->program.ends_with("assets/python/processes.py"));
  RunSession session;
  REQUIRE(session.StartPython(processes, params, *request, Language::kEnglish));
  std::vector<OutputChunk> seen_live;
  Frames(session, [&] { return !session.busy(); }, [&] {
    const ShownRun shown = session.Shown(processes);
    if (shown.live && shown.output != nullptr) seen_live = *shown.output;
  });
  const ShownRun shown = session.Shown(processes);
  REQUIRE(shown.result != nullptr);
  CHECK(shown.result->lesson_id == "processes");  // shown under the lesson it ran for
  CHECK(shown.params->Get("processes") == 3);
  REQUIRE(shown.output != nullptr);
  const std::string out = Output(*shown.output, 1);
  CHECK(out.find("Process-3 (pid") != std::string::npos);
  CHECK(out.ends_with("all 3 processes have ended\n"));
  // What the frames saw live is the start of what the run kept, chunk by chunk.
  REQUIRE(seen_live.size() <= shown.output->size());
  for (size_t i = 0; i < seen_live.size(); ++i) {
    CHECK(seen_live[i].pid == (*shown.output)[i].pid);
    CHECK((*shown.output)[i].text.starts_with(seen_live[i].text));
  }
}

TEST_CASE("a program that cannot run gives one clear error and starts nothing") {
  RunSession session;
  const Lesson& program = OwnProgramLesson();
  TempDir dir;
  struct Case {
    std::string path, en, zh;
  };
  const std::vector<Case> cases = {
      {dir.File("missing.py"), "cannot trace " + dir.File("missing.py") + ": no such file", "没有这个文件"},
      {dir.path(), "cannot trace " + dir.path() + ": it is a directory, not a Python program", "这是一个目录"},
      {kTestPrograms + "latin1.py", "cannot trace " + kTestPrograms + "latin1.py: it is not UTF-8 text (line 1)", "不是 UTF-8"},
      {"", "no program given: type the path of a .py file", "未给出程序"},
  };
  for (const Case& c : cases) {
    INFO(c.path);
    CHECK_FALSE(session.StartPython(program, ParamValues(), {.program = c.path}, Language::kEnglish));
    CHECK(session.error() == c.en);
    CHECK_FALSE(session.busy());
    CHECK(session.Shown(program).empty());
    CHECK_FALSE(session.StartPython(program, ParamValues(), {.program = c.path}, Language::kChinese));
    CHECK(session.error().find(c.zh) != std::string::npos);
  }
  if (geteuid() != 0) {  // root reads any file: unreadable cannot be made here
    const std::string locked = dir.File("locked.py");
    { std::ofstream(locked) << "print(1)\n"; }
    chmod(locked.c_str(), 0);
    CHECK_FALSE(session.StartPython(program, ParamValues(), {.program = locked}, Language::kEnglish));
    CHECK(session.error().starts_with("cannot trace " + locked + ": it cannot be read"));
  }
  CHECK(CheckPythonProgram(kTestPrograms + "race.py").ok());
}

TEST_CASE("a syntax error is the program's own message, with the line the code pane marks") {
  if (TracerMissing()) return;
  const Lesson& program = OwnProgramLesson();
  RunSession session;
  REQUIRE(session.StartPython(program, ParamValues(), {.program = kTestPrograms + "syntax_error.py"}, Language::kEnglish));
  Frames(session, [&] { return !session.busy(); });
  const ShownRun shown = session.Shown(program);
  REQUIRE(shown.result != nullptr);
  REQUIRE(shown.facts->children() >= 1);
  const ChildFacts& main = shown.facts->child(0);
  CHECK(main.error.find("SyntaxError") != std::string::npos);
  CHECK(main.line == 2);
  CHECK(shown.facts->NameOf(ObjectKind::kFile, main.file).ends_with("syntax_error.py"));
  CHECK(Output(*shown.output, 2).find("SyntaxError") != std::string::npos);
  CHECK(shown.result->Outcome<PythonOutcome>()->exit_status == 1);
}

TEST_CASE("Stop ends a spinning Python program's whole process group within 200 ms, nothing left behind") {
  if (TracerMissing()) return;
  const Lesson& program = OwnProgramLesson();
  RunSession session;
  REQUIRE(session.StartPython(program, ParamValues(), {.program = kTestPrograms + "faults.py", .args = {"loop"}},
                              Language::kEnglish));
  // Until both processes spin: the main process and its child each on its lane.
  std::vector<pid_t> pids;
  Frames(session, [&] {
    const ShownRun shown = session.Shown(program);
    if (!shown.live || shown.facts->children() < 2) return false;
    pids = {shown.facts->child(0).record.pid, shown.facts->child(1).record.pid};
    return pids[0] > 0 && pids[1] > 0 && shown.output != nullptr && !shown.output->empty();
  });
  REQUIRE(pids.size() == 2);
  const auto stop = std::chrono::steady_clock::now();
  session.Stop();
  Frames(session, [&] { return !session.busy(); });
  const auto took = std::chrono::steady_clock::now() - stop;
  CHECK(took < std::chrono::milliseconds(200));
  for (pid_t pid : pids) CHECK_FALSE(ProcessAlive(pid));
  const ShownRun shown = session.Shown(program);
  REQUIRE(shown.result != nullptr);
  CHECK(shown.result->stopped);
  CHECK(SegmentsOwnedBy(getpid()).empty());
}

TEST_CASE("step mode on a lesson's Python program: the learner schedules lanes 1 and 2, 1r,2r,1w,2w loses one update") {
  if (TracerMissing()) return;
  const Lesson& shared = *FindLesson("shared-data");
  ParamValues params(shared.params);
  params.SetText("array-processes", "0");
  params.SetText("iterations", "2");
  params.SetText("sleep-ms", "0");
  const auto request = LessonPythonRequest(shared, params, true);
  REQUIRE(request.has_value());
  RunSession session;
  REQUIRE(session.StartPython(shared, params, *request, Language::kEnglish, 1, true));
  // The learner's clicks, as the step buttons post them: the lane whose process waits.
  const std::vector<std::pair<int, char>> plan = {{1, 'r'}, {2, 'r'}, {1, 'w'}, {2, 'w'}};
  size_t next = 0;
  size_t posted_at_events = 0;
  Frames(session, [&] { return next == plan.size() || !session.busy(); }, [&] {
    const ShownRun shown = session.Shown(shared);
    if (!shown.live) return;
    const auto [lane, what] = plan[next];
    if (lane >= shown.facts->children()) return;
    const ChildFacts& child = shown.facts->child(lane);
    // Wait for the step asked for, and for the previous one to show (its event folded in).
    if (child.StateNow() != LaneState::kStepWait || child.pending_step != (what == 'w' ? 1 : 0)) return;
    if (next > 0 && shown.facts->events() == posted_at_events) return;
    session.PostStep(lane, what);
    posted_at_events = shown.facts->events();
    ++next;
  });
  REQUIRE(next == plan.size());
  session.FinishSteps();
  Frames(session, [&] { return !session.busy(); });
  const ShownRun shown = session.Shown(shared);
  REQUIRE(shown.result != nullptr);
  const SlotFacts* number = nullptr;
  for (const auto& [id, slot] : shown.facts->slots())
    if (slot.name == "shared_number") number = &slot;
  REQUIRE(number != nullptr);
  CHECK(number->lost == 1);
  CHECK(number->Final().field == 3);
}

TEST_CASE("the programs opened last are remembered in the settings, newest first, each once") {
  TempDir dir;
  Settings settings;
  settings.recent_programs = WithRecent(settings.recent_programs, kTestPrograms + "race.py");
  settings.recent_programs = WithRecent(settings.recent_programs, dir.File("with = and , in it.py"));
  settings.recent_programs = WithRecent(settings.recent_programs, kTestPrograms + "race.py");
  REQUIRE(settings.recent_programs.size() == 2);
  CHECK(settings.recent_programs[0] == kTestPrograms + "race.py");
  CHECK(settings.recent_programs[1] == dir.File("with = and , in it.py"));
  REQUIRE(SaveSettings(dir.path(), settings));
  CHECK(LoadSettings(dir.path()).recent_programs == settings.recent_programs);
  std::vector<std::string> many;
  for (int i = 0; i < 12; ++i) many = WithRecent(many, "/p" + std::to_string(i) + ".py");
  CHECK(many.size() == 8);
  CHECK(many.front() == "/p11.py");
}

#endif  // PROCLAB_HAS_GUI_LOGIC

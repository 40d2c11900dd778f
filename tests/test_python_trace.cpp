// proclab-cli trace and run --engine python: real Python programs under ProcLab's tracer, with
// the python3 on PATH and Debian's /usr/bin/python3. Every shipped program is traced and its
// facts checked; fork, spawn and forkserver; step mode; each fault the issue lists; the output
// of a traced program is the output it has untraced.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/python_run.hpp"
#include "core/segment.hpp"
#include "support.hpp"

namespace proclab::test {
namespace {

using nlohmann::json;

const std::string kPrograms = std::string(PROCLAB_SOURCE_DIR) + "/assets/python/";
const std::string kTestPrograms = std::string(PROCLAB_SOURCE_DIR) + "/tests/python/";

// The interpreters to test with: the python3 on PATH, and Debian's when it is another one.
std::vector<std::string> Pythons() {
  std::vector<std::string> pythons;
  const std::string on_path = PythonRun::FindOnPath("python3");
  if (!on_path.empty()) pythons.push_back(on_path);
  if (access("/usr/bin/python3", X_OK) == 0 && on_path != "/usr/bin/python3") pythons.push_back("/usr/bin/python3");
  return pythons;
}

struct Traced {
  CommandResult command;
  json out;  // the JSON it printed (null if none)
};

Traced Trace(const std::string& python, const std::vector<std::string>& options, const std::string& program,
             const std::vector<std::string>& args = {}, int timeout_s = 60) {
  std::vector<std::string> argv{"trace", "--json", "--python", python};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back(program);
  if (!args.empty()) {
    argv.push_back("--");
    argv.insert(argv.end(), args.begin(), args.end());
  }
  Traced traced{RunProgram("proclab-cli", argv, timeout_s), nullptr};
  traced.out = json::parse(traced.command.out, nullptr, false);
  if (traced.out.is_discarded()) traced.out = nullptr;
  return traced;
}

const json& Shared(const json& trial, const std::string& name) {
  for (const json& entry : trial["shared"])
    if (entry["name"] == name) return entry;
  FAIL("no shared value named " << name);
  static const json none;
  return none;
}

std::string Stdout(const json& trial) {
  std::string text;
  for (const json& chunk : trial["output"])
    if (chunk["stream"] == "stdout") text += chunk["text"].get<std::string>();
  return text;
}

std::vector<std::string> OutputLines(const json& trial) { return Lines(Stdout(trial)); }

// The tracer is built (build/python): not in a sanitizer build, nor without python3-dev.
bool TracerMissing() {
  if (!PythonRun::FindTracerDir().empty() && !Pythons().empty()) return false;
  WARN("the Python tracer or python3 is missing here: nothing to test");
  return true;
}

// Nothing of the run is left: no segment of the CLI's, and no process of the program alive.
void CheckNothingLeft(const Traced& traced) {
  CHECK(SegmentsOwnedBy(traced.command.pid).empty());
  if (!traced.out.is_object() || !traced.out.contains("processes")) return;
  for (const json& process : traced.out["processes"]) CHECK_FALSE(ProcessAlive(process["pid"].get<pid_t>()));
}

// An unlocked Value incremented only by +=: what was lost is what the writes did not add.
void CheckLostUpdateIdentity(const json& value, int64_t expected) {
  const int64_t final = value["final"].get<int64_t>(), initial = value["initial"].get<int64_t>();
  CHECK(final <= expected);
  CHECK(value["writes"].get<int64_t>() == expected);
  CHECK(value["lost"].get<int64_t>() == value["writes"].get<int64_t>() - (final - initial));
}

}  // namespace

TEST_CASE("python: every shipped lesson program traces, with its facts exact where it locks", "[python]") {
  if (TracerMissing()) return;
  for (const std::string& python : Pythons()) {
    INFO(python);
    {
      const Traced t = Trace(python, {}, kPrograms + "processes.py", {"--processes", "3", "--work", "1000"});
      REQUIRE(t.command.exit_status == 0);
      CHECK(t.out["exit_status"] == 0);
      CHECK(t.out["processes"].size() == 4);
      for (const json& p : t.out["processes"]) CHECK(p["exit_status"] == 0);
      CHECK(t.out["processes"][1]["name"] == "Process-1");
      CHECK(t.out["processes"][1]["parent_pid"] == t.out["processes"][0]["pid"]);
      CheckNothingLeft(t);
    }
    {
      const Traced t = Trace(python, {}, kPrograms + "shared-data.py", {"--iterations", "30", "--sleep-ms", "1"});
      REQUIRE(t.command.exit_status == 0);
      CheckLostUpdateIdentity(Shared(t.out, "shared_number"), 60);
      const json& array = Shared(t.out, "shared_array");
      CHECK(array["kind"] == "Array");
      CHECK(array["typecode"] == "d");
      CHECK(array["initial"] == json::array({0.0, 100.0, 200.0}));
      for (size_t k = 0; k < 3; ++k) {
        const double gained = array["final"][k].get<double>() - array["initial"][k].get<double>();
        CHECK(array["lost"][k].get<int64_t>() == 60 - static_cast<int64_t>(gained));
      }
      CHECK(t.out["dropped_events"] == 0);
    }
    for (const char* program : {"locks.py", "lock-guard.py"}) {
      INFO(program);
      const Traced t = Trace(python, {}, kPrograms + program, {"--iterations", "30", "--sleep-ms", "1"});
      REQUIRE(t.command.exit_status == 0);
      const json& value = Shared(t.out, "shared_number");
      CHECK(value["final"] == 60);
      CHECK(value["lost"] == 0);
      bool found = false;
      for (const json& lock : t.out["locks"])
        if (lock["name"] == "lock") {
          found = true;
          CHECK(lock["acquisitions"].get<int64_t>() >= 60);
        }
      CHECK(found);
    }
    {
      const Traced t = Trace(python, {}, kPrograms + "locks.py", {"--iterations", "30", "--sleep-ms", "1"});
      CHECK(Shared(t.out, "shared_array")["final"] == json::array({60.0, 160.0, 260.0}));
    }
    {
      const Traced t = Trace(python, {}, kPrograms + "queue-basics.py");
      REQUIRE(t.command.exit_status == 0);
      CHECK(OutputLines(t.out).at(0) == "1");
      REQUIRE(t.out["queues"].size() == 1);
      CHECK(t.out["queues"][0]["name"] == "q");
      CHECK(t.out["queues"][0]["puts"] == 3);
      CHECK(t.out["queues"][0]["max_depth"] == 3);
    }
    {
      const Traced t = Trace(python, {}, kPrograms + "queues.py");
      REQUIRE(t.command.exit_status == 0);
      std::vector<int> squares, negatives;
      for (const std::string& line : OutputLines(t.out)) {
        if (line == "end main") continue;
        const int n = std::stoi(line);
        (n > 0 ? squares : negatives).push_back(n);
      }
      CHECK(squares == std::vector<int>{1, 4, 9, 16, 25});  // each producer's items in its order
      CHECK(negatives == std::vector<int>{-1, -2, -3, -4, -5});
      REQUIRE(t.out["queues"].size() == 1);
      CHECK(t.out["queues"][0]["puts"] == 10);
      CHECK(t.out["queues"][0]["gets"] == 10);
    }
    {
      const Traced t = Trace(python, {}, kPrograms + "pool.py", {"--workers", "2", "--chunksize", "3"});
      REQUIRE(t.command.exit_status == 0);
      CHECK(OutputLines(t.out).at(0) == "[0, 1, 8, 27, 64, 125, 216, 343, 512, 729]");
      REQUIRE(t.out["pools"].size() == 1);
      const json& pool = t.out["pools"][0];
      CHECK(pool["workers"] == 2);
      std::set<int64_t> items;
      std::set<int> workers;
      for (const json& task : pool["tasks"]) {
        for (const json& item : task["items"]) CHECK(items.insert(item.get<int64_t>()).second);
        workers.insert(task["worker_pid"].get<int>());
        CHECK(task["items"].size() <= 3);
      }
      CHECK(items == std::set<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
      for (int pid : workers) {
        bool a_lane = false;
        for (const json& p : t.out["processes"]) a_lane |= p["pid"] == pid;
        CHECK(a_lane);
      }
    }
    {
      const Traced opposite = Trace(python, {}, kPrograms + "deadlock.py", {}, 30);
      CHECK(opposite.out["exit_status"] == 128 + SIGKILL);
      REQUIRE(opposite.out.contains("deadlock"));
      CHECK(opposite.out["deadlock"]["cycle"].size() == 2);
      CheckNothingLeft(opposite);
      const Traced same = Trace(python, {}, kPrograms + "deadlock.py", {"--order", "same"}, 30);
      CHECK(same.command.exit_status == 0);
      CHECK_FALSE(same.out.contains("deadlock"));
    }
  }
}

TEST_CASE("python: a pool's map_async, apply_async and their callbacks are traced", "[python]") {
  if (TracerMissing()) return;
  const Traced t = Trace(Pythons().front(), {}, kPrograms + "pool.py", {"--mode", "apply_async", "--items", "4"});
  REQUIRE(t.command.exit_status == 0);
  const json& pool = t.out["pools"].at(0);
  CHECK(pool["callbacks"] == 4);
  CHECK(pool["submissions"].size() == 4);
  CHECK(pool["submissions"][0]["call"] == "apply_async");
  const Traced m = Trace(Pythons().front(), {}, kPrograms + "pool.py", {"--mode", "map_async", "--items", "6"});
  CHECK(m.out["pools"].at(0)["callbacks"] == 1);
  CHECK(m.out["pools"].at(0)["submissions"][0]["call"] == "map_async");
  CHECK(m.out["pools"].at(0)["submissions"][0]["items"] == 6);
}

TEST_CASE("python: fork, spawn and forkserver children each get a lane and lose updates the same way", "[python]") {
  if (TracerMissing()) return;
  for (const std::string& python : Pythons()) {
    for (const char* method : {"fork", "spawn", "forkserver"}) {
      INFO(python << " " << method);
      const Traced t = Trace(python, {"--lines", "off"}, kTestPrograms + "race.py", {method, "20000"});
      REQUIRE(t.command.exit_status == 0);
      std::set<std::string> names;
      for (const json& p : t.out["processes"]) names.insert(p["name"].is_string() ? p["name"].get<std::string>() : "");
      // A context's processes are named after their class: ForkProcess-1, SpawnProcess-1 ...
      const std::string kind = std::string(method) == "fork" ? "Fork" : std::string(method) == "spawn" ? "Spawn" : "ForkServer";
      CHECK(names.count("MainProcess") == 1);
      CHECK(names.count(kind + "Process-1") == 1);
      CHECK(names.count(kind + "Process-2") == 1);
      const json& value = Shared(t.out, "counter");
      CheckLostUpdateIdentity(value, 40000);
      CHECK(Stdout(t.out) == "final " + value["final"].dump() + " of 40000\n");
      CheckNothingLeft(t);
    }
  }
}

TEST_CASE("python: step mode 1r,2r,1w,2w on the unlocked program loses exactly one update", "[python]") {
  if (TracerMissing()) return;
  for (const std::string& python : Pythons()) {
    INFO(python);
    const Traced t = Trace(python, {"--step", "1r,2r,1w,2w"}, kPrograms + "shared-data.py",
                           {"--array-processes", "0", "--iterations", "2", "--sleep-ms", "0"});
    REQUIRE(t.command.exit_status == 0);
    const json& value = Shared(t.out, "shared_number");
    CHECK(value["lost"] == 1);
    CHECK(value["final"] == 3);
    REQUIRE(t.out["steps"].size() >= 4);
    CHECK(t.out["steps"][3]["lost_update"] == true);
    CHECK(t.out["steps"][0]["value"] == 0);
    CHECK(t.out["steps"][1]["value"] == 0);
  }
}

TEST_CASE("python: run <lesson> --engine python runs the lesson's program through the tracer", "[python]") {
  if (TracerMissing()) return;
  const CommandResult r = RunProgram("proclab-cli", {"run", "locks", "--engine", "python", "--json", "--iterations", "10",
                                                     "--sleep-ms", "1"});
  REQUIRE(r.exit_status == 0);
  const json out = json::parse(r.out);
  CHECK(out["lesson"] == "locks");
  CHECK(out["engine"] == "python");
  CHECK(Shared(out, "shared_number")["final"] == 20);
  const CommandResult bad = RunProgram("proclab-cli", {"run", "processes", "--engine", "python", "--fail", "crash",
                                                       "--work", "0", "--json"});
  CHECK(bad.exit_status == 0);
  const CommandResult unknown = RunProgram("proclab-cli", {"run", "locks", "--engine", "python", "--kill-holder", "on"});
  CHECK(unknown.exit_status == 2);
  CHECK(Lines(unknown.err).size() == 1);
  CHECK(unknown.err.find("no Python equivalent") != std::string::npos);
}

TEST_CASE("python: bad input gets one line and exit status 2, and nothing starts", "[python]") {
  if (TracerMissing()) return;
  TempDir dir;
  const std::string python = Pythons().front();
  auto one_line = [](const CommandResult& r, const std::string& words) {
    CHECK(r.exit_status == 2);
    CHECK(r.out.empty());
    CHECK(Lines(r.err).size() == 1);
    CHECK(r.err.find(words) != std::string::npos);
    CHECK(SegmentsOwnedBy(r.pid).empty());
  };
  one_line(RunProgram("proclab-cli", {"trace", dir.File("missing.py")}), "no such file");
  one_line(RunProgram("proclab-cli", {"trace", dir.path()}), "is a directory");
  one_line(RunProgram("proclab-cli", {"trace", kTestPrograms + "latin1.py"}), "not UTF-8");
  one_line(RunProgram("proclab-cli", {"trace", "--lines", "sometimes", kTestPrograms + "race.py"}), "--lines");
  one_line(RunProgram("proclab-cli", {"trace", "--step", "1x", kTestPrograms + "race.py"}), "--step");
  // Not readable: as a user who may not read it (root reads everything).
  const std::string secret = dir.File("secret.py");
  std::ofstream(secret) << "print('hidden')\n";
  chmod(secret.c_str(), 0000);
  chmod(dir.path().c_str(), 0755);
  if (access("/usr/bin/setpriv", X_OK) == 0) {
    const CommandResult r = RunProgram("/usr/bin/setpriv", {"--reuid=65534", "--regid=65534", "--clear-groups",
                                                            BinPath("proclab-cli"), "trace", secret});
    one_line(r, "cannot be read");
  }
}

TEST_CASE("python: no python3 on PATH is one message naming the Debian package", "[python]") {
  if (TracerMissing()) return;
  const CommandResult r = RunProgram("/usr/bin/env", {"PATH=/nonexistent", BinPath("proclab-cli"), "trace",
                                                      kTestPrograms + "race.py"});
  CHECK(r.exit_status == 127);
  CHECK(Lines(r.err).size() == 1);
  CHECK(r.err.find("apt-get install python3") != std::string::npos);
}

TEST_CASE("python: the program's own failures are its exit status, explained", "[python]") {
  if (TracerMissing()) return;
  const std::string python = Pythons().front();
  {
    const Traced t = Trace(python, {}, kTestPrograms + "syntax_error.py");
    CHECK(t.command.exit_status == 1);
    const json& main = t.out["processes"][0];
    CHECK(main["error"].get<std::string>().find("SyntaxError") != std::string::npos);
    CHECK(main["line"]["line"] == 2);  // the line the code pane marks
    std::string err;
    for (const json& chunk : t.out["output"]) err += chunk["text"].get<std::string>();
    CHECK(err.find("SyntaxError") != std::string::npos);
  }
  {
    const Traced t = Trace(python, {}, kTestPrograms + "faults.py", {"raise"});
    CHECK(t.command.exit_status == 1);
    CHECK(t.out["processes"][0]["error"].get<std::string>().find("RuntimeError: the program's own error") !=
          std::string::npos);
  }
  {
    const Traced t = Trace(python, {}, kTestPrograms + "faults.py", {"child-raises"});
    CHECK(t.command.exit_status == 0);
    CHECK(t.out["processes"][1]["exit_status"] == 1);
    CHECK(t.out["processes"][1]["error"].get<std::string>().find("ValueError") != std::string::npos);
  }
  CHECK(Trace(python, {}, kTestPrograms + "faults.py", {"exit3"}).command.exit_status == 3);
  {
    const Traced t = Trace(python, {}, kTestPrograms + "faults.py", {"import-error"});
    CHECK(t.command.exit_status == 0);
    CHECK(Stdout(t.out) == "caught ModuleNotFoundError\n");
  }
  const Traced killed = Trace(python, {}, kTestPrograms + "faults.py", {"sigterm"});
  CHECK(killed.command.exit_status == 128 + SIGTERM);
  CHECK(killed.out["signal"] == "SIGTERM");
  CheckNothingLeft(killed);
}

TEST_CASE("python: more processes than lanes run untraced, and the run goes on", "[python]") {
  if (TracerMissing()) return;
  const Traced t = Trace(Pythons().front(), {"--lanes", "3"}, kTestPrograms + "faults.py", {"many", "4"});
  CHECK(t.command.exit_status == 0);
  CHECK(t.out["untraced_processes"] == 2);
  CHECK(t.out["processes"].size() == 3);
  CHECK(Stdout(t.out) == "all 4 ended\n");
  bool said = false;
  for (const json& note : t.out["notes"]) said |= note.get<std::string>().find("untraced") != std::string::npos;
  CHECK(said);
}

TEST_CASE("python: megabytes of output pass through whole and in order", "[python]") {
  if (TracerMissing()) return;
  const std::string python = Pythons().front();
  const CommandResult plain = RunProgram(python, {kTestPrograms + "faults.py", "megabytes"});
  const CommandResult traced = RunProgram("proclab-cli", {"trace", "--python", python, kTestPrograms + "faults.py",
                                                          "--", "megabytes"});
  CHECK(traced.exit_status == 0);
  CHECK(plain.out.size() == 5'000'000);
  CHECK(traced.out == plain.out);
}

TEST_CASE("python: a traced program's output is byte-identical to its untraced output", "[python]") {
  if (TracerMissing()) return;
  for (const std::string& python : Pythons()) {
    INFO(python);
    for (const std::vector<std::string>& program :
         {std::vector<std::string>{kPrograms + "queue-basics.py"}, {kPrograms + "locks.py", "--iterations", "5"},
          {kPrograms + "pool.py", "--workers", "2"}, {kTestPrograms + "faults.py", "raise"}}) {
      const CommandResult plain = RunProgram(python, program);
      std::vector<std::string> args{"trace", "--python", python, program[0], "--"};
      args.insert(args.end(), program.begin() + 1, program.end());
      const CommandResult traced = RunProgram("proclab-cli", args);
      CHECK(traced.exit_status == plain.exit_status);
      CHECK(traced.out == plain.out);
      // The program's stderr comes first; ProcLab's report follows it, each line "proclab".
      CHECK(traced.err.substr(0, plain.err.size()) == plain.err);
      const Traced json_traced = Trace(python, {}, program[0], {program.begin() + 1, program.end()});
      CHECK(Stdout(json_traced.out) == plain.out);
    }
  }
}

TEST_CASE("python: Ctrl-C ends a hanging program's whole group within 200 ms and says where each was",
          "[python]") {
  if (TracerMissing()) return;
  TempDir dir;
  const pid_t cli = StartProgram("proclab-cli", {"trace", "--python", Pythons().front(), kTestPrograms + "faults.py",
                                                 "--", "loop"},
                                 dir.File("out"), dir.File("err"));
  REQUIRE(cli > 0);
  // The program said it spins (text mode passes its output on at once) and its child runs.
  pid_t main = -1, child = -1;
  REQUIRE(WaitFor(
      [&] {
        if (ReadFile(dir.File("out")) != "spinning\n") return false;
        const std::vector<pid_t> mains = ChildrenOf(cli);
        if (mains.empty()) return false;
        const std::vector<pid_t> children = ChildrenOf(mains.front());
        if (children.empty()) return false;
        main = mains.front();
        child = children.front();
        return true;
      },
      std::chrono::seconds(30)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto sent = std::chrono::steady_clock::now();
  kill(cli, SIGINT);
  const CommandResult r = WaitProgram(cli, std::chrono::seconds(10));
  const auto took = std::chrono::steady_clock::now() - sent;
  CHECK(r.exit_status == 130);
  CHECK(took < std::chrono::milliseconds(200 + 300));  // 200 ms is the target; slack for a loaded machine
  CHECK_FALSE(ProcessAlive(main));
  CHECK_FALSE(ProcessAlive(child));
  CHECK(SegmentsOwnedBy(cli).empty());
  const std::string report = ReadFile(dir.File("err"));
  INFO(report);
  CHECK(report.find("exit status 130") != std::string::npos);
  CHECK(report.find("When the run was stopped: MainProcess") != std::string::npos);
  CHECK(report.find("line") != std::string::npos);
  // The last line says how soon every process of the program ended, as the GUI and JSON do.
  const std::vector<std::string> lines = Lines(report);
  REQUIRE_FALSE(lines.empty());
  CHECK_THAT(lines.back(), Catch::StartsWith("proclab-cli: stopped by SIGINT; all ") &&
                               Catch::Contains(" of the program's processes ended within ") &&
                               Catch::EndsWith(" ms, the shared memory removed"));
}

TEST_CASE("python: joining producers before draining their queue is found and ended, with the cause", "[python]") {
  if (TracerMissing()) return;
  const Traced t = Trace(Pythons().front(), {"--lines", "off"}, kPrograms + "queues.py",
                         {"--items", "20000", "--join-before-drain", "on"}, 60);
  CHECK(t.out["exit_status"] == 128 + SIGKILL);
  bool said = false;
  for (const json& note : t.out["notes"]) said |= note.get<std::string>().find("join before drain") != std::string::npos;
  CHECK(said);
  CheckNothingLeft(t);
}

TEST_CASE("python: a child that dies holding a lock is named, and the run ends", "[python]") {
  if (TracerMissing()) return;
  const Traced t = Trace(Pythons().front(), {}, kPrograms + "lock-guard.py",
                         {"--style", "manual", "--fail-inside", "on", "--iterations", "10", "--sleep-ms", "1"}, 60);
  CHECK(t.out["exit_status"] == 128 + SIGKILL);
  bool said = false;
  for (const json& note : t.out["notes"]) said |= note.get<std::string>().find("ended while it held 'lock'") != std::string::npos;
  CHECK(said);
  const Traced guarded = Trace(Pythons().front(), {}, kPrograms + "lock-guard.py",
                               {"--style", "guard", "--fail-inside", "on", "--iterations", "10", "--sleep-ms", "1"});
  CHECK(guarded.command.exit_status == 0);
}

TEST_CASE("python: an orphan is reaped by ProcLab and its end known", "[python]") {
  if (TracerMissing()) return;
  const Traced t = Trace(Pythons().front(), {}, kTestPrograms + "faults.py", {"orphan"});
  CHECK(t.command.exit_status == 0);
  REQUIRE(t.out["processes"].size() == 2);
  CHECK(t.out["processes"][1]["exit_status"] == 0);
  CheckNothingLeft(t);
}

TEST_CASE("python: the report in Chinese (--lang zh-CN) says the same figures as the English one and the JSON",
          "[python]") {
  if (TracerMissing()) return;
  const std::string python = Pythons().front();
  const Traced json_run = Trace(python, {}, kTestPrograms + "race.py", {"fork", "200"});
  REQUIRE(json_run.out.is_object());
  const CommandResult en = RunProgram("proclab-cli", {"trace", "--python", python, kTestPrograms + "race.py", "--", "fork", "200"});
  const CommandResult zh = RunProgram("proclab-cli", {"trace", "--lang", "zh-CN", "--python", python,
                                                      kTestPrograms + "race.py", "--", "fork", "200"});
  REQUIRE(en.exit_status == 0);
  REQUIRE(zh.exit_status == 0);
  INFO(zh.err);
  // Every line ProcLab writes is in Chinese: none of the English report's words.
  for (const char* english : {"exit status", "  lane ", "exited with status", " reads, ", "updates lost", "proclab: note"})
    CHECK(zh.err.find(english) == std::string::npos);
  CHECK(zh.err.find("退出状态 0") != std::string::npos);
  const int processes = static_cast<int>(json_run.out["processes"].size());
  CHECK(processes == 3);
  for (int lane = 0; lane < processes; ++lane)
    CHECK(zh.err.find("  泳道 " + std::to_string(lane) + "  ") != std::string::npos);
  CHECK(zh.err.find("以状态码 0 退出") != std::string::npos);
  // The Value's line: its start and reads in both, and the same number of lines.
  const json& number = json_run.out["shared"][0];
  CHECK(zh.err.find("开始时 0，") != std::string::npos);
  CHECK(en.err.find("0 at the start, ") != std::string::npos);
  CHECK(number["writes"] == 400);
  CHECK(zh.err.find("写 " + number["writes"].dump() + " 次") != std::string::npos);
  CHECK(en.err.find(number["writes"].dump() + " writes") != std::string::npos);
  // One line per process in each (the notes can differ: these are two runs).
  auto count = [](const std::string& text, const std::string& start) {
    int n = 0;
    for (const std::string& line : Lines(text)) n += line.rfind(start, 0) == 0 ? 1 : 0;
    return n;
  };
  CHECK(count(zh.err, "  泳道 ") == processes);
  CHECK(count(en.err, "  lane ") == processes);
}

TEST_CASE("python: trace --lang accepts en and zh-CN only, in one line, starting nothing", "[python]") {
  const CommandResult r = RunProgram("proclab-cli", {"trace", "--lang", "fr", kTestPrograms + "race.py"});
  CHECK(r.exit_status == 2);
  CHECK(Lines(r.err).size() == 1);
  CHECK_THAT(r.err, Catch::Contains("--lang"));
  CHECK(ChildrenOf(getpid()).empty());
}

}  // namespace proclab::test

// The GUI `proclab` as a real program under its own Xvfb, for what a user or a machine can get
// wrong: the app SIGKILLed mid-run, no Chinese font, a lesson text missing or malformed, an
// unwritable screenshot path, an unwritable config directory. Each test starts Xvfb with
// -displayfd (the server picks a free display itself, so tests can run in parallel) and
// -nolisten tcp. Tagged [gui]: skipped where bin/proclab or Xvfb is absent (sanitizer builds).
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "core/python_run.hpp"
#include "core/segment.hpp"
#include "support.hpp"

using namespace proclab;
using namespace proclab::test;
using namespace std::chrono_literals;

namespace {

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

// An Xvfb server of the test's own; DISPLAY points at it while the object lives.
class Xvfb {
 public:
  Xvfb() {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(pipe_fds[0]);
      const int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      const std::string fd = std::to_string(pipe_fds[1]);
      execlp("Xvfb", "Xvfb", "-displayfd", fd.c_str(), "-screen", "0", "1280x800x24",
             "-nolisten", "tcp", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(pipe_fds[1]);
    std::string number;
    char c;
    while (read(pipe_fds[0], &c, 1) == 1 && c != '\n') number += c;
    close(pipe_fds[0]);
    if (number.empty()) return;
    display_ = ":" + number;
    const char* old = std::getenv("DISPLAY");
    if (old != nullptr) old_display_ = old;
    setenv("DISPLAY", display_.c_str(), 1);
  }
  ~Xvfb() {
    if (old_display_) setenv("DISPLAY", old_display_->c_str(), 1);
    else unsetenv("DISPLAY");
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ready() const { return !display_.empty(); }

 private:
  pid_t pid_ = -1;
  std::string display_;
  std::optional<std::string> old_display_;
};

// Sets an environment variable for the test's scope (children inherit it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

bool GuiAvailable() {
  return Exists(BinPath("proclab")) && std::system("command -v Xvfb >/dev/null 2>&1") == 0;
}

#define REQUIRE_GUI()                                                      \
  if (!GuiAvailable()) {                                                   \
    WARN("bin/proclab or Xvfb is missing: the GUI is not checked here");   \
    return;                                                                \
  }

size_t Count(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// A copy of the assets directory the test may break.
std::string CopyAssets(const TempDir& dir) {
  const std::string copy = dir.File("assets");
  std::filesystem::copy(PROCLAB_SOURCE_DIR "/assets", copy,
                        std::filesystem::copy_options::recursive);
  return copy;
}

}  // namespace

TEST_CASE("gui: after SIGKILL of proclab mid-run its children die and the next start sweeps its "
          "segment",
          "[gui]") {
  REQUIRE_GUI();
  Xvfb xvfb;
  REQUIRE(xvfb.ready());
  TempDir dir;
  ScopedEnv config("XDG_CONFIG_HOME", dir.File("config"));
  // Be the subreaper, as in the CLI test: the orphans come to us, so we see how they end.
  REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  struct Unset {
    ~Unset() { prctl(PR_SET_CHILD_SUBREAPER, 0); }
  } unset;
  const pid_t gui = StartProgram("proclab",
                                 {"--lesson", "processes", "--processes", "2", "--work",
                                  "1000000000", "--run", "--size", "1000x700"},
                                 dir.File("out"), dir.File("err"));
  REQUIRE(gui > 0);
  std::vector<pid_t> children;
  WaitFor(
      [&] {
        children = ChildrenOf(gui);
        return children.size() >= 2;
      },
      30s);
  INFO("stderr: " << ReadFile(dir.File("err")));
  REQUIRE(children.size() == 2);
  CHECK(SegmentsOwnedBy(gui).size() == 1);
  kill(gui, SIGKILL);
  CHECK(WaitProgram(gui, 5s).signal == SIGKILL);
  for (pid_t child : children) {
    bool timed_out = false;
    const CommandResult orphan = WaitProgram(child, 1s, &timed_out);
    CHECK_FALSE(timed_out);
    CHECK((orphan.signal == SIGKILL || orphan.exit_status == 70));
    CHECK_FALSE(ProcessExists(child));
  }
  // The next proclab to start sweeps the dead one's segment.
  const CommandResult next =
      RunProgram("proclab", {"--screenshot", dir.File("next.png"), "--size", "800x600"}, 60);
  CHECK(next.exit_status == 0);
  CHECK(SegmentsOwnedBy(gui).empty());
}

TEST_CASE("gui: without a Chinese font the app says so once, shows English and exits 0", "[gui]") {
  REQUIRE_GUI();
  Xvfb xvfb;
  REQUIRE(xvfb.ready());
  TempDir dir;
  // A fontconfig configuration without a single font directory.
  {
    std::ofstream conf(dir.File("fonts.conf"));
    conf << "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n"
            "<fontconfig><cachedir>"
         << dir.File("cache") << "</cachedir></fontconfig>\n";
  }
  ScopedEnv fonts("FONTCONFIG_FILE", dir.File("fonts.conf"));
  ScopedEnv config("XDG_CONFIG_HOME", dir.File("config"));
  for (const char* language : {"en", "zh-CN"}) {
    INFO("--lang " << language);
    const std::string shot = dir.File(std::string("shot-") + language + ".png");
    const CommandResult result = RunProgram(
        "proclab", {"--lang", language, "--lesson", "processes", "--run", "--screenshot", shot,
                    "--size", "1000x700"},
        120);
    INFO("stderr: " << result.err);
    CHECK(result.exit_status == 0);
    CHECK(Count(result.err, "No Chinese font found") == 1);
    CHECK(Exists(shot));
  }
}

TEST_CASE("gui: a missing or malformed lesson text is an error in that lesson only", "[gui]") {
  REQUIRE_GUI();
  Xvfb xvfb;
  REQUIRE(xvfb.ready());
  TempDir dir;
  const std::string assets = CopyAssets(dir);
  std::filesystem::remove(assets + "/lessons/en/queue.md");
  {
    std::ofstream broken(assets + "/lessons/en/pool.md", std::ios::binary | std::ios::trunc);
    broken << "# Pool\n\nbroken \xff\xfe bytes\n";
  }
  ScopedEnv assets_env("PROCLAB_ASSETS", assets);
  ScopedEnv config("XDG_CONFIG_HOME", dir.File("config"));
  const auto open_lesson = [&](const std::string& id) {
    return RunProgram("proclab", {"--lesson", id, "--run", "--screenshot", dir.File(id + ".png"),
                                  "--size", "1000x700"},
                      120);
  };
  const CommandResult missing = open_lesson("queue");
  INFO("queue stderr: " << missing.err);
  CHECK(missing.exit_status == 0);
  CHECK(Count(missing.err, "the text of lesson queue (en) is not shown: cannot read") == 1);
  CHECK(Exists(dir.File("queue.png")));
  const CommandResult malformed = open_lesson("pool");
  INFO("pool stderr: " << malformed.err);
  CHECK(malformed.exit_status == 0);
  CHECK(Count(malformed.err, "the text of lesson pool (en) is not shown") == 1);
  CHECK_THAT(malformed.err, Catch::Contains("not UTF-8 text"));
  // Every other lesson is unaffected.
  const CommandResult other = open_lesson("processes");
  INFO("processes stderr: " << other.err);
  CHECK(other.exit_status == 0);
  CHECK_THAT(other.err, !Catch::Contains("is not shown"));
}

TEST_CASE("gui: a screenshot path that cannot be written at the end is one clear error and "
          "a non-zero exit, no crash",
          "[gui]") {
  REQUIRE_GUI();
  Xvfb xvfb;
  REQUIRE(xvfb.ready());
  TempDir dir;
  ScopedEnv config("XDG_CONFIG_HOME", dir.File("config"));
  // /proc is a folder that exists and that root may write to, but no file can be made there.
  const std::string path = "/proc/proclab-shot.png";
  const CommandResult result =
      RunProgram("proclab", {"--screenshot", path, "--size", "800x600"}, 60);
  INFO("stderr: " << result.err);
  CHECK(result.signal == 0);
  CHECK(result.exit_status == 1);
  CHECK(Count(result.err, "cannot write the screenshot " + path) == 1);
}

// The rule of the in-app save dialog (SavePathProblem), applied before any window opens.
TEST_CASE("gui: --screenshot into a folder that does not exist, or onto a folder, is bad input "
          "and creates nothing",
          "[gui]") {
  if (!Exists(BinPath("proclab"))) return;  // no GUI in this build
  TempDir dir;
  {
    std::ofstream file(dir.File("a-file"));
    file << "x";
  }
  const std::vector<std::pair<std::string, std::string>> refused = {
      {dir.File("no-such-folder/shot.png"), "This folder does not exist: " + dir.File("no-such-folder")},
      {dir.File("a-file") + "/shot.png", "This folder does not exist: " + dir.File("a-file")},
      {dir.path(), "This path is a folder, not a file: " + dir.path()},
  };
  for (const auto& [path, problem] : refused) {
    INFO(path);
    const CommandResult result = RunProgram("proclab", {"--screenshot", path}, 30);
    CHECK(result.exit_status == 2);
    CHECK(result.out.empty());
    CHECK(Lines(result.err).size() == 1);
    CHECK(result.err == "proclab: cannot save the screenshot to " + path + ": " + problem + "\n");
  }
  CHECK_FALSE(Exists(dir.File("no-such-folder")));
  CHECK(ReadFile(dir.File("a-file")) == "x");
}

TEST_CASE("gui: --run --screenshot exits 1 when the run cannot start, and the screenshot shows why",
          "[gui]") {
  REQUIRE_GUI();
  Xvfb xvfb;
  REQUIRE(xvfb.ready());
  TempDir dir;
  ScopedEnv config("XDG_CONFIG_HOME", dir.File("config"));
  // A proclab with no proclab-worker beside it (and no install around it) finds no worker.
  std::filesystem::create_directories(dir.File("bin"));
  std::filesystem::copy_file(BinPath("proclab"), dir.File("bin/proclab"));
  const std::string shot = dir.File("shot.png");
  const CommandResult result = RunProgram(
      dir.File("bin/proclab"),
      {"--lesson", "processes", "--run", "--screenshot", shot, "--size", "1000x700"}, 120);
  INFO("stderr: " << result.err);
  CHECK(result.exit_status == 1);
  CHECK(Count(result.err, "proclab: the run could not start: cannot find the worker program " +
                              dir.File("bin/proclab-worker")) == 1);
  CHECK(Exists(shot));
}

TEST_CASE("gui: an unwritable config directory: the app works and says settings are not saved",
          "[gui]") {
  REQUIRE_GUI();
  Xvfb xvfb;
  REQUIRE(xvfb.ready());
  TempDir dir;
  {
    std::ofstream file(dir.File("not-a-dir"));
    file << "x";
  }
  // A file where the directory should be: even root cannot create a directory inside it.
  ScopedEnv config("XDG_CONFIG_HOME", dir.File("not-a-dir"));
  const CommandResult result =
      RunProgram("proclab", {"--lesson", "processes", "--run", "--screenshot",
                             dir.File("shot.png"), "--size", "1000x700"},
                 120);
  INFO("stderr: " << result.err);
  CHECK(result.exit_status == 0);
  CHECK(Count(result.err, "settings are not saved") == 1);
  CHECK(Exists(dir.File("shot.png")));
  CHECK(ReadFile(dir.File("not-a-dir")) == "x");
}

TEST_CASE("gui: --step runs the whole schedule like the CLI and the run ends on its own", "[gui]") {
  REQUIRE_GUI();
  Xvfb xvfb;
  REQUIRE(xvfb.ready());
  TempDir dir;
  ScopedEnv config("XDG_CONFIG_HOME", dir.File("config"));
  // Step mode that waited for clicks would never finish: the screenshot proves the run ended.
  const CommandResult result =
      RunProgram("proclab", {"--lesson", "shared-data", "--step", "1r,2r,1w,2w", "--array-processes", "0",
                             "--iterations", "2", "--run", "--screenshot", dir.File("stepped.png"), "--size", "1000x700"},
                 60);
  INFO("stderr: " << result.err);
  CHECK(result.exit_status == 0);
  CHECK(Exists(dir.File("stepped.png")));
  // A schedule the lesson cannot take is refused before any window opens.
  const CommandResult bad = RunProgram("proclab", {"--lesson", "shared-data", "--step", "1w", "--run"}, 30);
  CHECK(bad.exit_status == 2);
  CHECK_THAT(bad.err, Catch::Contains("--step"));
}

TEST_CASE("gui: --python opens a shipped program and runs it traced; a path that cannot run is one line, exit 2, "
          "no window",
          "[gui][python]") {
  REQUIRE_GUI();
  for (const std::string& bad : {std::string(PROCLAB_SOURCE_DIR "/no-such-program.py"), std::string(PROCLAB_SOURCE_DIR),
                                 std::string(PROCLAB_SOURCE_DIR "/tests/python/latin1.py")}) {
    const CommandResult result = RunProgram("proclab", {"--python", bad, "--run"}, 30);  // no display needed
    INFO(bad << " stderr: " << result.err);
    CHECK(result.exit_status == 2);
    CHECK(Count(result.err, "\n") == 1);
    CHECK_THAT(result.err, Catch::Contains("cannot trace " + bad + ": "));
  }
  if (PythonRun::FindTracerDir().empty()) return;  // no python3-dev at build time: no tracer
  Xvfb xvfb;
  REQUIRE(xvfb.ready());
  TempDir dir;
  ScopedEnv config("XDG_CONFIG_HOME", dir.File("config"));
  const CommandResult result =
      RunProgram("proclab", {"--python", PROCLAB_SOURCE_DIR "/assets/python/processes.py", "--run", "--view", "console",
                             "--screenshot", dir.File("program.png"), "--size", "1000x700"},
                 90);
  INFO("stderr: " << result.err);
  CHECK(result.exit_status == 0);
  CHECK(Exists(dir.File("program.png")));
  CHECK(SegmentsOwnedBy(result.pid).empty());
  // Remembered for the open dialog's recent files.
  CHECK_THAT(ReadFile(dir.File("config/proclab/settings.ini")),
             Catch::Contains("recent_program=" PROCLAB_SOURCE_DIR "/assets/python/processes.py"));
}

// Supervisor: spawning real programs, exit codes and signals, join with a timeout, kill, and the
// promise that no child (not even a zombie) outlives a join or the Supervisor itself.
#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include <sys/wait.h>
#include <fstream>
#include <string>

#include "core/clock.hpp"
#include "core/process.hpp"
#include "support.hpp"

using namespace proclab;
using namespace proclab::test;
using namespace std::chrono_literals;

namespace {

// The hex mask of one line ("SigIgn:", "SigBlk:") of /proc/<pid>/status.
uint64_t StatusMask(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with(field)) return std::stoull(line.substr(field.size()), nullptr, 16);
  return ~uint64_t{0};
}

uint64_t Bit(int signal) { return uint64_t{1} << (signal - 1); }

}  // namespace

TEST_CASE("a child that exits 0 is recorded as exited with status 0, its times in order") {
  Supervisor supervisor;
  const int64_t before = MonotonicNs();
  const int index = supervisor.Spawn("/bin/true", {});
  CHECK(index == 0);
  CHECK(supervisor.child(0).state == ChildState::kStarted);
  CHECK(supervisor.child(0).pid > 0);
  CHECK(supervisor.child(0).pid != getpid());
  CHECK(supervisor.alive() == 1);

  REQUIRE(supervisor.JoinAll(5s));
  const ChildRecord& child = supervisor.child(0);
  CHECK(child.state == ChildState::kExited);
  CHECK(child.done());
  CHECK(child.exit_status == 0);
  CHECK(child.signal == 0);
  CHECK(child.spawn_ns >= before);
  CHECK(child.spawn_ns <= child.end_ns);
  CHECK(child.end_ns <= MonotonicNs());
  CHECK(child.start_ns == 0);  // nobody reported it running
  CHECK(child.pidfd == -1);    // closed once reaped
  CHECK(supervisor.alive() == 0);
}

TEST_CASE("a child's exit status is recorded as the program returned it") {
  Supervisor supervisor;
  supervisor.Spawn("/bin/false", {});
  supervisor.Spawn("/bin/sh", {"-c", "exit 7"});
  REQUIRE(supervisor.JoinAll(5s));
  CHECK(supervisor.child(0).state == ChildState::kExited);
  CHECK(supervisor.child(0).exit_status == 1);
  CHECK(supervisor.child(0).signal == 0);
  CHECK(supervisor.child(1).state == ChildState::kExited);
  CHECK(supervisor.child(1).exit_status == 7);
  CHECK(supervisor.child(1).index == 1);
}

TEST_CASE("killing a running child records state killed and signal 9") {
  Supervisor supervisor;
  supervisor.Spawn("/bin/sleep", {"30"});
  CHECK(supervisor.Reap() == 0);  // still running: reaping does not block and finds nothing
  supervisor.Kill(0);
  REQUIRE(supervisor.JoinAll(5s));
  const ChildRecord& child = supervisor.child(0);
  CHECK(child.state == ChildState::kKilled);
  CHECK(child.signal == SIGKILL);
  CHECK(child.exit_status == -1);
  CHECK(child.spawn_ns <= child.end_ns);
  CHECK_FALSE(ProcessExists(child.pid));
}

TEST_CASE("a child killed by another signal records that signal") {
  Supervisor supervisor;
  supervisor.Spawn("/bin/sleep", {"30"});
  supervisor.Kill(0, SIGTERM);
  REQUIRE(supervisor.JoinAll(5s));
  CHECK(supervisor.child(0).state == ChildState::kKilled);
  CHECK(supervisor.child(0).signal == SIGTERM);
}

TEST_CASE("signal names read like the kernel's") {
  CHECK(SignalName(SIGKILL) == "SIGKILL");
  CHECK(SignalName(SIGSEGV) == "SIGSEGV");
  CHECK(SignalName(SIGINT) == "SIGINT");
  CHECK(ChildStateName(ChildState::kCreated) == "created");
  CHECK(ChildStateName(ChildState::kStarted) == "started");
  CHECK(ChildStateName(ChildState::kRunning) == "running");
  CHECK(ChildStateName(ChildState::kExited) == "exited");
  CHECK(ChildStateName(ChildState::kKilled) == "killed");
}

TEST_CASE("JoinAll with a timeout returns false while a child runs and true once it exited") {
  // The child blocks reading a FIFO until the test lets it go: no timing assumption.
  TempDir dir;
  const std::string fifo = dir.File("go");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  Supervisor supervisor;
  supervisor.Spawn("/bin/cat", {fifo});
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(supervisor.JoinAll(20ms));
  CHECK(std::chrono::steady_clock::now() - start >= 20ms);
  CHECK(supervisor.alive() == 1);
  CHECK(supervisor.child(0).state == ChildState::kStarted);
  CHECK(supervisor.child(0).end_ns == 0);

  // Open the FIFO's write end (once cat has opened its read end) and close it: cat sees EOF.
  int writer = -1;
  WaitFor([&] { return (writer = open(fifo.c_str(), O_WRONLY | O_NONBLOCK)) >= 0; }, 5s);
  REQUIRE(writer >= 0);
  close(writer);
  REQUIRE(supervisor.JoinAll(5s));
  CHECK(supervisor.child(0).state == ChildState::kExited);
  CHECK(supervisor.child(0).exit_status == 0);
  CHECK(supervisor.alive() == 0);
}

TEST_CASE("JoinAll returns as soon as the last child exits, not at its timeout") {
  Supervisor supervisor;
  supervisor.Spawn("/bin/true", {});
  supervisor.Spawn("/bin/true", {});
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(supervisor.JoinAll(10s));
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CHECK(supervisor.alive() == 0);
}

TEST_CASE("WaitAny wakes when one child exits and reaps only that one") {
  Supervisor supervisor;
  supervisor.Spawn("/bin/sleep", {"30"});
  supervisor.Spawn("/bin/true", {});
  int reaped = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (reaped == 0 && std::chrono::steady_clock::now() < deadline)
    reaped += supervisor.WaitAny(std::chrono::microseconds(1'000'000));
  CHECK(reaped == 1);
  CHECK(supervisor.child(1).state == ChildState::kExited);
  CHECK(supervisor.child(0).state == ChildState::kStarted);
  CHECK(supervisor.alive() == 1);
}

TEST_CASE("MarkRunning moves a started child to running and keeps the first start time") {
  Supervisor supervisor;
  supervisor.Spawn("/bin/sleep", {"30"});
  supervisor.MarkRunning(0, 1234);
  CHECK(supervisor.child(0).state == ChildState::kRunning);
  CHECK(supervisor.child(0).start_ns == 1234);
  supervisor.MarkRunning(0, 5678);
  CHECK(supervisor.child(0).start_ns == 1234);
  supervisor.Kill(0);
  REQUIRE(supervisor.JoinAll(5s));
  CHECK(supervisor.child(0).state == ChildState::kKilled);
  supervisor.MarkRunning(0, 9999);  // a late report does not bring a dead child back
  CHECK(supervisor.child(0).state == ChildState::kKilled);
}

TEST_CASE("KillAll kills every running child and leaves finished ones as they ended") {
  Supervisor supervisor;
  supervisor.Spawn("/bin/true", {});
  REQUIRE(supervisor.JoinAll(5s));
  supervisor.Spawn("/bin/sleep", {"30"});
  supervisor.Spawn("/bin/sleep", {"30"});
  supervisor.KillAll();
  REQUIRE(supervisor.JoinAll(5s));
  CHECK(supervisor.child(0).state == ChildState::kExited);
  CHECK(supervisor.child(0).exit_status == 0);
  CHECK(supervisor.child(1).signal == SIGKILL);
  CHECK(supervisor.child(2).signal == SIGKILL);
}

TEST_CASE("spawning a program that does not exist is a SpawnError naming it and the reason") {
  Supervisor supervisor;
  CHECK_THROWS_MATCHES(supervisor.Spawn("/nonexistent/proclab-no-such-program", {}), SpawnError,
                       Catch::Message("cannot start /nonexistent/proclab-no-such-program: No such "
                                      "file or directory"));
  CHECK_THROWS_AS(supervisor.Spawn("/etc/hostname", {}), SpawnError);  // not executable
  CHECK(supervisor.children().empty());
  CHECK(supervisor.alive() == 0);
  CHECK(ChildrenOf(getpid()).empty());  // the failed attempt left no zombie either
}

TEST_CASE("no zombie remains after JoinAll") {
  std::vector<pid_t> pids;
  {
    Supervisor supervisor;
    for (int i = 0; i < 4; ++i) supervisor.Spawn("/bin/true", {});
    REQUIRE(supervisor.JoinAll(5s));
    for (const ChildRecord& child : supervisor.children()) pids.push_back(child.pid);
    // Still inside the Supervisor's life: JoinAll itself reaped them.
    CHECK(ChildrenOf(getpid()).empty());
    for (pid_t pid : pids) CHECK_FALSE(ProcessExists(pid));
  }
  CHECK(pids.size() == 4);
}

TEST_CASE("destroying a Supervisor kills and reaps the children still running") {
  std::vector<pid_t> pids;
  {
    Supervisor supervisor;
    for (int i = 0; i < 3; ++i) supervisor.Spawn("/bin/sleep", {"30"});
    for (const ChildRecord& child : supervisor.children()) pids.push_back(child.pid);
    auto children = ChildrenOf(getpid());
    std::sort(children.begin(), children.end());
    auto expected = pids;
    std::sort(expected.begin(), expected.end());
    CHECK(children == expected);
  }
  CHECK(ChildrenOf(getpid()).empty());
  for (pid_t pid : pids) CHECK_FALSE(ProcessExists(pid));
}

TEST_CASE("each child runs in its own process group") {
  Supervisor supervisor;
  supervisor.Spawn("/bin/sleep", {"30"});
  supervisor.Spawn("/bin/sleep", {"30"});
  for (const ChildRecord& child : supervisor.children()) {
    CHECK(getpgid(child.pid) == child.pid);
    CHECK(getpgid(child.pid) != getpgrp());
  }
}

TEST_CASE("a child starts with default signal handling even when the parent ignores or blocks "
          "SIGINT") {
  struct sigaction ignore {}, old_action {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGINT, &ignore, &old_action);
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigprocmask(SIG_BLOCK, &block, &old_mask);

  Supervisor supervisor;
  supervisor.Spawn("/bin/sleep", {"30"});
  const pid_t pid = supervisor.child(0).pid;
  sigaction(SIGINT, &old_action, nullptr);
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);

  // posix_spawn returns after the exec, so /proc shows the program's own start state.
  CHECK((StatusMask(pid, "SigIgn:") & Bit(SIGINT)) == 0);
  CHECK((StatusMask(pid, "SigBlk:") & Bit(SIGTERM)) == 0);
  supervisor.Kill(0, SIGINT);  // default action: it dies of it
  REQUIRE(supervisor.JoinAll(5s));
  CHECK(supervisor.child(0).signal == SIGINT);
}

TEST_CASE("a child's stdin reads end-of-file at once") {
  Supervisor supervisor;
  supervisor.Spawn("/bin/cat", {});  // would wait forever on a terminal
  REQUIRE(supervisor.JoinAll(5s));
  CHECK(supervisor.child(0).exit_status == 0);
}

TEST_CASE("a process the kernel has ready to run is runnable; one asleep or gone is not") {
  CHECK(proclab::ProcessIsRunnable(getpid()));  // reading its own state, it is running
  const pid_t sleeper = fork();
  if (sleeper == 0) {
    pause();
    _exit(0);
  }
  REQUIRE(sleeper > 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(proclab::ProcessIsRunnable(sleeper));
  kill(sleeper, SIGKILL);
  waitpid(sleeper, nullptr, 0);
  CHECK_FALSE(proclab::ProcessIsRunnable(sleeper));  // reaped: no such process
}

TEST_CASE("a SCHED_IDLE child gets an ordinary priority back where this process may give it") {
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  const pid_t child = fork();
  if (child == 0) {
    const sched_param none{};
    setpriority(PRIO_PROCESS, 0, 19);
    sched_setscheduler(0, SCHED_IDLE, &none);  // lowering one's own priority needs no privilege
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = write(ready[1], &byte, 1);
    pause();
    _exit(0);
  }
  REQUIRE(child > 0);
  char byte = 0;
  REQUIRE(read(ready[0], &byte, 1) == 1);
  close(ready[0]);
  close(ready[1]);
  REQUIRE(sched_getscheduler(child) == SCHED_IDLE);
  rlimit limit{};
  getrlimit(RLIMIT_NICE, &limit);
  const bool restored = proclab::RestoreNormalPriority(child);
  INFO("euid " << geteuid() << ", RLIMIT_NICE " << limit.rlim_cur);
  if (restored) {
    CHECK(sched_getscheduler(child) == SCHED_OTHER);
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(child));
    CHECK(errno == 0);
    // nice 0, or the lowest RLIMIT_NICE allows (20 - limit)
    CHECK(nice <= std::clamp(20 - static_cast<int>(limit.rlim_cur), 0, 19));
  } else {
    CHECK(sched_getscheduler(child) == SCHED_IDLE);  // refused: left as it was
    CHECK(limit.rlim_cur == 0);
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  CHECK(proclab::RestoreNormalPriority(child) == false);  // reaped: nothing to change
}

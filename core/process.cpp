#include "core/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sched.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/clock.hpp"

extern char** environ;

namespace proclab {

std::string_view ChildStateName(ChildState state) {
  switch (state) {
    case ChildState::kCreated: return "created";
    case ChildState::kStarted: return "started";
    case ChildState::kRunning: return "running";
    case ChildState::kExited: return "exited";
    case ChildState::kKilled: return "killed";
  }
  return "unknown";
}

Supervisor::~Supervisor() {
  KillAll();
  JoinAll(std::chrono::seconds(5));
  for (ChildRecord& child : children_) {
    if (!child.done() && child.pid > 0 && !child.adopted) {  // last resort: block until it goes
      int status = 0;
      while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
      }
      Record(child, status);
    }
  }
}

std::string SignalName(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

int Supervisor::Spawn(const std::string& program, const std::vector<std::string>& args,
                      const SpawnOptions& options) {
  ChildRecord record;
  record.index = static_cast<int>(children_.size());

  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdin_fd >= 0) posix_spawn_file_actions_adddup2(&actions, options.stdin_fd, STDIN_FILENO);
  else posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (options.stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, options.stdout_fd, STDOUT_FILENO);
  else posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  if (options.stderr_fd >= 0) posix_spawn_file_actions_adddup2(&actions, options.stderr_fd, STDERR_FILENO);
  for (const auto& [from, to] : options.extra_fds) posix_spawn_file_actions_adddup2(&actions, from, to);
  std::vector<char*> envp;
  if (options.env != nullptr) {
    for (const std::string& entry : *options.env) envp.push_back(const_cast<char*>(entry.c_str()));
    envp.push_back(nullptr);
  }

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGCHLD, SIGHUP}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_USEVFORK);

  pid_t pid = -1;
  const int error = posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(),
                                options.env != nullptr ? envp.data() : environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0)
    throw SpawnError("cannot start " + program + ": " + std::strerror(error));

  record.pid = pid;
  record.state = ChildState::kStarted;
  record.spawn_ns = MonotonicNs();
  // A pidfd lets WaitAny sleep until a child exits instead of polling. (Called through syscall:
  // glibc 2.36's <sys/pidfd.h> lacks the C linkage C++ needs.)
  record.pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  children_.push_back(record);
  return record.index;
}

int Supervisor::Adopt(pid_t pid, pid_t parent_pid, int64_t seen_ns) {
  ChildRecord record;
  record.index = static_cast<int>(children_.size());
  record.pid = pid;
  record.parent_pid = parent_pid;
  record.adopted = true;
  record.state = ChildState::kRunning;
  record.spawn_ns = seen_ns;
  record.start_ns = seen_ns;
  record.pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  children_.push_back(record);
  if (children_.back().pidfd < 0) RecordGone(children_.back());  // already gone and reaped
  return record.index;
}

void Supervisor::RecordGone(ChildRecord& child) {
  child.end_ns = MonotonicNs();
  child.state = ChildState::kExited;
  child.status_known = false;
  if (child.pidfd >= 0) close(child.pidfd);
  child.pidfd = -1;
}

void Supervisor::RecordExit(int index, int64_t code_or_minus_signal) {
  ChildRecord& child = children_.at(static_cast<size_t>(index));
  if (child.done() && child.status_known) return;  // reaped here: that status is first-hand
  if (!child.done()) child.end_ns = MonotonicNs();
  if (code_or_minus_signal < 0) {
    child.state = ChildState::kKilled;
    child.signal = static_cast<int>(-code_or_minus_signal);
  } else {
    child.state = ChildState::kExited;
    child.exit_status = static_cast<int>(code_or_minus_signal);
  }
  child.status_known = true;
  if (child.pidfd >= 0) close(child.pidfd);
  child.pidfd = -1;
}

int Supervisor::ReapGroup(pid_t pgid) {
  int reaped = 0;
  while (true) {
    siginfo_t info{};
    if (waitid(P_PGID, static_cast<id_t>(pgid), &info, WEXITED | WNOHANG) != 0) break;
    if (info.si_pid == 0) break;  // none ended
    ++reaped;
    const int status = info.si_code == CLD_EXITED ? (info.si_status & 0xff) << 8 : info.si_status & 0x7f;
    for (ChildRecord& child : children_)
      if (child.pid == info.si_pid && (!child.done() || !child.status_known)) {
        const int64_t end = child.done() ? child.end_ns : 0;
        Record(child, status);
        if (end != 0) child.end_ns = end;  // its end was seen earlier, through the pidfd
        child.status_known = true;
      }
  }
  return reaped;
}

void Supervisor::Record(ChildRecord& child, int status) {
  child.end_ns = MonotonicNs();
  if (WIFSIGNALED(status)) {
    child.state = ChildState::kKilled;
    child.signal = WTERMSIG(status);
  } else {
    child.state = ChildState::kExited;
    child.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  if (child.pidfd >= 0) close(child.pidfd);
  child.pidfd = -1;
}

int Supervisor::Reap() {
  int reaped = 0;
  for (ChildRecord& child : children_) {
    if (child.done() || child.pid <= 0) continue;
    if (child.adopted) {
      // Reparented here (a subreaper) and ended: reap it. Else its pidfd says it ended.
      int status = 0;
      const pid_t got = waitpid(child.pid, &status, WNOHANG);
      if (got == child.pid) {
        Record(child, status);
        ++reaped;
        continue;
      }
      pollfd fd{child.pidfd, POLLIN, 0};
      if (child.pidfd < 0 || (poll(&fd, 1, 0) == 1 && (fd.revents & (POLLIN | POLLHUP)) != 0)) {
        RecordGone(child);
        ++reaped;
      }
      continue;
    }
    int status = 0;
    pid_t got;
    do {
      got = waitpid(child.pid, &status, WNOHANG);
    } while (got < 0 && errno == EINTR);
    if (got == child.pid) {
      Record(child, status);
      ++reaped;
    } else if (got < 0 && errno == ECHILD) {  // someone else reaped it: record what we can
      child.state = ChildState::kExited;
      child.end_ns = MonotonicNs();
      ++reaped;
    }
  }
  return reaped;
}

bool Supervisor::WaitForAnyEnd(std::chrono::microseconds timeout) {
  std::vector<pollfd> fds;
  for (const ChildRecord& child : children_)
    if (!child.done() && child.pidfd >= 0) fds.push_back(pollfd{child.pidfd, POLLIN, 0});
  const timespec ts{static_cast<time_t>(timeout.count() / 1'000'000),
                    static_cast<long>(timeout.count() % 1'000'000) * 1000};
  if (fds.empty()) {  // nothing to wait for: just let the time pass
    nanosleep(&ts, nullptr);
    return false;
  }
  return ppoll(fds.data(), fds.size(), &ts, nullptr) > 0;
}

int Supervisor::WaitAny(std::chrono::microseconds timeout) {
  WaitForAnyEnd(timeout);
  return Reap();
}

bool Supervisor::JoinAll(std::chrono::milliseconds timeout, std::mutex* records_lock) {
  const int64_t deadline = MonotonicNs() + timeout.count() * 1'000'000;
  while (true) {
    {
      std::unique_lock lock = records_lock != nullptr ? std::unique_lock(*records_lock) : std::unique_lock<std::mutex>();
      Reap();
      if (alive() == 0) return true;
    }
    const int64_t left_ns = deadline - MonotonicNs();
    if (left_ns <= 0) return false;
    WaitForAnyEnd(std::chrono::microseconds(std::min<int64_t>(left_ns / 1000 + 1, 100'000)));
  }
}

void Supervisor::Kill(int index, int signal) {
  ChildRecord& child = children_.at(static_cast<size_t>(index));
  if (child.done() || child.pid <= 0) return;
  // Through the pidfd where there is one: the pid of a process that ended may be reused.
  if (child.pidfd >= 0 && syscall(SYS_pidfd_send_signal, child.pidfd, signal, nullptr, 0) == 0) return;
  ::kill(child.pid, signal);
}

void Supervisor::KillAll(int signal) {
  for (const ChildRecord& child : children_) Kill(child.index, signal);
}

void Supervisor::MarkRunning(int index, int64_t when_ns) {
  ChildRecord& child = children_.at(static_cast<size_t>(index));
  if (child.state == ChildState::kStarted) child.state = ChildState::kRunning;
  if (child.start_ns == 0) child.start_ns = when_ns;
}

int Supervisor::alive() const {
  int count = 0;
  for (const ChildRecord& child : children_) count += child.done() ? 0 : 1;
  return count;
}

bool ProcessIsRunnable(int pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE* file = std::fopen(path, "r");
  if (file == nullptr) return false;
  char text[512];
  const size_t n = std::fread(text, 1, sizeof text - 1, file);
  std::fclose(file);
  text[n] = 0;
  const char* close = std::strrchr(text, ')');  // the name may hold spaces and parentheses
  return close != nullptr && close[1] == ' ' && close[2] == 'R';
}

bool RestoreNormalPriority(int pid) {
  // sched_setattr, not sched_setscheduler: it sets the policy and the nice value in one call,
  // and leaving SCHED_IDLE is judged against that nice value.
  struct Attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
  };
  rlimit limit{};
  getrlimit(RLIMIT_NICE, &limit);
  const int lowest_allowed = 20 - static_cast<int>(std::min<rlim_t>(limit.rlim_cur, 40));
  for (const int nice : {0, std::clamp(lowest_allowed, 0, 19)}) {
    Attr attr{};
    attr.size = sizeof attr;
    attr.policy = SCHED_OTHER;
    attr.nice = nice;
    if (syscall(SYS_sched_setattr, pid, &attr, 0) == 0) return true;
  }
  return false;
}

}  // namespace proclab

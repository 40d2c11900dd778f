// Starting, watching and reaping child processes.
// Children are started with posix_spawn (no shell), each in its own process group so a Ctrl-C in
// the terminal reaches only the parent, which then stops them itself. Every child is reaped:
// the destructor kills and waits for any still alive, so no zombie outlives a Supervisor.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace proclab {

enum class ChildState : uint8_t { kCreated, kStarted, kRunning, kExited, kKilled };
std::string_view ChildStateName(ChildState state);
std::string SignalName(int signal);  // "SIGSEGV"
// The kernel has the process ready to run or running (state R in /proc/PID/stat), not waiting.
bool ProcessIsRunnable(int pid);
// Gives a child ProcLab lowered (nice, SCHED_IDLE) an ordinary priority again, as far as this
// process may: SCHED_OTHER at nice 0 with CAP_SYS_NICE, else at the lowest nice RLIMIT_NICE
// allows. A killed process must still be given the CPU to exit, and beside other busy work a
// SCHED_IDLE one waited seconds for it. False when not permitted (RLIMIT_NICE 0, the default).
bool RestoreNormalPriority(int pid);

struct ChildRecord {
  int index = 0;
  pid_t pid = -1;
  ChildState state = ChildState::kCreated;
  int exit_status = -1;  // when exited normally
  int signal = 0;        // when killed by a signal
  int64_t spawn_ns = 0;  // CLOCK_MONOTONIC when posix_spawn returned
  int64_t start_ns = 0;  // when the child reported it was running (0 if it never did)
  int64_t end_ns = 0;    // when it was reaped
  int pidfd = -1;
  // A process the supervisor did not start but watches (a Python program's own children): its
  // end is seen through its pidfd; its status comes from whoever reaped it (see Supervisor::Adopt).
  bool adopted = false;
  bool status_known = true;  // false: it ended, but nobody told us how (yet)
  pid_t parent_pid = 0;
  std::string name;          // what the process calls itself ("Process-1"); empty: "child N"
  bool done() const { return state == ChildState::kExited || state == ChildState::kKilled; }
};

class SpawnError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How to start a program other than proclab-worker (a Python program): its environment and
// where its standard streams go. The defaults are the worker's: /dev/null in and out.
struct SpawnOptions {
  const std::vector<std::string>* env = nullptr;  // null: this process's environment
  int stdin_fd = -1;   // -1: /dev/null
  int stdout_fd = -1;  // -1: /dev/null
  int stderr_fd = -1;  // -1: this process's stderr
  // Extra descriptors the program gets: {fd here, number in the program}.
  std::vector<std::pair<int, int>> extra_fds;
};

class Supervisor {
 public:
  Supervisor() = default;
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;
  ~Supervisor();  // kills and reaps every child still alive

  // Starts `program` (an absolute path) with `args` (argv[1..]); returns the child's index.
  int Spawn(const std::string& program, const std::vector<std::string>& args,
            const SpawnOptions& options = {});
  // Watches a process it did not start (a process of a Python program found in the run's
  // segment); returns its index. Its end is seen through a pidfd. Its status is known when it
  // was reparented to this process (a subreaper) and reaped here, or from RecordExit.
  int Adopt(pid_t pid, pid_t parent_pid, int64_t seen_ns);
  // What someone else saw of an adopted process's end (its parent's join): exit code or -signal.
  void RecordExit(int index, int64_t code_or_minus_signal);
  // Reaps the processes of process group `pgid` that ended and were reparented here (this
  // process is their subreaper); adopted records get their status. Returns how many.
  int ReapGroup(pid_t pgid);

  // Reaps every child that has exited, without blocking; returns how many it reaped.
  int Reap();
  // Waits up to `timeout` for any child to exit (or for nothing, if none is alive); reaps no
  // one, so a caller that shares the records with a reader can reap under its own lock.
  // Returns whether some child has ended (and waits to be reaped).
  bool WaitForAnyEnd(std::chrono::microseconds timeout);
  // WaitForAnyEnd, then reaps.
  int WaitAny(std::chrono::microseconds timeout);
  // Waits for all children up to `timeout`; true if none is left alive. `records_lock`: held
  // while each reaping changes the records (a reader copies them under it), not while waiting.
  bool JoinAll(std::chrono::milliseconds timeout, std::mutex* records_lock = nullptr);

  void Kill(int index, int signal = 9);
  void KillAll(int signal = 9);
  void MarkRunning(int index, int64_t when_ns);

  const std::vector<ChildRecord>& children() const { return children_; }
  const ChildRecord& child(int index) const { return children_.at(static_cast<size_t>(index)); }
  int alive() const;

 private:
  void Record(ChildRecord& child, int status);
  void RecordGone(ChildRecord& child);  // an adopted process ended; nobody said how yet
  std::vector<ChildRecord> children_;
};

}  // namespace proclab

// Starting, watching and reaping child processes.
// Children are started with posix_spawn (no shell), each in its own process group so a Ctrl-C in
// the terminal reaches only the parent, which then stops them itself. Every child is reaped:
// the destructor kills and waits for any still alive, so no zombie outlives a Supervisor.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace proclab {

enum class ChildState : uint8_t { kCreated, kStarted, kRunning, kExited, kKilled };
std::string_view ChildStateName(ChildState state);
std::string SignalName(int signal);  // "SIGSEGV"

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
  bool done() const { return state == ChildState::kExited || state == ChildState::kKilled; }
};

class SpawnError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Supervisor {
 public:
  Supervisor() = default;
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;
  ~Supervisor();  // kills and reaps every child still alive

  // Starts `program` (an absolute path) with `args` (argv[1..]); returns the child's index.
  int Spawn(const std::string& program, const std::vector<std::string>& args);

  // Reaps every child that has exited, without blocking; returns how many it reaped.
  int Reap();
  // Waits up to `timeout` for any child to exit (or for nothing, if none is alive), then reaps.
  int WaitAny(std::chrono::microseconds timeout);
  // Waits for all children up to `timeout`; true if none is left alive.
  bool JoinAll(std::chrono::milliseconds timeout);

  void Kill(int index, int signal = 9);
  void KillAll(int signal = 9);
  void MarkRunning(int index, int64_t when_ns);

  const std::vector<ChildRecord>& children() const { return children_; }
  const ChildRecord& child(int index) const { return children_.at(static_cast<size_t>(index)); }
  int alive() const;

 private:
  void Record(ChildRecord& child, int status);
  std::vector<ChildRecord> children_;
};

}  // namespace proclab

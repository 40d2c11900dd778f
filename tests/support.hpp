// Helpers the tests share: running proclab-cli as a real process and reading what it printed,
// and looking at what a run leaves behind (segments in /dev/shm, child processes).
#pragma once
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace proclab {
struct TrialResult;
}

namespace proclab::test {

// The lesson's outcome of a trial as the CLI prints it ({} when it has none).
nlohmann::json OutcomeJson(const TrialResult& result);

struct CommandResult {
  int exit_status = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
  pid_t pid = -1;  // the program's pid while it ran (to look for what it left behind)
};

// bin/<program>, or `program` itself when it is an absolute path (the functions below take both).
std::string BinPath(const std::string& program);
// Runs bin/<program> with `args`, waits (at most `timeout_s`), returns its exit and output.
CommandResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                         int timeout_s = 60);
// Our segments in /dev/shm whose owner is `pid`.
std::vector<std::string> SegmentsOwnedBy(pid_t pid);
// Pids of the live (non-zombie) or zombie children of `parent`, read from /proc.
std::vector<pid_t> ChildrenOf(pid_t parent);
bool ProcessExists(pid_t pid);
std::vector<std::string> Lines(const std::string& text);

// A process that is running and not a zombie (a dead child not yet reaped is not alive).
bool ProcessAlive(pid_t pid);
// Polls `done` every millisecond or so until it holds or `timeout` passes; returns done().
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout);
// Starts bin/<program> with `args` without waiting for it, stdout and stderr going to the files
// `out_path` and `err_path`; returns its pid, or -1.
pid_t StartProgram(const std::string& program, const std::vector<std::string>& args,
                   const std::string& out_path, const std::string& err_path);
// Waits at most `timeout` for the started program `pid` to end and reaps it. On timeout kills it
// with SIGKILL (so a hang fails instead of blocking the suite) and sets `*timed_out`.
CommandResult WaitProgram(pid_t pid, std::chrono::milliseconds timeout, bool* timed_out = nullptr);
std::string ReadFile(const std::string& path);
// A fresh empty directory under /tmp, removed with its files when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace proclab::test

// Helpers the tests share: running proclab-cli as a real process and reading what it printed,
// and looking at what a run leaves behind (segments in /dev/shm, child processes).
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace proclab::test {

struct CommandResult {
  int exit_status = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

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

}  // namespace proclab::test

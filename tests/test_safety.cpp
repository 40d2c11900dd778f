// Safety: what a run exposes to the rest of the machine. No network socket in the CLI or any
// child; children are proclab-worker started by absolute path with a fixed argument list, as
// direct children (no shell between); the run's segment is 0600, ours, and carries 64 random
// bits; a worker refuses a segment of another user or a name that is not ours; the sweep leaves
// other users' segments alone.
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/interprocess/shared_memory_object.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/segment.hpp"
#include "support.hpp"

using namespace proclab;
using namespace proclab::test;
using namespace std::chrono_literals;

namespace {

// The socket inodes a process holds open ("socket:[1234]" links in /proc/<pid>/fd).
std::set<std::string> SocketInodes(pid_t pid) {
  std::set<std::string> inodes;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* fds = opendir(dir.c_str());
  if (fds == nullptr) return inodes;
  while (const dirent* entry = readdir(fds)) {
    char target[256];
    const ssize_t n = readlink((dir + "/" + entry->d_name).c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    const std::string link(target, static_cast<size_t>(n));
    if (link.starts_with("socket:[")) inodes.insert(link.substr(8, link.size() - 9));
  }
  closedir(fds);
  return inodes;
}

// Inodes of every TCP, UDP and raw socket on the machine (IPv4 and IPv6), from /proc/net.
std::set<std::string> InternetSocketInodes() {
  std::set<std::string> inodes;
  for (const char* table : {"tcp", "tcp6", "udp", "udp6", "raw", "raw6"}) {
    std::ifstream in(std::string("/proc/net/") + table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string field;
      for (int i = 0; i < 10 && fields >> field; ++i) {
      }
      if (fields) inodes.insert(field);  // the 10th column is the inode
    }
  }
  return inodes;
}

std::vector<std::string> CommandLineOf(pid_t pid) {
  const std::string bytes = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> args;
  std::string arg;
  for (char c : bytes) {
    if (c == '\0') {
      args.push_back(arg);
      arg.clear();
    } else {
      arg += c;
    }
  }
  return args;
}

std::string ExeOf(pid_t pid) {
  char target[4096];
  const ssize_t n =
      readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), target, sizeof target - 1);
  return n > 0 ? std::string(target, static_cast<size_t>(n)) : std::string();
}

// A long processes run of the CLI with `count` children; returns its pid once they all exist.
pid_t StartLongRun(const TempDir& dir, int count, std::vector<pid_t>* children) {
  const pid_t cli = StartProgram(
      "proclab-cli",
      {"run", "processes", "--processes", std::to_string(count), "--work", "1000000000"},
      dir.File("out"), dir.File("err"));
  if (cli <= 0) return cli;
  // Until every child has been started and has become proclab-worker (a child found between
  // posix_spawn's clone and its exec still shows the parent's program).
  WaitFor(
      [&] {
        *children = ChildrenOf(cli);
        if (children->size() < static_cast<size_t>(count)) return false;
        // (The CLI's own command line here has seven words too: the program's is the test.)
        for (pid_t child : *children) {
          const std::vector<std::string> args = CommandLineOf(child);
          if (args.empty() || args[0] != BinPath("proclab-worker")) return false;
        }
        return true;
      },
      10s);
  return cli;
}

void StopRun(pid_t cli) {
  kill(cli, SIGTERM);
  bool timed_out = false;
  const CommandResult result = WaitProgram(cli, 10s, &timed_out);
  CHECK_FALSE(timed_out);
  CHECK(result.exit_status == 143);
  CHECK(SegmentsOwnedBy(cli).empty());
}

}  // namespace

TEST_CASE("safety: no process of a run holds a network socket, let alone listens on a port") {
  TempDir dir;
  std::vector<pid_t> children;
  const pid_t cli = StartLongRun(dir, 3, &children);
  REQUIRE(cli > 0);
  CHECK(children.size() == 3);
  const std::set<std::string> internet = InternetSocketInodes();
  std::vector<pid_t> everyone = children;
  everyone.push_back(cli);
  for (pid_t pid : everyone) {
    INFO("pid " << pid);
    // Not even a local socket: a run talks through shared memory, futexes and waitpid only.
    CHECK(SocketInodes(pid).empty());
    for (const std::string& inode : SocketInodes(pid)) CHECK(internet.count(inode) == 0);
  }
  StopRun(cli);
}

TEST_CASE("safety: children are proclab-worker by absolute path with a fixed argument list, "
          "started directly, no shell") {
  TempDir dir;
  std::vector<pid_t> children;
  const pid_t cli = StartLongRun(dir, 2, &children);
  REQUIRE(cli > 0);
  REQUIRE(children.size() == 2);
  char real_worker[PATH_MAX];
  REQUIRE(realpath(BinPath("proclab-worker").c_str(), real_worker) != nullptr);
  const std::vector<std::string> segments = SegmentsOwnedBy(cli);
  REQUIRE(segments.size() == 1);
  std::set<std::string> indexes;
  for (pid_t child : children) {
    INFO("child " << child);
    CHECK(ExeOf(child) == real_worker);  // the program itself, not a shell running it
    const std::vector<std::string> args = CommandLineOf(child);
    REQUIRE(args.size() == 7);
    CHECK(args[0] == BinPath("proclab-worker"));
    CHECK(args[0].front() == '/');
    CHECK(args[1] == "--segment");
    CHECK(args[2] == segments[0]);
    CHECK(args[3] == "--index");
    indexes.insert(args[4]);
    CHECK(args[5] == "--parent");
    CHECK(args[6] == std::to_string(cli));
  }
  CHECK(indexes == std::set<std::string>{"0", "1"});
  StopRun(cli);
}

TEST_CASE("safety: a run's segment is ours alone, mode 0600, with 64 random bits in its name") {
  TempDir dir;
  std::vector<pid_t> children;
  const pid_t cli = StartLongRun(dir, 1, &children);
  REQUIRE(cli > 0);
  const std::vector<std::string> segments = SegmentsOwnedBy(cli);
  REQUIRE(segments.size() == 1);
  struct stat info;
  REQUIRE(stat(("/dev/shm/" + segments[0]).c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0600);
  CHECK(info.st_uid == geteuid());
  CHECK(std::regex_match(segments[0],
                         std::regex("proclab-" + std::to_string(cli) + "-[0-9a-f]{16}")));
  StopRun(cli);
  // Names do not repeat: 1000 names for one pid are all different.
  std::set<std::string> names;
  for (int i = 0; i < 1000; ++i) names.insert(MakeSegmentName(cli));
  CHECK(names.size() == 1000);
}

TEST_CASE("safety: a worker refuses a name that is not a ProcLab segment") {
  for (const std::string name : {"../../etc/passwd", "proclab-1-zz", "other-segment"}) {
    const CommandResult result = RunProgram(
        "proclab-worker",
        {"--segment", name, "--index", "0", "--parent", std::to_string(getpid())}, 20);
    INFO(name << ": " << result.err);
    CHECK(result.exit_status == 70);
    CHECK_THAT(result.err, Catch::Contains("not a ProcLab segment name"));
  }
}

TEST_CASE("safety: a worker refuses another user's segment, and the sweep leaves it alone") {
  if (geteuid() != 0) {
    WARN("not root: cannot make a segment owned by another user here; not checked");
    return;
  }
  namespace bip = boost::interprocess;
  const uid_t other = 65534;  // nobody
  // A live owner (this process) and a dead one (a reaped child), both another user's.
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const std::string live_name = MakeSegmentName(getpid());
  const std::string dead_name = MakeSegmentName(dead);
  for (const std::string& name : {live_name, dead_name}) {
    bip::shared_memory_object shm(bip::create_only, name.c_str(), bip::read_write);
    shm.truncate(4096);
    REQUIRE(chown(("/dev/shm/" + name).c_str(), other, other) == 0);
  }
  const CommandResult result = RunProgram(
      "proclab-worker",
      {"--segment", live_name, "--index", "0", "--parent", std::to_string(getpid())}, 20);
  INFO(result.err);
  CHECK(result.exit_status == 70);
  CHECK_THAT(result.err, Catch::Contains("belongs to another user"));
  SweepStaleSegments();
  struct stat info;
  CHECK(stat(("/dev/shm/" + dead_name).c_str(), &info) == 0);  // not ours: left alone
  bip::shared_memory_object::remove(live_name.c_str());
  bip::shared_memory_object::remove(dead_name.c_str());
}

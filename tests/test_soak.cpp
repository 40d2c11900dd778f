// Soak: many consecutive runs of every lesson in one process must leave the machine as it was:
// the same open file descriptors, no segment in /dev/shm, no child process, and a resident size
// that stops growing. CI runs a short soak; before a release run the long one:
//   PROCLAB_SOAK_RUNS=500 build/bin/proclab-tests "[soak]"
#include <dirent.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/run.hpp"
#include "lessons/curriculum.hpp"
#include "support.hpp"

using namespace proclab;

namespace {

int OpenFds() {
  int count = 0;
  DIR* dir = opendir("/proc/self/fd");
  while (const dirent* entry = readdir(dir)) count += entry->d_name[0] != '.' ? 1 : 0;
  closedir(dir);
  return count - 1;  // the directory stream itself
}

long ResidentKiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

ParamValues QuickParams(const Lesson& lesson) {
  ParamValues values(lesson.params);
  for (const ParamSpec& spec : lesson.params) {
    if (spec.name == "iterations") values.Set("iterations", 5);
    if (spec.name == "sleep-ms") values.Set("sleep-ms", 0);
    if (spec.name == "window-us") values.Set("window-us", 10);
    if (spec.name == "order") values.SetText("order", "same");  // deadlock: every child finishes
  }
  return values;
}

// Runs every lesson `times` times; returns how many runs that made.
int RunEveryLesson(int times) {
  RunOptions options;
  options.worker_path = test::BinPath("proclab-worker");
  int runs = 0;
  for (int i = 0; i < times; ++i) {
    for (const Lesson* lesson : Curriculum()) {
      if (lesson->id == "costs") continue;  // a measurement, not a lesson run: minutes at 500x
      INFO(lesson->id << ", round " << i + 1);
      Run run(*lesson, QuickParams(*lesson), options);
      const TrialResult result = run.Execute();
      REQUIRE_FALSE(result.stopped);
      REQUIRE_FALSE(result.children.empty());
      for (const ChildRecord& child : result.children) {
        REQUIRE(child.state == ChildState::kExited);
        REQUIRE(child.exit_status == 0);
      }
      ++runs;
    }
  }
  return runs;
}

}  // namespace

TEST_CASE("many runs of every lesson leave fds, /dev/shm, children and memory as they were",
          "[soak]") {
  const char* env = std::getenv("PROCLAB_SOAK_RUNS");
  const int runs = env != nullptr ? std::atoi(env) : 10;
  REQUIRE(runs > 0);
  RunEveryLesson(2);  // warm-up: first-use allocations are not leaks
  const int fds = OpenFds();
  const long resident = ResidentKiB();
  const auto start = std::chrono::steady_clock::now();
  const int total = RunEveryLesson(runs);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The figures, for the release notes and the README.
  std::printf("soak: %d runs (%d rounds of every lesson but costs) in %.1f s; open fds %d -> %d; "
              "resident %ld -> %ld KiB; segments left %zu; children left %zu\n",
              total, runs, seconds, fds, OpenFds(), resident, ResidentKiB(),
              test::SegmentsOwnedBy(getpid()).size(), test::ChildrenOf(getpid()).size());
  CHECK(OpenFds() == fds);
  CHECK(test::SegmentsOwnedBy(getpid()).empty());
  CHECK(test::ChildrenOf(getpid()).empty());
  // A run keeps nothing once it is over; allow allocator slack, not growth per run.
  CHECK(ResidentKiB() - resident < 8 * 1024);
}

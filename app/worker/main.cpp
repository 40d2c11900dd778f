// proclab-worker: the program every child process of a run executes. It links no GUI library.
// It attaches to the run's segment, finds its lesson, waits at the start line, runs the lesson's
// child code, and reports how it ended. Started only by ProcLab, with a fixed argument list:
//   proclab-worker --segment <name> --index <i> --parent <pid>
//   proclab-worker --exit      returns 0 at once (what `proclab-cli bench` times as start-up)
#include <sys/prctl.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/run.hpp"
#include "core/run_header.hpp"
#include "lessons/curriculum.hpp"

namespace {

int Fail(const char* what) {
  std::fprintf(stderr, "proclab-worker: %s\n", what);
  return 70;
}

}  // namespace

int main(int argc, char** argv) {
  // The benchmark starts the worker with --exit alone to measure the program's own start-up
  // (loading it, the C and C++ runtimes' start) apart from attaching to a run.
  if (argc == 2 && std::string_view(argv[1]) == "--exit") return 0;
  std::string segment_name;
  int index = -1;
  pid_t parent = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--segment") segment_name = argv[i + 1];
    else if (flag == "--index") index = std::atoi(argv[i + 1]);
    else if (flag == "--parent") parent = std::atoi(argv[i + 1]);
  }
  if (segment_name.empty() || index < 0 || index >= proclab::kMaxLanes || parent <= 0)
    return Fail("usage: proclab-worker --segment <name> --index <i> --parent <pid> "
                "(started by proclab, not by hand)");

  // Die with the parent. The flag survives exec; checking getppid() afterwards closes the window
  // in which the parent could have died before the prctl took effect.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) return Fail("parent is gone");
  // A lesson may crash a child on purpose: no core dump for that.
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);

  try {
    proclab::Segment segment = proclab::Segment::Open(segment_name);
    auto* header = segment.Find<proclab::RunHeader>("header");
    if (header == nullptr || header->magic != proclab::RunHeader::kMagic ||
        header->version != proclab::RunHeader::kVersion)
      return Fail("segment has no run header of this version");
    if (header->parent_pid != parent) return Fail("segment belongs to another parent");
    proclab::UseTscForTrace(header->trace_uses_tsc != 0);
    if (header->child_nice > 0) setpriority(PRIO_PROCESS, 0, static_cast<int>(header->child_nice));
    if (header->child_idle != 0) {
      const sched_param none{};
      sched_setscheduler(0, SCHED_IDLE, &none);  // lowering one's own priority needs no privilege
    }
    const proclab::Lesson* lesson = proclab::FindLesson(header->lesson_id);
    if (lesson == nullptr || lesson->child == nullptr) return Fail("unknown lesson");

    proclab::ChildContext context(segment, *header, *lesson, index);
    if (!header->barrier.ArriveAndWait([parent] { return getppid() == parent; })) return 70;
    context.Emit(proclab::EventKind::kStarted, getpid());
    int status = 0;
    try {
      status = lesson->child(context);
    } catch (const std::exception& e) {
      context.ReportError(e.what());
      status = 1;
    }
    context.Emit(proclab::EventKind::kFinished, status);
    return status;
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
}

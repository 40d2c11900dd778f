// A view (the GUI's frame) reads a run's trace and child records while the run thread changes
// them: every change to what it reads happens under the run's live lock. Also in the TSan
// build (tag [tsan]): there a record written outside the lock, while a reader copies it, is a
// report. The children are real processes; ThreadSanitizer watches only this one.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/run.hpp"
#include "lessons/curriculum.hpp"
#include "support.hpp"

using namespace proclab;

namespace {

// Counts the ended children a reader saw, as a frame would, until told to stop.
struct LiveReader {
  Run& run;
  std::atomic<bool> done{false};
  std::atomic<int> most_ended{0};
  std::atomic<int> reads{0};
  std::thread thread{[this] {
    while (!done.load()) {
      run.TryReadLive([this](const Trace&, const std::vector<ChildRecord>& children) {
        int ended = 0;
        for (const ChildRecord& child : children) ended += child.done() ? 1 : 0;
        most_ended = std::max(most_ended.load(), ended);
        ++reads;
      });
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }};
  ~LiveReader() {
    done = true;
    thread.join();
  }
};

}  // namespace

TEST_CASE("a live reader copies the children's records while Stop kills and reaps them", "[tsan]") {
  const Lesson& lesson = *FindLesson("shared-data");
  ParamValues params(lesson.params);
  params.Set("processes", 3);
  params.Set("array-processes", 3);
  params.Set("iterations", 10'000'000);  // with a 1 ms sleep each: hours, so only Stop ends them
  params.Set("sleep-ms", 1);
  params.Set("window-us", 0);
  Run run(lesson, params, RunOptions{.worker_path = test::BinPath("proclab-worker")});
  TrialResult result;
  {
    LiveReader reader{run};
    std::thread executing([&] { result = run.Execute(); });
    // Until every child is seen running, then stop: the reader is reading all along.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool all_running = false;
    while (!all_running && std::chrono::steady_clock::now() < deadline) {
      run.TryReadLive([&](const Trace&, const std::vector<ChildRecord>& children) {
        all_running = children.size() == 6;
        for (const ChildRecord& child : children) all_running = all_running && child.start_ns != 0;
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(all_running);
    run.RequestStop();
    executing.join();
    CHECK(reader.reads.load() > 0);
  }
  CHECK(result.stopped);
  REQUIRE(result.children.size() == 6);
  for (const ChildRecord& child : result.children) CHECK(child.signal == SIGKILL);
  CHECK(test::ChildrenOf(getpid()).empty());
  CHECK(test::SegmentsOwnedBy(getpid()).empty());
}

TEST_CASE("a live reader copies the records while a lesson's parent waits for its children", "[tsan]") {
  // The parent's Wait notices an exit and reaps it in Poll, under the lock, after the child's
  // last events: a reader never sees a child ended before everything it wrote.
  const Lesson& lesson = *FindLesson("processes");
  ParamValues params(lesson.params);
  params.Set("processes", 4);
  params.Set("work", 20);
  Run run(lesson, params, RunOptions{.worker_path = test::BinPath("proclab-worker")});
  TrialResult result;
  {
    LiveReader reader{run};
    result = run.Execute();
  }
  CHECK_FALSE(result.stopped);
  REQUIRE(result.children.size() == 4);
  for (const ChildRecord& child : result.children) CHECK(child.exit_status == 0);
}

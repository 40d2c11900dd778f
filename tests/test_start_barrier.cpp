// StartBarrier: forked processes arrive and wait; none passes before Release, all pass after.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <new>
#include <stdexcept>
#include <thread>

#include "core/clock.hpp"
#include "core/start_barrier.hpp"
#include "support.hpp"

using namespace proclab;
using namespace std::chrono_literals;

namespace {

constexpr int kProcesses = 4;

struct Shared {
  StartBarrier barrier;
  std::atomic<int64_t> release_ns{0};
  std::atomic<uint32_t> passed{0};
  std::atomic<int64_t> passed_ns[kProcesses];
};

class SharedBlock {
 public:
  SharedBlock() {
    memory_ = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    if (memory_ == MAP_FAILED) throw std::runtime_error("mmap failed");
    shared_ = new (memory_) Shared;
  }
  ~SharedBlock() { munmap(memory_, sizeof(Shared)); }
  Shared& operator*() { return *shared_; }
  Shared* operator->() { return shared_; }

 private:
  void* memory_;
  Shared* shared_;
};

// Reaps every forked child within the deadline (killing stragglers); returns how many exited 0.
int ReapAll(const std::vector<pid_t>& pids, std::chrono::milliseconds limit) {
  int ok = 0;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (pid_t pid : pids) {
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      usleep(1000);
    }
    ok += WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 1 : 0;
  }
  return ok;
}

}  // namespace

TEST_CASE("processes wait at the start barrier until Release, then all pass") {
  SharedBlock shared;
  CHECK(shared->barrier.arrived.load() == 0);
  const pid_t parent = getpid();
  std::vector<pid_t> pids;
  for (int i = 0; i < kProcesses; ++i) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      const bool passed = shared->barrier.ArriveAndWait([parent] { return getppid() == parent; });
      shared->passed_ns[i].store(MonotonicNs());
      shared->passed.fetch_add(1);
      _exit(passed ? 0 : 1);
    }
    pids.push_back(pid);
  }

  const bool all_arrived = test::WaitFor(
      [&] { return shared->barrier.arrived.load() == static_cast<uint32_t>(kProcesses); }, 5s);
  CHECK(all_arrived);
  CHECK(shared->barrier.arrived.load() == static_cast<uint32_t>(kProcesses));
  // Give a broken barrier the chance to let someone through early.
  std::this_thread::sleep_for(30ms);
  CHECK(shared->passed.load() == 0);
  for (pid_t pid : pids) CHECK(test::ProcessAlive(pid));

  shared->release_ns.store(MonotonicNs());
  shared->barrier.Release();
  CHECK(ReapAll(pids, 5s) == kProcesses);
  CHECK(shared->passed.load() == static_cast<uint32_t>(kProcesses));
  for (int i = 0; i < kProcesses; ++i) CHECK(shared->passed_ns[i].load() >= shared->release_ns);
  CHECK(shared->barrier.arrived.load() == static_cast<uint32_t>(kProcesses));  // not reset
}

TEST_CASE("a process arriving after Release passes at once without asking to keep waiting") {
  SharedBlock shared;
  shared->barrier.Release();
  int asked = 0;
  CHECK(shared->barrier.ArriveAndWait([&] {
    ++asked;
    return true;
  }));
  CHECK(asked == 0);
  CHECK(shared->barrier.arrived.load() == 1);
}

TEST_CASE("ArriveAndWait gives up and returns false when keep_waiting says stop") {
  SharedBlock shared;
  int asked = 0;
  const auto start = std::chrono::steady_clock::now();
  const bool passed = shared->barrier.ArriveAndWait([&] {
    ++asked;
    return asked < 2;  // the parent "dies" at the second check
  });
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK_FALSE(passed);
  CHECK(asked == 2);
  CHECK(shared->barrier.arrived.load() == 1);
  CHECK(shared->barrier.released.load() == 0);
  CHECK(waited < 2s);  // checks come about every 100 ms, not never
}

TEST_CASE("a waiter that keeps waiting is woken by Release from another process") {
  SharedBlock shared;
  const pid_t releaser = fork();
  REQUIRE(releaser >= 0);
  if (releaser == 0) {
    // Release once the test process has arrived.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (shared->barrier.arrived.load() == 0 && std::chrono::steady_clock::now() < deadline)
      usleep(500);
    shared->release_ns.store(MonotonicNs());
    shared->barrier.Release();
    _exit(0);
  }
  int asked = 0;
  const bool passed = shared->barrier.ArriveAndWait([&] { return ++asked < 100; });
  const int64_t passed_ns = MonotonicNs();
  CHECK(passed);
  CHECK(passed_ns >= shared->release_ns.load());
  CHECK(ReapAll({releaser}, 5s) == 1);
}

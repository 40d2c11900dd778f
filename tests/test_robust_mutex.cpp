// The robust mutex between processes: it spins briefly before it sleeps (adaptive), and neither
// the spin nor the sleep may hide a holder's death. A process that dies holding the lock hands
// the next locker kOwnerDied and its own index, whether that locker was spinning, sleeping on
// the futex, or came later; the lock then works as before. The mutex lives in a shared mapping
// made before the forks, as in a run's segment.
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <new>
#include <thread>

#include "core/robust_mutex.hpp"
#include "support.hpp"

using namespace proclab;
using namespace std::chrono_literals;

namespace {

struct Shared {
  RobustMutex mutex;
  std::atomic<int> holding{0};   // the holder has the lock
  std::atomic<int> asking{0};    // the waiter is about to call Lock
  std::atomic<int> result{-1};   // the waiter's Lock result: 0 clean, 1 owner died
  std::atomic<int> died{-2};     // died_holding() as the waiter saw it
};

class SharedMapping {
 public:
  SharedMapping()
      : memory_(mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)) {
    REQUIRE(memory_ != MAP_FAILED);
    shared_ = new (memory_) Shared;
  }
  ~SharedMapping() {
    shared_->~Shared();
    munmap(memory_, sizeof(Shared));
  }
  Shared& operator*() const { return *shared_; }
  Shared* operator->() const { return shared_; }

 private:
  void* memory_;
  Shared* shared_;
};

template <class Body>
pid_t Fork(Body body) {
  const pid_t pid = fork();
  if (pid == 0) _exit(body());
  return pid;
}

// Reaps `pid` within `timeout` (polling, so a hang fails the test instead of blocking it);
// returns the wait status, or -1 on timeout (the process is then killed).
int ReapWithin(pid_t pid, std::chrono::milliseconds timeout) {
  int status = 0;
  const bool done = test::WaitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; }, timeout);
  if (done) return status;
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

}  // namespace

TEST_CASE("a holder killed while another process spins or sleeps on the lock: the waiter gets kOwnerDied") {
  // The kill lands at different moments of the waiter's wait: during its spin (microseconds)
  // or after it went to sleep on the futex (milliseconds).
  for (const auto delay : {0us, 1us, 3us, 10us, 30us, 100us, 300us, 1000us, 10000us, 50000us}) {
    INFO("kill after " << delay.count() << " us");
    SharedMapping shared;
    const pid_t holder = Fork([&] {
      shared->mutex.Lock(3);
      shared->holding = 1;
      while (true) pause();
      return 0;
    });
    REQUIRE(test::WaitFor([&] { return shared->holding.load() == 1; }, 10s));
    const pid_t waiter = Fork([&] {
      shared->asking = 1;
      const RobustMutex::Locked how = shared->mutex.Lock(4);
      shared->died = shared->mutex.died_holding();
      shared->result = how == RobustMutex::Locked::kOwnerDied ? 1 : 0;
      shared->mutex.Unlock();
      return 0;
    });
    REQUIRE(test::WaitFor([&] { return shared->asking.load() == 1; }, 10s));
    std::this_thread::sleep_for(delay);
    kill(holder, SIGKILL);
    const int holder_status = ReapWithin(holder, 10s);
    CHECK((WIFSIGNALED(holder_status) && WTERMSIG(holder_status) == SIGKILL));
    const int waiter_status = ReapWithin(waiter, 10s);
    REQUIRE(waiter_status != -1);  // it did not hang
    CHECK((WIFEXITED(waiter_status) && WEXITSTATUS(waiter_status) == 0));
    CHECK(shared->result.load() == 1);
    CHECK(shared->died.load() == 3);
    // Recovered: the lock is clean and free for the next one.
    CHECK(shared->mutex.Lock(0) == RobustMutex::Locked::kClean);
    CHECK(shared->mutex.holder() == 0);
    shared->mutex.Unlock();
    CHECK(shared->mutex.holder() == -1);
  }
}

TEST_CASE("a holder that died before anyone asked: the next locker's spin ends and it gets kOwnerDied") {
  SharedMapping shared;
  const pid_t holder = Fork([&] {
    shared->mutex.Lock(7);
    kill(getpid(), SIGKILL);  // dies holding it: holder() still says 7
    return 1;
  });
  const int status = ReapWithin(holder, 10s);
  REQUIRE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
  CHECK(shared->mutex.holder() == 7);  // what a spinner watches: it must not wait for it forever
  const auto start = std::chrono::steady_clock::now();
  CHECK(shared->mutex.Lock(1) == RobustMutex::Locked::kOwnerDied);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CHECK(shared->mutex.died_holding() == 7);
  CHECK(shared->mutex.holder() == 1);
  shared->mutex.Unlock();
  CHECK(shared->mutex.TryLock(2));
  shared->mutex.Unlock();
}

TEST_CASE("two processes incrementing under the adaptive lock lose nothing") {
  struct Counter {
    RobustMutex mutex;
    int64_t value = 0;  // plain memory: only the lock orders the accesses
  };
  void* memory = mmap(nullptr, sizeof(Counter), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(memory != MAP_FAILED);
  Counter& counter = *new (memory) Counter;
  constexpr int64_t kEach = 200'000;
  pid_t children[2];
  for (int c = 0; c < 2; ++c)
    children[c] = Fork([&, c] {
      for (int64_t i = 0; i < kEach; ++i) {
        if (counter.mutex.Lock(c) != RobustMutex::Locked::kClean) return 1;
        ++counter.value;
        counter.mutex.Unlock();
      }
      return 0;
    });
  for (pid_t child : children) {
    const int status = ReapWithin(child, 60s);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  CHECK(counter.value == 2 * kEach);
  CHECK(counter.mutex.holder() == -1);
  CHECK(counter.mutex.died_holding() == -1);
  counter.~Counter();
  munmap(memory, sizeof(Counter));
}

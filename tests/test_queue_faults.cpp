// Faults on the process-safe queue: producers SIGKILLed while blocked on a full queue, while
// holding the queue's lock in the middle of a put, and at arbitrary moments. The consumer must get
// every item that was completely put (the queue's put count), exactly once and in order, and
// never hang. Each test's segment is mapped before the fork, so parent and children share it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <vector>

#include "core/segment.hpp"
#include "core/shared_queue.hpp"
#include "support.hpp"

using namespace proclab;
using namespace std::chrono_literals;

namespace {

constexpr int64_t kMs = 1'000'000;
// Long enough never to expire on a loaded machine: a get that waits this long means a hang.
constexpr int64_t kHangNs = 10'000 * kMs;

template <class Body>
pid_t Fork(Body body) {
  const pid_t pid = fork();
  if (pid == 0) _exit(body());
  return pid;
}

// Reaps `pid`; true if it died by SIGKILL.
bool ReapKilled(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return false;
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Gets everything left (the producer is dead), then checks the values are 0, 1, 2 ... in order,
// as many as the queue counted as put, each once, and that one more get reports an empty queue.
void CheckDrainedExactly(SharedQueue& queue, std::vector<int64_t>& received) {
  QueueItem item;
  while (queue.Get(&item, QueueCaller{}, 0) == QueueStatus::kOk) received.push_back(item.value);
  REQUIRE(received.size() == queue.puts());
  for (size_t i = 0; i < received.size(); ++i) REQUIRE(received[i] == static_cast<int64_t>(i));
  CHECK(queue.Get(&item, QueueCaller{}, 20 * kMs) == QueueStatus::kTimeout);
  CHECK(queue.empty());
}

// The queue still works for everyone after the fault: a put and a get round-trip.
void CheckStillWorks(SharedQueue& queue) {
  QueueItem item{.value = 4242};
  REQUIRE(queue.Put(item, QueueCaller{}, kHangNs) == QueueStatus::kOk);
  QueueItem got;
  REQUIRE(queue.Get(&got, QueueCaller{}, kHangNs) == QueueStatus::kOk);
  CHECK(got.value == 4242);
}

}  // namespace

TEST_CASE("a producer SIGKILLed while blocked on a full queue: its items arrive once, no hang") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 4);
  const pid_t producer = Fork([&] {
    for (int64_t i = 0;; ++i)
      if (queue.Put(QueueItem{.value = i}, QueueCaller{}, kWaitForever) != QueueStatus::kOk)
        return 1;
  });
  REQUIRE(producer > 0);
  // It registers as a sleeper only once the queue is full and it is about to wait.
  const bool blocked = test::WaitFor([&] { return queue.put_waiters() > 0; }, 10s);
  kill(producer, SIGKILL);
  REQUIRE(ReapKilled(producer));
  REQUIRE(blocked);
  CHECK(queue.puts() == 4);
  std::vector<int64_t> received;
  CheckDrainedExactly(queue, received);
  CHECK(received.size() == 4);
  CheckStillWorks(queue);
}

TEST_CASE("a producer that dies holding the queue's lock mid-put: completed items arrive once") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 8);
  const pid_t producer = Fork([&] {
    for (int64_t i = 0; i < 3; ++i)
      if (queue.Put(QueueItem{.value = i}, QueueCaller{}, kHangNs) != QueueStatus::kOk) return 1;
    // The fourth put has taken the lock, as a put does before copying its item, and dies there.
    queue.mutex().Lock(5);
    kill(getpid(), SIGKILL);
    return 2;
  });
  REQUIRE(producer > 0);
  REQUIRE(ReapKilled(producer));
  CHECK(queue.mutex().holder() == 5);  // the lock is still marked as held by the dead producer
  std::vector<int64_t> received;
  CheckDrainedExactly(queue, received);
  CHECK(received == std::vector<int64_t>{0, 1, 2});
  CHECK(queue.mutex().died_holding() == 5);
  CheckStillWorks(queue);
}

TEST_CASE("producers SIGKILLed at arbitrary moments: the consumer gets exactly what was put") {
  // The kill lands wherever the producer happens to be (waiting, copying, holding the lock):
  // whatever the moment, the items counted as put are the items received.
  std::mt19937 random(12345);
  for (int trial = 0; trial < 20; ++trial) {
    const uint32_t capacity = trial % 2 == 0 ? 1 : 16;
    INFO("trial " << trial << ", capacity " << capacity);
    Segment segment = Segment::Create(1 << 20);
    SharedQueue& queue = *SharedQueue::Construct(segment, "q", capacity);
    const pid_t producer = Fork([&] {
      for (int64_t i = 0;; ++i)
        if (queue.Put(QueueItem{.value = i}, QueueCaller{}, kWaitForever) != QueueStatus::kOk)
          return 1;
    });
    REQUIRE(producer > 0);
    const size_t kill_after = std::uniform_int_distribution<size_t>(1, 300)(random);
    std::vector<int64_t> received;
    QueueItem item;
    while (received.size() < kill_after) {
      REQUIRE(queue.Get(&item, QueueCaller{}, kHangNs) == QueueStatus::kOk);
      received.push_back(item.value);
    }
    kill(producer, SIGKILL);
    REQUIRE(ReapKilled(producer));
    CheckDrainedExactly(queue, received);
    CHECK(received.size() >= kill_after);
    CheckStillWorks(queue);
  }
}

TEST_CASE("a consumer SIGKILLed while blocked on an empty queue does not stop the others") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 2);
  const pid_t consumer = Fork([&] {
    QueueItem item;
    return queue.Get(&item, QueueCaller{}, kWaitForever) == QueueStatus::kOk ? 0 : 1;
  });
  REQUIRE(consumer > 0);
  const bool blocked = test::WaitFor([&] { return queue.get_waiters() > 0; }, 10s);
  kill(consumer, SIGKILL);
  REQUIRE(ReapKilled(consumer));
  REQUIRE(blocked);
  CHECK(queue.puts() == 0);
  CheckStillWorks(queue);
  // Its stale registration costs at most a spare wake-up: puts up to capacity still go through.
  CHECK(queue.TryPut(QueueItem{.value = 1}, QueueCaller{}));
  CHECK(queue.TryPut(QueueItem{.value = 2}, QueueCaller{}));
  CHECK(queue.size() == 2);
}

// The process-safe queue (core/shared_queue.*), tested across real processes made with fork:
// each test's segment is mapped before the fork, so parent and children share the queue.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <vector>

#include "core/clock.hpp"
#include "core/event_ring.hpp"
#include "core/segment.hpp"
#include "core/shared_queue.hpp"

using namespace proclab;

namespace {

constexpr int64_t kMs = 1'000'000;

// Runs `body` in a forked child; the child's exit status is body's return value.
template <class Body>
pid_t Fork(Body body) {
  const pid_t pid = fork();
  if (pid == 0) _exit(body());
  return pid;
}

int Join(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

QueueItem Item(int64_t value, int32_t producer = 0) {
  return QueueItem{.value = value, .producer = producer};
}

}  // namespace

TEST_CASE("a queue hands items out first in, first out") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 8);
  const QueueCaller me;
  CHECK(queue.empty());
  for (int64_t v : {1, 2, 3}) REQUIRE(queue.Put(Item(v), me, 0) == QueueStatus::kOk);
  CHECK(queue.size() == 3);
  std::vector<int64_t> contents;
  for (const QueueItem& item : queue.Snapshot<QueueItem>()) contents.push_back(item.value);
  CHECK(contents == std::vector<int64_t>{1, 2, 3});
  QueueItem got;
  REQUIRE(queue.Get(&got, me, 0) == QueueStatus::kOk);
  CHECK(got.value == 1);
  REQUIRE(queue.Get(&got, me, 0) == QueueStatus::kOk);
  CHECK(got.value == 2);
  CHECK(queue.size() == 1);
  CHECK(queue.max_depth() == 3);
  CHECK(SharedQueue::Find(segment, "q") == &queue);
}

TEST_CASE("a put on a full queue waits until its timeout, then reports the timeout") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 2);
  const QueueCaller me;
  REQUIRE(queue.TryPut(Item(1), me));
  REQUIRE(queue.TryPut(Item(2), me));
  CHECK_FALSE(queue.TryPut(Item(3), me));
  const int64_t start = MonotonicNs();
  CHECK(queue.Put(Item(3), me, 30 * kMs) == QueueStatus::kTimeout);
  CHECK(MonotonicNs() - start >= 30 * kMs);
  CHECK(queue.size() == 2);
}

TEST_CASE("a get on an empty queue waits until its timeout, then reports the timeout") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 4);
  const QueueCaller me;
  QueueItem got;
  CHECK_FALSE(queue.TryGet(&got, me));
  const int64_t start = MonotonicNs();
  CHECK(queue.Get(&got, me, 30 * kMs) == QueueStatus::kTimeout);
  CHECK(MonotonicNs() - start >= 30 * kMs);
}

TEST_CASE("a put blocked on a full queue goes on once another process gets an item") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 1);
  const QueueCaller me;
  REQUIRE(queue.TryPut(Item(1), me));
  const pid_t consumer = Fork([&] {
    usleep(50'000);
    QueueItem got;
    return queue.Get(&got, QueueCaller{}, 5000 * kMs) == QueueStatus::kOk && got.value == 1 ? 0
                                                                                            : 1;
  });
  CHECK(queue.Put(Item(2), me, 5000 * kMs) == QueueStatus::kOk);
  CHECK(Join(consumer) == 0);
  QueueItem got;
  REQUIRE(queue.TryGet(&got, me));
  CHECK(got.value == 2);
}

TEST_CASE("a get blocked on an empty queue goes on once another process puts an item") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 4);
  const pid_t producer = Fork([&] {
    usleep(50'000);
    return queue.Put(Item(42), QueueCaller{}, 5000 * kMs) == QueueStatus::kOk ? 0 : 1;
  });
  QueueItem got;
  CHECK(queue.Get(&got, QueueCaller{}, 5000 * kMs) == QueueStatus::kOk);
  CHECK(got.value == 42);
  CHECK(Join(producer) == 0);
}

TEST_CASE("close refuses puts, lets gets drain what is left, then reports closed") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 4);
  const QueueCaller me;
  REQUIRE(queue.TryPut(Item(1), me));
  REQUIRE(queue.TryPut(Item(2), me));
  queue.Close();
  CHECK(queue.closed());
  CHECK(queue.Put(Item(3), me, 0) == QueueStatus::kClosed);
  QueueItem got;
  REQUIRE(queue.Get(&got, me, 0) == QueueStatus::kOk);
  CHECK(got.value == 1);
  REQUIRE(queue.Get(&got, me, 0) == QueueStatus::kOk);
  CHECK(got.value == 2);
  CHECK(queue.Get(&got, me, 1000 * kMs) == QueueStatus::kClosed);  // at once, not after 1 s
}

TEST_CASE("close wakes a process blocked in get, which then reports closed") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 4);
  const pid_t getter = Fork([&] {
    QueueItem got;
    return queue.Get(&got, QueueCaller{}, 10'000 * kMs) == QueueStatus::kClosed ? 0 : 1;
  });
  usleep(30'000);
  const int64_t start = MonotonicNs();
  queue.Close();
  CHECK(Join(getter) == 0);
  CHECK(MonotonicNs() - start < 5000 * kMs);
}

TEST_CASE("every item arrives exactly once, each producer's in order, for capacities 1 to large") {
  constexpr int kProducers = 3;
  constexpr int64_t kItems = 2000;
  for (uint32_t capacity : {1u, 2u, 7u, 64u, 8192u}) {
    INFO("capacity " << capacity);
    Segment segment = Segment::Create(1 << 20);
    SharedQueue& queue = *SharedQueue::Construct(segment, "q", capacity);
    std::vector<pid_t> producers;
    for (int p = 0; p < kProducers; ++p)
      producers.push_back(Fork([&, p] {
        for (int64_t i = 0; i < kItems; ++i)
          if (queue.Put(Item(p * 1'000'000 + i, p), QueueCaller{}, 10'000 * kMs) !=
              QueueStatus::kOk)
            return 1;
        return 0;
      }));
    std::vector<int64_t> next(kProducers, 0);
    int64_t received = 0;
    bool ordered = true;
    QueueItem got;
    while (received < kProducers * kItems &&
           queue.Get(&got, QueueCaller{}, 10'000 * kMs) == QueueStatus::kOk) {
      const int p = got.producer;
      REQUIRE(p >= 0);
      REQUIRE(p < kProducers);
      ordered = ordered && got.value == p * 1'000'000 + next[p];
      ++next[p];
      ++received;
    }
    for (pid_t pid : producers) CHECK(Join(pid) == 0);
    CHECK(received == kProducers * kItems);
    CHECK(ordered);
    for (int p = 0; p < kProducers; ++p) CHECK(next[p] == kItems);
    CHECK(queue.empty());
    CHECK(queue.max_depth() <= capacity);
  }
}

TEST_CASE("a process that dies holding the queue's lock does not freeze the others") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 4);
  const QueueCaller me;
  REQUIRE(queue.TryPut(Item(1), me));
  const pid_t holder = Fork([&] {
    queue.mutex().Lock(7);
    return 0;  // exits with the lock held
  });
  REQUIRE(Join(holder) == 0);
  CHECK(queue.Put(Item(2), me, 2000 * kMs) == QueueStatus::kOk);
  CHECK(queue.mutex().died_holding() == 7);
  QueueItem got;
  REQUIRE(queue.Get(&got, me, 2000 * kMs) == QueueStatus::kOk);
  CHECK(got.value == 1);
  REQUIRE(queue.Get(&got, me, 2000 * kMs) == QueueStatus::kOk);
  CHECK(got.value == 2);
}

TEST_CASE("a blocked caller gives up as soon as keep_waiting says so") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 1);
  QueueCaller caller;
  caller.slice_ns = 5 * kMs;
  int asked = 0;
  caller.keep_waiting = [&] { return ++asked < 3; };
  QueueItem got;
  const int64_t start = MonotonicNs();
  CHECK(queue.Get(&got, caller, kWaitForever) == QueueStatus::kAbandoned);
  CHECK(asked == 3);
  CHECK(MonotonicNs() - start < 2000 * kMs);
}

TEST_CASE("every put, get, block and unblock is an event carrying the value and the depth") {
  Segment segment = Segment::Create(1 << 20);
  SharedQueue& queue = *SharedQueue::Construct(segment, "q", 1);
  alignas(64) static unsigned char ring_memory[1 << 14];
  REQUIRE(EventRing::BytesFor(64) <= sizeof ring_memory);
  EventRing* ring = EventRing::Create(ring_memory, 64);
  const Emitter emitter(ring, 3);
  const QueueCaller me = QueueCaller::Traced(emitter, 3);
  REQUIRE(queue.Put(Item(5), me, 0) == QueueStatus::kOk);
  REQUIRE(queue.Put(Item(6), me, 5 * kMs) == QueueStatus::kTimeout);
  QueueItem got;
  REQUIRE(queue.Get(&got, me, 0) == QueueStatus::kOk);
  REQUIRE(queue.Get(&got, me, 5 * kMs) == QueueStatus::kTimeout);
  std::vector<Event> events;
  ring->Drain(events);
  REQUIRE(events.size() == 6);
  CHECK(events[0].kind == EventKind::kQueuePut);
  CHECK(events[0].a == 5);
  CHECK(events[0].b == 1);
  CHECK(events[1].kind == EventKind::kQueueBlocked);
  CHECK(events[1].a == 0);
  CHECK(events[2].kind == EventKind::kQueueUnblocked);
  CHECK(events[2].a == 0);
  CHECK(events[3].kind == EventKind::kQueueGet);
  CHECK(events[3].a == 5);
  CHECK(events[3].b == 0);
  CHECK(events[4].kind == EventKind::kQueueBlocked);
  CHECK(events[4].a == 1);
  CHECK(events[5].kind == EventKind::kQueueUnblocked);
  for (const Event& event : events) CHECK(event.worker == 3);
}

// The shared-memory primitives driven by THREADS of one process, with the objects in plain
// memory. Processes share them in a run, but ThreadSanitizer cannot see across fork: these tests
// give it the same accesses between threads, so a missing fence or an unguarded field in the
// event ring, the queue, the robust mutex or the start barrier is a TSan report. They run in the
// plain and ASan builds too, and alone in the TSan build (tag [tsan]; see quickstart.sh).
#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "core/event_ring.hpp"
#include "core/robust_mutex.hpp"
#include "core/shared_queue.hpp"
#include "core/start_barrier.hpp"

using namespace proclab;

namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kHangNs = 30'000 * kMs;  // a wait this long means a hang, not a slow machine

// 64-byte aligned memory for an object built in place, as it would be in a segment.
struct AlignedBuffer {
  explicit AlignedBuffer(size_t bytes)
      : data(static_cast<unsigned char*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64))) {}
  ~AlignedBuffer() { std::free(data); }
  unsigned char* data;
};

}  // namespace

TEST_CASE("threads: a ring filled by one thread and drained by another keeps every event in order",
          "[tsan]") {
  constexpr uint32_t kCapacity = 64;  // small: the producer laps the consumer many times
  constexpr int64_t kEvents = 200'000;
  AlignedBuffer memory(EventRing::BytesFor(kCapacity));
  EventRing& ring = *EventRing::Create(memory.data, kCapacity);
  std::thread producer([&] {
    for (int64_t i = 0; i < kEvents; ++i) {
      const Event event{i, 1, EventKind::kWrite, ValueType::kInt, 0, i, -i};
      while (!ring.Push(event)) std::this_thread::yield();  // full: retry until drained
    }
  });
  std::vector<Event> drained;
  while (static_cast<int64_t>(drained.size()) < kEvents) {
    if (ring.Drain(drained) == 0) std::this_thread::yield();
  }
  producer.join();
  REQUIRE(static_cast<int64_t>(drained.size()) == kEvents);
  bool intact = true;
  for (int64_t i = 0; i < kEvents; ++i) {
    const Event& e = drained[static_cast<size_t>(i)];
    intact = intact && e.t_ns == i && e.a == i && e.b == -i && e.worker == 1 &&
             e.kind == EventKind::kWrite;
  }
  CHECK(intact);
  CHECK(ring.drops() > 0);  // every failed push counts, even though it was retried
}

TEST_CASE("threads: a ring that is never drained counts drops and keeps its first events",
          "[tsan]") {
  AlignedBuffer memory(EventRing::BytesFor(8));
  EventRing& ring = *EventRing::Create(memory.data, 8);
  std::thread producer([&] {
    const Emitter emit(&ring, 2);
    for (int i = 0; i < 20; ++i) emit(EventKind::kWrite, i);
  });
  producer.join();
  std::vector<Event> drained;
  CHECK(ring.Drain(drained) == 8);
  CHECK(ring.drops() == 12);
  for (size_t i = 0; i < drained.size(); ++i) CHECK(drained[i].a == static_cast<int64_t>(i));
}

TEST_CASE("threads: two producer threads and a consumer thread share a queue in plain memory; "
          "every item arrives once, each producer's in order",
          "[tsan]") {
  constexpr int kProducers = 2;
  constexpr int64_t kItems = 20'000;
  for (uint32_t capacity : {1u, 8u, 1024u}) {
    INFO("capacity " << capacity);
    AlignedBuffer memory(SharedQueue::BytesFor(capacity));
    SharedQueue& queue = *SharedQueue::Create(memory.data, capacity, sizeof(QueueItem));
    std::vector<std::thread> producers;
    std::vector<int> failures(kProducers, 0);
    for (int p = 0; p < kProducers; ++p)
      producers.emplace_back([&, p] {
        QueueCaller me;
        me.who = p;
        for (int64_t i = 0; i < kItems; ++i)
          if (queue.Put(QueueItem{.value = i, .producer = p}, me, kHangNs) != QueueStatus::kOk)
            ++failures[static_cast<size_t>(p)];
      });
    std::vector<int64_t> next(kProducers, 0);
    bool ordered = true;
    int64_t received = 0;
    std::thread consumer([&] {
      QueueCaller me;
      me.who = 9;
      QueueItem item;
      while (received < kProducers * kItems &&
             queue.Get(&item, me, kHangNs) == QueueStatus::kOk) {
        const size_t p = static_cast<size_t>(item.producer);
        if (p >= next.size()) break;
        ordered = ordered && item.value == next[p];
        ++next[p];
        ++received;
      }
    });
    for (std::thread& producer : producers) producer.join();
    consumer.join();
    CHECK(failures == std::vector<int>(kProducers, 0));
    CHECK(received == kProducers * kItems);
    CHECK(ordered);
    CHECK(queue.puts() == static_cast<uint64_t>(kProducers * kItems));
    CHECK(queue.gets() == queue.puts());
    CHECK(queue.max_depth() <= capacity);
  }
}

TEST_CASE("threads: closing a queue wakes a thread blocked in get and one blocked in put",
          "[tsan]") {
  AlignedBuffer empty_memory(SharedQueue::BytesFor(1));
  AlignedBuffer full_memory(SharedQueue::BytesFor(1));
  SharedQueue& empty = *SharedQueue::Create(empty_memory.data, 1, sizeof(QueueItem));
  SharedQueue& full = *SharedQueue::Create(full_memory.data, 1, sizeof(QueueItem));
  REQUIRE(full.TryPut(QueueItem{.value = 1}, QueueCaller{}));
  QueueStatus got_status = QueueStatus::kOk, put_status = QueueStatus::kOk;
  std::thread getter([&] {
    QueueItem item;
    got_status = empty.Get(&item, QueueCaller{}, kHangNs);
  });
  std::thread putter([&] { put_status = full.Put(QueueItem{.value = 2}, QueueCaller{}, kHangNs); });
  // Close may come before or after they fall asleep: either way they must report closed.
  empty.Close();
  full.Close();
  getter.join();
  putter.join();
  CHECK(got_status == QueueStatus::kClosed);
  CHECK(put_status == QueueStatus::kClosed);
  QueueItem left;
  CHECK(full.Get(&left, QueueCaller{}, 0) == QueueStatus::kOk);  // close lets gets drain
  CHECK(left.value == 1);
}

TEST_CASE("threads: a robust mutex makes increments of a plain counter exact", "[tsan]") {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 20'000;
  auto mutex = std::make_unique<RobustMutex>();
  int64_t counter = 0;  // plain memory: only the mutex orders the accesses
  int64_t max_holders = 0, holders = 0;
  std::vector<int> unclean(kThreads, 0);  // Catch assertions are not thread-safe: count instead
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrements; ++i) {
        if (i % 2 == 0) {
          if (mutex->Lock(t) != RobustMutex::Locked::kClean) ++unclean[static_cast<size_t>(t)];
        } else {
          while (!mutex->TryLock(t)) std::this_thread::yield();
        }
        ++holders;
        if (holders > max_holders) max_holders = holders;
        ++counter;
        --holders;
        mutex->Unlock();
      }
    });
  for (std::thread& thread : threads) thread.join();
  CHECK(counter == int64_t{kThreads} * kIncrements);
  CHECK(max_holders == 1);
  CHECK(unclean == std::vector<int>(kThreads, 0));
  CHECK(mutex->holder() == -1);
  CHECK(mutex->died_holding() == -1);
}

TEST_CASE("threads: a locker that finds the lock held spins, then sleeps, and sees the holder's writes",
          "[tsan]") {
  // The holder keeps the lock far longer than the adaptive spin lasts, so the waiter spins,
  // gives up and sleeps on the futex; it must still get the lock, cleanly, once it is free.
  auto mutex = std::make_unique<RobustMutex>();
  int64_t written = 0;  // plain memory: the lock orders the holder's write and the waiter's read
  std::atomic<bool> held{false};
  int64_t seen = -1;
  RobustMutex::Locked how = RobustMutex::Locked::kOwnerDied;
  std::thread holder([&] {
    mutex->Lock(0);
    held = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    written = 42;
    mutex->Unlock();
  });
  while (!held.load()) std::this_thread::yield();
  std::thread waiter([&] {
    how = mutex->Lock(1);
    seen = written;
    mutex->Unlock();
  });
  holder.join();
  waiter.join();
  CHECK(how == RobustMutex::Locked::kClean);
  CHECK(seen == 42);
  CHECK(mutex->holder() == -1);
}

TEST_CASE("threads: a start barrier holds every thread until released, then lets all pass",
          "[tsan]") {
  constexpr int kThreads = 3;
  StartBarrier barrier;
  int64_t prepared = 0;  // written before Release, read after the wait: the barrier orders them
  std::vector<int64_t> seen(kThreads, -1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      if (barrier.ArriveAndWait([] { return true; })) seen[static_cast<size_t>(t)] = prepared;
    });
  while (barrier.arrived.load() < kThreads) std::this_thread::yield();
  prepared = 42;
  barrier.Release();
  for (std::thread& thread : threads) thread.join();
  CHECK(seen == std::vector<int64_t>(kThreads, 42));
}

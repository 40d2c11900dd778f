// EventRing: order, wrap-around, drop counting when full, and a real producer process pushing
// while the test process drains.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <sched.h>
#include <stdexcept>
#include <vector>

#include "core/clock.hpp"
#include "core/event_ring.hpp"

using namespace proclab;

namespace {

// Memory shared with forked processes (as the run segment is), page-aligned.
class SharedMemory {
 public:
  explicit SharedMemory(size_t bytes) : bytes_(bytes) {
    memory_ = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory_ == MAP_FAILED) throw std::runtime_error("mmap failed");
  }
  ~SharedMemory() { munmap(memory_, bytes_); }
  void* get() const { return memory_; }

 private:
  size_t bytes_;
  void* memory_;
};

Event Numbered(int64_t i) {
  return Event{i, 3, EventKind::kWrite, ValueType::kInt, static_cast<uint32_t>(i), i, ~i};
}

// What the producer process tells the test through shared memory.
struct ProducerReport {
  std::atomic<uint64_t> pushed_ok{0};
  std::atomic<uint64_t> push_failed{0};
  std::atomic<uint32_t> done{0};
};

// Waits for the forked producer and returns its exit status (-1 if it had to be killed).
int WaitProducer(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    usleep(1000);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("an event is 32 bytes and a ring needs its header plus 32 bytes per slot") {
  CHECK(sizeof(Event) == 32);
  CHECK(EventRing::BytesFor(8) - EventRing::BytesFor(4) == 4 * 32);
  CHECK(EventRing::BytesFor(1024) >= 1024 * 32);
}

TEST_CASE("a ring's capacity must be a power of two") {
  SharedMemory memory(EventRing::BytesFor(16));
  CHECK_THROWS_AS(EventRing::Create(memory.get(), 0), std::invalid_argument);
  CHECK_THROWS_AS(EventRing::Create(memory.get(), 12), std::invalid_argument);
  EventRing* ring = EventRing::Create(memory.get(), 16);
  CHECK(ring->capacity() == 16);
  CHECK(ring->drops() == 0);
}

TEST_CASE("drained events come out in the order they were pushed, every field intact") {
  SharedMemory memory(EventRing::BytesFor(8));
  EventRing* ring = EventRing::Create(memory.get(), 8);
  for (int64_t i = 0; i < 5; ++i) CHECK(ring->Push(Numbered(i)));
  std::vector<Event> out;
  CHECK(ring->Drain(out) == 5);
  REQUIRE(out.size() == 5);
  for (int64_t i = 0; i < 5; ++i) {
    CHECK(out[i].t_ns == i);
    CHECK(out[i].worker == 3);
    CHECK(out[i].kind == EventKind::kWrite);
    CHECK(out[i].a == i);
    CHECK(out[i].b == ~i);
  }
  CHECK(ring->Drain(out) == 0);  // nothing new: nothing appended
  CHECK(out.size() == 5);
}

TEST_CASE("draining appends to what the caller already holds") {
  SharedMemory memory(EventRing::BytesFor(4));
  EventRing* ring = EventRing::Create(memory.get(), 4);
  std::vector<Event> out{Numbered(100)};
  ring->Push(Numbered(1));
  ring->Drain(out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].a == 100);
  CHECK(out[1].a == 1);
}

TEST_CASE("wrap-around over many cycles keeps every event, in order") {
  SharedMemory memory(EventRing::BytesFor(8));
  EventRing* ring = EventRing::Create(memory.get(), 8);
  std::vector<Event> out;
  int64_t next = 0;
  // Batches of 1..8 events: the write position crosses the end of the slots at every offset.
  for (int cycle = 0; cycle < 1000; ++cycle) {
    const int batch = 1 + cycle % 8;
    for (int k = 0; k < batch; ++k) REQUIRE(ring->Push(Numbered(next++)));
    CHECK(ring->Drain(out) == static_cast<size_t>(batch));
  }
  REQUIRE(out.size() == static_cast<size_t>(next));
  bool in_order = true;
  for (int64_t i = 0; i < next; ++i) in_order = in_order && out[i].a == i && out[i].b == ~i;
  CHECK(in_order);
  CHECK(ring->drops() == 0);
}

TEST_CASE("a full ring refuses events, counts each one dropped, and keeps the ones it held") {
  SharedMemory memory(EventRing::BytesFor(8));
  EventRing* ring = EventRing::Create(memory.get(), 8);
  for (int64_t i = 0; i < 8; ++i) CHECK(ring->Push(Numbered(i)));
  CHECK(ring->drops() == 0);
  for (int64_t i = 8; i < 13; ++i) CHECK_FALSE(ring->Push(Numbered(i)));
  CHECK(ring->drops() == 5);

  std::vector<Event> out;
  CHECK(ring->Drain(out) == 8);
  REQUIRE(out.size() == 8);
  CHECK(out.front().a == 0);
  CHECK(out.back().a == 7);
  CHECK(ring->drops() == 5);  // draining does not forget drops
}

TEST_CASE("draining frees the space a full ring had") {
  SharedMemory memory(EventRing::BytesFor(4));
  EventRing* ring = EventRing::Create(memory.get(), 4);
  for (int64_t i = 0; i < 4; ++i) ring->Push(Numbered(i));
  CHECK_FALSE(ring->Push(Numbered(99)));
  std::vector<Event> out;
  ring->Drain(out);
  for (int64_t i = 4; i < 8; ++i) CHECK(ring->Push(Numbered(i)));
  CHECK_FALSE(ring->Push(Numbered(100)));
  CHECK(ring->drops() == 2);
  out.clear();
  CHECK(ring->Drain(out) == 4);
  REQUIRE(out.size() == 4);
  CHECK(out[0].a == 4);
  CHECK(out[3].a == 7);
}

TEST_CASE("an emitter stamps its worker index, the kind, the values and a rising time") {
  SharedMemory memory(EventRing::BytesFor(8));
  EventRing* ring = EventRing::Create(memory.get(), 8);
  const Emitter emit(ring, 5);
  CHECK(emit.worker() == 5);
  emit(EventKind::kLockAcquired, 7, 8);
  emit(EventKind::kLockReleased, 7);
  std::vector<Event> out;
  REQUIRE(ring->Drain(out) == 2);
  CHECK(out[0].worker == 5);
  CHECK(out[0].kind == EventKind::kLockAcquired);
  CHECK(out[0].a == 7);
  CHECK(out[0].b == 8);
  CHECK(out[1].kind == EventKind::kLockReleased);
  CHECK(out[1].b == 0);
  // The stamp is a clock reading (the parent converts it to trace time as it drains): set, and
  // never going backwards.
  CHECK(out[0].t_ns > 0);
  CHECK(out[0].t_ns <= out[1].t_ns);

  const Emitter detached;  // no ring: emitting is a no-op, not a crash
  detached(EventKind::kStarted, 1);
}

TEST_CASE("a producer process and the draining test process lose nothing when the ring has room") {
  constexpr uint32_t kCapacity = 1u << 14;
  constexpr int64_t kEvents = 10'000;  // fits: whatever the scheduling, no drop is possible
  SharedMemory memory(EventRing::BytesFor(kCapacity));
  EventRing* ring = EventRing::Create(memory.get(), kCapacity);
  SharedMemory report_memory(sizeof(ProducerReport));
  auto* report = new (report_memory.get()) ProducerReport;

  const pid_t producer = fork();
  REQUIRE(producer >= 0);
  if (producer == 0) {
    for (int64_t i = 0; i < kEvents; ++i) {
      if (ring->Push(Numbered(i))) report->pushed_ok.fetch_add(1);
      if (i % 256 == 0) sched_yield();  // let the consumer in while pushing, even on one core
    }
    report->done.store(1);
    _exit(0);
  }

  std::vector<Event> out;
  int drains_while_producing = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (report->done.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    drains_while_producing += ring->Drain(out) > 0 ? 1 : 0;
    sched_yield();
  }
  CHECK(WaitProducer(producer, std::chrono::seconds(5)) == 0);
  ring->Drain(out);

  CHECK(report->pushed_ok.load() == static_cast<uint64_t>(kEvents));
  CHECK(ring->drops() == 0);
  REQUIRE(out.size() == static_cast<size_t>(kEvents));
  bool in_order = true;
  for (int64_t i = 0; i < kEvents; ++i)
    in_order = in_order && out[i].a == i && out[i].b == ~i && out[i].t_ns == i;
  CHECK(in_order);
  INFO("drains that found events while the producer ran: " << drains_while_producing);
}

TEST_CASE("a producer that retries after a full ring delivers every event in order, each failed "
          "push counted as a drop") {
  constexpr uint32_t kCapacity = 64;  // small: the producer outruns the consumer often
  constexpr int64_t kEvents = 5'000;
  SharedMemory memory(EventRing::BytesFor(kCapacity));
  EventRing* ring = EventRing::Create(memory.get(), kCapacity);
  SharedMemory report_memory(sizeof(ProducerReport));
  auto* report = new (report_memory.get()) ProducerReport;

  const pid_t producer = fork();
  REQUIRE(producer >= 0);
  if (producer == 0) {
    for (int64_t i = 0; i < kEvents; ++i) {
      while (!ring->Push(Numbered(i))) {
        report->push_failed.fetch_add(1);
        usleep(100);  // the consumer keeps up: give it time to free a slot
      }
      report->pushed_ok.fetch_add(1);
    }
    report->done.store(1);
    _exit(0);
  }

  std::vector<Event> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (report->done.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    ring->Drain(out);
    usleep(20);
  }
  CHECK(WaitProducer(producer, std::chrono::seconds(5)) == 0);
  ring->Drain(out);

  CHECK(report->pushed_ok.load() == static_cast<uint64_t>(kEvents));
  CHECK(ring->drops() == report->push_failed.load());
  REQUIRE(out.size() == static_cast<size_t>(kEvents));
  bool in_order = true;
  for (int64_t i = 0; i < kEvents; ++i) in_order = in_order && out[i].a == i && out[i].b == ~i;
  CHECK(in_order);
}

TEST_CASE("a producer racing a slow consumer: pushed equals drained plus dropped, order kept") {
  constexpr uint32_t kCapacity = 64;
  constexpr int64_t kEvents = 50'000;
  SharedMemory memory(EventRing::BytesFor(kCapacity));
  EventRing* ring = EventRing::Create(memory.get(), kCapacity);
  SharedMemory report_memory(sizeof(ProducerReport));
  auto* report = new (report_memory.get()) ProducerReport;

  const pid_t producer = fork();
  REQUIRE(producer >= 0);
  if (producer == 0) {
    for (int64_t i = 0; i < kEvents; ++i) {
      if (ring->Push(Numbered(i)))
        report->pushed_ok.fetch_add(1);
      else
        report->push_failed.fetch_add(1);
    }
    report->done.store(1);
    _exit(0);
  }

  std::vector<Event> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (report->done.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    ring->Drain(out);
    usleep(50);  // slower than the producer on purpose
  }
  CHECK(WaitProducer(producer, std::chrono::seconds(5)) == 0);
  ring->Drain(out);

  // Whatever the interleaving: nothing lost without being counted, nothing invented.
  CHECK(report->pushed_ok.load() + report->push_failed.load() == static_cast<uint64_t>(kEvents));
  CHECK(out.size() == report->pushed_ok.load());
  CHECK(ring->drops() == report->push_failed.load());
  CHECK(out.size() + ring->drops() == static_cast<uint64_t>(kEvents));
  CHECK(out.size() >= kCapacity);  // at least the first ring-full arrived
  bool increasing_and_whole = true;
  for (size_t i = 0; i < out.size(); ++i) {
    increasing_and_whole = increasing_and_whole && out[i].b == ~out[i].a;  // no torn slot
    if (i > 0) increasing_and_whole = increasing_and_whole && out[i].a > out[i - 1].a;
  }
  CHECK(increasing_and_whole);
  REQUIRE_FALSE(out.empty());
  CHECK(out.front().a == 0);
}

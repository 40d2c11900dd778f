// Sections: shared memory and forked children · start + join · counters and locks · rings and
// round trips · the plain loop · trace events.
#include "lessons/machine_limits.hpp"

#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <new>

#include "core/clock.hpp"
#include "core/cpu_relax.hpp"
#include "core/event.hpp"
#include "core/futex.hpp"
#include "core/run.hpp"
#include "core/segment.hpp"
#include "lessons/common.hpp"

extern char** environ;

namespace proclab {
namespace {

// --------------------------------------------------------- shared memory and forked children

constexpr int64_t kLimitTimeoutNs = 30'000'000'000;  // no limit measurement takes this long

// A busy wait that stays polite: yields now and then (one core, or a busy machine) and gives up
// after kLimitTimeoutNs (a child that died leaves nobody to wait for).
class Spin {
 public:
  void operator()() {
    if ((++spins_ & 1023) != 0) return CpuRelax();
    sched_yield();
    const int64_t now = MonotonicNs();
    if (deadline_ == 0) deadline_ = now + kLimitTimeoutNs;
    if (now > deadline_) throw RunError("a limit measurement waited more than 30 s");
  }

 private:
  uint64_t spins_ = 0;
  int64_t deadline_ = 0;
};

// A MAP_SHARED anonymous mapping, faulted in: what a fork()ed child shares with its parent.
class SharedPages {
 public:
  explicit SharedPages(size_t bytes) : bytes_(std::max<size_t>(bytes, 1)) {
    memory_ = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE,
                   -1, 0);
    if (memory_ == MAP_FAILED) throw RunError("cannot map memory for a limit measurement");
  }
  ~SharedPages() { munmap(memory_, bytes_); }
  SharedPages(const SharedPages&) = delete;
  SharedPages& operator=(const SharedPages&) = delete;
  template <class T>
  T* As(size_t offset = 0) const {
    return reinterpret_cast<T*>(static_cast<char*>(memory_) + offset);
  }

 private:
  size_t bytes_;
  void* memory_;
};

constexpr int kMaxLimitChildren = 64;

// The start line and the clocks of the forked children, at the start of their shared mapping.
struct alignas(64) StartLine {
  std::atomic<uint32_t> arrived{0};
  std::atomic<uint32_t> go{0};
  std::atomic<uint32_t> done{0};
  int64_t start_ns[kMaxLimitChildren] = {};
  int64_t end_ns[kMaxLimitChildren] = {};
};
constexpr size_t kStartLineBytes = (sizeof(StartLine) + 63) / 64 * 64;

// fork()ed children that run `body(index)` once released, then _exit; `prepare(index)` runs
// before a child reaches the start line. The destructor kills and reaps any that are left (the
// parent threw while they waited).
class ForkedChildren {
 public:
  using Body = std::function<void(int)>;
  ForkedChildren(StartLine& line, int count, const Body& body, const Body& prepare = {})
      : line_(line) {
    const pid_t parent = getpid();
    for (int i = 0; i < count; ++i) {
      const pid_t pid = fork();
      if (pid < 0) throw RunError("cannot fork a child for a limit measurement");
      if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(1);
        if (prepare) prepare(i);
        line.arrived.fetch_add(1);
        FutexWakeAll(line.arrived);
        while (line.go.load(std::memory_order_acquire) == 0) {
          FutexWait(line.go, 0, 100'000'000);
          if (getppid() != parent) _exit(1);
        }
        line.start_ns[i] = MonotonicNs();
        body(i);
        line.end_ns[i] = MonotonicNs();
        line.done.fetch_add(1);
        FutexWakeAll(line.done);
        _exit(0);
      }
      pids_.push_back(pid);
    }
    count_ = count;
    WaitFor(line.arrived, static_cast<uint32_t>(count));
  }
  ~ForkedChildren() {
    for (pid_t pid : pids_) kill(pid, SIGKILL);
    for (pid_t pid : pids_) Reap(pid);
  }
  ForkedChildren(const ForkedChildren&) = delete;
  ForkedChildren& operator=(const ForkedChildren&) = delete;

  // Releases every child at once; returns when it did (this process's clock).
  int64_t Go() {
    const int64_t now = MonotonicNs();
    line_.go.store(1, std::memory_order_release);
    FutexWakeAll(line_.go);
    return now;
  }
  // Waits until every child finished its body; returns when this process knew.
  int64_t WaitDone() {
    WaitFor(line_.done, static_cast<uint32_t>(count_));
    return MonotonicNs();
  }
  // Reaps every child; throws unless each exited with status 0.
  void Join() {
    const std::vector<pid_t> pids = std::move(pids_);
    pids_.clear();
    bool clean = true;
    for (pid_t pid : pids) clean &= Reap(pid) == 0;
    if (!clean) throw RunError("a child of a limit measurement failed");
  }
  // From the first child's start to the last one's end.
  double SpanSeconds() const {
    int64_t first = INT64_MAX, last = 0;
    for (int i = 0; i < count_; ++i) {
      first = std::min(first, line_.start_ns[i]);
      last = std::max(last, line_.end_ns[i]);
    }
    return last > first ? static_cast<double>(last - first) / 1e9 : 0.0;
  }

 private:
  static int Reap(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // Sleeps on `word` until it reaches `count`; throws if a child failed or 30 s passed. (A child
  // that finished may be reaped here already.)
  void WaitFor(std::atomic<uint32_t>& word, uint32_t count) {
    const int64_t deadline = MonotonicNs() + kLimitTimeoutNs;
    while (true) {
      const uint32_t seen = word.load();
      if (seen >= count) return;
      for (size_t i = 0; i < pids_.size(); ++i) {
        int status = 0;
        if (waitpid(pids_[i], &status, WNOHANG) != pids_[i]) continue;
        pids_.erase(pids_.begin() + static_cast<std::ptrdiff_t>(i--));  // reaped: done with it
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
          throw RunError("a child of a limit measurement failed");
      }
      if (MonotonicNs() > deadline) throw RunError("a limit measurement waited more than 30 s");
      FutexWait(word, seen, 1'000'000);
    }
  }
  StartLine& line_;
  std::vector<pid_t> pids_;
  int count_ = 0;
};

// Runs `body` in `procs` forked children released together; the span of their bodies.
double ChildrenSpanSeconds(int procs, const std::function<void(int, SharedPages&)>& body,
                           size_t extra_bytes) {
  SharedPages pages(kStartLineBytes + extra_bytes);
  StartLine* line = new (pages.As<void>()) StartLine;
  ForkedChildren children(*line, procs, [&](int i) { body(i, pages); });
  children.Go();
  children.WaitDone();
  children.Join();
  return children.SpanSeconds();
}

}  // namespace

// ---------------------------------------------------------------------------- start + join

double SpawnJoinMsPerProc(const std::vector<std::string>& argv, int procs, int rounds) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<pid_t> pids(static_cast<size_t>(procs));
  const int64_t start = MonotonicNs();
  for (int round = 0; round < rounds; ++round) {
    for (pid_t& pid : pids) {
      const int error = posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ);
      if (error != 0) throw RunError("cannot start " + argv[0] + ": " + std::strerror(error));
    }
    for (pid_t pid : pids) {
      int status = 0;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw RunError(argv[0] + " did not exit with status 0");
    }
  }
  return NsToMs(MonotonicNs() - start) / (static_cast<double>(procs) * rounds);
}

// ------------------------------------------------------------------------ counters and locks

namespace {
struct alignas(64) SharedCounter {
  std::atomic<int64_t> value{0};
};
double TwoIncrementers(int64_t per_proc, bool fetch_add) {
  const double seconds = ChildrenSpanSeconds(
      2,
      [&](int, SharedPages& pages) {
        auto& counter = *pages.As<SharedCounter>(kStartLineBytes);
        for (int64_t i = 0; i < per_proc; ++i) {
          if (fetch_add)
            counter.value.fetch_add(1, std::memory_order_relaxed);
          else
            counter.value.store(counter.value.load(std::memory_order_relaxed) + 1,
                                std::memory_order_relaxed);
        }
      },
      sizeof(SharedCounter));
  return seconds > 0 ? 2.0 * static_cast<double>(per_proc) / seconds : 0.0;
}
}  // namespace

double LimitLoadStorePerS(int64_t per_proc) { return TwoIncrementers(per_proc, false); }
double LimitFetchAddPerS(int64_t per_proc) { return TwoIncrementers(per_proc, true); }

double LimitLockPairsPerS(int64_t count) {
  struct alignas(64) Locked {
    std::atomic<uint32_t> lock{0};
    std::atomic<int64_t> value{0};
  };
  SharedPages pages(sizeof(Locked));
  Locked& shared = *new (pages.As<void>()) Locked;
  const int64_t start = MonotonicNs();
  for (int64_t i = 0; i < count; ++i) {
    uint32_t free = 0;
    while (!shared.lock.compare_exchange_weak(free, 1, std::memory_order_acquire,
                                              std::memory_order_relaxed))
      free = 0;
    shared.value.store(shared.value.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    shared.lock.store(0, std::memory_order_release);
  }
  const int64_t spent = MonotonicNs() - start;
  if (shared.value.load() != count) throw RunError("the lock limit lost an increment");
  return spent > 0 ? static_cast<double>(count) * 1e9 / static_cast<double>(spent) : 0.0;
}

// -------------------------------------------------------------------- rings and round trips

namespace {
// A single-producer/single-consumer ring of int64 in shared memory; each side keeps its own copy
// of the other's index and reads the shared one only when its copy says full (or empty).
struct SpscRing {
  alignas(64) std::atomic<uint64_t> head{0};  // next to take: the consumer's line
  alignas(64) std::atomic<uint64_t> tail{0};  // next to fill: the producer's line
  alignas(64) uint64_t mask = 0;
  static size_t BytesFor(uint32_t capacity) { return sizeof(SpscRing) + capacity * sizeof(int64_t); }
  static SpscRing* Create(void* memory, uint32_t capacity) {
    auto* ring = new (memory) SpscRing;
    ring->mask = capacity - 1;
    return ring;
  }
  int64_t* slots() { return reinterpret_cast<int64_t*>(this + 1); }
};

class Producer {
 public:
  explicit Producer(SpscRing& ring) : ring_(ring), tail_(ring.tail.load()), head_(ring.head.load()) {}
  bool TryPut(int64_t value) {
    if (tail_ - head_ > ring_.mask) {
      head_ = ring_.head.load(std::memory_order_acquire);
      if (tail_ - head_ > ring_.mask) return false;
    }
    ring_.slots()[tail_ & ring_.mask] = value;
    ring_.tail.store(++tail_, std::memory_order_release);
    return true;
  }
  void Put(int64_t value) {
    Spin spin;
    while (!TryPut(value)) spin();
  }

 private:
  SpscRing& ring_;
  uint64_t tail_, head_;
};

class Consumer {
 public:
  explicit Consumer(SpscRing& ring) : ring_(ring), head_(ring.head.load()), tail_(ring.tail.load()) {}
  bool TryGet(int64_t* value) {
    if (head_ == tail_) {
      tail_ = ring_.tail.load(std::memory_order_acquire);
      if (head_ == tail_) return false;
    }
    *value = ring_.slots()[head_ & ring_.mask];
    ring_.head.store(++head_, std::memory_order_release);
    return true;
  }
  int64_t Get() {
    Spin spin;
    int64_t value = 0;
    while (!TryGet(&value)) spin();
    return value;
  }

 private:
  SpscRing& ring_;
  uint64_t head_, tail_;
};

uint32_t PowerOfTwoAtLeast(uint32_t n) {
  uint32_t p = 1;
  while (p < n) p <<= 1;
  return p;
}
}  // namespace

double LimitRingItemsPerS(int64_t items, uint32_t capacity) {
  capacity = PowerOfTwoAtLeast(std::max<uint32_t>(capacity, 2));
  SharedPages pages(kStartLineBytes + SpscRing::BytesFor(capacity));
  StartLine* line = new (pages.As<void>()) StartLine;
  SpscRing* ring = SpscRing::Create(pages.As<void>(kStartLineBytes), capacity);
  ForkedChildren producer(*line, 1, [&](int) {
    Producer put(*ring);
    for (int64_t i = 0; i < items; ++i) put.Put(i);
  });
  const int64_t start = producer.Go();
  Consumer get(*ring);
  for (int64_t i = 0; i < items; ++i)
    if (get.Get() != i) throw RunError("the ring limit lost or reordered an item");
  const int64_t spent = MonotonicNs() - start;
  producer.Join();
  return spent > 0 ? static_cast<double>(items) * 1e9 / static_cast<double>(spent) : 0.0;
}

double LimitRoundTripsPerS(int64_t tasks, int procs, uint32_t in_flight) {
  procs = std::clamp(procs, 1, kMaxLimitChildren);
  const uint32_t capacity = PowerOfTwoAtLeast(std::max<uint32_t>(in_flight / procs, 2));
  const size_t ring_bytes = (SpscRing::BytesFor(capacity) + 63) / 64 * 64;
  SharedPages pages(kStartLineBytes + 2 * static_cast<size_t>(procs) * ring_bytes);
  StartLine* line = new (pages.As<void>()) StartLine;
  std::vector<SpscRing*> tasks_to(static_cast<size_t>(procs)), results_from(tasks_to.size());
  for (int c = 0; c < procs; ++c) {
    tasks_to[c] = SpscRing::Create(pages.As<void>(kStartLineBytes + (2 * c) * ring_bytes), capacity);
    results_from[c] = SpscRing::Create(pages.As<void>(kStartLineBytes + (2 * c + 1) * ring_bytes), capacity);
  }
  ForkedChildren workers(*line, procs, [&](int c) {
    Consumer get(*tasks_to[c]);
    Producer put(*results_from[c]);
    for (int64_t x = get.Get(); x >= 0; x = get.Get()) put.Put(x * x * x);
  });
  std::vector<Producer> send;
  std::vector<Consumer> take;
  for (int c = 0; c < procs; ++c) {
    send.emplace_back(*tasks_to[c]);
    take.emplace_back(*results_from[c]);
  }
  int64_t expected = 0, sum = 0;
  for (int64_t i = 0; i < tasks; ++i) expected += (i % 1000) * (i % 1000) * (i % 1000);
  const int64_t start = workers.Go();
  int64_t sent = 0, got = 0;
  Spin spin;
  while (got < tasks) {
    bool moved = false;
    for (int c = 0; c < procs; ++c) {
      // Round robin, one task per worker per pass, while fewer than in_flight are out.
      if (sent < tasks && sent - got < in_flight && send[c].TryPut(sent % 1000)) ++sent, moved = true;
      int64_t value = 0;
      while (take[c].TryGet(&value)) sum += value, ++got, moved = true;
    }
    if (!moved) spin();
  }
  const int64_t spent = MonotonicNs() - start;
  for (Producer& p : send) p.Put(-1);
  workers.Join();
  if (sum != expected) throw RunError("the round-trip limit got a wrong result");
  return spent > 0 ? static_cast<double>(tasks) * 1e9 / static_cast<double>(spent) : 0.0;
}

// ------------------------------------------------------------------------------ the plain loop

double LimitPlainLoopItemsPerS(int64_t items, int procs) {
  procs = std::clamp(procs, 1, kMaxLimitChildren);
  const size_t array_bytes = static_cast<size_t>(std::max<int64_t>(items, 0)) * sizeof(int64_t);
  SharedPages pages(kStartLineBytes + 2 * array_bytes);
  StartLine* line = new (pages.As<void>()) StartLine;
  int64_t* inputs = pages.As<int64_t>(kStartLineBytes);
  int64_t* outputs = inputs + items;
  for (int64_t i = 0; i < items; ++i) inputs[i] = i % 1000;
  auto first = [&](int c) { return items * c / procs; };
  ForkedChildren workers(
      *line, procs,
      [&](int c) {
        for (int64_t i = first(c); i < first(c + 1); ++i) outputs[i] = inputs[i] * inputs[i] * inputs[i];
      },
      // A fork()ed child maps each shared page on first touch: fault the slice in before the
      // start line, so the clock sees the loop alone.
      [&](int c) {
        PrefaultPages(inputs + first(c), static_cast<size_t>(first(c + 1) - first(c)) * sizeof(int64_t));
        PrefaultPages(outputs + first(c), static_cast<size_t>(first(c + 1) - first(c)) * sizeof(int64_t));
      });
  const int64_t start = workers.Go();
  const int64_t end = workers.WaitDone();
  workers.Join();
  for (int64_t i = 0; i < items; i += std::max<int64_t>(items / 64, 1))
    if (outputs[i] != inputs[i] * inputs[i] * inputs[i])
      throw RunError("the plain-loop limit computed a wrong result");
  return end > start ? static_cast<double>(items) * 1e9 / static_cast<double>(end - start) : 0.0;
}

// ------------------------------------------------------------------------------ trace events

double LimitEventNs(int64_t events) {
  SharedPages pages(static_cast<size_t>(std::max<int64_t>(events, 1)) * sizeof(Event));
  Event* slots = pages.As<Event>();
  TraceTicks();  // the clock is decided before the loop, as in a child
  const int64_t start = MonotonicNs();
  for (int64_t i = 0; i < events; ++i) slots[i] = Event{TraceTicks(), 0, EventKind::kResult, ValueType::kInt, 0, i, 0};
  const int64_t spent = MonotonicNs() - start;
  return events > 0 ? static_cast<double>(spent) / static_cast<double>(events) : 0.0;
}

double LimitEventCopyPerS(int64_t events) {
  const size_t ring = size_t{1} << 20;
  SharedPages from(ring * sizeof(Event)), to(ring * sizeof(Event));
  for (size_t i = 0; i < ring; ++i) from.As<Event>()[i] = Event{int64_t(i), 0, EventKind::kResult, ValueType::kInt, 0, 1, 2};
  int64_t copied = 0, spent = 0;
  while (copied < events) {
    const int64_t start = MonotonicNs();
    std::memcpy(to.As<Event>(), from.As<Event>(), ring * sizeof(Event));
    spent += MonotonicNs() - start;
    Keep(to.As<Event>()[ring - 1]);
    copied += static_cast<int64_t>(ring);
  }
  return spent > 0 ? static_cast<double>(copied) * 1e9 / static_cast<double>(spent) : 0.0;
}

}  // namespace proclab

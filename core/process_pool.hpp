// A pool of worker processes with the operations and rules of Python's multiprocessing.Pool:
// map (results in input order, work cut into chunks), apply, map_async / apply_async with
// handles and callbacks, close, join, terminate. The workers are the run's children; tasks and
// results travel through two SharedQueues in the run's segment; map's inputs and outputs live in
// a shared array the job allocates, so a chunk travels as two indexes, not as its values.
//
//   Lesson::setup:  ProcessPool::Setup(segment, workers, max_items)
//   Lesson::child:  return ServePool(child, MyTask);        // each worker's loop
//   Lesson::parent: ProcessPool pool(parent);
//                   std::vector<int64_t> cubes = pool.Map(kCube, inputs);
//                   pool.Close(); pool.Join();
//
// The parent side has no thread of its own: results are collected, tasks fed, dead workers
// replaced and callbacks run whenever the parent calls into the pool (Pump, Wait, Get, Join ...).
// Every wait is bounded and keeps polling the run, so the pool never hangs: a task that throws
// fails its job with the worker's message; a worker that dies fails the task it held with an
// error naming its pid and signal, and a new worker takes its place.
//
// Sections: shared layout · errors and records · AsyncResult · ProcessPool · ServePool.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/run_header.hpp"
#include "core/shared_queue.hpp"

namespace proclab {

class ChildContext;
class ParentContext;
class Segment;

// ------------------------------------------------------------------------------- shared layout

enum class PoolTaskKind : int32_t { kMapChunk, kApply, kExit };

struct PoolTask {
  int64_t first = -1;  // map: first item index; apply: the input; -1: the exit task (the trace
                       // value: it leads the slot, so put and get events carry it alike)
  int64_t last = 0;   // map: last item index (inclusive)
  uint64_t seq = 0;   // unique per task, never 0 for work
  uint64_t job = 0;
  PoolTaskKind kind = PoolTaskKind::kExit;
  int32_t function = 0;
  int64_t arg = 0;
  int64_t count = 0;  // map: the job's item count (outputs start at data + count)
  boost::interprocess::managed_shared_memory::handle_t data = 0;
  int64_t trace_value() const { return first; }
};

inline constexpr size_t kPoolErrorBytes = 192;

struct PoolResult {
  int64_t first = 0;  // trace value
  int64_t last = 0;
  uint64_t seq = 0;
  int64_t value = 0;  // apply: the result
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  int32_t worker = 0;
  int32_t pid = 0;
  int32_t ok = 1;
  int32_t reserved = 0;
  char error[kPoolErrorBytes] = {};
  int64_t trace_value() const { return first; }
};
static_assert(sizeof(PoolResult) == 256);

struct PoolShared {
  // Per child index: the task the worker is running (its seq), or 0. Written under the task
  // queue's lock as the worker takes a task, so a worker that dies always left a true record.
  std::atomic<uint64_t> current[kMaxLanes] = {};
  uint32_t trace = 1;
};

// A task function: computes f(x); throws std::exception to fail the task with its message.
using PoolFunction = int64_t (*)(int32_t function, int64_t x, int64_t arg);

// -------------------------------------------------------------------------- errors and records

class PoolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
class PoolTaskError : public PoolError {  // a task threw, or its worker died
 public:
  using PoolError::PoolError;
};
class PoolStateError : public PoolError {  // an operation the pool's state forbids
 public:
  using PoolError::PoolError;
};
class PoolTimeout : public PoolError {
 public:
  using PoolError::PoolError;
};

// What the pool does is told by events (when traced): kPoolState, kPoolCallback and
// kPoolReplaced on the parent's lane, kTaskStart / kTaskEnd / kTaskFailed on each worker's,
// queue events on both. The run's facts (core/facts/pool_facts.hpp) read them; the pool keeps
// no second record of its own.
inline constexpr uint32_t kPoolId = 1;           // the pool's id in events (one pool per run)
inline constexpr uint32_t kPoolTaskQueueId = 1;  // its queues' ids
inline constexpr uint32_t kPoolResultQueueId = 2;

struct PoolOptions {
  bool trace = true;  // emit queue and task events (off for benchmarks of a million tasks)
};

// ------------------------------------------------------------------------------- AsyncResult

class ProcessPool;
struct PoolJob;

// A handle on work submitted with MapAsync / ApplyAsync. Asking it (ready, Wait, Get) drives the
// pool, so callbacks of any job may run during those calls. It must not outlive its pool, and,
// like the pool, is used from the thread that runs the lesson's parent side only.
class AsyncResult {
 public:
  AsyncResult() = default;
  bool ready() const;
  // Waits until the result is ready, at most `timeout`; true if it is.
  bool Wait(std::chrono::milliseconds timeout);
  // True when ready and no task failed. Throws PoolStateError when not ready yet.
  bool successful() const;
  // The results (map: in input order; apply: one value). Throws PoolTimeout when not ready in
  // time, PoolTaskError with the worker's message when a task failed.
  std::vector<int64_t> Get(std::chrono::milliseconds timeout = std::chrono::hours(24));
  int64_t GetValue(std::chrono::milliseconds timeout = std::chrono::hours(24));  // apply
  uint64_t job() const;

 private:
  friend class ProcessPool;
  AsyncResult(ProcessPool* pool, std::shared_ptr<PoolJob> job)
      : pool_(pool), job_(std::move(job)) {}
  // Get for a handle nobody else holds (the blocking Map): moves the values out instead of
  // copying them (8 MB for a million items).
  std::vector<int64_t> Take(std::chrono::milliseconds timeout = std::chrono::hours(24));
  std::vector<int64_t>& ReadyValues(std::chrono::milliseconds timeout);  // waits, or throws
  ProcessPool* pool_ = nullptr;
  std::shared_ptr<PoolJob> job_;
};

// ------------------------------------------------------------------------------- ProcessPool

class ProcessPool {
 public:
  using Callback = std::function<void(const std::vector<int64_t>&)>;
  using ErrorCallback = std::function<void(const std::string&)>;

  static constexpr const char* kSharedName = "pool.shared";
  static constexpr const char* kTasksName = "pool.tasks";
  static constexpr const char* kResultsName = "pool.results";
  static constexpr uint32_t kTaskCapacity = 1024;
  static constexpr uint32_t kResultCapacity = 1024;

  // Segment bytes the pool needs for map jobs of up to `max_items` items in flight at once.
  static size_t SharedBytes(int64_t max_items);
  // Builds the queues and the shared record in the segment and declares them (Lesson::setup).
  static void Setup(ParentContext& parent, bool trace = true);
  // Python's rule: divmod(items, workers * 4), plus one when there is a remainder; 0 for none.
  static int64_t AutoChunksize(int64_t items, int workers);

  // Every child of the run is a worker of this pool.
  explicit ProcessPool(ParentContext& parent, PoolOptions options = {});
  ~ProcessPool();  // terminates workers still alive unless joined
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  std::vector<int64_t> Map(int32_t function, const std::vector<int64_t>& inputs,
                           int64_t chunksize = 0, int64_t arg = 0);
  int64_t Apply(int32_t function, int64_t x, int64_t arg = 0);
  AsyncResult MapAsync(int32_t function, const std::vector<int64_t>& inputs,
                       int64_t chunksize = 0, int64_t arg = 0, Callback callback = {},
                       ErrorCallback error_callback = {});
  AsyncResult ApplyAsync(int32_t function, int64_t x, int64_t arg = 0, Callback callback = {},
                         ErrorCallback error_callback = {});

  // No new work; workers finish what is queued, then exit.
  void Close();
  // Kills the workers at once (SIGKILL); unfinished jobs fail.
  void Terminate();
  // Waits for every worker to exit. Throws PoolStateError unless Close or Terminate came first.
  // Returns false if `timeout` passed first.
  bool Join(std::chrono::milliseconds timeout = std::chrono::hours(24));

  // Collects results, feeds tasks, replaces dead workers, runs callbacks; waits up to `wait`
  // for a result when there is nothing to do. True if anything happened.
  bool Pump(std::chrono::microseconds wait = std::chrono::microseconds(0));

  PoolState state() const { return state_; }
  int worker_count() const { return workers_; }
  std::vector<int> live_workers() const;  // child indices
  // A worker running a task right now (its child index), or -1.
  int BusyWorker() const;

  // When the workers worked, by their own clocks (CLOCK_MONOTONIC, comparable with the
  // parent's): the earliest start and the latest end of any task whose result came back since
  // the last reset. The costs benchmark splits a map's time into before, working and after.
  struct WorkSpan {
    int64_t first_start_ns = INT64_MAX;
    int64_t last_end_ns = INT64_MIN;
  };
  WorkSpan work_span() const { return work_span_; }
  void ResetWorkSpan() { work_span_ = WorkSpan{}; }

 private:
  friend class AsyncResult;
  struct Worker {
    int index;
    bool handled_exit = false;
  };
  std::shared_ptr<PoolJob> NewJob(bool is_map, Callback callback, ErrorCallback error_callback);
  void RequireRunning(const char* operation) const;
  void OnResult(const PoolResult& result);
  void ChunkDone(PoolJob& job);
  void FailJob(PoolJob& job, const std::string& error);
  void Finish(PoolJob& job);
  void FailEverything(const std::string& error);
  bool DrainResults();
  bool Feed();
  void HandleExits();
  void SetState(PoolState state);
  bool WaitJob(PoolJob& job, std::chrono::milliseconds timeout);

  ParentContext& parent_;
  PoolOptions options_;
  PoolShared* shared_;
  SharedQueue* tasks_;
  SharedQueue* results_;
  QueueCaller caller_;
  int workers_ = 0;  // as asked (the pool's size)
  std::vector<Worker> pool_workers_;
  std::deque<PoolTask> pending_;                     // waiting for room in the task queue
  std::unordered_map<uint64_t, PoolTask> in_flight_;  // in the task queue or in a worker
  std::unordered_map<uint64_t, std::shared_ptr<PoolJob>> jobs_;
  uint64_t next_seq_ = 1;
  uint64_t next_job_ = 1;
  PoolState state_ = PoolState::kRunning;
  WorkSpan work_span_;
};

// -------------------------------------------------------------------------------- ServePool

// A worker's whole life: take tasks, run `function` on them, send results, until an exit task
// arrives (close) or the parent is gone. Returns the child's exit status.
int ServePool(ChildContext& child, PoolFunction function);

}  // namespace proclab

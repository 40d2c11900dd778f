// Sections: AsyncResult · setup and construction · submitting work · the pump (results, feeding,
// dead workers) · close, terminate, join · ServePool (the worker's loop).
#include "core/process_pool.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "core/clock.hpp"
#include "core/run.hpp"
#include "core/segment.hpp"

namespace proclab {

struct PoolJob {
  uint64_t id = 0;
  bool is_map = false;
  int64_t count = 0;        // map: items
  int64_t chunks_left = 0;  // tasks not yet accounted for
  std::vector<int64_t> values;
  bool success = true;
  bool ready = false;
  std::string error;
  int64_t* data = nullptr;  // map: inputs [0, count), outputs [count, 2 count) in the segment
  ProcessPool::Callback callback;
  ProcessPool::ErrorCallback error_callback;
};

// ------------------------------------------------------------------------------- AsyncResult

bool AsyncResult::ready() const {
  if (!job_) return false;
  if (!job_->ready && pool_ != nullptr) pool_->Pump();
  return job_->ready;
}

bool AsyncResult::Wait(std::chrono::milliseconds timeout) {
  if (!job_) return false;
  return pool_->WaitJob(*job_, timeout);
}

bool AsyncResult::successful() const {
  if (!ready()) throw PoolStateError("successful() asked before the result is ready");
  return job_->success;
}

std::vector<int64_t>& AsyncResult::ReadyValues(std::chrono::milliseconds timeout) {
  if (!job_) throw PoolStateError("get() on an empty result handle");
  if (!Wait(timeout))
    throw PoolTimeout("the result was not ready within " + std::to_string(timeout.count()) +
                      " ms");
  if (!job_->success) throw PoolTaskError(job_->error);
  return job_->values;
}

std::vector<int64_t> AsyncResult::Get(std::chrono::milliseconds timeout) {
  return ReadyValues(timeout);
}

std::vector<int64_t> AsyncResult::Take(std::chrono::milliseconds timeout) {
  return std::move(ReadyValues(timeout));
}

int64_t AsyncResult::GetValue(std::chrono::milliseconds timeout) {
  const std::vector<int64_t> values = Get(timeout);
  if (values.size() != 1) throw PoolStateError("GetValue() is for apply results");
  return values.front();
}

uint64_t AsyncResult::job() const { return job_ ? job_->id : 0; }

// ------------------------------------------------------------------ setup and construction

size_t ProcessPool::SharedBytes(int64_t max_items) {
  return sizeof(PoolShared) + 2 * 1024 +
         SharedQueue::BytesFor(kTaskCapacity, sizeof(PoolTask)) +
         SharedQueue::BytesFor(kResultCapacity, sizeof(PoolResult)) +
         static_cast<size_t>(std::max<int64_t>(max_items, 0)) * 2 * sizeof(int64_t) + 64 * 1024;
}

void ProcessPool::Setup(ParentContext& parent, bool trace) {
  Segment& segment = parent.segment();
  PoolShared* shared = segment.Construct<PoolShared>(kSharedName);
  shared->trace = trace ? 1 : 0;
  static_assert(sizeof(PoolTask) % 8 == 0 && sizeof(PoolResult) % 8 == 0);
  SharedQueue::Construct(segment, kTasksName, kTaskCapacity, sizeof(PoolTask), kPoolTaskQueueId);
  SharedQueue::Construct(segment, kResultsName, kResultCapacity, sizeof(PoolResult),
                         kPoolResultQueueId);
  if (!trace) return;
  parent.Declare(ObjectKind::kPool, kPoolId, "pool");
  parent.Declare(ObjectKind::kQueue, kPoolTaskQueueId, "task queue");
  parent.Declare(ObjectKind::kQueue, kPoolResultQueueId, "result queue");
}

int64_t ProcessPool::AutoChunksize(int64_t items, int workers) {
  if (items <= 0) return 0;
  const int64_t per = std::max(workers, 1) * int64_t{4};
  return items / per + (items % per != 0 ? 1 : 0);
}

ProcessPool::ProcessPool(ParentContext& parent, PoolOptions options)
    : parent_(parent), options_(options) {
  shared_ = parent.segment().Find<PoolShared>(kSharedName);
  tasks_ = SharedQueue::Find(parent.segment(), kTasksName);
  results_ = SharedQueue::Find(parent.segment(), kResultsName);
  if (shared_ == nullptr || tasks_ == nullptr || results_ == nullptr)
    throw PoolError("the pool's shared queues are missing: call ProcessPool::Setup in setup");
  caller_ = ParentQueueCaller(parent);
  if (!options_.trace) caller_.emit = nullptr;
  workers_ = parent.child_count();
  for (int i = 0; i < workers_; ++i) pool_workers_.push_back({i});
  SetState(PoolState::kRunning);
}

ProcessPool::~ProcessPool() {
  if (state() == PoolState::kJoined || state() == PoolState::kTerminated) return;
  try {
    Terminate();
  } catch (...) {  // a stop request while unwinding: the run kills the children itself
  }
}

void ProcessPool::SetState(PoolState state) {
  state_ = state;
  if (options_.trace) parent_.EmitOn(EventKind::kPoolState, kPoolId, static_cast<int64_t>(state));
}

std::vector<int> ProcessPool::live_workers() const {
  std::vector<int> live;
  for (const Worker& worker : pool_workers_)
    if (!parent_.child(worker.index).done()) live.push_back(worker.index);
  return live;
}

int ProcessPool::BusyWorker() const {
  for (const Worker& worker : pool_workers_)
    if (!parent_.child(worker.index).done() && shared_->current[worker.index].load() != 0)
      return worker.index;
  return -1;
}

// ------------------------------------------------------------------------ submitting work

void ProcessPool::RequireRunning(const char* operation) const {
  if (state() != PoolState::kRunning)
    throw PoolStateError(std::string(operation) + "() on a pool that is " +
                         std::string(PoolStateName(state())) +
                         ": a pool takes no new work after close() or terminate()");
}

std::shared_ptr<PoolJob> ProcessPool::NewJob(bool is_map, Callback callback,
                                             ErrorCallback error_callback) {
  auto job = std::make_shared<PoolJob>();
  job->id = next_job_++;
  job->is_map = is_map;
  job->callback = std::move(callback);
  job->error_callback = std::move(error_callback);
  jobs_[job->id] = job;
  return job;
}

AsyncResult ProcessPool::MapAsync(int32_t function, const std::vector<int64_t>& inputs,
                                  int64_t chunksize, int64_t arg, Callback callback,
                                  ErrorCallback error_callback) {
  RequireRunning("map");
  if (chunksize < 0) throw PoolStateError("chunksize must be 0 (automatic) or positive");
  const int64_t count = static_cast<int64_t>(inputs.size());
  std::shared_ptr<PoolJob> job = NewJob(true, std::move(callback), std::move(error_callback));
  job->count = count;
  if (count == 0) {  // nothing to do: ready at once, like Python
    Finish(*job);
    return AsyncResult(this, job);
  }
  boost::interprocess::managed_shared_memory::handle_t handle = 0;
  try {
    job->data = static_cast<int64_t*>(
        parent_.segment().Allocate(static_cast<size_t>(count) * 2 * sizeof(int64_t), &handle));
  } catch (const SegmentError&) {
    jobs_.erase(job->id);
    throw PoolError("the run's shared memory has no room for a map over " +
                    std::to_string(count) + " items");
  }
  // Only the inputs are faulted in here (one call, not a fault per page); each worker faults in
  // its own chunk's outputs, so fresh pages are zeroed on the workers' cores, in parallel.
  PrefaultPages(job->data, static_cast<size_t>(count) * sizeof(int64_t));
  std::copy(inputs.begin(), inputs.end(), job->data);
  const int64_t size = chunksize > 0 ? chunksize : AutoChunksize(count, workers_);
  for (int64_t first = 0; first < count; first += size) {
    PoolTask task;
    task.first = first;
    task.last = std::min(first + size, count) - 1;
    task.seq = next_seq_++;
    task.job = job->id;
    task.kind = PoolTaskKind::kMapChunk;
    task.function = function;
    task.arg = arg;
    task.count = count;
    task.data = handle;
    pending_.push_back(task);
    ++job->chunks_left;
  }
  Feed();
  return AsyncResult(this, job);
}

AsyncResult ProcessPool::ApplyAsync(int32_t function, int64_t x, int64_t arg, Callback callback,
                                    ErrorCallback error_callback) {
  RequireRunning("apply");
  std::shared_ptr<PoolJob> job = NewJob(false, std::move(callback), std::move(error_callback));
  PoolTask task;
  task.first = x;
  task.last = x;
  task.seq = next_seq_++;
  task.job = job->id;
  task.kind = PoolTaskKind::kApply;
  task.function = function;
  task.arg = arg;
  pending_.push_back(task);
  job->chunks_left = 1;
  Feed();
  return AsyncResult(this, job);
}

std::vector<int64_t> ProcessPool::Map(int32_t function, const std::vector<int64_t>& inputs,
                                      int64_t chunksize, int64_t arg) {
  return MapAsync(function, inputs, chunksize, arg).Take();
}

int64_t ProcessPool::Apply(int32_t function, int64_t x, int64_t arg) {
  return ApplyAsync(function, x, arg).GetValue();
}

// --------------------------------------------------------------------------------- the pump

bool ProcessPool::Pump(std::chrono::microseconds wait) {
  bool progressed = DrainResults();
  progressed |= Feed();
  parent_.Poll();
  HandleExits();
  if (!progressed && wait.count() > 0) {
    if (results_->WaitNotEmpty(wait.count() * 1000)) progressed |= DrainResults();
    progressed |= Feed();
  }
  return progressed;
}

bool ProcessPool::WaitJob(PoolJob& job, std::chrono::milliseconds timeout) {
  const int64_t deadline = MonotonicNs() + timeout.count() * 1'000'000;
  while (!job.ready) {
    const int64_t left_us = (deadline - MonotonicNs()) / 1000;
    if (left_us <= 0) {
      Pump();
      return job.ready;
    }
    Pump(std::chrono::microseconds(std::min<int64_t>(left_us, 1000)));
  }
  return true;
}

bool ProcessPool::Feed() {
  bool fed = false;
  while (!pending_.empty() && tasks_->TryPut(pending_.front(), caller_)) {
    if (pending_.front().seq != 0) in_flight_[pending_.front().seq] = pending_.front();
    pending_.pop_front();
    fed = true;
  }
  return fed;
}

bool ProcessPool::DrainResults() {
  bool any = false;
  PoolResult result;
  while (results_->TryGet(&result, caller_)) {
    OnResult(result);
    any = true;
  }
  return any;
}

void ProcessPool::OnResult(const PoolResult& result) {
  const auto task = in_flight_.find(result.seq);
  if (task == in_flight_.end()) return;  // its job already failed (its worker was declared dead)
  const uint64_t job_id = task->second.job;
  in_flight_.erase(task);
  work_span_.first_start_ns = std::min(work_span_.first_start_ns, result.start_ns);
  work_span_.last_end_ns = std::max(work_span_.last_end_ns, result.end_ns);
  const auto job = jobs_.find(job_id);
  if (job == jobs_.end()) return;
  std::shared_ptr<PoolJob> keep = job->second;
  if (result.ok != 0) {
    if (!keep->is_map) keep->values = {result.value};
  } else {
    FailJob(*keep, std::string(result.error, strnlen(result.error, kPoolErrorBytes)));
  }
  ChunkDone(*keep);
}

void ProcessPool::ChunkDone(PoolJob& job) {
  if (--job.chunks_left <= 0) Finish(job);
}

void ProcessPool::FailJob(PoolJob& job, const std::string& error) {
  if (!job.success) return;  // only the first error counts, as in Python
  job.success = false;
  job.error = error;
  job.values.clear();
  if (job.error_callback) {
    if (options_.trace) parent_.EmitOn(EventKind::kPoolCallback, kPoolId, 0, 1);
    job.error_callback(error);
  }
}

void ProcessPool::Finish(PoolJob& job) {
  std::shared_ptr<PoolJob> keep = jobs_.count(job.id) ? jobs_[job.id] : nullptr;
  if (job.data != nullptr) {
    if (job.success) job.values.assign(job.data + job.count, job.data + 2 * job.count);
    parent_.segment().memory().deallocate(job.data);
    job.data = nullptr;
  }
  job.ready = true;
  jobs_.erase(job.id);
  if (job.success && job.callback) {
    if (options_.trace)
      parent_.EmitOn(EventKind::kPoolCallback, kPoolId,
                     job.is_map || job.values.empty() ? static_cast<int64_t>(job.values.size())
                                                      : job.values.front(),
                     0);
    job.callback(job.values);
  }
}

void ProcessPool::FailEverything(const std::string& error) {
  in_flight_.clear();
  std::erase_if(pending_, [](const PoolTask& task) { return task.seq != 0; });
  std::vector<std::shared_ptr<PoolJob>> open;
  for (auto& [id, job] : jobs_) open.push_back(job);
  std::sort(open.begin(), open.end(), [](auto& a, auto& b) { return a->id < b->id; });
  for (auto& job : open) {
    FailJob(*job, error);
    job->chunks_left = 0;
    Finish(*job);
  }
}

namespace {
std::string Ended(const ChildRecord& child) {
  if (child.state == ChildState::kKilled)
    return "was killed by signal " + std::to_string(child.signal) + " (" +
           SignalName(child.signal) + ")";
  return "exited with status " + std::to_string(child.exit_status);
}
}  // namespace

void ProcessPool::HandleExits() {
  bool work_left = !in_flight_.empty();
  for (const PoolTask& task : pending_) work_left |= task.seq != 0;
  std::vector<int> replacements;
  for (size_t i = 0; i < pool_workers_.size(); ++i) {
    if (pool_workers_[i].handled_exit) continue;
    const int index = pool_workers_[i].index;
    const ChildRecord child = parent_.child(index);  // a copy: SpawnChild below may move records
    if (!child.done()) continue;
    pool_workers_[i].handled_exit = true;
    const bool clean = child.state == ChildState::kExited && child.exit_status == 0 &&
                       state() != PoolState::kRunning;
    if (clean || state() == PoolState::kTerminated) continue;
    DrainResults();  // whatever it sent before it died counts
    std::string text = "worker pid " + std::to_string(child.pid) + " " + Ended(child);
    std::string replaced;
    if (state() == PoolState::kRunning || work_left) {
      try {
        const int fresh = parent_.SpawnChild();
        replacements.push_back(fresh);
        if (options_.trace) parent_.EmitOn(EventKind::kPoolReplaced, kPoolId, index, fresh);
        if (state() == PoolState::kClosed) pending_.push_back(PoolTask{});  // its own exit task
        replaced = "; worker pid " + std::to_string(parent_.child(fresh).pid) + " replaces it";
      } catch (const std::exception& e) {
        replaced = std::string("; no replacement could be started: ") + e.what();
      }
    }
    const uint64_t seq = shared_->current[index].load();
    const auto task = seq != 0 ? in_flight_.find(seq) : in_flight_.end();
    if (task == in_flight_.end()) continue;
    const PoolTask held = task->second;
    in_flight_.erase(task);
    const auto job = jobs_.find(held.job);
    if (job == jobs_.end()) continue;
    std::shared_ptr<PoolJob> keep = job->second;
    const std::string items = held.kind == PoolTaskKind::kApply
                                  ? "apply(" + std::to_string(held.first) + ")"
                              : held.first == held.last
                                  ? "item " + std::to_string(held.first)
                                  : "items " + std::to_string(held.first) + ".." +
                                        std::to_string(held.last);
    FailJob(*keep, text + " while running " + items + replaced);
    ChunkDone(*keep);
  }
  for (int index : replacements) pool_workers_.push_back({index});
  if (!replacements.empty()) Feed();
  if (state() != PoolState::kTerminated && live_workers().empty() &&
      (work_left || !in_flight_.empty()))
    FailEverything("no worker is left to run the pool's tasks");
}

// ----------------------------------------------------------------- close, terminate, join

void ProcessPool::Close() {
  if (state() != PoolState::kRunning) return;
  SetState(PoolState::kClosed);
  for (size_t i = 0; i < live_workers().size(); ++i) pending_.push_back(PoolTask{});
  Feed();
}

void ProcessPool::Terminate() {
  if (state() == PoolState::kTerminated || state() == PoolState::kJoined) return;
  SetState(PoolState::kTerminated);
  pending_.clear();
  for (const Worker& worker : pool_workers_) parent_.Kill(worker.index, SIGKILL, KillReason::kLesson);
  const bool all_gone = parent_.WaitUntil([this] { return live_workers().empty(); },
                                          std::chrono::seconds(5));
  for (Worker& worker : pool_workers_) worker.handled_exit = true;
  DrainResults();  // results sent before the kill still count
  if (all_gone) {
    FailEverything("the pool was terminated before this task finished");
  } else {  // a worker the kernel has not let go of may still write into a job's data: keep it
    for (auto& [id, job] : jobs_) job->data = nullptr;
    FailEverything("the pool was terminated before this task finished");
  }
}

bool ProcessPool::Join(std::chrono::milliseconds timeout) {
  if (state() == PoolState::kRunning)
    throw PoolStateError(
        "join() needs close() or terminate() first: a running pool's workers wait for more "
        "work forever, so join() would never return");
  if (state() == PoolState::kJoined) return true;
  const int64_t deadline = MonotonicNs() + timeout.count() * 1'000'000;
  while (!live_workers().empty()) {
    const int64_t left_us = (deadline - MonotonicNs()) / 1000;
    if (left_us <= 0) return false;
    Pump(std::chrono::microseconds(std::min<int64_t>(left_us, 1000)));
  }
  Pump();
  HandleExits();
  if (!jobs_.empty()) FailEverything("the pool's workers exited before this task finished");
  SetState(PoolState::kJoined);
  return true;
}

// -------------------------------------------------------------------------------- ServePool

int ServePool(ChildContext& child, PoolFunction function) {
  Segment& segment = child.segment();
  PoolShared& shared = child.Shared<PoolShared>(ProcessPool::kSharedName);
  SharedQueue* tasks = SharedQueue::Find(segment, ProcessPool::kTasksName);
  SharedQueue* results = SharedQueue::Find(segment, ProcessPool::kResultsName);
  if (tasks == nullptr || results == nullptr)
    throw std::runtime_error("the pool's queues are missing from the segment");
  QueueCaller caller = ChildQueueCaller(child);
  if (shared.trace == 0) caller.emit = nullptr;
  std::atomic<uint64_t>& current = shared.current[child.index()];
  auto mark = [](const void* slot, void* context) {
    PoolTask task;
    std::memcpy(&task, slot, sizeof task);
    static_cast<std::atomic<uint64_t>*>(context)->store(task.seq);
  };
  const pid_t pid = getpid();
  while (true) {
    PoolTask task;
    QueueStatus status = tasks->GetAndMark(&task, caller, kWaitForever, mark, &current);
    if (status != QueueStatus::kOk) return status == QueueStatus::kClosed ? 0 : 1;
    if (task.kind == PoolTaskKind::kExit) return 0;
    PoolResult result;
    result.first = task.first;
    result.last = task.last;
    result.seq = task.seq;
    result.worker = child.index();
    result.pid = pid;
    result.start_ns = MonotonicNs();
    if (shared.trace != 0) child.emit().Emit(EventKind::kTaskStart, kPoolId, task.first, task.last);
    try {
      if (task.kind == PoolTaskKind::kApply) {
        result.value = function(task.function, task.first, task.arg);
      } else {
        int64_t* data = static_cast<int64_t*>(segment.FromHandle(task.data));
        PrefaultPages(data + task.count + task.first,
                      static_cast<size_t>(task.last - task.first + 1) * sizeof(int64_t));
        for (int64_t i = task.first; i <= task.last; ++i)
          data[task.count + i] = function(task.function, data[i], task.arg);
      }
    } catch (const std::exception& e) {
      result.ok = 0;
      std::strncpy(result.error, e.what(), kPoolErrorBytes - 1);
    }
    result.end_ns = MonotonicNs();
    if (shared.trace != 0)
      child.emit().Emit(result.ok != 0 ? EventKind::kTaskEnd : EventKind::kTaskFailed, kPoolId,
                        task.first, task.last);
    status = results->Put(result, caller, kWaitForever);
    current.store(0);
    if (status != QueueStatus::kOk) return 1;
  }
}

}  // namespace proclab

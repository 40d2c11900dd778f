#include "core/run.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "core/clock.hpp"
#include "core/facts/explain.hpp"
#include "core/futex.hpp"
#include "core/install_layout.hpp"
#include "core/run_header.hpp"

namespace proclab {

// ---------------------------------------------------------------------------------------- Run

Run::Run(const Lesson& lesson, ParamValues params, RunOptions options)
    : lesson_(lesson), params_(std::move(params)), options_(std::move(options)) {
  if (options_.worker_path.empty()) options_.worker_path = DefaultWorkerPath();
  for (const auto& [child, what] : options_.step_schedule) step_requests_.Post(child, what);
}

Run::~Run() {
  std::lock_guard lock(freeze_mutex_);
  for (int fd : freeze_fds_) close(fd);
}

std::string Run::DefaultWorkerPath() { return ThisInstall().worker.string(); }

void Run::RequestStop() {
  stop_.Ask();
  // Freeze now; the run thread kills them (and records why) as soon as it sees the request.
  std::lock_guard lock(freeze_mutex_);
  for (int fd : freeze_fds_) syscall(SYS_pidfd_send_signal, fd, SIGSTOP, nullptr, 0);
}

double TrialResult::StopToEndedMs() const {
  if (!stopped || stop_ns == 0) return 0;
  int64_t last = stop_ns;
  for (const ChildRecord& child : children)
    if (child.done()) last = std::max(last, child.end_ns);
  return static_cast<double>(last - stop_ns) / 1e6;
}

void Run::PostStep(int child, char what) { step_requests_.Post(child, what); }

void Run::ReadLive(
    const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view) {
  std::lock_guard lock(live_mutex_);
  if (context_) view(context_->trace_, context_->supervisor_.children());
}

bool Run::TryReadLive(
    const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view) {
  std::unique_lock lock(live_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  if (context_) view(context_->trace_, context_->supervisor_.children());
  return true;
}

namespace {

// Ring pages are allocated in /dev/shm as events are written: rings larger than the default are
// halved until all of them fit in half of its free space, or a child writing its ring would die
// of SIGBUS when a page could not be allocated.
uint32_t FitRingCapacity(uint32_t wanted, size_t rings) {
  struct statvfs shm {};
  if (statvfs("/dev/shm", &shm) != 0) return wanted;
  const uint64_t free_bytes = static_cast<uint64_t>(shm.f_bavail) * shm.f_frsize;
  uint32_t capacity = wanted;
  while (capacity > RunOptions{}.ring_capacity &&
         rings * EventRing::BytesFor(capacity) > free_bytes / 2)
    capacity /= 2;
  return capacity;
}

int ChildCountFor(const Lesson& lesson, const ParamValues& params) {
  const int count = lesson.child_count ? lesson.child_count(params) : 1;
  if (count < 0 || count > kMaxLanes)
    throw RunError("a run can start at most " + std::to_string(kMaxLanes) + " children");
  return count;
}

}  // namespace

TrialResult Run::Execute() {
  const int children = ChildCountFor(lesson_, params_);
  if (access(options_.worker_path.c_str(), X_OK) != 0)
    throw RunError("cannot find the worker program " + options_.worker_path);
  if (params_.raw().size() > kMaxParams) throw RunError("too many lesson parameters");

  TrialResult result;
  result.lesson_id = std::string(lesson_.id);
  result.params = params_;
  result.trace.Reset(MonotonicNs());
  result.facts = RunFacts(result.trace.t0_ns());

  // Room for every child's ring and a few replacements (the parent needs no ring).
  const size_t rings = static_cast<size_t>(children + 8);
  options_.ring_capacity = FitRingCapacity(options_.ring_capacity, rings);
  const size_t ring_bytes = EventRing::BytesFor(options_.ring_capacity) + 64;
  const size_t lesson_bytes = lesson_.shared_bytes ? lesson_.shared_bytes(params_) : 0;
  const size_t bytes = sizeof(RunHeader) + 256 * 1024 + lesson_bytes + rings * ring_bytes;

  Segment segment = Segment::Create(bytes);
  // The segment's bookkeeping and the run header (~40 KiB, zeroed as it is built) come first:
  // map their fresh pages in one call rather than a page fault each (~1.3 us apiece in a VM).
  PrefaultPages(segment.memory().get_address(), std::min(bytes, sizeof(RunHeader) + 16 * 1024));
  Supervisor supervisor;
  RunHeader* header = segment.Construct<RunHeader>("header");
  header->parent_pid = getpid();
  std::strncpy(header->lesson_id, lesson_.id.data(),
               std::min(lesson_.id.size(), sizeof header->lesson_id - 1));
  header->param_count = static_cast<uint32_t>(params_.raw().size());
  std::copy(params_.raw().begin(), params_.raw().end(), header->params);
  header->trace_uses_tsc = TscIsInvariant() ? 1 : 0;
  header->prefault_rings = options_.prefault_rings ? 1 : 0;
  header->step_mode = (!options_.step_schedule.empty() || options_.interactive_steps) ? 1 : 0;
  header->child_nice = static_cast<uint32_t>(std::clamp(options_.child_nice, 0, 19));
  header->child_idle = options_.child_idle ? 1 : 0;

  {
    std::lock_guard lock(live_mutex_);
    context_ = std::make_unique<ParentContext>(*this, segment, *header, supervisor, result.trace,
                                               result);
  }
  ParentContext& context = *context_;
  running_ = true;
  struct ClearRunning {
    Run& run;
    ~ClearRunning() {
      run.running_ = false;
      std::lock_guard lock(run.live_mutex_);
      run.context_.reset();
    }
  } clear_running{*this};

  try {
    if (lesson_.setup) lesson_.setup(context);
    for (int i = 0; i < children; ++i) context.SpawnChildAt(i);
    header->child_count = static_cast<uint32_t>(children);

    // Start line: wait until every child arrived (or died trying), then release them together.
    const int64_t deadline = MonotonicNs() + 10'000'000'000;
    while (true) {
      context.Poll();
      int dead = 0;
      for (const ChildRecord& child : supervisor.children()) dead += child.done() ? 1 : 0;
      if (static_cast<int>(header->barrier.arrived.load()) + dead >= children) break;
      if (MonotonicNs() > deadline)
        throw RunError("the child processes did not reach the start line within 10 s");
      // Wakes at each arrival; the timeout only bounds how late a child's death is noticed.
      FutexWait(header->barrier.arrived, header->barrier.arrived.load(), 1'000'000);
    }
    result.release_ns = MonotonicNs();
    header->barrier.Release();

    if (lesson_.parent)
      lesson_.parent(context);
    else
      context.WaitChildren();
    // A lesson's parent side ends only when its children have; make sure of it.
    if (supervisor.alive() > 0 && !context.WaitChildren(std::chrono::seconds(2))) {
      context.KillAll(SIGKILL, KillReason::kDeadline);
      context.WaitChildren(std::chrono::seconds(2));
      result.notes.push_back({"some children were still running at the end and were killed",
                              "运行结束时仍有子进程在运行，已将它们终止"});
    }
  } catch (const RunStopped&) {
    result.stopped = true;
    // A signal's flag can be seen here before its watcher calls RequestStop: then now.
    result.stop_ns = stop_.AskedAtOr(MonotonicNs());
    header->stop = 1;
    context.KillAll(SIGKILL, KillReason::kStop);
    // Reaped under the live lock, one at a time, so a view counts them ending.
    supervisor.JoinAll(std::chrono::seconds(5), &live_mutex_);
  } catch (...) {
    supervisor.KillAll();
    supervisor.JoinAll(std::chrono::seconds(5), &live_mutex_);
    throw;
  }
  {
    std::lock_guard lock(live_mutex_);
    supervisor.Reap();
    context.Drain();
    context.FinishFacts();
  }
  // Every child is gone (the stop and error paths above kill and join them): the shared state
  // is final, and the lesson reads it before the segment goes.
  if (result.outcome) result.outcome->ReadShared(segment);
  result.end_ns = MonotonicNs();
  result.children = supervisor.children();
  // What every run's facts say on their own: a holder that died with its lock.
  for (const auto& [id, lock] : result.facts.locks())
    for (const LockFacts::OwnerDied& death : lock.owner_deaths)
      if (!death.by_stop) result.notes.push_back(ExplainOwnerDeath(result.facts, lock, death));
  if (result.outcome) {
    result.outcome->t0_ns = result.facts.t0_ns();
    result.outcome->Conclude(result);
  }
  return result;  // the segment is removed and every child reaped as the locals go
}

// ------------------------------------------------------------------------------ ParentContext

ParentContext::ParentContext(Run& run, Segment& segment, RunHeader& header, Supervisor& supervisor,
                             Trace& trace, TrialResult& result)
    : run_(run),
      segment_(segment),
      header_(header),
      supervisor_(supervisor),
      trace_(trace),
      result_(result) {
  // The parent's own events need no ring: it writes them straight into a list it drains itself,
  // so none is ever dropped (a consumer that gets a million items reports every one).
  parent_emitter_ = Emitter(&own_events_, kParentLane);
}

int ParentContext::child_count() const {
  return static_cast<int>(supervisor_.children().size());
}

std::string ParentContext::ChildError(int index) const {
  if (index < 0 || index >= kMaxLanes) return {};
  const char* text = header_.children[index].error;
  return std::string(text, strnlen(text, kErrorTextBytes));
}

void ParentContext::SpawnChildAt(int index) {
  if (index >= kMaxLanes) throw RunError("too many children for one run");
  void* memory = segment_.Allocate(EventRing::BytesFor(run_.options_.ring_capacity),
                                   &header_.children[index].ring);
  rings_.push_back(EventRing::Create(memory, run_.options_.ring_capacity));
  std::lock_guard lock(run_.live_mutex_);
  const int spawned = supervisor_.Spawn(
      run_.options_.worker_path, {"--segment", segment_.name(), "--index", std::to_string(index),
                                  "--parent", std::to_string(getpid())});
  if (spawned != index) throw RunError("child index mismatch");
  if (const int pidfd = supervisor_.child(index).pidfd; pidfd >= 0) {
    std::lock_guard freeze(run_.freeze_mutex_);
    if (const int copy = fcntl(pidfd, F_DUPFD_CLOEXEC, 0); copy >= 0) run_.freeze_fds_.push_back(copy);
    // A stop asked for while it was being spawned: freeze it too.
    if (run_.stop_.asked()) supervisor_.Kill(index, SIGSTOP);
  }
}

int ParentContext::SpawnChild() {
  const int index = child_count();
  SpawnChildAt(index);
  header_.child_count = static_cast<uint32_t>(index + 1);
  return index;
}

void ParentContext::Drain() {
  CollectEvents(/*all=*/true);
  PublishEvents();
}

namespace {
constexpr size_t kPollEventBudget = 256 * 1024;  // ~10 ms of work at the worst
}  // namespace

void ParentContext::CollectEvents(bool all) {
  const size_t from = scratch_.size();
  scratch_.insert(scratch_.end(), own_events_.begin(), own_events_.end());
  own_events_.clear();
  const size_t share = rings_.empty() ? SIZE_MAX
                                      : std::max<size_t>(kPollEventBudget / rings_.size(), 4096);
  watermark_ns_.resize(rings_.size(), 0);
  std::vector<bool> partial(rings_.size(), false);
  for (size_t i = 0; i < rings_.size(); ++i) {
    // A stop cuts a budgeted drain short: the rest waits in the rings for the final Drain.
    if (!all && StopAsked()) break;
    // An ended child's ring is emptied whole: its events are all in when it shows as ended.
    const bool whole = all || (static_cast<int>(i) < child_count() && supervisor_.child(static_cast<int>(i)).done());
    const int64_t began = MonotonicNs();
    const size_t limit = whole ? SIZE_MAX : share;
    // Emptied: whatever was stamped before the drain began is in. Cut short: up to its last event.
    partial[i] = rings_[i]->Drain(scratch_, limit) == limit;
    if (!partial[i]) watermark_ns_[i] = began;
  }
  if (scratch_.size() == from) return;
  const TickScale scale = CurrentTickScale();
  lane_last_ns_.resize(rings_.size() + 1, 0);
  for (size_t i = from; i < scratch_.size(); ++i) {
    Event& e = scratch_[i];
    int64_t& last = lane_last_ns_[e.worker < rings_.size() ? e.worker : rings_.size()];
    e.t_ns = std::max(scale.ToNs(e.t_ns), last);  // one lane's events keep the order they were written in
    last = e.t_ns;
  }
  for (size_t i = 0; i < rings_.size(); ++i)
    if (partial[i]) watermark_ns_[i] = std::max(watermark_ns_[i], lane_last_ns_[i]);
}

namespace {

// What a child says once or a few times (that it started, finished or failed, its result, what
// it declared, a final value): kept past the trace's cap, so the facts still know every child's
// life. A child that ran only once the cap was reached (the last of 128 under SCHED_IDLE) was
// otherwise never seen starting.
bool SaidOnce(EventKind kind) {
  switch (kind) {
    case EventKind::kStarted:
    case EventKind::kFinished:
    case EventKind::kFailed:
    case EventKind::kResult:
    case EventKind::kDeclare:
    case EventKind::kName:
    case EventKind::kFinalValue:
    case EventKind::kChildExit:
      return true;
    default:
      return false;
  }
}

}  // namespace

void ParentContext::PublishEvents() {
  // rings_[i] belongs to child i.
  RunFacts& facts = result_.facts;
  discarded_.resize(rings_.size(), 0);
  if (trace_.size() >= run_.options_.max_trace_events) {
    // Full: keep the parent's own events and what a child says once, count the rest as dropped.
    std::erase_if(scratch_, [this](const Event& e) {
      if (e.worker == kParentLane || e.worker >= discarded_.size() || SaidOnce(e.kind)) return false;
      ++discarded_[e.worker];
      return true;
    });
  }
  for (size_t i = 0; i < rings_.size(); ++i) {
    trace_.SetDrops(static_cast<int>(i), rings_[i]->drops() + discarded_[i]);
    facts.SetDrops(static_cast<int>(i), rings_[i]->drops() + discarded_[i]);
    if (i < watermark_ns_.size()) trace_.SetWatermark(static_cast<int>(i), watermark_ns_[i]);
  }
  if (!scratch_.empty()) {
    trace_.Append(scratch_);
    facts.Add(scratch_);
    for (const Event& event : scratch_)
      if (event.kind == EventKind::kStarted && event.worker != kParentLane)
        supervisor_.MarkRunning(event.worker, event.t_ns);
    scratch_.clear();
  }
  // Poll reaps before it drains, so every reaped child's events are in by now.
  facts.UpdateChildren(supervisor_.children(),
                       std::vector<bool>(supervisor_.children().size(), true));
}

void ParentContext::FinishFacts() {
  RunFacts& facts = result_.facts;
  for (int i = 0; i < child_count(); ++i) {
    const ChildSlot& slot = header_.children[i];
    for (const SharedSlotTally& tally : slot.tallies) {
      const uint32_t id = tally.slot_plus_one.load();
      if (id == 0) continue;
      facts.ApplyTally(i, id - 1, SlotTally{tally.reads.load(), tally.writes.load(), tally.erased.load()});
    }
  }
  for (int i = 0; i < child_count(); ++i) facts.SetError(i, ChildError(i));
  facts.Finalise();
}

void ParentContext::Poll() {
  // A stop comes first: a parent starved by busy children must not spend its little CPU on
  // their events before it ends them.
  if (StopAsked()) throw RunStopped{};
  // The bulk of the events leaves the rings before the live lock is taken, so a view reading
  // the trace (the GUI, every frame) waits only for the short publish below.
  CollectEvents();
  // Publishing what was collected can take a starved parent most of a second (128 busy
  // children): a stop goes first, and the final Drain publishes it all after the kill.
  if (StopAsked()) throw RunStopped{};
  {
    std::lock_guard lock(run_.live_mutex_);
    // Reap, then drain what is left: everything a reaped child emitted was published before it
    // exited, so the trace holds all of its events by the time it shows as exited.
    supervisor_.Reap();
    CollectEvents();
    PublishEvents();
  }
  if (StopAsked()) throw RunStopped{};
}

bool ParentContext::AnyChildRunnable() const {
  for (const ChildRecord& child : supervisor_.children())
    if (!child.done() && ProcessIsRunnable(child.pid)) return true;
  return false;
}

bool ParentContext::StopAsked() const {
  return run_.stop_.asked() ||
         (run_.options_.stop_signal != nullptr && run_.options_.stop_signal->load() != 0);
}

void ParentContext::Wait(std::chrono::microseconds timeout) {
  const int64_t deadline = MonotonicNs() + timeout.count() * 1000;
  while (true) {
    Poll();
    const int64_t left_us = (deadline - MonotonicNs()) / 1000;
    if (left_us <= 0) return;
    // Wake at least every 2 ms to drain rings and notice a stop. The child that ended is
    // reaped by Poll, under the live lock, after its last events.
    if (supervisor_.WaitForAnyEnd(std::chrono::microseconds(std::min<int64_t>(left_us, 2000)))) {
      Poll();
      return;
    }
  }
}

bool ParentContext::WaitChildren(std::chrono::milliseconds timeout) {
  return WaitUntil([this] { return supervisor_.alive() == 0; }, timeout);
}

bool ParentContext::WaitUntil(const std::function<bool()>& done,
                              std::chrono::milliseconds timeout) {
  const int64_t deadline = MonotonicNs() + timeout.count() * 1'000'000;
  Poll();
  while (!done()) {
    const int64_t left_ns = deadline - MonotonicNs();
    if (left_ns <= 0) return false;
    Wait(std::chrono::microseconds(std::min<int64_t>(left_ns / 1000 + 1, 2000)));
  }
  return true;
}

void ParentContext::Kill(int index, int signal, KillReason reason) {
  if (index < 0 || index >= child_count() || supervisor_.child(index).done()) return;
  parent_emitter_.Emit(EventKind::kKill, static_cast<uint32_t>(reason), index, signal);
  supervisor_.Kill(index, signal);
}

void ParentContext::KillAll(int signal, KillReason reason) {
  // Ending a run: freeze every child first, so none runs on in the moment between two kills (a
  // waiter woken by its lock's dead holder would take the lock, as if the lesson had done it).
  if (signal == SIGKILL && reason != KillReason::kLesson)
    for (int i = 0; i < child_count(); ++i)
      if (!supervisor_.child(i).done()) supervisor_.Kill(i, SIGSTOP);
  // Frozen, they can be given their CPU share back, where that is permitted, to exit sooner.
  // A child is not reaped before this returns, so its pid is still its own.
  if (signal == SIGKILL && reason != KillReason::kLesson && (run_.options_.child_idle || run_.options_.child_nice > 0))
    for (int i = 0; i < child_count(); ++i)
      if (!supervisor_.child(i).done()) RestoreNormalPriority(supervisor_.child(i).pid);
  for (int i = 0; i < child_count(); ++i) Kill(i, signal, reason);
}

void ParentContext::ReportStall(StallCause cause, uint32_t object, int64_t quiet_ms) {
  parent_emitter_.Emit(EventKind::kStall, object, static_cast<int64_t>(cause), quiet_ms);
}

void ParentContext::Declare(ObjectKind kind, uint32_t id, std::string_view name,
                            SlotValue initial) {
  for (const Event& e : DeclarationEvents(kind, id, name, initial, kParentLane))
    parent_emitter_.Emit(e.kind, e.object, e.a, e.b, e.type);
}

void ParentContext::AskChildrenToStop() { header_.stop = 1; }

bool ParentContext::step_mode() const { return header_.step_mode.load() != 0; }

std::optional<std::pair<int, char>> ParentContext::NextStep(std::chrono::milliseconds timeout) {
  const int64_t deadline = MonotonicNs() + timeout.count() * 1'000'000;
  while (true) {
    if (auto step = run_.step_requests_.TryTake()) return step;
    if (MonotonicNs() >= deadline) return std::nullopt;
    Wait(std::chrono::milliseconds(2));
  }
}

bool ParentContext::GrantStep(int child, std::chrono::milliseconds timeout) {
  if (child < 0 || child >= child_count()) return false;
  auto steps_taken = [this, child] {
    size_t count = 0;
    for (const Event& event : trace_.lane(child))
      count += (event.kind == EventKind::kRead || event.kind == EventKind::kWrite) ? 1 : 0;
    return count;
  };
  const size_t before = steps_taken();
  StepGate& gate = header_.children[child].step;
  gate.granted.fetch_add(1);
  FutexWakeAll(gate.granted);
  return WaitUntil(
      [&] { return steps_taken() > before || supervisor_.child(child).done(); }, timeout);
}

void ParentContext::Emit(EventKind kind, int64_t a, int64_t b) { parent_emitter_(kind, a, b); }
void ParentContext::EmitOn(EventKind kind, uint32_t object, int64_t a, int64_t b) {
  parent_emitter_.Emit(kind, object, a, b);
}

// ------------------------------------------------------------------------------- ChildContext

namespace {
ParamValues ParamsFromHeader(const Lesson& lesson, const RunHeader& header) {
  ParamValues values(lesson.params);
  std::vector<int64_t> raw(header.params, header.params + header.param_count);
  if (raw.size() != lesson.params.size()) throw std::runtime_error("parameter count mismatch");
  values.SetRaw(std::move(raw));
  return values;
}
}  // namespace

ChildContext::ChildContext(Segment& segment, RunHeader& header, const Lesson& lesson, int index)
    : segment_(segment),
      header_(header),
      params_(ParamsFromHeader(lesson, header)),
      index_(index),
      emitter_(static_cast<EventRing*>(segment.FromHandle(header.children[index].ring)),
               static_cast<uint16_t>(index)) {
  if (header.prefault_rings == 0) return;
  auto* ring = static_cast<EventRing*>(segment.FromHandle(header.children[index].ring));
  PrefaultPages(ring, EventRing::BytesFor(ring->capacity()));
}

int ChildContext::count() const { return static_cast<int>(header_.child_count.load()); }

bool ChildContext::stop_requested() const { return header_.stop.load() != 0; }

void ChildContext::ReportError(std::string_view text) {
  char* slot = header_.children[index_].error;
  const size_t n = std::min(text.size(), kErrorTextBytes - 1);
  std::memcpy(slot, text.data(), n);
  slot[n] = '\0';
  Emit(EventKind::kFailed, 1);
}

void ChildContext::StepGate(char what) {
  if (header_.step_mode.load(std::memory_order_relaxed) == 0) return;
  proclab::StepGate& gate = header_.children[index_].step;
  const uint32_t step = gate.taken.load() + 1;
  Emit(EventKind::kStepWait, what == 'w' ? 1 : 0);
  while (true) {
    const uint32_t granted = gate.granted.load(std::memory_order_acquire);
    if (granted >= step) break;
    FutexWait(gate.granted, granted, 100'000'000);
    if (getppid() != header_.parent_pid) _exit(70);  // the parent is gone
  }
  gate.taken.store(step);
}

SharedSlotTally* ChildContext::TallyFor(uint32_t slot) {
  for (SharedSlotTally& tally : header_.children[index_].tallies) {
    const uint32_t claimed = tally.slot_plus_one.load(std::memory_order_relaxed);
    if (claimed == slot + 1) return &tally;
    if (claimed == 0) {
      tally.slot_plus_one.store(slot + 1, std::memory_order_relaxed);
      return &tally;
    }
  }
  return nullptr;  // more slots than a child tallies: its events still count
}

void ChildContext::SleepMs(int64_t ms) const { SleepUs(ms * 1000); }

void ChildContext::SleepUs(int64_t us) const {
  if (us <= 0) return;
  Emit(EventKind::kSleep, us);  // lets the lanes tell sleeping from working
  std::this_thread::sleep_for(std::chrono::microseconds(us));
}

}  // namespace proclab

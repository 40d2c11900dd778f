#include "core/python_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/clock.hpp"
#include "core/facts/explain.hpp"
#include "core/facts/explain_python.hpp"
#include "core/futex.hpp"
#include "core/install_layout.hpp"
#include "core/python_area.hpp"
#include "core/run_header.hpp"
#include "core/segment.hpp"

extern char** environ;

namespace proclab {

namespace {

// A pipe whose read end stays here (non-blocking, close-on-exec) and whose write end goes to
// the program.
struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw RunError(std::string("cannot make a pipe: ") + std::strerror(errno));
    read = fds[0];
    write = fds[1];
    fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK);
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  void CloseRead() {
    if (read >= 0) close(read);
    read = -1;
  }
  void CloseWrite() {
    if (write >= 0) close(write);
    write = -1;
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
};

std::vector<std::string> ProgramEnvironment(const PythonRunOptions& options, const std::string& segment) {
  std::vector<std::string> env;
  std::string python_path = options.tracer_dir;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text = *entry;
    if (text.starts_with("PROCLAB_SEGMENT=") || text.starts_with("PROCLAB_PARENT=") ||
        text.starts_with("PROCLAB_LANE="))
      continue;
    if (text.starts_with("PYTHONPATH=")) {
      const std::string_view theirs = text.substr(11);
      if (!theirs.empty()) python_path += ":" + std::string(theirs);
      continue;
    }
    env.emplace_back(text);
  }
  env.push_back("PYTHONPATH=" + python_path);
  env.push_back("PROCLAB_SEGMENT=" + segment);
  env.push_back("PROCLAB_PARENT=" + std::to_string(getpid()));
  return env;
}

void CopyText(char* to, size_t size, const std::string& text) {
  std::snprintf(to, size, "%s", text.c_str());
}

}  // namespace

// A process's parent is alive (it will reap the process, and may say how it ended).
bool ParentAlive(const ChildRecord& child) {
  return child.parent_pid > 1 && kill(child.parent_pid, 0) == 0;
}

// ------------------------------------------------------------------------------ PythonOutcome

nlohmann::json PythonOutcome::ToJson() const {
  using nlohmann::json;
  json chunks = json::array();
  for (const OutputChunk& chunk : output)
    chunks.push_back({{"pid", chunk.pid > 0 ? json(chunk.pid) : json(nullptr)},
                      {"stream", chunk.stream == 2 ? "stderr" : "stdout"},
                      {"text", chunk.text}});
  json out = {{"program", program},
              {"python", python_version.empty() ? json(nullptr) : json(python_version)},
              {"exit_status", exit_status},
              {"signal", signal != 0 ? json(SignalName(signal)) : json(nullptr)},
              {"output", std::move(chunks)},
              {"output_bytes", output_bytes},
              {"untraced_processes", untraced_processes}};
  if (output_dropped_bytes > 0) out["output_dropped_bytes"] = output_dropped_bytes;
  if (!traced) out["traced"] = false;
  if (deadlock) {
    json cycle = json::array();
    for (const DeadlockEdge& edge : deadlock->cycle)
      cycle.push_back({{"lane", edge.lane}, {"holds", edge.holds}, {"waits_for", edge.waits_for}});
    out["deadlock"] = {{"cycle", std::move(cycle)}};
  }
  if (stop_signal != 0) out["stopped_by"] = SignalName(stop_signal);
  return out;
}

// -------------------------------------------------------------------------------- Session

// Everything one Execute owns; it is the step host too (child c of a schedule is lane c + 1).
class PythonRun::Session final : public StepHost {
 public:
  Session(PythonRun& run, TrialResult& result, PythonOutcome& outcome)
      : run_(run), options_(run.options_), result_(result), outcome_(&outcome) {}
  ~Session() override;

  void Start();
  void Loop();
  void Finish();
  void EndEverything(KillReason reason);  // every process of the program, now (SIGKILL)
  std::vector<int> LiveLanes() const;

  // StepHost.
  int children() const override;
  bool more_may_come() const override { return !MainDone(); }
  int LaneOf(int child) const override { return child + 1; }
  bool Done(int child) const override;
  const Trace& trace() const override { return result_.trace; }
  const RunFacts& facts() const override { return result_.facts; }
  bool GrantStep(int child, std::chrono::milliseconds timeout) override;
  bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) override;
  std::optional<std::pair<int, char>> NextStep(std::chrono::milliseconds timeout) override;
  bool interactive() const override { return options_.interactive_steps; }

  const std::vector<ChildRecord>& lane_records() const { return records_; }

 private:
  void Poll(int timeout_ms);  // waits for output, an exit or the timeout; then takes it all in
  void ReadOutput(bool final);
  void TakeFrames(bool final);
  void AddOutput(int32_t pid, uint8_t stream, std::string_view text);
  void Drain();
  void Publish();  // drained events and the lanes' records into the trace and the facts
  std::vector<pollfd> OpenPipes() const;
  void FindNewLanes();
  void UpdateRecords();
  bool MainDone() const { return supervisor_.child(0).done(); }
  bool LaneDone(int lane) const;
  bool Alive(int lane) const;
  void CheckStop();
  void StopStepping();
  void EndGroup();  // SIGKILL to the group and the traced processes; reaps what comes here

  PythonRun& run_;
  const PythonRunOptions& options_;
  TrialResult& result_;
  PythonOutcome* outcome_ = nullptr;
  std::optional<Segment> segment_;
  RunHeader* header_ = nullptr;
  PythonArea* area_ = nullptr;
  std::vector<EventRing*> rings_;
  Supervisor supervisor_;
  std::vector<int> lane_index_;        // lane -> supervisor index (-1: not seen yet)
  std::vector<ChildRecord> records_;   // per lane, for the facts
  std::unique_ptr<Pipe> out_, err_, frames_;
  std::string frame_buffer_;
  bool frames_broken_ = false;
  pid_t group_ = 0;
  std::vector<Event> scratch_;
  bool stopping_ = false;
  int64_t main_end_ns_ = 0;
  std::vector<bool> killed_;           // per lane: ProcLab signalled it
  std::vector<DeadHolder> dead_holders_;
  // A stall is acted on once it has lasted with no new event: when it was first seen, and the
  // event count then.
  struct Watch {
    int64_t since_ns = 0;
    size_t events = 0;
    bool Lasted(bool now, size_t events_now, int64_t for_ns);
  };
  Watch deadlock_watch_, holder_watch_, drain_watch_;
  bool CheckStalls();  // true: a stall that never resolves was found, explained and ended
};

bool PythonRun::Session::Watch::Lasted(bool now, size_t events_now, int64_t for_ns) {
  if (!now || events_now != events) {
    since_ns = now ? MonotonicNs() : 0;
    events = events_now;
    return false;
  }
  if (since_ns == 0) since_ns = MonotonicNs();
  return MonotonicNs() - since_ns >= for_ns;
}

std::vector<int> PythonRun::Session::LiveLanes() const {
  std::vector<int> lanes;
  for (size_t lane = 0; lane < lane_index_.size(); ++lane)
    if (Alive(static_cast<int>(lane))) lanes.push_back(static_cast<int>(lane));
  return lanes;
}

bool PythonRun::Session::CheckStalls() {
  const RunFacts& facts = result_.facts;
  const size_t events = facts.events();
  const std::optional<Deadlock> deadlock = options_.end_deadlock ? facts.FindDeadlock() : std::nullopt;
  // A cycle of lock waits cannot resolve: still there 100 ms on, act (events may still flow from
  // processes outside it).
  if (deadlock_watch_.Lasted(deadlock.has_value(), 0, 100'000'000)) {
    outcome_->deadlock = deadlock;
    result_.notes.push_back(ExplainDeadlock(facts, *deadlock));
    result_.notes.push_back({"ProcLab ended the program: a deadlock never resolves itself.",
                             "ProcLab 结束了该程序：死锁不会自行解除。"});
    EndEverything(KillReason::kStall);
    return true;
  }
  std::optional<std::pair<DeadHolder, std::vector<int>>> orphaned;
  for (const DeadHolder& dead : dead_holders_) {
    const LockFacts* lock = facts.lock(dead.lock);
    if (lock == nullptr || lock->Holder() != kNoLane) continue;
    std::vector<int> waiters;
    for (int lane : lock->Waiters())
      if (lane >= 0 && Alive(lane)) waiters.push_back(lane);
    if (!waiters.empty()) orphaned = std::make_pair(dead, waiters);
  }
  if (holder_watch_.Lasted(orphaned.has_value(), events, 500'000'000)) {
    result_.notes.push_back(ExplainDeadHolder(facts, orphaned->first, orphaned->second));
    EndEverything(KillReason::kStall);
    return true;
  }
  const std::optional<JoinBeforeDrain> drain = FindJoinBeforeDrain(facts);
  if (drain_watch_.Lasted(drain.has_value(), events, 1'000'000'000)) {
    const Event stall{TraceTicks(), kParentLane, EventKind::kStall, ValueType::kInt, drain->queue,
                      static_cast<int64_t>(StallCause::kQueueFullNoGet), 1000};
    scratch_.push_back(stall);
    scratch_.back().t_ns = CurrentTickScale().ToNs(scratch_.back().t_ns);
    result_.notes.push_back(ExplainJoinBeforeDrain(facts, *drain));
    EndEverything(KillReason::kStall);
    return true;
  }
  return false;
}

PythonRun::Session::~Session() {
  // However the run ends (Finish did it, or an exception skipped it): the whole group and every
  // traced process ended and reaped. The Supervisor reaps what is left of its own.
  if (group_ <= 0) return;
  EndGroup();
}

void PythonRun::Session::EndGroup() {
  kill(-group_, SIGKILL);
  supervisor_.KillAll(SIGKILL);
  const int64_t deadline = MonotonicNs() + 2'000'000'000;
  while (MonotonicNs() < deadline) {
    supervisor_.ReapGroup(group_);
    siginfo_t info{};
    // ECHILD: nobody of the group is left among this process's children.
    if (waitid(P_PGID, static_cast<id_t>(group_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  // A process whose parent died with the group is reparented here a moment later: reap it too,
  // or it would stay a zombie of this process and its end unknown.
  const int64_t orphans_deadline = MonotonicNs() + 1'000'000'000;
  while (MonotonicNs() < orphans_deadline) {
    supervisor_.ReapGroup(group_);
    supervisor_.Reap();
    bool unknown = false;
    for (const ChildRecord& child : supervisor_.children()) {
      if (!child.done()) unknown = true;
      // Its parent is gone, so it comes here (this process is the subreaper): wait for it.
      if (child.done() && !child.status_known && !ParentAlive(child)) unknown = true;
    }
    if (!unknown) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  group_ = 0;
}

void PythonRun::Session::Start() {
  if (options_.lanes < 1 || options_.lanes > static_cast<uint32_t>(kMaxLanes))
    throw RunError("a Python run traces 1 to " + std::to_string(kMaxLanes) + " processes");
  const std::string python = FindOnPath(options_.python);
  if (python.empty()) throw RunError("cannot find " + options_.python + " on PATH");
  if (options_.tracer_dir.empty() ||
      access((options_.tracer_dir + "/sitecustomize.py").c_str(), R_OK) != 0)
    throw RunError("cannot find ProcLab's Python tracer (python/sitecustomize.py)");

  const size_t ring_bytes = EventRing::BytesFor(options_.ring_capacity) + 64;
  const size_t bytes = sizeof(RunHeader) + sizeof(PythonArea) + 512 * 1024 + (options_.lanes + 1) * ring_bytes;
  segment_.emplace(Segment::Create(bytes));
  header_ = segment_->Construct<RunHeader>("header");
  header_->parent_pid = getpid();
  CopyText(header_->lesson_id, sizeof header_->lesson_id, "python");
  header_->trace_uses_tsc = TscIsInvariant() ? 1 : 0;
  header_->step_mode = (!options_.step_schedule.empty() || options_.interactive_steps) ? 1 : 0;
  area_ = segment_->Construct<PythonArea>(kPythonAreaName);
  area_->lanes = options_.lanes;
  area_->lines = options_.lines ? 1 : 0;
  area_->next_lane = 1;  // lane 0 is the main process's
  std::error_code error;
  const std::filesystem::path program = std::filesystem::weakly_canonical(options_.program, error);
  CopyText(area_->program, sizeof area_->program, program.string());
  CopyText(area_->program_dir, sizeof area_->program_dir, program.parent_path().string());
  for (uint32_t lane = 0; lane < options_.lanes; ++lane) {
    void* memory = segment_->Allocate(EventRing::BytesFor(options_.ring_capacity), &header_->children[lane].ring);
    rings_.push_back(EventRing::Create(memory, options_.ring_capacity));
  }
  header_->child_count = options_.lanes;
  lane_index_.assign(options_.lanes, -1);
  records_.resize(1);
  killed_.assign(options_.lanes, false);

  out_ = std::make_unique<Pipe>();
  err_ = std::make_unique<Pipe>();
  frames_ = std::make_unique<Pipe>();
  // Orphans of the program come here, not to init: their end is known, and reaped.
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  const std::vector<std::string> env = ProgramEnvironment(options_, segment_->name());
  SpawnOptions spawn{.env = &env,
                     .stdin_fd = options_.stdin_fd,
                     .stdout_fd = out_->write,
                     .stderr_fd = err_->write,
                     .extra_fds = {{frames_->write, kOutputFd}}};
  std::vector<std::string> args{options_.program};
  args.insert(args.end(), options_.args.begin(), options_.args.end());
  {
    std::lock_guard lock(run_.live_mutex_);
    supervisor_.Spawn(python, args, spawn);  // its own process group (Supervisor: setpgroup 0)
  }
  group_ = supervisor_.child(0).pid;
  // Lowered before the interpreter gets far (its start-up takes milliseconds): the processes it
  // forks or spawns inherit the value. Lowering one's own child's priority needs no privilege.
  if (options_.nice > 0) setpriority(PRIO_PROCESS, static_cast<id_t>(group_), options_.nice);
  lane_index_[0] = 0;
  out_->CloseWrite();
  err_->CloseWrite();
  frames_->CloseWrite();
  result_.release_ns = MonotonicNs();
}

int PythonRun::Session::children() const {
  int highest = 0;
  for (size_t lane = 1; lane < lane_index_.size(); ++lane)
    if (lane_index_[lane] >= 0) highest = static_cast<int>(lane);
  return highest;  // lanes 1 .. highest are children 0 .. highest - 1
}

bool PythonRun::Session::LaneDone(int lane) const {
  if (lane < 0 || static_cast<size_t>(lane) >= lane_index_.size()) return true;
  const int index = lane_index_[static_cast<size_t>(lane)];
  if (index < 0) return MainDone();  // never appeared: done once nothing more can come
  return supervisor_.child(index).done();
}

bool PythonRun::Session::Alive(int lane) const {
  const int index = lane_index_[static_cast<size_t>(lane)];
  return index >= 0 && !supervisor_.child(index).done();
}

bool PythonRun::Session::Done(int child) const { return LaneDone(child + 1); }

void PythonRun::Session::AddOutput(int32_t pid, uint8_t stream, std::string_view text) {
  if (text.empty()) return;
  OutputChunk chunk{MonotonicNs(), pid, stream, std::string(text)};
  if (options_.on_output) options_.on_output(chunk);
  outcome_->output_bytes += text.size();
  const size_t room = options_.keep_output_bytes > outcome_->output_bytes - text.size()
                          ? options_.keep_output_bytes - (outcome_->output_bytes - text.size())
                          : 0;
  if (room < text.size()) {
    outcome_->output_dropped_bytes += text.size() - room;
    chunk.text.resize(room);
    if (room == 0) return;
  }
  std::vector<OutputChunk>& out = outcome_->output;
  if (!out.empty() && out.back().pid == pid && out.back().stream == stream)
    out.back().text += chunk.text;  // consecutive writes of one process to one stream: one chunk
  else
    out.push_back(std::move(chunk));
}

void PythonRun::Session::TakeFrames(bool final) {
  size_t at = 0;
  while (!frames_broken_ && frame_buffer_.size() - at >= sizeof(OutputFrameHeader)) {
    OutputFrameHeader header;
    std::memcpy(&header, frame_buffer_.data() + at, sizeof header);
    if (header.magic != OutputFrameHeader::kMagic || header.length > kOutputFrameBytes) {
      frames_broken_ = true;  // not our frames (a program wrote to the descriptor): keep the bytes
      break;
    }
    if (frame_buffer_.size() - at < sizeof header + header.length) break;
    AddOutput(header.pid, header.stream == 2 ? 2 : 1,
              std::string_view(frame_buffer_).substr(at + sizeof header, header.length));
    at += sizeof header + header.length;
  }
  if (frames_broken_ || final) {
    AddOutput(0, 1, std::string_view(frame_buffer_).substr(at));
    at = frame_buffer_.size();
  }
  frame_buffer_.erase(0, at);
}

void PythonRun::Session::ReadOutput(bool final) {
  char buffer[65536];
  for (auto [pipe, stream] : {std::pair{out_.get(), 1}, {err_.get(), 2}, {frames_.get(), 0}}) {
    if (pipe->read < 0) continue;
    for (int rounds = 0; rounds < 64; ++rounds) {  // bounded: a program printing fast cannot starve the rest
      const ssize_t n = ::read(pipe->read, buffer, sizeof buffer);
      if (n > 0) {
        if (stream == 0) frame_buffer_.append(buffer, static_cast<size_t>(n));
        else AddOutput(0, static_cast<uint8_t>(stream), std::string_view(buffer, static_cast<size_t>(n)));
        continue;
      }
      if (n == 0) pipe->CloseRead();  // every writer is gone
      else if (errno == EINTR) continue;
      break;
    }
  }
  TakeFrames(final);
}

void PythonRun::Session::Drain() {
  const size_t from = scratch_.size();
  for (EventRing* ring : rings_) ring->Drain(scratch_);
  if (scratch_.size() == from) return;
  const TickScale scale = CurrentTickScale();
  for (size_t i = from; i < scratch_.size(); ++i) scratch_[i].t_ns = scale.ToNs(scratch_[i].t_ns);
}

void PythonRun::Session::FindNewLanes() {
  for (uint32_t lane = 1; lane < options_.lanes; ++lane) {
    if (lane_index_[lane] >= 0) continue;
    const pid_t pid = area_->lane[lane].pid.load();
    if (pid <= 0) continue;
    lane_index_[lane] = supervisor_.Adopt(pid, area_->lane[lane].parent_pid.load(), MonotonicNs());
  }
}

void PythonRun::Session::UpdateRecords() {
  // How an adopted process ended, if nobody here reaped it: as its parent saw it (join), else
  // as it said itself on its way out (its exit code).
  for (uint32_t lane = 1; lane < options_.lanes; ++lane) {
    const int index = lane_index_[lane];
    if (index < 0) continue;
    const ChildRecord& r = supervisor_.child(index);
    if (!r.done() || r.status_known) continue;
    if (const auto code = result_.facts.ReportedExit(r.pid)) {
      supervisor_.RecordExit(index, *code);
    } else if (!killed_[lane]) {
      const std::vector<Event>& events = result_.trace.lane(static_cast<int>(lane));
      for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->kind == EventKind::kFinished) {
          supervisor_.RecordExit(index, it->a);
          break;
        }
    }
  }
  int highest = 0;
  for (size_t lane = 0; lane < lane_index_.size(); ++lane)
    if (lane_index_[lane] >= 0) highest = static_cast<int>(lane);
  records_.resize(static_cast<size_t>(highest) + 1);
  for (size_t lane = 0; lane < records_.size(); ++lane) {
    const int index = lane_index_[lane];
    ChildRecord record = index >= 0 ? supervisor_.child(index) : ChildRecord{};
    record.index = static_cast<int>(lane);
    if (index < 0) record.pid = -1;
    records_[lane] = record;
  }
}

void PythonRun::Session::Poll(int timeout_ms) {
  std::vector<pollfd> fds = OpenPipes();
  for (const ChildRecord& child : supervisor_.children())
    if (!child.done() && child.pidfd >= 0) fds.push_back({child.pidfd, POLLIN, 0});
  const timespec wait{0, static_cast<long>(std::max(timeout_ms, 0)) * 1'000'000};
  ppoll(fds.data(), fds.size(), &wait, nullptr);

  ReadOutput(false);
  Drain();  // before the lock: the bulk of the events leaves the rings without it
  std::lock_guard lock(run_.live_mutex_);
  FindNewLanes();
  if (group_ > 0) supervisor_.ReapGroup(group_);
  supervisor_.Reap();
  Drain();  // everything a process that was just reaped wrote
  Publish();
  if (MainDone() && main_end_ns_ == 0) main_end_ns_ = MonotonicNs();
}

void PythonRun::Session::Publish() {
  RunFacts& facts = result_.facts;
  for (size_t lane = 0; lane < rings_.size(); ++lane) {
    result_.trace.SetDrops(static_cast<int>(lane), rings_[lane]->drops());
    facts.SetDrops(static_cast<int>(lane), rings_[lane]->drops());
  }
  if (!scratch_.empty()) {  // each lane's events in its order: the rings were drained one by one
    result_.trace.Append(scratch_);
    facts.Add(scratch_);
    scratch_.clear();
  }
  for (size_t lane = 0; lane < rings_.size(); ++lane)
    if (rings_[lane]->drops() > 0) {  // its last line events may be among those dropped
      const uint64_t line = area_->lane[lane].line.load(std::memory_order_relaxed);
      facts.SetCurrentLine(static_cast<int>(lane), static_cast<uint32_t>(line >> 32), static_cast<int64_t>(line & 0xffffffff));
    }
  UpdateRecords();
  // A process that ends holding a lock leaves it taken (multiprocessing does not release it):
  // noted before its spans are closed with its end.
  for (size_t lane = 0; lane < records_.size(); ++lane) {
    const bool was_alive = static_cast<int>(lane) >= facts.children() || !facts.child(static_cast<int>(lane)).ended();
    if (!records_[lane].done() || !was_alive) continue;
    for (const auto& [id, lock] : facts.locks())
      if (lock.Holder() == static_cast<int>(lane))
        dead_holders_.push_back({id, static_cast<int>(lane), records_[lane].end_ns});
  }
  facts.UpdateChildren(records_, std::vector<bool>(records_.size(), true));
}

std::vector<pollfd> PythonRun::Session::OpenPipes() const {
  std::vector<pollfd> fds;
  for (const Pipe* pipe : {out_.get(), err_.get(), frames_.get()})
    if (pipe->read >= 0) fds.push_back({pipe->read, POLLIN, 0});
  return fds;
}

void PythonRun::Session::CheckStop() {
  const int signal = options_.stop_signal != nullptr ? options_.stop_signal->load() : 0;
  if (!run_.stop_.asked() && signal == 0) return;
  if (signal != 0) outcome_->stop_signal = signal;
  result_.stopped = true;
  result_.stop_ns = run_.stop_.AskedAtOr(MonotonicNs());
  throw RunStopped{};
}

void PythonRun::Session::EndEverything(KillReason reason) {
  stopping_ = true;
  header_->stop = 1;
  for (size_t lane = 0; lane < lane_index_.size(); ++lane)
    if (Alive(static_cast<int>(lane))) {
      killed_[lane] = true;
      outcome_->ended_by_proclab.push_back(static_cast<int>(lane));
      // Recorded on the parent's lane like a lesson's kill, so the facts say who ended it.
      const Event kill{TraceTicks(), kParentLane, EventKind::kKill, ValueType::kInt,
                       static_cast<uint32_t>(reason), static_cast<int64_t>(lane), SIGKILL};
      scratch_.push_back(kill);
      const TickScale scale = CurrentTickScale();
      scratch_.back().t_ns = scale.ToNs(scratch_.back().t_ns);
    }
  if (group_ > 0) kill(-group_, SIGKILL);  // the whole group: traced and untraced processes
  supervisor_.KillAll(SIGKILL);  // and the traced ones that left it
}

void PythonRun::Session::StopStepping() {
  header_->step_mode = 0;
  for (uint32_t lane = 0; lane < options_.lanes; ++lane) FutexWakeAll(header_->children[lane].step.granted);
}

bool PythonRun::Session::WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const int64_t deadline = MonotonicNs() + timeout.count() * 1'000'000;
  while (!done()) {
    CheckStop();
    const int64_t left_ms = (deadline - MonotonicNs()) / 1'000'000;
    if (left_ms < 0) return false;
    Poll(static_cast<int>(std::min<int64_t>(left_ms, 2)));
  }
  return true;
}

std::optional<std::pair<int, char>> PythonRun::Session::NextStep(std::chrono::milliseconds timeout) {
  const int64_t deadline = MonotonicNs() + timeout.count() * 1'000'000;
  while (true) {
    if (auto step = run_.step_requests_.TryTake()) return step;
    if (MonotonicNs() >= deadline) return std::nullopt;
    CheckStop();
    Poll(2);
  }
}

bool PythonRun::Session::GrantStep(int child, std::chrono::milliseconds timeout) {
  const int lane = LaneOf(child);
  if (lane >= static_cast<int>(options_.lanes)) return false;
  // A child that has not started yet: wait for it to appear.
  if (!WaitUntil([&] { return lane_index_[static_cast<size_t>(lane)] >= 0 || MainDone(); }, timeout)) return false;
  if (lane_index_[static_cast<size_t>(lane)] < 0) return false;
  auto steps_taken = [&] {
    size_t count = 0;
    for (const Event& event : result_.trace.lane(lane))
      count += (event.kind == EventKind::kRead || event.kind == EventKind::kWrite) ? 1 : 0;
    return count;
  };
  const size_t before = steps_taken();
  StepGate& gate = header_->children[lane].step;
  gate.granted.fetch_add(1);
  FutexWakeAll(gate.granted);
  // Held up by a lock another process holds: say so soon rather than at the timeout.
  auto held_up = [&] {
    for (const auto& [id, lock] : result_.facts.locks()) {
      const LockFacts::PerLane* mine = lock.lanes.Find(lane);
      if (mine == nullptr || mine->open_wait < 0) continue;
      const LockSpan& span = lock.spans[static_cast<size_t>(mine->open_wait)];
      const int holder = lock.Holder();
      if (holder != kNoLane && holder != lane && MonotonicNs() - span.begin_ns > 200'000'000) return true;
    }
    return false;
  };
  bool blocked = false;
  const bool took = WaitUntil(
      [&] {
        if (steps_taken() > before || LaneDone(lane)) return true;
        blocked = held_up();
        return blocked;
      },
      timeout);
  return took && !blocked;
}

void PythonRun::Session::Loop() {
  if (header_->step_mode != 0) {
    outcome_->steps = RunStepMode(*this, false);
    StopStepping();
  }
  while (true) {
    CheckStop();
    Poll(5);
    if (CheckStalls()) return;
    if (!MainDone()) continue;
    // The main process has ended. The run ends with the last process of the program: a traced
    // one, or any other left in its group (a child just forked, not yet on its lane; something
    // the program started that is not Python).
    bool traced = false;
    for (size_t lane = 1; lane < lane_index_.size(); ++lane) traced |= Alive(static_cast<int>(lane));
    if (!traced && kill(-group_, 0) != 0) return;
    if (MonotonicNs() - main_end_ns_ > options_.orphan_grace.count() * 1'000'000) {
      const size_t before = outcome_->ended_by_proclab.size();
      EndEverything(KillReason::kDeadline);
      const size_t ended = outcome_->ended_by_proclab.size() - before;
      const std::string grace = std::to_string(options_.orphan_grace.count());
      if (ended > 0)
        result_.notes.push_back(
            {std::to_string(ended) + (ended == 1 ? " process was" : " processes were") + " still running " + grace +
                 " ms after the main process ended; ProcLab ended " + (ended == 1 ? "it." : "them."),
             std::to_string(ended) + " 个进程在主进程结束 " + grace + " 毫秒后仍在运行；ProcLab 已将其结束。"});
      else
        result_.notes.push_back({"Processes the program started (not traced) were still running " + grace +
                                     " ms after the main process ended; ProcLab ended them.",
                                 "程序启动的（未被追踪的）进程在主进程结束 " + grace + " 毫秒后仍在运行；ProcLab 已将其结束。"});
      return;
    }
  }
}

void PythonRun::Session::Finish() {
  // Nothing of the program outlives its run: the main process and every traced process ended
  // by now, and whatever else is left of its group (untraced processes) ends here.
  {
    std::lock_guard lock(run_.live_mutex_);
    EndGroup();
  }
  const int64_t deadline = MonotonicNs() + 2'000'000'000;
  while (MonotonicNs() < deadline) {
    Poll(2);
    bool alive = false;
    for (const ChildRecord& child : supervisor_.children()) alive |= !child.done();
    if (!alive) break;
  }
  // What is left in the pipes (a writer outside the group may hold one open: not for long).
  const int64_t drain_deadline = MonotonicNs() + 300'000'000;
  while (MonotonicNs() < drain_deadline) {
    std::vector<pollfd> fds = OpenPipes();
    if (fds.empty()) break;
    poll(fds.data(), fds.size(), 20);
    ReadOutput(false);
  }
  ReadOutput(true);
  std::lock_guard lock(run_.live_mutex_);
  Drain();
  Publish();
  RunFacts& facts = result_.facts;
  for (size_t lane = 0; lane < records_.size(); ++lane) {
    for (const SharedSlotTally& tally : header_->children[lane].tallies) {
      const uint32_t id = tally.slot_plus_one.load();
      if (id == 0) continue;
      facts.ApplyTally(static_cast<int>(lane), id - 1,
                       SlotTally{tally.reads.load(), tally.writes.load(), tally.erased.load()});
    }
    const char* error = header_->children[lane].error;
    facts.SetError(static_cast<int>(lane), std::string(error, strnlen(error, kErrorTextBytes)));
  }
  facts.Finalise();
  result_.children = records_;
  result_.end_ns = MonotonicNs();

  PythonOutcome& out = *outcome_;
  out.python_version = std::string(area_->python_version, strnlen(area_->python_version, sizeof area_->python_version));
  out.traced = area_->lane[0].pid.load() != 0;
  out.untraced_processes = area_->untraced.load();
  out.lanes = options_.lanes;
  const ChildRecord& main = supervisor_.child(0);
  if (main.state == ChildState::kKilled) {
    out.signal = main.signal;
    out.exit_status = 128 + main.signal;
  } else {
    out.exit_code = main.exit_status;
    out.exit_status = main.exit_status;
  }
  if (out.stop_signal != 0) out.exit_status = 128 + out.stop_signal;
  if (out.untraced_processes > 0)
    result_.notes.push_back(
        {std::to_string(out.untraced_processes) + " more " +
             (out.untraced_processes == 1 ? "process" : "processes") + " than the " +
             std::to_string(options_.lanes) + " lanes ran untraced (the run went on).",
         "有 " + std::to_string(out.untraced_processes) + " 个进程超出了 " + std::to_string(options_.lanes) +
             " 条轨道，未被追踪（运行照常进行）。"});
  if (facts.drops() > 0)
    result_.notes.push_back({std::to_string(facts.drops()) +
                                 " events were dropped (a ring was full); the totals of shared "
                                 "values are exact, the timeline is thinned.",
                             std::to_string(facts.drops()) + " 个事件因环形缓冲区已满而被丢弃；共享值的总数仍然准确，时间线被稀疏化。"});
}

// ------------------------------------------------------------------------------ PythonRun

PythonRun::PythonRun(PythonRunOptions options) : options_(std::move(options)) {
  for (const auto& [child, what] : options_.step_schedule) step_requests_.Post(child, what);
}

PythonRun::~PythonRun() = default;

void PythonRun::PostStep(int child, char what) { step_requests_.Post(child, what); }

void PythonRun::ReadLive(const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view) {
  std::lock_guard lock(live_mutex_);
  if (session_ != nullptr) view(session_->trace(), session_->lane_records());
}

bool PythonRun::TryReadLive(const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view) {
  std::unique_lock lock(live_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  if (session_ != nullptr) view(session_->trace(), session_->lane_records());
  return true;
}

TrialResult PythonRun::Execute() {
  TrialResult result;
  result.lesson_id = "python";
  result.trace.Reset(MonotonicNs());
  result.facts = RunFacts(result.trace.t0_ns());
  auto outcome = std::make_shared<PythonOutcome>();
  outcome->program = options_.program;
  result.outcome = outcome;
  {
    auto session = std::make_unique<Session>(*this, result, *outcome);
    {
      std::lock_guard lock(live_mutex_);
      session_ = session.get();
    }
    struct Clear {
      PythonRun& run;
      ~Clear() {
        std::lock_guard lock(run.live_mutex_);
        run.session_ = nullptr;
      }
    } clear{*this};
    session->Start();
    try {
      session->Loop();
    } catch (const RunStopped&) {
      result.stopped = true;
      // Said while it is true: where each process was, and what it was waiting for.
      const Sentence where = ExplainWhereEach(result.facts, session->LiveLanes());
      if (!where.en.empty()) result.notes.push_back(where);
      session->EndEverything(KillReason::kStop);
    }
    session->Finish();
  }  // every process reaped, the segment removed
  for (const auto& [id, lock] : result.facts.locks())
    for (const LockFacts::OwnerDied& death : lock.owner_deaths)
      result.notes.push_back(ExplainOwnerDeath(result.facts, lock, death));
  outcome->t0_ns = result.facts.t0_ns();
  return result;
}

std::string PythonRun::FindTracerDir() {
  std::string dir = ThisInstall().python_dir.string();
  if (const char* env = std::getenv("PROCLAB_PYTHON_DIR"); env != nullptr && *env != '\0') dir = env;
  if (access((dir + "/sitecustomize.py").c_str(), R_OK) != 0) return {};
  std::error_code error;
  const std::filesystem::path canonical = std::filesystem::canonical(dir, error);
  return error ? dir : canonical.string();
}

std::string PythonRun::FindOnPath(const std::string& name) {
  if (name.empty()) return {};
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : std::string();
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "/usr/bin:/bin";
  while (true) {
    const size_t colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat info;
    if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (colon == std::string_view::npos) return {};
    rest.remove_prefix(colon + 1);
  }
}

}  // namespace proclab

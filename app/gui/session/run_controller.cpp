#include "app/gui/session/run_controller.hpp"

namespace proclab::gui {

RunController::RunController(std::function<void()> wake)
    : wake_(std::move(wake)), thread_([this] { Loop(); }) {}

RunController::~RunController() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
    requests_.clear();
    if (current_) current_->RequestStop();
  }
  stop_batch_ = true;
  cv_.notify_all();
  thread_.join();
}

bool RunController::Start(RunRequest request) {
  std::lock_guard lock(mutex_);
  if (busy_ || !requests_.empty()) return false;
  busy_ = true;  // set here so the UI sees the run at once
  stop_batch_ = false;
  trial_ = 0;
  trials_ = request.trials;
  requests_.push_back(std::move(request));
  cv_.notify_all();
  return true;
}

void RunController::Stop() {
  stop_batch_ = true;
  std::lock_guard lock(mutex_);
  if (current_) current_->RequestStop();
}

void RunController::PostStep(int child, char what) {
  std::lock_guard lock(mutex_);
  if (current_) current_->PostStep(child, what);
}

bool RunController::SyncLive(LiveModel& model, uint64_t* model_generation, size_t budget) {
  std::shared_ptr<LiveRun> run;
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    run = current_;
    generation = generation_;
  }
  if (!run) return false;
  if (generation != *model_generation) {
    model.Reset();
    *model_generation = generation;
  }
  // Only the copy holds the run's lock (the run thread waits for it before it drains rings);
  // when the run thread holds it (spawning, draining), this frame shows what it has.
  const bool copied = run->TryReadLive([&](const Trace& trace, const std::vector<ChildRecord>& children) {
    model.Copy(trace, children, budget);
  });
  if (copied) model.Analyse();
  if (const ConsoleBuffer* console = run->console()) model.CopyOutput(*console);
  return true;
}

std::vector<FinishedTrial> RunController::TakeFinished() {
  std::lock_guard lock(mutex_);
  std::vector<FinishedTrial> out(std::make_move_iterator(finished_.begin()),
                                 std::make_move_iterator(finished_.end()));
  finished_.clear();
  untaken_ -= static_cast<int>(out.size());
  return out;
}

void RunController::Loop() {
  // The children lower their own priority (kChildNice in live_run.cpp): a lesson that keeps every
  // core busy then leaves the UI thread the CPU it needs to stay smooth, and this thread the CPU
  // to drain, reap and stop them. (This thread once took the nice value itself for the children
  // to inherit; it then competed with 128 children as an equal and a Stop took ~10 s.) Among
  // themselves the children still compete equally, so races happen as they would.
  while (true) {
    RunRequest request;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return quit_ || !requests_.empty(); });
      if (quit_) return;
      request = std::move(requests_.front());
      requests_.pop_front();
    }
    for (int trial = 0; trial < request.trials && !stop_batch_; ++trial) {
      FinishedTrial done{.trial = trial, .trials = request.trials};
      std::shared_ptr<LiveRun> run;
      {
        std::lock_guard lock(mutex_);
        if (quit_) break;
        run = MakeLiveRun(request);
        current_ = run;
        done.generation = ++generation_;
      }
      trial_ = trial;
      wake_();
      try {
        done.result = std::make_shared<TrialResult>(run->Execute());
      } catch (const std::exception& e) {
        done.error = e.what();
        stop_batch_ = true;
      }
      {
        std::lock_guard lock(mutex_);
        current_.reset();
        finished_.push_back(std::move(done));
        ++untaken_;
      }
      wake_();
    }
    busy_ = false;
    wake_();
  }
}

}  // namespace proclab::gui

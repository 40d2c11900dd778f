#include "app/gui/session/live_run.hpp"

#include "app/gui/session/run_controller.hpp"

#include <algorithm>
#include <thread>

namespace proclab::gui {

void ConsoleBuffer::Add(const OutputChunk& chunk) {
  std::lock_guard lock(mutex_);
  // As the outcome keeps it: the first keep_bytes_ bytes (a program printing megabytes must not
  // fill the GUI's memory); consecutive writes of one process to one stream make one chunk.
  if (bytes_ >= keep_bytes_) return;
  OutputChunk kept = chunk;
  if (kept.text.size() > keep_bytes_ - bytes_) kept.text.resize(keep_bytes_ - bytes_);
  bytes_ += kept.text.size();
  if (!chunks_.empty() && chunks_.back().pid == kept.pid && chunks_.back().stream == kept.stream)
    chunks_.back().text += kept.text;
  else
    chunks_.push_back(std::move(kept));
}

void ConsoleBuffer::CopySince(size_t have, std::vector<OutputChunk>& to) const {
  std::lock_guard lock(mutex_);
  // The last chunk may have grown since it was copied: take it again.
  if (have > 0 && have <= chunks_.size() && !to.empty()) {
    to.back() = chunks_[have - 1];
  }
  for (size_t i = have; i < chunks_.size(); ++i) to.push_back(chunks_[i]);
}

namespace {

// The lowest priority: 128 busy children at nice 10 still took ~87% of each core from the UI
// thread (weights 64 x 110 against 1024), and the window drew ~14 frames a second; at 19
// (64 x 15) the UI thread got about half a core, but waited a child's slice at each wake-up.
constexpr int kChildNice = 19;

}  // namespace

bool ChildrenYieldAtOnce(int children, int cores) { return children > kYieldPerCore * std::max(cores, 1); }

namespace {

class LessonLiveRun final : public LiveRun {
 public:
  explicit LessonLiveRun(const RunRequest& request) {
    RunOptions options;
    options.interactive_steps = request.step_mode && request.schedule.empty();
    options.step_schedule = request.schedule;
    options.child_nice = kChildNice;
    const int children = request.lesson->child_count ? request.lesson->child_count(request.params) : 1;
    options.child_idle = ChildrenYieldAtOnce(children, static_cast<int>(std::thread::hardware_concurrency()));
    run_ = std::make_unique<Run>(*request.lesson, request.params, options);
  }
  TrialResult Execute() override { return run_->Execute(); }
  void RequestStop() override { run_->RequestStop(); }
  void PostStep(int lane, char what) override { run_->PostStep(lane, what); }  // child i is lane i
  bool TryReadLive(const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view) override {
    return run_->TryReadLive(view);
  }

 private:
  std::unique_ptr<Run> run_;
};

class PythonLiveRun final : public LiveRun {
 public:
  explicit PythonLiveRun(const RunRequest& request)
      : lesson_id_(request.lesson->id), params_(request.params), console_(PythonRunOptions{}.keep_output_bytes) {
    const PythonRequest& python = *request.python;
    PythonRunOptions options;
    options.python = PythonRun::FindOnPath("python3");
    options.program = python.program;
    options.args = python.args;
    options.tracer_dir = PythonRun::FindTracerDir();
    options.nice = kChildNice;
    options.lines = python.lines;
    options.interactive_steps = request.step_mode && request.schedule.empty();
    options.step_schedule = request.schedule;  // "1r": child 1 (index 0), which is lane 1 here
    options.on_output = [this](const OutputChunk& chunk) { console_.Add(chunk); };
    run_ = std::make_unique<PythonRun>(std::move(options));
  }
  TrialResult Execute() override {
    TrialResult result = run_->Execute();
    // Shown under the lesson it ran for (the learner's own program: OwnProgramLesson).
    result.lesson_id = lesson_id_;
    result.params = params_;
    return result;
  }
  void RequestStop() override { run_->RequestStop(); }
  // Lane 0 is the main process (it never steps); child c of the StepHost is lane c + 1.
  void PostStep(int lane, char what) override { run_->PostStep(lane < 0 ? -1 : lane - 1, what); }
  bool TryReadLive(const std::function<void(const Trace&, const std::vector<ChildRecord>&)>& view) override {
    return run_->TryReadLive(view);
  }
  const ConsoleBuffer* console() const override { return &console_; }

 private:
  std::string lesson_id_;
  ParamValues params_;
  ConsoleBuffer console_;
  std::unique_ptr<PythonRun> run_;
};

}  // namespace

std::unique_ptr<LiveRun> MakeLiveRun(const RunRequest& request) {
  if (request.python) return std::make_unique<PythonLiveRun>(request);
  return std::make_unique<LessonLiveRun>(request);
}

}  // namespace proclab::gui

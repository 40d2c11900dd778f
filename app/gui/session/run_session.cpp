#include "app/gui/session/run_session.hpp"

#include "app/gui/shell/ui_strings.hpp"
#include "core/python_program.hpp"
#include <algorithm>
#include <chrono>

namespace proclab::gui {

std::span<const Event> ShownRun::Events(int lane) const {
  if (live_model != nullptr) return live_model->lane(lane);
  if (result == nullptr) return {};
  if (lane < 0) return result->trace.parent_lane();
  return result->trace.lane(lane);
}

size_t ShownRun::events() const {
  if (live_model != nullptr) return live_model->events();
  return result != nullptr ? result->trace.size() : 0;
}

double ShownRun::ElapsedMs(int64_t now_ns) const {
  if (facts == nullptr) return 0;
  if (result != nullptr) return result->Ms(result->end_ns);
  return facts->Ms(std::max({now_ns, facts->last_ns(), facts->t0_ns()}));
}

int ShownRun::ChildrenEnded() const {
  if (facts == nullptr) return 0;
  int ended = 0;
  for (const ChildFacts& child : facts->all_children()) ended += child.record.done() ? 1 : 0;
  return ended;
}

RunSession::RunSession(std::function<void()> wake)
    : runner_(std::make_unique<RunController>(std::move(wake))) {}

RunSession::~RunSession() = default;  // the controller stops a run and joins its thread

bool RunSession::Start(const Lesson& lesson, const ParamValues& params, int trials, bool step_mode,
                       std::vector<std::pair<int, char>> schedule) {
  if (busy()) return false;
  RunRequest request{.lesson = &lesson, .params = params, .trials = trials,
                     .step_mode = step_mode && lesson.steppable,
                     .schedule = lesson.steppable ? std::move(schedule) : decltype(schedule){}};
  const bool stepping = request.step_mode || !request.schedule.empty();
  error_.clear();
  if (!runner_->Start(std::move(request))) return false;
  Began(lesson, params, stepping, false);
  return true;
}

void RunSession::Began(const Lesson& lesson, const ParamValues& params, bool stepping, bool python) {
  lesson_ = &lesson;
  params_ = params;
  step_mode_ = stepping;
  python_ = python;
  result_.reset();  // a result belongs to its lesson and parameters: the new run replaces it
  live_model_.Reset();
  live_ = false;
  stopping_ = false;
}

bool RunSession::StartPython(const Lesson& lesson, const ParamValues& params, PythonRequest python, Language language,
                             int trials, bool step_mode, std::vector<std::pair<int, char>> schedule) {
  if (busy()) return false;
  // Bad input first, said once, nothing started (the CLI's rules: core/python_program.hpp).
  const ProgramCheck check = CheckPythonProgram(python.program);
  if (!check.ok()) {
    error_ = check.Text(python.program).In(language);
    return false;
  }
  if (PythonRun::FindOnPath("python3").empty()) {
    error_ = Tr(Str::kNoPython3, language);
    return false;
  }
  if (PythonRun::FindTracerDir().empty()) {
    error_ = Tr(Str::kNoTracer, language);
    return false;
  }
  const bool stepping = step_mode || !schedule.empty();
  RunRequest request{.lesson = &lesson, .params = params, .trials = trials, .step_mode = step_mode,
                     .schedule = std::move(schedule), .python = std::move(python)};
  error_.clear();
  if (!runner_->Start(std::move(request))) return false;
  Began(lesson, params, stepping, true);
  return true;
}

void RunSession::Stop() {
  if (busy()) stopping_ = true;
  runner_->Stop();
}

void RunSession::PostStep(int child, char what) { runner_->PostStep(child, what); }

void RunSession::FinishSteps() { runner_->PostStep(-1, 'r'); }

void RunSession::Clear() {
  runner_->Stop();
  // Trials that finish after this belong to the runs forgotten here: Update drops them.
  lesson_ = nullptr;
  result_.reset();
  live_model_.Reset();
  live_ = false;
  error_.clear();
}

bool RunSession::busy() const { return runner_->busy(); }

std::vector<std::shared_ptr<const TrialResult>> RunSession::Update(std::optional<size_t> budget) {
  std::vector<std::shared_ptr<const TrialResult>> finished;
  for (FinishedTrial& done : runner_->TakeFinished()) {
    if (done.generation == live_generation_) live_ = false;  // its live model is stale now
    if (lesson_ == nullptr) continue;  // forgotten (Clear)
    if (!done.result) {
      error_ = done.error;
      continue;
    }
    finished.push_back(done.result);
    result_ = std::move(done.result);
    result_generation_ = done.generation;
  }
  // The live run (or the next trial of a batch; a newer run replaces the model). A run the
  // controller still holds has not finished, so its model is current.
  if (lesson_ != nullptr && runner_->busy()) {
    const size_t before = live_model_.events();
    const auto began = std::chrono::steady_clock::now();
    const bool synced = runner_->SyncLive(live_model_, &live_generation_, budget.value_or(pace_.budget()));
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - began;
    if (live_model_.events() > before) pace_.Took(live_model_.events() - before, took.count());
    if (synced) live_ = live_model_.started();
  }
  if (!runner_->busy()) stopping_ = false;  // every child reaped, the result taken in
  // Once the views read the result's own facts, the copy of its events is not needed.
  if (!live_ && live_model_.started() && live_generation_ == result_generation_) live_model_.Reset();
  return finished;
}

ShownRun RunSession::Shown(const Lesson& lesson) const {
  ShownRun shown;
  if (lesson_ == nullptr || lesson_->id != lesson.id) return shown;
  shown.lesson = lesson_;
  shown.step_mode = step_mode_;
  shown.python = python_;
  if (live_) {
    shown.params = &params_;
    shown.facts = &live_model_.facts();
    shown.live_model = &live_model_;
    shown.live = true;
    if (python_) shown.output = &live_model_.output();
  } else if (result_ && result_->lesson_id == lesson.id) {
    shown.params = &result_->params;
    shown.facts = &result_->facts;
    shown.result = result_.get();
    if (const auto* outcome = result_->Outcome<PythonOutcome>()) shown.output = &outcome->output;
  } else {
    shown.lesson = nullptr;
  }
  return shown;
}

const TrialResult* RunSession::ResultFor(const Lesson& lesson) const {
  if (lesson_ == nullptr || !result_ || result_->lesson_id != lesson.id || lesson_->id != lesson.id)
    return nullptr;
  return result_.get();
}

void RunSession::CatchUpLiveModel() {
  if (!result_) return;
  if (!live_model_.started() || live_generation_ != result_generation_) {
    live_model_.Reset();
    live_generation_ = result_generation_;
  }
  live_model_.Sync(result_->trace, result_->children);
}

}  // namespace proclab::gui

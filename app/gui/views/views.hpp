// The live views, each drawn from the TraceModel (and, after a run, the lesson's outcome JSON):
// process lanes, processes table, shared data (counter, array, locks, step mode), trials,
// queue and pool. One function or small state struct per view, one file each.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/gui/fonts/fonts.hpp"
#include "app/gui/shell/theme.hpp"
#include "app/gui/shell/ui_strings.hpp"
#include "app/gui/views/trace_model.hpp"
#include "core/run.hpp"

namespace proclab::gui {

struct ViewContext {
  const TraceModel& model;
  const TrialResult* result;  // the last finished trial of this lesson, or null
  const Lesson& lesson;
  Language language;
  const Fonts& fonts;
  const Theme& theme;
  bool live;  // a run is under way
  bool instant = false;  // no animation: show the end state at once (command-line screenshots)
  const std::string* order_guess = nullptr;  // predict first: the queue order the learner expects
  const char* T(Str key) const { return Tr(key, language); }
};

const char* StateName(LaneState state, Language language);
// A distinct colour per producer or worker (lane index; the parent is -1), the same in every view.
ImU32 LaneColor(int lane);

// Process lanes: one row per child, aggregated per pixel column, zoom and pan.
struct LanesView {
  double begin_ns = 0, end_ns = 0;  // relative to the trace's t0
  bool follow = true;               // fit the whole run (until the user zooms or pans)
  void Fit() { follow = true; }
  void Draw(const ViewContext& ctx, float height);
};

void DrawProcessesTable(const ViewContext& ctx);
void DrawSharedData(const ViewContext& ctx);

// ------------------------------------------------------------------------------------ queue
// One item's trip through the queue, rebuilt from the put and get events. The queue is first in,
// first out, so the order the consumer got the items is the order they went in; items still
// waiting follow in the order of their put events.
struct QueueTrip {
  int64_t value = 0;
  int producer = -1;  // lane that put it (-1: the parent)
  int consumer = -1;  // lane that got it (-1: the parent)
  int64_t put_ns = 0, get_ns = 0;  // get_ns 0: still in the queue
  int put_step = 0, get_step = -1;  // positions in the replay (one step per put or get)
  int64_t put_depth = -1, get_depth = -1;  // the queue's depth just after (taken under its lock)
};

// The learner's predicted order compared with the real one, position by position.
struct OrderComparison {
  std::vector<int64_t> guess, actual;
  size_t same_position = 0;  // positions where guess and actual agree
  bool parsed = false;       // the guess was a list of whole numbers
};
OrderComparison CompareOrder(const std::string& guess_text, const std::vector<int64_t>& actual);

// The queue drawn as slots between the producers and the consumer, with a replay of the real
// puts and gets (one step per event, in the order they happened, with their real times), depth
// over time, blocked producers, and the join-before-drain stall in words.
class QueueView {
 public:
  void Draw(const ViewContext& ctx);
  void Rebuild(const TraceModel& model);  // when the model grew (cheap when it did not)
  void Replay() { playhead_ = 0, playing_ = true; }
  void SkipToEnd() { playhead_ = static_cast<double>(steps_.size()), playing_ = false; }
  // What the replay shows at its playhead (the self-test reads these).
  int64_t entered() const;    // items put into the slots so far
  int64_t delivered() const;  // items taken out to the consumer so far
  size_t steps() const { return steps_.size(); }
  double playhead() const { return playhead_; }
  const std::vector<QueueTrip>& trips() const { return trips_; }  // in queue (FIFO) order
  std::vector<int64_t> DeliveredOrder() const;  // values in the order the consumer got them
  bool too_many() const { return too_many_; }
  bool stall_shown() const { return stall_shown_; }  // the join-before-drain stall explained

 private:
  struct Step {
    int64_t t_ns;
    int trip;
    bool get;
  };
  std::vector<QueueTrip> trips_;
  std::vector<Step> steps_;
  std::vector<std::pair<int64_t, int64_t>> blocked_;  // per producer lane: [from, to) blocked
  std::vector<int> blocked_lane_;
  int64_t t0_ = -1;
  size_t seen_events_ = 0;
  double playhead_ = 0;
  bool playing_ = true;
  bool too_many_ = false;
  bool stall_shown_ = false;
  double last_time_ = -1;
};

// --------------------------------------------------------------------------------------- pool
// The pool as the run goes: a lane per worker with its chunks, the task queue (chunks not yet
// taken), the results in input order as they arrive, callbacks in the parent, the pool's states
// and replaced workers, all from the trace; after the run, the outcome adds the values.
struct PoolFacts {
  struct State { int64_t t_ns; int state; };  // index into kPoolStates
  struct Callback { int64_t t_ns; bool error; int64_t value; };
  struct Replacement { int64_t t_ns; int dead, fresh; };
  struct Put { int64_t t_ns; int64_t first; bool exit; };
  struct Arrival { int64_t t_ns; int64_t first, last; int worker; };
  std::vector<State> states;
  std::vector<Callback> callbacks;
  std::vector<Replacement> replacements;
  std::vector<Put> task_puts;          // the parent's puts on the task queue, in order
  std::vector<int64_t> task_gets;      // when workers took them (merged, in time order)
  std::vector<Arrival> arrivals;       // results the parent got, in order
  int64_t items = 0;                   // highest item seen + 1
  // The chunks waiting in the task queue at `t_ns` (oldest first).
  std::vector<Put> WaitingAt(int64_t t_ns) const;
  int StateAt(int64_t t_ns) const;  // -1 before the pool started
};
PoolFacts ReadPoolFacts(const TraceModel& model);

class PoolView {
 public:
  void Draw(const ViewContext& ctx);
  const PoolFacts& facts() const { return facts_; }

 private:
  PoolFacts facts_;
  int64_t t0_ = -1;
  size_t seen_events_ = 0;
  double read_at_ = -1;
};

// The `costs` lesson: each measured figure as a bar, ProcLab (C++) beside Python, with the ratio.
void DrawCostsView(const ViewContext& ctx);

// Final values over repeated trials, one series per parameter setting (e.g. lock vs no lock).
struct TrialSeries {
  std::string label;  // "lock=none, increments=100"
  std::string field;  // the outcome field counted ("final")
  double expected = 0;
  bool has_expected = false;
  std::vector<double> values;
};
void DrawTrials(const ViewContext& ctx, const std::vector<TrialSeries>& series);
// One item of an outcome list in a few words: {"first":0,"last":1,"worker":2} -> "0–1 (2)",
// {"state":"closed","ms":36.4} -> "closed 36.4 ms", {"value":9,...} -> "9".
std::string FormatOutcomeItem(const nlohmann::json& item);
// A whole outcome list, items separated by `separator`.
std::string FormatOutcomeList(const nlohmann::json& list, const char* separator = "  ");

// The outcome field a histogram counts for this trial: "final", else the first number.
std::string TrialField(const nlohmann::json& outcome);

}  // namespace proclab::gui

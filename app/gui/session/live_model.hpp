// The GUI's copy of a live run: every lane's events, copied from the run's trace a budget at a
// time (the tooltips show them), and folded as they arrive into the GUI's own RunFacts — the
// fact code the run, the CLI and the exporter use, so a live view shows the numbers the finished
// run reports. Copy runs under the run's lock and only copies; Analyse folds outside it.
#pragma once
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/facts/run_facts.hpp"
#include "core/python_run.hpp"
#include "core/trace.hpp"

namespace proclab::gui {

class ConsoleBuffer;

class LiveModel {
 public:
  void Reset();
  // Copies what is new in `trace` (lanes are append-only) and the children's records: every
  // lane up to one time, the latest that each running lane's watermark and `budget` events in
  // all allow, so the facts folded from them belong to one moment. True when every event of
  // `trace` is copied.
  bool Copy(const Trace& trace, const std::vector<ChildRecord>& children,
            size_t budget = std::numeric_limits<size_t>::max());
  // Folds the events copied since the last call into the facts. A child whose record says it
  // ended and whose events are all copied is complete: its open spans close at its end.
  void Analyse();
  bool Sync(const Trace& trace, const std::vector<ChildRecord>& children,
            size_t budget = std::numeric_limits<size_t>::max()) {
    const bool all = Copy(trace, children, budget);
    Analyse();
    return all;
  }

  bool started() const { return started_; }  // a first copy gave the run's time zero
  const RunFacts& facts() const { return facts_; }
  // A lane's events so far (kParentFactLane: the parent's), in that lane's time order.
  std::span<const Event> lane(int lane) const;
  size_t events() const { return events_; }
  // A Python run: what its processes wrote so far, in order (the console pane).
  void CopyOutput(const ConsoleBuffer& console);
  const std::vector<OutputChunk>& output() const { return output_; }

 private:
  bool started_ = false;
  RunFacts facts_;
  std::vector<std::vector<Event>> lanes_;
  std::vector<Event> parent_;
  std::vector<size_t> folded_, available_;  // per child lane: events in the facts; in the trace
  size_t parent_folded_ = 0;
  std::vector<ChildRecord> children_;
  size_t events_ = 0;
  std::vector<OutputChunk> output_;
};

}  // namespace proclab::gui

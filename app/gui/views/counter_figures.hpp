// The shared counter's three figures as every view shows them (the lanes' headline, the Shared
// data tab): one place, so two views never say different numbers of one run.
// Live, they come from the events folded so far; once the run is over, from the lesson's own
// result (exact even when trace events were dropped). A live run that dropped events cannot
// know its expected value or its losses from events (the writes that were dropped are missing
// from both, and the last write seen can be newer than their count: a counter of 8,241,839 was
// shown against an expected 614,936): then only the value is known, and the views say so.
#pragma once
#include <cstdint>

#include "app/gui/views/view.hpp"

namespace proclab::gui {

struct CounterFigures {
  bool shown = false;          // the run has a counter (a race lesson)
  int64_t value = 0;           // live: the last value written; after: the final value
  int64_t expected = 0;
  int64_t lost = 0;
  int64_t array_lost = 0;
  bool totals_known = true;    // false: live with dropped events (expected, lost not known yet)
  bool complete = true;        // false: the run was stopped, the totals are what was done
  bool final = false;          // the lesson's own result, not the live facts
};

CounterFigures CounterFiguresOf(const ShownRun& run);

}  // namespace proclab::gui

#include "app/gui/views/counter_figures.hpp"

#include "lessons/shared_counter.hpp"

namespace proclab::gui {

CounterFigures CounterFiguresOf(const ShownRun& run) {
  CounterFigures figures;
  if (run.empty()) return figures;
  const RunFacts& facts = *run.facts;
  const SlotFacts* counter = facts.slot(kCounterSlot);
  if (const RaceOutcome* race = run.Outcome<RaceOutcome>()) {
    figures.shown = true;
    figures.final = true;
    figures.value = race->final;
    figures.expected = race->expected;
    figures.lost = race->lost;
    figures.array_lost = race->lost_total - race->lost;
    figures.complete = race->complete;
    return figures;
  }
  if (counter == nullptr) return figures;
  figures.shown = true;
  figures.value = counter->last_written.field;
  figures.expected = counter->initial.field + counter->writes;
  figures.lost = counter->lost;
  figures.array_lost = facts.lost_total() - counter->lost;
  figures.totals_known = facts.drops() == 0;
  return figures;
}

}  // namespace proclab::gui

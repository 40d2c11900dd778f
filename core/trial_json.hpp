// A trial as JSON, for the edges (the CLI's --json, the GUI's save): the processes, the run's
// facts (shared values, locks, queues, pools, stalls, a deadlock) and the lesson's own outcome,
// all produced from the typed structs — nothing here computes a fact.
#pragma once
#include <nlohmann/json.hpp>

#include "core/run.hpp"

namespace proclab {

nlohmann::json TrialJson(const TrialResult& result);
// The facts part alone (also what `proclab-cli trace` prints for a Python program).
nlohmann::json FactsJson(const RunFacts& facts);
nlohmann::json ProcessesJson(const RunFacts& facts);
nlohmann::json DeadlockJson(const std::optional<Deadlock>& deadlock);

}  // namespace proclab

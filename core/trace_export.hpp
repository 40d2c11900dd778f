// Exports a trial's trace in the Chrome Trace Event format (opens in Perfetto and
// chrome://tracing): one track per process, lock holds and tasks as spans, values as counters.
#pragma once
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/run.hpp"

namespace proclab {

nlohmann::json ChromeTraceJson(const TrialResult& result);
void WriteChromeTrace(const TrialResult& result, std::ostream& out);

}  // namespace proclab

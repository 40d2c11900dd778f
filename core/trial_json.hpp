// A trial as JSON: the children (pid, exit status, signal, start and end times) and the lesson's
// outcome fields. The CLI prints it; the GUI exports it.
#pragma once
#include <nlohmann/json.hpp>

#include "core/run.hpp"

namespace proclab {

nlohmann::json TrialJson(const TrialResult& result);

}  // namespace proclab

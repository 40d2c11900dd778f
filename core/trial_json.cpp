#include "core/trial_json.hpp"

namespace proclab {

nlohmann::json TrialJson(const TrialResult& result) {
  nlohmann::json processes = nlohmann::json::array();
  for (const ChildRecord& child : result.children) {
    nlohmann::json entry = {
        {"index", child.index + 1},
        {"pid", child.pid},
        {"state", std::string(ChildStateName(child.state))},
        {"exit_status", child.state == ChildState::kExited ? nlohmann::json(child.exit_status)
                                                           : nlohmann::json(nullptr)},
        {"signal", child.signal != 0 ? nlohmann::json(child.signal) : nlohmann::json(nullptr)},
        {"start_ms", result.Ms(child.spawn_ns)},
        {"running_ms", child.start_ns ? nlohmann::json(result.Ms(child.start_ns))
                                      : nlohmann::json(nullptr)},
        {"end_ms", child.end_ns ? nlohmann::json(result.Ms(child.end_ns))
                                : nlohmann::json(nullptr)},
    };
    const std::string& error = result.child_errors.at(static_cast<size_t>(child.index));
    if (!error.empty()) entry["error"] = error;
    processes.push_back(std::move(entry));
  }
  nlohmann::json trial = {{"processes", std::move(processes)}};
  for (const auto& [key, value] : result.outcome.items()) trial[key] = value;
  trial["events"] = result.trace.size();
  trial["dropped_events"] = result.trace.drops();
  trial["duration_ms"] = result.end_ns ? result.Ms(result.end_ns) : 0.0;
  for (const RunNote& note : result.notes) trial["notes"].push_back(note.en);
  if (result.stopped) trial["stopped"] = true;
  return trial;
}

}  // namespace proclab

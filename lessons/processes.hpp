// The outcome of lesson `processes` (lessons/processes.cpp), typed, for every report that reads it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/run.hpp"

namespace proclab {

// What the parent's joins came to, from the facts: how long each join() waited.
struct ProcessesOutcome : LessonOutcome {
  struct Join {
    int child;  // lane
    double wait_ms;
  };
  std::vector<Join> joins;
  int joined = 0;
  double wait_ms = 0;  // from the first join() to the last return

  void Conclude(const TrialResult& result) override;
  nlohmann::json ToJson() const override;
};

}  // namespace proclab

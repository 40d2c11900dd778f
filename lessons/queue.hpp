// The outcome of lesson `queue` (lessons/queue.cpp), typed, for every report that reads it.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "core/run.hpp"

namespace proclab {

// What the parent got, from the queue's facts: every item, in order, with who put it.
struct QueueOutcome : LessonOutcome {
  struct Item {
    int64_t value;
    int producer;  // lane
  };
  std::vector<Item> received;
  struct Producer {
    int lane;
    int pid;
    int64_t received = 0;
    bool in_order = true;  // its items came out in the order it put them
    double blocked_ms = 0;  // waiting in put on a full queue
  };
  std::vector<Producer> producers;
  int64_t max_depth = 0, capacity = 0, items_each = 0;
  std::optional<StallFact> stall;

  void Conclude(const TrialResult& result) override;
  nlohmann::json ToJson() const override;
};

}  // namespace proclab

// The outcome of lesson `pool` (lessons/pool.cpp), typed, for every report that reads it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/language.hpp"

#include "core/run.hpp"

namespace proclab {

// The pool's answer (its results, or the error a task raised) as the parent got it; the rest —
// which worker ran which items when, callbacks, states, replaced workers — from the facts.
struct PoolOutcome : LessonOutcome {
  std::vector<int64_t> result;
  std::string error;  // empty: the work succeeded
  std::string error_zh;  // the same in Chinese (Conclude)
  int64_t chunksize = 0;
  bool automatic_chunksize = false;
  // From the facts.
  std::vector<PoolTaskFact> tasks;  // in input order
  std::vector<PoolCallbackFact> callbacks;
  std::vector<PoolStateFact> states;
  std::vector<std::string> replacements;  // "worker pid 42 was killed by signal 9 ...; worker pid 44 replaces it"
  std::vector<std::string> replacements_zh;  // the same in Chinese
  std::vector<int> task_pids;             // parallel to tasks

  void Conclude(const TrialResult& result) override;
  nlohmann::json ToJson() const override;
};

// A pool error (core/process_pool.cpp's words, or a task's own) in both languages.
Sentence PoolErrorText(const std::string& en);

}  // namespace proclab

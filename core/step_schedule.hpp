// Parses a step schedule typed by a learner: "1r,2r,1w,2w" = child 1 reads, child 2 reads,
// child 1 writes, child 2 writes. Children are numbered from 1 here, from 0 inside.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/language.hpp"

namespace proclab {

// Nullopt and, in `error`, why, in both languages (the GUI's schedule field shows it as it is;
// the command lines put "--step: " before it).
std::optional<std::vector<std::pair<int, char>>> ParseStepSchedule(const std::string& text,
                                                                   int children,
                                                                   Sentence* error);

}  // namespace proclab

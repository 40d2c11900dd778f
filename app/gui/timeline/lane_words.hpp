// What a lane says about a child in words, read from the run's facts: which shared data it
// updates ("counter", "array", a Python Value's name), and its last read and write of a slot
// ("read 100 → wrote 101"; "read 101 → killed" when it died between the two), in both languages.
// Shared by the lanes view (short forms in the label column) and the Shared data tab (sentences).
#pragma once
#include <string>

#include "app/gui/shell/ui_strings.hpp"
#include "core/facts/run_facts.hpp"

namespace proclab::gui {

// The shared data `lane` read or wrote, as the lanes name it: "counter", "array" (the race
// lessons' Value and Array), or the names of a Python program's Values ("a · b"); "" when it has
// touched none yet.
std::string LaneRole(const RunFacts& facts, int lane, Language language);

// `lane`'s last read and write of `slot`, short: "read 100 → wrote 101", "read 101 → not written
// yet" (live), "read 101 → killed" (it died between them), "wrote 5"; "" when it did neither.
std::string LastStepText(const RunFacts& facts, const SlotFacts& slot, int lane, Language language);

// A sentence for a child that read `slot` and was killed before writing it back (the lock
// holder ProcLab kills in the locks lesson); "" for any other child.
std::string NeverWroteBackText(const RunFacts& facts, const SlotFacts& slot, int lane, Language language);

// A write that erased a negative number of updates: it wrote over a value older than the one it
// read, so it brought back updates another write had erased (the sum over every write is what
// stayed lost). The sentence for it.
std::string BroughtBackText(const std::string& writer, const LostUpdate& update, Language language);

}  // namespace proclab::gui

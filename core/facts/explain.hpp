// The run's facts in sentences, in both languages: who holds a stuck lock and who waits for it,
// a deadlock's cycle, a holder that died with its lock. Made once from the facts, so the CLI's
// notes, the GUI's headline and the transcript say the same thing.
#pragma once
#include <cstdint>

#include "core/facts/run_facts.hpp"
#include "core/language.hpp"

namespace proclab {

// "child 1 (pid 42) has held lock 'lock' since 84.2 ms and is still running; child 2 (pid 43)
// waits for it since 85.1 ms."
Sentence ExplainLockHeld(const RunFacts& facts, uint32_t lock);
// "child 1 holds 'lock A' and waits for 'lock B'; child 2 holds 'lock B' and waits for 'lock A':
// each waits for the other, forever."
Sentence ExplainDeadlock(const RunFacts& facts, const Deadlock& deadlock);
// "child 1 (pid 42) died holding 'lock'; child 2 was told the owner died (EOWNERDEAD), marked
// the lock consistent and carried on."
Sentence ExplainOwnerDeath(const RunFacts& facts, const LockFacts& lock,
                           const LockFacts::OwnerDied& death);

// What got stuck, as the headline of a run that stalled: when it was found, and, for a lock, who
// held it and who waited for it at that moment and since when (read from the lock's spans, so it
// stays true after ProcLab ended the processes); for a deadlock, its cycle; for a full queue
// nobody drains, the queue.
Sentence ExplainStall(const RunFacts& facts, const StallFact& stall);

// "child 1 (pid 42)", "the parent" — a lane in words.
std::string LaneName(const RunFacts& facts, int lane, Language language);
// "'lock'" or "lock 3" when it has no name.
std::string LockName(const RunFacts& facts, uint32_t lock, Language language);
// An object's declared name as a learner reads it: names that are words (the pool's "task queue"
// and "result queue") in the language; names that are code (counter, lock, q) as declared.
std::string ShownObjectName(std::string_view declared, Language language);

}  // namespace proclab

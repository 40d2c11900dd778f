// The machine's own limit for each figure `proclab-cli bench` reports: the same work done with
// nothing of ProcLab's in the way (no segment, no run, no robust lock, no queue, no trace), so
// the bench can say how close ProcLab comes. The costs benchmark measures each limit in the same
// invocation as the figure it bounds, sample for sample, so a busy machine slows both alike.
//
// The children here are fork()ed copies of the caller that touch only a shared anonymous
// mapping and leave with _exit: safe from a multi-threaded parent (the GUI's run thread). Every
// wait is bounded; a child that fails to arrive or to finish makes the measurement throw
// RunError, and a child left behind is killed and reaped.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace proclab {

// posix_spawn (no attributes, no file actions) + waitpid of `argv`, `procs` processes at a time,
// `rounds` times: milliseconds per process. With a static no-op this is the start + join limit.
double SpawnJoinMsPerProc(const std::vector<std::string>& argv, int procs, int rounds);

// Two processes, `per_proc` times each, on one counter in a shared cache line: increments per
// second over the span from the first one's start to the last one's end.
double LimitLoadStorePerS(int64_t per_proc);  // relaxed load + store (loses updates)
double LimitFetchAddPerS(int64_t per_proc);   // one atomic fetch_add (lock xadd)

// One process, no contention: a test-and-set lock taken (compare-exchange), the counter
// incremented, the lock given back (a release store); pairs per second.
double LimitLockPairsPerS(int64_t count);

// A child puts `items` integers into a single-producer/single-consumer ring of `capacity` slots
// (a power of two) in shared memory; this process takes them in order. Items per second.
double LimitRingItemsPerS(int64_t items, uint32_t capacity);

// cube(x) over `items` inputs split into `procs` contiguous slices, one per child, results
// written in place in a shared array (mapped and faulted in before the clock starts): items per
// second from the parent's go to the parent knowing every slice is done.
double LimitPlainLoopItemsPerS(int64_t items, int procs);

// `tasks` round trips: this process sends x through one SPSC ring per child (`procs` children)
// and takes cube(x) back through another, at most `in_flight` outstanding in all. Tasks per second.
double LimitRoundTripsPerS(int64_t tasks, int procs, uint32_t in_flight);

// One process: read the trace clock and store a 32-byte event, `events` times, into a buffer of
// that many events (faulted in first): nanoseconds per event.
double LimitEventNs(int64_t events);
// One process: memcpy a ring of 2^20 events into a buffer as often as `events` needs: events/s.
double LimitEventCopyPerS(int64_t events);

}  // namespace proclab

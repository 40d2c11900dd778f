#include "core/event_schema.hpp"

#include <stdexcept>

namespace proclab {

namespace {

using K = EventKind;
using L = EventLane;

constexpr EventSchema kSchemas[] = {
    {K::kStarted, "started", L::kOwn, "", "pid", "parent pid (Python processes; 0 otherwise)"},
    {K::kFinished, "finished", L::kOwn, "", "exit code", ""},
    {K::kFailed, "failed", L::kOwn, "", "1 (the text is in the child's error slot)", ""},
    {K::kSleep, "sleep", L::kOwn, "", "microseconds asked", ""},
    {K::kStepWait, "step wait", L::kOwn, "", "0 before a read, 1 before a write", ""},
    {K::kResult, "result", L::kOwn, "", "the child's result", ""},
    {K::kDeclare, "declare", L::kAny, "object id", "ObjectKind", "initial value (as type says)"},
    {K::kName, "name", L::kAny, "object id", "8 bytes of the name (UTF-8)", "the next 8 bytes"},
    {K::kRead, "read", L::kOwn, "slot", "value read (as type says)", ""},
    {K::kWrite, "write", L::kOwn, "slot", "value written (as type says)",
     "value it replaced (atomic exchange)"},
    {K::kLockWait, "lock wait", L::kOwn, "lock", "", "", K::kLockAcquired},
    {K::kLockAcquired, "lock acquired", L::kOwn, "lock", "", "", K::kLockReleased},
    {K::kLockReleased, "lock released", L::kOwn, "lock", "", ""},
    {K::kLockOwnerDied, "lock owner died", L::kAny, "lock", "lane of the dead holder", ""},
    {K::kQueuePut, "queue put", L::kAny, "queue", "value", "depth after"},
    {K::kQueueGet, "queue get", L::kAny, "queue", "value", "depth after"},
    {K::kQueueBlocked, "queue blocked", L::kAny, "queue", "0 full (put), 1 empty (get)", "",
     K::kQueueUnblocked},
    {K::kQueueUnblocked, "queue unblocked", L::kAny, "queue", "as queue blocked", ""},
    // A task ends with kTaskEnd (it returned) or kTaskFailed (it raised).
    {K::kTaskStart, "task start", L::kOwn, "pool", "first item", "last item", K::kTaskEnd},
    {K::kTaskEnd, "task end", L::kOwn, "pool", "first item", "last item"},
    {K::kTaskFailed, "task failed", L::kOwn, "pool", "first item", "last item"},
    {K::kPoolState, "pool state", L::kParent, "pool", "PoolState", ""},
    {K::kPoolCallback, "pool callback", L::kParent, "pool",
     "value (apply) or how many values (map)", "1 for an error callback"},
    {K::kPoolReplaced, "pool worker replaced", L::kParent, "pool", "lane of the dead worker",
     "lane of its replacement"},
    {K::kKill, "kill", L::kParent, "KillReason", "lane", "signal"},
    {K::kJoinBegin, "join", L::kParent, "", "lane", "", K::kJoinEnd},
    {K::kJoinEnd, "joined", L::kParent, "", "lane", ""},
    {K::kStall, "stall", L::kParent, "lock or queue id", "StallCause", "ms without progress"},
    {K::kLine, "line", L::kOwn, "file (declared as ObjectKind::kFile)", "line number", ""},
    {K::kChildExit, "child exit", L::kOwn, "", "pid of a child of this process",
     "its exit code (>= 0) or minus the signal that killed it"},
    {K::kProcessJoin, "process join", L::kOwn, "", "pid joined", "", K::kProcessJoined},
    {K::kProcessJoined, "process joined", L::kOwn, "", "pid joined",
     "its exit code, or kStillRunning (join timed out)"},
    {K::kLockGaveUp, "lock gave up", L::kOwn, "lock", "", ""},
    {K::kPoolCall, "pool call", L::kAny, "pool", "PoolCall", "chunksize"},
    {K::kPoolSubmit, "pool submit", L::kAny, "pool", "job", "items"},
    {K::kTaskJob, "task job", L::kOwn, "pool", "job", ""},
    {K::kFinalValue, "final value", L::kAny, "slot", "value (as type says)", ""},
};
static_assert(std::size(kSchemas) == static_cast<size_t>(EventKind::kCount),
              "one schema entry per event kind");

constexpr bool InKindOrder() {
  for (size_t i = 0; i < std::size(kSchemas); ++i)
    if (static_cast<size_t>(kSchemas[i].kind) != i) return false;
  return true;
}
static_assert(InKindOrder(), "schema entries are in EventKind order");

}  // namespace

std::span<const EventSchema> EventSchemas() { return kSchemas; }

const EventSchema& SchemaOf(EventKind kind) {
  const auto index = static_cast<size_t>(kind);
  if (index >= std::size(kSchemas)) throw std::out_of_range("no such event kind");
  return kSchemas[index];
}

std::string_view EventKindName(EventKind kind) {
  const auto index = static_cast<size_t>(kind);
  return index < std::size(kSchemas) ? kSchemas[index].name : "unknown";
}

std::string_view PoolCallName(PoolCall call) {
  switch (call) {
    case PoolCall::kMap: return "map";
    case PoolCall::kMapAsync: return "map_async";
    case PoolCall::kApply: return "apply";
    case PoolCall::kApplyAsync: return "apply_async";
    case PoolCall::kImap: return "imap";
    case PoolCall::kImapUnordered: return "imap_unordered";
    case PoolCall::kStarmap: return "starmap";
    case PoolCall::kStarmapAsync: return "starmap_async";
  }
  return "?";
}

std::string_view PoolStateName(PoolState state) {
  switch (state) {
    case PoolState::kRunning: return "running";
    case PoolState::kClosed: return "closed";
    case PoolState::kTerminated: return "terminated";
    case PoolState::kJoined: return "joined";
  }
  return "?";
}

}  // namespace proclab

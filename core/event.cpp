#include "core/event.hpp"

namespace proclab {

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kStarted: return "started";
    case EventKind::kFinished: return "finished";
    case EventKind::kFailed: return "failed";
    case EventKind::kRead: return "read";
    case EventKind::kWrite: return "write";
    case EventKind::kSleep: return "sleep";
    case EventKind::kLockWait: return "lock wait";
    case EventKind::kLockAcquired: return "lock acquired";
    case EventKind::kLockReleased: return "lock released";
    case EventKind::kLockOwnerDied: return "lock owner died";
    case EventKind::kQueuePut: return "queue put";
    case EventKind::kQueueGet: return "queue get";
    case EventKind::kQueueBlocked: return "queue blocked";
    case EventKind::kQueueUnblocked: return "queue unblocked";
    case EventKind::kTaskStart: return "task start";
    case EventKind::kTaskEnd: return "task end";
    case EventKind::kStepWait: return "step wait";
    case EventKind::kMessage: return "message";
    case EventKind::kCount: break;
  }
  return "unknown";
}

}  // namespace proclab

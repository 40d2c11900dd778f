#include "core/facts/run_facts.hpp"

#include <algorithm>
#include <cstring>

#include "core/trace.hpp"

namespace proclab {

namespace {
int FactLane(uint16_t worker) { return worker == kParentLane ? kParentFactLane : worker; }
}  // namespace

void RunFacts::Add(std::span<const Event> events) {
  for (const Event& e : events) {
    ++events_;
    last_ns_ = std::max(last_ns_, e.t_ns);
    const int lane = FactLane(e.worker);
    if (lane >= 0) {
      if (static_cast<size_t>(lane) >= children_.size()) {
        children_.resize(static_cast<size_t>(lane) + 1);
        closed_.resize(children_.size(), false);
      }
      AddChildEvent(children_[static_cast<size_t>(lane)], e);
    } else {
      AddParentEvent(e);
    }
    AddObjectEvent(lane, e);
  }
}

void RunFacts::AddParentEvent(const Event& e) {
  switch (e.kind) {
    case EventKind::kKill: {
      const size_t lane = static_cast<size_t>(e.a);
      if (lane >= children_.size()) {
        children_.resize(lane + 1);
        closed_.resize(children_.size(), false);
      }
      ChildFacts& child = children_[lane];
      child.killed_by_proclab = true;
      child.kill_reason = static_cast<KillReason>(e.object);
      child.kill_ns = e.t_ns;
      break;
    }
    case EventKind::kJoinBegin:
      joins_.push_back({static_cast<int>(e.a), e.t_ns});
      break;
    case EventKind::kJoinEnd:
      for (auto it = joins_.rbegin(); it != joins_.rend(); ++it)
        if (it->lane == e.a && it->end_ns == 0) {
          it->end_ns = e.t_ns;
          break;
        }
      break;
    case EventKind::kStall: {
      const auto cause = static_cast<StallCause>(e.a);
      stalls_.push_back({e.t_ns, cause, e.object, e.b,
                         cause == StallCause::kDeadlock ? FindDeadlock() : std::nullopt});
      break;
    }
    default:
      break;
  }
}

Declaration* RunFacts::FindDeclaration(ObjectKind kind, uint32_t id) {
  for (Declaration& d : declarations_)
    if (d.kind == kind && d.id == id) return &d;
  return nullptr;
}


void RunFacts::AddObjectEvent(int lane, const Event& e) {
  switch (e.kind) {
    case EventKind::kDeclare: {
      const auto kind = static_cast<ObjectKind>(e.a);
      Declaration* d = FindDeclaration(kind, e.object);
      if (d == nullptr) {
        declarations_.push_back({kind, e.object, "", SlotValue{e.b, e.type}, lane});
        d = &declarations_.back();
      } else {
        // Declared again (a Python process learns its own name after it started): the new
        // name replaces the old one; its kName chunks follow on the declaring lane.
        d->name.clear();
        d->lane = lane;
      }
      d->initial = SlotValue{e.b, e.type};
      if (kind == ObjectKind::kSlot) {
        SlotFacts& slot = slots_[e.object];
        slot.id = e.object;
        slot.initial = d->initial;
        slot.declared = true;
        if (slot.writes == 0) slot.last_written = d->initial;
      } else if (kind == ObjectKind::kLock) {
        locks_[e.object].id = e.object;
      } else if (kind == ObjectKind::kQueue) {
        queues_[e.object].id = e.object;
      } else if (kind == ObjectKind::kPool) {
        pools_[e.object].id = e.object;
      }
      break;
    }
    case EventKind::kName: {
      // The chunk goes to the latest declaration of that id on the same lane (a declaration
      // and its names are emitted together).
      for (auto it = declarations_.rbegin(); it != declarations_.rend(); ++it) {
        if (it->id != e.object || it->lane != lane) continue;
        char text[16];
        std::memcpy(text, &e.a, 8);
        std::memcpy(text + 8, &e.b, 8);
        it->name.append(text, strnlen(text, sizeof text));
        const std::string& name = it->name;
        if (it->kind == ObjectKind::kSlot) slots_[e.object].name = name;
        if (it->kind == ObjectKind::kLock) locks_[e.object].name = name;
        if (it->kind == ObjectKind::kQueue) queues_[e.object].name = name;
        if (it->kind == ObjectKind::kProcess) {
          const size_t child = e.object;
          if (child >= children_.size()) {
            children_.resize(child + 1);
            closed_.resize(children_.size(), false);
          }
          children_[child].record.name = name;
        }
        break;
      }
      break;
    }
    case EventKind::kRead:
    case EventKind::kWrite: {
      SlotFacts& slot = slots_[e.object];
      slot.id = e.object;
      AddSlotEvent(slot, lane, e);
      break;
    }
    case EventKind::kLockWait:
    case EventKind::kLockAcquired:
    case EventKind::kLockReleased:
    case EventKind::kLockOwnerDied: {
      LockFacts& lock = locks_[e.object];
      lock.id = e.object;
      AddLockEvent(lock, lane, e);
      break;
    }
    case EventKind::kQueuePut:
    case EventKind::kQueueGet:
    case EventKind::kQueueBlocked:
    case EventKind::kQueueUnblocked: {
      QueueFacts& queue = queues_[e.object];
      queue.id = e.object;
      AddQueueEvent(queue, lane, e);
      break;
    }
    case EventKind::kFinalValue: {
      SlotFacts& slot = slots_[e.object];
      slot.id = e.object;
      slot.has_final = true;
      slot.final_value = SlotValue{e.a, e.type};
      break;
    }
    case EventKind::kChildExit:
      exits_reported_[e.a] = e.b;
      break;
    case EventKind::kProcessJoin:
      process_joins_.push_back({lane, e.a, e.t_ns});
      break;
    case EventKind::kProcessJoined:
      for (auto it = process_joins_.rbegin(); it != process_joins_.rend(); ++it)
        if (it->lane == lane && it->pid == e.a && it->end_ns == 0) {
          it->end_ns = e.t_ns;
          it->result = e.b;
          break;
        }
      break;
    case EventKind::kTaskStart:
    case EventKind::kTaskEnd:
    case EventKind::kTaskFailed:
    case EventKind::kTaskJob:
    case EventKind::kPoolCall:
    case EventKind::kPoolSubmit:
    case EventKind::kPoolState:
    case EventKind::kPoolCallback:
    case EventKind::kPoolReplaced: {
      // Tasks belong to a pool only when one was declared (a child's whole job is pool 0 too).
      auto pool = pools_.find(e.object);
      if (pool != pools_.end()) AddPoolEvent(pool->second, lane, e);
      break;
    }
    default:
      break;
  }
}

void RunFacts::Close(int lane, int64_t t_ns) {
  for (auto& [id, lock] : locks_) CloseLockSpans(lock, lane, t_ns);
  for (auto& [id, queue] : queues_) CloseQueueSpans(queue, lane, t_ns);
  for (auto& [id, pool] : pools_) ClosePoolTasks(pool, lane, t_ns);
}

void RunFacts::UpdateChildren(const std::vector<ChildRecord>& children,
                              const std::vector<bool>& complete) {
  if (children_.size() < children.size()) {
    children_.resize(children.size());
    closed_.resize(children_.size(), false);
  }
  for (size_t i = 0; i < children.size(); ++i) {
    const bool all_in = i < complete.size() && complete[i];
    // A process's own name (kProcess declaration) outlives the supervisor's copy of the record.
    std::string name = children_[i].record.name;
    UpdateChildRecord(children_[i], children[i], all_in);
    if (children_[i].record.name.empty()) children_[i].record.name = std::move(name);
    const ChildRecord& r = children[i];
    if (r.done()) last_ns_ = std::max(last_ns_, r.end_ns);
    // An ended process holds no lock, waits for nothing and runs no task any more: its open
    // spans end with it (a holder that died with the lock shows as such in owner_deaths).
    if (r.done() && all_in && !closed_[i]) {
      closed_[i] = true;
      Close(static_cast<int>(i), r.end_ns);
    }
    SummariseChild(children_[i]);
  }
}

void RunFacts::ApplyTally(int lane, uint32_t slot_id, const SlotTally& tally) {
  SlotFacts& slot = slots_[slot_id];
  slot.id = slot_id;
  proclab::ApplyTally(slot, lane, tally);
}

void RunFacts::SetDrops(int lane, uint64_t drops) { drops_[lane] = drops; }

void RunFacts::SetError(int lane, std::string text) {
  if (lane < 0 || static_cast<size_t>(lane) >= children_.size()) return;
  children_[static_cast<size_t>(lane)].error = std::move(text);
}

void RunFacts::SetCurrentLine(int lane, uint32_t file, int64_t line) {
  if (lane < 0 || static_cast<size_t>(lane) >= children_.size() || line <= 0) return;
  ChildFacts& child = children_[static_cast<size_t>(lane)];
  child.file = file;
  child.line = line;
}

uint64_t RunFacts::drops() const {
  uint64_t total = 0;
  drops_.ForEach([&](int, uint64_t d) { total += d; });
  return total;
}

uint64_t RunFacts::drops(int lane) const {
  const uint64_t* d = drops_.Find(lane);
  return d == nullptr ? 0 : *d;
}

void RunFacts::Finalise() {
  if (final_) return;
  final_ = true;
  for (auto& [id, queue] : queues_) {  // in the queue's order from now on: reading it is const
    queue.puts();
    queue.gets();
  }
  for (auto& [id, lock] : locks_)
    for (LockFacts::OwnerDied& death : lock.owner_deaths) {
      const size_t lane = static_cast<size_t>(death.dead_lane);
      death.by_stop = death.dead_lane >= 0 && lane < children_.size() &&
                      children_[lane].killed_by_proclab &&
                      children_[lane].kill_reason != KillReason::kLesson;
    }
  for (auto& [id, slot] : slots_) {
    FinaliseSlot(slot);
    // Counts from a lane that dropped events are exact only if its own tally replaced them.
    slot.lanes.ForEach([&](int lane, const SlotFacts::PerLane& mine) {
      if (drops(lane) > 0 && !mine.tallied && (mine.reads > 0 || mine.writes > 0)) slot.exact = false;
    });
  }
}

const SlotFacts* RunFacts::slot(uint32_t id) const {
  auto it = slots_.find(id);
  return it == slots_.end() ? nullptr : &it->second;
}
const LockFacts* RunFacts::lock(uint32_t id) const {
  auto it = locks_.find(id);
  return it == locks_.end() ? nullptr : &it->second;
}
const QueueFacts* RunFacts::queue(uint32_t id) const {
  auto it = queues_.find(id);
  return it == queues_.end() ? nullptr : &it->second;
}
const PoolFacts* RunFacts::pool(uint32_t id) const {
  auto it = pools_.find(id);
  return it == pools_.end() ? nullptr : &it->second;
}

std::string RunFacts::NameOf(ObjectKind kind, uint32_t id) const {
  for (const Declaration& d : declarations_)
    if (d.kind == kind && d.id == id) return d.name;
  return {};
}

std::optional<int64_t> RunFacts::ReportedExit(int64_t pid) const {
  auto it = exits_reported_.find(pid);
  if (it == exits_reported_.end()) return std::nullopt;
  return it->second;
}

int64_t RunFacts::lost_total() const {
  int64_t lost = 0;
  for (const auto& [id, slot] : slots_) lost += slot.lost;
  return lost;
}

RunFacts DeriveFacts(const Trace& trace, const std::vector<ChildRecord>& children) {
  RunFacts facts(trace.t0_ns());
  facts.Add(trace.parent_lane());
  for (int lane = 0; lane < trace.lanes(); ++lane) {
    facts.Add(trace.lane(lane));
    facts.SetDrops(lane, trace.drops(lane));
  }
  facts.UpdateChildren(children, std::vector<bool>(children.size(), true));
  facts.Finalise();
  return facts;
}

std::vector<Event> DeclarationEvents(ObjectKind kind, uint32_t id, std::string_view name,
                                     SlotValue initial, uint16_t lane) {
  std::vector<Event> events;
  events.push_back(Event{0, lane, EventKind::kDeclare, initial.type, id,
                         static_cast<int64_t>(kind), initial.field});
  for (size_t at = 0; at < name.size(); at += 16) {
    char text[16] = {};
    std::memcpy(text, name.data() + at, std::min<size_t>(16, name.size() - at));
    Event chunk{0, lane, EventKind::kName, ValueType::kInt, id, 0, 0};
    std::memcpy(&chunk.a, text, 8);
    std::memcpy(&chunk.b, text + 8, 8);
    events.push_back(chunk);
  }
  return events;
}

}  // namespace proclab

// The fact layer (core/facts/) on hand-made event lists: each fact computed by its one function,
// checked against what the events say, including the awkward cases (dropped events, clocks that
// disagree, a holder that dies, a cycle of waits).
#include <catch2/catch.hpp>
#include <set>
#include <vector>

#include "core/event_schema.hpp"
#include "core/facts/explain.hpp"
#include "core/facts/run_facts.hpp"
#include "core/trace.hpp"
#include "core/traced_value.hpp"

using namespace proclab;

namespace {

Event E(int64_t t, uint16_t lane, EventKind kind, uint32_t object = 0, int64_t a = 0, int64_t b = 0,
        ValueType type = ValueType::kInt) {
  return Event{t, lane, kind, type, object, a, b};
}

SlotValue Int(int64_t v) { return SlotValue{v, ValueType::kInt}; }
SlotValue Double(double v) { return AsSlotValue(v); }

ChildRecord Exited(int index, int64_t spawn, int64_t end, int status = 0) {
  ChildRecord r;
  r.index = index;
  r.pid = 1000 + index;
  r.state = ChildState::kExited;
  r.exit_status = status;
  r.spawn_ns = spawn;
  r.end_ns = end;
  return r;
}

ChildRecord Killed(int index, int64_t spawn, int64_t end) {
  ChildRecord r = Exited(index, spawn, end);
  r.state = ChildState::kKilled;
  r.exit_status = -1;
  r.signal = 9;
  return r;
}

RunFacts Facts(const std::vector<Event>& events, const std::vector<ChildRecord>& children = {}) {
  RunFacts facts(0);
  facts.Add(events);
  facts.UpdateChildren(children, std::vector<bool>(children.size(), true));
  facts.Finalise();
  return facts;
}

}  // namespace

// ------------------------------------------------------------------------------ event schema

TEST_CASE("the event schema has one entry per kind, each with a distinct name, pairs that end") {
  std::set<std::string_view> names;
  for (const EventSchema& schema : EventSchemas()) {
    INFO(schema.name);
    CHECK(names.insert(schema.name).second);
    CHECK_FALSE(schema.name.empty());
    CHECK(EventKindName(schema.kind) == schema.name);
    if (schema.ends != EventKind::kCount) CHECK(schema.ends != schema.kind);
  }
  CHECK(names.size() == static_cast<size_t>(EventKind::kCount));
  CHECK(SchemaOf(EventKind::kLockAcquired).ends == EventKind::kLockReleased);
  CHECK(SchemaOf(EventKind::kWrite).b == "value it replaced (atomic exchange)");
}

// ------------------------------------------------------------------------------- slot facts

TEST_CASE("ErasedBy: a write that replaced what its writer read erased nothing") {
  CHECK(ErasedBy(Int(4), Int(5), Int(4)) == 0);
  CHECK(ErasedBy(Double(100.0), Double(101.0), Double(100.0)) == 0);
}

TEST_CASE("ErasedBy: a step update counts the steps it overwrote, in either direction") {
  CHECK(ErasedBy(Int(4), Int(5), Int(7)) == 3);     // += 1 over three others' += 1
  CHECK(ErasedBy(Int(10), Int(8), Int(4)) == 3);    // -= 2 over three others' -= 2
  CHECK(ErasedBy(Int(4), Int(5), Int(3)) == -1);    // it brought back a value others had undone
  CHECK(ErasedBy(Double(100.0), Double(101.0), Double(102.0)) == 2);
}

TEST_CASE("ErasedBy: any other write that replaced a value it did not read counts one") {
  CHECK(ErasedBy(Int(4), Int(8), Int(5)) == 1);   // *= 2 over someone's += 1
  CHECK(ErasedBy(Int(4), Int(4), Int(9)) == 1);   // wrote back what it read over a change
  CHECK(ErasedBy(Double(0.5), Double(1.0), Double(0.7)) == 1);
}

TEST_CASE("slot facts: lost updates at the writes that erased them, whatever the clocks say") {
  // Two children read 0; child 1 writes 1; child 2 writes 1 over it (stamped earlier than child
  // 1's write: clocks of two cores can disagree, the exchange cannot).
  const RunFacts facts = Facts({
      E(10, 0, EventKind::kRead, 0, 0), E(11, 1, EventKind::kRead, 0, 0),
      E(30, 0, EventKind::kWrite, 0, 1, 0),
      E(25, 1, EventKind::kWrite, 0, 1, 1),  // replaced child 1's 1, having read 0
      E(40, 0, EventKind::kRead, 0, 1), E(41, 0, EventKind::kWrite, 0, 2, 1),
  });
  const SlotFacts* slot = facts.slot(0);
  REQUIRE(slot != nullptr);
  CHECK(slot->reads == 3);
  CHECK(slot->writes == 3);
  CHECK(slot->lost == 1);
  REQUIRE(slot->lost_updates.size() == 1);
  const LostUpdate& lost = slot->lost_updates[0];
  CHECK(lost.lane == 1);
  CHECK(lost.t_ns == 25);
  CHECK(lost.read == Int(0));
  CHECK(lost.written == Int(1));
  CHECK(lost.replaced == Int(1));
  CHECK(lost.erased == 1);
  CHECK(lost.overwritten_lane == kNoLane);  // by time, child 1's write came later: not found
  CHECK(slot->last_written == Int(2));
  // final - initial == writes - lost, for updates by one.
  CHECK(slot->last_written.field - 0 == slot->writes - slot->lost);
}

TEST_CASE("slot facts: the overwritten write is found when it came first by time") {
  const RunFacts facts = Facts({
      E(10, 0, EventKind::kRead, 0, 0), E(11, 1, EventKind::kRead, 0, 0),
      E(20, 0, EventKind::kWrite, 0, 1, 0), E(30, 1, EventKind::kWrite, 0, 1, 1),
  });
  REQUIRE(facts.slot(0)->lost_updates.size() == 1);
  CHECK(facts.slot(0)->lost_updates[0].overwritten_lane == 0);
  CHECK(facts.lost_total() == 1);
}

TEST_CASE("slot facts: a plain store (no read before it) loses nothing") {
  const RunFacts facts = Facts({E(10, 0, EventKind::kWrite, 0, 5, 3), E(20, 1, EventKind::kWrite, 0, 9, 5)});
  CHECK(facts.slot(0)->lost == 0);
  CHECK(facts.slot(0)->writes == 2);
}

TEST_CASE("slot facts: double slots keep their values and their lost updates") {
  const RunFacts facts = Facts({
      E(10, 0, EventKind::kRead, 1, Double(100.0).field, 0, ValueType::kDouble),
      E(11, 1, EventKind::kRead, 1, Double(100.0).field, 0, ValueType::kDouble),
      E(20, 0, EventKind::kWrite, 1, Double(101.0).field, Double(100.0).field, ValueType::kDouble),
      E(30, 1, EventKind::kWrite, 1, Double(101.0).field, Double(101.0).field, ValueType::kDouble),
  });
  const SlotFacts* slot = facts.slot(1);
  REQUIRE(slot != nullptr);
  CHECK(slot->last_written.AsDouble() == 101.0);
  CHECK(slot->last_written.Text() == "101.0");
  CHECK(slot->lost == 1);
}

TEST_CASE("slot facts: the children's tallies replace counts thinned by dropped events") {
  RunFacts facts(0);
  // Only one of child 1's ten writes reached the trace; its tally knows all ten and 3 losses.
  facts.Add(std::vector<Event>{E(10, 0, EventKind::kRead, 0, 0), E(20, 0, EventKind::kWrite, 0, 1, 0)});
  facts.SetDrops(0, 18);
  facts.ApplyTally(0, 0, SlotTally{10, 10, 3});
  facts.Finalise();
  CHECK(facts.slot(0)->writes == 10);
  CHECK(facts.slot(0)->reads == 10);
  CHECK(facts.slot(0)->lost == 3);
  CHECK(facts.slot(0)->exact);  // the tally covers the lane that dropped
}

TEST_CASE("slot facts: a lane that dropped events without a tally makes the slot inexact") {
  RunFacts facts(0);
  facts.Add(std::vector<Event>{E(10, 0, EventKind::kRead, 0, 0), E(20, 0, EventKind::kWrite, 0, 1, 0)});
  facts.SetDrops(0, 5);
  facts.Finalise();
  CHECK_FALSE(facts.slot(0)->exact);
}

TEST_CASE("a traced value's own tally counts what the fact layer counts from its events") {
  alignas(64) static unsigned char memory[1 << 12];
  EventRing* ring = EventRing::Create(memory, 64);
  Emitter emit(ring, 0);
  std::atomic<int32_t> shared{0};
  SharedSlotTally tally;
  TracedValue<int32_t> value(shared, emit, 7, &tally);
  const int32_t seen = value.Read();
  shared.store(5);  // another process's writes land in between
  value.Write(seen + 1);
  value.Write(value.Read() + 1);
  std::vector<Event> events;
  ring->Drain(events);
  CHECK(tally.reads.load() == 2);
  CHECK(tally.writes.load() == 2);
  CHECK(tally.erased.load() == 5);  // its first write erased five updates
  const RunFacts facts = Facts(events);
  CHECK(facts.slot(7)->lost == tally.erased.load());
  CHECK(facts.slot(7)->writes == tally.writes.load());
}

// ------------------------------------------------------------------------------- lock facts

TEST_CASE("lock facts: waits and holds per lane, per lock, from the events") {
  const RunFacts facts = Facts({
      E(10, 0, EventKind::kLockWait, 3), E(12, 0, EventKind::kLockAcquired, 3),
      E(20, 0, EventKind::kLockReleased, 3),
      E(11, 1, EventKind::kLockWait, 3), E(20, 1, EventKind::kLockAcquired, 3),
      E(25, 1, EventKind::kLockReleased, 3),
      E(30, 1, EventKind::kLockWait, 4), E(31, 1, EventKind::kLockAcquired, 4),
  });
  const LockFacts* three = facts.lock(3);
  REQUIRE(three != nullptr);
  CHECK(three->acquisitions == 2);
  CHECK(three->lanes.Find(0)->wait_ns == 2);
  CHECK(three->lanes.Find(0)->hold_ns == 8);
  CHECK(three->lanes.Find(1)->wait_ns == 9);
  CHECK(three->lanes.Find(1)->hold_ns == 5);
  CHECK(three->wait_ns() == 11);
  CHECK(three->hold_ns() == 13);
  CHECK(three->Holder() == kNoLane);
  // Lock 4 is still held by child 2 as far as the events go.
  const LockFacts* four = facts.lock(4);
  REQUIRE(four != nullptr);
  CHECK(four->Holder() == 1);
  CHECK(four->HeldSince() == 31);
  CHECK(four->Waiters().empty());
}

TEST_CASE("lock facts: an ended process's open spans end with it, marked as cut") {
  const RunFacts facts = Facts({E(10, 0, EventKind::kLockWait, 0), E(12, 0, EventKind::kLockAcquired, 0),
                                E(15, 1, EventKind::kLockWait, 0)},
                               {Killed(0, 1, 100), Killed(1, 1, 101)});
  const LockFacts* lock = facts.lock(0);
  REQUIRE(lock->spans.size() == 3);
  CHECK(lock->spans[1].end_ns == 100);
  CHECK(lock->spans[1].cut);
  CHECK(lock->spans[2].end_ns == 101);
  CHECK(lock->spans[2].cut);
  CHECK_FALSE(lock->spans[0].cut);
  CHECK(lock->Holder() == kNoLane);
}

TEST_CASE("lock facts: a holder that died is recorded with who recovered the lock") {
  std::vector<Event> events = {E(10, 0, EventKind::kLockAcquired, 0),
                               E(50, 1, EventKind::kLockWait, 0), E(60, 1, EventKind::kLockOwnerDied, 0, 0),
                               E(60, 1, EventKind::kLockAcquired, 0), E(70, 1, EventKind::kLockReleased, 0),
                               E(40, kParentLane, EventKind::kKill, static_cast<uint32_t>(KillReason::kLesson), 0, 9)};
  const RunFacts facts = Facts(events, {Killed(0, 1, 55), Exited(1, 1, 80)});
  const LockFacts* lock = facts.lock(0);
  REQUIRE(lock->owner_deaths.size() == 1);
  CHECK(lock->owner_deaths[0].dead_lane == 0);
  CHECK(lock->owner_deaths[0].recovered_by == 1);
  CHECK_FALSE(lock->owner_deaths[0].by_stop);  // the lesson killed it: a death to explain
  const Sentence s = ExplainOwnerDeath(facts, *lock, lock->owner_deaths[0]);
  CHECK_THAT(s.en, Catch::StartsWith("Child 1 (pid 1000) died holding lock 0; child 2 (pid 1001)"));
  // The same death when ProcLab itself ended the run is a side effect of the stop.
  events.back().object = static_cast<uint32_t>(KillReason::kStop);
  CHECK(Facts(events, {Killed(0, 1, 55), Exited(1, 1, 80)}).lock(0)->owner_deaths[0].by_stop);
}

TEST_CASE("lock facts: a dead holder's hold ends when the lock is recovered, though its reaping comes later") {
  // Child 1 dies holding the lock; child 2 recovers it at 60; child 1 is reaped only at 75.
  const std::vector<Event> events = {E(10, 0, EventKind::kLockAcquired, 0), E(50, 1, EventKind::kLockWait, 0),
                                     E(60, 1, EventKind::kLockOwnerDied, 0, 0), E(60, 1, EventKind::kLockAcquired, 0),
                                     E(70, 1, EventKind::kLockReleased, 0)};
  auto check = [](const RunFacts& facts) {
    const LockFacts* lock = facts.lock(0);
    REQUIRE(lock != nullptr);
    REQUIRE(lock->spans.size() == 3);
    const auto it = std::find_if(lock->spans.begin(), lock->spans.end(), [](const LockSpan& s) { return s.lane == 0; });
    REQUIRE(it != lock->spans.end());
    const LockSpan& dead = *it;
    CHECK(dead.kind == LockSpanKind::kHold);
    CHECK(dead.begin_ns == 10);
    CHECK(dead.end_ns == 60);  // not 75: from 60 on the lock is child 2's
    CHECK(dead.cut);
    CHECK(lock->lanes.Find(0)->hold_ns == 50);
    // Holds never overlap: at any moment at most one lane holds it.
    for (const LockSpan& a : lock->spans)
      for (const LockSpan& b : lock->spans)
        if (&a != &b && a.kind == LockSpanKind::kHold && b.kind == LockSpanKind::kHold)
          CHECK((a.end_ns <= b.begin_ns || b.end_ns <= a.begin_ns));
  };
  SECTION("folded in time order, live: the recoverer is the holder at once") {
    RunFacts facts(0);
    facts.Add(events);
    CHECK(facts.lock(0)->Holder() == kNoLane);  // released at 70
    facts.UpdateChildren({Killed(0, 1, 75), Exited(1, 1, 80)}, {true, true});
    check(facts);
  }
  SECTION("folded lane by lane, the recoverer's lane first") {
    RunFacts facts(0);
    std::vector<Event> first, second;
    for (const Event& e : events) (e.worker == 1 ? first : second).push_back(e);
    facts.Add(first);
    facts.Add(second);
    facts.UpdateChildren({Killed(0, 1, 75), Exited(1, 1, 80)}, {true, true});
    check(facts);
  }
}

TEST_CASE("the wait-for graph: two children each holding what the other waits for is a cycle") {
  const RunFacts facts = Facts({
      E(10, 0, EventKind::kLockAcquired, 0), E(11, 1, EventKind::kLockAcquired, 1),
      E(20, 0, EventKind::kLockWait, 1), E(22, 1, EventKind::kLockWait, 0),
  });
  const std::optional<Deadlock> deadlock = facts.FindDeadlock();
  REQUIRE(deadlock);
  REQUIRE(deadlock->cycle.size() == 2);
  CHECK(deadlock->cycle[0].lane == 0);
  CHECK(deadlock->cycle[0].holds == 0);
  CHECK(deadlock->cycle[0].waits_for == 1);
  CHECK(deadlock->cycle[1].lane == 1);
  CHECK(deadlock->cycle[1].holds == 1);
  CHECK(deadlock->cycle[1].waits_for == 0);
  CHECK(deadlock->formed_ns == 22);  // when the last wait of the cycle began
}

TEST_CASE("the wait-for graph: a chain that does not close is no deadlock") {
  const RunFacts facts = Facts({
      E(10, 0, EventKind::kLockAcquired, 0), E(11, 1, EventKind::kLockAcquired, 1),
      E(20, 0, EventKind::kLockWait, 1), E(22, 2, EventKind::kLockWait, 0),
  });
  CHECK_FALSE(facts.FindDeadlock());
}

TEST_CASE("the wait-for graph: a cycle through four children, read from its lowest child") {
  std::vector<Event> events;
  for (uint16_t c = 0; c < 4; ++c) {
    events.push_back(E(10 + c, c, EventKind::kLockAcquired, c));
    events.push_back(E(30 - c, c, EventKind::kLockWait, (c + 1u) % 4u));
  }
  RunFacts facts(0);
  facts.Add(events);
  const std::optional<Deadlock> deadlock = facts.FindDeadlock();
  REQUIRE(deadlock);
  REQUIRE(deadlock->cycle.size() == 4);
  for (int i = 0; i < 4; ++i) {
    CHECK(deadlock->cycle[static_cast<size_t>(i)].lane == i);
    CHECK(deadlock->cycle[static_cast<size_t>(i)].waits_for == static_cast<uint32_t>((i + 1) % 4));
  }
  const Sentence s = ExplainDeadlock(facts, *deadlock);
  CHECK_THAT(s.en, Catch::StartsWith("Deadlock: child 1 holds lock 0 and waits for lock 1, which child 2 holds"));
  CHECK_THAT(s.zh, Catch::StartsWith("死锁：子进程 1持有锁 0，在等锁 1"));
}

TEST_CASE("the wait-for graph: a released lock breaks the cycle") {
  const RunFacts facts = Facts({
      E(10, 0, EventKind::kLockAcquired, 0), E(11, 1, EventKind::kLockAcquired, 1),
      E(20, 0, EventKind::kLockWait, 1), E(22, 1, EventKind::kLockWait, 0),
      E(23, 0, EventKind::kLockReleased, 0),
  });
  CHECK_FALSE(facts.FindDeadlock());
}

TEST_CASE("a stuck lock in words: who holds it since when, who waits") {
  std::vector<Event> events = DeclarationEvents(ObjectKind::kLock, 0, "lock", {}, kParentLane);
  events.push_back(E(2'000'000, 0, EventKind::kLockAcquired, 0));
  events.push_back(E(3'000'000, 1, EventKind::kLockWait, 0));
  const RunFacts facts = Facts(events);
  const Sentence s = ExplainLockHeld(facts, 0);
  CHECK(s.en == "Child 1 has held 'lock' since 2.0 ms and is still running. Child 2 waits for it (since 3.0 ms).");
  CHECK(s.zh == "子进程 1从 2.0 ms 起一直持有“lock”，并且仍在运行。子进程 2从 3.0 ms 起在等它。");
}

// ------------------------------------------------------------------------------ queue facts

TEST_CASE("queue facts: the k-th put's item is the one the k-th get took, producer and consumer") {
  const RunFacts facts = Facts({
      E(10, 0, EventKind::kQueuePut, 5, 1, 1), E(30, 0, EventKind::kQueuePut, 5, 4, 1),
      E(20, 1, EventKind::kQueuePut, 5, -1, 2),
      E(25, kParentLane, EventKind::kQueueGet, 5, 1, 1), E(40, kParentLane, EventKind::kQueueGet, 5, -1, 1),
  });
  const QueueFacts* queue = facts.queue(5);
  REQUIRE(queue != nullptr);
  const std::vector<QueueItemTrip> trips = queue->Trips();
  REQUIRE(trips.size() == 3);
  CHECK(trips[0].value == 1);
  CHECK(trips[0].producer == 0);
  CHECK(trips[0].consumer == kParentFactLane);
  CHECK(trips[1].value == -1);
  CHECK(trips[1].producer == 1);
  CHECK(trips[1].get_ns == 40);
  CHECK(trips[2].value == 4);
  CHECK(trips[2].consumer == kNoLane);  // still in the queue
  CHECK(queue->max_depth == 2);
  CHECK(queue->DepthAt(5) == 0);
  CHECK(queue->DepthAt(22) == 2);
  CHECK(queue->DepthAt(26) == 1);
  CHECK(queue->lanes.Find(0)->puts == 2);
  CHECK(queue->lanes.Find(kParentFactLane)->gets == 2);
}

TEST_CASE("queue facts: the replay never takes an item out before it went in") {
  // The get is stamped before the put of the item it took (two cores' clocks).
  const RunFacts facts = Facts({E(20, 0, EventKind::kQueuePut, 0, 7, 1), E(19, 1, EventKind::kQueueGet, 0, 7, 0)});
  const std::vector<QueueFacts::Step> steps = facts.queue(0)->Steps();
  REQUIRE(steps.size() == 2);
  CHECK_FALSE(steps[0].get);
  CHECK(steps[1].get);
}

TEST_CASE("queue facts: blocked spans are kept apart for a full queue and an empty one") {
  const RunFacts facts = Facts({
      E(10, 0, EventKind::kQueueBlocked, 0, 0), E(30, 0, EventKind::kQueueUnblocked, 0, 0),
      E(40, 1, EventKind::kQueueBlocked, 0, 1), E(45, 1, EventKind::kQueueUnblocked, 0, 1),
      E(50, 0, EventKind::kQueueBlocked, 0, 0),
  });
  const QueueFacts* queue = facts.queue(0);
  CHECK(queue->BlockedFullNs(0) == 20);
  CHECK(queue->BlockedFullNs(0, 60) == 30);  // the open span, up to now
  CHECK(queue->BlockedEmptyNs(1) == 5);
  CHECK(queue->BlockedFullNs(1) == 0);
}

// ------------------------------------------------------------------------------- pool facts

TEST_CASE("pool facts: states, tasks per worker, callbacks, replacements; a dead worker's task fails") {
  std::vector<Event> events = DeclarationEvents(ObjectKind::kPool, 1, "pool", {}, kParentLane);
  for (Event& e : events) e.t_ns = 1;
  const std::vector<Event> more = {
      E(2, kParentLane, EventKind::kPoolState, 1, static_cast<int64_t>(PoolState::kRunning)),
      E(10, 0, EventKind::kTaskStart, 1, 0, 2), E(20, 0, EventKind::kTaskEnd, 1, 0, 2),
      E(11, 1, EventKind::kTaskStart, 1, 3, 5), E(21, 1, EventKind::kTaskFailed, 1, 3, 5),
      E(25, 0, EventKind::kTaskStart, 1, 6, 8),  // its worker dies during it
      E(30, kParentLane, EventKind::kPoolReplaced, 1, 0, 2),
      E(31, kParentLane, EventKind::kPoolCallback, 1, 9, 0),
      E(40, kParentLane, EventKind::kPoolState, 1, static_cast<int64_t>(PoolState::kClosed)),
  };
  events.insert(events.end(), more.begin(), more.end());
  const RunFacts facts = Facts(events, {Killed(0, 1, 28), Exited(1, 1, 50), Exited(2, 29, 50)});
  const PoolFacts* pool = facts.pool(1);
  REQUIRE(pool != nullptr);
  REQUIRE(pool->tasks.size() == 3);
  CHECK(pool->tasks[0].ok);
  CHECK(pool->tasks[0].end_ns == 20);
  CHECK_FALSE(pool->tasks[1].ok);  // raised
  CHECK_FALSE(pool->tasks[2].ok);  // its worker died
  CHECK(pool->tasks[2].end_ns == 28);
  CHECK(pool->TasksOf(0).size() == 2);
  REQUIRE(pool->states.size() == 2);
  CHECK(pool->StateAt(1) == -1);
  CHECK(pool->StateAt(35) == static_cast<int>(PoolState::kRunning));
  CHECK(pool->StateAt(45) == static_cast<int>(PoolState::kClosed));
  CHECK(pool->ReplacementOf(0) == 2);
  CHECK(pool->Replaced(2) == 0);
  REQUIRE(pool->callbacks.size() == 1);
  CHECK(pool->callbacks[0].value == 9);
  CHECK_FALSE(pool->callbacks[0].error);
}

TEST_CASE("task events outside a declared pool belong to the child, not to a pool") {
  const RunFacts facts = Facts({E(10, 0, EventKind::kTaskStart, 0, 0, 9), E(20, 0, EventKind::kTaskEnd, 0, 0, 9)},
                               {Exited(0, 1, 30)});
  CHECK(facts.pools().empty());
  REQUIRE(facts.child(0).tasks.size() == 1);
  CHECK(facts.child(0).tasks[0].end_ns == 20);
}

// ------------------------------------------------------------------------------ child facts

TEST_CASE("child facts: a child that reports an error goes on running; its end is its reaping") {
  const RunFacts facts = Facts({E(10, 0, EventKind::kStarted, 0, 1000), E(20, 0, EventKind::kFailed, 0, 1),
                                E(30, 0, EventKind::kLockWait, 0), E(40, 0, EventKind::kFinished, 0, 0)},
                               {Exited(0, 5, 50)});
  const ChildFacts& child = facts.child(0);
  CHECK(child.started_ns == 10);
  CHECK(child.failed_ns == 20);
  CHECK(child.finished_ns == 40);
  CHECK(child.end_ns() == 50);
  CHECK(child.StateAt(25) == LaneState::kRunning);  // not "exited" at its error
  CHECK(child.StateAt(35) == LaneState::kLockWait);
  CHECK(child.StateAt(45) == LaneState::kRunning);  // its code returned, it is not reaped yet
  CHECK(child.StateAt(50) == LaneState::kExited);   // exited when reaped: the end every report gives
  CHECK(child.StateAt(60) == LaneState::kExited);
  CHECK(child.StateAt(6) == LaneState::kStarting);
  CHECK(child.StateAt(1) == LaneState::kNone);
  CHECK(HowItEnded(child, Language::kEnglish) == "exited with status 0");
  CHECK(HowItEnded(child, Language::kChinese) == "以状态码 0 退出");
}

TEST_CASE("child facts: a sleep shows as sleeping until it ends or something else happens") {
  const RunFacts facts = Facts({E(10, 0, EventKind::kStarted, 0, 1), E(20, 0, EventKind::kSleep, 0, 5),
                                E(40, 0, EventKind::kSleep, 0, 1000), E(45, 0, EventKind::kRead, 0, 1)});
  const ChildFacts& child = facts.child(0);
  CHECK(child.StateAt(22) == LaneState::kSleeping);
  CHECK(child.StateAt(5000 + 21) == LaneState::kRunning);  // 5 us later it woke
  CHECK(child.StateAt(42) == LaneState::kSleeping);
  CHECK(child.StateAt(46) == LaneState::kRunning);  // the read cut the 1 ms sleep short
}

TEST_CASE("child facts: who sent the signal that ended a child, and why") {
  const RunFacts facts = Facts({E(40, kParentLane, EventKind::kKill, static_cast<uint32_t>(KillReason::kStall), 0, 9)},
                               {Killed(0, 1, 50), Killed(1, 1, 51)});
  CHECK(facts.child(0).killed_by_proclab);
  CHECK(facts.child(0).kill_reason == KillReason::kStall);
  CHECK(HowItEnded(facts.child(0), Language::kEnglish) == "stopped by ProcLab after the run stalled (SIGKILL)");
  CHECK_FALSE(facts.child(1).killed_by_proclab);  // nobody at ProcLab sent that one
  CHECK(HowItEnded(facts.child(1), Language::kEnglish) == "killed by signal 9 (SIGKILL)");
  CHECK(facts.child(1).StateNow() == LaneState::kKilled);
}

TEST_CASE("child facts: time per state up to a moment, from the summaries and the changes") {
  std::vector<Event> events = {E(0, 0, EventKind::kStarted, 0, 1)};
  // 100 lock holds of 10 ns each, 10 ns apart: more changes than one summary block.
  for (int i = 0; i < 100; ++i) {
    events.push_back(E(100 + 20 * i, 0, EventKind::kLockAcquired, 0));
    events.push_back(E(110 + 20 * i, 0, EventKind::kLockReleased, 0));
  }
  RunFacts facts(0);
  facts.Add(events);
  facts.UpdateChildren({Exited(0, 0, 5000)}, {false});  // not all in: summaries, no end yet
  const ChildFacts& child = facts.child(0);
  CHECK(child.block_time.size() >= 2);
  StateTimes times{};
  long cursor = -1;
  TimeUpTo(child, 2100, cursor, times);
  CHECK(times[static_cast<size_t>(LaneState::kLockHeld)] == 1000);
  CHECK(times[static_cast<size_t>(LaneState::kRunning)] == 1100);
}

// -------------------------------------------------------------------------- run facts

TEST_CASE("names come from declarations, in chunks, per lane; stalls and joins are kept") {
  std::vector<Event> events = DeclarationEvents(ObjectKind::kSlot, 3, "a name longer than sixteen bytes",
                                                Int(42), kParentLane);
  const std::vector<Event> lock = DeclarationEvents(ObjectKind::kLock, 3, "same id, a lock", {}, 0);
  events.insert(events.end(), lock.begin(), lock.end());
  events.push_back(E(50, kParentLane, EventKind::kStall, 3, static_cast<int64_t>(StallCause::kNoProgress), 1500));
  events.push_back(E(60, kParentLane, EventKind::kJoinBegin, 0, 1));
  events.push_back(E(70, kParentLane, EventKind::kJoinEnd, 0, 1));
  const RunFacts facts = Facts(events);
  CHECK(facts.NameOf(ObjectKind::kSlot, 3) == "a name longer than sixteen bytes");
  CHECK(facts.slot(3)->name == "a name longer than sixteen bytes");
  CHECK(facts.slot(3)->initial == Int(42));
  CHECK(facts.NameOf(ObjectKind::kLock, 3) == "same id, a lock");
  CHECK(facts.lock(3)->name == "same id, a lock");
  REQUIRE(facts.stalls().size() == 1);
  CHECK(facts.stalls()[0].cause == StallCause::kNoProgress);
  CHECK(facts.stalls()[0].quiet_ms == 1500);
  REQUIRE(facts.joins().size() == 1);
  CHECK(facts.joins()[0].lane == 1);
  CHECK(facts.joins()[0].end_ns == 70);
}

TEST_CASE("facts fed in pieces, lane by lane, equal the facts fed at once") {
  std::vector<Event> all;
  for (int i = 0; i < 50; ++i) {
    const uint16_t lane = static_cast<uint16_t>(i % 2);
    all.push_back(E(10 * i, lane, EventKind::kRead, 0, i / 2));
    all.push_back(E(10 * i + 5, lane, EventKind::kWrite, 0, i / 2 + 1, i / 2 + (i % 3 == 0 ? 1 : 0)));
  }
  RunFacts once(0), pieces(0);
  once.Add(all);
  for (uint16_t lane : {1, 0}) {
    std::vector<Event> mine;
    for (const Event& e : all)
      if (e.worker == lane) mine.push_back(e);
    pieces.Add(std::span(mine).first(mine.size() / 2));
    pieces.Add(std::span(mine).subspan(mine.size() / 2));
  }
  once.Finalise();
  pieces.Finalise();
  CHECK(once.slot(0)->lost == pieces.slot(0)->lost);
  CHECK(once.slot(0)->writes == pieces.slot(0)->writes);
  CHECK(once.slot(0)->lost_updates.size() == pieces.slot(0)->lost_updates.size());
  CHECK(once.events() == pieces.events());
}

TEST_CASE("DeriveFacts reads a whole trace: lanes, the parent's lane, drops and children") {
  Trace trace;
  trace.Reset(100);
  trace.Append({E(110, 0, EventKind::kStarted, 0, 1), E(120, kParentLane, EventKind::kJoinBegin, 0, 0)});
  trace.SetDrops(0, 4);
  const RunFacts facts = DeriveFacts(trace, {Exited(0, 105, 130)});
  CHECK(facts.t0_ns() == 100);
  CHECK(facts.events() == 2);
  CHECK(facts.drops() == 4);
  CHECK(facts.child(0).started_ns == 110);
  CHECK(facts.joins().size() == 1);
  CHECK(facts.final());
}

// Trace: events sorted into lanes (one per child, plus the parent's), drops per lane, and a
// time-ordered merge across lanes.
#include <catch2/catch.hpp>
#include <vector>

#include "core/event.hpp"
#include "core/trace.hpp"

using namespace proclab;

namespace {

Event At(int64_t t_ns, uint16_t worker, EventKind kind = EventKind::kResult, int64_t a = 0) {
  return Event{t_ns, worker, kind, ValueType::kInt, 0, a, 0};
}

}  // namespace

TEST_CASE("a reset trace is empty and measures milliseconds from its start") {
  Trace trace;
  trace.Append({At(5, 0)});
  trace.SetDrops(0, 2);
  trace.Reset(1'000'000'000);
  CHECK(trace.size() == 0);
  CHECK(trace.lanes() == 0);
  CHECK(trace.parent_lane().empty());
  CHECK(trace.drops() == 0);
  CHECK(trace.t0_ns() == 1'000'000'000);
  CHECK(trace.Ms(1'001'500'000) == Approx(1.5));
  CHECK(trace.Ms(1'000'000'000) == 0.0);
}

TEST_CASE("events go to their worker's lane and the parent's to the parent lane, in order") {
  Trace trace;
  trace.Reset(0);
  trace.Append({At(10, 0, EventKind::kStarted, 100), At(11, 2, EventKind::kStarted, 102),
                At(12, kParentLane, EventKind::kResult, 7), At(13, 0, EventKind::kFinished)});
  trace.Append({At(20, 2, EventKind::kFinished), At(21, 0, EventKind::kResult, 1)});

  CHECK(trace.size() == 6);
  CHECK(trace.lanes() == 3);  // lane 1 exists, empty, because lane 2 does
  REQUIRE(trace.lane(0).size() == 3);
  CHECK(trace.lane(0)[0].kind == EventKind::kStarted);
  CHECK(trace.lane(0)[0].a == 100);
  CHECK(trace.lane(0)[1].kind == EventKind::kFinished);
  CHECK(trace.lane(0)[2].t_ns == 21);
  CHECK(trace.lane(1).empty());
  REQUIRE(trace.lane(2).size() == 2);
  CHECK(trace.lane(2)[0].a == 102);
  CHECK(trace.lane(2)[1].t_ns == 20);
  REQUIRE(trace.parent_lane().size() == 1);
  CHECK(trace.parent_lane()[0].a == 7);
  CHECK(trace.lane(3).empty());   // beyond the last lane: empty, not a crash
  CHECK(trace.lane(-1).empty());
}

TEST_CASE("drops are kept per lane, replaced by the latest count, and totalled") {
  Trace trace;
  trace.Reset(0);
  trace.SetDrops(0, 3);
  trace.SetDrops(2, 5);
  CHECK(trace.drops() == 8);
  CHECK(trace.drops(0) == 3);
  CHECK(trace.drops(1) == 0);
  CHECK(trace.drops(2) == 5);
  CHECK(trace.drops(7) == 0);
  trace.SetDrops(0, 4);  // a ring's drop counter only grows: the trace takes the latest value
  CHECK(trace.drops(0) == 4);
  CHECK(trace.drops() == 9);
  trace.SetDrops(-1, 100);  // no such lane: ignored
  CHECK(trace.drops() == 9);
}

TEST_CASE("the merged trace holds every event of every lane in time order") {
  Trace trace;
  trace.Reset(0);
  // Each drain brings one lane's events in that lane's order; lanes interleave in time.
  trace.Append({At(1, 0), At(4, 0), At(2, 1), At(3, 1), At(5, kParentLane)});
  trace.Append({At(6, 0), At(9, 0), At(12, 0), At(7, 1), At(10, 1), At(8, 2),
                At(11, kParentLane)});  // a second drain of every ring

  const std::vector<Event> merged = trace.Merged();
  REQUIRE(merged.size() == trace.size());
  REQUIRE(merged.size() == 12);
  for (size_t i = 0; i < merged.size(); ++i) CHECK(merged[i].t_ns == static_cast<int64_t>(i + 1));
  CHECK(merged[4].worker == kParentLane);
  CHECK(merged[7].worker == 2);
}

TEST_CASE("children's events at the same instant merge in child index order") {
  Trace trace;
  trace.Reset(0);
  trace.Append({At(5, 2, EventKind::kWrite), At(5, 0, EventKind::kRead),
                At(5, kParentLane, EventKind::kResult), At(5, 1, EventKind::kLockWait)});
  std::vector<uint16_t> children;
  int parents = 0;
  for (const Event& event : trace.Merged()) {
    if (event.worker == kParentLane)
      ++parents;
    else
      children.push_back(event.worker);
  }
  CHECK(parents == 1);
  CHECK(children == std::vector<uint16_t>{0, 1, 2});
}

TEST_CASE("an empty trace merges to nothing") {
  Trace trace;
  trace.Reset(42);
  CHECK(trace.Merged().empty());
}

TEST_CASE("every event kind has a distinct, readable name") {
  std::vector<std::string> names;
  for (int k = 0; k < static_cast<int>(EventKind::kCount); ++k) {
    const std::string name(EventKindName(static_cast<EventKind>(k)));
    CHECK_FALSE(name.empty());
    CHECK(name != "unknown");
    for (const std::string& other : names) CHECK(name != other);
    names.push_back(name);
  }
  CHECK(names.size() == static_cast<size_t>(EventKind::kCount));
}

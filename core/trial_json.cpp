#include "core/trial_json.hpp"

namespace proclab {

using nlohmann::json;

namespace {

json MsOrNull(const RunFacts& facts, int64_t t_ns) {
  return t_ns != 0 ? json(facts.Ms(t_ns)) : json(nullptr);
}

json ValueJson(const SlotValue& value) {
  if (value.type == ValueType::kInt) return value.field;
  return value.AsDouble();
}

std::string_view KillReasonName(KillReason reason) {
  switch (reason) {
    case KillReason::kLesson: return "lesson";
    case KillReason::kStop: return "stop";
    case KillReason::kStall: return "stall";
    case KillReason::kDeadline: return "deadline";
  }
  return "?";
}

std::string_view StallCauseName(StallCause cause) {
  switch (cause) {
    case StallCause::kNoProgress: return "no progress";
    case StallCause::kQueueFullNoGet: return "full queue nobody drains";
    case StallCause::kDeadlock: return "deadlock";
  }
  return "?";
}

}  // namespace

json ProcessesJson(const RunFacts& facts) {
  json processes = json::array();
  for (int lane = 0; lane < facts.children(); ++lane) {
    const ChildFacts& child = facts.child(lane);
    const ChildRecord& r = child.record;
    json entry = {
        {"index", lane + 1},
        {"pid", r.pid},
        {"state", std::string(ChildStateName(r.state))},
        {"exit_status", r.state == ChildState::kExited ? json(r.exit_status) : json(nullptr)},
        {"signal", r.signal != 0 ? json(r.signal) : json(nullptr)},
        {"start_ms", MsOrNull(facts, r.spawn_ns)},
        {"running_ms", MsOrNull(facts, child.started_ns)},
        {"end_ms", MsOrNull(facts, r.end_ns)},
        {"ended", HowItEnded(child, Language::kEnglish)},
    };
    if (child.killed_by_proclab && r.state == ChildState::kKilled)
      entry["killed_by_proclab"] = KillReasonName(child.kill_reason);
    if (!child.error.empty()) entry["error"] = child.error;
    if (child.has_result) entry["result"] = child.result;
    processes.push_back(std::move(entry));
  }
  return processes;
}

json DeadlockJson(const std::optional<Deadlock>& deadlock) {
  if (!deadlock) return nullptr;
  json cycle = json::array();
  for (const DeadlockEdge& edge : deadlock->cycle)
    cycle.push_back({{"child", edge.lane + 1}, {"holds", edge.holds}, {"waits_for", edge.waits_for}});
  return {{"cycle", std::move(cycle)}};
}

json FactsJson(const RunFacts& facts) {
  json out = json::object();
  json shared = json::array();
  for (const auto& [id, slot] : facts.slots())
    shared.push_back({{"id", id}, {"name", slot.name}, {"initial", ValueJson(slot.initial)},
                      {"last_written", ValueJson(slot.last_written)}, {"reads", slot.reads},
                      {"writes", slot.writes}, {"lost", slot.lost}, {"exact", slot.exact}});
  out["shared"] = std::move(shared);
  json locks = json::array();
  for (const auto& [id, lock] : facts.locks()) {
    if ((id & kQueueLockBit) != 0) continue;  // a queue's own lock: part of the queue
    json holders = json::array();
    lock.lanes.ForEach([&](int lane, const LockFacts::PerLane& mine) {
      if (mine.acquisitions == 0 && mine.wait_ns == 0) return;
      holders.push_back({{"child", lane < 0 ? json("parent") : json(lane + 1)},
                         {"acquisitions", mine.acquisitions},
                         {"wait_ms", static_cast<double>(mine.wait_ns) / 1e6},
                         {"hold_ms", static_cast<double>(mine.hold_ns) / 1e6}});
    });
    json deaths = json::array();
    for (const auto& death : lock.owner_deaths)
      deaths.push_back({{"child", death.dead_lane + 1},
                        {"recovered_by", death.recovered_by < 0 ? json("parent") : json(death.recovered_by + 1)},
                        {"ms", facts.Ms(death.t_ns)}});
    locks.push_back({{"id", id}, {"name", lock.name}, {"acquisitions", lock.acquisitions},
                     {"wait_ms", static_cast<double>(lock.wait_ns()) / 1e6},
                     {"hold_ms", static_cast<double>(lock.hold_ns()) / 1e6},
                     {"by_child", std::move(holders)}, {"owner_died", std::move(deaths)}});
  }
  out["locks"] = std::move(locks);
  json queues = json::array();
  for (const auto& [id, queue] : facts.queues())
    queues.push_back({{"id", id}, {"name", queue.name}, {"puts", queue.puts().size()},
                      {"gets", queue.gets().size()}, {"max_depth", queue.max_depth}});
  out["queues"] = std::move(queues);
  json pools = json::array();
  for (const auto& [id, pool] : facts.pools()) {
    json tasks = json::array();
    for (const PoolTaskFact& task : pool.tasks)
      tasks.push_back({{"worker", task.lane + 1},
                       {"worker_pid", task.lane < facts.children() ? facts.child(task.lane).record.pid : -1},
                       {"first", task.first}, {"last", task.last},
                       {"start_ms", facts.Ms(task.start_ns)}, {"end_ms", MsOrNull(facts, task.end_ns)},
                       {"ok", task.ok}});
    json states = json::array();
    for (const PoolStateFact& state : pool.states)
      states.push_back({{"state", PoolStateName(state.state)}, {"ms", facts.Ms(state.t_ns)}});
    json replaced = json::array();
    for (const PoolReplacementFact& r : pool.replacements)
      replaced.push_back({{"dead", r.dead_lane + 1}, {"replacement", r.new_lane + 1}, {"ms", facts.Ms(r.t_ns)}});
    pools.push_back({{"id", id}, {"tasks", std::move(tasks)}, {"states", std::move(states)},
                     {"callbacks", pool.callbacks.size()}, {"replacements", std::move(replaced)}});
  }
  out["pools"] = std::move(pools);
  json stalls = json::array();
  for (const StallFact& stall : facts.stalls())
    stalls.push_back({{"cause", StallCauseName(stall.cause)}, {"object", stall.object},
                      {"detected_ms", facts.Ms(stall.t_ns)}, {"quiet_ms", stall.quiet_ms}});
  out["stalls"] = std::move(stalls);
  return out;
}

json TrialJson(const TrialResult& result) {
  const RunFacts& facts = result.facts;
  json trial = {{"processes", ProcessesJson(facts)}};
  // Each JSON object is kept in a local: a range-for over items() of a temporary dangles.
  const json facts_json = FactsJson(facts);
  for (const auto& [key, value] : facts_json.items()) trial[key] = value;
  if (result.outcome) {
    const json outcome = result.outcome->ToJson();
    for (const auto& [key, value] : outcome.items()) trial[key] = value;
  }
  trial["events"] = facts.events();
  trial["dropped_events"] = facts.drops();
  trial["duration_ms"] = result.end_ns ? result.Ms(result.end_ns) : 0.0;
  for (const RunNote& note : result.notes) trial["notes"].push_back(note.en);
  if (result.stopped) trial["stopped"] = true;
  return trial;
}

}  // namespace proclab

#include "core/trial_json.hpp"

#include <cstring>
#include <map>

namespace proclab {

using nlohmann::json;

namespace {

json MsOrNull(const RunFacts& facts, int64_t t_ns) {
  return t_ns != 0 ? json(facts.Ms(t_ns)) : json(nullptr);
}

json ValueJson(const SlotValue& value) {
  switch (value.type) {
    case ValueType::kInt: return value.field;
    case ValueType::kDouble: return value.AsDouble();
    case ValueType::kText: {
      char text[9] = {};
      std::memcpy(text, &value.field, 8);
      return std::string(text);
    }
    case ValueType::kOpaque: return nullptr;
  }
  return nullptr;
}

// A Python Value's or Array's typecode ('i', 'd' ...), or null for a C++ lesson's slot.
json TypecodeJson(const RunFacts& facts, uint32_t slot) {
  for (const Declaration& d : facts.declarations())
    if (d.kind == ObjectKind::kTypecode && d.id == slot && d.initial.field > 0 && d.initial.field < 128)
      return std::string(1, static_cast<char>(d.initial.field));
  return nullptr;
}

json SlotJson(const RunFacts& facts, const SlotFacts& slot) {
  return {{"id", slot.id}, {"name", slot.name}, {"kind", "Value"},
          {"typecode", TypecodeJson(facts, slot.id)}, {"initial", ValueJson(slot.initial)},
          {"final", ValueJson(slot.Final())}, {"last_written", ValueJson(slot.last_written)},
          {"reads", slot.reads}, {"writes", slot.writes}, {"lost", slot.lost},
          {"exact", slot.exact}};
}

// A Python Array as one entry: its elements' initial, final and lost values as lists.
json ArrayJson(const RunFacts& facts, const Declaration& array) {
  json initial = json::array(), final = json::array(), lost = json::array();
  int64_t reads = 0, writes = 0;
  bool exact = true;
  for (int64_t k = 0; k < array.initial.field; ++k) {
    const SlotFacts* slot = facts.slot(array.id + static_cast<uint32_t>(k));
    if (slot == nullptr) continue;
    initial.push_back(ValueJson(slot->initial));
    final.push_back(ValueJson(slot->Final()));
    lost.push_back(slot->lost);
    reads += slot->reads;
    writes += slot->writes;
    exact = exact && slot->exact;
  }
  return {{"id", array.id}, {"name", array.name}, {"kind", "Array"},
          {"typecode", TypecodeJson(facts, array.id)}, {"length", array.initial.field},
          {"initial", std::move(initial)}, {"final", std::move(final)}, {"reads", reads},
          {"writes", writes}, {"lost", std::move(lost)}, {"exact", exact}};
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
    if (r.pid <= 0 && child.pid <= 0) continue;  // a lane reserved for a process that never came
    const bool status = r.status_known && r.done();
    json entry = {
        {"index", lane + 1},
        {"lane", lane},
        {"pid", r.pid > 0 ? r.pid : child.pid},
        {"parent_pid", r.parent_pid > 0 ? json(r.parent_pid) : child.parent_pid > 0 ? json(child.parent_pid) : json(nullptr)},
        {"name", r.name.empty() ? json(nullptr) : json(r.name)},
        {"state", std::string(ChildStateName(r.state))},
        {"exit_status", status && r.state == ChildState::kExited ? json(r.exit_status) : json(nullptr)},
        {"signal", status && r.signal != 0 ? json(r.signal) : json(nullptr)},
        {"start_ms", MsOrNull(facts, r.spawn_ns)},
        {"running_ms", MsOrNull(facts, child.started_ns)},
        {"end_ms", MsOrNull(facts, r.end_ns)},
        {"ended", HowItEnded(child, Language::kEnglish)},
    };
    if (child.killed_by_proclab && r.state == ChildState::kKilled)
      entry["killed_by_proclab"] = KillReasonName(child.kill_reason);
    if (!child.error.empty()) entry["error"] = child.error;
    if (child.line > 0)  // a Python process: the line it was on last (its error's, if it failed)
      entry["line"] = {{"file", facts.NameOf(ObjectKind::kFile, child.file)}, {"line", child.line}};
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
  std::map<uint32_t, const Declaration*> arrays;  // first slot -> the array declared there
  for (const Declaration& d : facts.declarations())
    if (d.kind == ObjectKind::kArray) arrays[d.id] = &d;
  auto array_holding = [&](uint32_t id) -> const Declaration* {
    auto it = arrays.upper_bound(id);
    if (it == arrays.begin()) return nullptr;
    --it;
    return id < it->first + static_cast<uint32_t>(it->second->initial.field) ? it->second : nullptr;
  };
  for (const auto& [id, slot] : facts.slots()) {
    const Declaration* array = array_holding(id);
    if (array == nullptr) shared.push_back(SlotJson(facts, slot));
    else if (array->id == id) shared.push_back(ArrayJson(facts, *array));
  }
  out["shared"] = std::move(shared);
  json locks = json::array();
  for (const auto& [id, lock] : facts.locks()) {
    if ((id & kQueueLockBit) != 0) continue;  // a queue's own lock: part of the queue
    json holders = json::array();
    lock.lanes.ForEach([&](int lane, const LockFacts::PerLane& mine) {
      if (mine.acquisitions == 0 && mine.wait_ns == 0) return;
      holders.push_back({{"child", lane < 0 ? json("parent") : json(lane + 1)}, {"lane", lane},
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
    for (const PoolTaskFact& task : pool.tasks) {
      json items = json::array();
      for (int64_t item = task.first; item <= task.last && item - task.first < 100'000; ++item)
        items.push_back(item);
      tasks.push_back({{"worker", task.lane + 1},
                       {"worker_pid", task.lane < facts.children() ? facts.child(task.lane).record.pid : -1},
                       {"first", task.first}, {"last", task.last}, {"items", std::move(items)},
                       {"job", task.job >= 0 ? json(task.job) : json(nullptr)},
                       {"start_ms", facts.Ms(task.start_ns)}, {"end_ms", MsOrNull(facts, task.end_ns)},
                       {"ok", task.ok}});
    }
    json submissions = json::array();
    for (const PoolSubmitFact& s : pool.submissions)
      submissions.push_back({{"call", PoolCallName(s.call)}, {"job", s.job}, {"items", s.items},
                             {"chunksize", s.chunksize}, {"ms", facts.Ms(s.t_ns)}});
    json workers = nullptr;
    std::string name;
    for (const Declaration& d : facts.declarations())
      if (d.kind == ObjectKind::kPool && d.id == id) {
        name = d.name;
        if (d.initial.field > 0) workers = d.initial.field;
      }
    json states = json::array();
    for (const PoolStateFact& state : pool.states)
      states.push_back({{"state", PoolStateName(state.state)}, {"ms", facts.Ms(state.t_ns)}});
    json replaced = json::array();
    for (const PoolReplacementFact& r : pool.replacements)
      replaced.push_back({{"dead", r.dead_lane + 1}, {"replacement", r.new_lane + 1}, {"ms", facts.Ms(r.t_ns)}});
    pools.push_back({{"id", id}, {"name", name}, {"workers", workers}, {"tasks", std::move(tasks)},
                     {"submissions", std::move(submissions)}, {"states", std::move(states)},
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
  if (result.stopped) {
    trial["stopped"] = true;
    trial["stop_to_ended_ms"] = result.StopToEndedMs();  // the stop asked for -> the last child reaped
  }
  return trial;
}

}  // namespace proclab

#include "core/trace_export.hpp"

#include <unistd.h>

#include <map>

namespace proclab {
namespace {

using nlohmann::json;

json Metadata(int pid, const std::string& name, int sort_index) {
  return json::array({
      {{"ph", "M"}, {"pid", pid}, {"tid", pid}, {"name", "process_name"}, {"args", {{"name", name}}}},
      {{"ph", "M"},
       {"pid", pid},
       {"tid", pid},
       {"name", "process_sort_index"},
       {"args", {{"sort_index", sort_index}}}},
  });
}

}  // namespace

json ChromeTraceJson(const TrialResult& result) {
  json events = json::array();
  auto us = [&](int64_t t_ns) { return static_cast<double>(t_ns - result.trace.t0_ns()) / 1e3; };

  const int parent_pid = getpid();
  for (json& m : Metadata(parent_pid, "parent (pid " + std::to_string(parent_pid) + ")", 0))
    events.push_back(std::move(m));
  std::map<int, int> pid_of_lane;
  for (const ChildRecord& child : result.children) {
    pid_of_lane[child.index] = child.pid;
    for (json& m : Metadata(child.pid,
                            "child " + std::to_string(child.index + 1) + " (pid " +
                                std::to_string(child.pid) + ")",
                            child.index + 1))
      events.push_back(std::move(m));
    // The process's whole life as one span, ending with how it ended.
    if (child.end_ns != 0) {
      json args = {{"state", std::string(ChildStateName(child.state))}};
      if (child.state == ChildState::kExited) args["exit_status"] = child.exit_status;
      if (child.signal != 0) args["signal"] = child.signal;
      events.push_back({{"ph", "X"},
                        {"name", "process"},
                        {"cat", "process"},
                        {"pid", child.pid},
                        {"tid", child.pid},
                        {"ts", us(child.spawn_ns)},
                        {"dur", us(child.end_ns) - us(child.spawn_ns)},
                        {"args", args}});
    }
  }

  auto emit_lane = [&](const std::vector<Event>& lane, int pid) {
    // Open spans per lane: a lock hold, a task, a blocked queue operation.
    int64_t lock_since = -1, task_since = -1, blocked_since = -1;
    for (const Event& e : lane) {
      const double ts = us(e.t_ns);
      json base = {{"pid", pid}, {"tid", pid}, {"ts", ts}};
      switch (e.kind) {
        case EventKind::kLockAcquired: lock_since = e.t_ns; break;
        case EventKind::kLockReleased:
          if (lock_since >= 0) {
            base.update({{"ph", "X"}, {"name", "holds lock"}, {"cat", "lock"},
                         {"ts", us(lock_since)}, {"dur", ts - us(lock_since)}});
            events.push_back(base);
          }
          lock_since = -1;
          break;
        case EventKind::kTaskStart: task_since = e.t_ns; break;
        case EventKind::kTaskEnd:
          if (task_since >= 0) {
            base.update({{"ph", "X"},
                         {"name", "task " + std::to_string(e.a) + ".." + std::to_string(e.b)},
                         {"cat", "task"},
                         {"ts", us(task_since)},
                         {"dur", ts - us(task_since)}});
            events.push_back(base);
          }
          task_since = -1;
          break;
        case EventKind::kQueueBlocked: blocked_since = e.t_ns; break;
        case EventKind::kQueueUnblocked:
          if (blocked_since >= 0) {
            base.update({{"ph", "X"},
                         {"name", e.a == 0 ? "blocked: queue full" : "blocked: queue empty"},
                         {"cat", "queue"},
                         {"ts", us(blocked_since)},
                         {"dur", ts - us(blocked_since)}});
            events.push_back(base);
          }
          blocked_since = -1;
          break;
        case EventKind::kWrite:
          events.push_back({{"ph", "C"}, {"pid", pid}, {"ts", ts},
                            {"name", e.b == 0 ? "counter" : "array[" + std::to_string(e.b - 1) + "]"},
                            {"args", {{"value", e.a}}}});
          break;
        case EventKind::kQueuePut:
        case EventKind::kQueueGet:
          events.push_back({{"ph", "C"}, {"pid", pid}, {"ts", ts}, {"name", "queue depth"},
                            {"args", {{"depth", e.b}}}});
          [[fallthrough]];
        default:
          base.update({{"ph", "i"},
                        {"s", "t"},
                        {"name", std::string(EventKindName(e.kind))},
                        {"args", {{"a", e.a}, {"b", e.b}}}});
          events.push_back(base);
      }
    }
  };
  for (int lane = 0; lane < result.trace.lanes(); ++lane)
    emit_lane(result.trace.lane(lane), pid_of_lane.count(lane) ? pid_of_lane[lane] : -lane - 1);
  emit_lane(result.trace.parent_lane(), parent_pid);

  return {{"traceEvents", std::move(events)},
          {"displayTimeUnit", "ms"},
          {"otherData",
           {{"lesson", result.lesson_id},
            {"params", result.params},
            // Events a full ring could not take: the trace lacks them, the totals do not.
            {"dropped_events", result.trace.drops()}}}};
}

void WriteChromeTrace(const TrialResult& result, std::ostream& out) {
  out << ChromeTraceJson(result).dump() << '\n';
}

}  // namespace proclab

// The Chrome trace is drawn from the run's facts, not from its raw events: the spans, counters
// and names are the ones the CLI and the GUI report. Raw events the facts do not turn into a
// span or a counter become instant events, so nothing the processes said is left out.
#include "core/trace_export.hpp"

#include <unistd.h>

#include <map>

#include "core/event_schema.hpp"

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

std::string NameOr(const std::string& name, const char* what, uint32_t id) {
  return name.empty() ? std::string(what) + " " + std::to_string(id) : name;
}

// Events the facts already show as spans or counters.
bool ShownByFacts(EventKind kind) {
  switch (kind) {
    case EventKind::kLockWait:
    case EventKind::kLockAcquired:
    case EventKind::kLockReleased:
    case EventKind::kTaskStart:
    case EventKind::kTaskEnd:
    case EventKind::kTaskFailed:
    case EventKind::kQueueBlocked:
    case EventKind::kQueueUnblocked:
    case EventKind::kQueuePut:
    case EventKind::kQueueGet:
    case EventKind::kWrite:
    case EventKind::kDeclare:
    case EventKind::kName:
      return true;
    default:
      return false;
  }
}

}  // namespace

json ChromeTraceJson(const TrialResult& result) {
  const RunFacts& facts = result.facts;
  json events = json::array();
  auto us = [&](int64_t t_ns) { return static_cast<double>(t_ns - facts.t0_ns()) / 1e3; };

  const int parent_pid = getpid();
  std::map<int, int> pid_of;  // fact lane -> pid in the trace
  pid_of[kParentFactLane] = parent_pid;
  for (json& m : Metadata(parent_pid, "parent (pid " + std::to_string(parent_pid) + ")", 0))
    events.push_back(std::move(m));
  for (int lane = 0; lane < facts.children(); ++lane) {
    const ChildFacts& child = facts.child(lane);
    const int pid = child.record.pid > 0 ? child.record.pid : -lane - 1;
    pid_of[lane] = pid;
    for (json& m : Metadata(pid, ChildName(child.record, Language::kEnglish), lane + 1))
      events.push_back(std::move(m));
    // The process's whole life as one span, ending with how it ended.
    if (child.ended()) {
      json args = {{"ended", HowItEnded(child, Language::kEnglish)}};
      if (child.record.state == ChildState::kExited) args["exit_status"] = child.record.exit_status;
      if (child.record.signal != 0) args["signal"] = child.record.signal;
      events.push_back({{"ph", "X"}, {"name", "process"}, {"cat", "process"}, {"pid", pid},
                        {"tid", pid}, {"ts", us(child.record.spawn_ns)},
                        {"dur", us(child.end_ns()) - us(child.record.spawn_ns)}, {"args", args}});
    }
    for (const TaskSpan& task : child.tasks) {
      if (task.end_ns == 0) continue;
      events.push_back({{"ph", "X"},
                        {"name", "task " + std::to_string(task.first) + ".." + std::to_string(task.last)},
                        {"cat", "task"}, {"pid", pid}, {"tid", pid}, {"ts", us(task.start_ns)},
                        {"dur", us(task.end_ns) - us(task.start_ns)}});
    }
  }
  auto pid = [&](int lane) { return pid_of.count(lane) ? pid_of[lane] : -lane - 1000; };
  auto span_end = [&](int64_t end_ns) { return end_ns != 0 ? end_ns : facts.last_ns(); };

  for (const auto& [id, lock] : facts.locks()) {
    const std::string name = NameOr(lock.name, "lock", id);
    for (const LockSpan& span : lock.spans) {
      const bool hold = span.kind == LockSpanKind::kHold;
      events.push_back({{"ph", "X"}, {"name", (hold ? "holds " : "waits for ") + name},
                        {"cat", "lock"}, {"pid", pid(span.lane)}, {"tid", pid(span.lane)},
                        {"ts", us(span.begin_ns)},
                        {"dur", us(span_end(span.end_ns)) - us(span.begin_ns)},
                        {"args", {{"lock", id}, {"ended_with_its_process", span.cut}}}});
    }
  }
  for (const auto& [id, queue] : facts.queues()) {
    const std::string name = NameOr(queue.name, "queue", id);
    for (const QueueBlockSpan& span : queue.blocked)
      events.push_back({{"ph", "X"},
                        {"name", std::string(span.full ? "blocked: " : "waiting: ") + name +
                                     (span.full ? " full" : " empty")},
                        {"cat", "queue"}, {"pid", pid(span.lane)}, {"tid", pid(span.lane)},
                        {"ts", us(span.begin_ns)},
                        {"dur", us(span_end(span.end_ns)) - us(span.begin_ns)}});
    // Depth after every put and get, on the process that did it; one counter per queue.
    for (const auto* ops : {&queue.puts(), &queue.gets()})
      for (const QueueOp& op : *ops)
        events.push_back({{"ph", "C"}, {"pid", pid(op.lane)}, {"ts", us(op.t_ns)},
                          {"name", name + " depth"}, {"args", {{"depth", op.depth_after}}}});
  }
  for (const auto& [id, slot] : facts.slots()) {
    const std::string name = NameOr(slot.name, "slot", id);
    for (const WriteFact& write : slot.write_log)
      events.push_back({{"ph", "C"}, {"pid", pid(write.lane)}, {"ts", us(write.t_ns)},
                        {"name", name}, {"args", {{"value", write.written.AsDouble()}}}});
    // Each lost update where it happened, and their running total as a counter.
    int64_t lost = 0;
    for (const LostUpdate& update : slot.lost_updates) {
      lost += update.erased;
      events.push_back({{"ph", "i"}, {"s", "t"}, {"name", "lost update: " + name},
                        {"cat", "lost update"}, {"pid", pid(update.lane)}, {"tid", pid(update.lane)},
                        {"ts", us(update.t_ns)},
                        {"args", {{"read", update.read.AsDouble()},
                                  {"wrote", update.written.AsDouble()},
                                  {"overwrote", update.replaced.AsDouble()},
                                  {"updates_lost", update.erased}}}});
      events.push_back({{"ph", "C"}, {"pid", pid(update.lane)}, {"ts", us(update.t_ns)},
                        {"name", "lost updates: " + name}, {"args", {{"lost", lost}}}});
    }
  }

  // Everything else the processes said, as instants with the schema's words for its fields.
  auto instants = [&](const std::vector<Event>& lane_events, int lane) {
    for (const Event& e : lane_events) {
      if (ShownByFacts(e.kind)) continue;
      const EventSchema& schema = SchemaOf(e.kind);
      json args = json::object();
      if (!schema.object.empty()) args[std::string(schema.object)] = e.object;
      if (!schema.a.empty()) args[std::string(schema.a)] = e.a;
      if (!schema.b.empty()) args[std::string(schema.b)] = e.b;
      events.push_back({{"ph", "i"}, {"s", "t"}, {"name", std::string(schema.name)},
                        {"pid", pid(lane)}, {"tid", pid(lane)}, {"ts", us(e.t_ns)},
                        {"args", std::move(args)}});
    }
  };
  for (int lane = 0; lane < result.trace.lanes(); ++lane) instants(result.trace.lane(lane), lane);
  instants(result.trace.parent_lane(), kParentFactLane);

  json other = {{"lesson", result.lesson_id},
                {"params", result.params.ToJson()},
                {"events", facts.events()},
                {"dropped_events", facts.drops()},
                {"lost_updates", facts.lost_total()}};
  if (facts.drops() > 0)
    other["warning"] = std::to_string(facts.drops()) +
                       " events were dropped because a process's ring was full: the timeline is "
                       "thinned; the totals come from the processes' own counts";
  return {{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}, {"otherData", other}};
}

void WriteChromeTrace(const TrialResult& result, std::ostream& out) {
  out << ChromeTraceJson(result).dump() << '\n';
}

}  // namespace proclab

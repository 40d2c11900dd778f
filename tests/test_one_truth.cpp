// One trial, three reports: the CLI's JSON (TrialJson), the transcript and the Chrome-trace
// export are all made from the same facts and outcome, so they must tell the same numbers. Each
// lesson is run once and the numbers are read back out of each report the way a reader would.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "core/run.hpp"
#include "core/trace_export.hpp"
#include "core/trial_json.hpp"
#include "lessons/curriculum.hpp"
#include "support.hpp"

using namespace proclab;
using nlohmann::json;

namespace {

struct Reports {
  TrialResult result;
  json trial;                       // as `proclab-cli run --json` prints it
  std::vector<std::string> lines;   // the transcript
  json trace;                       // the Chrome trace
  std::string Transcript() const {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    return text;
  }
};

Reports RunOnce(const std::string& id, const std::vector<std::pair<std::string, std::string>>& params) {
  const Lesson* lesson = FindLesson(id);
  REQUIRE(lesson != nullptr);
  ParamValues values(lesson->params);
  for (const auto& [name, text] : params) values.SetText(name, text);
  Run run(*lesson, values, RunOptions{.worker_path = test::BinPath("proclab-worker")});
  Reports reports{run.Execute()};
  reports.trial = TrialJson(reports.result);
  if (lesson->transcript) lesson->transcript(reports.result, Language::kEnglish, reports.lines);
  reports.trace = ChromeTraceJson(reports.result);
  CHECK(reports.result.facts.drops() == 0);  // the comparisons below assume a complete trace
  return reports;
}

// The number after `prefix` in the transcript (the first line that has it).
int64_t NumberAfter(const std::string& text, const std::string& prefix) {
  const size_t at = text.find(prefix);
  REQUIRE(at != std::string::npos);
  return std::stoll(text.substr(at + prefix.size()));
}

// The last value of a counter track of the Chrome trace, by time.
double LastCounter(const json& trace, const std::string& name, const std::string& arg) {
  double when = -1, value = 0;
  for (const json& e : trace.at("traceEvents"))
    if (e.at("ph") == "C" && e.at("name") == name && e.at("ts").get<double>() >= when) {
      when = e.at("ts").get<double>();
      value = e.at("args").at(arg).get<double>();
    }
  REQUIRE(when >= 0);
  return value;
}

size_t Count(const json& trace, const json& match) {
  size_t n = 0;
  for (const json& e : trace.at("traceEvents")) {
    bool all = true;
    for (const auto& [key, value] : match.items()) all = all && e.contains(key) && e.at(key) == value;
    n += all ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("one truth: a shared-data trial's counter, array and lost updates agree in every report") {
  const Reports r = RunOnce("shared-data", {{"iterations", "100"}, {"sleep-ms", "0"}, {"window-us", "30"}});
  const json& t = r.trial;
  const std::string text = r.Transcript();
  // The final counter: JSON, transcript, and the last write on the trace's counter track.
  CHECK(NumberAfter(text, "Value at end: ") == t.at("final").get<int64_t>());
  CHECK(LastCounter(r.trace, "counter", "value") == t.at("final").get<double>());
  // Lost updates: JSON, the transcript's sentence, the trace's running total and its marks.
  const int64_t lost = t.at("lost").get<int64_t>();
  if (lost > 0) {
    CHECK(NumberAfter(text, "\n" + std::to_string(lost) + " of ") == t.at("expected").get<int64_t>());
    CHECK(LastCounter(r.trace, "lost updates: counter", "lost") == static_cast<double>(lost));
  } else {
    CHECK_THAT(text, Catch::Contains("No update of the counter was lost"));
  }
  int64_t marked = 0;
  for (const json& e : r.trace.at("traceEvents"))
    if (e.at("ph") == "i" && e.at("name") == "lost update: counter") marked += e.at("args").at("updates_lost").get<int64_t>();
  CHECK(marked == lost);
  CHECK(t.at("lost_updates").size() == Count(r.trace, {{"ph", "i"}, {"name", "lost update: counter"}}));
  // The array, element by element, and everything together.
  int64_t total = lost;
  for (int k = 0; k < 3; ++k) {
    const std::string name = "array[" + std::to_string(k) + "]";
    CHECK(LastCounter(r.trace, name, "value") == t.at("array_final")[static_cast<size_t>(k)].get<double>());
    const int64_t element_lost = t.at("array_lost")[static_cast<size_t>(k)].get<int64_t>();
    if (element_lost > 0) CHECK(LastCounter(r.trace, "lost updates: " + name, "lost") == static_cast<double>(element_lost));
    total += element_lost;
  }
  CHECK(t.at("lost_total") == total);
  CHECK(r.trace.at("otherData").at("lost_updates") == total);
  CHECK_THAT(text, Catch::Contains(std::to_string(total) + " lost in all"));
  // The shared list says the same per slot.
  for (const json& slot : t.at("shared"))
    if (slot.at("name") == "counter") CHECK(slot.at("lost") == lost);
}

TEST_CASE("one truth: a locks trial's wait and hold times agree in the JSON, transcript and trace") {
  const Reports r = RunOnce("locks", {{"iterations", "30"}, {"sleep-ms", "0"}, {"window-us", "20"}});
  const json& lock = r.trial.at("locks").at(0);
  CHECK(lock.at("name") == "lock");
  double hold_from_trace = 0;
  size_t holds = 0;
  for (const json& e : r.trace.at("traceEvents"))
    if (e.at("ph") == "X" && e.at("name") == "holds lock") {
      hold_from_trace += e.at("dur").get<double>() / 1000.0;
      ++holds;
    }
  CHECK(holds == lock.at("acquisitions").get<size_t>());
  CHECK(hold_from_trace == Approx(lock.at("hold_ms").get<double>()).epsilon(1e-6));
  // The transcript says each child's times as the JSON has them, to its precision.
  for (const json& child : lock.at("by_child")) {
    if (!child.at("child").is_number()) continue;
    const int n = child.at("child").get<int>();
    const std::regex line("child " + std::to_string(n) + R"( \(pid \d+\) waited ([0-9.]+) ms for the lock and held it ([0-9.]+) ms)");
    std::smatch match;
    const std::string text = r.Transcript();
    REQUIRE(std::regex_search(text, match, line));
    CHECK(std::stod(match[1]) == Approx(child.at("wait_ms").get<double>()).margin(0.051));
    CHECK(std::stod(match[2]) == Approx(child.at("hold_ms").get<double>()).margin(0.051));
  }
  CHECK(NumberAfter(r.Transcript(), "Value at end: ") == r.trial.at("final").get<int64_t>());
  CHECK(LastCounter(r.trace, "counter", "value") == r.trial.at("final").get<double>());
}

TEST_CASE("one truth: a processes trial's children end the same way in every report") {
  const Reports r = RunOnce("processes", {{"processes", "3"}, {"fail", "exit"}});
  const std::string text = r.Transcript();
  for (const json& process : r.trial.at("processes")) {
    const int pid = process.at("pid").get<int>();
    const std::string ended = process.at("ended").get<std::string>();
    CHECK_THAT(text, Catch::Contains("(pid " + std::to_string(pid) + ") " + ended + " at "));
    bool found = false;
    for (const json& e : r.trace.at("traceEvents"))
      if (e.at("ph") == "X" && e.at("name") == "process" && e.at("pid") == pid) {
        CHECK(e.at("args").at("ended") == ended);
        // The same end time: the trace's span ends where the JSON's end_ms is.
        CHECK((e.at("ts").get<double>() + e.at("dur").get<double>()) / 1000.0 ==
              Approx(process.at("end_ms").get<double>()).margin(1e-6));
        found = true;
      }
    CHECK(found);
  }
  CHECK(r.trial.at("processes")[2].at("exit_status") == 3);
  CHECK_THAT(text, Catch::Contains(std::to_string(r.trial.at("joined").get<int>()) + " of 3 children joined"));
}

TEST_CASE("one truth: a queue trial's items agree in the JSON, the transcript and the trace") {
  const Reports r = RunOnce("queue", {{"items", "40"}, {"capacity", "4"}});
  const json& t = r.trial;
  CHECK(t.at("received_count") == 80);
  CHECK(t.at("received").size() == 80);
  CHECK_THAT(r.Transcript(), Catch::Contains("main is done: 80 of 80 items received"));
  CHECK_THAT(r.Transcript(), Catch::Contains("Most items waiting at once: " + std::to_string(t.at("max_depth").get<int>())));
  // Every get the parent made is a depth point on the parent's track of the trace.
  CHECK(Count(r.trace, {{"ph", "C"}, {"name", "queue depth"}, {"pid", getpid()}}) == 80);
  double max_depth = 0;
  for (const json& e : r.trace.at("traceEvents"))
    if (e.at("ph") == "C" && e.at("name") == "queue depth") max_depth = std::max(max_depth, e.at("args").at("depth").get<double>());
  CHECK(max_depth == t.at("max_depth").get<double>());
  for (const json& q : t.at("queues"))
    if (q.at("name") == "queue") CHECK(q.at("max_depth") == t.at("max_depth"));
}

TEST_CASE("one truth: a pool trial's tasks agree in the JSON, the transcript and the trace") {
  const Reports r = RunOnce("pool", {{"items", "12"}, {"chunksize", "3"}, {"workers", "2"}});
  const json& t = r.trial;
  REQUIRE(t.at("chunks").size() == 4);
  CHECK(Count(r.trace, {{"ph", "X"}, {"cat", "task"}}) == 4);
  for (const json& chunk : t.at("chunks")) {
    const std::string items = "items " + std::to_string(chunk.at("first").get<int>()) + ".." +
                              std::to_string(chunk.at("last").get<int>());
    CHECK_THAT(r.Transcript(), Catch::Contains(items + " on worker pid " + std::to_string(chunk.at("pid").get<int>())));
    CHECK(Count(r.trace, {{"ph", "X"}, {"cat", "task"}, {"pid", chunk.at("pid")},
                          {"name", "task " + std::to_string(chunk.at("first").get<int>()) + ".." +
                                       std::to_string(chunk.at("last").get<int>())}}) == 1);
  }
  CHECK(t.at("pools")[0].at("tasks").size() == 4);
  CHECK_THAT(r.Transcript(), Catch::Contains("Pool: running at"));
}

TEST_CASE("one truth: a deadlock trial's cycle agrees in the JSON, the transcript and the trace") {
  const Reports r = RunOnce("deadlock", {});
  const json& cycle = r.trial.at("deadlock").at("cycle");
  REQUIRE(cycle.size() == 2);
  const std::string text = r.Transcript();
  size_t never = 0;
  for (size_t at = text.find("never gets it"); at != std::string::npos; at = text.find("never gets it", at + 1)) ++never;
  CHECK(never == cycle.size());
  // In the trace, each child's wait for its second lock ends with the child, cut.
  size_t cut_waits = 0;
  for (const json& e : r.trace.at("traceEvents"))
    if (e.at("ph") == "X" && e.at("cat") == "lock" && e.at("args").at("ended_with_its_process") == true &&
        e.at("name").get<std::string>().starts_with("waits for"))
      ++cut_waits;
  CHECK(cut_waits == cycle.size());
  CHECK_THAT(r.trial.at("notes")[0].get<std::string>(), Catch::StartsWith("Deadlock: child 1"));
}

TEST_CASE("one truth, every lesson: processes, shared values, locks, queues and pools agree in the JSON and the trace") {
  for (const Lesson* lesson : Curriculum()) {
    if (lesson->id == "costs") continue;  // a measurement, not a run to report
    INFO(lesson->id);
    std::vector<std::pair<std::string, std::string>> quick;
    for (const ParamSpec& spec : lesson->params) {
      if (spec.name == "iterations") quick.push_back({"iterations", "20"});
      if (spec.name == "sleep-ms") quick.push_back({"sleep-ms", "0"});
      if (spec.name == "window-us") quick.push_back({"window-us", "20"});
    }
    const Reports r = RunOnce(std::string(lesson->id), quick);
    const json& t = r.trial;
    // Each process ends the same way, at the same time, in both.
    for (const json& process : t.at("processes")) {
      size_t spans = 0;
      for (const json& e : r.trace.at("traceEvents"))
        if (e.at("ph") == "X" && e.at("name") == "process" && e.at("pid") == process.at("pid")) {
          CHECK(e.at("args").at("ended") == process.at("ended"));
          ++spans;
        }
      CHECK(spans == 1);
    }
    // Each shared value: its writes are its counter points, its lost updates its marks.
    for (const json& slot : t.at("shared")) {
      const std::string name = slot.at("name");
      CHECK(Count(r.trace, {{"ph", "C"}, {"name", name}}) == slot.at("writes").get<size_t>());
      int64_t marked = 0;
      for (const json& e : r.trace.at("traceEvents"))
        if (e.at("ph") == "i" && e.at("name") == "lost update: " + name) marked += e.at("args").at("updates_lost").get<int64_t>();
      CHECK(marked == slot.at("lost").get<int64_t>());
    }
    // Each lock: one hold span per acquisition.
    for (const json& lock : t.at("locks"))
      CHECK(Count(r.trace, {{"ph", "X"}, {"name", "holds " + lock.at("name").get<std::string>()}}) ==
            lock.at("acquisitions").get<size_t>());
    // Each queue: one depth point per put and per get.
    for (const json& queue : t.at("queues"))
      CHECK(Count(r.trace, {{"ph", "C"}, {"name", queue.at("name").get<std::string>() + " depth"}}) ==
            queue.at("puts").get<size_t>() + queue.at("gets").get<size_t>());
    // Each pool task that ended: one task span.
    for (const json& pool : t.at("pools")) {
      size_t ended = 0;
      for (const json& task : pool.at("tasks")) ended += task.at("end_ms").is_null() ? 0 : 1;
      CHECK(Count(r.trace, {{"ph", "X"}, {"cat", "task"}}) == ended);
    }
  }
}

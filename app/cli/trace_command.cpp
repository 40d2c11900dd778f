// proclab-cli trace: a Python program under ProcLab's tracer (core/python_run.hpp).
//
// Text mode keeps the program's output where it would go without ProcLab (its stdout on
// stdout, byte for byte; its stderr on stderr), like strace and time, and writes ProcLab's
// report after it, on stderr. --json prints one object instead: the program's output is in it.
//
// Sections: checking the program · the report in words · the JSON · RunTrace · --engine python.
#include "app/cli/trace_command.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "app/cli/pending_file.hpp"
#include "app/cli/stop_watch.hpp"
#include "core/facts/explain.hpp"
#include "core/install_layout.hpp"
#include "core/process.hpp"
#include "core/python_program.hpp"
#include "core/python_run.hpp"
#include "core/step_schedule.hpp"
#include "core/trace_export.hpp"
#include "core/trial_json.hpp"

namespace proclab {
namespace {

constexpr int kBadInput = 2;
constexpr int kNoPython = 127;  // what a shell says when a command is not found

int BadInput(const std::string& message) {
  std::cerr << "proclab-cli: " << message << '\n';
  return kBadInput;
}

// ------------------------------------------------------------------- checking the program

// One line saying why `path` is not a program we can run, or empty.
std::string CheckProgram(const std::string& path) { return CheckPythonProgram(path).Text(path).en; }

// ----------------------------------------------------------------------- the report in words

std::string Text(const nlohmann::json& value) {
  if (value.is_null()) return "?";
  if (value.is_number_float()) {
    char text[40];
    std::snprintf(text, sizeof text, "%.1f", value.get<double>());
    return text;
  }
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + Text(value[i]);
    return out + "]";
  }
  if (value.is_string()) return "'" + value.get<std::string>() + "'";
  return value.dump();
}

std::string Ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", ms);
  return text;
}

std::vector<std::string> StepLines(const TrialResult& result, const StepRun& steps, Language l);

// What the program did, for a person at a terminal, in `l`: the figures are the trial's JSON;
// the sentences (how each process ended, the notes, the steps) come from the run's facts in
// either language.
void Report(const nlohmann::json& trial, const TrialResult& result, Language l, std::ostream& out) {
  const bool zh = l == Language::kChinese;
  const std::string program = trial.value("program", std::string());
  std::string python = trial["python"].is_string() ? trial["python"].get<std::string>() : "";
  const std::string status = std::to_string(trial["exit_status"].get<int>());
  const std::string took = Ms(trial.value("duration_ms", 0.0));
  out << "proclab: " << program
      << (zh ? (python.empty() ? "" : "（Python " + python + "）") + "：退出状态 " + status + "，" + took
             : (python.empty() ? "" : " on Python " + python) + ": exit status " + status + ", " + took)
      << '\n';
  for (const auto& p : trial["processes"]) {
    const int lane = p["lane"].get<int>();
    std::string name = p["name"].is_string() ? p["name"].get<std::string>() : "?";
    const std::string ended = lane < result.facts.children() ? HowItEnded(result.facts.child(lane), l)
                                                             : p["ended"].get<std::string>();
    out << (zh ? "  泳道 " : "  lane ") << lane << "  " << name << (zh ? "（pid " : " (pid ") << p["pid"].get<int>();
    if (p["parent_pid"].is_number()) out << (zh ? "，父进程 " : ", parent ") << p["parent_pid"].get<int>();
    out << (zh ? "）：" : "): ") << ended;
    if (p.contains("error")) out << (zh ? "；抛出 " : "; raised ") << p["error"].get<std::string>();
    out << '\n';
  }
  for (const auto& s : trial["shared"]) {
    const bool array = s["kind"] == "Array";
    const std::string reads = std::to_string(s["reads"].get<int64_t>()), writes = std::to_string(s["writes"].get<int64_t>());
    out << "  " << s["name"].get<std::string>() << (zh ? "（" : " (") << s["kind"].get<std::string>()
        << (s["typecode"].is_string() ? " '" + s["typecode"].get<std::string>() + "'" : "") << (zh ? "）：" : "): ");
    if (zh) {
      out << "开始时 " << Text(s["initial"]) << "，结束时 " << Text(s["final"]) << "；读 " << reads << " 次，写 " << writes
          << " 次，";
      if (array) out << "每个元素丢失的更新 " << Text(s["lost"]) << '\n';
      else out << "丢失 " << s["lost"].get<int64_t>() << " 次更新\n";
    } else {
      out << Text(s["initial"]) << " at the start, " << Text(s["final"]) << " at the end; " << reads << " reads, "
          << writes << " writes, ";
      if (array) out << "updates lost per element " << Text(s["lost"]) << '\n';
      else out << s["lost"].get<int64_t>() << (s["lost"] == 1 ? " update lost\n" : " updates lost\n");
    }
  }
  for (const auto& k : trial["locks"])
    if (k["acquisitions"] != 0 || k["wait_ms"] != 0.0) {  // a Value's own lock nobody had to wait for: no news
      const std::string n = std::to_string(k["acquisitions"].get<int64_t>());
      const std::string wait = Ms(k["wait_ms"].get<double>()), hold = Ms(k["hold_ms"].get<double>());
      out << (zh ? "  锁 " + Text(k["name"]) + "：获得 " + n + " 次，等待 " + wait + "，持有 " + hold
                 : "  lock " + Text(k["name"]) + ": " + n + " acquisitions, " + wait + " waiting, " + hold + " held")
          << '\n';
    }
  for (const auto& q : trial["queues"]) {
    const std::string puts = std::to_string(q["puts"].get<int64_t>()), gets = std::to_string(q["gets"].get<int64_t>());
    const std::string most = std::to_string(q["max_depth"].get<int64_t>());
    out << (zh ? "  队列 " + Text(q["name"]) + "：放入 " + puts + " 次，取出 " + gets + " 次，最多同时有 " + most + " 项"
               : "  queue " + Text(q["name"]) + ": " + puts + " puts, " + gets + " gets, at most " + most + " items in it")
        << '\n';
  }
  for (const auto& p : trial["pools"]) {
    const std::string workers = p["workers"].is_number() ? p["workers"].dump() : "?";
    const std::string submissions = std::to_string(p["submissions"].size()), tasks = std::to_string(p["tasks"].size());
    out << (zh ? "  进程池 " + Text(p["name"]) + "（" + workers + " 个工作进程）：提交 " + submissions + " 次，" + tasks + " 个任务"
               : "  pool " + Text(p["name"]) + " (" + workers + " workers): " + submissions + " submissions, " + tasks + " tasks")
        << '\n';
    for (const auto& t : p["tasks"]) {
      const std::string pid = std::to_string(t["worker_pid"].get<int>());
      const bool ok = t["ok"].get<bool>();
      out << (zh ? "    工作进程 pid " + pid + " 计算了 " + Text(t["items"]) + (ok ? "" : "（失败）")
                 : "    worker pid " + pid + " computed items " + Text(t["items"]) + (ok ? "" : " (failed)"))
          << '\n';
    }
  }
  if (const auto* outcome = result.Outcome<PythonOutcome>(); outcome != nullptr && outcome->steps)
    for (const std::string& line : StepLines(result, *outcome->steps, l)) out << "  " << line << '\n';
  for (const RunNote& note : result.notes) out << (zh ? "proclab：注意：" : "proclab: note: ") << (zh ? note.zh : note.en) << '\n';
  if (const uint64_t dropped = trial["dropped_events"].get<uint64_t>(); dropped > 0)
    out << (zh ? "proclab：丢弃了 " + std::to_string(dropped) + " 个事件" : "proclab: " + std::to_string(dropped) + " events were dropped")
        << '\n';
}

// ---------------------------------------------------------------------------------- the JSON

std::string_view StepResultText(StepResult result) {
  switch (result) {
    case StepResult::kRead: return "read";
    case StepResult::kWrote: return "wrote";
    case StepResult::kWaitingForLock: return "waiting for the lock";
    case StepResult::kNoStep: return "no step taken";
    case StepResult::kFinished: return "finished";
    case StepResult::kNotStepping: return "no such child process";
  }
  return "?";
}

nlohmann::json ValueJson(const SlotValue& v) {
  return v.type == ValueType::kInt ? nlohmann::json(v.field) : nlohmann::json(v.AsDouble());
}

std::string_view StepResultText(StepResult result, Language l) {
  if (l != Language::kChinese) return StepResultText(result);
  switch (result) {
    case StepResult::kRead: return "读";
    case StepResult::kWrote: return "写";
    case StepResult::kWaitingForLock: return "在等锁";
    case StepResult::kNoStep: return "没有走这一步";
    case StepResult::kFinished: return "已经结束";
    case StepResult::kNotStepping: return "没有这个子进程";
  }
  return "?";
}

std::vector<std::string> StepLines(const TrialResult& result, const StepRun& steps, Language l) {
  const RunFacts& facts = result.facts;
  const bool zh = l == Language::kChinese;
  std::vector<std::string> lines;
  for (const StepRecord& step : steps.steps) {
    const std::string who = LaneName(facts, step.child + 1, l);
    const std::string slot = facts.slot(step.slot) != nullptr ? facts.slot(step.slot)->name : "?";
    std::string line = step.consequence ? (zh ? "        接着 " : "        then ")
                                        : (zh ? "第 " + std::to_string(step.number) + " 步：" : "step " + std::to_string(step.number) + ": ");
    line += who + " ";
    if (step.result == StepResult::kRead || step.result == StepResult::kWrote) {
      if (zh)
        line += (step.consequence ? "拿到锁并读取 " : step.result == StepResult::kRead ? "读取 " : "写入 ") + slot + " = " +
                step.value.Text();
      else
        line += (step.consequence ? "gets the lock and reads " : step.result == StepResult::kRead ? "reads " : "writes ") +
                slot + " = " + step.value.Text();
      if (step.lost_update)
        line += zh ? "   <- 丢失的更新：它覆盖了 " + step.overwrote.Text() + "，那是这个进程读取之后另一个进程写入的"
                   : "   <- lost update: it overwrote " + step.overwrote.Text() +
                         ", which another process had written since this one read";
    } else if (step.result == StepResult::kWaitingForLock) {
      const std::string holder = step.holder >= 0 ? LaneName(facts, step.holder, l) : "";
      if (zh)
        line += std::string("还不能") + (step.asked == 'r' ? "读" : "写") + "：它在等一把锁" +
                (holder.empty() ? "" : "（" + holder + " 持有）");
      else
        line += std::string("cannot ") + (step.asked == 'r' ? "read" : "write") + " yet: it waits for a lock" +
                (holder.empty() ? "" : " that " + holder + " holds");
    } else {
      line += zh ? "没有走这一步（" + std::string(StepResultText(step.result, l)) + "）"
                 : "takes no step (" + std::string(StepResultText(step.result, l)) + ")";
    }
    lines.push_back(line);
  }
  if (steps.finished_for_you)
    lines.push_back(zh ? "（你的步骤走完后，子进程一个接一个地结束了）"
                       : "(after your steps, the child processes finished one at a time)");
  return lines;
}

void AddSteps(const TrialResult& result, const StepRun& steps, nlohmann::json& trial) {
  nlohmann::json list = nlohmann::json::array();
  for (const StepRecord& step : steps.steps) {
    const int lane = step.child + 1;
    const std::string slot = result.facts.slot(step.slot) != nullptr ? result.facts.slot(step.slot)->name : "?";
    nlohmann::json entry = {{"step", step.number}, {"child", step.child + 1}, {"lane", lane},
                            {"what", step.asked == 'r' ? "read" : "write"},
                            {"result", StepResultText(step.result)}};
    if (step.result == StepResult::kRead || step.result == StepResult::kWrote) {
      entry["value"] = ValueJson(step.value);
      entry["shared"] = slot;
      if (step.lost_update) {
        entry["lost_update"] = true;
        entry["overwrote"] = ValueJson(step.overwrote);
      }
    } else if (step.result == StepResult::kWaitingForLock) {
      entry["holder_lane"] = step.holder >= 0 ? nlohmann::json(step.holder) : nlohmann::json(nullptr);
    }
    if (step.consequence) entry["got_lock"] = true;
    list.push_back(std::move(entry));
  }
  trial["steps"] = std::move(list);
  trial["scheduled_steps"] = steps.scheduled;
  trial["steps_text"] = StepLines(result, steps, Language::kEnglish);
}

nlohmann::json TrialOf(const TrialResult& result) {
  nlohmann::json trial = TrialJson(result);
  const auto* outcome = result.Outcome<PythonOutcome>();
  if (outcome != nullptr && outcome->steps) AddSteps(result, *outcome->steps, trial);
  return trial;
}

// Over the trials: each Value's final values and lost updates, and the exit statuses.
nlohmann::json Summary(const std::vector<nlohmann::json>& trials) {
  struct Series {
    std::string kind;
    nlohmann::json finals = nlohmann::json::array(), lost = nlohmann::json::array();
  };
  std::map<std::string, Series> shared;
  std::vector<std::string> order;
  nlohmann::json statuses = nlohmann::json::array();
  for (const nlohmann::json& trial : trials) {
    statuses.push_back(trial["exit_status"]);
    for (const auto& s : trial["shared"]) {
      const std::string name = s["name"];
      if (!shared.count(name)) order.push_back(name);
      Series& series = shared[name];
      series.kind = s["kind"];
      series.finals.push_back(s["final"]);
      series.lost.push_back(s["lost"]);
    }
  }
  nlohmann::json values = nlohmann::json::array();
  for (const std::string& name : order) {
    Series& series = shared[name];
    nlohmann::json entry = {{"name", name}, {"kind", series.kind}, {"finals", series.finals}, {"lost", series.lost}};
    if (series.kind == "Value") {
      std::map<std::string, int> histogram;
      int64_t lost_total = 0, trials_losing = 0, lost_min = INT64_MAX, lost_max = 0;
      for (const auto& f : series.finals) histogram[f.dump()] += 1;
      for (const auto& l : series.lost) {
        const int64_t n = l.get<int64_t>();
        lost_total += n;
        trials_losing += n > 0 ? 1 : 0;
        lost_min = std::min(lost_min, n);
        lost_max = std::max(lost_max, n);
      }
      nlohmann::json bars = nlohmann::json::array();
      for (const auto& [value, count] : histogram) bars.push_back({{"final", nlohmann::json::parse(value)}, {"trials", count}});
      entry["histogram"] = std::move(bars);
      entry["lost_min"] = lost_min;
      entry["lost_max"] = lost_max;
      entry["lost_mean"] = static_cast<double>(lost_total) / static_cast<double>(series.lost.size());
      entry["trials_with_lost_updates"] = trials_losing;
    }
    values.push_back(std::move(entry));
  }
  return {{"trials", trials.size()}, {"exit_statuses", statuses}, {"shared", std::move(values)}};
}

void WriteAll(int fd, const std::string& text) {
  size_t at = 0;
  while (at < text.size()) {
    const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n > 0) at += static_cast<size_t>(n);
    else if (n < 0 && errno == EINTR) continue;
    else return;  // our own output is gone (a closed pipe): the program still runs to its end
  }
}

}  // namespace

// -------------------------------------------------------------------------------- RunTrace

std::optional<int64_t> ParseWhole(const std::string& text, int64_t min, int64_t max) {
  try {
    size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used != text.size() || value < min || value > max) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}


int RunTrace(const TraceRequest& request, const std::atomic<int>& stop_signal) {
  // Bad input first: one line, exit 2, nothing started.
  if (const std::string problem = CheckProgram(request.program); !problem.empty()) return BadInput(problem);
  const auto trials = ParseWhole(request.trials_text, 1, 10'000);
  if (!trials) return BadInput("--trials must be a whole number in 1..10000, not '" + request.trials_text + "'");
  if (request.lines_text != "on" && request.lines_text != "off")
    return BadInput("--lines must be on or off, not '" + request.lines_text + "'");
  const auto lanes = ParseWhole(request.lanes_text, 1, kMaxLanes);
  if (!lanes) return BadInput("--lanes must be a whole number in 1.." + std::to_string(kMaxLanes) + ", not '" + request.lanes_text + "'");
  std::vector<std::pair<int, char>> schedule;
  if (!request.step_text.empty()) {
    Sentence error;
    auto parsed = ParseStepSchedule(request.step_text, static_cast<int>(*lanes) - 1, &error);
    if (!parsed) return BadInput("--step: " + error.In(request.language));
    schedule = std::move(*parsed);
  }
  const std::string python = PythonRun::FindOnPath(request.python);
  if (python.empty()) {
    std::cerr << "proclab-cli: " << request.python
              << " was not found on PATH: ProcLab runs Python programs with it (on Debian: apt-get install python3)\n";
    return kNoPython;
  }
  const std::string tracer = PythonRun::FindTracerDir();
  if (tracer.empty()) {
    std::cerr << "proclab-cli: ProcLab's Python tracer is missing (" << ThisInstall().python_dir.string()
              << "/sitecustomize.py); build ProcLab with python3-dev installed\n";
    return 1;
  }
  PendingFile trace_file;
  std::string trace_error;
  if (!request.trace_out.empty() && !trace_file.Open(request.trace_out, &trace_error))
    return BadInput("cannot write the trace to " + request.trace_out + ": " + trace_error);

  PythonRunOptions options;
  options.python = python;
  options.program = request.program;
  options.args = request.args;
  options.tracer_dir = tracer;
  options.lines = request.lines_text == "on";
  options.lanes = static_cast<uint32_t>(*lanes);
  options.stop_signal = &stop_signal;
  options.step_schedule = schedule;
  options.stdin_fd = isatty(STDIN_FILENO) ? -1 : STDIN_FILENO;  // a terminal would stop a background group

  std::vector<nlohmann::json> results;
  TrialResult last;
  int status = 0;
  for (int64_t trial = 0; trial < *trials; ++trial) {
    if (!request.json && trial == 0)
      options.on_output = [](const OutputChunk& chunk) { WriteAll(chunk.stream == 2 ? STDERR_FILENO : STDOUT_FILENO, chunk.text); };
    else
      options.on_output = nullptr;
    PythonRun run(options);
    try {
      last = run.Execute();
    } catch (const std::exception& e) {
      std::cerr << "proclab-cli: the program could not start: " << e.what() << '\n';
      return 1;
    }
    nlohmann::json json = TrialOf(last);
    if (request.lesson != nullptr) {
      json["lesson"] = request.lesson->id;
      json["engine"] = "python";
    }
    status = json["exit_status"].get<int>();
    if (!request.json) {
      if (trial == 0) Report(json, last, request.language, std::cerr);
      else
        std::cerr << "proclab: trial " << trial + 1 << ": exit status " << status << ", "
                  << json["processes"].size() << " processes, "
                  << (json["shared"].empty() ? std::string("no shared values")
                                             : json["shared"][0]["name"].get<std::string>() + " = " + Text(json["shared"][0]["final"]) +
                                                   ", lost " + Text(json["shared"][0]["lost"]))
                  << '\n';
    }
    if (!json.value("traced", true) && trial == 0)
      std::cerr << "proclab-cli: the tracer did not start in the program's main process; see its output above\n";
    results.push_back(std::move(json));
    if (last.stopped) break;
  }

  bool trace_failed = false;
  if (trace_file.is_open()) {
    WriteChromeTrace(last, trace_file.stream());
    if (!trace_file.Commit()) {
      std::cerr << "proclab-cli: writing the trace to " << request.trace_out << " failed: " << std::strerror(errno) << '\n';
      trace_failed = true;
    }
  }
  if (request.json) {
    nlohmann::json out;
    if (*trials == 1) {
      out = results.front();
    } else {
      out = {{"program", request.program}, {"python", results.front()["python"]}, {"exit_status", status},
             {"trials", results}, {"summary", Summary(results)}};
      if (request.lesson != nullptr) {
        out["lesson"] = request.lesson->id;
        out["engine"] = "python";
      }
    }
    if (request.params != nullptr) out["params"] = request.params->ToJson();
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else if (*trials > 1) {
    std::cerr << "proclab: summary over " << results.size() << " trials: "
              << Summary(results).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  const int stopped = stop_signal.load();
  if (stopped != 0) {
    std::cerr << StoppedLine(stopped, last, request.language, true) << '\n';
    return 128 + stopped;
  }
  if (trace_failed && status == 0) return 1;
  return status;
}

// -------------------------------------------------------------------------- --engine python

bool LessonProgram(const Lesson& lesson, const ParamValues& params, const std::vector<std::string>& given,
                   TraceRequest* request, std::string* error) {
  const std::string path = LessonProgramPath(lesson);
  if (path.empty() || access(path.c_str(), R_OK) != 0) {
    *error = "lesson " + std::string(lesson.id) + " has no Python program (assets/python/" +
             std::filesystem::path(path).filename().string() + ")";
    return false;
  }
  const std::vector<std::string> known = DeclaredParams(path);
  request->program = path;
  request->args.clear();
  for (const std::string& name : given) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      *error = "--" + name + " has no Python equivalent in lesson " + std::string(lesson.id) +
               " (its program takes: " + (known.empty() ? std::string("no parameters") : "--" + [&] {
                 std::string all;
                 for (const std::string& k : known) all += (all.empty() ? "" : ", --") + k;
                 return all;
               }()) + ")";
      return false;
    }
    request->args.push_back("--" + name);
    request->args.push_back(params.Text(name));
  }
  return true;
}

}  // namespace proclab

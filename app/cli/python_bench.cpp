#include "app/cli/python_bench.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "core/clock.hpp"
#include "core/install_layout.hpp"
#include "core/process.hpp"
#include "core/python_run.hpp"

extern char** environ;

namespace proclab {
namespace {

// The lessons' programs at the tutorial's own sizes (what a learner runs).
struct Program {
  const char* file;
  std::vector<std::string> args;
};
const Program kPrograms[] = {
    {"processes.py", {}},  {"shared-data.py", {}}, {"locks.py", {}},  {"lock-guard.py", {}},
    {"queue-basics.py", {}}, {"queues.py", {}},    {"pool.py", {}},   {"deadlock.py", {"--order", "same"}},
};

nlohmann::json Range(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  const double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return {{"median", median}, {"min", values.front()}, {"max", values.back()}};
}

// Runs `python args...` untraced; returns its wall time in ms and its stdout.
double RunUntraced(const std::string& python, const std::vector<std::string>& args, std::string* out) {
  std::vector<char*> argv{const_cast<char*>(python.c_str())};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("cannot make a pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const int64_t start = MonotonicNs();
  pid_t pid = -1;
  const int error = posix_spawn(&pid, python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (error != 0) {
    close(pipe_fds[0]);
    throw std::runtime_error("cannot start " + python);
  }
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) != 0;)
    if (n > 0 && out != nullptr) out->append(buffer, static_cast<size_t>(n));
    else if (n < 0 && errno != EINTR) break;
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return static_cast<double>(MonotonicNs() - start) / 1e6;
}

struct TracedRun {
  double ms;
  std::string out;
  uint64_t dropped;
};

TracedRun RunTraced(const PythonRunOptions& base, const std::string& program, const std::vector<std::string>& args,
                    bool lines) {
  PythonRunOptions options = base;
  options.program = program;
  options.args = args;
  options.lines = lines;
  std::string out;
  options.on_output = [&out](const OutputChunk& chunk) {
    if (chunk.stream == 1) out += chunk.text;
  };
  PythonRun run(options);
  const int64_t start = MonotonicNs();
  TrialResult result = run.Execute();
  if (result.stopped) throw RunStopped{};
  return {static_cast<double>(MonotonicNs() - start) / 1e6, out, result.facts.drops()};
}

}  // namespace

nlohmann::json MeasurePythonTracing(const PythonBenchOptions& options) {
  const std::string on_path = PythonRun::FindOnPath(options.python);
  if (on_path.empty()) throw std::runtime_error(options.python + " was not found on PATH");
  // The interpreter itself, not a launcher script on PATH (pyenv's shim takes 100-300 ms to
  // start a Python, as much as the short programs run): what is measured is the tracing.
  std::string executable;
  RunUntraced(on_path, {"-c", "import sys; print(sys.executable)"}, &executable);
  executable = executable.substr(0, executable.find('\n'));
  const std::string python = access(executable.c_str(), X_OK) == 0 ? executable : on_path;
  const std::string tracer = PythonRun::FindTracerDir();
  if (tracer.empty()) throw std::runtime_error("ProcLab's Python tracer is missing");
  const std::string programs = ThisInstall().python_programs.string();
  const std::string loop = (ThisInstall().bench_script.parent_path() / "tight_loop.py").string();
  PythonRunOptions base;
  base.python = python;
  base.tracer_dir = tracer;
  base.stop_signal = options.stop_signal;
  auto stop = [&] {
    if (options.stop_signal != nullptr && options.stop_signal->load() != 0) throw RunStopped{};
  };
  auto progress = [&](const std::string& what) {
    if (options.on_progress) options.on_progress(what);
  };
  const int repeats = std::max(1, options.quick ? 3 : options.repeats);

  nlohmann::json out = {{"repeats", repeats}};
  nlohmann::json rows = nlohmann::json::array();
  std::string version;
  for (const Program& program : kPrograms) {
    const std::string path = programs + "/" + program.file;
    progress(program.file);
    std::vector<std::string> args{path};
    args.insert(args.end(), program.args.begin(), program.args.end());
    std::vector<double> untraced, traced;
    uint64_t dropped = 0;
    RunUntraced(python, args, nullptr);  // warm-up: the interpreter's files in the page cache
    for (int k = 0; k < repeats; ++k) {
      stop();
      untraced.push_back(RunUntraced(python, args, nullptr));
      const TracedRun run = RunTraced(base, path, program.args, true);
      traced.push_back(run.ms);
      dropped += run.dropped;
    }
    nlohmann::json row = {{"program", program.file}, {"untraced_ms", Range(untraced)}, {"traced_ms", Range(traced)},
                          {"dropped_events", dropped}};
    row["ratio"] = row["traced_ms"]["median"].get<double>() / row["untraced_ms"]["median"].get<double>();
    rows.push_back(std::move(row));
  }
  out["programs"] = std::move(rows);

  progress("tight_loop.py");
  const std::vector<std::string> loop_args{"--iterations", options.quick ? "50000" : "200000", "--repeats", "3"};
  std::vector<double> plain, off, on;
  for (int k = 0; k < repeats; ++k) {
    stop();
    std::vector<std::string> args{loop};
    args.insert(args.end(), loop_args.begin(), loop_args.end());
    std::string text;
    RunUntraced(python, args, &text);
    plain.push_back(std::stod(text));
    off.push_back(std::stod(RunTraced(base, loop, loop_args, false).out));
    on.push_back(std::stod(RunTraced(base, loop, loop_args, true).out));
  }
  nlohmann::json tight = {{"untraced_ns", Range(plain)}, {"traced_lines_off_ns", Range(off)},
                          {"traced_lines_on_ns", Range(on)}};
  tight["ratio_lines_off"] = tight["traced_lines_off_ns"]["median"].get<double>() / tight["untraced_ns"]["median"].get<double>();
  tight["ratio_lines_on"] = tight["traced_lines_on_ns"]["median"].get<double>() / tight["untraced_ns"]["median"].get<double>();
  out["tight_loop"] = std::move(tight);
  std::string text;
  RunUntraced(python, {"-c", "import platform; print(platform.python_version())"}, &text);
  out["python"] = text.substr(0, text.find('\n'));
  out["interpreter"] = python;
  return out;
}

}  // namespace proclab

namespace proclab {

int PythonBench(bool quick, bool json, const std::atomic<int>& stop_signal) {
  PythonBenchOptions options;
  options.quick = quick;
  options.stop_signal = &stop_signal;
  if (!json) options.on_progress = [](const std::string& what) { std::fprintf(stderr, "measuring %s ...\n", what.c_str()); };
  nlohmann::json figures;
  try {
    figures = MeasurePythonTracing(options);
  } catch (const RunStopped&) {
    std::fprintf(stderr, "proclab-cli: stopped by %s\n", SignalName(stop_signal.load()).c_str());
    return 128 + stop_signal.load();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "proclab-cli: the Python benchmark failed: %s\n", e.what());
    return 1;
  }
  if (json) {
    std::printf("%s\n", figures.dump(2).c_str());
    return 0;
  }
  auto range = [](const nlohmann::json& r, const char* unit) {
    char text[96];
    std::snprintf(text, sizeof text, "%8.1f %s (%.1f-%.1f)", r["median"].get<double>(), unit, r["min"].get<double>(),
                  r["max"].get<double>());
    return std::string(text);
  };
  std::printf("Tracing Python %s programs here, median of %d runs (range):\n\n",
              figures["python"].get<std::string>().c_str(), figures["repeats"].get<int>());
  std::printf("  %-16s %-28s %-28s %s\n", "program", "untraced", "traced", "ratio (target <= 1.2)");
  for (const auto& row : figures["programs"])
    std::printf("  %-16s %-28s %-28s %.2fx\n", row["program"].get<std::string>().c_str(),
                range(row["untraced_ms"], "ms").c_str(), range(row["traced_ms"], "ms").c_str(),
                row["ratio"].get<double>());
  const auto& loop = figures["tight_loop"];
  std::printf("\n  v.value += 1, one iteration:\n");
  std::printf("    untraced          %s\n", range(loop["untraced_ns"], "ns").c_str());
  std::printf("    traced, lines off %s   %.2fx (target <= 3)\n", range(loop["traced_lines_off_ns"], "ns").c_str(),
              loop["ratio_lines_off"].get<double>());
  std::printf("    traced, lines on  %s   %.2fx (target <= 5)\n", range(loop["traced_lines_on_ns"], "ns").c_str(),
              loop["ratio_lines_on"].get<double>());
  return 0;
}

}  // namespace proclab

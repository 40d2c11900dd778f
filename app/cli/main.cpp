// proclab-cli: the terminal front end. Runs the same lessons as the GUI, with real child
// processes, and prints a transcript (or one JSON object) instead of drawing.
//
//   proclab-cli list [--json]
//   proclab-cli text <lesson> [--lang en|zh-CN]     the lesson text, Try this items as commands
//   proclab-cli run <lesson> [--<param> <value> ...] [--trials N] [--json] [--trace-out FILE]
//                            [--step 1r,2r,1w,2w] [--engine cpp|python [--lines on|off]]
//   proclab-cli trace PROGRAM.py [--json] [--trials N] [--step ...] [--lines on|off]
//                                [--trace-out FILE] [--lanes N] [-- ARGS...]
//   proclab-cli bench [--quick] [--json]
//   proclab-cli help [<subcommand> [<lesson>]]       proclab-cli --help, --version
//
// Exit status (kExitStatusHelp, and docs/man/proclab-cli.1): 0 done, 1 the run failed, 2 bad
// input (one line on stderr, before any child starts), 128+N stopped by signal N.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/pending_file.hpp"
#include "app/cli/python_bench.hpp"
#include "app/cli/stop_watch.hpp"
#include "app/cli/trace_command.hpp"
#include "core/install_layout.hpp"
#include "core/step_schedule.hpp"
#include "core/run.hpp"
#include "core/segment.hpp"
#include "core/trace_export.hpp"
#include "core/trial_json.hpp"
#include "core/try_action.hpp"
#include "lessons/costs_benchmarks.hpp"
#include "lessons/curriculum.hpp"

namespace proclab {
namespace {

const std::atomic<int>& g_stop_signal = StopSignal();

constexpr int kBadInput = 2;
// The children run at this nice value: the CLI stays quick to drain, report and stop them, even
// when a lesson keeps every core busy with 128 children (they still race as equals).
constexpr int kChildNice = 10;

constexpr const char* kExitStatusHelp =
    "Exit status: 0 done (a child that crashes on purpose is part of the lesson); 1 the run or\n"
    "the benchmark could not start or failed, or the trace could not be written; 2 bad input\n"
    "(one line on stderr, nothing started); 128+N stopped by signal N (130 Ctrl-C, 143 SIGTERM).\n"
    "NO_COLOR is respected: proclab-cli prints no colour. See also: man proclab-cli.";

int BadInput(const std::string& message) {
  std::cerr << "proclab-cli: " << message << '\n';
  return kBadInput;
}

// The lesson id is the first word after "run" that is not an option or an option's value; it is
// needed before parsing, because the lesson decides which options exist.
std::optional<std::string> FindLessonArgument(int argc, char** argv) {
  bool after_run = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!after_run) {
      after_run = arg == "run";
      continue;
    }
    if (arg == "--json" || arg == "--help" || arg == "-h") continue;
    if (arg.starts_with("-")) {
      if (arg.find('=') == std::string::npos) ++i;  // skip the option's value
      continue;
    }
    return arg;
  }
  return std::nullopt;
}

// `proclab-cli text LESSON`: the lesson's text as Markdown, each Try this item's marker turned
// into the command that runs it (core/try_action.hpp); the GUI shows the same items as buttons.
int PrintLessonText(const Lesson& lesson, Language language) {
  const std::filesystem::path path = LessonTextFile(ThisInstall().assets_dir, lesson.id, language);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "proclab-cli: cannot read " << path.string() << '\n';
    return 1;
  }
  const std::string markdown((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::cout << TerminalLessonText(markdown, lesson);
  return 0;
}

// Only the curriculum's lessons run from the command line, not the benchmark programs.
const Lesson* FindTaughtLesson(std::string_view id) {
  for (const Lesson* lesson : Curriculum())
    if (lesson->id == id) return lesson;
  return nullptr;
}

int List(bool json) {
  if (json) {
    nlohmann::json lessons = nlohmann::json::array();
    for (const Lesson* lesson : Curriculum())
      lessons.push_back({{"id", lesson->id},
                         {"title", lesson->title.en},
                         {"title_zh", lesson->title.zh},
                         {"purpose", lesson->purpose.en}});
    std::cout << nlohmann::json{{"lessons", lessons}}.dump(2) << '\n';
    return 0;
  }
  std::printf("ProcLab lessons, in order (run one with: proclab-cli run <id>)\n\n");
  int number = 1;
  for (const Lesson* lesson : Curriculum()) {
    std::printf("  %d  %-14s %s\n", number++, std::string(lesson->id).c_str(),
                std::string(lesson->title.en).c_str());
  }
  return 0;
}

struct RunRequest {
  const Lesson* lesson = nullptr;
  std::vector<std::string> param_texts;  // parallel to lesson->params
  std::vector<const CLI::Option*> param_options;  // parallel: not given (count 0) means default
  std::string trials_text = "1";
  std::string trace_out;
  std::string step_text;
  std::string engine = "cpp";
  std::string lines_text = "on";
  std::string lang_text = "en";
  Language language = Language::kEnglish;
  bool json = false;
};

void PrintTranscript(const Lesson& lesson, const TrialResult& result, bool trace_out, Language language) {
  const bool zh = language == Language::kChinese;
  std::vector<std::string> lines;
  if (lesson.transcript) lesson.transcript(result, language, lines);
  for (const std::string& line : lines) std::cout << line << '\n';
  for (const RunNote& note : result.notes) std::cout << (zh ? "注：" : "Note: ") << note.In(language) << '\n';
  if (result.trace.drops() > 0) {
    if (zh)
      std::cout << "注：环形缓冲区满了，丢弃了 " << result.trace.drops() << " 个跟踪事件：上面的总数是准确的，"
                << (trace_out ? "跟踪文件写明了它缺少多少。" : "只是时间线变稀了（--trace-out 的运行使用更大的缓冲区）。")
                << '\n';
    else
      std::cout << "Note: " << result.trace.drops()
                << " trace events were dropped because a ring was full: the totals above are exact, "
                << (trace_out ? "the trace file says how many it lacks."
                              : "only the timeline is thinned (--trace-out runs use larger rings).")
                << '\n';
  }
}

int RunLesson(RunRequest& request) {
  const Lesson& lesson = *request.lesson;
  ParamValues params(lesson.params);
  for (size_t i = 0; i < lesson.params.size(); ++i) {
    if (request.param_options[i]->count() == 0) continue;  // given empty ('') is bad input
    try {
      params.SetText(lesson.params[i].name, request.param_texts[i]);
    } catch (const ParamError& e) {
      return BadInput(e.what());
    }
  }
  request.language = request.lang_text == "zh-CN" ? Language::kChinese : Language::kEnglish;
  const std::optional<int64_t> trials = ParseWhole(request.trials_text, 1, 10'000);
  if (!trials)
    return BadInput("--trials must be a whole number in 1..10000, not '" + request.trials_text +
                    "'");

  if (request.engine == "python") {
    // The lesson's own Python program, traced like any other (app/cli/trace_command.cpp).
    TraceRequest trace;
    std::vector<std::string> given;
    for (size_t i = 0; i < lesson.params.size(); ++i)
      if (request.param_options[i]->count() != 0) given.emplace_back(lesson.params[i].name);
    std::string error;
    if (!LessonProgram(lesson, params, given, &trace, &error)) return BadInput(error);
    trace.json = request.json;
    trace.trials_text = request.trials_text;
    trace.step_text = request.step_text;
    trace.lines_text = request.lines_text;
    trace.trace_out = request.trace_out;
    trace.language = request.language;
    trace.lesson = &lesson;
    trace.params = &params;
    return RunTrace(trace, g_stop_signal);
  }
  if (request.engine != "cpp") return BadInput("--engine must be cpp or python, not '" + request.engine + "'");

  RunOptions options;
  options.stop_signal = &g_stop_signal;
  options.child_nice = kChildNice;
  // A trace written to a file should be whole: rings large enough that nothing is dropped.
  if (!request.trace_out.empty()) options.ring_capacity = kWholeTraceRingCapacity;
  if (!request.step_text.empty()) {
    if (!lesson.steppable)
      return BadInput(request.language == Language::kChinese
                          ? "课程 " + std::string(lesson.id) + " 没有单步模式（--step）"
                          : "lesson " + std::string(lesson.id) + " has no step mode (--step)");
    Sentence error;
    const int children = lesson.step_children ? lesson.step_children(params)
                         : lesson.child_count   ? lesson.child_count(params)
                                                : 1;
    auto schedule = ParseStepSchedule(request.step_text, children, &error);
    if (!schedule) return BadInput("--step: " + error.In(request.language));
    options.step_schedule = std::move(*schedule);
  }

  PendingFile trace_file;
  std::string trace_error;
  if (!request.trace_out.empty() && !trace_file.Open(request.trace_out, &trace_error))
    return BadInput("cannot write the trace to " + request.trace_out + ": " + trace_error);

  std::vector<TrialResult> results;
  nlohmann::json trials_json = nlohmann::json::array();
  for (int64_t trial = 0; trial < *trials; ++trial) {
    Run run(lesson, params, options);
    const StopOnSignal stop_on_signal(run);
    TrialResult result;
    try {
      result = run.Execute();
    } catch (const std::exception& e) {
      std::cerr << "proclab-cli: the run could not start: " << e.what() << '\n';
      return 1;
    }
    if (request.json) {
      trials_json.push_back(TrialJson(result));
    } else if (trial == 0) {
      std::cout << "== " << lesson.id << ": " << lesson.title.In(request.language) << " ==\n";
      PrintTranscript(lesson, result, !request.trace_out.empty(), request.language);
    } else {
      std::vector<std::string> lines;
      if (lesson.transcript) lesson.transcript(result, request.language, lines);
      std::cout << (request.language == Language::kChinese ? "第 " + std::to_string(trial + 1) + " 次："
                                                          : "trial " + std::to_string(trial + 1) + ": ")
                << (lines.empty() ? "" : lines.back()) << '\n';
    }
    const bool stopped = result.stopped;
    results.push_back(std::move(result));
    if (stopped) break;
  }

  const int stop_signal = g_stop_signal.load();
  bool trace_failed = false;
  if (trace_file.is_open()) {
    WriteChromeTrace(results.back(), trace_file.stream());
    if (!trace_file.Commit()) {
      std::cerr << "proclab-cli: writing the trace to " << request.trace_out << " failed: "
                << std::strerror(errno) << '\n';
      trace_failed = true;
    }
  }
  if (request.json) {
    nlohmann::json out = {{"lesson", lesson.id}, {"params", params.ToJson()},
                          {"trials", std::move(trials_json)}};
    if (lesson.summarise_trials) out["summary"] = lesson.summarise_trials(results);
    if (stop_signal != 0) out["stopped_by"] = SignalName(stop_signal);
    std::cout << out.dump(2) << '\n';
  } else if (lesson.summarise_trials && results.size() > 1) {
    std::cout << "Summary over " << results.size() << " trials: "
              << lesson.summarise_trials(results).dump() << '\n';
  }
  if (stop_signal != 0) {
    std::cerr << StoppedLine(stop_signal, results.back(), request.language, false) << '\n';
    return 128 + stop_signal;
  }
  return trace_failed ? 1 : 0;
}

int Bench(bool quick, bool json) {
  BenchOptions options;
  options.quick = quick;
  options.should_stop = [] { return g_stop_signal.load() != 0; };
  if (!json)
    options.on_progress = [](const std::string& key) {
      std::fprintf(stderr, "measuring %s ...\n", key.c_str());
    };
  PrimitiveCosts costs;
  try {
    costs = MeasurePrimitives(options);
  } catch (const RunStopped&) {
    std::cerr << "proclab-cli: stopped by " << SignalName(g_stop_signal.load()) << '\n';
    return 128 + g_stop_signal.load();
  } catch (const std::exception& e) {
    std::cerr << "proclab-cli: the benchmark failed: " << e.what() << '\n';
    return 1;
  }
  if (json) {
    std::cout << costs.ToJson().dump(2) << '\n';
    return 0;
  }
  std::printf("ProcLab primitives on this machine (%d CPUs), each beside the machine's limit for the\n"
              "same work, measured in turn in this run; medians of %d samples after a warm-up:\n\n",
              CpuCount(), costs.repeats);
  for (const std::string& line : FormatBenchTable(costs, nullptr)) std::printf("%s\n", line.c_str());
  std::printf("\nCompare with Python's multiprocessing: python3 %s\n",
              ThisInstall().bench_script.c_str());
  return 0;
}

// `help` alone is --help; `help <subcommand> [args]` is `<subcommand> [args] --help`. Returns
// the arguments to parse, or nullopt (with *error set) for help on a subcommand that does not
// exist.
std::optional<std::vector<std::string>> RewriteHelp(int argc, char** argv, std::string* error) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() < 2 || args[1] != "help") return args;
  args.erase(args.begin() + 1);
  if (args.size() >= 2 && !args[1].starts_with("-") && args[1] != "list" && args[1] != "run" &&
      args[1] != "bench" && args[1] != "help") {
    *error = "no subcommand '" + args[1] + "' (the subcommands are list, run, bench, help)";
    return std::nullopt;
  }
  if (args.size() >= 2 && args[1] == "help") args.erase(args.begin() + 1);
  args.push_back("--help");
  return args;
}

int Main(int argc, char** argv) {
  InstallStopHandlers();
  SweepStaleSegments();  // segments left by a ProcLab that was killed

  std::string help_error;
  const auto rewritten = RewriteHelp(argc, argv, &help_error);
  if (!rewritten) return BadInput(help_error);
  std::vector<char*> arg_pointers;
  for (const std::string& arg : *rewritten) arg_pointers.push_back(const_cast<char*>(arg.c_str()));
  argc = static_cast<int>(arg_pointers.size());
  arg_pointers.push_back(nullptr);
  argv = arg_pointers.data();

  CLI::App app{"ProcLab in the terminal: run multiprocessing lessons on real processes."};
  app.name("proclab-cli");
  app.set_version_flag("--version", "proclab-cli " PROCLAB_VERSION);
  app.footer(kExitStatusHelp);  // subcommands made after this inherit it
  app.require_subcommand(1);
  bool json = false;
  CLI::App* list = app.add_subcommand("list", "List the lessons in curriculum order.");
  list->add_flag("--json", json, "Print the list as JSON.");

  bool quick = false, bench_json = false;
  CLI::App* bench = app.add_subcommand("bench", "Measure what processes, locks, queues, pools and tracing cost here.");
  bench->add_flag("--quick", quick, "Fewer items and repeats (a few seconds).");
  bench->add_flag("--json", bench_json, "Print one JSON object.");
  bool bench_python = false;
  bench->add_flag("--python", bench_python,
                  "What tracing a Python program costs: the lessons' programs and a tight loop, untraced and traced.");

  std::string text_lesson, text_lang = "en";
  CLI::App* text = app.add_subcommand("text", "Print a lesson's text, its Try this items as commands.");
  text->add_option("lesson", text_lesson, "Lesson id (see: proclab-cli list).")->required();
  text->add_option("--lang", text_lang, "The text's language: en (default) or zh-CN.")
      ->check(CLI::IsMember({"en", "zh-CN"}));

  RunRequest request;
  CLI::App* run = app.add_subcommand("run", "Run a lesson with real child processes.");
  std::string lesson_id;
  run->add_option("lesson", lesson_id, "Lesson id (see: proclab-cli list).")->required();
  run->add_option("--trials", request.trials_text, "Repeat the run N times (1..10000).")
      ->type_name("N");
  run->add_flag("--json", request.json, "Print one JSON object instead of a transcript.");
  run->add_option("--lang", request.lang_text, "The transcript's language: en (default) or zh-CN.")
      ->check(CLI::IsMember({"en", "zh-CN"}));
  run->add_option("--trace-out", request.trace_out,
                  "Write the last trial's trace as Chrome Trace JSON (opens in Perfetto).")
      ->type_name("FILE");
  run->add_option("--step", request.step_text,
                  "Be the scheduler: e.g. 1r,2r,1w,2w (child number, r = read, w = write).")
      ->type_name("STEPS");
  run->add_option("--engine", request.engine,
                  "cpp: ProcLab's C++ children (default); python: the lesson's Python program, traced.")
      ->type_name("ENGINE");
  run->add_option("--lines", request.lines_text, "With --engine python: trace each process's line (on, off).")
      ->type_name("on|off");

  TraceRequest trace_request;
  CLI::App* trace = app.add_subcommand("trace", "Run a Python program, every process of it traced.");
  trace->add_option("program", trace_request.program, "The program (a .py file).")->required();
  trace->add_option("args", trace_request.args, "The program's own arguments, after --.");
  trace->add_flag("--json", trace_request.json, "Print one JSON object (the program's output in it).");
  trace->add_option("--trials", trace_request.trials_text, "Run it N times (1..10000).")->type_name("N");
  trace->add_option("--step", trace_request.step_text,
                    "Be the scheduler: e.g. 1r,2r,1w,2w (child process number, r = read, w = write).")
      ->type_name("STEPS");
  trace->add_option("--lines", trace_request.lines_text, "Trace each process's current line: on (default) or off.")
      ->type_name("on|off");
  trace->add_option("--trace-out", trace_request.trace_out, "Write the last trial's trace as Chrome Trace JSON.")
      ->type_name("FILE");
  trace->add_option("--lanes", trace_request.lanes_text, "Processes traced at most (1..160; default 64).")
      ->type_name("N");
  trace->add_option("--python", trace_request.python, "The interpreter (default: python3 on PATH).")
      ->type_name("PYTHON");
  std::string trace_lang = "en";
  trace->add_option("--lang", trace_lang, "The report's language: en (default) or zh-CN.")
      ->check(CLI::IsMember({"en", "zh-CN"}));
  // Never parsed as such: RewriteHelp turns it into --help (it is here to be listed).
  app.add_subcommand("help", "Show the help of a subcommand: proclab-cli help run [LESSON].");

  // The lesson's own parameters become options of `run`.
  if (const auto id = FindLessonArgument(argc, argv)) {
    request.lesson = FindTaughtLesson(*id);
    if (request.lesson != nullptr) {
      request.param_texts.resize(request.lesson->params.size());
      run->group("Lesson parameters");
      for (size_t i = 0; i < request.lesson->params.size(); ++i) {
        const ParamSpec& spec = request.lesson->params[i];
        // The GUI's label first, so a terminal user can find the same control in the Run pane.
        const std::string help = std::string(spec.label.en) + ". " + std::string(spec.help.en) + " [default " +
                                 (spec.default_is_cpu_count ? std::string("CPUs = ") : "") +
                                 spec.Format(spec.Default()) + "; " + spec.RangeText() + "]";
        request.param_options.push_back(
            run->add_option("--" + std::string(spec.name), request.param_texts[i], help)
                ->type_name(spec.kind == ParamKind::kChoice ? "CHOICE" : "INT"));
      }
      run->footer("Lesson " + std::string(request.lesson->id) + ": " +
                  std::string(request.lesson->purpose.en) + "\n\n" + kExitStatusHelp);
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    std::string extras;  // the unknown options, without their values
    for (const std::string& extra : run->remaining())
      if (extra.starts_with("-")) extras += (extras.empty() ? "" : " ") + extra;
    if (trace->parsed())
      return BadInput(std::string(e.what()) + " (the program's own arguments go after --: proclab-cli trace prog.py -- ARGS)");
    if (request.lesson == nullptr && !lesson_id.empty())  // the lesson is the first mistake
      return BadInput("unknown lesson '" + lesson_id + "' (see: proclab-cli list)");
    if (extras.empty()) return BadInput(e.what());
    if (request.lesson != nullptr)
      return BadInput("unknown parameter " + extras + " for lesson " +
                      std::string(request.lesson->id) + " (see: proclab-cli run " +
                      std::string(request.lesson->id) + " --help)");
    return BadInput(std::string(e.what()));
  } catch (const CLI::RequiredError& e) {
    if (run->parsed() && lesson_id.empty())
      return BadInput("which lesson? e.g. proclab-cli run processes (see: proclab-cli list)");
    if (trace->parsed() && trace_request.program.empty())
      return BadInput("which program? e.g. proclab-cli trace race.py");
    if (text->parsed() && text_lesson.empty())
      return BadInput("which lesson? e.g. proclab-cli text shared-data (see: proclab-cli list)");
    if (!run->parsed() && !list->parsed())
      return BadInput("say what to do: proclab-cli list, or proclab-cli run <lesson> (see --help)");
    return BadInput(e.what());
  } catch (const CLI::ArgumentMismatch& e) {
    const std::string what = e.what();  // "--work: 1 required INT missing"
    const std::string option = what.substr(0, what.find(':'));
    if (what.find("At Most") != std::string::npos)  // "--work: At Most 1 required but received 2"
      return BadInput(option + " is given more than once");
    return BadInput(option + " needs a value");
  } catch (const CLI::ParseError& e) {
    if (!lesson_id.empty() && FindTaughtLesson(lesson_id) == nullptr)
      return BadInput("unknown lesson '" + lesson_id + "' (see: proclab-cli list)");
    return BadInput(e.what());
  }

  if (list->parsed()) return List(json);
  if (text->parsed()) {
    const Lesson* lesson = FindTaughtLesson(text_lesson);
    if (lesson == nullptr) return BadInput("unknown lesson '" + text_lesson + "' (see: proclab-cli list)");
    return PrintLessonText(*lesson, text_lang == "zh-CN" ? Language::kChinese : Language::kEnglish);
  }
  if (bench->parsed()) return bench_python ? PythonBench(quick, bench_json, g_stop_signal) : Bench(quick, bench_json);
  if (trace->parsed()) {
    trace_request.language = trace_lang == "zh-CN" ? Language::kChinese : Language::kEnglish;
    return RunTrace(trace_request, g_stop_signal);
  }
  if (request.lesson == nullptr)
    return BadInput("unknown lesson '" + lesson_id + "' (see: proclab-cli list)");
  return RunLesson(request);
}

}  // namespace
}  // namespace proclab

int main(int argc, char** argv) {
  try {
    return proclab::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "proclab-cli: " << e.what() << '\n';
    return 1;
  }
}

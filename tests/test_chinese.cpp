// Chinese is complete: a run told in Chinese (the transcript, the notes, the stuck headline, pool
// errors) has no English sentence left in it. Each lesson runs in the cases that reach its
// transcript's branches: failures, a stall, a dead holder, a crashed pool worker, step mode.
#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <string>

#include "core/facts/explain.hpp"
#include "core/run.hpp"
#include "lessons/costs_benchmarks.hpp"
#include "lessons/curriculum.hpp"
#include "lessons/pool.hpp"
#include "support.hpp"

using namespace proclab;

namespace {

// Two English words in a row (a sentence, not a name such as `put()` or SIGKILL) once the
// code the transcripts quote on purpose is taken out.
std::string EnglishLeft(std::string line) {
  static const std::regex code(
      R"(error_callback|callback|map_async|apply_async|\bwith lock\b|\b(?:map|apply|cube|square|slow|fail|crash)\b|\brange\b|chunksize|os\.cpu_count\(\)|\bpid\b|\bSIG[A-Z]+\b|EOWNERDEAD|\((?:running|closed|terminated|joined)\)|'[^']*')");
  line = std::regex_replace(line, code, " ");
  static const std::regex two_words(R"([A-Za-z]{2,}[ ,]+[A-Za-z]{2,})");
  std::smatch m;
  return std::regex_search(line, m, two_words) ? m.str() : std::string();
}

void CheckLines(const std::string& id, const std::vector<std::string>& lines) {
  REQUIRE(!lines.empty());
  for (const std::string& line : lines) {
    INFO(id << ": " << line);
    CHECK(EnglishLeft(line).empty());
  }
}

void CheckChinese(const std::string& id, const std::vector<std::pair<std::string, std::string>>& params) {
  const Lesson* lesson = FindLesson(id);
  REQUIRE(lesson != nullptr);
  ParamValues values(lesson->params);
  for (const auto& [name, text] : params)
    if (name != "step") values.SetText(name, text);
  RunOptions options{.worker_path = test::BinPath("proclab-worker")};
  for (const auto& [name, text] : params)
    if (name == "step") options.step_schedule = {{0, 'r'}, {1, 'r'}, {0, 'w'}, {1, 'w'}};
  Run run(*lesson, values, options);
  const TrialResult result = run.Execute();
  std::vector<std::string> lines;
  REQUIRE(lesson->transcript != nullptr);
  lesson->transcript(result, Language::kChinese, lines);
  for (const RunNote& note : result.notes) lines.push_back(note.In(Language::kChinese));
  for (const StallFact& stall : result.facts.stalls()) lines.push_back(ExplainStall(result.facts, stall).zh);
  if (const PoolOutcome* pool = result.Outcome<PoolOutcome>(); pool != nullptr && !pool->error.empty())
    lines.push_back(PoolErrorText(pool->error).zh);
  CheckLines(id, lines);
  // And the English transcript is still English (the language is really chosen).
  std::vector<std::string> english;
  lesson->transcript(result, Language::kEnglish, english);
  CHECK(english.front() != lines.front());
}

}  // namespace

TEST_CASE("the leftover-English check finds an English sentence and passes code") {
  CHECK(EnglishLeft("child 1 (pid 42) exited with status 0") == "exited with");
  CHECK(EnglishLeft("子进程 1（pid 42）在 3.00 毫秒 被 SIGKILL 杀死") == "");
  CHECK(EnglishLeft("  error_callback 在 2.00 毫秒 于父进程中运行") == "");
  CHECK(EnglishLeft("一个有 2 个工作进程的进程池运行 map(square, range(10), chunksize=3)。") == "");
}

TEST_CASE("every lesson's transcript in Chinese has no English sentence left") {
  SECTION("processes") {
    CheckChinese("processes", {{"processes", "2"}});
    CheckChinese("processes", {{"processes", "2"}, {"fail", "crash"}});
    CheckChinese("processes", {{"processes", "2"}, {"fail", "exit"}});
  }
  SECTION("race lessons") {
    CheckChinese("shared-data", {{"iterations", "5"}, {"sleep-ms", "0"}});
    CheckChinese("shared-data", {{"iterations", "2"}, {"array-processes", "0"}, {"step", ""}});
    CheckChinese("locks", {{"iterations", "20"}, {"sleep-ms", "1"}, {"kill-holder", "on"}});
    CheckChinese("lock-guard", {{"style", "manual"}, {"fail-inside", "on"}, {"iterations", "10"}, {"sleep-ms", "0"}});
    CheckChinese("lock-guard", {{"fail-inside", "on"}, {"iterations", "10"}, {"sleep-ms", "0"}});
  }
  SECTION("queues") {
    CheckChinese("queue-basics", {});
    CheckChinese("queue", {{"items", "5"}});
    CheckChinese("queue", {{"items", "40"}, {"capacity", "4"}, {"join-before-drain", "on"}});
  }
  SECTION("pool") {
    CheckChinese("pool", {});
    CheckChinese("pool", {{"task", "fail"}});
    CheckChinese("pool", {{"task", "crash"}});
    CheckChinese("pool", {{"mode", "apply_async"}, {"items", "4"}});
  }
  SECTION("deadlock") {
    CheckChinese("deadlock", {});
    CheckChinese("deadlock", {{"order", "same"}});
  }
  SECTION("costs") {
    CheckChinese("costs", {{"size", "quick"}, {"python", "off"}});
  }
}

TEST_CASE("the costs transcript in Chinese names every figure, with Python's column and a limit beaten") {
  // Every figure and part measured, Python beside them, one limit ProcLab beat: every branch.
  CostsOutcome costs;
  costs.proclab.emplace();
  for (size_t i = 0; i < std::size(kBenchFigures); ++i) {
    MeasuredFigure figure;
    figure.value = figure.value_min = figure.value_max = 2.0 + static_cast<double>(i);
    figure.limit = figure.limit_min = figure.limit_max = 4.0;
    figure.of_limit = 0.5;
    figure.limit_suspect = i == 4;
    costs.proclab->figures[i] = figure;
  }
  for (size_t i = 0; i < std::size(kBenchParts); ++i) costs.proclab->parts[i] = 1.0;
  costs.python.emplace();
  for (size_t i = 0; i + 1 < std::size(kBenchFigures); ++i) costs.python->figures[i] = 1.0;  // the last: not measured
  TrialResult result;
  result.outcome = std::make_shared<CostsOutcome>(costs);
  std::vector<std::string> lines;
  FindLesson("costs")->transcript(result, Language::kChinese, lines);
  CheckLines("costs", lines);
  CHECK(lines.at(1) == "  启动并 join 一个进程：Python 1.000 ms · ProcLab 2.000 ms · 极限 4.000 ms · 达到极限的 50% · 相对 Python 0.5×");
  CHECK(lines.at(5) == "  队列元素：Python 1 /s · ProcLab 6 /s · 极限 4 /s · 达到极限的 50% · 相对 Python 6.0× (!)");
  CHECK(lines.at(9) == "  读取的轨迹事件：Python（未测） · ProcLab 10 /s · 极限 4 /s · 达到极限的 50%");
  std::vector<std::string> english;
  FindLesson("costs")->transcript(result, Language::kEnglish, english);
  CHECK(english.front().find("figure") != std::string::npos);  // the English table, as proclab-cli bench prints it
}

namespace {

std::vector<std::string> PythonLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// A Python line split into its code (trailing spaces dropped) and its comment ("" when none).
// The shown programs have no '#' inside a string.
std::pair<std::string, std::string> SplitComment(const std::string& line) {
  const size_t hash = line.find('#');
  std::string code = line.substr(0, hash);
  while (!code.empty() && code.back() == ' ') code.pop_back();
  return {code, hash == std::string::npos ? std::string() : line.substr(hash)};
}

}  // namespace

TEST_CASE("every lesson's Python tab is the same code in both languages, with its comments in Chinese under zh-CN") {
  static const std::regex call_args(R"(\w+=\([^)]*\))");  // args=(counter, lock): code quoted in a comment
  for (const Lesson* lesson : Curriculum()) {
    INFO(lesson->id);
    const std::vector<std::string> en = PythonLines(lesson->python.In(Language::kEnglish));
    const std::vector<std::string> zh = PythonLines(lesson->python.In(Language::kChinese));
    REQUIRE(!en.empty());
    REQUIRE(en.size() == zh.size());
    for (size_t i = 0; i < en.size(); ++i) {
      const auto [en_code, en_comment] = SplitComment(en[i]);
      const auto [zh_code, zh_comment] = SplitComment(zh[i]);
      INFO("line " << i + 1 << ": " << en[i] << " | " << zh[i]);
      CHECK(en_code == zh_code);
      CHECK(en_comment.empty() == zh_comment.empty());
      CHECK(EnglishLeft(std::regex_replace(zh_comment, call_args, " ")).empty());
    }
  }
  CHECK(SplitComment("    q.put(n)          # 每个新元素排到队尾") == std::pair<std::string, std::string>{"    q.put(n)", "# 每个新元素排到队尾"});
  CHECK_FALSE(EnglishLeft("# take one lock ...").empty());  // what the check would find left in English
}

TEST_CASE("the pool's queues are named in the learner's language; names that are code stay as declared") {
  CHECK(ShownObjectName("task queue", Language::kChinese) == "任务队列");
  CHECK(ShownObjectName("result queue", Language::kChinese) == "结果队列");
  CHECK(ShownObjectName("result queue", Language::kEnglish) == "result queue");
  CHECK(ShownObjectName("counter", Language::kChinese) == "counter");
  CHECK(ShownObjectName("", Language::kChinese).empty());
}

TEST_CASE("every choice a learner picks in the Run pane is in words under Chinese, its name beside it") {
  // Names that are the multiprocessing API stay as they are.
  const std::set<std::string> code = {"map", "apply", "map_async", "apply_async"};
  std::vector<const Lesson*> lessons(Curriculum().begin(), Curriculum().end());
  for (const Lesson* lesson : lessons)
    for (const ParamSpec& spec : lesson->params)
      for (size_t c = 0; c < spec.choices.size(); ++c) {
        const std::string name(spec.choices[c]);
        const std::string zh = spec.Shown(static_cast<int64_t>(c), Language::kChinese);
        INFO(lesson->id << " --" << spec.name << " " << name << ": " << zh);
        CHECK(spec.Shown(static_cast<int64_t>(c), Language::kEnglish) == name);
        if (code.count(name) != 0) {
          CHECK(zh == name);
        } else {
          CHECK(zh.size() > name.size() + 6);  // words, then （name）
          CHECK(zh.ends_with("（" + name + "）"));
        }
      }
  // The trials' series title says the choice the same way.
  const Lesson& guard = *FindLesson("lock-guard");
  ParamValues values(guard.params);
  values.SetText("style", "manual");
  CHECK_THAT(values.Described(Language::kChinese), Catch::Contains("手动（manual）"));
  CHECK_THAT(values.Described(Language::kEnglish), Catch::Contains("= manual"));
}

// End-to-end runs of the lessons queue-basics, queue and pool through proclab-cli, read the way a
// script would read them: the JSON outcome, the exit status, and what is left in /dev/shm.
#include <signal.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "support.hpp"

using namespace proclab;
using nlohmann::json;

namespace {

const std::vector<int64_t> kTenCubes = {0, 1, 8, 27, 64, 125, 216, 343, 512, 729};

// Runs proclab-cli with --json; checks it succeeded and left no segment; returns the one trial.
json RunTrial(std::vector<std::string> args) {
  args.push_back("--json");
  const test::CommandResult result = test::RunProgram("proclab-cli", args, 60);
  INFO("proclab-cli stderr: " << result.err);
  REQUIRE(result.exit_status == 0);
  CHECK(test::SegmentsOwnedBy(result.pid).empty());
  const json out = json::parse(result.out);
  REQUIRE(out.at("trials").size() == 1);
  return out.at("trials")[0];
}

// Values received from each producer (1 and 2), in the order the parent got them.
std::map<int, std::vector<int64_t>> ByProducer(const json& trial) {
  std::map<int, std::vector<int64_t>> by;
  for (const json& item : trial.at("received"))
    by[item.at("producer").get<int>()].push_back(item.at("value").get<int64_t>());
  return by;
}

}  // namespace

TEST_CASE("queue-basics shows FIFO: put 1, 2, 3, then get returns 1 and leaves 2, 3") {
  const json trial = RunTrial({"run", "queue-basics"});
  const json& steps = trial.at("steps");
  REQUIRE(steps.size() == 4);
  CHECK(steps[0].at("contents") == json({1}));
  CHECK(steps[1].at("contents") == json({1, 2}));
  CHECK(steps[2].at("contents") == json({1, 2, 3}));
  CHECK(steps[2].at("front") == 1);
  CHECK(steps[2].at("back") == 3);
  CHECK(steps[3].at("operation") == "get");
  CHECK(steps[3].at("value") == 1);
  CHECK(steps[3].at("contents") == json({2, 3}));
}

TEST_CASE("the queue lesson receives exactly the ten values, each producer's in order") {
  const json trial = RunTrial({"run", "queue"});
  CHECK(trial.at("received").size() == 10);
  const auto by = ByProducer(trial);
  CHECK(by.at(1) == std::vector<int64_t>{1, 4, 9, 16, 25});
  CHECK(by.at(2) == std::vector<int64_t>{-1, -2, -3, -4, -5});
  CHECK(trial.at("stall").is_null());
  CHECK(trial.at("max_depth").get<int>() >= 1);
  CHECK(trial.at("blocked_ms").size() == 2);
  CHECK_FALSE(trial.contains("notes"));
}

TEST_CASE("a one-slot queue with a slow consumer still delivers every item once, in order") {
  const json trial =
      RunTrial({"run", "queue", "--items", "20", "--capacity", "1", "--consumer-delay-ms", "1"});
  const auto by = ByProducer(trial);
  std::vector<int64_t> squares, negatives;
  for (int64_t i = 1; i <= 20; ++i) {
    squares.push_back(i * i);
    negatives.push_back(-i);
  }
  CHECK(by.at(1) == squares);
  CHECK(by.at(2) == negatives);
  CHECK(trial.at("max_depth") == 1);
}

TEST_CASE("join-before-drain on a queue too small stalls, and the stall is explained, drained and finished") {
  const json trial =
      RunTrial({"run", "queue", "--capacity", "2", "--join-before-drain", "on"});
  CHECK(trial.at("received").size() == 10);
  REQUIRE_FALSE(trial.at("stall").is_null());
  REQUIRE(trial.contains("notes"));
  REQUIRE(trial.at("notes").size() == 1);
  const std::string note = trial.at("notes")[0];
  CHECK_THAT(note, Catch::Contains("full queue") && Catch::Contains("join()"));
  const auto by = ByProducer(trial);
  CHECK(by.at(1) == std::vector<int64_t>{1, 4, 9, 16, 25});
  CHECK(by.at(2) == std::vector<int64_t>{-1, -2, -3, -4, -5});
  for (const json& child : trial.at("processes")) CHECK(child.at("exit_status") == 0);
}

TEST_CASE("join-before-drain does not stall when everything fits in the queue") {
  const json trial = RunTrial({"run", "queue", "--join-before-drain", "on"});
  CHECK(trial.at("stall").is_null());
  CHECK_FALSE(trial.contains("notes"));
  CHECK(trial.at("received").size() == 10);
  CHECK(trial.at("max_depth") == 10);  // nobody got anything until both producers had exited
}

TEST_CASE("the pool lesson returns the ten cubes in order for any chunksize and worker count") {
  for (const char* workers : {"1", "2", "4"}) {
    for (const char* chunksize : {"0", "1", "3", "10", "50"}) {
      INFO("workers " << workers << ", chunksize " << chunksize);
      const json trial =
          RunTrial({"run", "pool", "--task", "cube", "--workers", workers, "--chunksize", chunksize});
      CHECK(trial.at("result") == json(kTenCubes));
      CHECK(trial.at("error").is_null());
      CHECK(trial.at("processes").size() == static_cast<size_t>(std::stoi(workers)));
    }
  }
}

TEST_CASE("the pool lesson gives the same cubes in every mode, with a callback per apply_async") {
  for (const char* mode : {"map", "apply", "map_async", "apply_async"}) {
    INFO(mode);
    const json trial = RunTrial({"run", "pool", "--task", "cube", "--mode", mode, "--workers", "2"});
    CHECK(trial.at("result") == json(kTenCubes));
    if (std::string(mode) == "apply_async") CHECK(trial.at("callbacks").size() == 10);
    if (std::string(mode) == "map_async") CHECK(trial.at("callbacks").size() == 1);
    const json& states = trial.at("pool_states");
    REQUIRE(states.size() == 3);
    CHECK(states[0].at("state") == "running");
    CHECK(states[1].at("state") == "closed");
    CHECK(states[2].at("state") == "joined");
  }
}

TEST_CASE("a failing task ends the pool run with the worker's message, never a hang") {
  for (const char* mode : {"map", "apply", "map_async", "apply_async"}) {
    INFO(mode);
    const json trial = RunTrial({"run", "pool", "--task", "fail", "--mode", mode});
    CHECK(trial.at("result").is_null());
    CHECK(trial.at("error") == "cube(5) failed on purpose");
    if (std::string(mode).ends_with("_async")) {
      bool error_callback = false;
      for (const json& callback : trial.at("callbacks"))
        error_callback |= callback.at("callback") == "error_callback";
      CHECK(error_callback);
    }
  }
}

TEST_CASE("a worker that dies mid-task fails the map with its pid and signal, and is replaced") {
  const json trial = RunTrial({"run", "pool", "--task", "crash", "--chunksize", "1"});
  CHECK(trial.at("result").is_null());
  const std::string error = trial.at("error");
  CHECK_THAT(error, Catch::Contains("SIGKILL") && Catch::Contains("while running item 5"));
  int killed = 0;
  for (const json& child : trial.at("processes")) {
    if (child.at("state") != "killed") continue;
    ++killed;
    CHECK_THAT(error, Catch::Contains("pid " + std::to_string(child.at("pid").get<int>())));
  }
  CHECK(killed == 1);
  CHECK(trial.at("replacements").size() == 1);
}

TEST_CASE("bad input for each queue and pool parameter: exit 2, one line on stderr, nothing left") {
  const std::vector<std::vector<std::string>> bad = {
      {"queue-basics", "--items", "3"},
      {"queue", "--items", "-1"},
      {"queue", "--items", "1000001"},
      {"queue", "--items", "five"},
      {"queue", "--capacity", "0"},
      {"queue", "--capacity", "65537"},
      {"queue", "--consumer-delay-ms", "-5"},
      {"queue", "--consumer-delay-ms", "1001"},
      {"queue", "--join-before-drain", "maybe"},
      {"pool", "--workers", "0"},
      {"pool", "--workers", "65"},
      {"pool", "--items", "1000001"},
      {"pool", "--chunksize", "-1"},
      {"pool", "--task", "fourth-power"},
      {"pool", "--delay-ms", "10001"},
      {"pool", "--mode", "imap"},
      {"pool", "--workers"},
  };
  for (const std::vector<std::string>& args : bad) {
    std::vector<std::string> full = {"run"};
    full.insert(full.end(), args.begin(), args.end());
    std::string shown;
    for (const std::string& arg : args) shown += arg + " ";
    INFO(shown);
    const test::CommandResult result = test::RunProgram("proclab-cli", full, 30);
    CHECK(result.exit_status == 2);
    CHECK(test::Lines(result.err).size() == 1);
    CHECK(result.out.empty());
    CHECK(test::SegmentsOwnedBy(result.pid).empty());
  }
}

TEST_CASE("a queue producer SIGKILLed mid-run: the run ends with a report naming it, its items a "
          "prefix in order, the other producer's all") {
  using namespace std::chrono_literals;
  test::TempDir dir;
  // A one-slot queue and a slow consumer: the producers spend the run blocked in put.
  const pid_t cli = test::StartProgram(
      "proclab-cli",
      {"run", "queue", "--items", "4", "--capacity", "1", "--consumer-delay-ms", "150", "--json"},
      dir.File("out"), dir.File("err"));
  REQUIRE(cli > 0);
  std::vector<pid_t> children;
  test::WaitFor(
      [&] {
        children = test::ChildrenOf(cli);
        return children.size() >= 2;
      },
      10s);
  REQUIRE(children.size() == 2);
  const pid_t victim = children[0];
  kill(victim, SIGKILL);
  bool timed_out = false;
  const test::CommandResult result = test::WaitProgram(cli, 30s, &timed_out);
  const std::string err = test::ReadFile(dir.File("err"));
  INFO("stderr: " << err);
  CHECK_FALSE(timed_out);
  CHECK(result.exit_status == 0);
  CHECK(test::SegmentsOwnedBy(cli).empty());
  CHECK(test::ChildrenOf(getpid()).empty());
  const json trial = json::parse(test::ReadFile(dir.File("out"))).at("trials")[0];
  int killed_producer = 0;
  for (const json& process : trial.at("processes")) {
    if (process.at("pid").get<pid_t>() == victim) {
      killed_producer = process.at("index").get<int>();
      CHECK(process.at("state") == "killed");
      CHECK(process.at("signal") == SIGKILL);
    } else {
      CHECK(process.at("state") == "exited");
      CHECK(process.at("exit_status") == 0);
    }
  }
  REQUIRE((killed_producer == 1 || killed_producer == 2));
  const std::map<int, std::vector<int64_t>> full = {{1, {1, 4, 9, 16}}, {2, {-1, -2, -3, -4}}};
  auto by = ByProducer(trial);
  const std::vector<int64_t>& got = by[killed_producer];
  const std::vector<int64_t>& all = full.at(killed_producer);
  CHECK(got.size() <= all.size());
  CHECK(std::equal(got.begin(), got.end(), all.begin()));  // a prefix, each once, in order
  const int other = 3 - killed_producer;
  CHECK(by[other] == full.at(other));
  CHECK(trial.at("received_count") == got.size() + by[other].size());
}

TEST_CASE("cli: --json holds every item a large queue run received, in order, however many events dropped") {
  const auto result = test::RunProgram("proclab-cli", {"run", "queue", "--items", "100000", "--json"}, 120);
  REQUIRE(result.exit_status == 0);
  const nlohmann::json trial = nlohmann::json::parse(result.out).at("trials")[0];
  CHECK(trial.at("received_count") == 200000);
  const nlohmann::json& received = trial.at("received");
  REQUIRE(received.size() == 200000);
  CHECK_FALSE(trial.contains("received_truncated"));
  // Each producer's items, all of them, in the order it put them.
  int64_t next_square = 1, next_negative = -1;
  for (const nlohmann::json& item : received) {
    const int64_t value = item.at("value").get<int64_t>();
    if (item.at("producer") == 1) {
      REQUIRE(value == next_square * next_square);
      ++next_square;
    } else {
      REQUIRE(value == next_negative);
      --next_negative;
    }
  }
  CHECK(next_square == 100001);
  CHECK(next_negative == -100001);
}

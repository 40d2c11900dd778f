// `proclab-cli bench --quick`: the format of its output, not its speed. Benchmarks are not timed
// tests (CI machines are noisy); this checks that every figure the issue names is there with the
// machine's limit beside it, each a positive number, in the JSON and in the table, that a limit
// ProcLab beat is flagged rather than failed, and that the run leaves nothing behind.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "support.hpp"

using namespace proclab::test;
using nlohmann::json;

namespace {

const std::set<std::string> kFigures = {
    "spawn_join_ms_per_proc",    "unlocked_increments_per_s", "locked_increments_per_s",
    "atomic_increments_per_s",   "queue_items_per_s",         "pool_map_items_per_s",
    "pool_apply_async_tasks_per_s", "trace_ns_per_event",     "trace_drain_events_per_s"};

const std::set<std::string> kParts = {
    "worker_start_ms_per_proc", "lock_pair_ns",          "queue_pair_ns",   "map_before_ns_per_item",
    "map_work_ns_per_item",     "map_after_ns_per_item", "clock_read_ns"};

}  // namespace

TEST_CASE("bench: --quick --json has every figure, its limit and its fraction of the limit, all positive",
          "[bench]") {
  const CommandResult result = RunProgram("proclab-cli", {"bench", "--quick", "--json"}, 300);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_status == 0);
  const json figures = json::parse(result.out);  // throws (fails) on anything but one JSON value
  REQUIRE(figures.is_object());
  std::set<std::string> numbers;
  for (const auto& [key, value] : figures.items())
    if (value.is_number() && key != "repeats") numbers.insert(key);
  std::set<std::string> expected;
  for (const std::string& key : kFigures) expected.insert({key, "limit_" + key, key + "_of_limit"});
  CHECK(numbers == expected);
  for (const std::string& key : expected) {
    INFO(key);
    CHECK(figures.at(key).get<double>() > 0);
  }
  CHECK(figures.at("repeats").get<int>() == 3);
  for (const std::string& key : kFigures) {
    INFO(key);
    const json range = figures.at("range").at(key), limit_range = figures.at("range").at("limit_" + key);
    CHECK(range[0].get<double>() <= figures.at(key).get<double>());
    CHECK(figures.at(key).get<double>() <= range[1].get<double>());
    CHECK(limit_range[0].get<double>() <= figures.at("limit_" + key).get<double>());
    CHECK(figures.at("limit_" + key).get<double>() <= limit_range[1].get<double>());
  }
  // A limit ProcLab beat is listed, not an error: the machine may be busy.
  for (const json& key : figures.at("limit_suspect")) CHECK(kFigures.count(key.get<std::string>()) == 1);
  std::set<std::string> parts;
  for (const auto& [key, value] : figures.at("parts").items()) {
    INFO(key);
    parts.insert(key);
    CHECK(value.get<double>() >= 0);
  }
  CHECK(parts == kParts);
  CHECK(figures.at("parts").at("worker_start_ms_per_proc").get<double>() > 0);
  CHECK(SegmentsOwnedBy(result.pid).empty());
}

TEST_CASE("bench: --quick prints one row per figure with ProcLab, the limit and the share reached",
          "[bench]") {
  const CommandResult result = RunProgram("proclab-cli", {"bench", "--quick"}, 300);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_status == 0);
  const std::regex row(R"(^\s+([a-z_]+)\s+([0-9.,]+) (ms|ns|/s)\s+([0-9.,]+) (ms|ns|/s)\s+([0-9]+)%( \(!\))?$)");
  std::set<std::string> rows;
  bool flagged = false;
  for (const std::string& line : Lines(result.out)) {
    std::smatch match;
    if (!std::regex_match(line, match, row)) continue;
    INFO(line);
    rows.insert(match[1]);
    auto number = [](std::string text) {
      std::erase(text, ',');
      return std::stod(text);
    };
    CHECK(number(match[2]) > 0);
    CHECK(number(match[4]) > 0);
    CHECK(match[3] == match[5]);  // the limit is in the figure's unit
    const std::string key = match[1];
    const std::string unit = match[3];
    if (key.ends_with("_per_s")) CHECK(unit == "/s");
    if (key.ends_with("_ms_per_proc")) CHECK(unit == "ms");
    if (key.ends_with("_ns_per_event")) CHECK(unit == "ns");
    flagged |= match[7].matched;
  }
  CHECK(rows == kFigures);
  const bool footnote = result.out.find("(!) ProcLab beat this limit") != std::string::npos;
  CHECK(flagged == footnote);
  // What each limit is, and where ProcLab's cost goes, in words.
  for (const std::string& key : kFigures) CHECK(result.out.find("  " + key + ": ") != std::string::npos);
  CHECK(result.out.find("is the machine's limit") != std::string::npos);
}

TEST_CASE("bench: an unknown option is bad input with one line on stderr", "[bench]") {
  const CommandResult result = RunProgram("proclab-cli", {"bench", "--fast"}, 20);
  CHECK(result.exit_status == 2);
  CHECK(result.out.empty());
  CHECK(Lines(result.err).size() == 1);
  CHECK(result.err.find("--fast") != std::string::npos);
}

TEST_CASE("bench: the no-op the start + join limit starts, and the worker's --exit, return 0 at once",
          "[bench]") {
  CHECK(RunProgram("proclab-noop", {}, 10).exit_status == 0);
  const CommandResult worker = RunProgram("proclab-worker", {"--exit"}, 10);
  CHECK(worker.exit_status == 0);
  CHECK(worker.err.empty());
}

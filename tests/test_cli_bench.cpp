// `proclab-cli bench --quick`: the format of its output, not its speed. Benchmarks are not timed
// tests (CI machines are noisy); this checks that every figure the issue names is there, alone,
// and a positive number, in the JSON and in the table, and that the run leaves nothing behind.
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

}  // namespace

TEST_CASE("bench: --quick --json prints one object with exactly the nine figures, all positive",
          "[bench]") {
  const CommandResult result = RunProgram("proclab-cli", {"bench", "--quick", "--json"}, 300);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_status == 0);
  const json figures = json::parse(result.out);  // throws (fails) on anything but one JSON value
  REQUIRE(figures.is_object());
  std::set<std::string> keys;
  for (const auto& [key, value] : figures.items()) {
    INFO(key);
    keys.insert(key);
    REQUIRE(value.is_number());
    CHECK(value.get<double>() > 0);
  }
  CHECK(keys == kFigures);
  CHECK(SegmentsOwnedBy(result.pid).empty());
}

TEST_CASE("bench: --quick prints a table with one row per figure, each with its number and unit",
          "[bench]") {
  const CommandResult result = RunProgram("proclab-cli", {"bench", "--quick"}, 300);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_status == 0);
  const std::regex row(R"(^\s+([a-z_]+)\s+([0-9.]+) (ms|ns|/s)$)");
  std::set<std::string> rows;
  for (const std::string& line : Lines(result.out)) {
    std::smatch match;
    if (!std::regex_match(line, match, row)) continue;
    INFO(line);
    rows.insert(match[1]);
    CHECK(std::stod(match[2]) > 0);
    const std::string key = match[1];
    const std::string unit = match[3];
    if (key.ends_with("_per_s")) CHECK(unit == "/s");
    if (key.ends_with("_ms_per_proc")) CHECK(unit == "ms");
    if (key.ends_with("_ns_per_event")) CHECK(unit == "ns");
  }
  CHECK(rows == kFigures);
}

TEST_CASE("bench: an unknown option is bad input with one line on stderr", "[bench]") {
  const CommandResult result = RunProgram("proclab-cli", {"bench", "--fast"}, 20);
  CHECK(result.exit_status == 2);
  CHECK(result.out.empty());
  CHECK(Lines(result.err).size() == 1);
  CHECK(result.err.find("--fast") != std::string::npos);
}

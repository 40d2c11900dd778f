// How the costs benchmark's figures read: the table `proclab-cli bench` and the costs lesson's
// transcript print, the sentences that say where ProcLab's cost goes, and the scale of a group of
// bars. Sections: formatting · explanations · the table · bar scales.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "lessons/costs_benchmarks.hpp"

namespace proclab {
namespace {

// ---------------------------------------------------------------------------------- formatting

std::optional<double> Number(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// 0.42, 9.21, 31.4, 253: three significant digits, no exponent.
std::string Short(double value) {
  char text[32];
  const double a = std::fabs(value);
  std::snprintf(text, sizeof text, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", value);
  return text;
}

std::string Ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", ms);
  return text;
}

std::string Grouped(double value) {  // 31200000 -> 31,200,000
  char digits[32];
  std::snprintf(digits, sizeof digits, "%.0f", value);
  std::string text = digits;
  for (int i = static_cast<int>(text.size()) - 3; i > 0 && text[static_cast<size_t>(i) - 1] != '-'; i -= 3)
    text.insert(static_cast<size_t>(i), ",");
  return text;
}

}  // namespace

std::string FormatFigure(double value, const char* unit) {
  if (std::string_view(unit) == "/s") return Grouped(value) + " /s";
  char text[48];
  std::snprintf(text, sizeof text, value < 100 ? "%.3f %s" : "%.1f %s", value, unit);
  return text;
}

// -------------------------------------------------------------------------------- explanations

std::vector<CostExplanation> ExplainCosts(const nlohmann::json& f) {
  std::vector<CostExplanation> out;
  const nlohmann::json parts = f.contains("parts") ? f["parts"] : nlohmann::json::object();
  auto ns_per = [](std::optional<double> rate) { return rate && *rate > 0 ? 1e9 / *rate : 0.0; };

  const auto spawn = Number(f, "spawn_join_ms_per_proc"), spawn_limit = Number(f, "limit_spawn_join_ms_per_proc");
  const auto worker = Number(parts, "worker_start_ms_per_proc");
  if (spawn && spawn_limit && worker) {
    const std::string all = Ms(*spawn), limit = Ms(*spawn_limit);
    const std::string load = Ms(std::max(*worker - *spawn_limit, 0.0));
    const std::string around = Ms(std::max(*spawn - *worker, 0.0));
    out.push_back({"spawn_join_ms_per_proc",
                   "Of the " + all + " ms per process, " + limit +
                       " ms is the machine's limit (posix_spawn, exec, the C library's start-up, exit "
                       "and waitpid of a static no-op), " + load +
                       " ms loading the larger worker program (proclab-worker --exit), and " + around +
                       " ms the run around it: its shared memory, the worker attaching, the start "
                       "line, reaping.",
                   "每个进程的 " + all + " ms 中，" + limit +
                       " ms 是机器的极限（静态空程序的 posix_spawn、exec、C 库启动、退出和 "
                       "waitpid），" + load + " ms 用于加载更大的 worker 程序（proclab-worker --exit），" +
                       around + " ms 是围绕它的运行：共享内存、worker 连接、起跑线和回收。"});
  }
  const auto lock_pair = Number(parts, "lock_pair_ns");
  if (const auto locked = Number(f, "locked_increments_per_s"); locked && lock_pair) {
    const std::string pair = Short(*lock_pair), bare = Short(ns_per(Number(f, "limit_locked_increments_per_s")));
    const std::string each = Short(ns_per(locked));
    out.push_back({"locked_increments_per_s",
                   "Without contention, ProcLab's robust lock + unlock costs " + pair +
                       " ns (the bare pair: " + bare + " ns); the rest of the " + each +
                       " ns per increment is the two processes taking the lock from each other.",
                   "无竞争时，ProcLab 的健壮锁加锁 + 解锁需要 " + pair + " ns（最简的一对操作：" + bare +
                       " ns）；每次自增 " + each + " ns 中其余的时间，是两个进程互相争夺这把锁。"});
  }
  const auto queue_pair = Number(parts, "queue_pair_ns");
  if (const auto queue = Number(f, "queue_items_per_s"); queue && queue_pair) {
    const std::string pair = Short(*queue_pair), each = Short(ns_per(queue));
    out.push_back({"queue_items_per_s",
                   "In one process, a put + get on ProcLab's queue costs " + pair +
                       " ns (its lock twice, a copy each way); the rest of the " + each +
                       " ns per item is the hand-off between the two processes.",
                   "在单个进程内，ProcLab 队列的一次 put + get 需要 " + pair + " ns（两次加锁，各复制一次）；"
                       "每个元素 " + each + " ns 中其余的时间，用于两个进程之间的交接。"});
  }
  const auto before = Number(parts, "map_before_ns_per_item"), work = Number(parts, "map_work_ns_per_item"),
             after = Number(parts, "map_after_ns_per_item");
  if (const auto map = Number(f, "pool_map_items_per_s"); map && before && work && after) {
    const std::string each = Short(ns_per(map)), b = Short(*before), w = Short(*work), a = Short(*after);
    out.push_back({"pool_map_items_per_s",
                   "Of the " + each + " ns per item, " + b +
                       " ns pass before the first chunk starts (the inputs copied into shared memory, "
                       "the chunks handed out), " + w + " ns while the workers compute, and " + a +
                       " ns after the last chunk ends (the results copied out).",
                   "每个元素的 " + each + " ns 中，" + b + " ns 在第一个分块开始之前（输入复制到共享内存、分发分块），" +
                       w + " ns 是 worker 计算的时间，" + a + " ns 在最后一个分块结束之后（复制出结果）。"});
  }
  if (const auto apply = Number(f, "pool_apply_async_tasks_per_s"); apply && queue_pair) {
    const std::string two = Short(2 * *queue_pair), each = Short(ns_per(apply));
    out.push_back({"pool_apply_async_tasks_per_s",
                   "Each task crosses ProcLab's queue twice, out and back: " + two + " ns of its " + each +
                       " ns even in one process, without a hand-off; the rest is the hand-offs between "
                       "the processes and the pool's own records of the task.",
                   "每个任务要经过 ProcLab 的队列两次（去和回）：即使在单个进程内、没有交接，也要花去其 " + each +
                       " ns 中的 " + two + " ns；其余是进程之间的交接和进程池对任务的记录。"});
  }
  const auto clock = Number(parts, "clock_read_ns");
  if (const auto event = Number(f, "trace_ns_per_event"); event && clock) {
    const std::string read = Short(*clock), each = Short(*event);
    out.push_back({"trace_ns_per_event",
                   read + " ns of the " + each +
                       " ns per event is reading the clock; the rest is writing the event into the ring.",
                   "每个事件的 " + each + " ns 中，" + read + " ns 用于读取时钟；其余用于把事件写入环形缓冲区。"});
  }
  return out;
}

// ----------------------------------------------------------------------------------- the table

std::vector<std::string> FormatBenchTable(const nlohmann::json& f, const nlohmann::json& python) {
  const bool with_python = python.is_object();
  std::vector<std::string> lines;
  char line[256];
  if (with_python)
    std::snprintf(line, sizeof line, "  %-30s %18s %18s %18s %9s %9s", "figure", "Python", "ProcLab", "limit",
                  "of limit", "x Python");
  else
    std::snprintf(line, sizeof line, "  %-30s %18s %18s %9s", "figure", "ProcLab", "limit", "of limit");
  lines.push_back(line);
  const nlohmann::json suspect = f.value("limit_suspect", nlohmann::json::array());
  bool any_suspect = false;
  for (const BenchFigure& figure : kBenchFigures) {
    const auto ours = Number(f, figure.key);
    if (!ours) continue;
    const auto limit = Number(f, std::string("limit_") + figure.key);
    const auto of = Number(f, std::string(figure.key) + "_of_limit");
    const std::string limit_text = limit ? FormatFigure(*limit, figure.unit) : "-";
    char of_text[16] = "-";
    if (of) std::snprintf(of_text, sizeof of_text, "%.0f%%", *of * 100);
    const bool flagged = std::find(suspect.begin(), suspect.end(), figure.key) != suspect.end();
    any_suspect |= flagged;
    if (with_python) {
      const auto py = Number(python, figure.key);
      std::string py_text = py ? FormatFigure(*py, figure.unit) : "-", times = "";
      if (py && *py > 0 && *ours > 0) {
        char text[16];
        std::snprintf(text, sizeof text, "%.1fx", figure.larger_is_better ? *ours / *py : *py / *ours);
        times = text;
      }
      std::snprintf(line, sizeof line, "  %-30s %18s %18s %18s %9s %9s%s", figure.key, py_text.c_str(),
                    FormatFigure(*ours, figure.unit).c_str(), limit_text.c_str(), of_text, times.c_str(),
                    flagged ? " (!)" : "");
    } else {
      std::snprintf(line, sizeof line, "  %-30s %18s %18s %9s%s", figure.key,
                    FormatFigure(*ours, figure.unit).c_str(), limit_text.c_str(), of_text,
                    flagged ? " (!)" : "");
    }
    lines.push_back(line);
  }
  lines.push_back("");
  lines.push_back("of limit: how much of the machine's limit ProcLab reaches (100% = at the limit).");
  if (any_suspect)
    lines.push_back("(!) ProcLab beat this limit in every sample: the machine was busy, or the limit is "
                    "not a bound here. Measure again on a quiet machine.");
  lines.push_back("The limits (the same work with nothing of ProcLab's in the way):");
  for (const BenchFigure& figure : kBenchFigures)
    lines.push_back("  " + std::string(figure.key) + ": " + std::string(figure.limit.en));
  lines.push_back("Where ProcLab's cost goes (each part measured in this run):");
  for (const CostExplanation& explanation : ExplainCosts(f)) lines.push_back("  " + explanation.en);
  return lines;
}

// ---------------------------------------------------------------------------------- bar scales

double BarScale::Fraction(double value) const {
  if (!(value > 0) || !(high > low)) return 0;
  if (!log) return std::clamp(value / high, 0.0, 1.0);
  return std::clamp((std::log10(value) - std::log10(low)) / (std::log10(high) - std::log10(low)), 0.0, 1.0);
}

BarScale ScaleFor(const std::vector<double>& values) {
  double smallest = 0, largest = 0;
  for (double value : values) {
    if (!(value > 0)) continue;
    smallest = smallest == 0 ? value : std::min(smallest, value);
    largest = std::max(largest, value);
  }
  BarScale scale;
  if (largest <= 0) return scale;
  scale.high = largest;
  if (largest / smallest > kLogScaleRatio) {
    scale.log = true;
    // A decade below the smallest, so the shortest bar still shows.
    scale.low = std::pow(10.0, std::floor(std::log10(smallest)) - 1);
  }
  return scale;
}

}  // namespace proclab

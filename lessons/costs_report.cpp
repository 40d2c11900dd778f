// The costs benchmark's figures as data and how they read: their JSON (the edges), the table
// `proclab-cli bench` and the costs lesson's transcript print, the sentences that say where
// ProcLab's cost goes, and the scale of a group of bars. Sections: the figures · formatting ·
// explanations · the table · bar scales.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "lessons/costs_benchmarks.hpp"

namespace proclab {

// --------------------------------------------------------------------------------- the figures

const MeasuredFigure* PrimitiveCosts::Figure(std::string_view key) const {
  for (size_t i = 0; i < std::size(kBenchFigures); ++i)
    if (key == kBenchFigures[i].key) return figures[i] ? &*figures[i] : nullptr;
  return nullptr;
}

std::optional<double> PrimitiveCosts::Part(std::string_view key) const {
  for (size_t i = 0; i < std::size(kBenchParts); ++i)
    if (key == kBenchParts[i].key) return parts[i];
  return std::nullopt;
}

nlohmann::json PrimitiveCosts::ToJson() const {
  nlohmann::json out = nlohmann::json::object();
  out["limit_suspect"] = nlohmann::json::array();
  out["range"] = nlohmann::json::object();
  for (size_t i = 0; i < std::size(kBenchFigures); ++i) {
    if (!figures[i]) continue;
    const std::string key = kBenchFigures[i].key, limit_key = "limit_" + key;
    const MeasuredFigure& f = *figures[i];
    out[key] = f.value;
    out[limit_key] = f.limit;
    out[key + "_of_limit"] = f.of_limit;
    out["range"][key] = {f.value_min, f.value_max};
    out["range"][limit_key] = {f.limit_min, f.limit_max};
    if (f.limit_suspect) out["limit_suspect"].push_back(key);
  }
  nlohmann::json& part_values = out["parts"] = nlohmann::json::object();
  for (size_t i = 0; i < std::size(kBenchParts); ++i)
    if (parts[i]) part_values[kBenchParts[i].key] = *parts[i];
  out["repeats"] = repeats;
  return out;
}

std::optional<double> PythonCosts::Figure(std::string_view key) const {
  for (size_t i = 0; i < std::size(kBenchFigures); ++i)
    if (key == kBenchFigures[i].key) return figures[i];
  return std::nullopt;
}

PythonCosts PythonCosts::FromJson(const nlohmann::json& object) {
  PythonCosts costs;
  if (!object.is_object()) return costs;
  for (size_t i = 0; i < std::size(kBenchFigures); ++i) {
    const auto it = object.find(kBenchFigures[i].key);
    if (it != object.end() && it->is_number() && it->get<double>() > 0) costs.figures[i] = it->get<double>();
  }
  return costs;
}

nlohmann::json PythonCosts::ToJson() const {
  nlohmann::json out = nlohmann::json::object();
  for (size_t i = 0; i < std::size(kBenchFigures); ++i)
    if (figures[i]) out[kBenchFigures[i].key] = *figures[i];
  return out;
}

std::optional<double> TimesPython(const PrimitiveCosts& proclab, const PythonCosts& python, size_t index) {
  const std::optional<MeasuredFigure>& ours = proclab.figures.at(index);
  const std::optional<double>& theirs = python.figures.at(index);
  if (!ours || !theirs || !(ours->value > 0) || !(*theirs > 0)) return std::nullopt;
  return kBenchFigures[index].larger_is_better ? ours->value / *theirs : *theirs / ours->value;
}

nlohmann::json CostsOutcome::ToJson() const {
  nlohmann::json out = nlohmann::json::object();
  if (!proclab) return out;
  out["proclab"] = proclab->ToJson();
  out["python"] = python ? python->ToJson() : nlohmann::json(nullptr);
  nlohmann::json ratios = nlohmann::json::object();
  if (python)
    for (size_t i = 0; i < std::size(kBenchFigures); ++i)
      if (const auto times = TimesPython(*proclab, *python, i)) ratios[kBenchFigures[i].key] = *times;
  out["ratios"] = ratios;
  if (!python_note.en.empty()) {
    out["python_note"] = python_note.en;
    out["python_note_zh"] = python_note.zh;
  }
  return out;
}

namespace {

// ---------------------------------------------------------------------------------- formatting

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

std::vector<CostExplanation> ExplainCosts(const PrimitiveCosts& costs) {
  std::vector<CostExplanation> out;
  auto value = [&](std::string_view key) -> std::optional<double> {
    if (const MeasuredFigure* figure = costs.Figure(key)) return figure->value;
    return std::nullopt;
  };
  auto limit_of = [&](std::string_view key) -> std::optional<double> {
    if (const MeasuredFigure* figure = costs.Figure(key)) return figure->limit;
    return std::nullopt;
  };
  auto ns_per = [](std::optional<double> rate) { return rate && *rate > 0 ? 1e9 / *rate : 0.0; };

  const auto spawn = value("spawn_join_ms_per_proc"), spawn_limit = limit_of("spawn_join_ms_per_proc");
  const auto worker = costs.Part("worker_start_ms_per_proc");
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
  const auto lock_pair = costs.Part("lock_pair_ns");
  if (const auto locked = value("locked_increments_per_s"); locked && lock_pair) {
    const std::string pair = Short(*lock_pair), bare = Short(ns_per(limit_of("locked_increments_per_s")));
    const std::string each = Short(ns_per(locked));
    out.push_back({"locked_increments_per_s",
                   "Without contention, ProcLab's robust lock + unlock costs " + pair +
                       " ns (the bare pair: " + bare + " ns); the rest of the " + each +
                       " ns per increment is the two processes taking the lock from each other.",
                   "无竞争时，ProcLab 的健壮锁加锁 + 解锁需要 " + pair + " ns（最简的一对操作：" + bare +
                       " ns）；每次自增 " + each + " ns 中其余的时间，是两个进程互相争夺这把锁。"});
  }
  const auto queue_pair = costs.Part("queue_pair_ns");
  if (const auto queue = value("queue_items_per_s"); queue && queue_pair) {
    const std::string pair = Short(*queue_pair), each = Short(ns_per(queue));
    out.push_back({"queue_items_per_s",
                   "In one process, a put + get on ProcLab's queue costs " + pair +
                       " ns (its lock twice, a copy each way); the rest of the " + each +
                       " ns per item is the hand-off between the two processes.",
                   "在单个进程内，ProcLab 队列的一次 put + get 需要 " + pair + " ns（两次加锁，各复制一次）；"
                       "每个元素 " + each + " ns 中其余的时间，用于两个进程之间的交接。"});
  }
  const auto before = costs.Part("map_before_ns_per_item"), work = costs.Part("map_work_ns_per_item"),
             after = costs.Part("map_after_ns_per_item");
  if (const auto map = value("pool_map_items_per_s"); map && before && work && after) {
    const std::string each = Short(ns_per(map)), b = Short(*before), w = Short(*work), a = Short(*after);
    out.push_back({"pool_map_items_per_s",
                   "Of the " + each + " ns per item, " + b +
                       " ns pass before the first chunk starts (the inputs copied into shared memory, "
                       "the chunks handed out), " + w + " ns while the workers compute, and " + a +
                       " ns after the last chunk ends (the results copied out).",
                   "每个元素的 " + each + " ns 中，" + b + " ns 在第一个分块开始之前（输入复制到共享内存、分发分块），" +
                       w + " ns 是 worker 计算的时间，" + a + " ns 在最后一个分块结束之后（复制出结果）。"});
  }
  if (const auto apply = value("pool_apply_async_tasks_per_s"); apply && queue_pair) {
    const std::string two = Short(2 * *queue_pair), each = Short(ns_per(apply));
    out.push_back({"pool_apply_async_tasks_per_s",
                   "Each task crosses ProcLab's queue twice, out and back: " + two + " ns of its " + each +
                       " ns even in one process, without a hand-off; the rest is the hand-offs between "
                       "the processes and the pool's own records of the task.",
                   "每个任务要经过 ProcLab 的队列两次（去和回）：即使在单个进程内、没有交接，也要花去其 " + each +
                       " ns 中的 " + two + " ns；其余是进程之间的交接和进程池对任务的记录。"});
  }
  const auto clock = costs.Part("clock_read_ns");
  if (const auto event = value("trace_ns_per_event"); event && clock) {
    const std::string read = Short(*clock), each = Short(*event);
    out.push_back({"trace_ns_per_event",
                   read + " ns of the " + each +
                       " ns per event is reading the clock; the rest is writing the event into the ring.",
                   "每个事件的 " + each + " ns 中，" + read + " ns 用于读取时钟；其余用于把事件写入环形缓冲区。"});
  }
  return out;
}

// ----------------------------------------------------------------------------------- the table

namespace {

// The same figures as the table, one line each by name, and the same notes, in Chinese.
std::vector<std::string> FormatBenchLinesChinese(const PrimitiveCosts& costs, const PythonCosts* python) {
  std::vector<std::string> lines;
  lines.push_back(python != nullptr ? "每个指标：Python、ProcLab、机器的极限、ProcLab 达到极限的多少、相对 Python 的倍数"
                                    : "每个指标：ProcLab、机器的极限、ProcLab 达到极限的多少");
  bool any_suspect = false;
  for (size_t i = 0; i < std::size(kBenchFigures); ++i) {
    const BenchFigure& figure = kBenchFigures[i];
    if (!costs.figures[i]) continue;
    const MeasuredFigure& ours = *costs.figures[i];
    any_suspect |= ours.limit_suspect;
    char of_text[16];
    std::snprintf(of_text, sizeof of_text, "%.0f%%", ours.of_limit * 100);
    std::string line = "  " + std::string(figure.name.zh) + "：";
    if (python != nullptr) {
      const std::optional<double> py = python->figures[i];
      line += "Python" + (py ? " " + FormatFigure(*py, figure.unit) : std::string("（未测）")) + " · ";
    }
    line += "ProcLab " + FormatFigure(ours.value, figure.unit) + " · 极限 " + FormatFigure(ours.limit, figure.unit) +
            " · 达到极限的 " + of_text;
    if (python != nullptr)
      if (const auto ratio = TimesPython(costs, *python, i)) {
        char text[32];
        std::snprintf(text, sizeof text, " · 相对 Python %.1f×", *ratio);
        line += text;
      }
    if (ours.limit_suspect) line += " (!)";
    lines.push_back(line);
  }
  lines.push_back("");
  lines.push_back("达到极限的多少：ProcLab 达到机器极限的百分之几（100% 即达到极限）。");
  if (python != nullptr) lines.push_back("相对 Python：ProcLab 比 Python 好几倍（小于 1 表示 Python 更好）。");
  if (any_suspect)
    lines.push_back("(!) ProcLab 在每次采样中都快于这个极限：机器当时很忙，或者这个极限在这里并不是上限。"
                    "请在空闲的机器上再测一次。");
  lines.push_back("各项极限（同样的工作，不经过 ProcLab 的任何机制）：");
  for (const BenchFigure& figure : kBenchFigures)
    lines.push_back("  " + std::string(figure.name.zh) + "：" + std::string(figure.limit.zh));
  lines.push_back("ProcLab 的代价花在哪里（每一部分都在本次运行中测量）：");
  for (const CostExplanation& explanation : ExplainCosts(costs)) lines.push_back("  " + explanation.zh);
  return lines;
}

}  // namespace

std::vector<std::string> FormatBenchTable(const PrimitiveCosts& costs, const PythonCosts* python, Language language) {
  if (language == Language::kChinese) return FormatBenchLinesChinese(costs, python);
  std::vector<std::string> lines;
  char line[256];
  if (python != nullptr)
    std::snprintf(line, sizeof line, "  %-30s %18s %18s %18s %9s %9s", "figure", "Python", "ProcLab", "limit",
                  "of limit", "x Python");
  else
    std::snprintf(line, sizeof line, "  %-30s %18s %18s %9s", "figure", "ProcLab", "limit", "of limit");
  lines.push_back(line);
  bool any_suspect = false;
  for (size_t i = 0; i < std::size(kBenchFigures); ++i) {
    const BenchFigure& figure = kBenchFigures[i];
    if (!costs.figures[i]) continue;
    const MeasuredFigure& ours = *costs.figures[i];
    char of_text[16];
    std::snprintf(of_text, sizeof of_text, "%.0f%%", ours.of_limit * 100);
    any_suspect |= ours.limit_suspect;
    const std::string mine = FormatFigure(ours.value, figure.unit), limit = FormatFigure(ours.limit, figure.unit);
    if (python != nullptr) {
      const std::optional<double> py = python->figures[i];
      const std::string py_text = py ? FormatFigure(*py, figure.unit) : "-";
      std::string times;
      if (const auto ratio = TimesPython(costs, *python, i)) {
        char text[16];
        std::snprintf(text, sizeof text, "%.1fx", *ratio);
        times = text;
      }
      std::snprintf(line, sizeof line, "  %-30s %18s %18s %18s %9s %9s%s", figure.key, py_text.c_str(), mine.c_str(),
                    limit.c_str(), of_text, times.c_str(), ours.limit_suspect ? " (!)" : "");
    } else {
      std::snprintf(line, sizeof line, "  %-30s %18s %18s %9s%s", figure.key, mine.c_str(), limit.c_str(), of_text,
                    ours.limit_suspect ? " (!)" : "");
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
  for (const CostExplanation& explanation : ExplainCosts(costs)) lines.push_back("  " + explanation.en);
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

#include "app/gui/shell/frame_bench.hpp"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace proclab::gui {

int FewestFramesInAnySecond(const std::vector<double>& frame_ms) {
  // ends[k]: when frame k was presented, from the start of the first interval (0).
  std::vector<double> ends(frame_ms.size() + 1, 0);
  for (size_t k = 0; k < frame_ms.size(); ++k) ends[k + 1] = ends[k] + frame_ms[k];
  const double span = ends.back();
  if (span < 1000) return -1;
  // A window (s, s + 1 s] holds fewest frames when s is at a frame (that frame then falls out of
  // it): count the frames in (ends[k], ends[k] + 1000] for every k whose window fits.
  int fewest = -1;
  size_t last = 0;  // the last frame inside the window
  for (size_t k = 0; k < ends.size() && ends[k] + 1000 <= span; ++k) {
    last = std::max(last, k);
    while (last + 1 < ends.size() && ends[last + 1] <= ends[k] + 1000) ++last;
    const int inside = static_cast<int>(last - k);
    if (fewest < 0 || inside < fewest) fewest = inside;
  }
  return fewest;
}

FrameSummary SummariseFrames(std::vector<double> frame_ms) {
  FrameSummary summary;
  summary.frames = frame_ms.size();
  if (frame_ms.empty()) return summary;
  std::sort(frame_ms.begin(), frame_ms.end());
  auto rank = [&](double p) {
    const size_t index = static_cast<size_t>(std::ceil(p * static_cast<double>(frame_ms.size())));
    return frame_ms[std::clamp<size_t>(index, 1, frame_ms.size()) - 1];
  };
  summary.median_ms = rank(0.5);
  summary.p95_ms = rank(0.95);
  summary.max_ms = frame_ms.back();
  return summary;
}

double ProcessAgeMs() {
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  unsigned long long start_ticks = 0;
  for (int number = 3; fields >> field; ++number) {
    if (number == 22) {
      start_ticks = std::stoull(field);
      break;
    }
  }
  const long ticks_per_s = sysconf(_SC_CLK_TCK);
  timespec now{};
  if (start_ticks == 0 || ticks_per_s <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) != 0) return -1;
  const double now_ms = static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
  return now_ms - static_cast<double>(start_ticks) * 1e3 / static_cast<double>(ticks_per_s);
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void FrameRecorder::Presented(double now_s, bool run_live, const FramePhases& phases) {
  if (last_s_ >= 0) {
    intervals_ms_.push_back((now_s - last_s_) * 1e3);
    phases_.push_back(phases);
    live_.push_back(run_live);
    if (run_live) {
      live_ms_.push_back(intervals_ms_.back());
      live_phases_.push_back(phases);
    }
  }
  last_s_ = now_s;
}

namespace {
double Round3(double value) { return std::round(value * 1000) / 1000; }
}  // namespace

nlohmann::json FramesReport(const std::string& lesson, const FrameRecorder& frames,
                            double first_frame_ms, size_t events, int width, int height) {
  const FrameSummary all = SummariseFrames(frames.intervals_ms());
  const FrameSummary live = SummariseFrames(frames.live_intervals_ms());
  nlohmann::json medians = nlohmann::json::object(), p95s = nlohmann::json::object();
  const std::vector<FramePhases>& phases = frames.live_phases();
  auto phase = [&](const char* name, double FramePhases::*field) {
    std::vector<double> values;
    for (const FramePhases& p : phases) values.push_back(p.*field);
    const FrameSummary summary = SummariseFrames(std::move(values));
    medians[name] = Round3(summary.median_ms);
    p95s[name] = Round3(summary.p95_ms);
  };
  phase("wait", &FramePhases::wait_ms);
  phase("sync", &FramePhases::sync_ms);
  phase("layout", &FramePhases::layout_ms);
  phase("render", &FramePhases::render_ms);
  phase("swap", &FramePhases::swap_ms);
  std::vector<double> redrawn, changed_ms;
  for (size_t i = 0; i < phases.size(); ++i) {
    redrawn.push_back(phases[i].redrawn);
    if (phases[i].redrawn > 0) changed_ms.push_back(frames.live_intervals_ms()[i]);
  }
  const FrameSummary changed = SummariseFrames(std::move(changed_ms));
  auto phases_json = [](const FramePhases& p) {
    return nlohmann::json{{"wait", Round3(p.wait_ms)}, {"sync", Round3(p.sync_ms)}, {"layout", Round3(p.layout_ms)},
                          {"render", Round3(p.render_ms)}, {"swap", Round3(p.swap_ms)}, {"redrawn", Round3(p.redrawn)}};
  };
  std::vector<size_t> order(frames.intervals());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const size_t slowest = std::min<size_t>(3, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<long>(slowest), order.end(),
                    [&](size_t a, size_t b) { return frames.intervals_ms()[a] > frames.intervals_ms()[b]; });
  nlohmann::json slow = nlohmann::json::array();
  for (size_t k = 0; k < slowest; ++k) {
    const size_t i = order[k];
    // When it ended, from the first frame: a slow frame at a run's start (children spawning) is
    // another matter than one in its middle.
    double at_ms = 0;
    for (size_t j = 0; j <= i; ++j) at_ms += frames.intervals_ms()[j];
    slow.push_back({{"ms", Round3(frames.intervals_ms()[i])}, {"live", static_cast<bool>(frames.live()[i])},
                    {"frame", i + 1}, {"ended_at_ms", Round3(at_ms)}, {"phases", phases_json(frames.phases()[i])}});
  }
  return nlohmann::json{{"lesson", lesson},
                        {"frames", all.frames},
                        {"events", events},
                        {"first_frame_ms", Round3(first_frame_ms)},
                        {"frame_ms_median", Round3(all.median_ms)},
                        {"frame_ms_p95", Round3(all.p95_ms)},
                        {"frame_ms_max", Round3(all.max_ms)},
                        {"frames_running", live.frames},
                        {"running_frame_ms_median", Round3(live.median_ms)},
                        {"running_frame_ms_p95", Round3(live.p95_ms)},
                        {"running_fewest_frames_in_a_second", FewestFramesInAnySecond(frames.live_intervals_ms())},
                        {"running_changed_frames", changed.frames},
                        {"running_changed_frame_ms_median", Round3(changed.median_ms)},
                        {"running_changed_frame_ms_p95", Round3(changed.p95_ms)},
                        {"running_phase_ms_median", medians},
                        {"running_phase_ms_p95", p95s},
                        {"running_redrawn_median", Round3(SummariseFrames(std::move(redrawn)).median_ms)},
                        {"slowest_frames", slow},
                        {"width", width},
                        {"height", height}};
}

nlohmann::json IdleReport(double wall_s, double cpu_s, int frames, double first_frame_ms) {
  return nlohmann::json{{"idle_seconds", Round3(wall_s)},
                        {"cpu_seconds", std::round(cpu_s * 1e6) / 1e6},
                        {"idle_cpu_percent", Round3(wall_s > 0 ? cpu_s / wall_s * 100 : 0)},
                        {"frames", frames},
                        {"first_frame_ms", Round3(first_frame_ms)}};
}

}  // namespace proclab::gui

// The figures of `proclab --bench-frames N` and `proclab --bench-idle S`: frame intervals
// summarised as median and 95th percentile, the time from process start to the first frame,
// and the CPU time the whole process (every thread) used. No ImGui or GLFW here, so the unit
// tests can check the arithmetic and the JSON.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace proclab::gui {

struct FrameSummary {
  size_t frames = 0;
  double median_ms = 0, p95_ms = 0, max_ms = 0;
};

// Nearest-rank percentiles of the frame intervals (the p95 is a frame that really happened).
FrameSummary SummariseFrames(std::vector<double> frame_ms);

// Milliseconds since the kernel started this process (from /proc/self/stat, so it includes
// exec and dynamic loading; resolution one clock tick, usually 10 ms). -1 if unreadable.
double ProcessAgeMs();

// CPU seconds (user + system) used so far by every thread of this process.
double ProcessCpuSeconds();

// Collects frame intervals between presented frames, noting which came while a run was live.
class FrameRecorder {
 public:
  explicit FrameRecorder(size_t expected) {
    intervals_ms_.reserve(expected);
    live_ms_.reserve(expected);
  }
  // Called once per presented frame with a steady-clock time in seconds.
  void Presented(double now_s, bool run_live);
  size_t intervals() const { return intervals_ms_.size(); }
  const std::vector<double>& intervals_ms() const { return intervals_ms_; }
  const std::vector<double>& live_intervals_ms() const { return live_ms_; }

 private:
  std::vector<double> intervals_ms_;
  std::vector<double> live_ms_;  // the frames that showed a live run
  double last_s_ = -1;
};

// {"lesson", "frames", "events", "first_frame_ms", "frame_ms_median", "frame_ms_p95",
//  "frame_ms_max", "frames_running", "running_frame_ms_median", "running_frame_ms_p95", "width",
//  "height"}: every frame, and the frames that showed the live run.
nlohmann::json FramesReport(const std::string& lesson, const FrameRecorder& frames,
                            double first_frame_ms, size_t events, int width, int height);
// {"idle_seconds", "cpu_seconds", "idle_cpu_percent", "frames", "first_frame_ms"}
nlohmann::json IdleReport(double wall_s, double cpu_s, int frames, double first_frame_ms);

}  // namespace proclab::gui

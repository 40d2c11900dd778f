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

// Where one frame's time went (milliseconds of the UI thread, steady clock), and how much of the
// window it redrew: what the benchmark reports per phase, so a slow frame says why.
struct FramePhases {
  double wait_ms = 0;    // polling input (glfwPollEvents), before the frame
  double sync_ms = 0;    // the finished trials and the live run's new events (RunSession::Update)
  double layout_ms = 0;  // the panes and views building their draw lists (ImGui, to Render)
  double render_ms = 0;  // the damaged rectangle drawn and copied to the window (DamageRenderer)
  double swap_ms = 0;    // glfwSwapBuffers: with software OpenGL, rasterising and the copy to X
  double redrawn = 0;    // the share of the window redrawn, 0 .. 1
};

// Nearest-rank percentiles of the frame intervals (the p95 is a frame that really happened).
FrameSummary SummariseFrames(std::vector<double> frame_ms);

// The fewest frames presented in any one second of consecutive intervals: "the window redraws
// at least N times every second", measured rather than read off the slowest frame. -1 when the
// intervals span less than a second.
int FewestFramesInAnySecond(const std::vector<double>& frame_ms);

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
  // Called once per presented frame with a steady-clock time in seconds, and where the frame's
  // time went.
  void Presented(double now_s, bool run_live, const FramePhases& phases = {});
  size_t intervals() const { return intervals_ms_.size(); }
  const std::vector<double>& intervals_ms() const { return intervals_ms_; }
  const std::vector<double>& live_intervals_ms() const { return live_ms_; }
  const std::vector<FramePhases>& live_phases() const { return live_phases_; }
  const std::vector<FramePhases>& phases() const { return phases_; }  // of every interval
  const std::vector<bool>& live() const { return live_; }             // which intervals were live

 private:
  std::vector<double> intervals_ms_;
  std::vector<double> live_ms_;  // the frames that showed a live run
  std::vector<FramePhases> live_phases_;  // and where their time went
  std::vector<FramePhases> phases_;
  std::vector<bool> live_;
  double last_s_ = -1;
};

// {"lesson", "frames", "events", "first_frame_ms", "frame_ms_median", "frame_ms_p95",
//  "frame_ms_max", "frames_running", "running_frame_ms_median", "running_frame_ms_p95",
//  "running_fewest_frames_in_a_second" (-1: the run was live for less than a second), "width",
//  "height", "running_changed_frames", "running_changed_frame_ms_median",
//  "running_changed_frame_ms_p95", "running_phase_ms_median", "running_phase_ms_p95",
//  "running_redrawn_median", "slowest_frames"}: every frame, the frames that showed the live run, and of those the
// ones that redrew something (a frame with nothing new to show costs next to nothing, so the
// live frames' median alone can flatter); the phases: each one's own median and p95, so they
// need not add up to the frame's; the three slowest frames of all, each with its phases and
// whether it showed the live run, its number and when it ended.
nlohmann::json FramesReport(const std::string& lesson, const FrameRecorder& frames,
                            double first_frame_ms, size_t events, int width, int height);
// {"idle_seconds", "cpu_seconds", "idle_cpu_percent", "frames", "first_frame_ms"}
nlohmann::json IdleReport(double wall_s, double cpu_s, int frames, double first_frame_ms);

}  // namespace proclab::gui

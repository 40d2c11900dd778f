#include "app/cli/stop_watch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <thread>

#include "core/process.hpp"
#include "core/run.hpp"

namespace proclab {
namespace {

std::atomic<int> g_stop_signal{0};
int g_wake_pipe[2] = {-1, -1};
std::mutex g_current_mutex;
Run* g_current = nullptr;

void OnStopSignal(int signal) {
  g_stop_signal = signal;
  const char byte = 1;
  [[maybe_unused]] const ssize_t written = write(g_wake_pipe[1], &byte, 1);  // full pipe: already woken
}

void WatchForStop() {
  char byte;
  while (read(g_wake_pipe[0], &byte, 1) != 0) {
    if (g_stop_signal.load() == 0) continue;  // EINTR
    std::lock_guard lock(g_current_mutex);
    if (g_current != nullptr) g_current->RequestStop();
  }
}

}  // namespace

const std::atomic<int>& StopSignal() { return g_stop_signal; }

void InstallStopHandlers() {
  if (pipe2(g_wake_pipe, O_CLOEXEC | O_NONBLOCK) == 0) {
    // The watcher blocks on its end; only the handler's end must never block.
    fcntl(g_wake_pipe[0], F_SETFL, fcntl(g_wake_pipe[0], F_GETFL) & ~O_NONBLOCK);
    std::thread(WatchForStop).detach();
  }
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);  // the terminal closed: clean up as for Ctrl-C
  signal(SIGPIPE, SIG_IGN);
}

StopOnSignal::StopOnSignal(Run& run) {
  std::lock_guard lock(g_current_mutex);
  g_current = &run;
  if (g_stop_signal.load() != 0) run.RequestStop();
}

StopOnSignal::~StopOnSignal() {
  std::lock_guard lock(g_current_mutex);
  g_current = nullptr;
}

std::string StoppedLine(int signal, const TrialResult& last, Language language, bool program) {
  const std::string by = SignalName(signal);
  const std::string count = std::to_string(last.children.size());
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.0f", last.StopToEndedMs());
  const bool timed = last.stopped && !last.children.empty();  // else it ended before the signal
  if (language == Language::kChinese) {
    std::string line = "proclab-cli：被 " + by + " 停止；";
    if (timed) line += (program ? "程序的 " + count + " 个进程" : count + " 个子进程") + "在 " + ms + " 毫秒内全部结束，";
    return line + "共享内存已删除";
  }
  std::string line = "proclab-cli: stopped by " + by + "; ";
  if (timed) {
    const bool one = last.children.size() == 1;
    line += program ? (one ? "the program's one process ended within " : "all " + count + " of the program's processes ended within ")
                    : (one ? "its child ended within " : "all " + count + " children ended within ");
    line += std::string(ms) + " ms, ";
  }
  return line + "the shared memory removed";
}

}  // namespace proclab

// Ctrl-C (SIGINT, SIGTERM, SIGHUP) in the terminal: stop the run's children at once.
//
// The handler only records the signal and wakes a watcher thread through a pipe (both are
// async-signal-safe). The watcher then freezes the current run's children (Run::RequestStop),
// which needs a lock a handler may not take. Without it, the run thread, short of CPU among up to
// 128 busy children, saw the flag only seconds later.
#pragma once

#include <atomic>
#include <string>

#include "core/language.hpp"

namespace proclab {

class Run;
struct TrialResult;

// The signal that asked to stop, or 0.
const std::atomic<int>& StopSignal();

// The one line on stderr when a signal stopped the run: which signal, how soon every process
// ended after it (the run's own clock, as its JSON's stop_to_ended_ms), and that the shared
// memory is gone. `program`: the processes are a Python program's, not a lesson's children.
std::string StoppedLine(int signal, const TrialResult& last, Language language, bool program);

// Installs the handlers and starts the watcher; call once, before any run.
void InstallStopHandlers();

// While alive, a stop signal freezes `run`'s children at once (and a signal that came before it
// was made freezes them as soon as it is registered).
class StopOnSignal {
 public:
  explicit StopOnSignal(Run& run);
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
};

}  // namespace proclab

// Every view of the run pane, in one explicit order: one line each (its factory is defined in
// the view's own file). Lessons name the views they show by id (Lesson::views); a test checks
// that every id a lesson names is here. Nothing registers itself.
#include "app/gui/views/view.hpp"

namespace proclab::gui {

std::unique_ptr<View> MakeLanesView();
std::unique_ptr<View> MakeProcessesView();
std::unique_ptr<View> MakeSharedView();
std::unique_ptr<View> MakeLocksView();
std::unique_ptr<View> MakeTrialsView();
std::unique_ptr<View> MakeQueueView();
std::unique_ptr<View> MakePoolView();
std::unique_ptr<View> MakeCostsView();
std::unique_ptr<View> MakeTranscriptView();
std::unique_ptr<View> MakeConsoleView();

namespace {
using ViewFactory = std::unique_ptr<View> (*)();
constexpr ViewFactory kViews[] = {
    MakeLanesView,       // "lanes": each child's state over time
    MakeProcessesView,   // "processes": pids, how each child ended, joins
    MakeSharedView,      // "shared": the counter, the array, lost updates
    MakeLocksView,       // "locks": holders and waiters per lock, deadlocks
    MakeTrialsView,      // "trials": final values over repeated runs
    MakeQueueView,       // "queue": items through the queue, replayed
    MakePoolView,        // "pool": workers, chunks, results, callbacks
    MakeCostsView,       // "costs": what things cost, C++ beside Python
    MakeTranscriptView,  // "transcript": the run as the tutorial prints it
    MakeConsoleView,     // "console": what a Python program's processes wrote
};
constexpr std::string_view kGeneric[] = {"lanes", "processes", "trials", "transcript"};
}  // namespace

std::vector<std::unique_ptr<View>> MakeViews() {
  std::vector<std::unique_ptr<View>> views;
  for (ViewFactory make : kViews) views.push_back(make());
  return views;
}

std::vector<std::string_view> ViewIds() {
  std::vector<std::string_view> ids;
  for (const auto& view : MakeViews()) ids.push_back(view->id());  // ids are literals: they outlive the views
  return ids;
}

std::span<const std::string_view> GenericViews() { return kGeneric; }

}  // namespace proclab::gui

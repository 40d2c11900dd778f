// Drawing a Python program's run where the lessons' views assume a lesson's own objects.
//
// DrawPythonSource: the code pane's Python program: its source with the line each of its processes is on lit in
// that process's lane colour (live: where each process is now; finished: where each ended), and
// the line a process raised at (a syntax error included) marked with its error.
#pragma once
#include <string>

#include "app/gui/views/view.hpp"

namespace proclab::gui {

// `path`: the program's file as opened; `source`: its text. `ctx.run` may be another program's
// run or none: then only the source is drawn.
void DrawPythonSource(const ViewContext& ctx, const std::string& path, const std::string& source);

// The shared view of a Python run: every Value and Array element the program made, by the name
// the tracer found (shared_number, Value#1, arr[0]), with its initial and current (finished:
// final) value, reads, writes and lost updates, and the latest lost updates in words.
void DrawPythonShared(const ViewContext& ctx);

}  // namespace proclab::gui

// Process lanes: one row per child (labelled with its pid), coloured by state, on a time axis
// with zoom (wheel) and pan (drag). Each row is summarised per pixel column (TraceModel's
// per-state time summaries): the state that fills most of the column, plus a thin stripe for a
// lock held, a lock waited for or a blocked queue that happened in it however briefly; one
// rectangle per run of equal columns. Lost-update marks, parent ticks and task labels are
// found by binary search per pixel, so a million events cost no more to draw than a hundred.
#include <imgui.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/gui/views/views.hpp"

namespace proclab::gui {

const char* StateName(LaneState state, Language language) {
  switch (state) {
    case LaneState::kStarting: return Tr(Str::kStateStarting, language);
    case LaneState::kRunning: return Tr(Str::kStateRunning, language);
    case LaneState::kSleeping: return Tr(Str::kStateSleeping, language);
    case LaneState::kLockWait: return Tr(Str::kStateLockWait, language);
    case LaneState::kLockHeld: return Tr(Str::kStateLockHeld, language);
    case LaneState::kQueueBlocked: return Tr(Str::kStateQueueBlocked, language);
    case LaneState::kStepWait: return Tr(Str::kStateStepWait, language);
    case LaneState::kTask: return Tr(Str::kStateTask, language);
    case LaneState::kExited: return Tr(Str::kStateExited, language);
    case LaneState::kKilled: return Tr(Str::kStateKilled, language);
    default: return "";
  }
}

namespace {

// A "nice" tick step (1, 2, 5 × 10^k ns) giving about `target` ticks over `span`.
double TickStep(double span_ns, int target) {
  const double raw = span_ns / std::max(target, 1);
  const double power = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * power) return m * power;
  return 10 * power;
}

std::string FormatTime(double ns, double step) {
  char text[32];
  if (step >= 1e6) std::snprintf(text, sizeof text, "%.*f ms", step >= 1e7 ? 0 : 1, ns / 1e6);
  else if (step >= 1e3) std::snprintf(text, sizeof text, "%.*f µs", step >= 1e4 ? 0 : 1, ns / 1e3);
  else std::snprintf(text, sizeof text, "%.0f ns", ns);
  return text;
}

std::string DescribeEvent(const Event& e) {
  char text[96];
  const std::string kind(EventKindName(e.kind));
  switch (e.kind) {
    case EventKind::kRead:
    case EventKind::kWrite:
      std::snprintf(text, sizeof text, "%s %" PRId64 "%s", kind.c_str(), e.a,
                    e.b == 0 ? " (counter)" : (" [" + std::to_string(e.b - 1) + "]").c_str());
      break;
    case EventKind::kSleep:
      std::snprintf(text, sizeof text, "%s %.2f ms", kind.c_str(), static_cast<double>(e.a) / 1000);
      break;
    case EventKind::kQueuePut:
    case EventKind::kQueueGet:
      std::snprintf(text, sizeof text, "%s %" PRId64 " (depth %" PRId64 ")", kind.c_str(), e.a, e.b);
      break;
    case EventKind::kTaskStart:
    case EventKind::kTaskEnd:
      std::snprintf(text, sizeof text, "%s items %" PRId64 "..%" PRId64, kind.c_str(), e.a, e.b);
      break;
    case EventKind::kStarted:
      std::snprintf(text, sizeof text, "%s (pid %" PRId64 ")", kind.c_str(), e.a);
      break;
    default:
      std::snprintf(text, sizeof text, "%s %" PRId64 " %" PRId64, kind.c_str(), e.a, e.b);
      break;
  }
  return text;
}

}  // namespace

void LanesView::Draw(const ViewContext& ctx, float height) {
  const TraceModel& model = ctx.model;
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  ImGui::BeginChild("lanes", ImVec2(0, height), false,
                    ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoScrollbar);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const int lanes = model.lanes();

  // Headline: the shared counter (when there is one), else what a lane is.
  if (model.has_counter()) {
    const SlotStats& counter = model.slots().at(0);
    const int64_t lost = counter.Lost();
    // After the run, the lesson's own numbers (exact even when trace events were dropped).
    int64_t value = counter.value, shown_lost = lost;
    if (ctx.result && ctx.result->outcome.contains("final") && ctx.result->outcome["final"].is_number())
      value = ctx.result->outcome["final"].get<int64_t>();
    if (ctx.result && ctx.result->outcome.contains("lost") && ctx.result->outcome["lost"].is_number())
      shown_lost = ctx.result->outcome["lost"].get<int64_t>();
    ImGui::Text("%s: %" PRId64 "   %s: %" PRId64, ctx.T(Str::kCounterTitle), value,
                ctx.T(Str::kLostSoFar), shown_lost);
    if (ctx.result && ctx.result->outcome.contains("expected")) {
      ImGui::SameLine();
      ImGui::Text("  %s: %s", ctx.T(Str::kExpected), ctx.result->outcome["expected"].dump().c_str());
    }
  } else {
    ImGui::TextDisabled("%s", ctx.T(Str::kWhatYouSee));
  }

  // Legend: only the states that occur.
  {
    bool seen[static_cast<int>(LaneState::kCount)] = {};
    for (int s = 0; s < static_cast<int>(LaneState::kCount); ++s) seen[s] = (model.states_seen() >> s) & 1u;
    if (lanes == 0) seen[static_cast<int>(LaneState::kRunning)] = true;
    bool first = true;
    for (int s = 1; s < static_cast<int>(LaneState::kCount); ++s) {
      if (!seen[s]) continue;
      const float box = em * 0.7f;
      const float item_w = box + em * 0.3f + ImGui::CalcTextSize(StateName(static_cast<LaneState>(s), ctx.language)).x;
      if (!first) {
        ImGui::SameLine(0, em * 0.9f);
        if (ImGui::GetCursorScreenPos().x + item_w > origin.x + width) ImGui::NewLine();
      }
      first = false;
      const ImVec2 q = ImGui::GetCursorScreenPos();
      draw->AddRectFilled(ImVec2(q.x, q.y + (em - box) * 0.5f + 2), ImVec2(q.x + box, q.y + (em + box) * 0.5f + 2),
                          theme.State(static_cast<LaneState>(s)), 2);
      ImGui::Dummy(ImVec2(box, em));
      ImGui::SameLine(0, em * 0.3f);
      ImGui::TextUnformatted(StateName(static_cast<LaneState>(s), ctx.language));
    }
  }

  // Geometry.
  const float label_w = em * 7.2f;
  const float axis_h = em * 1.4f;
  const ImVec2 top_left = ImGui::GetCursorScreenPos();
  const float track_x0 = top_left.x + label_w;
  const float track_x1 = top_left.x + width - em * 0.5f;
  const float track_w = std::max(track_x1 - track_x0, 10.0f);
  const float avail_h = height - (top_left.y - origin.y) - axis_h - em * 2.4f;
  const float parent_rows = model.parent_events().empty() ? 0.2f : 1.0f;
  const float lane_h = lanes > 0 ? std::clamp(avail_h / (static_cast<float>(lanes) + parent_rows), em * 1.1f, em * 3.2f) : em * 2;
  const float lanes_y0 = top_left.y + axis_h;

  // View range: follow the whole run, or what the user zoomed to.
  const double total = std::max<double>(static_cast<double>(model.last_ns() - model.t0_ns()), 1e5);
  if (follow || end_ns <= begin_ns) {
    begin_ns = 0;
    end_ns = total * 1.02;
  }
  const double span = end_ns - begin_ns;
  auto x_of = [&](double t_rel) { return track_x0 + static_cast<float>((t_rel - begin_ns) / span) * track_w; };
  auto t_of = [&](float x) { return begin_ns + (x - track_x0) / track_w * span; };

  // Interaction: wheel zooms around the mouse, drag pans, double-click fits.
  const ImVec2 area_min(track_x0, top_left.y);
  const ImVec2 area_max(track_x1, lanes_y0 + lane_h * (static_cast<float>(std::max(lanes, 1)) + parent_rows));
  ImGui::SetCursorScreenPos(area_min);
  ImGui::InvisibleButton("track", ImVec2(track_w, area_max.y - area_min.y));
  const bool hovered = ImGui::IsItemHovered();
  ImGuiIO& io = ImGui::GetIO();
  if (hovered && io.MouseWheel != 0) {
    const double pivot = t_of(io.MousePos.x);
    const double factor = std::pow(0.8, io.MouseWheel);
    begin_ns = pivot - (pivot - begin_ns) * factor;
    end_ns = pivot + (end_ns - pivot) * factor;
    if (end_ns - begin_ns < 200) end_ns = begin_ns + 200;
    follow = false;
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2)) {
    const double shift = io.MouseDelta.x / track_w * (end_ns - begin_ns);
    begin_ns -= shift;
    end_ns -= shift;
    follow = false;
  }
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) follow = true;

  // Axis and grid.
  const double step = TickStep(span, std::max(2, static_cast<int>(track_w / (em * 6))));
  for (double t = std::ceil(begin_ns / step) * step; t <= end_ns; t += step) {
    const float x = x_of(t);
    draw->AddLine(ImVec2(x, lanes_y0 - em * 0.3f), ImVec2(x, area_max.y - lane_h), theme.grid);
    const std::string label = FormatTime(t, step);
    draw->AddText(ImVec2(x + 3, top_left.y), theme.dim, label.c_str());
  }

  // Lanes. (Scratch storage kept between frames: no allocation per frame.)
  static std::vector<ColumnSummary> columns;
  const int column_count = static_cast<int>(track_w);
  const int64_t t0 = model.t0_ns();
  for (int i = 0; i < lanes; ++i) {
    const LaneModel& lane = model.lane(i);
    const float y0 = lanes_y0 + lane_h * static_cast<float>(i);
    const float bar_y0 = y0 + lane_h * 0.14f, bar_y1 = y0 + lane_h * 0.86f;
    draw->AddRectFilled(ImVec2(track_x0, bar_y0), ImVec2(track_x1, bar_y1), theme.lane_bg);
    // Label: child number and pid.
    char label[64];
    const ChildRecord* child = i < static_cast<int>(model.children().size()) ? &model.children()[i] : nullptr;
    const bool two_lines = lane_h > em * 2.1f;
    std::snprintf(label, sizeof label, "%s %d", ctx.T(Str::kChild), i + 1);
    if (!two_lines) std::snprintf(label, sizeof label, "%d", i + 1);
    draw->AddText(ImVec2(top_left.x, y0 + (lane_h - em * (two_lines ? 2.0f : 1.0f)) * 0.5f), theme.text, label);
    if (child != nullptr) {
      // Every lane is labelled with its pid: below the name, or beside the number.
      const float x = two_lines ? top_left.x : top_left.x + ImGui::CalcTextSize(label).x + em * 0.4f;
      const float y = two_lines ? y0 + lane_h * 0.5f : y0 + (lane_h - em) * 0.5f + 1;
      std::snprintf(label, sizeof label, "pid %d", child->pid);
      draw->AddText(ctx.fonts.mono, ctx.fonts.mono->FontSize, ImVec2(x, y), theme.dim, label);
    }
    // Columns, merged into runs of equal state.
    SummariseColumns(lane, t0 + static_cast<int64_t>(begin_ns), t0 + static_cast<int64_t>(end_ns),
                     column_count, columns);
    int run_start = 0;
    for (int c = 1; c <= column_count; ++c) {
      if (c < column_count && columns[static_cast<size_t>(c)].dominant == columns[static_cast<size_t>(run_start)].dominant) continue;
      const LaneState state = columns[static_cast<size_t>(run_start)].dominant;
      if (state != LaneState::kNone) {
        const float xa = track_x0 + static_cast<float>(run_start);
        const float xb = track_x0 + static_cast<float>(c);
        if (state == LaneState::kExited || state == LaneState::kKilled) {
          const float mid = (bar_y0 + bar_y1) * 0.5f;
          draw->AddRectFilled(ImVec2(xa, mid - 1.5f), ImVec2(xb, mid + 1.5f), theme.State(state));
        } else {
          draw->AddRectFilled(ImVec2(xa, bar_y0), ImVec2(xb, bar_y1), theme.State(state));
        }
      }
      run_start = c;
    }
    // Short notable states: a column where the lock was held or waited for, or the queue
    // blocked, shows a thin stripe of that colour even when another state fills most of it
    // (held at the top edge, waits at the bottom edge).
    const float stripe = std::max(2.0f, (bar_y1 - bar_y0) * 0.22f);
    for (const LaneState notable : {LaneState::kLockHeld, LaneState::kLockWait, LaneState::kQueueBlocked}) {
      if (!((model.states_seen() >> static_cast<unsigned>(notable)) & 1u)) continue;
      const float ya = notable == LaneState::kLockHeld ? bar_y0 : bar_y1 - stripe;
      auto shows = [&](int c) {
        const ColumnSummary& column = columns[static_cast<size_t>(c)];
        return column.Has(notable) && column.dominant != notable;
      };
      for (int c = 0; c < column_count;) {
        if (!shows(c)) {
          ++c;
          continue;
        }
        int end = c + 1;
        while (end < column_count && shows(end)) ++end;
        draw->AddRectFilled(ImVec2(track_x0 + static_cast<float>(c), ya),
                            ImVec2(track_x0 + static_cast<float>(end), ya + stripe), theme.State(notable));
        c = end;
      }
    }
    // Task labels (pool chunks) where they fit: at most one task looked at per pixel.
    auto task_by_start = [](const TaskBlock& task, int64_t t) { return task.start_ns < t; };
    auto task_it = std::lower_bound(lane.tasks.begin(), lane.tasks.end(), t0 + static_cast<int64_t>(begin_ns), task_by_start);
    if (task_it != lane.tasks.begin()) --task_it;  // one that began before the view may reach into it
    for (; task_it != lane.tasks.end() && task_it->start_ns - t0 <= static_cast<int64_t>(end_ns);) {
      const TaskBlock& task = *task_it;
      const float xa = std::max(x_of(static_cast<double>(task.start_ns - t0)), track_x0);
      const float xb = std::min(x_of(static_cast<double>((task.end_ns ? task.end_ns : model.last_ns()) - t0)), track_x1);
      const int64_t next_t = std::max(task.start_ns + 1, t0 + static_cast<int64_t>(t_of(std::floor(xa) + 1)));
      task_it = std::lower_bound(task_it + 1, lane.tasks.end(), next_t, task_by_start);
      if (xb - xa < em * 2.5f) continue;
      char text[48];
      if (task.first == task.last) std::snprintf(text, sizeof text, "%" PRId64, task.first);
      else std::snprintf(text, sizeof text, "%" PRId64 "–%" PRId64, task.first, task.last);
      const float tw = ImGui::CalcTextSize(text).x;
      if (tw + 6 > xb - xa) continue;
      draw->AddRect(ImVec2(xa, bar_y0), ImVec2(xb, bar_y1), theme.panel_bg, 0, 0, 1.5f);
      draw->AddText(ImVec2((xa + xb - tw) * 0.5f, (bar_y0 + bar_y1 - em) * 0.5f), IM_COL32(255, 255, 255, 255), text);
    }
    // Lost updates: a red mark at the write that overwrote another's update, live as the
    // merged order reaches it. Dense marks merge, at most one per ~half an em, so the lane stays
    // readable; each next mark is found by binary search. (Not when the lesson reports no lost
    // update: a thinned trace can fake one.)
    const bool none_lost = !ctx.live && ctx.result && ctx.result->outcome.contains("lost") &&
                           ctx.result->outcome["lost"].is_number() && ctx.result->outcome["lost"].get<int64_t>() == 0;
    if (!none_lost) {
      const auto& marks = lane.lost_marks;
      float x_from = track_x0;
      while (x_from <= track_x1) {
        const auto it = std::lower_bound(marks.begin(), marks.end(), t0 + static_cast<int64_t>(std::ceil(t_of(x_from))));
        if (it == marks.end()) break;
        const float x = x_of(static_cast<double>(*it - t0));
        if (x > track_x1) break;
        draw->AddTriangleFilled(ImVec2(x - em * 0.25f, y0 + 1), ImVec2(x + em * 0.25f, y0 + 1), ImVec2(x, bar_y0 + em * 0.1f), theme.marker);
        draw->AddLine(ImVec2(x, bar_y0), ImVec2(x, bar_y1), theme.marker, 2.0f);
        x_from = std::max(x + em * 0.5f, x_from + 1);
      }
    }
    // Step mode: the values read and written, next to the lane.
    if (ctx.live && lane.step_wait && lane_h > em * 1.6f) {
      char text[64];
      std::snprintf(text, sizeof text, "→ %s", lane.pending_step == 1 ? ctx.T(Str::kStepWrite) : ctx.T(Str::kStepRead));
      const float tw = ImGui::CalcTextSize(text).x;
      draw->AddText(ImVec2(track_x1 - tw - 4, bar_y0), theme.text, text);
    }
    if (lane.last_read >= 0 || lane.last_write >= 0) {
      char text[64];
      std::snprintf(text, sizeof text, "r %" PRId64 " · w %" PRId64, lane.last_read, lane.last_write);
      if (lane_h > em * 2.1f)
        draw->AddText(ctx.fonts.mono, ctx.fonts.mono->FontSize, ImVec2(top_left.x, y0 + lane_h * 0.5f + em * 0.95f),
                      theme.accent, text);
    }
  }
  // The parent's own events, as ticks on a thin row.
  if (!model.parent_events().empty()) {
    const float y0 = lanes_y0 + lane_h * static_cast<float>(lanes);
    draw->AddText(ImVec2(top_left.x, y0 + (lane_h - em) * 0.5f), theme.dim, ctx.T(Str::kParent));
    // One tick per pixel at most, each next event found by binary search.
    const std::vector<Event>& events = model.parent_events();
    auto by_time = [](const Event& e, int64_t t) { return e.t_ns < t; };
    float x_from = track_x0;
    while (x_from <= track_x1) {
      const auto it = std::lower_bound(events.begin(), events.end(), t0 + static_cast<int64_t>(std::ceil(t_of(x_from))), by_time);
      if (it == events.end()) break;
      const float x = std::floor(x_of(static_cast<double>(it->t_ns - t0)));
      if (x > track_x1) break;
      draw->AddLine(ImVec2(x, y0 + lane_h * 0.3f), ImVec2(x, y0 + lane_h * 0.7f), theme.accent, 2.0f);
      x_from = std::max(x + 2, x_from + 1);
    }
  }

  // Hover: the state and the events under the mouse (±2 px).
  if (hovered && lanes > 0) {
    const int lane_index = static_cast<int>((io.MousePos.y - lanes_y0) / lane_h);
    if (lane_index >= 0 && lane_index <= lanes) {
      const double ta = t_of(io.MousePos.x - 2), tb = t_of(io.MousePos.x + 2);
      const std::vector<Event>& events =
          lane_index < lanes ? model.lane(lane_index).events : model.parent_events();
      auto by_time = [](const Event& e, int64_t t) { return e.t_ns < t; };
      auto lo = std::lower_bound(events.begin(), events.end(), t0 + static_cast<int64_t>(ta), by_time);
      auto hi = std::lower_bound(lo, events.end(), t0 + static_cast<int64_t>(tb), by_time);
      ImGui::BeginTooltip();
      const double t_mouse = t_of(io.MousePos.x);
      if (lane_index < lanes) {
        const LaneState state = model.lane(lane_index).StateAt(t0 + static_cast<int64_t>(t_mouse));
        ImGui::Text("%s %d · %.3f ms · %s", ctx.T(Str::kChild), lane_index + 1, t_mouse / 1e6,
                    StateName(state, ctx.language));
      } else {
        ImGui::Text("%s · %.3f ms", ctx.T(Str::kParent), t_mouse / 1e6);
      }
      const size_t count = static_cast<size_t>(hi - lo);
      ImGui::PushFont(ctx.fonts.mono);
      size_t shown = 0;
      for (auto it = lo; it != hi && shown < 12; ++it, ++shown)
        ImGui::Text("%9.3f ms  %s", model.Ms(it->t_ns), DescribeEvent(*it).c_str());
      if (count > shown) ImGui::Text("… +%zu %s", count - shown, ctx.T(Str::kEvents));
      ImGui::PopFont();
      if (lane_index < lanes) {
        // The lost updates under the mouse, in words.
        const auto& marks = model.lane(lane_index).lost_marks;
        const auto mark_lo = std::lower_bound(marks.begin(), marks.end(), t0 + static_cast<int64_t>(ta));
        const auto mark_hi = std::lower_bound(mark_lo, marks.end(), t0 + static_cast<int64_t>(tb));
        if (mark_hi != mark_lo) {
          ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.marker));
          if (mark_hi - mark_lo == 1) ImGui::TextUnformatted(ctx.T(Str::kLostUpdateCallout));
          else ImGui::Text("%s (×%td)", ctx.T(Str::kLostUpdateCallout), mark_hi - mark_lo);
          ImGui::PopStyleColor();
        }
      }
      ImGui::EndTooltip();
    }
  }

  // Footer: hint and drops.
  ImGui::SetCursorScreenPos(ImVec2(top_left.x, area_max.y + em * 0.2f));
  ImGui::TextDisabled("%s", ctx.T(Str::kZoomHint));
  if (ctx.result && ctx.result->trace.drops() > 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.warn));
    ImGui::TextWrapped("%llu %s",
                       static_cast<unsigned long long>(ctx.result->trace.drops()), ctx.T(Str::kDroppedEvents));
    ImGui::PopStyleColor();
  }
  ImGui::EndChild();
}

}  // namespace proclab::gui

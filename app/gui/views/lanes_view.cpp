// Process lanes: one row per child (labelled with its pid), coloured by state, on a time axis
// with zoom (wheel) and pan (drag). Each row is summarised per pixel column from the child's
// facts (its state changes and their per-block time summaries): the state that fills most of
// the column, plus a thin stripe for a lock held, a lock waited for or a blocked queue that
// happened in it however briefly; one rectangle per run of equal columns. Lost-update marks,
// parent ticks and task labels are found by binary search per pixel, so a million events cost
// no more to draw than a hundred.
#include "app/gui/views/counter_figures.hpp"
#include "app/gui/views/lanes_view.hpp"

#include <algorithm>
#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/gui/timeline/lane_words.hpp"
#include "core/facts/explain.hpp"
#include "lessons/shared_counter.hpp"

namespace proclab::gui {

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

// An event kind in Chinese (the tooltips follow the UI's language); "" for the English name.
const char* KindZh(EventKind kind) {
  switch (kind) {
    case EventKind::kStarted: return "开始运行";
    case EventKind::kFinished: return "完成";
    case EventKind::kFailed: return "失败";
    case EventKind::kSleep: return "休眠";
    case EventKind::kStepWait: return "等待单步";
    case EventKind::kResult: return "结果";
    case EventKind::kRead: return "读取";
    case EventKind::kWrite: return "写入";
    case EventKind::kLockWait: return "等待锁";
    case EventKind::kLockAcquired: return "拿到锁";
    case EventKind::kLockReleased: return "释放锁";
    case EventKind::kLockOwnerDied: return "锁的持有者已死";
    case EventKind::kQueuePut: return "放入";
    case EventKind::kQueueGet: return "取出";
    case EventKind::kQueueBlocked: return "阻塞";
    case EventKind::kQueueUnblocked: return "不再阻塞";
    case EventKind::kTaskStart: return "任务开始";
    case EventKind::kTaskEnd: return "任务结束";
    case EventKind::kTaskFailed: return "任务失败";
    case EventKind::kPoolState: return "进程池状态";
    case EventKind::kPoolCallback: return "回调";
    case EventKind::kPoolReplaced: return "替换工作进程";
    case EventKind::kKill: return "杀死";
    case EventKind::kJoinBegin: return "开始 join";
    case EventKind::kJoinEnd: return "join 返回";
    case EventKind::kStall: return "卡住";
    default: return "";
  }
}

// One event in a few words, with the names of the objects it touched, in the UI's language.
std::string DescribeEvent(const RunFacts& facts, const Event& e, Language language) {
  const bool zh = language == Language::kChinese && KindZh(e.kind)[0] != '\0';
  const std::string kind = zh ? std::string(KindZh(e.kind)) : std::string(EventKindName(e.kind));
  const SlotValue a{e.a, e.type}, b{e.b, e.type};
  auto name = [&](ObjectKind what) {
    const std::string n = ShownObjectName(facts.NameOf(what, e.object), zh ? Language::kChinese : Language::kEnglish);
    return n.empty() ? std::to_string(e.object) : n;
  };
  switch (e.kind) {
    case EventKind::kRead: return kind + " " + name(ObjectKind::kSlot) + " = " + a.Text();
    case EventKind::kWrite:
      return kind + " " + name(ObjectKind::kSlot) + " = " + a.Text() + (zh ? "（覆盖了 " : " (over ") + b.Text() +
             (zh ? "）" : ")");
    case EventKind::kSleep: {
      char text[64];
      std::snprintf(text, sizeof text, "%s %.2f %s", kind.c_str(), static_cast<double>(e.a) / 1000, zh ? "毫秒" : "ms");
      return text;
    }
    case EventKind::kLockWait:
    case EventKind::kLockAcquired:
    case EventKind::kLockReleased:
    case EventKind::kLockOwnerDied: return kind + " " + name(ObjectKind::kLock);
    case EventKind::kQueuePut:
    case EventKind::kQueueGet:
      return kind + " " + std::to_string(e.a) + " (" + name(ObjectKind::kQueue) + (zh ? "，深度 " : ", depth ") +
             std::to_string(e.b) + ")";
    case EventKind::kQueueBlocked:
    case EventKind::kQueueUnblocked:
      return kind + " (" + name(ObjectKind::kQueue) + (e.a == 0 ? (zh ? "，已满）" : ", full)") : (zh ? "，为空）" : ", empty)"));
    case EventKind::kTaskStart:
    case EventKind::kTaskEnd:
    case EventKind::kTaskFailed:
      return kind + " " + std::to_string(e.a) + (e.a == e.b ? "" : ".." + std::to_string(e.b));
    case EventKind::kStarted: return kind + " (pid " + std::to_string(e.a) + ")";
    case EventKind::kLine: return kind + " " + std::to_string(e.a);  // a Python process's line
    case EventKind::kKill:
    case EventKind::kJoinBegin:
    case EventKind::kJoinEnd: return kind + (zh ? " 子进程 " : " child ") + std::to_string(e.a + 1);
    default: return kind + " " + std::to_string(e.a) + " " + std::to_string(e.b);
  }
}

}  // namespace

void LanesView::DrawHeadline(const ViewContext& ctx) {
  const RunFacts& facts = *ctx.run.facts;
  // A run that got stuck: what is stuck is the headline (who holds, who waits, since when),
  // above any totals, which are then only what was done before ProcLab stopped it.
  for (const StallFact& stall : facts.stalls()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ctx.theme.bad));
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextWrapped("%s", ExplainStall(facts, stall).In(ctx.language).c_str());
    ImGui::PopFont();
    ImGui::PopStyleColor();
    shown_.stall_headline = true;
  }
  const CounterFigures figures = CounterFiguresOf(ctx.run);
  if (!figures.shown) {
    ImGui::TextDisabled("%s", ctx.T(Str::kWhatYouSee));
    return;
  }
  const int64_t array_lost = figures.array_lost;
  shown_.headline = true;
  shown_.counter = figures.value;
  shown_.lost = figures.lost;
  const bool incomplete = !figures.complete;
  if (!figures.totals_known) {
    ImGui::Text("%s: %" PRId64, ctx.T(Str::kCounterTitle), figures.value);
    TextBeside(ctx.T(Str::kTotalsAtTheEnd), true);
    return;  // the array's losses are not known either
  }
  if (incomplete) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ctx.theme.dim));
  ImGui::Text("%s: %" PRId64 "   %s: %" PRId64 "   %s: %" PRId64, ctx.T(Str::kCounterTitle), figures.value,
              ctx.T(Str::kExpected), figures.expected, ctx.T(Str::kLostSoFar), figures.lost);
  if (incomplete) {
    TextBeside(ctx.T(Str::kTotalsIncomplete));
    ImGui::PopStyleColor();
  }
  if (array_lost > 0) {
    char text[96];
    std::snprintf(text, sizeof text, "%s: %" PRId64, ctx.T(Str::kArrayLost), array_lost);
    TextBeside(text);
  }
}

void LanesView::Draw(const ViewContext& ctx) {
  shown_ = Shown{};
  const float height = ctx.height;
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  ImGui::BeginChild("lanes", ImVec2(0, height), false,
                    ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoScrollbar);
  if (ctx.run.empty()) {
    ImGui::TextDisabled("%s", ctx.T(ctx.busy ? Str::kRunning : Str::kNoRunYet));
    ImGui::Spacing();
    ImGui::TextDisabled("%s", ctx.T(Str::kWhatYouSee));
    ImGui::EndChild();
    return;
  }
  const RunFacts& facts = *ctx.run.facts;
  marks_.Update(facts);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const int lanes = facts.children();

  DrawHeadline(ctx);

  // Legend: only the states that occur.
  {
    const uint32_t seen = StatesSeen(facts) | (lanes == 0 ? 1u << static_cast<unsigned>(LaneState::kRunning) : 0u);
    bool first = true;
    for (int s = 1; s < static_cast<int>(LaneState::kCount); ++s) {
      if (!((seen >> s) & 1u)) continue;
      const float box = em * 0.7f;
      const char* name = StateName(static_cast<LaneState>(s), ctx.language);
      const float item_w = box + em * 0.3f + ImGui::CalcTextSize(name).x;
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
      ImGui::TextUnformatted(name);
    }
  }
  const uint32_t seen = StatesSeen(facts);

  // Geometry.
  const std::span<const Event> parent_events = ctx.run.Events(kParentFactLane);
  // The label column fits the widest label ("child 3 · array", "read 100 → wrote 101"), within
  // a third of the width.
  const SlotFacts* counter = facts.slot(kCounterSlot);
  std::vector<LaneLabelLines>& labels = labels_;
  labels.resize(static_cast<size_t>(lanes));
  float widest = em * 7.2f;
  for (int i = 0; i < lanes; ++i) {
    LaneLabelLines& l = labels[static_cast<size_t>(i)];
    const std::string role = LaneRole(facts, i, ctx.language);
    l.name = ctx.run.python ? LaneLabel(ctx, i) : std::string(ctx.T(Str::kChild)) + " " + std::to_string(i + 1);
    l.number = ctx.run.python ? l.name : std::to_string(i + 1);
    if (!role.empty()) l.name += " · " + role, l.number += " · " + role;
    l.step = counter != nullptr ? LastStepText(facts, *counter, i, ctx.language) : std::string();
    // One line (many lanes): the number, what it updates and the pid side by side.
    const std::string pid = "pid " + std::to_string(facts.child(i).record.pid);
    const float one_line = ImGui::CalcTextSize(l.number.c_str()).x + em * 0.4f +
                           ctx.fonts.mono->CalcTextSizeA(ctx.fonts.mono->FontSize, FLT_MAX, 0, pid.c_str()).x;
    widest = std::max({widest, ImGui::CalcTextSize(l.name.c_str()).x + em * 0.6f, ImGui::CalcTextSize(l.step.c_str()).x + em * 0.6f,
                       one_line + em * 0.6f});
  }
  const float label_w = std::min(widest, std::max(em * 7.2f, width * 0.34f));
  shown_.label_w = label_w;
  const float axis_h = em * 1.4f;
  const ImVec2 top_left = ImGui::GetCursorScreenPos();
  const float track_x0 = top_left.x + label_w;
  const float track_x1 = top_left.x + width - em * 0.5f;
  const float track_w = std::max(track_x1 - track_x0, 10.0f);
  const float avail_h = height - (top_left.y - origin.y) - axis_h - em * 2.4f;
  const float parent_rows = parent_events.empty() ? 0.2f : 1.0f;
  const float lane_h = lanes > 0 ? std::clamp(avail_h / (static_cast<float>(lanes) + parent_rows), em * 1.1f, em * 3.4f) : em * 2;
  const float lanes_y0 = top_left.y + axis_h;

  // View range: follow the whole run, or what the user zoomed to.
  const double total = std::max<double>(static_cast<double>(facts.last_ns() - facts.t0_ns()), 1e5);
  if (follow_ || end_ns_ <= begin_ns_) {
    begin_ns_ = 0;
    end_ns_ = total * 1.02;
  }
  const double span = end_ns_ - begin_ns_;
  auto x_of = [&](double t_rel) { return track_x0 + static_cast<float>((t_rel - begin_ns_) / span) * track_w; };
  auto t_of = [&](float x) { return begin_ns_ + (x - track_x0) / track_w * span; };

  // Interaction: wheel zooms around the mouse, drag pans, double-click fits.
  const ImVec2 area_min(track_x0, top_left.y);
  const ImVec2 area_max(track_x1, lanes_y0 + lane_h * (static_cast<float>(std::max(lanes, 1)) + parent_rows));
  shown_.lanes_min = ImVec2(top_left.x, area_min.y);
  shown_.lanes_max = area_max;
  ImGui::SetCursorScreenPos(area_min);
  ImGui::InvisibleButton("track", ImVec2(track_w, area_max.y - area_min.y));
  const bool hovered = ImGui::IsItemHovered() && !ctx.instant;
  ImGuiIO& io = ImGui::GetIO();
  if (hovered && io.MouseWheel != 0) {
    const double pivot = t_of(io.MousePos.x);
    const double factor = std::pow(0.8, io.MouseWheel);
    begin_ns_ = pivot - (pivot - begin_ns_) * factor;
    end_ns_ = pivot + (end_ns_ - pivot) * factor;
    if (end_ns_ - begin_ns_ < 200) end_ns_ = begin_ns_ + 200;
    follow_ = false;
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2)) {
    const double shift = io.MouseDelta.x / track_w * (end_ns_ - begin_ns_);
    begin_ns_ -= shift;
    end_ns_ -= shift;
    follow_ = false;
  }
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) follow_ = true;

  // Axis and grid.
  const double step = TickStep(span, std::max(2, static_cast<int>(track_w / (em * 6))));
  for (double t = std::ceil(begin_ns_ / step) * step; t <= end_ns_; t += step) {
    const float x = x_of(t);
    draw->AddLine(ImVec2(x, lanes_y0 - em * 0.3f), ImVec2(x, area_max.y - lane_h), theme.grid);
    const std::string label = FormatTime(t, step);
    draw->AddText(ImVec2(x + 3, top_left.y), theme.dim, label.c_str());
  }

  // Lanes.
  const int column_count = static_cast<int>(track_w);
  const int64_t t0 = facts.t0_ns();
  // A label line in the label column, cut at its edge (`max_w` from `at`); its box is kept for
  // the checks that no two overlap.
  auto add_label = [&](ImFont* font, ImVec2 at, ImU32 color, const std::string& text, float max_w) {
    if (font == nullptr) font = ImGui::GetFont();
    const float size = font == ImGui::GetFont() ? em : font->FontSize;
    const ImVec2 extent = font->CalcTextSizeA(size, FLT_MAX, 0, text.c_str());
    const ImVec4 clip(at.x, at.y, at.x + std::max(max_w, 0.0f), at.y + extent.y);
    draw->AddText(font, size, at, color, text.c_str(), nullptr, 0, &clip);
    shown_.labels.push_back({ImVec2(at.x, at.y), ImVec2(std::min(at.x + extent.x, clip.z), at.y + extent.y)});
  };
  for (int i = 0; i < lanes; ++i) {
    const ChildFacts& child = facts.child(i);
    const float y0 = lanes_y0 + lane_h * static_cast<float>(i);
    const float bar_y0 = y0 + lane_h * 0.14f, bar_y1 = y0 + lane_h * 0.86f;
    draw->AddRectFilled(ImVec2(track_x0, bar_y0), ImVec2(track_x1, bar_y1), theme.lane_bg);
    ++shown_.rows;
    // Label: child number, what it updates, pid and (room allowing) its last read and write,
    // stacked so that no line reaches into the next lane.
    const LaneLabelLines& l = labels[static_cast<size_t>(i)];
    const float mono_h = ctx.fonts.mono->FontSize;
    const bool two_lines = lane_h > em + mono_h + em * 0.15f;
    const bool three_lines = !l.step.empty() && lane_h > 2 * em + mono_h + em * 0.1f;
    const float text_h = three_lines ? 2 * em + mono_h : two_lines ? em + mono_h : em;
    float text_y = y0 + (lane_h - text_h) * 0.5f;
    const std::string& first = two_lines ? l.name : l.number;
    add_label(nullptr, ImVec2(top_left.x, text_y), theme.text, first, label_w - em * 0.4f);
    if (child.record.pid > 0) {
      // Every lane is labelled with its pid: below the name, or beside the number.
      char pid[32];
      std::snprintf(pid, sizeof pid, "pid %d", child.record.pid);
      const float x = two_lines ? top_left.x : top_left.x + ImGui::CalcTextSize(first.c_str()).x + em * 0.4f;
      const float y = two_lines ? text_y + em : text_y + (em - mono_h) * 0.5f;
      add_label(ctx.fonts.mono, ImVec2(x, y), theme.dim, pid, top_left.x + label_w - em * 0.4f - x);
    }
    if (three_lines) add_label(nullptr, ImVec2(top_left.x, text_y + em + mono_h), theme.accent, l.step, label_w - em * 0.4f);
    // Columns, merged into runs of equal state.
    SummariseColumns(child, t0 + static_cast<int64_t>(begin_ns_), t0 + static_cast<int64_t>(end_ns_), column_count,
                     columns_);
    int run_start = 0;
    for (int c = 1; c <= column_count; ++c) {
      if (c < column_count && columns_[static_cast<size_t>(c)].dominant == columns_[static_cast<size_t>(run_start)].dominant)
        continue;
      const LaneState state = columns_[static_cast<size_t>(run_start)].dominant;
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
    // Short notable states: a column where a lock was held or waited for, or a queue blocked,
    // shows a thin stripe of that colour even when another state fills most of it (held at
    // the top edge, waits at the bottom edge).
    const float stripe = std::max(2.0f, (bar_y1 - bar_y0) * 0.22f);
    for (const LaneState notable : {LaneState::kLockHeld, LaneState::kLockWait, LaneState::kQueueBlocked}) {
      if (!((seen >> static_cast<unsigned>(notable)) & 1u)) continue;
      const float ya = notable == LaneState::kLockHeld ? bar_y0 : bar_y1 - stripe;
      auto shows = [&](int c) {
        const ColumnSummary& column = columns_[static_cast<size_t>(c)];
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
    const auto& tasks = child.tasks;
    auto task_by_start = [](const TaskSpan& task, int64_t t) { return task.start_ns < t; };
    auto task_it = std::lower_bound(tasks.begin(), tasks.end(), t0 + static_cast<int64_t>(begin_ns_), task_by_start);
    if (task_it != tasks.begin()) --task_it;  // one that began before the view may reach into it
    for (; task_it != tasks.end() && task_it->start_ns - t0 <= static_cast<int64_t>(end_ns_);) {
      const TaskSpan& task = *task_it;
      const float xa = std::max(x_of(static_cast<double>(task.start_ns - t0)), track_x0);
      const float xb = std::min(x_of(static_cast<double>((task.end_ns ? task.end_ns : facts.last_ns()) - t0)), track_x1);
      const int64_t next_t = std::max(task.start_ns + 1, t0 + static_cast<int64_t>(t_of(std::floor(xa) + 1)));
      task_it = std::lower_bound(task_it + 1, tasks.end(), next_t, task_by_start);
      if (xb - xa < em * 2.5f) continue;
      const std::string label = TaskLabel(facts, task);
      if (label.empty()) continue;
      const char* text = label.c_str();
      const float tw = ImGui::CalcTextSize(text).x;
      if (tw + 6 > xb - xa) continue;
      draw->AddRect(ImVec2(xa, bar_y0), ImVec2(xb, bar_y1), theme.panel_bg, 0, 0, 1.5f);
      draw->AddText(ImVec2((xa + xb - tw) * 0.5f, (bar_y0 + bar_y1 - em) * 0.5f), IM_COL32(255, 255, 255, 255), text);
    }
    // Lost updates: a red mark at each write that erased others' updates (the slots' facts).
    // Dense marks merge, at most one per ~half an em; each next one is found by binary search.
    const std::vector<LostMark>& marks = marks_.lane(i);
    shown_.lost_marks += static_cast<int64_t>(marks.size());
    auto mark_before = [](const LostMark& m, int64_t t) { return m.t_ns < t; };
    float x_from = track_x0;
    while (x_from <= track_x1) {
      const auto it = std::lower_bound(marks.begin(), marks.end(), t0 + static_cast<int64_t>(std::ceil(t_of(x_from))), mark_before);
      if (it == marks.end()) break;
      const float x = x_of(static_cast<double>(it->t_ns - t0));
      if (x > track_x1) break;
      draw->AddTriangleFilled(ImVec2(x - em * 0.25f, y0 + 1), ImVec2(x + em * 0.25f, y0 + 1), ImVec2(x, bar_y0 + em * 0.1f), theme.marker);
      draw->AddLine(ImVec2(x, bar_y0), ImVec2(x, bar_y1), theme.marker, 2.0f);
      x_from = std::max(x + em * 0.5f, x_from + 1);
    }
    // Step mode: the step the child waits for, and what it last read and wrote.
    if (ctx.run.live && child.StateNow() == LaneState::kStepWait && lane_h > em * 1.6f) {
      char text[64];
      std::snprintf(text, sizeof text, "→ %s", child.pending_step == 1 ? ctx.T(Str::kStepWrite) : ctx.T(Str::kStepRead));
      const float tw = ImGui::CalcTextSize(text).x;
      draw->AddText(ImVec2(track_x1 - tw - 4, bar_y0), theme.text, text);
    }
  }
  // The parent's own events, as ticks on a thin row.
  if (!parent_events.empty()) {
    const float y0 = lanes_y0 + lane_h * static_cast<float>(lanes);
    draw->AddText(ImVec2(top_left.x, y0 + (lane_h - em) * 0.5f), theme.dim, ctx.T(Str::kParent));
    // Its join() of each child, from the run's join facts: the same begin and end the Processes
    // tab and the transcript give.
    for (const JoinFact& join : facts.joins()) {
      const float xa = std::max(x_of(static_cast<double>(join.begin_ns - t0)), track_x0);
      const float xb = std::min(x_of(static_cast<double>((join.end_ns != 0 ? join.end_ns : facts.last_ns()) - t0)), track_x1);
      if (xb < track_x0 || xa > track_x1) continue;
      draw->AddRectFilled(ImVec2(xa, y0 + lane_h * 0.2f), ImVec2(std::max(xb, xa + 1), y0 + lane_h * 0.8f),
                          (LaneColor(join.lane) & 0x00FFFFFF) | 0x90000000);
      char text[32];
      std::snprintf(text, sizeof text, ctx.T(Str::kJoinOf), join.lane + 1);
      const float tw = ImGui::CalcTextSize(text).x;
      if (tw + 6 < xb - xa) draw->AddText(ImVec2((xa + xb - tw) * 0.5f, y0 + (lane_h - em) * 0.5f), theme.text, text);
    }
    // One tick per pixel at most, each next event found by binary search.
    float x_from = track_x0;
    while (x_from <= track_x1) {
      const size_t k = FirstEventAt(parent_events, t0 + static_cast<int64_t>(std::ceil(t_of(x_from))));
      if (k >= parent_events.size()) break;
      const float x = std::floor(x_of(static_cast<double>(parent_events[k].t_ns - t0)));
      if (x > track_x1) break;
      draw->AddLine(ImVec2(x, y0 + lane_h * 0.3f), ImVec2(x, y0 + lane_h * 0.7f), theme.accent, 2.0f);
      x_from = std::max(x + 2, x_from + 1);
    }
  }

  // Hover: the state and the events under the mouse (±2 px), and lost updates in words.
  if (hovered && lanes > 0) {
    const int lane_index = static_cast<int>((io.MousePos.y - lanes_y0) / lane_h);
    if (lane_index >= 0 && lane_index <= lanes) {
      const int64_t ta = t0 + static_cast<int64_t>(t_of(io.MousePos.x - 2));
      const int64_t tb = t0 + static_cast<int64_t>(t_of(io.MousePos.x + 2));
      const std::span<const Event> events = ctx.run.Events(lane_index < lanes ? lane_index : kParentFactLane);
      const size_t lo = FirstEventAt(events, ta), hi = std::max(FirstEventAt(events, tb), lo);
      ImGui::BeginTooltip();
      const double t_mouse = t_of(io.MousePos.x);
      if (lane_index < lanes) {
        const LaneState state = facts.child(lane_index).StateAt(t0 + static_cast<int64_t>(t_mouse));
        if (ctx.run.python) {
          ImGui::Text("%s · %.3f ms · %s", LaneLabel(ctx, lane_index).c_str(), t_mouse / 1e6, StateName(state, ctx.language));
          // Which line of the program it was on at that moment.
          if (const LineChange* line = facts.child(lane_index).LineAt(t0 + static_cast<int64_t>(t_mouse))) {
            const std::string file = facts.NameOf(ObjectKind::kFile, line->file);
            char where[64];
            std::snprintf(where, sizeof where, ctx.T(Str::kLineOf), line->line);
            ImGui::Text("%s · %s", where,
                        file.substr(file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/') + 1).c_str());
          }
        } else {
          ImGui::Text("%s %d · %.3f ms · %s", ctx.T(Str::kChild), lane_index + 1, t_mouse / 1e6,
                      StateName(state, ctx.language));
        }
        // Past its end: how and when it ended, as the transcript and the Processes tab say it.
        const ChildFacts& hovered_child = facts.child(lane_index);
        if ((state == LaneState::kExited || state == LaneState::kKilled) && hovered_child.ended()) {
          char text[256];
          std::snprintf(text, sizeof text, ctx.T(Str::kEndedAt), HowItEnded(hovered_child, ctx.language).c_str(),
                        LifeTimeText(facts, hovered_child.end_ns(), ctx.language).c_str());
          ImGui::TextUnformatted(text);
        }
      } else {
        ImGui::Text("%s · %.3f ms", ctx.T(Str::kParent), t_mouse / 1e6);
        for (const JoinFact& join : facts.joins()) {
          const int64_t t = t0 + static_cast<int64_t>(t_mouse);
          if (t < join.begin_ns || (join.end_ns != 0 && t > join.end_ns)) continue;
          ImGui::TextUnformatted(JoinText(ctx, facts, join).c_str());
        }
      }
      ImGui::PushFont(ctx.fonts.mono);
      size_t shown = 0;
      for (size_t k = lo; k < hi && shown < 12; ++k, ++shown)
        ImGui::Text("%9.3f ms  %s", facts.Ms(events[k].t_ns), DescribeEvent(facts, events[k], ctx.language).c_str());
      if (hi - lo > shown) ImGui::Text("… +%zu %s", hi - lo - shown, ctx.T(Str::kEvents));
      ImGui::PopFont();
      if (lane_index < lanes) {
        const std::vector<LostMark>& marks = marks_.lane(lane_index);
        auto mark_before = [](const LostMark& m, int64_t t) { return m.t_ns < t; };
        const auto mark_lo = std::lower_bound(marks.begin(), marks.end(), ta, mark_before);
        const auto mark_hi = std::lower_bound(mark_lo, marks.end(), tb, mark_before);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.marker));
        ImGui::PushTextWrapPos(em * 30);
        int listed = 0;
        for (auto it = mark_lo; it != mark_hi && listed < 4; ++it, ++listed)
          ImGui::TextUnformatted(LostUpdateText(ctx, marks_.update(facts, *it)).c_str());
        if (mark_hi - mark_lo > listed) ImGui::Text("… +%td", (mark_hi - mark_lo) - listed);
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
      }
      ImGui::EndTooltip();
    }
  }

  // Footer: hint and drops.
  ImGui::SetCursorScreenPos(ImVec2(top_left.x, area_max.y + em * 0.2f));
  ImGui::TextDisabled("%s", ctx.T(Str::kZoomHint));
  if (facts.drops() > 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.warn));
    ImGui::TextWrapped("%llu %s", static_cast<unsigned long long>(facts.drops()), ctx.T(Str::kDroppedEvents));
    ImGui::PopStyleColor();
  }
  ImGui::EndChild();
}

std::unique_ptr<View> MakeLanesView() { return std::make_unique<LanesView>(); }

}  // namespace proclab::gui

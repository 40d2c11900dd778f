// Pool: a lane per worker with its chunks, the task queue, the results in input order, the
// callbacks and the pool's states, at the moment the mouse points to (or the newest one).
//
// Sections: reading the pool's queues · drawing.
#include "app/gui/views/pool_view.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>

#include "core/process_pool.hpp"
#include "lessons/pool.hpp"

namespace proclab::gui {

namespace {
// The run's pool: the pool lesson's (kPoolId), else the first a Python program made.
const PoolFacts* ThePool(const RunFacts& facts) {
  if (const PoolFacts* pool = facts.pool(kPoolId)) return pool;
  return facts.pools().empty() ? nullptr : &facts.pools().begin()->second;
}
}  // namespace

// -------------------------------------------------------------------- reading the pool's queues

PoolPicture ReadPool(const RunFacts& facts) {
  PoolPicture picture;
  const PoolFacts* pool = ThePool(facts);
  std::map<int64_t, int64_t> last_of;  // chunks by their first item
  if (pool != nullptr)
    for (const PoolTaskFact& task : pool->tasks) {
      last_of[task.first] = task.last;
      picture.items = std::max(picture.items, task.last + 1);
    }
  auto last = [&](int64_t first) {
    const auto it = last_of.find(first);
    return it != last_of.end() ? it->second : first;
  };
  if (const QueueFacts* tasks = facts.queue(kPoolTaskQueueId))
    for (const QueueItemTrip& trip : tasks->Trips())
      picture.task_puts.push_back({trip.put_ns, trip.get_ns, trip.value, last(trip.value), trip.value < 0});
  if (const QueueFacts* results = facts.queue(kPoolResultQueueId))
    for (const QueueItemTrip& trip : results->Trips())
      if (trip.get_ns != 0 && trip.consumer == kParentFactLane)
        picture.arrivals.push_back({trip.get_ns, trip.value, last(trip.value), trip.producer});
  return picture;
}

std::vector<PoolPicture::Put> PoolPicture::WaitingAt(int64_t t_ns) const {
  std::vector<Put> waiting;
  for (const Put& put : task_puts)
    if (put.t_ns <= t_ns && (put.taken_ns == 0 || put.taken_ns > t_ns)) waiting.push_back(put);
  return waiting;
}

// ------------------------------------------------------------------------------------ drawing
namespace {

std::string Range(int64_t first, int64_t last) {
  return first == last ? std::to_string(first) : std::to_string(first) + "–" + std::to_string(last);
}

// A chip that flows like text: wraps to the next line when the row is full.
void FlowChip(const std::string& label, ImU32 fill, ImU32 text_color, bool outline = false) {
  const float em = ImGui::GetFontSize();
  const ImVec2 size(ImGui::CalcTextSize(label.c_str()).x + em * 0.6f, em * 1.4f);
  if (ImGui::GetCursorPosX() + size.x > ImGui::GetContentRegionMax().x) ImGui::NewLine();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  if (outline) draw->AddRect(p, ImVec2(p.x + size.x, p.y + size.y), fill, 4, 0, 2);
  else draw->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), fill, 4);
  draw->AddText(ImVec2(p.x + em * 0.3f, p.y + em * 0.2f), text_color, label.c_str());
  ImGui::Dummy(size);
  ImGui::SameLine(0, em * 0.25f);
}

// A time axis that gives every chunk start the same width: tasks take microseconds while the
// run's start-up takes milliseconds, so a linear axis would squeeze every chunk into a pixel.
// Times between two knots map linearly; the knots are the starts, in time order.
struct WarpedAxis {
  std::vector<int64_t> knots;
  float x0 = 0, width = 1;
  float X(int64_t t) const {
    if (knots.size() < 2) return x0;
    if (t <= knots.front()) return x0;
    if (t >= knots.back()) return x0 + width;
    const size_t k = static_cast<size_t>(std::upper_bound(knots.begin(), knots.end(), t) - knots.begin()) - 1;
    const double span = static_cast<double>(knots[k + 1] - knots[k]);
    const double f = span > 0 ? static_cast<double>(t - knots[k]) / span : 0;
    return x0 + width * static_cast<float>((static_cast<double>(k) + f) / static_cast<double>(knots.size() - 1));
  }
  int64_t T(float x) const {
    if (knots.size() < 2) return knots.empty() ? 0 : knots.front();
    const double pos = std::clamp(static_cast<double>(x - x0) / width, 0.0, 1.0) * static_cast<double>(knots.size() - 1);
    const size_t k = std::min(static_cast<size_t>(pos), knots.size() - 2);
    return knots[k] + static_cast<int64_t>((pos - static_cast<double>(k)) * static_cast<double>(knots[k + 1] - knots[k]));
  }
};

const char* PoolStateText(const ViewContext& ctx, PoolState state) {
  switch (state) {
    case PoolState::kRunning: return ctx.T(Str::kPoolStateRunning);
    case PoolState::kClosed: return ctx.T(Str::kPoolStateClosed);
    case PoolState::kTerminated: return ctx.T(Str::kPoolStateTerminated);
    case PoolState::kJoined: return ctx.T(Str::kPoolStateJoined);
  }
  return "?";
}

}  // namespace

void PoolView::Draw(const ViewContext& ctx) {
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  pool_ = ctx.run.empty() ? nullptr : ThePool(*ctx.run.facts);
  ImGui::BeginChild("pool");
  if (pool_ == nullptr) {
    ImGui::TextDisabled("%s", ctx.T(ctx.busy || ctx.run.live ? Str::kRunning : Str::kNoRunYet));
    ImGui::EndChild();
    return;
  }
  const RunFacts& facts = *ctx.run.facts;
  const PoolFacts& pool = *pool_;
  // Re-read the queues when the facts grew; a big live run at most four times a second.
  const bool other = &facts != source_ || facts.t0_ns() != source_t0_ || facts.final() != source_final_;
  const bool big = facts.events() > 100'000 && ctx.run.live;
  if (other || (facts.events() != seen_events_ && (!big || ImGui::GetTime() - read_at_ > 0.25))) {
    read_at_ = ImGui::GetTime();
    picture_ = ReadPool(facts);
    source_ = &facts;
    source_t0_ = facts.t0_ns();
    source_final_ = facts.final();
    seen_events_ = facts.events();
  }
  const PoolPicture& picture = picture_;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const int64_t t0 = facts.t0_ns();
  const int64_t t1 = std::max(facts.last_ns(), t0 + 1);
  const int lanes = facts.children();
  std::vector<std::vector<const PoolTaskFact*>> tasks_of(static_cast<size_t>(lanes));
  for (const PoolTaskFact& task : pool.tasks)
    if (task.lane >= 0 && task.lane < lanes) tasks_of[static_cast<size_t>(task.lane)].push_back(&task);

  // ------------------------------------------------------------ worker lanes on a time axis
  // Drawn first, so a hover over them sets the moment everything below shows.
  const float label_w = std::min(ImGui::CalcTextSize(ctx.run.python ? "SpawnPoolWorker-10" : "w99 · 1234567").x + em * 0.6f,
                                 ImGui::GetContentRegionAvail().x * 0.3f);
  const float lane_h = em * 1.6f;
  const ImVec2 top = ImGui::GetCursorScreenPos();
  // Leave room above the lanes for the state row (drawn after the hover time is known).
  const float states_h = em * 1.9f;
  const float lanes_y = top.y + states_h + em * 1.4f;
  const float x0 = top.x + label_w;
  // A column at the right for "replaced by" / "replaces", when a worker was replaced.
  float marks_w = 0;
  if (!pool.replacements.empty())
    marks_w = std::max(ImGui::CalcTextSize((std::string("SIGKILL · ") + ctx.T(Str::kPoolReplacedBy) + " w99").c_str()).x,
                       ImGui::CalcTextSize((std::string(ctx.T(Str::kPoolReplaces)) + " w99").c_str()).x) + em * 0.6f;
  const float lanes_w = std::max(ImGui::GetContentRegionAvail().x - label_w - marks_w, em * 4);
  WarpedAxis axis;
  axis.x0 = x0;
  axis.width = lanes_w;
  // Knots: the pool's start, each chunk's start (at most ~one per 2 px), the newest moment.
  axis.knots.push_back(pool.states.empty() ? t0 : pool.states.front().t_ns);
  {
    std::vector<int64_t> starts;
    for (const PoolTaskFact& task : pool.tasks) starts.push_back(task.start_ns);
    std::sort(starts.begin(), starts.end());
    const size_t stride = std::max<size_t>(1, starts.size() / std::max<size_t>(1, static_cast<size_t>(lanes_w / 2)));
    for (size_t k = 0; k < starts.size(); k += stride)
      if (starts[k] > axis.knots.back()) axis.knots.push_back(starts[k]);
    if (t1 > axis.knots.back()) axis.knots.push_back(t1);
  }
  auto x_of = [&](int64_t t) { return axis.X(t); };
  const float lanes_h = static_cast<float>(lanes) * (lane_h + 3);
  int64_t at = t1;  // the moment shown below: the hovered time, else the newest
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool hovered = !ctx.instant && ImGui::IsWindowHovered() && mouse.x >= x0 && mouse.x < x0 + lanes_w &&
                       mouse.y >= lanes_y && mouse.y < lanes_y + lanes_h;
  if (hovered) at = axis.T(mouse.x);

  ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + states_h));
  SectionTitle(ctx, Str::kPoolWorkers);
  for (int i = 0; i < lanes; ++i) {
    const ChildFacts& child = facts.child(i);
    const float y = lanes_y + static_cast<float>(i) * (lane_h + 3);
    const bool killed = child.record.state == ChildState::kKilled;
    const int replaced_by = pool.ReplacementOf(i), replaces = pool.Replaced(i);
    std::string label = "w" + std::to_string(i + 1) + (child.record.pid > 0 ? " · " + std::to_string(child.record.pid) : "");
    if (ctx.run.python) label = LaneLabel(ctx, i);  // a Python process by its name (MainProcess, ForkPoolWorker-1)
    ImU32 label_color = theme.text;
    if (replaced_by != kNoLane || (killed && pool.StateAt(t1) == static_cast<int>(PoolState::kRunning))) label_color = theme.bad;
    draw->AddText(ImVec2(top.x, y + (lane_h - em) * 0.5f), label_color, label.c_str());
    draw->AddRectFilled(ImVec2(x0, y), ImVec2(x0 + lanes_w, y + lane_h), theme.lane_bg);
    // Chunks: skip blocks that would land on the pixel already drawn (very many small tasks).
    float last_x = -1e9f;
    for (const PoolTaskFact* task : tasks_of[static_cast<size_t>(i)]) {
      const bool running = task->open();
      const bool failed = !task->ok;
      const int64_t end = task->end_ns != 0 ? task->end_ns : (child.end_ns() != 0 ? child.end_ns() : t1);
      // At least most of the axis step after its start, so its items fit as a label; the
      // axis is already ordinal there (one step per chunk start), not proportional to time.
      const float step = axis.knots.size() > 1 ? lanes_w / static_cast<float>(axis.knots.size() - 1) : lanes_w;
      float a = x_of(task->start_ns), b = std::min(std::max(x_of(end), a + step * 0.8f), x0 + lanes_w);
      if (b < last_x + 1) continue;
      last_x = b;
      const ImU32 color = failed ? theme.bad : LaneColor(i);
      draw->AddRectFilled(ImVec2(a, y + 2), ImVec2(b, y + lane_h - 2), running ? (color & 0x00FFFFFF) | 0xA0000000 : color, 3);
      const std::string items = Range(task->first, task->last);
      if (ImGui::CalcTextSize(items.c_str()).x < b - a - 4)
        draw->AddText(ImVec2(a + 3, y + (lane_h - em) * 0.5f), IM_COL32(255, 255, 255, 255), items.c_str());
    }
    // A worker that died, and the one that replaced it.
    std::string mark;
    if (replaced_by != kNoLane) {
      mark = std::string(killed ? SignalName(child.record.signal) + " · " : "") + ctx.T(Str::kPoolReplacedBy) + " w" +
             std::to_string(replaced_by + 1);
    } else if (replaces != kNoLane) {
      mark = std::string(ctx.T(Str::kPoolReplaces)) + " w" + std::to_string(replaces + 1);
    }
    if (!mark.empty())
      draw->AddText(ImVec2(x0 + lanes_w + em * 0.4f, y + (lane_h - em) * 0.5f), replaces != kNoLane ? theme.good : theme.bad,
                    mark.c_str());
    if (child.end_ns() != 0) {  // the end of the worker's life
      const float xe = x_of(child.end_ns());
      draw->AddLine(ImVec2(xe, y), ImVec2(xe, y + lane_h), killed ? theme.bad : theme.dim, 2);
    }
  }
  // The parent's callbacks as ticks under the lanes, and the moment shown.
  const float cb_y = lanes_y + lanes_h;
  draw->AddText(ImVec2(top.x, cb_y), theme.dim, ctx.T(Str::kParent));
  for (const PoolCallbackFact& cb : pool.callbacks) {
    const float x = x_of(cb.t_ns);
    draw->AddTriangleFilled(ImVec2(x - em * 0.3f, cb_y + em * 0.9f), ImVec2(x + em * 0.3f, cb_y + em * 0.9f),
                            ImVec2(x, cb_y + em * 0.2f), cb.error ? theme.bad : theme.good);
  }
  if (hovered) draw->AddLine(ImVec2(mouse.x, lanes_y - 2), ImVec2(mouse.x, cb_y + em), theme.text, 1.5f);
  ImGui::SetCursorScreenPos(ImVec2(top.x, cb_y + em * 1.2f));
  ImGui::TextDisabled("%s %.3f %s%s", ctx.T(Str::kPoolAt), facts.Ms(at), ctx.T(Str::kMs),
                      hovered ? "" : (std::string(" · ") + ctx.T(Str::kPoolHoverHint)).c_str());

  // ------------------------------------------------------------------------ pool states (top)
  {
    const ImVec2 keep = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(top);
    ImGui::AlignTextToFramePadding();
    SectionTitle(ctx, Str::kPoolStates);
    ImGui::SameLine(0, em * 0.6f);
    for (size_t s = 0; s < pool.states.size(); ++s) {
      const PoolStateFact& state = pool.states[s];
      if (state.t_ns > at) break;
      char text[64];
      std::snprintf(text, sizeof text, "%s %.2f %s", PoolStateText(ctx, state.state), facts.Ms(state.t_ns), ctx.T(Str::kMs));
      const bool current = s + 1 == pool.states.size() || pool.states[s + 1].t_ns > at;
      FlowChip(text, current ? (state.state == PoolState::kTerminated ? theme.bad : theme.good) : theme.dim,
               current ? IM_COL32(255, 255, 255, 255) : theme.text, !current);
    }
    if (pool.states.empty()) ImGui::TextDisabled("—");
    ImGui::SetCursorScreenPos(keep);
  }

  // ------------------------------------------------------------------------------- task queue
  const std::vector<PoolPicture::Put> waiting = picture.WaitingAt(at);
  const std::string count = "(" + std::to_string(waiting.size()) + ")";
  SectionTitle(ctx, Str::kPoolTaskQueue, count.c_str());
  if (waiting.empty()) ImGui::TextDisabled("%s", ctx.T(Str::kPoolTaskQueueEmpty));
  size_t shown = 0;
  for (const PoolPicture::Put& put : waiting) {
    if (++shown > 48) {
      ImGui::TextDisabled("… +%zu", waiting.size() - 48);
      break;
    }
    FlowChip(put.exit ? std::string("exit") : Range(put.first, put.last),
             put.exit ? theme.dim : theme.State(LaneState::kQueueBlocked), IM_COL32(255, 255, 255, 255));
  }
  ImGui::NewLine();

  // ------------------------------------------------------------------- results in input order
  std::vector<const PoolPicture::Arrival*> arrived;
  for (const PoolPicture::Arrival& a : picture.arrivals)
    if (a.t_ns <= at) arrived.push_back(&a);
  const std::string arrived_count = "(" + std::to_string(arrived.size()) + ")";
  SectionTitle(ctx, Str::kPoolResults, arrived_count.c_str());
  const PoolOutcome* outcome = ctx.run.Outcome<PoolOutcome>();
  int64_t items = picture.items;
  if (outcome != nullptr) items = std::max<int64_t>(items, static_cast<int64_t>(outcome->result.size()));
  if (items > 0) {
    // One cell per item (per pixel column when there are many), filled when its chunk's result
    // has arrived, in the colour of the worker that computed it.
    const float width = ImGui::GetContentRegionAvail().x;
    const float cell_w = std::max(width / static_cast<float>(items), 1.0f);
    const float cell_h = em * 1.5f;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    draw->AddRectFilled(p, ImVec2(p.x + width, p.y + cell_h), theme.lane_bg);
    // Many small chunks: one rectangle per pixel column at most (the first chunk to reach it).
    std::vector<bool> painted(static_cast<size_t>(std::max(width, 1.0f)) + 2, false);
    for (const PoolPicture::Arrival* a : arrived) {
      const float xa = p.x + width * static_cast<float>(a->first) / static_cast<float>(items);
      const float xb = std::max(p.x + width * static_cast<float>(a->last + 1) / static_cast<float>(items), xa + 1);
      const size_t column = static_cast<size_t>(std::clamp(xa - p.x, 0.0f, width));
      if (xb - xa < 2 && painted[column]) continue;
      painted[column] = true;
      draw->AddRectFilled(ImVec2(xa + (cell_w > 4 ? 1 : 0), p.y), ImVec2(xb - (cell_w > 4 ? 1 : 0), p.y + cell_h),
                          LaneColor(a->worker), 2);
    }
    // Items whose worker died while running them: no result will come.
    for (const PoolTaskFact& task : pool.tasks)
      if (!task.ok && task.start_ns <= at && task.lane >= 0 && task.lane < lanes && facts.child(task.lane).ended()) {
        const float xa = p.x + width * static_cast<float>(task.first) / static_cast<float>(items);
        const float xb = p.x + width * static_cast<float>(task.last + 1) / static_cast<float>(items);
        draw->AddRect(ImVec2(xa + 1, p.y), ImVec2(std::max(xb - 1, xa + 2), p.y + cell_h), theme.bad, 2, 0, 2.5f);
      }
    if (cell_w >= em * 1.4f)
      for (int64_t x = 0; x < items; ++x) {
        const std::string label = std::to_string(x);
        draw->AddText(ImVec2(p.x + cell_w * (static_cast<float>(x) + 0.5f) - ImGui::CalcTextSize(label.c_str()).x * 0.5f,
                             p.y + (cell_h - em) * 0.5f),
                      IM_COL32(255, 255, 255, 230), label.c_str());
      }
    ImGui::Dummy(ImVec2(width, cell_h + 2));
  }
  if (!arrived.empty()) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", ctx.T(Str::kPoolArrivalOrder));
    ImGui::SameLine();
    shown = 0;
    for (const PoolPicture::Arrival* a : arrived) {
      if (++shown > 40) {
        ImGui::TextDisabled("… +%zu", arrived.size() - 40);
        break;
      }
      FlowChip(Range(a->first, a->last), LaneColor(a->worker), IM_COL32(255, 255, 255, 255));
    }
    ImGui::NewLine();
  }
  if (outcome != nullptr && at >= t1) {
    if (outcome->error.empty()) {
      std::string list;
      for (size_t i = 0; i < outcome->result.size(); ++i) {
        if (i == 40) {
          list += ", … (" + std::to_string(outcome->result.size()) + ")";
          break;
        }
        list += (i ? ", " : "") + std::to_string(outcome->result[i]);
      }
      ImGui::PushFont(ctx.fonts.mono);
      ImGui::TextWrapped("[%s]", list.c_str());
      ImGui::PopFont();
    } else {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
      const std::string& error =
          ctx.language == Language::kChinese && !outcome->error_zh.empty() ? outcome->error_zh : outcome->error;
      ImGui::TextWrapped(ctx.language == Language::kChinese ? "%s：%s" : "%s: %s", ctx.T(Str::kPoolError), error.c_str());
      ImGui::PopStyleColor();
    }
  }

  // -------------------------------------------------------------------------------- callbacks
  size_t fired = 0;
  for (const PoolCallbackFact& cb : pool.callbacks) fired += cb.t_ns <= at ? 1 : 0;
  const std::string fired_count = "(" + std::to_string(fired) + ")";
  SectionTitle(ctx, Str::kPoolCallbacks, fired_count.c_str());
  if (fired == 0) ImGui::TextDisabled("%s", ctx.T(Str::kPoolNoCallbacks));
  shown = 0;
  for (const PoolCallbackFact& cb : pool.callbacks) {
    if (cb.t_ns > at) break;
    if (++shown > 40) {
      ImGui::TextDisabled("… +%zu", fired - 40);
      break;
    }
    char text[80];
    if (cb.error) std::snprintf(text, sizeof text, "error_callback @ %.2f", facts.Ms(cb.t_ns));
    else std::snprintf(text, sizeof text, "callback(%" PRId64 ") @ %.2f", cb.value, facts.Ms(cb.t_ns));
    FlowChip(text, cb.error ? theme.bad : theme.good, cb.error ? theme.bad : theme.good, true);
  }
  ImGui::NewLine();

  // ---------------------------------------------------------------------- replaced, notes
  for (const PoolReplacementFact& r : pool.replacements) {
    if (r.dead_lane < 0 || r.dead_lane >= lanes) continue;
    const ChildFacts& dead = facts.child(r.dead_lane);
    std::string line = "w" + std::to_string(r.dead_lane + 1) + " (pid " + std::to_string(dead.record.pid) + "): " +
                       HowItEnded(dead, ctx.language);
    if (r.new_lane >= 0 && r.new_lane < lanes)
      line += " · " + std::string(ctx.T(Str::kPoolReplacedBy)) + " w" + std::to_string(r.new_lane + 1) + " (pid " +
              std::to_string(facts.child(r.new_lane).record.pid) + ")";
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.bad), "%s", line.c_str());
  }
  DrawNotes(ctx, theme.text);
  ImGui::EndChild();
}

std::unique_ptr<View> MakePoolView() { return std::make_unique<PoolView>(); }

}  // namespace proclab::gui

// Pool: what the pool does, live, from the trace: the pool's states (running, closed, terminated,
// joined), a lane per worker with its chunks as blocks labelled by their items (a worker that
// died and the one that replaced it marked as such), the task queue (chunks not yet taken), the
// results in input order as they arrive, and the callbacks that fired in the parent. Hovering the
// lanes shows all of it at that moment. After the run the outcome adds the values and errors.
//
// Sections: outcome formatting · reading the facts · drawing.
#include <imgui.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>

#include "app/gui/views/views.hpp"
#include "core/process_pool.hpp"

namespace proclab::gui {

// ------------------------------------------------------------------------ outcome formatting

std::string FormatOutcomeItem(const nlohmann::json& item) {
  char text[96];
  auto number = [](const nlohmann::json& v) {
    char t[32];
    if (v.is_number_float()) std::snprintf(t, sizeof t, "%.1f", v.get<double>());
    else std::snprintf(t, sizeof t, "%s", v.dump().c_str());
    return std::string(t);
  };
  if (item.is_string()) return item.get<std::string>();
  if (!item.is_object()) return item.is_number_float() ? number(item) : item.dump();
  if (item.contains("state")) {
    std::snprintf(text, sizeof text, "%s%s%s", item["state"].is_string() ? item["state"].get<std::string>().c_str() : "?",
                  item.contains("ms") ? " @ " : "", item.contains("ms") ? (number(item["ms"]) + " ms").c_str() : "");
    return text;
  }
  if (item.contains("first") && item.contains("last")) {
    std::string range = item["first"] == item["last"] ? number(item["first"])
                                                      : number(item["first"]) + "–" + number(item["last"]);
    if (item.contains("worker")) range += " → w" + number(item["worker"]);
    if (item.contains("ok") && item["ok"].is_boolean() && !item["ok"].get<bool>()) range += " ✗";
    return range;
  }
  if (item.contains("callback")) {
    std::string line = FormatOutcomeItem(item["callback"]);
    if (item.contains("ms")) line += " @ " + number(item["ms"]) + " ms";
    if (item.contains("values")) line += " (" + number(item["values"]) + ")";
    return line;
  }
  if (item.contains("value")) return number(item["value"]);
  std::string line = item.dump();
  if (line.size() > 60) line = line.substr(0, 57) + "...";
  return line;
}

std::string FormatOutcomeList(const nlohmann::json& list, const char* separator) {
  if (!list.is_array()) return FormatOutcomeItem(list);
  std::string line;
  size_t shown = 0;
  for (const auto& item : list) {
    if (++shown > 40) {
      line += std::string(separator) + "… (" + std::to_string(list.size()) + ")";
      break;
    }
    line += (line.empty() ? "" : separator) + FormatOutcomeItem(item);
  }
  return line;
}

// ------------------------------------------------------------------------- reading the facts

PoolFacts ReadPoolFacts(const TraceModel& model) {
  PoolFacts facts;
  // Each worker's chunks by their first item: the last item and who ran it.
  std::map<int64_t, std::pair<int64_t, int>> chunk_of;
  for (int i = 0; i < model.lanes(); ++i)
    for (const Event& e : model.lane(i).events) {
      if (e.kind == EventKind::kTaskStart) {
        chunk_of[e.a] = {e.b, i};
        facts.items = std::max(facts.items, e.b + 1);
      }
      if (e.kind == EventKind::kQueueGet) facts.task_gets.push_back(e.t_ns);  // a worker took a task
    }
  std::sort(facts.task_gets.begin(), facts.task_gets.end());
  bool closed = false;
  for (const Event& e : model.parent_events()) {
    if (e.kind == EventKind::kMessage) {
      if (e.a == kPoolStateMessage) {
        facts.states.push_back({e.t_ns, static_cast<int>(e.b)});
        closed = closed || e.b != 0;
      }
      if (e.a == kPoolCallbackMessage || e.a == kPoolErrorCallbackMessage)
        facts.callbacks.push_back({e.t_ns, e.a == kPoolErrorCallbackMessage, e.b});
      if (e.a == kPoolReplacedMessage)
        facts.replacements.push_back({e.t_ns, static_cast<int>(e.b / 65536), static_cast<int>(e.b % 65536)});
    }
    // The parent puts tasks and gets results. After close() it puts one exit task per worker
    // (no work: its trace value is 0, and chunk 0 is always the first task a job puts).
    if (e.kind == EventKind::kQueuePut) facts.task_puts.push_back({e.t_ns, e.a, closed && e.a == 0});
    if (e.kind == EventKind::kQueueGet) {
      const auto it = chunk_of.find(e.a);
      facts.arrivals.push_back({e.t_ns, e.a, it != chunk_of.end() ? it->second.first : e.a,
                                it != chunk_of.end() ? it->second.second : -1});
    }
  }
  return facts;
}

std::vector<PoolFacts::Put> PoolFacts::WaitingAt(int64_t t_ns) const {
  const size_t put = static_cast<size_t>(
      std::partition_point(task_puts.begin(), task_puts.end(), [&](const Put& p) { return p.t_ns <= t_ns; }) -
      task_puts.begin());
  const size_t taken = std::min(put, static_cast<size_t>(std::upper_bound(task_gets.begin(), task_gets.end(), t_ns) -
                                                         task_gets.begin()));
  return std::vector<Put>(task_puts.begin() + static_cast<std::ptrdiff_t>(taken),
                          task_puts.begin() + static_cast<std::ptrdiff_t>(put));
}

int PoolFacts::StateAt(int64_t t_ns) const {
  int state = -1;
  for (const State& s : states)
    if (s.t_ns <= t_ns) state = s.state;
  return state;
}

// ------------------------------------------------------------------------------------ drawing
namespace {

ImU32 WorkerColor(const Theme&, int worker) { return LaneColor(worker); }

std::string Range(int64_t first, int64_t last) {
  return first == last ? std::to_string(first) : std::to_string(first) + "–" + std::to_string(last);
}

void Title(const ViewContext& ctx, Str title, const char* extra = nullptr) {
  ImGui::PushFont(ctx.fonts.bold);
  if (extra != nullptr) ImGui::Text("%s  %s", ctx.T(title), extra);
  else ImGui::TextUnformatted(ctx.T(title));
  ImGui::PopFont();
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

}  // namespace

void PoolView::Draw(const ViewContext& ctx) {
  const TraceModel& model = ctx.model;
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  // Re-read when the trace grew; a big live run at most four times a second (a full pass).
  const bool big = model.events() > 100'000 && ctx.live && model.t0_ns() == t0_;
  if ((model.t0_ns() != t0_ || model.events() != seen_events_) && (!big || ImGui::GetTime() - read_at_ > 0.25)) {
    read_at_ = ImGui::GetTime();
    facts_ = ReadPoolFacts(model);
    t0_ = model.t0_ns();
    seen_events_ = model.events();
  }
  const PoolFacts& facts = facts_;
  ImGui::BeginChild("pool");
  ImDrawList* draw = ImGui::GetWindowDrawList();
  if (model.lanes() == 0 && ctx.result == nullptr) {
    ImGui::TextDisabled("%s", ctx.T(ctx.live ? Str::kRunning : Str::kNoRunYet));
    ImGui::EndChild();
    return;
  }
  const int64_t t0 = model.t0_ns();
  const int64_t t1 = std::max(model.last_ns(), t0 + 1);

  // ------------------------------------------------------------ worker lanes on a time axis
  // Drawn first, so a hover over them sets the moment everything below shows.
  const float label_w = std::min(ImGui::CalcTextSize("w99 · 1234567").x + em * 0.6f, ImGui::GetContentRegionAvail().x * 0.3f);
  const float lane_h = em * 1.6f;
  const ImVec2 top = ImGui::GetCursorScreenPos();
  // Leave room above the lanes for the state row (drawn after the hover time is known).
  const float states_h = em * 1.9f;
  const float lanes_y = top.y + states_h + em * 1.4f;
  const float x0 = top.x + label_w;
  // A column at the right for "replaced by" / "replaces", when a worker was replaced.
  float marks_w = 0;
  if (!facts.replacements.empty())
    marks_w = std::max(ImGui::CalcTextSize((std::string("SIGKILL · ") + ctx.T(Str::kPoolReplacedBy) + " w99").c_str()).x,
                       ImGui::CalcTextSize((std::string(ctx.T(Str::kPoolReplaces)) + " w99").c_str()).x) + em * 0.6f;
  const float lanes_w = std::max(ImGui::GetContentRegionAvail().x - label_w - marks_w, em * 4);
  WarpedAxis axis;
  axis.x0 = x0;
  axis.width = lanes_w;
  // Knots: the pool's start, each chunk's start (at most ~one per 2 px), the newest moment.
  axis.knots.push_back(facts.states.empty() ? t0 : facts.states.front().t_ns);
  {
    std::vector<int64_t> starts;
    for (int i = 0; i < model.lanes(); ++i)
      for (const TaskBlock& task : model.lane(i).tasks) starts.push_back(task.start_ns);
    std::sort(starts.begin(), starts.end());
    const size_t stride = std::max<size_t>(1, starts.size() / std::max<size_t>(1, static_cast<size_t>(lanes_w / 2)));
    for (size_t k = 0; k < starts.size(); k += stride)
      if (starts[k] > axis.knots.back()) axis.knots.push_back(starts[k]);
    if (t1 > axis.knots.back()) axis.knots.push_back(t1);
  }
  auto x_of = [&](int64_t t) { return axis.X(t); };
  std::map<int, int> replaced_by, replaces;
  for (const PoolFacts::Replacement& r : facts.replacements) {
    replaced_by[r.dead] = r.fresh;
    replaces[r.fresh] = r.dead;
  }
  const int lanes = model.lanes();
  const float lanes_h = static_cast<float>(lanes) * (lane_h + 3);
  int64_t at = t1;  // the moment shown below: the hovered time, else the newest
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool hovered = ImGui::IsWindowHovered() && mouse.x >= x0 && mouse.x < x0 + lanes_w && mouse.y >= lanes_y &&
                       mouse.y < lanes_y + lanes_h;
  if (hovered) at = axis.T(mouse.x);

  ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + states_h));
  Title(ctx, Str::kPoolWorkers);
  for (int i = 0; i < lanes; ++i) {
    const LaneModel& lane = model.lane(i);
    const float y = lanes_y + static_cast<float>(i) * (lane_h + 3);
    const ChildRecord* child = i < static_cast<int>(model.children().size()) ? &model.children()[static_cast<size_t>(i)] : nullptr;
    const bool killed = child != nullptr && child->state == ChildState::kKilled;
    const bool dead_replaced = replaced_by.count(i) > 0;
    std::string label = "w" + std::to_string(i + 1) + (child ? " · " + std::to_string(child->pid) : "");
    ImU32 label_color = theme.text;
    if (dead_replaced || (killed && facts.StateAt(t1) == 0)) label_color = theme.bad;
    draw->AddText(ImVec2(top.x, y + (lane_h - em) * 0.5f), label_color, label.c_str());
    draw->AddRectFilled(ImVec2(x0, y), ImVec2(x0 + lanes_w, y + lane_h), theme.lane_bg);
    // Chunks: skip blocks that would land on the pixel already drawn (very many small tasks).
    float last_x = -1e9f;
    for (const TaskBlock& task : lane.tasks) {
      const bool running = task.end_ns == 0 && !lane.finished;
      const bool failed = task.end_ns == 0 && lane.finished;
      const int64_t end = task.end_ns != 0 ? task.end_ns : (child && child->end_ns ? child->end_ns : t1);
      // At least most of the axis step after its start, so its items fit as a label; the
      // axis is already ordinal there (one step per chunk start), not proportional to time.
      const float step = axis.knots.size() > 1 ? lanes_w / static_cast<float>(axis.knots.size() - 1) : lanes_w;
      float a = x_of(task.start_ns), b = std::min(std::max(x_of(end), a + step * 0.8f), x0 + lanes_w);
      if (b < last_x + 1) continue;
      last_x = b;
      const ImU32 color = failed ? theme.bad : WorkerColor(theme, i);
      draw->AddRectFilled(ImVec2(a, y + 2), ImVec2(b, y + lane_h - 2), running ? (color & 0x00FFFFFF) | 0xA0000000 : color, 3);
      const std::string items = Range(task.first, task.last);
      if (ImGui::CalcTextSize(items.c_str()).x < b - a - 4)
        draw->AddText(ImVec2(a + 3, y + (lane_h - em) * 0.5f), IM_COL32(255, 255, 255, 255), items.c_str());
    }
    // A worker that died, and the one that replaced it.
    std::string mark;
    if (dead_replaced) {
      mark = std::string(child && killed ? SignalName(child->signal) + " · " : "") + ctx.T(Str::kPoolReplacedBy) + " w" +
             std::to_string(replaced_by[i] + 1);
    } else if (replaces.count(i)) {
      mark = std::string(ctx.T(Str::kPoolReplaces)) + " w" + std::to_string(replaces[i] + 1);
    }
    if (!mark.empty()) {
      const ImVec2 size = ImGui::CalcTextSize(mark.c_str());
      const float mx = x0 + lanes_w + em * 0.4f;
      (void)size;
      draw->AddText(ImVec2(mx, y + (lane_h - em) * 0.5f), replaces.count(i) ? theme.good : theme.bad, mark.c_str());
    }
    if (child != nullptr && child->end_ns != 0) {  // the end of the worker's life
      const float xe = x_of(child->end_ns);
      draw->AddLine(ImVec2(xe, y), ImVec2(xe, y + lane_h), killed ? theme.bad : theme.dim, 2);
    }
  }
  // The parent's callbacks as ticks under the lanes, and the moment shown.
  const float cb_y = lanes_y + lanes_h;
  draw->AddText(ImVec2(top.x, cb_y), theme.dim, ctx.T(Str::kParent));
  for (const PoolFacts::Callback& cb : facts.callbacks) {
    const float x = x_of(cb.t_ns);
    draw->AddTriangleFilled(ImVec2(x - em * 0.3f, cb_y + em * 0.9f), ImVec2(x + em * 0.3f, cb_y + em * 0.9f),
                            ImVec2(x, cb_y + em * 0.2f), cb.error ? theme.bad : theme.good);
  }
  if (hovered) draw->AddLine(ImVec2(mouse.x, lanes_y - 2), ImVec2(mouse.x, cb_y + em), theme.text, 1.5f);
  ImGui::SetCursorScreenPos(ImVec2(top.x, cb_y + em * 1.2f));
  ImGui::TextDisabled("%s %.3f %s%s", ctx.T(Str::kPoolAt), model.Ms(at), ctx.T(Str::kMs),
                      hovered ? "" : (std::string(" · ") + ctx.T(Str::kPoolHoverHint)).c_str());

  // ------------------------------------------------------------------------ pool states (top)
  {
    const ImVec2 keep = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(top);
    const int now_state = facts.StateAt(at);
    ImGui::AlignTextToFramePadding();
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted(ctx.T(Str::kPoolStates));
    ImGui::PopFont();
    ImGui::SameLine(0, em * 0.6f);
    for (const PoolFacts::State& s : facts.states) {
      if (s.t_ns > at) break;
      char text[64];
      // The same order as kPoolStates (core/process_pool.hpp).
      static constexpr Str kStateNames[] = {Str::kPoolStateRunning, Str::kPoolStateClosed,
                                            Str::kPoolStateTerminated, Str::kPoolStateJoined};
      std::snprintf(text, sizeof text, "%s %.2f %s", ctx.T(kStateNames[std::clamp(s.state, 0, 3)]),
                    model.Ms(s.t_ns), ctx.T(Str::kMs));
      const bool current = &s == &facts.states.back() || (&s + 1)->t_ns > at;
      FlowChip(text, current ? (s.state == 2 ? theme.bad : theme.good) : theme.dim, current ? IM_COL32(255, 255, 255, 255) : theme.text, !current);
      (void)now_state;
    }
    if (facts.states.empty()) ImGui::TextDisabled("—");
    ImGui::SetCursorScreenPos(keep);
  }

  // ------------------------------------------------------------------------------- task queue
  const std::vector<PoolFacts::Put> waiting = facts.WaitingAt(at);
  const std::string count = "(" + std::to_string(waiting.size()) + ")";
  Title(ctx, Str::kPoolTaskQueue, count.c_str());
  if (waiting.empty()) ImGui::TextDisabled("%s", ctx.T(Str::kPoolTaskQueueEmpty));
  std::map<int64_t, int64_t> last_of;
  for (int i = 0; i < lanes; ++i)
    for (const TaskBlock& task : model.lane(i).tasks) last_of[task.first] = task.last;
  size_t shown = 0;
  for (const PoolFacts::Put& put : waiting) {
    if (++shown > 48) {
      ImGui::TextDisabled("… +%zu", waiting.size() - 48);
      break;
    }
    const auto it = last_of.find(put.first);
    FlowChip(put.exit ? std::string("exit") : (it != last_of.end() ? Range(put.first, it->second) : std::to_string(put.first) + "…"),
             put.exit ? theme.dim : theme.State(LaneState::kQueueBlocked), IM_COL32(255, 255, 255, 255));
  }
  ImGui::NewLine();

  // ------------------------------------------------------------------- results in input order
  std::vector<const PoolFacts::Arrival*> arrived;
  for (const PoolFacts::Arrival& a : facts.arrivals)
    if (a.t_ns <= at) arrived.push_back(&a);
  const std::string arrived_count = "(" + std::to_string(arrived.size()) + ")";
  Title(ctx, Str::kPoolResults, arrived_count.c_str());
  int64_t items = facts.items;
  if (ctx.result != nullptr && ctx.result->params.contains("items") && ctx.result->params["items"].is_number())
    items = ctx.result->params["items"].get<int64_t>();
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
    for (const PoolFacts::Arrival* a : arrived) {
      const float xa = p.x + width * static_cast<float>(a->first) / static_cast<float>(items);
      const float xb = std::max(p.x + width * static_cast<float>(a->last + 1) / static_cast<float>(items), xa + 1);
      const size_t column = static_cast<size_t>(std::clamp(xa - p.x, 0.0f, width));
      if (xb - xa < 2 && painted[column]) continue;
      painted[column] = true;
      draw->AddRectFilled(ImVec2(xa + (cell_w > 4 ? 1 : 0), p.y), ImVec2(xb - (cell_w > 4 ? 1 : 0), p.y + cell_h),
                          WorkerColor(theme, a->worker), 2);
    }
    // Items whose worker died while running them: no result will come.
    for (int i = 0; i < lanes; ++i)
      for (const TaskBlock& task : model.lane(i).tasks)
        if (task.end_ns == 0 && model.lane(i).finished && task.start_ns <= at) {
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
    for (const PoolFacts::Arrival* a : arrived) {
      if (++shown > 40) {
        ImGui::TextDisabled("… +%zu", arrived.size() - 40);
        break;
      }
      FlowChip(Range(a->first, a->last), WorkerColor(theme, a->worker), IM_COL32(255, 255, 255, 255));
    }
    ImGui::NewLine();
  }
  if (ctx.result != nullptr && at >= t1) {
    const nlohmann::json& o = ctx.result->outcome;
    if (o.contains("result") && o["result"].is_array()) {
      ImGui::PushFont(ctx.fonts.mono);
      ImGui::TextWrapped("[%s]", FormatOutcomeList(o["result"], ", ").c_str());
      ImGui::PopFont();
    }
    if (o.contains("error") && o["error"].is_string()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
      ImGui::TextWrapped("%s: %s", ctx.T(Str::kPoolError), o["error"].get<std::string>().c_str());
      ImGui::PopStyleColor();
    }
  }

  // -------------------------------------------------------------------------------- callbacks
  size_t fired = 0;
  for (const PoolFacts::Callback& cb : facts.callbacks) fired += cb.t_ns <= at ? 1 : 0;
  const std::string fired_count = "(" + std::to_string(fired) + ")";
  Title(ctx, Str::kPoolCallbacks, fired_count.c_str());
  if (fired == 0) ImGui::TextDisabled("%s", ctx.T(Str::kPoolNoCallbacks));
  shown = 0;
  for (const PoolFacts::Callback& cb : facts.callbacks) {
    if (cb.t_ns > at) break;
    if (++shown > 40) {
      ImGui::TextDisabled("… +%zu", fired - 40);
      break;
    }
    char text[80];
    if (cb.error) std::snprintf(text, sizeof text, "error_callback @ %.2f", model.Ms(cb.t_ns));
    else std::snprintf(text, sizeof text, "callback(%" PRId64 ") @ %.2f", cb.value, model.Ms(cb.t_ns));
    FlowChip(text, cb.error ? theme.bad : theme.good, cb.error ? theme.bad : theme.good, true);
  }
  ImGui::NewLine();

  // ---------------------------------------------------------------------- replaced, notes
  if (ctx.result != nullptr) {
    const nlohmann::json& o = ctx.result->outcome;
    if (o.contains("replacements") && o["replacements"].is_array())
      for (const auto& line : o["replacements"])
        if (line.is_string()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.bad), "%s", line.get<std::string>().c_str());
    for (const RunNote& note : ctx.result->notes)
      ImGui::TextWrapped("%s", note.In(ctx.language).c_str());
  }
  ImGui::EndChild();
}

}  // namespace proclab::gui

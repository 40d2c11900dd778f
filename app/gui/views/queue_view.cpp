// Queue: the queue drawn as slots between the producers and the consumer, replayed one put or
// get per step from the queue's facts, so a run that took microseconds can be watched.
//
// Sections: taking in the facts · order comparison · drawing (diagram, order, replay controls,
// depth, outcome).
#include "app/gui/views/queue_view.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "app/gui/markdown/markdown_view.hpp"
#include "core/clock.hpp"
#include "lessons/queue.hpp"

namespace proclab::gui {
namespace {

// Above this many puts and gets the replay would be too long to watch and too slow to rebuild
// each frame: the view shows the depth and the count of items left only.
constexpr size_t kMaxReplayOps = 50'000;

const QueueFacts* ShownQueue(const ShownRun& run) {
  if (run.empty() || run.facts->queues().empty()) return nullptr;
  return &run.facts->queues().begin()->second;  // a queue lesson has one queue
}

}  // namespace

// ------------------------------------------------------------------------ taking in the facts

void QueueView::Rebuild(const ShownRun& run) {
  const QueueFacts* queue = ShownQueue(run);
  const RunFacts* facts = run.facts;
  const bool other = facts != source_ || (facts != nullptr && (facts->t0_ns() != source_t0_ || facts->final() != source_final_));
  if (other) {
    source_ = facts;
    source_t0_ = facts != nullptr ? facts->t0_ns() : -1;
    source_final_ = facts != nullptr && facts->final();
    seen_ops_ = SIZE_MAX;
    if (facts == nullptr || !facts->final()) Replay();  // a new run: replay from its start
  }
  const size_t ops = queue != nullptr ? queue->puts().size() + queue->gets().size() : 0;
  const size_t blocks = queue != nullptr ? queue->blocked.size() : 0;
  if (ops == seen_ops_ && blocks == seen_blocks_ && (queue == nullptr || queue->id == queue_)) return;
  seen_ops_ = ops;
  seen_blocks_ = blocks;
  queue_ = queue != nullptr ? queue->id : 0;
  trips_.clear();
  steps_.clear();
  too_many_ = ops > kMaxReplayOps;
  if (queue == nullptr || too_many_) return;
  for (const QueueItemTrip& trip : queue->Trips()) trips_.push_back(QueueTrip{trip});
  steps_ = queue->Steps();
  for (size_t k = 0; k < steps_.size(); ++k) {
    QueueTrip& trip = trips_[steps_[k].trip];
    (steps_[k].get ? trip.get_step : trip.put_step) = static_cast<int>(k);
  }
  playhead_ = std::min(playhead_, static_cast<double>(steps_.size()));
}

int64_t QueueView::entered() const {
  const int done = static_cast<int>(std::floor(playhead_));
  return std::count_if(trips_.begin(), trips_.end(), [&](const QueueTrip& t) { return t.put_step < done; });
}

int64_t QueueView::delivered() const {
  const int done = static_cast<int>(std::floor(playhead_));
  return std::count_if(trips_.begin(), trips_.end(),
                       [&](const QueueTrip& t) { return t.get_step >= 0 && t.get_step < done; });
}

std::vector<int64_t> QueueView::DeliveredOrder() const {
  std::vector<int64_t> order;
  for (const QueueTrip& trip : trips_)
    if (trip.get_ns != 0) order.push_back(trip.value);
  return order;
}

// ---------------------------------------------------------------------------- order comparison

OrderComparison CompareOrder(const std::string& guess_text, const std::vector<int64_t>& actual) {
  OrderComparison out;
  out.actual = actual;
  const char* p = guess_text.c_str();
  out.parsed = true;
  while (*p != '\0') {
    if (*p == ' ' || *p == ',' || *p == ';' || *p == '\t' || *p == '\n') {
      ++p;
      continue;
    }
    char* end = nullptr;
    const long long value = std::strtoll(p, &end, 10);
    if (end == p) {
      out.parsed = false;
      break;
    }
    out.guess.push_back(value);
    p = end;
  }
  if (out.guess.empty()) out.parsed = false;
  for (size_t i = 0; i < std::min(out.guess.size(), actual.size()); ++i)
    if (out.guess[i] == actual[i]) ++out.same_position;
  return out;
}

void QueueView::DrawPrediction(const ViewContext& ctx) {
  std::string& guess = guesses_[std::string(ctx.lesson.id)];
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "%s", guess.c_str());
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(ctx.T(Str::kPredictOrder));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 9, ImGui::GetFontSize() * 8));
  if (ImGui::InputTextWithHint("##order_guess", ctx.T(Str::kPredictOrderHint), buffer, sizeof buffer)) guess = buffer;
  if (guess.empty() || ctx.run.result == nullptr) return;
  Rebuild(ctx.run);  // the queue tab may not have been drawn since the run
  const OrderComparison cmp = CompareOrder(guess, DeliveredOrder());
  ImGui::SameLine();
  const bool all = cmp.parsed && cmp.same_position == cmp.actual.size() && cmp.guess.size() == cmp.actual.size();
  if (!cmp.parsed)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ctx.theme.warn), "?");
  else
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(all ? ctx.theme.good : ctx.theme.warn), "%zu / %zu",
                       cmp.same_position, cmp.actual.size());
}

// ----------------------------------------------------------------------------------- drawing

namespace {

void Chip(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color, const char* label, bool outline = false) {
  if (outline) draw->AddRect(min, max, color, 4, 0, 2.0f);
  else draw->AddRectFilled(min, max, color, 4);
  const ImVec2 size = ImGui::CalcTextSize(label);
  // The label fades with its chip (a fading chip left its number behind on the consumer's box).
  if (size.x < max.x - min.x - 2)
    draw->AddText(ImVec2((min.x + max.x - size.x) * 0.5f, (min.y + max.y - size.y) * 0.5f),
                  outline ? color : (IM_COL32(255, 255, 255, 0) | (color & IM_COL32(0, 0, 0, 255))), label);
}

// A row of value chips that wraps; `color(i)` picks each chip's colour.
template <class ColorOf>
void ChipRow(const std::vector<int64_t>& values, size_t limit, ColorOf color, bool outline = false) {
  const float em = ImGui::GetFontSize();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  const float left = ImGui::GetCursorScreenPos().x;
  ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = em * 1.5f;
  for (size_t i = 0; i < values.size() && i < limit; ++i) {
    const std::string label = std::to_string(values[i]);
    const float w = std::max(ImGui::CalcTextSize(label.c_str()).x + em * 0.6f, em * 1.6f);
    if (p.x + w > right && p.x > left) p = ImVec2(left, p.y + h + 3);
    Chip(draw, p, ImVec2(p.x + w, p.y + h), color(i), label.c_str(), outline);
    p.x += w + 3;
  }
  if (values.size() > limit) {
    const std::string more = "… +" + std::to_string(values.size() - limit);
    draw->AddText(ImVec2(p.x + 2, p.y + (h - em) * 0.5f), ImGui::GetColorU32(ImGuiCol_TextDisabled), more.c_str());
  }
  ImGui::SetCursorScreenPos(ImVec2(left, p.y + h + 4));
  ImGui::Dummy(ImVec2(1, 1));
}

float Ease(float f) { return f * f * (3 - 2 * f); }

ImVec2 Lerp(ImVec2 a, ImVec2 b, float f) { return ImVec2(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f); }

// A put waiting on a full queue at `t_ns` (a span still open lasts until now).
bool IsBlockedFull(const QueueFacts& queue, int lane, int64_t t_ns) {
  for (const QueueBlockSpan& span : queue.blocked)
    if (span.lane == lane && span.full && span.begin_ns <= t_ns && (span.end_ns == 0 || t_ns < span.end_ns)) return true;
  return false;
}

void DepthPlot(const ViewContext& ctx, const QueueFacts& queue, int64_t capacity, int64_t playhead_ns) {
  const RunFacts& facts = *ctx.run.facts;
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  char remark[64];
  if (capacity > 0)
    std::snprintf(remark, sizeof remark, "(%s %" PRId64 " / %" PRId64 ")", ctx.T(Str::kMaxDepth), queue.max_depth, capacity);
  else
    std::snprintf(remark, sizeof remark, "(%s %" PRId64 ")", ctx.T(Str::kMaxDepth), queue.max_depth);
  SectionTitle(ctx, Str::kQueueDepth, remark);
  const float width = ImGui::GetContentRegionAvail().x;
  const float plot_h = em * 4.5f;
  const ImVec2 q = ImGui::GetCursorScreenPos();
  draw->AddRectFilled(q, ImVec2(q.x + width, q.y + plot_h), theme.lane_bg);
  // The time the queue was in use (the run's start-up before the first put is left out).
  const auto& puts = queue.puts();
  const auto& gets = queue.gets();
  const int64_t t0 = puts.empty() ? facts.t0_ns() : puts.front().t_ns;
  const int64_t t1 = std::max(facts.last_ns(), t0 + 1);
  const int columns = std::max(1, static_cast<int>(width));
  const float top = static_cast<float>(std::max<int64_t>(queue.max_depth, 1));
  // Per column: the deepest the queue got in it (a walk over the puts and gets in time order).
  size_t p = 0, g = 0;
  int64_t current = 0;
  for (int c = 0; c < columns && !puts.empty(); ++c) {
    const int64_t end = t0 + (t1 - t0) * (c + 1) / columns;
    int64_t deepest = current;
    while (true) {
      const bool put_next = p < puts.size() && puts[p].t_ns < end && (g >= gets.size() || puts[p].t_ns <= gets[g].t_ns);
      const bool get_next = !put_next && g < gets.size() && gets[g].t_ns < end;
      if (!put_next && !get_next) break;
      current = put_next ? puts[p++].depth_after : gets[g++].depth_after;
      deepest = std::max(deepest, current);
    }
    const float h = plot_h * static_cast<float>(deepest) / top;
    if (h > 0)
      draw->AddLine(ImVec2(q.x + c + 0.5f, q.y + plot_h), ImVec2(q.x + c + 0.5f, q.y + plot_h - h), theme.actual);
  }
  if (capacity > 0 && queue.max_depth >= capacity)
    draw->AddLine(ImVec2(q.x, q.y + 1), ImVec2(q.x + width, q.y + 1), theme.bad, 1.5f);
  if (playhead_ns >= t0) {
    const float x = q.x + width * static_cast<float>(static_cast<double>(playhead_ns - t0) / static_cast<double>(t1 - t0));
    draw->AddLine(ImVec2(x, q.y), ImVec2(x, q.y + plot_h), theme.text, 1.5f);
  }
  char label[64];
  std::snprintf(label, sizeof label, "%.3f – %.3f %s", facts.Ms(t0), facts.Ms(t1), ctx.T(Str::kMs));
  draw->AddText(ImVec2(q.x + width - ImGui::CalcTextSize(label).x - 4, q.y + 2), theme.dim, label);
  ImGui::Dummy(ImVec2(width, plot_h + em * 0.3f));
}

}  // namespace

void QueueView::Draw(const ViewContext& ctx) {
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  Rebuild(ctx.run);
  ImGui::BeginChild("queue");
  const QueueFacts* queue = ShownQueue(ctx.run);
  if (queue == nullptr) {
    ImGui::TextDisabled("%s", ctx.T(ctx.busy || ctx.run.live ? Str::kRunning : Str::kNoRunYet));
    ImGui::EndChild();
    return;
  }
  const RunFacts& facts = *ctx.run.facts;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const QueueOutcome* outcome = ctx.run.Outcome<QueueOutcome>();
  const int64_t capacity = outcome != nullptr ? outcome->capacity : 0;

  // The replay clock: about 4 steps a second for a short run, at most ~10 s for a long one;
  // while the run is live it catches up with the newest event.
  const double now = ImGui::GetTime();
  const double dt = last_time_ < 0 ? 0 : std::min(now - last_time_, 0.1);
  last_time_ = now;
  const double n = static_cast<double>(steps_.size());
  // Command-line screenshots: the moment the queue held the most items (not the empty end).
  if (ctx.instant) {
    int depth = 0, best = 0;
    playhead_ = 0;
    playing_ = false;
    for (size_t i = 0; i < steps_.size(); ++i) {
      depth += steps_[i].get ? -1 : 1;
      if (depth > best) best = depth, playhead_ = static_cast<double>(i + 1);
    }
  }
  if (playing_ && playhead_ < n) {
    double rate = std::max(4.0, n / 10.0);
    if (ctx.run.live) rate = std::max(rate, (n - playhead_) * 1.5);
    playhead_ = std::min(n, playhead_ + dt * rate);
  }
  const int k = static_cast<int>(std::floor(playhead_));
  const float f = k < static_cast<int>(steps_.size()) ? Ease(static_cast<float>(playhead_ - k)) : 0.0f;
  const bool at_end = k >= static_cast<int>(steps_.size());
  int64_t playhead_ns = steps_.empty() ? facts.t0_ns() : steps_[static_cast<size_t>(std::min(k, static_cast<int>(steps_.size()) - 1))].t_ns;
  if (at_end) playhead_ns = std::max(playhead_ns, facts.last_ns());

  // ----------------------------------------------------------------- the diagram
  std::vector<int> producers;
  for (const QueueTrip& trip : trips_)
    if (std::find(producers.begin(), producers.end(), trip.producer) == producers.end()) producers.push_back(trip.producer);
  std::sort(producers.begin(), producers.end());
  int consumer = kParentFactLane;
  for (const QueueTrip& trip : trips_)
    if (trip.get_ns != 0) consumer = trip.consumer;

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  // Wide enough for "blocked: queue full" and "child 2 · 12345", narrow enough to leave the slots room.
  const float label_w = std::max(ImGui::CalcTextSize(ctx.T(Str::kQueueBlockedFull)).x,
                                 ImGui::CalcTextSize((LaneLabel(ctx, 1) + " · 1234567").c_str()).x);
  const float box_w = std::min(label_w + em * 0.9f, width * 0.3f);
  const float box_h = em * 2.9f;
  const float gap = em * 0.4f;
  const float rows_h = std::max<float>(static_cast<float>(std::max<size_t>(producers.size(), 1)) * (box_h + gap), box_h + gap);
  const float slot_h = em * 2.2f;
  const float mid_y = origin.y + rows_h * 0.5f;
  const float slots_left = origin.x + box_w + em * 1.2f;
  const float slots_right = origin.x + width - box_w - em * 1.2f;
  // The slots stay between the boxes however narrow the view (they used to reach into the
  // producers' boxes below 4 em).
  const float slots_w = std::max(slots_right - slots_left, 1.0f);
  const int64_t used = std::max<int64_t>({queue->max_depth, int64_t{4}});
  const int64_t wanted = capacity > 0 ? std::min(capacity, std::max<int64_t>(used, 4)) : used;
  const int visible = static_cast<int>(std::clamp<int64_t>(
      std::min<int64_t>(wanted, static_cast<int64_t>(slots_w / (em * 1.9f))), 1, 40));
  const float slot_w = std::min(slots_w / static_cast<float>(visible), em * 3.4f);
  auto slot_min = [&](float pos) {  // position 0 is the head, drawn at the right
    return ImVec2(slots_right - slot_w * (pos + 1) + 2, mid_y - slot_h * 0.5f);
  };

  shown_ = Shown{};
  shown_.consumer = {ImVec2(origin.x + width - box_w, mid_y - box_h * 0.5f), ImVec2(origin.x + width, mid_y + box_h * 0.5f)};
  // Slots.
  for (int i = 0; i < visible; ++i) {
    const ImVec2 a = slot_min(static_cast<float>(i));
    draw->AddRect(a, ImVec2(a.x + slot_w - 4, a.y + slot_h), theme.dim, 3, 0, 1.5f);
  }
  // "front" under the head, "back" under the tail, when both fit without touching.
  const float front_x = slots_right - ImGui::CalcTextSize(ctx.T(Str::kQueueFront)).x - 2;
  const float back_x = slot_min(static_cast<float>(visible - 1)).x;
  draw->AddText(ImVec2(front_x, mid_y + slot_h * 0.5f + 2), theme.dim, ctx.T(Str::kQueueFront));
  if (back_x + ImGui::CalcTextSize(ctx.T(Str::kQueueBack)).x + em < front_x)
    draw->AddText(ImVec2(back_x, mid_y + slot_h * 0.5f + 2), theme.dim, ctx.T(Str::kQueueBack));
  // Arrows in and out.
  draw->AddTriangleFilled(ImVec2(slots_right + em * 0.3f, mid_y - em * 0.4f), ImVec2(slots_right + em * 0.3f, mid_y + em * 0.4f),
                          ImVec2(slots_right + em * 0.9f, mid_y), theme.dim);

  // Producer boxes, with "blocked" when put is waiting on a full queue at the playhead.
  std::vector<ImVec2> producer_out(producers.size());
  for (size_t p = 0; p < producers.size(); ++p) {
    const ImVec2 a(origin.x, origin.y + static_cast<float>(p) * (box_h + gap));
    const ImVec2 b(a.x + box_w, a.y + box_h);
    const bool blocked = IsBlockedFull(*queue, producers[p], playhead_ns);
    const ImU32 color = LaneColor(producers[p]);
    draw->AddRectFilled(a, b, theme.panel_bg, 4);
    draw->AddRect(a, b, blocked ? theme.State(LaneState::kQueueBlocked) : color, 4, 0, blocked ? 3.0f : 1.5f);
    int64_t put = 0;
    for (const QueueTrip& trip : trips_)
      if (trip.producer == producers[p] && trip.put_step < k) ++put;
    std::string title = LaneLabel(ctx, producers[p]);
    if (producers[p] >= 0 && producers[p] < facts.children())
      title += " · " + std::to_string(facts.child(producers[p]).record.pid);
    draw->AddText(ImVec2(a.x + em * 0.4f, a.y + em * 0.2f), color, title.c_str());
    const std::string line = blocked ? std::string(ctx.T(Str::kQueueBlockedFull))
                                     : std::string(ctx.T(Str::kQueuePutCount)) + " " + std::to_string(put);
    draw->AddText(ImVec2(a.x + em * 0.4f, a.y + em * 1.45f),
                  blocked ? theme.State(LaneState::kQueueBlocked) : theme.dim, line.c_str());
    producer_out[p] = ImVec2(b.x + em * 0.2f, (a.y + b.y) * 0.5f);
    shown_.producers.push_back({a, b});
  }

  // Consumer box.
  const ImVec2 ca(origin.x + width - box_w, mid_y - box_h * 0.5f);
  const ImVec2 cb(origin.x + width, mid_y + box_h * 0.5f);
  draw->AddRectFilled(ca, cb, theme.panel_bg, 4);
  draw->AddRect(ca, cb, theme.text, 4, 0, 1.5f);
  const std::string consumer_title = LaneLabel(ctx, consumer) + " · get";
  draw->AddText(ImVec2(ca.x + em * 0.4f, ca.y + em * 0.2f), theme.text, consumer_title.c_str());
  const std::string got = std::string(ctx.T(Str::kQueueGotCount)) + " " + std::to_string(delivered());
  draw->AddText(ImVec2(ca.x + em * 0.4f, ca.y + em * 1.45f), theme.dim, got.c_str());

  // Items: those in the queue at the playhead, the one flying in, the one flying out. Gets and
  // puts are both in FIFO order, so the items in the queue are one contiguous range of trips.
  const auto first_not_got = std::partition_point(trips_.begin(), trips_.end(), [&](const QueueTrip& t) {
    return t.get_step >= 0 && t.get_step < k;
  });
  const auto first_not_put = std::partition_point(trips_.begin(), trips_.end(), [&](const QueueTrip& t) {
    return t.put_step < k;
  });
  const int got_done = static_cast<int>(first_not_got - trips_.begin());
  const int put_done = static_cast<int>(first_not_put - trips_.begin());
  const bool flying_out = got_done < static_cast<int>(trips_.size()) && trips_[static_cast<size_t>(got_done)].get_step == k;
  const float shift = flying_out ? f : 0.0f;
  auto item_at = [&](const QueueTrip& trip, ImVec2 min, float alpha = 1.0f) {
    const std::string label = std::to_string(trip.value);
    const ImU32 color = (LaneColor(trip.producer) & 0x00FFFFFF) |
                        (static_cast<ImU32>(255 * std::clamp(alpha, 0.0f, 1.0f)) << 24);
    Chip(draw, ImVec2(min.x + 2, min.y + 2), ImVec2(min.x + slot_w - 6, min.y + slot_h - 2), color, label.c_str());
    if (alpha > 0) shown_.chips.push_back({ImVec2(min.x + 2, min.y + 2), ImVec2(min.x + slot_w - 6, min.y + slot_h - 2)});
  };
  for (int i = got_done + (flying_out ? 1 : 0); i < put_done; ++i) {
    const float pos = static_cast<float>(i - got_done) - shift;
    if (pos >= static_cast<float>(visible)) break;
    // One from beyond the last visible slot fades in at it (sliding in, it reached past the
    // slots into the producers' boxes).
    const float last = static_cast<float>(visible - 1);
    item_at(trips_[static_cast<size_t>(i)], slot_min(std::min(pos, last)), pos > last ? 1.0f - (pos - last) : 1.0f);
  }
  if (put_done - got_done > visible) {
    // Above the tail slot: to its left it ran into the producers' boxes.
    const std::string more = "+" + std::to_string(put_done - got_done - visible);
    const ImVec2 tail = slot_min(static_cast<float>(visible - 1));
    draw->AddText(ImVec2(tail.x, tail.y - em - 2), theme.warn, more.c_str());
  }
  if (flying_out) {
    const ImVec2 from = slot_min(0);
    // Up to the consumer's box, fading as it arrives; never over the box (it hid its text).
    const ImVec2 to(std::max(ca.x - slot_w + 4, from.x), mid_y - slot_h * 0.5f);
    item_at(trips_[static_cast<size_t>(got_done)], Lerp(from, to, f), f < 0.6f ? 1.0f : (1.0f - f) / 0.4f);
  }
  if (put_done < static_cast<int>(trips_.size()) && trips_[static_cast<size_t>(put_done)].put_step == k) {
    const QueueTrip& trip = trips_[static_cast<size_t>(put_done)];
    const size_t p = static_cast<size_t>(std::find(producers.begin(), producers.end(), trip.producer) - producers.begin());
    // From the producer's box edge (it used to start half inside the box).
    const ImVec2 from(producer_out[p].x - 2, producer_out[p].y - slot_h * 0.5f);
    const float place = static_cast<float>(put_done - got_done) - shift;
    const float target = std::min(place, static_cast<float>(visible - 1));
    // Into a hidden slot (the "+N"): it fades as it lands, not covering the tail's item.
    item_at(trip, Lerp(from, slot_min(target), f), place > static_cast<float>(visible - 1) ? 1.0f - f : 1.0f);
  }
  ImGui::Dummy(ImVec2(width, rows_h + em * 1.2f));

  // ------------------------------------------------------- replay controls and what happens now
  if (!steps_.empty()) {
    if (ImGui::SmallButton((std::string(ctx.T(Str::kReplay)) + "###replay").c_str())) Replay();
    ImGui::SameLine();
    if (ImGui::SmallButton((std::string(playing_ && !at_end ? ctx.T(Str::kPause) : ctx.T(Str::kPlay)) + "###play").c_str())) {
      if (at_end) Replay();
      else playing_ = !playing_;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton((std::string(ctx.T(Str::kToEnd)) + "###end").c_str())) SkipToEnd();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(em * 6, ImGui::GetContentRegionAvail().x * 0.3f));
    float position = static_cast<float>(playhead_);
    if (ImGui::SliderFloat("##replay_at", &position, 0, static_cast<float>(n), "")) {
      playhead_ = position;
      playing_ = false;
    }
    ImGui::SameLine();
    // The newest step taken (the first one while nothing has happened yet).
    const QueueFacts::Step& step = steps_[static_cast<size_t>(std::clamp(k - 1, 0, static_cast<int>(steps_.size()) - 1))];
    const QueueTrip& trip = trips_[step.trip];
    ImGui::TextDisabled("%d/%zu · %.3f %s · %s %s %" PRId64, std::min(k, static_cast<int>(steps_.size())), steps_.size(),
                        facts.Ms(step.t_ns), ctx.T(Str::kMs),
                        LaneLabel(ctx, step.get ? trip.consumer : trip.producer).c_str(), step.get ? "get" : "put", trip.value);
  } else if (too_many_) {
    ImGui::TextDisabled("%s", ctx.T(Str::kReplayTooMany));
  }

  // The join-before-drain stall in words, as soon as the parent reports it (live or after).
  stall_shown_ = false;
  for (const StallFact& stall : facts.stalls())
    stall_shown_ = stall_shown_ || (stall.cause == StallCause::kQueueFullNoGet && stall.object == queue->id);
  if (stall_shown_) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextWrapped("%s", ctx.T(Str::kQueueStallTitle));
    ImGui::PopFont();
    ImGui::PopStyleColor();
    DrawWrappedText(ctx.T(Str::kQueueStallExplained), ctx.fonts, theme.text);  // breaks Chinese too
  }

  // ---------------------------------------------------------------- the order, and the guess
  std::vector<int64_t> order;
  std::vector<int> order_lane;
  for (int i = 0; i < got_done; ++i) {
    order.push_back(trips_[static_cast<size_t>(i)].value);
    order_lane.push_back(trips_[static_cast<size_t>(i)].producer);
  }
  if (!order.empty() || ctx.run.result != nullptr) {
    SectionTitle(ctx, Str::kQueueOrderReceived);
    if (order.empty()) ImGui::TextDisabled("—");
    else ChipRow(order, 60, [&](size_t i) { return LaneColor(order_lane[i]); });
  }
  const std::string& guess = guesses_[std::string(ctx.lesson.id)];
  if (!guess.empty() && ctx.run.result != nullptr) {
    const std::vector<int64_t> actual = DeliveredOrder();
    const OrderComparison cmp = CompareOrder(guess, actual);
    SectionTitle(ctx, Str::kQueueOrderGuess);
    if (!cmp.parsed) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.warn), "%s", ctx.T(Str::kGuessNotNumbers));
    } else {
      ChipRow(cmp.guess, 60, [&](size_t i) {
        return i < actual.size() && cmp.guess[i] == actual[i] ? theme.good : theme.bad;
      }, true);
      const bool all = cmp.same_position == actual.size() && cmp.guess.size() == actual.size();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(all ? theme.good : theme.warn), "%s %zu / %zu",
                         ctx.T(Str::kOrderSamePositions), cmp.same_position, actual.size());
      if (!all) DrawWrappedText(ctx.T(Str::kOrderLesson), ctx.fonts, theme.text);
    }
  }

  // -------------------------------------------------------------------- depth, blocked, notes
  DepthPlot(ctx, *queue, capacity, steps_.empty() ? -1 : playhead_ns);
  if (too_many_)
    ImGui::Text("%s: %zu", ctx.T(Str::kQueueSlots), queue->puts().size() - std::min(queue->puts().size(), queue->gets().size()));
  if (!ctx.run.live) {
    queue->lanes.ForEach([&](int lane, const QueueFacts::PerLane& mine) {
      if (mine.puts == 0 || queue->BlockedFullNs(lane) == 0) return;  // only who really waited
      char text[160];
      std::snprintf(text, sizeof text, ctx.T(Str::kQueueBlockedFor), LaneLabel(ctx, lane).c_str(),
                    NsToMs(queue->BlockedFullNs(lane)));
      ImGui::TextWrapped("%s", text);
    });
  }
  DrawNotes(ctx, theme.warn);
  ImGui::EndChild();
}

std::unique_ptr<View> MakeQueueView() { return std::make_unique<QueueView>(); }

}  // namespace proclab::gui

// Locks: one row per lock over time (holder and waiters), the time each child waited for and
// held each lock, a stall on a lock, and a deadlock's cycle as a graph with its explanation.
//
// Sections: words · stall and deadlock, then rows · per child · the cycle.
#include "app/gui/views/locks_view.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "app/gui/markdown/markdown_view.hpp"
#include "core/clock.hpp"
#include "core/facts/explain.hpp"

namespace proclab::gui {
namespace {

// ------------------------------------------------------------------------------------ words
// This view keeps its words to itself (texts()), in both languages.
enum Text : size_t {
  kTitle,
  kNoLocks,
  kHolderLegend,
  kWaitingLegend,
  kDiedLegend,
  kHeldBy,
  kNobody,
  kWaiting,
  kTotals,
  kPerChild,
  kWaited,
  kHeld,
  kTimes,
  kDeadlockTitle,
  kWaitsFor,
  kHeldByEdge,
  kStalled,
  kAt,
  kDiedHolding,
  kRecovered,
  kTextCount
};
constexpr LocalText kTexts[kTextCount] = {
    {"Locks", "锁"},
    {"This run takes no lock.", "这次运行没有用到锁。"},
    {"holder (the child's colour)", "持有者（子进程的颜色）"},
    {"waiting (one thin strip per child)", "等待者（每个子进程一条细线）"},
    {"died holding it", "持有时死亡"},
    {"held by", "持有者："},
    {"nobody holds it", "无人持有"},
    {"waiting:", "等待者："},
    {"taken %lld× · waited %.2f ms · held %.2f ms in all", "被获取 %lld 次 · 共等待 %.2f 毫秒 · 共持有 %.2f 毫秒"},
    {"Wait and hold time per child", "每个子进程的等待与持有时间"},
    {"waited", "等待"},
    {"held", "持有"},
    {"×", "次"},
    {"Deadlock: each process waits for a lock the next one holds", "死锁：每个进程都在等下一个进程持有的锁"},
    {"waits for", "等待"},
    {"held by", "被持有"},
    {"Stalled at %s: nothing moved for %lld ms.", "在 %s 卡住：%lld 毫秒内没有任何进展。"},
    {"at", "时刻"},
    {"%s died holding %s at %s", "%1$s 在 %3$s 持有 %2$s 时死亡"},
    {"%s was told (EOWNERDEAD) and recovered it.", "%s 得知此事（EOWNERDEAD）并恢复了这把锁。"},
};

const char* Say(const ViewContext& ctx, Text text) { return kTexts[text].In(ctx.language).data(); }

std::string Lanes(const ViewContext& ctx, const std::vector<int>& lanes) {
  std::string out;
  for (int lane : lanes) out += (out.empty() ? "" : ", ") + LaneLabel(ctx, lane);
  return out;
}

}  // namespace

const char* LocksView::Title(Language language) const { return kTexts[kTitle].In(language).data(); }

std::span<const LocalText> LocksView::texts() const { return kTexts; }

int LocksView::HolderShownAt(uint32_t lock, int64_t t_ns) const {
  const auto it = timelines_.find(lock);
  return it == timelines_.end() ? kNoLane : it->second.HolderAt(t_ns, now_ns_);
}

// ------------------------------------------------------------------------------------- rows

void LocksView::Draw(const ViewContext& ctx) {
  shown_ = Shown{};
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  ImGui::BeginChild("locks");
  if (ctx.run.empty()) {
    ImGui::TextDisabled("%s", ctx.T(ctx.busy ? Str::kRunning : Str::kNoRunYet));
    ImGui::EndChild();
    return;
  }
  const RunFacts& facts = *ctx.run.facts;
  if (&facts != source_ || facts.t0_ns() != source_t0_ || facts.final() != source_final_) {
    timelines_.clear();  // another run, or the finished run's final facts
    source_ = &facts;
    source_t0_ = facts.t0_ns();
    source_final_ = facts.final();
  }
  if (facts.locks().empty()) {
    ImGui::TextDisabled("%s", Say(ctx, kNoLocks));
    ImGui::EndChild();
    return;
  }
  now_ns_ = facts.last_ns();
  ImDrawList* draw = ImGui::GetWindowDrawList();

  // ------------------------------------------- first what went wrong: a stall or a deadlock
  for (const auto& [id, lock] : facts.locks()) timelines_[id].Update(lock);
  std::optional<Deadlock> deadlock;
  for (const StallFact& stall : facts.stalls()) {
    if (stall.cause == StallCause::kDeadlock && stall.deadlock) {
      deadlock = stall.deadlock;
      continue;
    }
    if (facts.lock(stall.object) == nullptr || stall.cause != StallCause::kNoProgress) continue;
    char text[160];
    std::snprintf(text, sizeof text, Say(ctx, kStalled), MsText(facts, stall.t_ns, 1, ctx.language).c_str(),
                  static_cast<long long>(stall.quiet_ms));
    const LockTimeline& timeline = timelines_[stall.object];
    const int holder = timeline.HolderAt(stall.t_ns, now_ns_);
    const std::vector<int> waiters = timeline.WaitersAt(stall.t_ns, now_ns_);
    std::string line = std::string(text) + " " + LockName(facts, stall.object, ctx.language) + ": " +
                       (holder == kNoLane ? Say(ctx, kNobody) : std::string(Say(ctx, kHeldBy)) + " " + LaneLabel(ctx, holder));
    if (!waiters.empty()) line += "; " + std::string(Say(ctx, kWaiting)) + " " + Lanes(ctx, waiters);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextWrapped("%s", line.c_str());
    ImGui::PopFont();
    ImGui::PopStyleColor();
  }
  if (!deadlock && ctx.run.live) deadlock = facts.FindDeadlock();  // as it forms, before the parent says so
  if (deadlock) DrawCycle(ctx, *deadlock);

  // Legend: the children's colours, then what the strips and marks mean.
  for (int i = 0; i < facts.children(); ++i) {
    if (i > 0) ImGui::SameLine(0, em * 0.8f);
    const ImVec2 q = ImGui::GetCursorScreenPos();
    const float box = em * 0.7f;
    draw->AddRectFilled(ImVec2(q.x, q.y + (em - box) * 0.5f + 2), ImVec2(q.x + box, q.y + (em + box) * 0.5f + 2),
                        LaneColor(i), 2);
    ImGui::Dummy(ImVec2(box, em));
    ImGui::SameLine(0, em * 0.3f);
    ImGui::TextUnformatted(LaneLabel(ctx, i).c_str());
  }
  ImGui::TextDisabled("%s · %s · × %s", Say(ctx, kHolderLegend), Say(ctx, kWaitingLegend), Say(ctx, kDiedLegend));

  const float width = ImGui::GetContentRegionAvail().x;
  const float label_w = std::min(em * 6.5f, width * 0.25f);
  const float track_w = std::max(width - label_w - em * 0.5f, em * 4);
  const int columns = static_cast<int>(track_w);
  const int64_t t0 = facts.t0_ns();
  const int64_t t1 = std::max(now_ns_, t0 + 1);
  auto x_of = [&](float x0, int64_t t) {
    return x0 + track_w * static_cast<float>(static_cast<double>(t - t0) / static_cast<double>(t1 - t0));
  };
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (const auto& [id, lock] : facts.locks()) {
    if ((id & kQueueLockBit) != 0) continue;  // a queue's own lock: the queue's business
    LockTimeline& timeline = timelines_[id];
    timeline.Update(lock);
    Row row{id, LockName(facts, id, ctx.language)};
    // Its line in words: who holds it now and who waits (live), or its totals.
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted(row.name.c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    if (ctx.run.live) {
      const int holder = lock.Holder();
      const std::vector<int> waiters = lock.Waiters();
      std::string line = holder == kNoLane ? std::string(Say(ctx, kNobody))
                                           : std::string(Say(ctx, kHeldBy)) + " " + LaneLabel(ctx, holder);
      if (!waiters.empty()) line += "   " + std::string(Say(ctx, kWaiting)) + " " + Lanes(ctx, waiters);
      ImGui::TextUnformatted(line.c_str());
    } else {
      char totals[160];
      std::snprintf(totals, sizeof totals, Say(ctx, kTotals), static_cast<long long>(lock.acquisitions),
                    NsToMs(lock.wait_ns()), NsToMs(lock.hold_ns()));
      ImGui::TextDisabled("%s", totals);
    }
    // The row: holder bar, then one waiting strip per lane that ever waited.
    std::vector<int> waiting_lanes;
    lock.lanes.ForEach([&](int lane, const LockFacts::PerLane& mine) {
      if (mine.wait_ns > 0 || mine.open_wait >= 0) waiting_lanes.push_back(lane);
    });
    const size_t strips = std::min<size_t>(waiting_lanes.size(), 8);
    const float bar_h = em * 1.2f, strip_h = std::max(3.0f, em * 0.28f);
    const ImVec2 top = ImGui::GetCursorScreenPos();
    const float x0 = top.x + label_w;
    const float row_h = bar_h + static_cast<float>(strips) * (strip_h + 1) + em * 0.3f;
    draw->AddRectFilled(ImVec2(x0, top.y), ImVec2(x0 + track_w, top.y + bar_h), theme.lane_bg);
    draw->AddText(ImVec2(top.x, top.y + (bar_h - em) * 0.5f), theme.dim, Say(ctx, kHeld));
    timeline.Summarise(t0, t1, columns, now_ns_, columns_);
    for (int c = 0; c < columns;) {
      const int holder = columns_[static_cast<size_t>(c)].holder;
      int end = c + 1;
      while (end < columns && columns_[static_cast<size_t>(end)].holder == holder) ++end;
      if (holder != kNoLane) {
        row.holders.insert(holder);
        draw->AddRectFilled(ImVec2(x0 + static_cast<float>(c), top.y), ImVec2(x0 + static_cast<float>(end), top.y + bar_h),
                            LaneColor(holder));
      }
      c = end;
    }
    for (size_t s = 0; s < strips; ++s) {
      const int lane = waiting_lanes[s];
      const float y = top.y + bar_h + 1 + static_cast<float>(s) * (strip_h + 1);
      for (int c = 0; c < columns;) {
        if (!columns_[static_cast<size_t>(c)].Waits(lane)) {
          ++c;
          continue;
        }
        int end = c + 1;
        while (end < columns && columns_[static_cast<size_t>(end)].Waits(lane)) ++end;
        row.waiters.insert(lane);
        draw->AddRectFilled(ImVec2(x0 + static_cast<float>(c), y), ImVec2(x0 + static_cast<float>(end), y + strip_h),
                            (LaneColor(lane) & 0x00FFFFFF) | 0xB0000000);
        c = end;
      }
    }
    if (waiting_lanes.size() > strips)
      draw->AddText(ImVec2(top.x, top.y + bar_h), theme.dim, ("+" + std::to_string(waiting_lanes.size() - strips)).c_str());
    else if (strips > 0)
      draw->AddText(ctx.fonts.mono, ctx.fonts.mono->FontSize * 0.85f, ImVec2(top.x, top.y + bar_h), theme.dim,
                    Say(ctx, kWaited));
    // Holders that died with it: a cross where it happened.
    for (const LockFacts::OwnerDied& death : lock.owner_deaths) {
      const float x = x_of(x0, death.t_ns);
      const float r = em * 0.45f, cy = top.y + bar_h * 0.5f;
      draw->AddLine(ImVec2(x - r, cy - r), ImVec2(x + r, cy + r), theme.marker, 3);
      draw->AddLine(ImVec2(x - r, cy + r), ImVec2(x + r, cy - r), theme.marker, 3);
      ++row.owner_deaths;
    }
    ImGui::Dummy(ImVec2(width, row_h));
    // Hover: the moment in words.
    if (!ctx.instant && ImGui::IsWindowHovered() && mouse.x >= x0 && mouse.x < x0 + track_w && mouse.y >= top.y &&
        mouse.y < top.y + row_h) {
      const int64_t t = t0 + static_cast<int64_t>(static_cast<double>(mouse.x - x0) / track_w * static_cast<double>(t1 - t0));
      const int holder = timeline.HolderAt(t, now_ns_);
      const std::vector<int> waiters = timeline.WaitersAt(t, now_ns_);
      ImGui::BeginTooltip();
      ImGui::Text("%s · %s %s", row.name.c_str(), Say(ctx, kAt), MsText(facts, t, 3, ctx.language).c_str());
      ImGui::TextUnformatted(holder == kNoLane ? Say(ctx, kNobody)
                                               : (std::string(Say(ctx, kHeldBy)) + " " + LaneLabel(ctx, holder)).c_str());
      if (!waiters.empty()) ImGui::Text("%s %s", Say(ctx, kWaiting), Lanes(ctx, waiters).c_str());
      ImGui::EndTooltip();
    }
    for (const LockFacts::OwnerDied& death : lock.owner_deaths) {
      char text[256];
      std::snprintf(text, sizeof text, Say(ctx, kDiedHolding), LaneLabel(ctx, death.dead_lane).c_str(),
                    row.name.c_str(), MsText(facts, death.t_ns, 1, ctx.language).c_str());
      std::string line = text;
      // How it died: the lesson's kill, a crash, or ProcLab ending a stuck run.
      if (death.dead_lane >= 0 && death.dead_lane < facts.children() && facts.child(death.dead_lane).ended())
        line += ctx.language == Language::kChinese ? "（" + HowItEnded(facts.child(death.dead_lane), ctx.language) + "）"
                                                   : " (" + HowItEnded(facts.child(death.dead_lane), ctx.language) + ")";
      line += ctx.language == Language::kChinese ? "。" : ".";
      std::snprintf(text, sizeof text, Say(ctx, kRecovered), LaneLabel(ctx, death.recovered_by).c_str());
      line += std::string(" ") + text;
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
      ImGui::TextWrapped("%s", line.c_str());
      ImGui::PopStyleColor();
    }
    shown_.rows.push_back(std::move(row));
  }
  // Time axis under the rows.
  {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    char text[48];
    std::snprintf(text, sizeof text, "0 – %.1f %s", facts.Ms(t1), ctx.T(Str::kMs));
    draw->AddText(ImVec2(p.x + label_w, p.y), theme.dim, text);
    ImGui::Dummy(ImVec2(width, em * 1.2f));
  }

  // ------------------------------------------------------------------------------ per child
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextUnformatted(Say(ctx, kPerChild));
  ImGui::PopFont();
  const bool several = facts.locks().size() > 1;
  double max_ms = 0.001;
  for (const auto& [id, lock] : facts.locks())
    lock.lanes.ForEach([&](int, const LockFacts::PerLane& mine) {
      max_ms = std::max({max_ms, NsToMs(mine.wait_ns), NsToMs(mine.hold_ns)});
    });
  // One row per child (and lock, when there are several): a bar and the time for each.
  auto bar = [&](double ms, ImU32 color, const char* what) {
    const ImVec2 q = ImGui::GetCursorScreenPos();
    const float full = std::max(ImGui::GetContentRegionAvail().x * 0.35f, em * 2);
    draw->AddRectFilled(ImVec2(q.x, q.y + 3), ImVec2(q.x + full * static_cast<float>(ms / max_ms) + 1, q.y + em), color);
    ImGui::Dummy(ImVec2(full, em));
    ImGui::SameLine();
    ImGui::Text("%s %.*f %s", what, ms >= 100 ? 0 : 2, ms, ctx.T(Str::kMs));
  };
  if (ImGui::BeginTable("lock_times", 3, ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("who", ImGuiTableColumnFlags_WidthStretch, several ? 1.4f : 1.0f);
    ImGui::TableSetupColumn("wait", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupColumn("hold", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    for (const auto& [id, lock] : facts.locks()) {
      lock.lanes.ForEach([&](int lane, const LockFacts::PerLane& mine) {
        if (mine.acquisitions == 0 && mine.wait_ns == 0 && mine.open_wait < 0) return;
        std::string who = LaneLabel(ctx, lane) + " · " + std::to_string(mine.acquisitions) + " " + Say(ctx, kTimes);
        if (several) who += " · " + LockName(facts, id, ctx.language);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(who.c_str());
        ImGui::TableNextColumn();
        bar(NsToMs(mine.wait_ns), theme.State(LaneState::kLockWait), Say(ctx, kWaited));
        ImGui::TableNextColumn();
        bar(NsToMs(mine.hold_ns), theme.State(LaneState::kLockHeld), Say(ctx, kHeld));
      });
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();

  ImGui::EndChild();
}

// --------------------------------------------------------------------------- the cycle

void LocksView::DrawCycle(const ViewContext& ctx, const Deadlock& deadlock) {
  const RunFacts& facts = *ctx.run.facts;
  const Theme& theme = ctx.theme;
  const float em = ImGui::GetFontSize();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme.bad));
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextWrapped("%s", Say(ctx, kDeadlockTitle));
  ImGui::PopFont();
  ImGui::PopStyleColor();
  // The nodes on a circle, in wait-for order: child, the lock it waits for, the child holding
  // that lock, its lock ... back to the first child.
  const size_t n = deadlock.cycle.size();
  const bool small = n > 4;  // up to 16 nodes: number-only children, smaller lock boxes
  const float width = ImGui::GetContentRegionAvail().x;
  const float child_r = em * (small ? 1.0f : 1.5f);
  float lock_w = 0;
  for (const DeadlockEdge& edge : deadlock.cycle)
    lock_w = std::max(lock_w, ImGui::CalcTextSize(LockName(facts, edge.waits_for, ctx.language).c_str()).x);
  const ImVec2 lock_half(lock_w * 0.5f + em * 0.5f, em * 0.85f);
  const float size = n <= 2 ? em * 11.5f : em * (10.0f + 1.6f * static_cast<float>(n));
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 centre(p.x + width * 0.5f, p.y + size * 0.5f);
  // An ellipse as wide as the pane allows: the lock boxes are wider than tall.
  const float radius_y = size * 0.5f - em * 1.6f;
  const float radius_x = std::max(std::min(width * 0.5f - lock_half.x - em * 0.5f, radius_y * 1.8f), radius_y);
  struct Node {
    ImVec2 at;
    bool child;
    int lane;
    uint32_t lock;
  };
  std::vector<Node> nodes;
  const float pi = 3.14159265f;
  for (size_t i = 0; i < n; ++i) {
    for (int half = 0; half < 2; ++half) {
      const float angle = -pi * 0.75f + 2 * pi * static_cast<float>(2 * i + half) / static_cast<float>(2 * n);
      const ImVec2 at(centre.x + radius_x * std::cos(angle), centre.y + radius_y * std::sin(angle));
      nodes.push_back({at, half == 0, deadlock.cycle[i].lane, deadlock.cycle[i].waits_for});
    }
  }
  // Where an edge leaves or meets a node's outline, towards `to`.
  auto edge_point = [&](const Node& node, ImVec2 to) {
    const float dx = to.x - node.at.x, dy = to.y - node.at.y;
    const float len = std::max(std::sqrt(dx * dx + dy * dy), 1.0f);
    if (node.child) return ImVec2(node.at.x + dx / len * (child_r + 3), node.at.y + dy / len * (child_r + 3));
    const float sx = std::abs(dx) > 0 ? (lock_half.x + 3) / std::abs(dx) : 1e9f;
    const float sy = std::abs(dy) > 0 ? (lock_half.y + 3) / std::abs(dy) : 1e9f;
    const float s = std::min(sx, sy);
    return ImVec2(node.at.x + dx * s, node.at.y + dy * s);
  };
  for (size_t k = 0; k < nodes.size(); ++k) {
    const Node& from = nodes[k];
    const Node& to = nodes[(k + 1) % nodes.size()];
    const ImVec2 a = edge_point(from, to.at), b = edge_point(to, from.at);
    const ImU32 color = from.child ? theme.State(LaneState::kLockWait) : theme.text;
    draw->AddLine(a, b, color, 2.5f);
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len = std::max(std::sqrt(dx * dx + dy * dy), 1.0f);
    const ImVec2 u(dx / len, dy / len), v(-u.y, u.x);
    const float head = em * 0.55f;
    draw->AddTriangleFilled(b, ImVec2(b.x - u.x * head + v.x * head * 0.5f, b.y - u.y * head + v.y * head * 0.5f),
                            ImVec2(b.x - u.x * head - v.x * head * 0.5f, b.y - u.y * head - v.y * head * 0.5f), color);
    if (n > 3) continue;  // too many edges to label: the legend below says what the colours mean
    // The edge's label at its middle, pushed outward from the centre.
    const char* label = from.child ? Say(ctx, kWaitsFor) : Say(ctx, kHeldByEdge);
    const ImVec2 mid((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
    const float ox = mid.x - centre.x, oy = mid.y - centre.y;
    const float olen = std::max(std::sqrt(ox * ox + oy * oy), 1.0f);
    const ImVec2 size_text = ImGui::CalcTextSize(label);
    // Far enough out that the text clears the line, whichever way the edge runs.
    const float push = std::abs(ox) / olen * (size_text.x * 0.5f + em * 0.4f) + std::abs(oy) / olen * (size_text.y * 0.5f + em * 0.3f);
    const ImVec2 at(mid.x + ox / olen * push - size_text.x * 0.5f, mid.y + oy / olen * push - size_text.y * 0.5f);
    draw->AddText(at, color, label);
  }
  for (const Node& node : nodes) {
    if (node.child) {
      draw->AddCircleFilled(node.at, child_r, LaneColor(node.lane), 32);
      const std::string label = small ? std::to_string(node.lane + 1) : LaneLabel(ctx, node.lane);
      const ImVec2 size_text = ImGui::CalcTextSize(label.c_str());
      draw->AddText(ImVec2(node.at.x - size_text.x * 0.5f, node.at.y - size_text.y * 0.5f), IM_COL32(255, 255, 255, 255),
                    label.c_str());
    } else {
      draw->AddRectFilled(ImVec2(node.at.x - lock_half.x, node.at.y - lock_half.y),
                          ImVec2(node.at.x + lock_half.x, node.at.y + lock_half.y), theme.panel_bg, 5);
      draw->AddRect(ImVec2(node.at.x - lock_half.x, node.at.y - lock_half.y),
                    ImVec2(node.at.x + lock_half.x, node.at.y + lock_half.y), theme.State(LaneState::kLockHeld), 5, 0, 2);
      const std::string label = LockName(facts, node.lock, ctx.language);
      const ImVec2 size_text = ImGui::CalcTextSize(label.c_str());
      draw->AddText(ImVec2(node.at.x - size_text.x * 0.5f, node.at.y - size_text.y * 0.5f), theme.text, label.c_str());
    }
  }
  ImGui::Dummy(ImVec2(width, size));
  if (n > 3) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.State(LaneState::kLockWait)), "→ %s", Say(ctx, kWaitsFor));
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.text), "  → %s", Say(ctx, kHeldByEdge));
  }
  shown_.cycle = deadlock;
  shown_.explanation = ExplainDeadlock(facts, deadlock).In(ctx.language);
  DrawWrappedText(shown_.explanation, ctx.fonts, theme.text);
}

std::unique_ptr<View> MakeLocksView() { return std::make_unique<LocksView>(); }

}  // namespace proclab::gui

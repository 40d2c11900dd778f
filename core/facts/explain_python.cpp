#include "core/facts/explain_python.hpp"

#include <algorithm>

#include "core/facts/explain.hpp"

namespace proclab {

namespace {

std::string FileName(const RunFacts& facts, uint32_t file) {
  const std::string path = facts.NameOf(ObjectKind::kFile, file);
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string QueueName(const RunFacts& facts, uint32_t queue) {
  const std::string name = facts.NameOf(ObjectKind::kQueue, queue);
  return name.empty() ? "queue " + std::to_string(queue) : "'" + name + "'";
}

const ProcessJoinFact* OpenJoin(const RunFacts& facts, int lane) {
  for (auto it = facts.process_joins().rbegin(); it != facts.process_joins().rend(); ++it)
    if (it->lane == lane && it->end_ns == 0) return &*it;
  return nullptr;
}

// What `lane` waits for now, in both languages, or empty.
Sentence Waiting(const RunFacts& facts, int lane) {
  for (const auto& [id, lock] : facts.locks()) {
    const std::vector<int> waiters = lock.Waiters();
    if (std::find(waiters.begin(), waiters.end(), lane) == waiters.end()) continue;
    const int holder = lock.Holder();
    Sentence s{"waiting for " + LockName(facts, id, Language::kEnglish),
               "在等待" + LockName(facts, id, Language::kChinese)};
    if (holder != kNoLane && holder != lane) {
      s.en += ", which " + LaneName(facts, holder, Language::kEnglish) + " holds";
      s.zh += "（由" + LaneName(facts, holder, Language::kChinese) + "持有）";
    }
    return s;
  }
  for (const auto& [id, queue] : facts.queues()) {
    const QueueFacts::PerLane* mine = queue.lanes.Find(lane);
    if (mine == nullptr || mine->open_block < 0) continue;
    const bool full = queue.blocked[static_cast<size_t>(mine->open_block)].full;
    return {std::string(full ? "waiting to put on " : "waiting to get from ") + QueueName(facts, id) +
                (full ? " (it is full)" : " (it is empty)"),
            std::string(full ? "在等待向队列 " : "在等待从队列 ") + QueueName(facts, id) +
                (full ? " 放入（队列已满）" : " 取出（队列为空）")};
  }
  if (const ProcessJoinFact* join = OpenJoin(facts, lane)) {
    const int joined = LaneOfPid(facts, join->pid);
    const std::string en = joined != kNoLane ? LaneName(facts, joined, Language::kEnglish) : "pid " + std::to_string(join->pid);
    const std::string zh = joined != kNoLane ? LaneName(facts, joined, Language::kChinese) : "pid " + std::to_string(join->pid);
    return {"waiting in join() for " + en, "在 join() 中等待" + zh};
  }
  return {};
}

}  // namespace

int LaneOfPid(const RunFacts& facts, int64_t pid) {
  for (int lane = 0; lane < facts.children(); ++lane) {
    const ChildFacts& child = facts.child(lane);
    if (child.record.pid == pid || child.pid == pid) return lane;
  }
  return kNoLane;
}

Sentence ExplainWhereEach(const RunFacts& facts, const std::vector<int>& lanes) {
  Sentence out;
  for (int lane : lanes) {
    if (lane < 0 || lane >= facts.children()) continue;
    const ChildFacts& child = facts.child(lane);
    Sentence s{LaneName(facts, lane, Language::kEnglish), LaneName(facts, lane, Language::kChinese)};
    if (child.line > 0) {
      s.en += " was on line " + std::to_string(child.line) + " of " + FileName(facts, child.file);
      s.zh += "当时在 " + FileName(facts, child.file) + " 的第 " + std::to_string(child.line) + " 行";
    } else {
      s.en += " was running";
      s.zh += "正在运行";
    }
    const Sentence waiting = Waiting(facts, lane);
    if (!waiting.en.empty()) {
      s.en += ", " + waiting.en;
      s.zh += "，" + waiting.zh;
    }
    out.en += (out.en.empty() ? "" : "; ") + s.en;
    out.zh += (out.zh.empty() ? "" : "；") + s.zh;
  }
  if (!out.en.empty()) {
    out.en = "When the run was stopped: " + out.en + ".";
    out.zh = "运行被停止时：" + out.zh + "。";
  }
  return out;
}

Sentence ExplainDeadHolder(const RunFacts& facts, const DeadHolder& dead, const std::vector<int>& waiters) {
  std::string en, zh;
  for (size_t i = 0; i < waiters.size(); ++i) {
    en += (i == 0 ? "" : i + 1 == waiters.size() ? " and " : ", ") + LaneName(facts, waiters[i], Language::kEnglish);
    zh += (i == 0 ? "" : "、") + LaneName(facts, waiters[i], Language::kChinese);
  }
  return {LaneName(facts, dead.lane, Language::kEnglish) + " ended while it held " +
              LockName(facts, dead.lock, Language::kEnglish) +
              ": a multiprocessing lock is not released when its holder ends, so " + en +
              (waiters.size() == 1 ? ", which waits" : ", which wait") +
              " for it, would wait forever. ProcLab ended the program.",
          LaneName(facts, dead.lane, Language::kChinese) + "在持有" + LockName(facts, dead.lock, Language::kChinese) +
              "时结束了：multiprocessing 的锁不会因持有者结束而释放，所以正在等待它的" + zh +
              "会永远等下去。ProcLab 已结束该程序。"};
}

std::optional<JoinBeforeDrain> FindJoinBeforeDrain(const RunFacts& facts) {
  for (const ProcessJoinFact& join : facts.process_joins()) {
    if (join.end_ns != 0) continue;
    const int joined = LaneOfPid(facts, join.pid);
    if (joined == kNoLane || facts.child(joined).ended()) continue;
    const ChildFacts& child = facts.child(joined);
    for (const auto& [id, queue] : facts.queues()) {
      const QueueFacts::PerLane* mine = queue.lanes.Find(joined);
      if (mine == nullptr || mine->puts == 0) continue;
      const QueueFacts::PerLane* joiner = queue.lanes.Find(join.lane);
      if (joiner != nullptr && joiner->open_block >= 0) continue;  // the joiner is not in join()
      const int64_t left = static_cast<int64_t>(queue.puts().size()) - static_cast<int64_t>(queue.gets().size());
      const bool blocked_on_put =
          mine->open_block >= 0 && queue.blocked[static_cast<size_t>(mine->open_block)].full;
      // Its target returned (its whole job, pool 0, ended), yet it is alive: it waits to hand
      // its items over. Or it waits to put on a full queue.
      const bool job_done = !child.tasks.empty() && child.tasks.back().end_ns != 0 && !child.now.in_task;
      if ((blocked_on_put || job_done) && left > 0) return JoinBeforeDrain{join.lane, joined, id, left, blocked_on_put};
    }
  }
  return std::nullopt;
}

Sentence ExplainJoinBeforeDrain(const RunFacts& facts, const JoinBeforeDrain& stall) {
  const std::string joiner_en = LaneName(facts, stall.joiner, Language::kEnglish);
  const std::string joiner_zh = LaneName(facts, stall.joiner, Language::kChinese);
  const std::string joined_en = LaneName(facts, stall.joined, Language::kEnglish);
  const std::string joined_zh = LaneName(facts, stall.joined, Language::kChinese);
  const std::string queue = QueueName(facts, stall.queue);
  const std::string items = std::to_string(stall.left);
  Sentence s;
  if (stall.blocked_on_put) {
    s.en = joined_en + " waits to put on " + queue + ", which is full; " + joiner_en +
           " waits in join() for it and would take items out only after the join";
    s.zh = joined_zh + "在等待向已满的队列 " + queue + " 放入；" + joiner_zh + "在 join() 中等待它，而要等 join 返回后才会取出元素";
  } else {
    s.en = joined_en + " has run its target but cannot end before the " + items + " items on " + queue +
           " are taken out; " + joiner_en + " waits in join() for it and would take them out only after the join";
    s.zh = joined_zh + "已经运行完目标函数，但在队列 " + queue + " 中的 " + items + " 个元素被取出之前无法结束；" +
           joiner_zh + "在 join() 中等待它，而要等 join 返回后才会取出这些元素";
  }
  s.en += ": neither can go on (join before drain). Take the items out first, then join. ProcLab ended the program.";
  s.zh += "：双方都无法继续（先 join 后取出）。应先取出元素，再 join。ProcLab 已结束该程序。";
  return s;
}

}  // namespace proclab

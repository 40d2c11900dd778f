#include "core/facts/explain.hpp"

#include <cstdio>
#include <vector>

namespace proclab {

namespace {
std::string Capitalised(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

std::string Ms(const RunFacts& facts, int64_t t_ns) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", facts.Ms(t_ns));
  return text;
}
}  // namespace

std::string LaneName(const RunFacts& facts, int lane, Language language) {
  if (lane < 0) return language == Language::kChinese ? "父进程" : "the parent";
  if (lane < facts.children() && facts.child(lane).record.pid > 0)
    return ChildName(facts.child(lane).record, language);
  return (language == Language::kChinese ? "子进程 " : "child ") + std::to_string(lane + 1);
}

std::string ShownObjectName(std::string_view declared, Language language) {
  if (language == Language::kChinese) {
    if (declared == "task queue") return "任务队列";
    if (declared == "result queue") return "结果队列";
  }
  return std::string(declared);
}

std::string LockName(const RunFacts& facts, uint32_t lock, Language language) {
  if ((lock & kQueueLockBit) != 0) {
    const uint32_t queue = lock & ~kQueueLockBit;
    std::string name = ShownObjectName(facts.NameOf(ObjectKind::kQueue, queue), language);
    if (name.empty()) name = std::to_string(queue);
    return language == Language::kChinese ? "队列“" + name + "”内部的锁"
                                          : "the lock inside queue '" + name + "'";
  }
  const std::string name = facts.NameOf(ObjectKind::kLock, lock);
  if (!name.empty()) return language == Language::kChinese ? "“" + name + "”" : "'" + name + "'";
  return (language == Language::kChinese ? "锁 " : "lock ") + std::to_string(lock);
}

Sentence ExplainLockHeld(const RunFacts& facts, uint32_t id) {
  const LockFacts* lock = facts.lock(id);
  if (lock == nullptr || lock->Holder() == kNoLane)
    return {"Nobody holds " + LockName(facts, id, Language::kEnglish) + ".",
            "没有人持有" + LockName(facts, id, Language::kChinese) + "。"};
  const int holder = lock->Holder();
  const bool alive = holder < 0 || (holder < facts.children() && !facts.child(holder).ended());
  Sentence s;
  s.en = Capitalised(LaneName(facts, holder, Language::kEnglish)) + " has held " +
         LockName(facts, id, Language::kEnglish) + " since " + Ms(facts, lock->HeldSince()) +
         (alive ? " and is still running" : "") + ".";
  s.zh = LaneName(facts, holder, Language::kChinese) + "从 " + Ms(facts, lock->HeldSince()) +
         " 起一直持有" + LockName(facts, id, Language::kChinese) + (alive ? "，并且仍在运行" : "") +
         "。";
  std::vector<int> waiters = lock->Waiters();
  // A holder that asks for its own lock again waits for itself (the lock is not recursive).
  if (std::erase(waiters, holder) > 0) {
    s.en += " It is waiting for it too: its next lock() waits for a lock it already holds.";
    s.zh += "它自己也在等这把锁：它的下一次 lock() 在等一把它已经持有的锁。";
  }
  if (!waiters.empty()) {
    std::string en, zh;
    int64_t since = 0;
    for (size_t i = 0; i < waiters.size(); ++i) {
      en += (i == 0 ? "" : i + 1 == waiters.size() ? " and " : ", ") +
            LaneName(facts, waiters[i], Language::kEnglish);
      zh += (i == 0 ? "" : "、") + LaneName(facts, waiters[i], Language::kChinese);
      const LockSpan& span = lock->spans[static_cast<size_t>(lock->lanes.Find(waiters[i])->open_wait)];
      if (since == 0 || span.begin_ns < since) since = span.begin_ns;
    }
    s.en += " " + Capitalised(en) + (waiters.size() == 1 ? " waits" : " wait") + " for it (since " +
            Ms(facts, since) + ").";
    s.zh += zh + "从 " + Ms(facts, since) + " 起在等它。";
  }
  return s;
}

Sentence ExplainDeadlock(const RunFacts& facts, const Deadlock& deadlock) {
  Sentence s{"Deadlock: ", "死锁："};  // then each edge of the cycle
  for (size_t i = 0; i < deadlock.cycle.size(); ++i) {
    const DeadlockEdge& edge = deadlock.cycle[i];
    const DeadlockEdge& next = deadlock.cycle[(i + 1) % deadlock.cycle.size()];
    s.en += (i == 0 ? "" : "; ") + LaneName(facts, edge.lane, Language::kEnglish) + " holds " +
            LockName(facts, edge.holds, Language::kEnglish) + " and waits for " +
            LockName(facts, edge.waits_for, Language::kEnglish) + ", which " +
            LaneName(facts, next.lane, Language::kEnglish) + " holds";
    s.zh += (i == 0 ? "" : "；") + LaneName(facts, edge.lane, Language::kChinese) + "持有" +
            LockName(facts, edge.holds, Language::kChinese) + "，在等" +
            LockName(facts, edge.waits_for, Language::kChinese) + "，而它被" +
            LaneName(facts, next.lane, Language::kChinese) + "持有";
  }
  s.en += ": each waits for the next, so none can ever go on (the cycle closed at " +
          Ms(facts, deadlock.formed_ns) + ").";
  s.zh += "：每个进程都在等下一个，谁也无法继续（环在 " + Ms(facts, deadlock.formed_ns) + " 形成）。";
  return s;
}

Sentence ExplainOwnerDeath(const RunFacts& facts, const LockFacts& lock,
                           const LockFacts::OwnerDied& death) {
  return {Capitalised(LaneName(facts, death.dead_lane, Language::kEnglish)) + " died holding " +
              LockName(facts, lock.id, Language::kEnglish) + "; " +
              LaneName(facts, death.recovered_by, Language::kEnglish) +
              " was the next to lock it, was told the owner died (EOWNERDEAD), marked it "
              "consistent and carried on.",
          LaneName(facts, death.dead_lane, Language::kChinese) + "在持有" +
              LockName(facts, lock.id, Language::kChinese) + "时死亡；" +
              LaneName(facts, death.recovered_by, Language::kChinese) +
              "是下一个加锁的进程，得知锁的主人已死（EOWNERDEAD），把锁标记为一致后继续运行。"};
}

Sentence ExplainStall(const RunFacts& facts, const StallFact& stall) {
  char quiet[32];
  std::snprintf(quiet, sizeof quiet, "%.1f s", static_cast<double>(stall.quiet_ms) / 1000);
  Sentence s{"Stuck at " + Ms(facts, stall.t_ns) + ": nothing moved for " + quiet + ". ",
             "在 " + Ms(facts, stall.t_ns) + " 卡住：" + quiet + " 内没有任何进展。"};
  if (stall.cause == StallCause::kDeadlock && stall.deadlock) {
    const Sentence cycle = ExplainDeadlock(facts, *stall.deadlock);
    s.en += cycle.en;
    s.zh += cycle.zh;
    return s;
  }
  if (stall.cause == StallCause::kQueueFullNoGet) {
    std::string name = facts.NameOf(ObjectKind::kQueue, stall.object);
    if (name.empty()) name = std::to_string(stall.object);
    s.en += "The producers block on the full queue '" + name + "' and nobody takes from it.";
    s.zh += "生产者阻塞在已满的队列“" + name + "”上，没有人从中取出。";
    return s;
  }
  const LockFacts* lock = facts.lock(stall.object);
  if (lock == nullptr) return s;
  // Who held it and who waited at the moment the stall was found: the spans that cover it.
  auto covers = [&](const LockSpan& span) {
    return span.begin_ns <= stall.t_ns && (span.open() || span.end_ns >= stall.t_ns);
  };
  int holder = kNoLane;
  int64_t held_since = 0, waits_since = 0;
  std::vector<int> waiters;
  for (const LockSpan& span : lock->spans) {
    if (!covers(span)) continue;
    if (span.kind == LockSpanKind::kHold) {
      holder = span.lane;
      held_since = span.begin_ns;
    } else {
      waiters.push_back(span.lane);
      if (waits_since == 0 || span.begin_ns < waits_since) waits_since = span.begin_ns;
    }
  }
  const std::string en_lock = LockName(facts, stall.object, Language::kEnglish);
  const std::string zh_lock = LockName(facts, stall.object, Language::kChinese);
  if (holder == kNoLane) {
    s.en += "Nobody held " + en_lock + ".";
    s.zh += "没有人持有" + zh_lock + "。";
  } else {
    s.en += Capitalised(LaneName(facts, holder, Language::kEnglish)) + " held " + en_lock + " (since " +
            Ms(facts, held_since) + ")";
    s.zh += LaneName(facts, holder, Language::kChinese) + "持有" + zh_lock + "（从 " + Ms(facts, held_since) + " 起）";
    if (std::erase(waiters, holder) > 0) {
      s.en += " and waited for it itself: the lock is not recursive";
      s.zh += "，自己也在等它：这把锁不可重入";
    }
    s.en += ".";
    s.zh += "。";
  }
  if (!waiters.empty()) {
    std::string en, zh;
    for (size_t i = 0; i < waiters.size(); ++i) {
      en += (i == 0 ? "" : i + 1 == waiters.size() ? " and " : ", ") + LaneName(facts, waiters[i], Language::kEnglish);
      zh += (i == 0 ? "" : "、") + LaneName(facts, waiters[i], Language::kChinese);
    }
    s.en += " " + Capitalised(en) + " waited for it (since " +
            Ms(facts, waits_since) + ").";
    s.zh += zh + "从 " + Ms(facts, waits_since) + " 起在等它。";
  }
  return s;
}

}  // namespace proclab

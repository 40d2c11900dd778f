// Lesson `queue` (tutorial section 6): processes hand data over through a queue.
// Teaches: a process-safe queue needs no extra lock; each producer's items arrive in the order
// it put them, while the two producers interleave differently on every run; a bounded queue
// makes put wait when full and get wait when empty; and joining producers before draining their
// queue deadlocks once the queue fills up (ProcLab detects the stall, explains it, drains).
#include <algorithm>
#include <cstdio>

#include "core/clock.hpp"
#include "core/shared_queue.hpp"
#include "lessons/common.hpp"
#include "lessons/queue.hpp"

namespace proclab {
namespace {

constexpr const char* kQueueName = "queue";
constexpr uint32_t kQueueId = 0;  // in queue events
constexpr int kProducers = 2;
constexpr size_t kMaxReceivedInTranscript = 100;
constexpr int64_t kStallTimeoutNs = 1'000'000'000;  // no put for this long with a full queue

}  // namespace

void QueueOutcome::Conclude(const TrialResult& result) {
  const RunFacts& facts = result.facts;
  capacity = result.params.Get("capacity");
  items_each = result.params.Get("items");
  received.clear();
  producers.clear();
  for (int p = 0; p < kProducers && p < facts.children(); ++p)
    producers.push_back({p, facts.child(p).record.pid});
  const QueueFacts* queue = facts.queue(kQueueId);
  if (queue == nullptr) return;
  max_depth = queue->max_depth;
  // The parent's gets, in the queue's order: the parent's own events are never dropped, so
  // this is every item it received, even when a producer's ring dropped some of its puts.
  // Who put an item shows in the item itself: producer 1 puts squares, producer 2 negatives.
  std::vector<int64_t> last(kProducers, 0);
  for (const QueueOp& get : queue->gets()) {
    if (get.lane != kParentFactLane) continue;
    const int p = get.value > 0 ? 0 : 1;
    received.push_back({get.value, p});
    if (p >= static_cast<int>(producers.size())) continue;
    Producer& producer = producers[static_cast<size_t>(p)];
    // Each producer's values run one way: 1, 4, 9 ... up; -1, -2 ... down.
    if (producer.received > 0 && (p == 0 ? get.value <= last[static_cast<size_t>(p)]
                                         : get.value >= last[static_cast<size_t>(p)]))
      producer.in_order = false;
    last[static_cast<size_t>(p)] = get.value;
    ++producer.received;
  }
  for (Producer& producer : producers)
    producer.blocked_ms = NsToMs(queue->BlockedFullNs(producer.lane));
  for (const StallFact& s : facts.stalls())
    if (s.cause == StallCause::kQueueFullNoGet && s.object == kQueueId) stall = s;
}

nlohmann::json QueueOutcome::ToJson() const {
  nlohmann::json items = nlohmann::json::array();
  for (const Item& item : received) items.push_back({{"value", item.value}, {"producer", item.producer + 1}});
  nlohmann::json list = nlohmann::json::array(), blocked = nlohmann::json::array();
  for (const Producer& p : producers) {
    list.push_back({{"producer", p.lane + 1}, {"pid", p.pid}, {"received", p.received},
                    {"in_order", p.in_order}, {"blocked_ms", p.blocked_ms}});
    blocked.push_back(p.blocked_ms);
  }
  return {{"received", std::move(items)},
          {"received_count", received.size()},
          {"max_depth", max_depth},
          {"capacity", capacity},
          {"blocked_ms", std::move(blocked)},
          {"producers", std::move(list)},
          {"stall", stall ? nlohmann::json{{"quiet_ms", stall->quiet_ms}, {"detected_ms", Ms(stall->t_ns)}}
                          : nlohmann::json(nullptr)}};
}

namespace {

// <child-code>
// Producer 1 puts the squares of 1..items; producer 2 puts -1..-items. Both use one queue.
int Produce(ChildContext& child) {
  SharedQueue& queue = *SharedQueue::Find(child.segment(), "queue");
  const QueueCaller me = ChildQueueCaller(child);  // traced: every put is an event
  const int64_t items = child.param("items");
  for (int64_t i = 1; i <= items; ++i) {
    const int64_t value = child.index() == 0 ? i * i : -i;
    // put waits while the queue is full; it gives up only if the parent is gone.
    if (queue.Put(QueueItem{.value = value, .producer = child.index()}, me) != QueueStatus::kOk)
      return 1;
  }
  return 0;
}
// </child-code>

bool AnyProducerAlive(const ParentContext& parent) {
  for (const ChildRecord& child : parent.children())
    if (!child.done()) return true;
  return false;
}

// Like calling p.join() on both producers before reading the queue, but watching for the
// deadlock that causes once the queue is full: then explain it and go on to drain.
void JoinBeforeDrain(ParentContext& parent, SharedQueue& queue) {
  uint64_t puts = queue.puts();
  int64_t last_progress = MonotonicNs();
  while (AnyProducerAlive(parent)) {
    parent.Wait(std::chrono::milliseconds(10));
    const int64_t now = MonotonicNs();
    if (queue.puts() != puts) {
      puts = queue.puts();
      last_progress = now;
      continue;
    }
    if (now - last_progress < kStallTimeoutNs || queue.size() < queue.capacity()) continue;
    if (parent.AnyChildRunnable()) {
      // Short of CPU, not stuck: a producer that put its last item and is about to exit, at
      // nice 19 beside other busy work, can wait longer than the limit for its turn.
      last_progress = now;
      continue;
    }
    char seconds[16];
    std::snprintf(seconds, sizeof seconds, "%.1f", NsToMs(now - last_progress) / 1000);
    parent.ReportStall(StallCause::kQueueFullNoGet, kQueueId, (now - last_progress) / 1'000'000);
    parent.Note("Deadlock: the producers are blocked putting into a full queue (" +
                    std::to_string(queue.capacity()) +
                    " items) that nobody drains while the parent waits in join() for them to "
                    "exit, so ProcLab stopped joining after " + seconds +
                    " s without progress and drained the queue itself.",
                "死锁：生产者向已满的队列（容量 " + std::to_string(queue.capacity()) +
                    "）放入数据而被阻塞，没有人取出；父进程却在 join() 里等它们退出。" +
                    "ProcLab 在 " + seconds + " 秒没有进展后停止等待，自己把队列取空。");
    return;
  }
}

void Consume(ParentContext& parent) {
  SharedQueue& queue = *SharedQueue::Find(parent.segment(), kQueueName);
  const int64_t delay_ms = parent.param("consumer-delay-ms");
  parent.outcome<QueueOutcome>();
  if (parent.param("join-before-drain") == 1) JoinBeforeDrain(parent, queue);

  // get() waits while the queue is empty; it stops waiting once both producers have exited.
  // Every get is an event: what the parent received is read from the queue's facts.
  const QueueCaller me = ParentQueueCaller(parent, [&] { return AnyProducerAlive(parent); });
  while (true) {
    QueueItem item;
    if (queue.Get(&item, me) != QueueStatus::kOk) {
      if (queue.empty() && !AnyProducerAlive(parent)) break;
      continue;
    }
    if (delay_ms > 0) {
      const int64_t until = MonotonicNs() + delay_ms * 1'000'000;
      while (MonotonicNs() < until)
        parent.Wait(std::chrono::microseconds((until - MonotonicNs()) / 1000 + 1));
    }
  }
  parent.WaitChildren(std::chrono::seconds(5));
}

void Transcript(const TrialResult& result, Language l, std::vector<std::string>& out) {
  const int64_t items = result.params.Get("items");
  const auto pid = [&](size_t i) {
    return i < result.children.size() ? " (pid " + std::to_string(result.children[i].pid) + ")"
                                      : std::string();
  };
  const std::string n = std::to_string(items), capacity = std::to_string(result.params.Get("capacity"));
  out.push_back(Pick(l, "Producer 1" + pid(0) + " puts the squares of 1.." + n + "; producer 2" + pid(1) +
                            " puts -1..-" + n + "; the queue holds " + capacity + " items. The parent gets:",
                     "生产者 1" + pid(0) + " 放入 1.." + n + " 的平方；生产者 2" + pid(1) + " 放入 -1..-" + n +
                            "；队列可容纳 " + capacity + " 项。父进程取出："));
  const QueueOutcome* o = result.Outcome<QueueOutcome>();
  if (o == nullptr) return;
  size_t shown = 0;
  for (const QueueOutcome::Item& item : o->received) {
    if (shown++ == kMaxReceivedInTranscript) break;
    out.push_back(std::to_string(item.value));
  }
  const size_t total = o->received.size();
  if (total > kMaxReceivedInTranscript)
    out.push_back(Pick(l, "... and " + std::to_string(total - kMaxReceivedInTranscript) + " more (all of them with --json)",
                       "……还有 " + std::to_string(total - kMaxReceivedInTranscript) + " 项（--json 列出全部）"));
  bool ordered = true;
  std::string blocked;
  for (const QueueOutcome::Producer& producer : o->producers) {
    ordered = ordered && producer.in_order;
    blocked += (blocked.empty() ? "" : Pick(l, ", ", "、")) + FormatMs(producer.blocked_ms, l);
  }
  out.push_back(Pick(l, "Most items waiting at once: " + std::to_string(o->max_depth) +
                            "; producers blocked on a full queue for " + blocked + ".",
                     "同时在队列中等待的项最多 " + std::to_string(o->max_depth) + " 个；生产者因队列已满而阻塞的时间：" +
                            blocked + "。"));
  const std::string got = std::to_string(total), all = std::to_string(2 * items);
  out.push_back(Pick(l, "main is done: " + got + " of " + all + " items received, " +
                            (ordered ? "each producer's in the order it put them." : "but a producer's items came out of order!"),
                     "main 结束：收到 " + all + " 项中的 " + got + " 项，" +
                            (ordered ? "每个生产者的项都按放入的顺序取出。" : "但有一个生产者的项顺序乱了！")));
}

}  // namespace

const Lesson& QueueLesson() {
  static const Lesson lesson{
      .id = "queue",
      .title = {"Queues between processes", "进程之间的队列"},
      .purpose = {"Two producer processes fill one queue while the parent drains it; joining "
                  "before draining deadlocks.",
                  "两个生产者进程向同一个队列放数据，父进程取出；先 join 再取会死锁。"},
      .params =
          {
              {.name = "items",
               .label = {"Items per producer", "每个生产者的元素数"},
               .default_value = 5,
               .min = 0,
               .max = 1'000'000,
               .help = {"How many items each producer puts.", "每个生产者放入多少个元素。"}},
              {.name = "capacity",
               .label = {"Queue capacity", "队列容量"},
               .default_value = 64,
               .min = 1,
               .max = 65'536,
               .help = {"How many items the queue holds before put has to wait.",
                        "队列最多容纳多少个元素，满了之后 put 必须等待。"}},
              {.name = "consumer-delay-ms",
               .label = {"Pause after each get (ms)", "每次 get 后暂停（毫秒）"},
               .default_value = 0,
               .min = 0,
               .max = 1000,
               .help = {"How long the parent pauses after each get (a slow consumer).",
                        "父进程每次 get 之后暂停多少毫秒（模拟慢消费者）。"}},
              {.name = "join-before-drain",
               .label = {"Join before draining", "先 join 再取"},
               .kind = ParamKind::kChoice,
               .default_value = 0,
               .choices = {"off", "on"},
               .help = {"Wait for the producers to exit before draining the queue (a deadlock "
                        "once the queue fills up).",
                        "先等待生产者退出再取队列（队列满后会死锁）。"}},
          },
      .child_count = [](const ParamValues&) { return kProducers; },
      .shared_bytes =
          [](const ParamValues& p) {
            return SharedQueue::BytesFor(static_cast<uint32_t>(p.Get("capacity"))) + 4096;
          },
      .setup =
          [](ParentContext& parent) {
            SharedQueue::Construct(parent.segment(), kQueueName,
                                   static_cast<uint32_t>(parent.param("capacity")),
                                   sizeof(QueueItem), kQueueId);
            parent.Declare(ObjectKind::kQueue, kQueueId, "queue");
          },
      .child = Produce,
      .parent = Consume,
      .transcript = Transcript,
      .python = {R"(from multiprocessing import Process, Queue

def squares(q, n):
    for i in range(1, n + 1):
        q.put(i * i)

def negatives(q, n):
    for i in range(1, n + 1):
        q.put(-i)

if __name__ == "__main__":
    q = Queue(maxsize=64)
    producers = [Process(target=f, args=(q, 5)) for f in (squares, negatives)]
    for p in producers: p.start()
    for _ in range(10):
        print(q.get())            # drain first ...
    for p in producers: p.join()  # ... then join
)",
                 R"(from multiprocessing import Process, Queue

def squares(q, n):
    for i in range(1, n + 1):
        q.put(i * i)

def negatives(q, n):
    for i in range(1, n + 1):
        q.put(-i)

if __name__ == "__main__":
    q = Queue(maxsize=64)
    producers = [Process(target=f, args=(q, 5)) for f in (squares, negatives)]
    for p in producers: p.start()
    for _ in range(10):
        print(q.get())            # 先把队列取空……
    for p in producers: p.join()  # ……再 join
)"},
      .views = {"queue", "lanes", "processes", "transcript"},
  };
  return lesson;
}

}  // namespace proclab

// Lesson `queue-basics` (tutorial section 5): a queue is first in, first out.
// Teaches: put adds at the back, get takes from the front, so the oldest item comes out first.
// One child process does four operations on a real queue in shared memory (put 1, 2, 3; get);
// each is an event, and the queue's contents after each are replayed from them.
#include <algorithm>
#include <deque>

#include "core/shared_queue.hpp"
#include "lessons/common.hpp"

namespace proclab {
namespace {

constexpr uint32_t kCapacity = 8;
constexpr uint32_t kQueueId = 0;

// <child-code>
// One process, one queue in shared memory: put 1, 2, 3, then get once.
int PutThreeGetOne(ChildContext& child) {
  SharedQueue& queue = *SharedQueue::Find(child.segment(), "queue");
  const QueueCaller me = ChildQueueCaller(child);  // traced: each put and get is an event

  for (int64_t value : {1, 2, 3})
    queue.Put(QueueItem{.value = value, .producer = child.index()}, me);  // joins at the back
  QueueItem front;
  queue.Get(&front, me);  // leaves from the front: the oldest item, 1
  return 0;
}
// </child-code>

// Each operation and what the queue held after it, front first: replayed from the queue's facts
// (its puts and gets, in the queue's own order).
struct QueueBasicsOutcome : LessonOutcome {
  struct Step {
    bool put;
    int64_t value;
    std::vector<int64_t> contents;  // front first
  };
  std::vector<Step> steps;

  void Conclude(const TrialResult& result) override {
    steps.clear();
    const QueueFacts* queue = result.facts.queue(kQueueId);
    if (queue == nullptr) return;
    const std::vector<QueueItemTrip> trips = queue->Trips();
    std::deque<int64_t> contents;
    for (const QueueFacts::Step& step : queue->Steps()) {
      const int64_t value = trips[step.trip].value;
      if (step.get) {
        if (!contents.empty()) contents.pop_front();
      } else {
        contents.push_back(value);
      }
      steps.push_back({!step.get, value, {contents.begin(), contents.end()}});
    }
  }

  nlohmann::json ToJson() const override {
    nlohmann::json list = nlohmann::json::array();
    for (const Step& step : steps) {
      nlohmann::json entry = {{"operation", step.put ? "put" : "get"},
                              {"value", step.value},
                              {"contents", step.contents}};
      entry["front"] = step.contents.empty() ? nlohmann::json(nullptr) : nlohmann::json(step.contents.front());
      entry["back"] = step.contents.empty() ? nlohmann::json(nullptr) : nlohmann::json(step.contents.back());
      list.push_back(std::move(entry));
    }
    return {{"steps", std::move(list)}};
  }
};

void Setup(ParentContext& parent) {
  SharedQueue::Construct(parent.segment(), "queue", kCapacity, sizeof(QueueItem), kQueueId);
  parent.Declare(ObjectKind::kQueue, kQueueId, "queue");
}

void WaitForChild(ParentContext& parent) {
  parent.outcome<QueueBasicsOutcome>();
  parent.WaitChildren(std::chrono::seconds(30));
}

void Transcript(const TrialResult& result, Language l, std::vector<std::string>& out) {
  out.push_back(Pick(l, "One child process uses a queue in shared memory (room for " + std::to_string(kCapacity) + " items):",
                     "一个子进程使用共享内存中的队列（可容纳 " + std::to_string(kCapacity) + " 项）："));
  const QueueBasicsOutcome* o = result.Outcome<QueueBasicsOutcome>();
  if (o == nullptr) return;
  for (const QueueBasicsOutcome::Step& step : o->steps) {
    const std::string value = std::to_string(step.value);
    std::string line = step.put ? "  put(" + value + ")" : Pick(l, "  get() returned ", "  get() 返回 ") + value;
    line.resize(std::max<size_t>(line.size(), 22), ' ');
    line += Pick(l, "front [", "队首 [");
    for (size_t i = 0; i < step.contents.size(); ++i)
      line += (i ? ", " : "") + std::to_string(step.contents[i]);
    line += Pick(l, "] back", "] 队尾");
    out.push_back(line);
  }
  if (o->steps.size() == 4)
    out.push_back(Pick(l, "The first item in was the first out: a queue is FIFO.",
                       "最先放入的项最先取出：队列是先进先出（FIFO）的。"));
  else
    out.push_back(Pick(l, "The child stopped before finishing its four operations.",
                       "子进程在完成四个操作之前就停止了。"));
}

}  // namespace

const Lesson& QueueBasicsLesson() {
  static const Lesson lesson{
      .id = "queue-basics",
      .title = {"Queues: first in, first out", "队列：先进先出"},
      .purpose = {"Put 1, 2, 3 on a queue and get one back: the oldest item comes out first.",
                  "向队列放入 1、2、3 再取出一个：最先放入的元素最先出来。"},
      .params = {},
      .child_count = [](const ParamValues&) { return 1; },
      .shared_bytes = [](const ParamValues&) { return SharedQueue::BytesFor(kCapacity) + 4096; },
      .setup = Setup,
      .child = PutThreeGetOne,
      .parent = WaitForChild,
      .transcript = Transcript,
      .python = {R"(from multiprocessing import Queue

q = Queue()
for n in (1, 2, 3):
    q.put(n)          # each new item joins at the back
print(q.get())        # 1: the item that waited longest leaves first
)",
                 R"(from multiprocessing import Queue

q = Queue()
for n in (1, 2, 3):
    q.put(n)          # 每个新元素排到队尾
print(q.get())        # 1：等得最久的元素最先离开
)"},
      .views = {"queue", "lanes", "processes", "transcript"},
  };
  return lesson;
}

}  // namespace proclab

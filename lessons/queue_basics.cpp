// Lesson `queue-basics` (tutorial section 5): a queue is first in, first out.
// Teaches: put adds at the back, get takes from the front, so the oldest item comes out first.
// One child process does four operations on a real queue in shared memory (put 1, 2, 3; get)
// and records the queue's contents after each; the parent reads the record and reports it.
#include <algorithm>
#include <atomic>

#include "core/shared_queue.hpp"
#include "lessons/common.hpp"
#include "lessons/lessons.hpp"

namespace proclab {
namespace {

constexpr uint32_t kCapacity = 8;
constexpr int kMaxSteps = 8;
enum Operation : int64_t { kPut, kGet };

// What the child writes after each operation, for the parent to read once it has exited.
struct Step {
  int64_t operation = kPut;
  int64_t value = 0;
  int64_t count = 0;  // items in the queue after the operation
  int64_t contents[kCapacity] = {};  // front first
};
struct StepLog {
  std::atomic<uint32_t> count{0};
  Step steps[kMaxSteps];
};

void Record(StepLog& log, SharedQueue& queue, int32_t who, Operation operation, int64_t value) {
  const uint32_t n = log.count.load();
  if (n >= kMaxSteps) return;
  Step& step = log.steps[n];
  step.operation = operation;
  step.value = value;
  const std::vector<QueueItem> items = queue.Snapshot<QueueItem>(who);
  step.count = static_cast<int64_t>(items.size());
  for (size_t i = 0; i < items.size() && i < kCapacity; ++i) step.contents[i] = items[i].value;
  log.count.store(n + 1);
}

// <child-code>
// One process, one queue in shared memory: put 1, 2, 3, then get once.
// After every operation the child writes down what the queue holds, front first.
int PutThreeGetOne(ChildContext& child) {
  SharedQueue& queue = *SharedQueue::Find(child.segment(), "queue");
  StepLog& log = child.Shared<StepLog>("steps");
  const QueueCaller me = ChildQueueCaller(child);

  for (int64_t value : {1, 2, 3}) {
    queue.Put(QueueItem{.value = value, .producer = child.index()}, me);  // joins at the back
    Record(log, queue, child.index(), kPut, value);
  }
  QueueItem front;
  queue.Get(&front, me);  // leaves from the front: the oldest item, 1
  Record(log, queue, child.index(), kGet, front.value);
  return 0;
}
// </child-code>

void Setup(Segment& segment, const ParamValues&) {
  SharedQueue::Construct(segment, "queue", kCapacity);
  segment.Construct<StepLog>("steps");
}

void ReadSteps(ParentContext& parent) {
  parent.WaitChildren(std::chrono::seconds(30));
  const StepLog& log = *parent.segment().Find<StepLog>("steps");
  nlohmann::json steps = nlohmann::json::array();
  for (uint32_t i = 0; i < log.count.load() && i < kMaxSteps; ++i) {
    const Step& step = log.steps[i];
    const std::vector<int64_t> contents(step.contents, step.contents + step.count);
    nlohmann::json entry = {{"operation", step.operation == kPut ? "put" : "get"},
                            {"value", step.value},
                            {"contents", contents}};
    entry["front"] = contents.empty() ? nlohmann::json(nullptr) : nlohmann::json(contents.front());
    entry["back"] = contents.empty() ? nlohmann::json(nullptr) : nlohmann::json(contents.back());
    steps.push_back(std::move(entry));
  }
  parent.outcome()["steps"] = std::move(steps);
}

void Transcript(const TrialResult& result, std::vector<std::string>& out) {
  out.push_back("One child process uses a queue in shared memory (room for " +
                std::to_string(kCapacity) + " items):");
  if (!result.outcome.contains("steps")) return;
  for (const nlohmann::json& step : result.outcome.at("steps")) {
    const bool put = step.at("operation") == "put";
    const std::string value = std::to_string(step.at("value").get<int64_t>());
    std::string line = put ? "  put(" + value + ")" : "  get() returned " + value;
    line.resize(std::max<size_t>(line.size(), 22), ' ');
    line += "front [";
    bool first = true;
    for (const nlohmann::json& item : step.at("contents")) {
      line += (first ? "" : ", ") + std::to_string(item.get<int64_t>());
      first = false;
    }
    line += "] back";
    out.push_back(line);
  }
  if (result.outcome.at("steps").size() == 4)
    out.push_back("The first item in was the first out: a queue is FIFO.");
  else
    out.push_back("The child stopped before finishing its four operations.");
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
      .shared_bytes =
          [](const ParamValues&) { return SharedQueue::BytesFor(kCapacity) + sizeof(StepLog); },
      .setup = Setup,
      .child = PutThreeGetOne,
      .parent = ReadSteps,
      .transcript = Transcript,
      .python = R"(from multiprocessing import Queue

q = Queue()
for n in (1, 2, 3):
    q.put(n)          # each new item joins at the back
print(q.get())        # 1: the item that waited longest leaves first
)",
      .views = {LessonView::kQueue, LessonView::kLanes, LessonView::kProcesses,
                LessonView::kTranscript},
  };
  return lesson;
}

}  // namespace proclab

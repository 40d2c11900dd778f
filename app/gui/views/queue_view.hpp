// Queue: the run's queue drawn as slots between the producers and the consumer, with a replay of
// the real puts and gets (one step per event, in the queue's own order, with their real times),
// the order the consumer got the items beside the learner's predicted order (its predict-first
// widget), depth over time, blocked producers, and the join-before-drain stall in words. Every
// item's trip is the queue's facts' (QueueFacts::Trips and Steps), not rebuilt from events.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/gui/views/view.hpp"

namespace proclab::gui {

// The learner's predicted order compared with the real one, position by position.
struct OrderComparison {
  std::vector<int64_t> guess, actual;
  size_t same_position = 0;  // positions where guess and actual agree
  bool parsed = false;       // the guess was a list of whole numbers
};
OrderComparison CompareOrder(const std::string& guess_text, const std::vector<int64_t>& actual);

// One item's trip, with its place in the replay.
struct QueueTrip : QueueItemTrip {
  int put_step = 0, get_step = -1;  // positions in the replay (one step per put or get)
};

class QueueView : public View {
 public:
  std::string_view id() const override { return "queue"; }
  const char* Title(Language language) const override { return Tr(Str::kQueue, language); }
  void Draw(const ViewContext& ctx) override;
  void DrawPrediction(const ViewContext& ctx) override;
  void RunStarted() override { Replay(); }

  // Takes in the shown run's queue facts (cheap when nothing changed).
  void Rebuild(const ShownRun& run);
  void Replay() { playhead_ = 0, playing_ = true; }
  void SkipToEnd() { playhead_ = static_cast<double>(steps_.size()), playing_ = false; }
  void SetGuess(std::string_view lesson, std::string text) { guesses_[std::string(lesson)] = std::move(text); }

  // What the replay shows at its playhead (the self-test reads these).
  int64_t entered() const;    // items put into the slots so far
  int64_t delivered() const;  // items taken out to the consumer so far
  size_t steps() const { return steps_.size(); }
  double playhead() const { return playhead_; }
  const std::vector<QueueTrip>& trips() const { return trips_; }  // in queue (FIFO) order
  std::vector<int64_t> DeliveredOrder() const;  // values in the order the consumer got them
  bool too_many() const { return too_many_; }
  bool stall_shown() const { return stall_shown_; }  // the join-before-drain stall explained
  void SetPlayhead(double position) { playhead_ = position, playing_ = false; }

  // Where the last frame drew the diagram's boxes and item chips (no chip may cover a box).
  struct Box {
    ImVec2 min, max;
  };
  struct Shown {
    Box consumer;
    std::vector<Box> producers, chips;
  };
  const Shown& shown() const { return shown_; }

 private:
  std::map<std::string, std::string> guesses_;  // per lesson
  const RunFacts* source_ = nullptr;
  int64_t source_t0_ = -1;
  bool source_final_ = false;
  uint32_t queue_ = 0;
  size_t seen_ops_ = SIZE_MAX, seen_blocks_ = 0;
  std::vector<QueueTrip> trips_;
  std::vector<QueueFacts::Step> steps_;
  double playhead_ = 0;
  bool playing_ = true;
  bool too_many_ = false;
  bool stall_shown_ = false;
  double last_time_ = -1;
  Shown shown_;
};

}  // namespace proclab::gui

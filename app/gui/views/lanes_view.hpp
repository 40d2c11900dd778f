// Process lanes: one row per child (labelled with its pid), coloured by state, on a time axis
// with zoom (wheel) and pan (drag), from the shown run's child facts. The self-test reads what
// the last frame showed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/gui/timeline/lane_columns.hpp"
#include "app/gui/timeline/lost_marks.hpp"
#include "app/gui/views/view.hpp"

namespace proclab::gui {

class LanesView : public View {
 public:
  std::string_view id() const override { return "lanes"; }
  const char* Title(Language language) const override { return Tr(Str::kLanes, language); }
  void Draw(const ViewContext& ctx) override;
  void RunStarted() override { follow_ = true; }

  // What the last frame showed.
  struct Shown {
    int rows = 0;             // children drawn
    bool headline = false;    // the counter's headline was drawn
    bool stall_headline = false;  // what got stuck was drawn above it
    int64_t counter = 0, lost = 0, lost_marks = 0;
    ImVec2 lanes_min, lanes_max;  // where the lanes were drawn (the projector checks)
    struct Box {
      ImVec2 min, max;
    };
    std::vector<Box> labels;  // every line of the lanes' labels, as drawn (none may overlap)
    float label_w = 0;        // the label column's width
  };
  const Shown& shown() const { return shown_; }

 private:
  void DrawHeadline(const ViewContext& ctx);
  double begin_ns_ = 0, end_ns_ = 0;  // relative to the run's t0
  bool follow_ = true;               // fit the whole run (until the user zooms or pans)
  LostMarks marks_;
  std::vector<ColumnSummary> columns_;  // scratch, kept between frames
  struct LaneLabelLines {
    std::string name, number, step;  // "child 3 · array", "3 · array", "read 100 → wrote 101"
  };
  std::vector<LaneLabelLines> labels_;  // scratch, kept between frames
  Shown shown_;
};

}  // namespace proclab::gui

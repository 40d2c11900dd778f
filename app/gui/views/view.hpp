// A view: one tab of the run pane (process lanes, shared data, locks, queue, pool ...). Each is
// one class that owns its state, its drawing and its predict-first widget, and reads only what
// the session shows of the open lesson (ShownRun: the live run's facts, or the finished run's
// own facts and typed outcome). Every view is listed once, in order, in view_list.cpp; a lesson
// names the ones it shows by id (Lesson::views). A view's class is declared in a header of its
// own only where something else (the self-test) looks inside it. A view's words come from the
// UI strings table or, for a view that keeps them to itself, from its texts().
#pragma once
#include <imgui.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/gui/fonts/fonts.hpp"
#include "app/gui/session/run_session.hpp"
#include "app/gui/shell/theme.hpp"
#include "app/gui/shell/ui_strings.hpp"

namespace proclab::gui {

struct ViewContext {
  const Lesson& lesson;
  const ShownRun& run;  // what this lesson's views show (may be empty)
  Language language;
  const Fonts& fonts;
  const Theme& theme;
  bool busy = false;     // a run of this lesson is starting or under way (it may not show yet)
  bool instant = false;  // no animation or hover: end states at once (command-line screenshots)
  float height = 0;      // the height the view may fill
  const char* T(Str key) const { return Tr(key, language); }
};

class View {
 public:
  virtual ~View() = default;
  virtual std::string_view id() const = 0;  // as lessons name it: "lanes", "locks" ...
  virtual const char* Title(Language language) const = 0;  // the tab's title
  // Texts the view keeps in its own file rather than in assets/ui/ui_strings.inc: the fonts
  // build their glyphs, and a test checks both languages, from this list.
  virtual std::span<const LocalText> texts() const { return {}; }
  virtual void Draw(const ViewContext& ctx) = 0;
  // Predict first: drawn with the run controls while the lesson shows this view.
  virtual void DrawPrediction(const ViewContext&) {}
  // Every trial that finished, of any lesson (a batch's trials one by one).
  virtual void TrialFinished(const TrialResult&, bool /*step_mode*/) {}
  // A run started, or another lesson opened: per-run state (zoom, replay) starts over.
  virtual void RunStarted() {}
};

// Every view, in one explicit order (view_list.cpp).
std::vector<std::unique_ptr<View>> MakeViews();
// The ids of every view, in that order.
std::vector<std::string_view> ViewIds();
// The tabs a lesson that declares none gets.
std::span<const std::string_view> GenericViews();

// ------------------------------------------------------------------------- shared drawing words

const char* StateName(LaneState state, Language language);
// A distinct colour per child (lane index; the parent, -1, is grey), the same in every view.
ImU32 LaneColor(int lane);
// "child 2", "parent" in the UI's language.
std::string LaneLabel(const ViewContext& ctx, int lane);
// `text` after the last item: on the same line if it fits whole, else on the next, wrapped at the
// window's edge (never cut off there). `dim`: in the disabled colour.
void TextBeside(const char* text, bool dim = false);
// A bold heading, with an optional dimmed remark after it.
void SectionTitle(const ViewContext& ctx, Str title, const char* remark = nullptr);
// A label above a large number.
void BigNumber(const ViewContext& ctx, const char* label, const std::string& value, ImU32 color);
// The notes the finished run made (a stall, a dead holder ...), in the UI's language.
void DrawNotes(const ViewContext& ctx, ImU32 color);
// A lost update in a sentence: who read and wrote what, over whose value, erasing how many.
std::string LostUpdateText(const ViewContext& ctx, const LostUpdate& lost);
// "12.35 ms" (or "12.35 毫秒") from a time on the run's clock (ms since its start).
std::string MsText(const RunFacts& facts, int64_t t_ns, int decimals = 1, Language language = Language::kEnglish);
// A moment of a child's life or a join, as the transcript writes it ("12.2 ms"): the lanes'
// tooltips, the Processes tab and the transcript give one time per fact, in one format.
std::string LifeTimeText(const RunFacts& facts, int64_t t_ns, Language language);
// A child's life in the Processes tab: "0.58 ms → 12.2 ms" (spawned → reaped; "…" while alive).
std::string ChildLifeText(const RunFacts& facts, int lane, Language language);
// The parent's join() of a child: which, when it began and returned, how long it waited.
std::string JoinText(const ViewContext& ctx, const RunFacts& facts, const JoinFact& join);

}  // namespace proclab::gui

// The lesson text's "Try this" buttons (core/try_action.hpp): what each says, and what pressing
// one does through App::PressTry.
#pragma once
#include <string>
#include <vector>

#include "app/gui/markdown/markdown_view.hpp"
#include "core/try_action.hpp"

namespace proclab::gui {

class App;

// The button's words: "▶ Run", "▶ Run trials × 20", "▶ Step mode: 1r,2r,1w,2w", "Set".
std::string TryButtonLabel(const TryAction& action, Language language);
// Its tooltip: the settings by the Run pane's labels, then what it runs.
std::string TryButtonTip(const Lesson& lesson, const TryAction& action, Language language);

// Draws the markers of the lesson shown as buttons that press App::PressTry.
class LessonTryButtons : public TryButtons {
 public:
  LessonTryButtons(App& app, const Lesson& lesson, Language language) : app_(app), lesson_(lesson), language_(language) {}
  std::string Label(int index, std::string_view marker) override;
  void Drawn(int index, std::string_view marker, bool pressed) override;
  bool Enabled() const override;

 private:
  App& app_;
  const Lesson& lesson_;
  Language language_;
};

}  // namespace proclab::gui

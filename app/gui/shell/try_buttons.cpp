#include "app/gui/shell/try_buttons.hpp"

#include <imgui.h>

#include "app/gui/shell/app.hpp"
#include "app/gui/shell/ui_strings.hpp"
#include "core/step_schedule.hpp"

namespace proclab::gui {

std::string TryButtonLabel(const TryAction& action, Language language) {
  switch (action.then) {
    case TryAction::Then::kRun: return Tr(Str::kTryRun, language);
    case TryAction::Then::kTrials: return std::string(Tr(Str::kTryTrials, language)) + " " + std::to_string(action.trials);
    case TryAction::Then::kStep: return std::string(Tr(Str::kTryStep, language)) + " " + action.schedule;
    case TryAction::Then::kSet: break;
  }
  return Tr(Str::kTrySet, language);
}

std::string TryButtonTip(const Lesson& lesson, const TryAction& action, Language language) {
  const bool zh = language == Language::kChinese;
  std::string tip;
  if (action.settings.empty()) {
    tip = Tr(Str::kTryTipDefaults, language);
  } else {
    tip = std::string(Tr(Str::kTryTipSets, language)) + (zh ? "" : " ");
    const ParamValues values = TryParams(lesson, action);
    for (size_t i = 0; i < action.settings.size(); ++i) {
      const std::string& name = action.settings[i].first;
      for (const ParamSpec& spec : lesson.params)
        if (spec.name == name)
          tip += (i == 0 ? "" : zh ? "，" : ", ") + std::string(spec.label.In(language)) + " = " + values.Text(name);
    }
    tip += zh ? "。" : ". ";
    tip += Tr(Str::kTryTipOthers, language);
  }
  switch (action.then) {
    case TryAction::Then::kRun: tip += std::string(zh ? "" : " ") + Tr(Str::kTryTipRun, language); break;
    case TryAction::Then::kTrials:
      tip += std::string(zh ? "" : " ") + Tr(Str::kTryTipTrials, language) + " " + std::to_string(action.trials);
      break;
    case TryAction::Then::kStep:
      tip += std::string(zh ? "" : " ") + Tr(Str::kTryTipStep, language) + " " + action.schedule;
      break;
    case TryAction::Then::kSet: break;
  }
  return tip;
}

std::string LessonTryButtons::Label(int, std::string_view marker) {
  std::string error;
  const auto action = ParseTryAction(marker, lesson_, &error);
  return action ? TryButtonLabel(*action, language_) : std::string();  // a bad marker stays code (a test catches it)
}

void LessonTryButtons::Drawn(int index, std::string_view marker, bool pressed) {
  std::string error;
  const auto action = ParseTryAction(marker, lesson_, &error);
  if (!action) return;
  Remember(app_.rects, "try:" + std::to_string(index + 1), ImGui::GetItemRectSize().x);
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24.0f);
    ImGui::TextUnformatted(TryButtonTip(lesson_, *action, language_).c_str());
    if (!Enabled()) ImGui::TextUnformatted(Tr(Str::kTryTipBusy, language_));
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
  if (pressed) app_.PressTry(*action);
}

bool LessonTryButtons::Enabled() const { return !app_.run_busy(); }

// ----------------------------------------------------------------------------- the app's side

std::vector<TryAction> App::TryActionsOf(const Lesson& item, Language language) {
  std::vector<TryAction> actions;
  for (const std::string& marker : FindTryMarkers(TextOf(item, language).raw)) {
    std::string error;
    if (auto action = ParseTryAction(marker, item, &error)) actions.push_back(std::move(*action));
  }
  return actions;
}

bool App::PressTry(const TryAction& action) {
  if (run_busy()) return false;
  const Lesson& current = lesson();
  // The lesson's defaults with the item's settings: the same run its terminal command makes.
  params_of(current) = TryParams(current, action).raw();
  step_mode = action.then == TryAction::Then::kStep;
  const std::string schedule = step_mode ? action.schedule : std::string();
  schedule_text_[schedule.copy(schedule_text_, sizeof schedule_text_ - 1)] = '\0';
  switch (action.then) {
    case TryAction::Then::kSet: return true;
    case TryAction::Then::kRun: return StartRun(1, false);
    case TryAction::Then::kTrials:
      trial_count_ = action.trials;
      return StartRun(action.trials, false);
    case TryAction::Then::kStep: {
      const ParamValues values = ParamsOf(current);
      Sentence error;  // the lesson texts' tests parse every marker
      auto steps = ParseStepSchedule(action.schedule, current.step_children ? current.step_children(values) : 0, &error);
      return steps && StartRun(1, true, std::move(*steps));
    }
  }
  return false;
}

}  // namespace proclab::gui

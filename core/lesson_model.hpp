// What a lesson declares: its id and titles, its parameters, the code each child runs, and how
// the parent drives the run and summarises it. Lessons are plain descriptors listed in one
// explicit curriculum (lessons/curriculum.cpp); nothing registers itself.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/language.hpp"

namespace proclab {

class ChildContext;
class ParentContext;
class Segment;
struct TrialResult;

enum class ParamKind : uint8_t { kInt, kChoice };

struct ParamSpec {
  std::string_view name;  // as typed on the command line: --name
  LocalText label;        // what the GUI shows: words, short enough for the Run pane
  ParamKind kind = ParamKind::kInt;
  int64_t default_value = 0;  // for a choice: index into choices
  int64_t min = 0;
  int64_t max = 0;
  std::vector<std::string_view> choices;
  LocalText help;
  bool default_is_cpu_count = false;  // default: the number of CPUs (clamped to min..max)

  int64_t Default() const;
  std::string Format(int64_t value) const;  // a number, or the choice's name
  // What the GUI shows for a value: Format's, and under Chinese a choice in words with its name
  // after it ("开启（on）"), so a text that names the value still finds it.
  std::string Shown(int64_t value, Language language) const;
  // Parses text typed by a user; on failure returns nullopt and a one-line reason.
  std::optional<int64_t> Parse(std::string_view text, std::string* error) const;
  std::string RangeText() const;  // "1..64" or "none | exit | crash"
};


class ParamError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Values of a lesson's parameters, in declaration order.
class ParamValues {
 public:
  ParamValues();  // no parameters
  explicit ParamValues(const std::vector<ParamSpec>& specs);  // all defaults
  int64_t Get(std::string_view name) const;                   // throws on an unknown name
  std::string Text(std::string_view name) const;              // "7", or a choice's name
  void Set(std::string_view name, int64_t value);             // throws ParamError out of range
  void SetText(std::string_view name, std::string_view text);  // parses; throws ParamError
  const std::vector<int64_t>& raw() const { return values_; }
  void SetRaw(std::vector<int64_t> values) { values_ = std::move(values); }
  const std::vector<ParamSpec>& specs() const { return *specs_; }
  nlohmann::json ToJson() const;
  // "Label = value, Label = value" in the GUI's words (the labels, not the CLI's names).
  std::string Described(Language language) const;

 private:
  const ParamSpec& Spec(std::string_view name, size_t* index) const;
  const std::vector<ParamSpec>* specs_;
  std::vector<int64_t> values_;
};

struct Lesson {
  std::string_view id;
  LocalText title;
  LocalText purpose;  // one line: what the lesson teaches
  std::vector<ParamSpec> params;

  // How many children the run starts.
  int (*child_count)(const ParamValues&) = nullptr;
  // Extra bytes the lesson's shared objects need in the segment (optional).
  size_t (*shared_bytes)(const ParamValues&) = nullptr;
  // Builds the lesson's shared objects in the segment and declares them (their names in every
  // report), before any child starts (optional).
  void (*setup)(ParentContext&) = nullptr;
  // Runs in each child process; its return value is the child's exit status.
  int (*child)(ChildContext&) = nullptr;
  // Runs in the parent once the children are released: drives the run and fills the outcome.
  // Optional: by default the parent joins every child.
  void (*parent)(ParentContext&) = nullptr;
  // Adds the run's transcript lines, in the spirit of the tutorial's printed output.
  void (*transcript)(const TrialResult&, Language, std::vector<std::string>&) = nullptr;
  // Summarises repeated trials (optional): added to the JSON as "summary".
  nlohmann::json (*summarise_trials)(const std::vector<TrialResult>&) = nullptr;
  // With step mode: how many children (the first ones) take steps; the rest run freely.
  int (*step_children)(const ParamValues&) = nullptr;

  // A short Python equivalent of what the children do (shown beside the C++ code): the same code
  // in both languages, its comments in each (zh empty: the same text as en).
  LocalText python;
  // Whether `--step` (the learner as scheduler) is supported.
  bool steppable = false;
  // The GUI's tabs for this lesson, in order, by the views' ids ("lanes", "shared" ...): the
  // first is shown when the lesson opens. Declared by the lesson, so the tabs are there before
  // the first run; the GUI's view list (app/gui/views) says which ids exist.
  std::vector<std::string_view> views;
};

// The code the lesson's children run, cut from lessons/<id>.cpp at build time (generated).
std::string_view LessonChildCode(std::string_view lesson_id);

int CpuCount();

}  // namespace proclab
